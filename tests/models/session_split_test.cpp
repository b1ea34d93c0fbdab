#include "models/groups/session_split.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace salonsim::models {
namespace {

struct Lists {
  std::vector<std::uint16_t> members, trying;
  std::vector<std::int32_t> eligible;
};

// Residents 0 .. n-1 (the part may start past 0), their venues' slots (0: none).
struct Town {
  std::vector<std::uint8_t> alive, member;
  std::vector<StoredStep> next_try;
  std::vector<std::uint16_t> slots;
  std::vector<std::int32_t> record;  // in the referral book (-1: none)
  SessionPart part(std::size_t first, std::size_t count, StoredStep step, bool referrals) const {
    return {.first = first,
            .count = count,
            .alive = alive.data(),
            .member = member.data(),
            .next_try = next_try.data(),
            .step = step,
            .referral_record = referrals ? record.data() : nullptr};
  }
};

Lists by_any_venues(const Town& town, const SessionPart& part,
                    const std::vector<std::uint8_t>& meets) {
  Lists out{std::vector<std::uint16_t>(part.count), std::vector<std::uint16_t>(part.count),
            std::vector<std::int32_t>(meets.size(), 0)};
  const SessionSplit split = split_for_session(
      part, [&](std::size_t i) { return town.slots[i]; }, meets.data(), out.eligible.data(),
      out.members.data(), out.trying.data());
  out.members.resize(split.members);
  out.trying.resize(split.trying);
  return out;
}

Lists by_all_meeting(const Town& town, const SessionPart& part, std::size_t venues) {
  Lists out{std::vector<std::uint16_t>(part.count + kRowsWhereSlack),
            std::vector<std::uint16_t>(part.count + kRowsWhereSlack),
            std::vector<std::int32_t>(venues + 1, 0)};
  const SessionSplit split = split_for_session_all_meet(
      part, town.slots.data(), out.eligible.data(), out.members.data(), out.trying.data());
  out.members.resize(split.members);
  out.trying.resize(split.trying);
  return out;
}

TEST(SessionSplit, SortsEachResidentByHandAndCountsTheNonMembersAVenueCouldInvite) {
  // Two venues (slots 1 and 2), step 10. Resident by resident:
  //   0 member at 1 -> members;            1 non-member at 1, due (9) -> trying, eligible at 1;
  //   2 non-member at 2, not due (11) -> eligible at 2 only;  3 dead member -> nothing;
  //   4 no venue -> nothing;               5 member at 2 -> members;
  //   6 non-member at 2, due (10) -> trying, eligible at 2.
  Town town{.alive = {1, 1, 1, 0, 1, 1, 1},
            .member = {1, 0, 0, 1, 0, 1, 0},
            .next_try = {0, 9, 11, 0, 0, 0, 10},
            .slots = {1, 1, 2, 1, 0, 2, 2},
            .record = {-1, -1, 0, 1, 2, 3, -1}};
  const std::vector<std::uint8_t> meets = {0, 1, 1};
  const SessionPart part = town.part(0, 7, 10, false);
  for (const Lists& got : {by_any_venues(town, part, meets), by_all_meeting(town, part, 2)}) {
    EXPECT_EQ(got.members, (std::vector<std::uint16_t>{0, 5}));
    EXPECT_EQ(got.trying, (std::vector<std::uint16_t>{1, 6}));
    EXPECT_EQ(got.eligible, (std::vector<std::int32_t>{0, 1, 2}));
  }
  // With referrals, an eligible non-member with a record in the book is asked, due or not (2);
  // records of the dead (3), of those without a venue (4) and of members (5) change nothing.
  for (const Lists& got : {by_any_venues(town, town.part(0, 7, 10, true), meets),
                           by_all_meeting(town, town.part(0, 7, 10, true), 2)})
    EXPECT_EQ(got.trying, (std::vector<std::uint16_t>{1, 2, 6}));
  // Without a record nobody not yet due is asked.
  Town unrecorded = town;
  unrecorded.record.assign(7, -1);
  for (const Lists& got : {by_any_venues(unrecorded, unrecorded.part(0, 7, 10, true), meets),
                           by_all_meeting(unrecorded, unrecorded.part(0, 7, 10, true), 2)})
    EXPECT_EQ(got.trying, (std::vector<std::uint16_t>{1, 6}));
  // A venue that does not meet: its residents are neither listed nor counted.
  const Lists second_away = by_any_venues(town, part, {0, 1, 0});
  EXPECT_EQ(second_away.members, (std::vector<std::uint16_t>{0}));
  EXPECT_EQ(second_away.trying, (std::vector<std::uint16_t>{1}));
  EXPECT_EQ(second_away.eligible, (std::vector<std::int32_t>{0, 1, 0}));
}

TEST(SessionSplit, SixteenAtATimeIsTheOneAtATimeAnswerForEveryPartLengthAndStart) {
  // Random towns: the split of every venue meeting, sixteen at a time, against the general one
  // with every venue meeting, for parts that start anywhere and end inside or at the end of a
  // sixteen, steps before, at and after residents' next tries, negative ones among them.
  // Homes in row order give runs of a venue: short ones with homes without a venue among them,
  // so sixteen residents have several; long ones, so sixteen mostly share one or two (the eligible
  // counts are then added a venue at a time); and runs of every length from 1 to 60.
  std::mt19937 random(7);
  const std::size_t n = 700, venues = 9;
  for (const int runs : {0, 1, 2}) {
    Town town;
    std::size_t run_left = 0;
    std::uint16_t run_slot = 0;
    for (std::size_t i = 0; i < n; ++i) {
      town.alive.push_back(random() % 5 != 0);
      town.member.push_back(random() % 3 == 0);
      town.next_try.push_back(static_cast<StoredStep>(static_cast<int>(random() % 40) - 5));
      // A record in the referral book for one in eight, numbered up to 2^31 - 1.
      town.record.push_back(random() % 8 == 0 ? static_cast<std::int32_t>(random() >> 1) : -1);
      if (runs == 0) {
        town.slots.push_back(random() % 7 == 0 ? 0
                                               : static_cast<std::uint16_t>(1 + (i / 13) % venues));
        continue;
      }
      if (run_left == 0) {
        run_left = runs == 1 ? 40 : 1 + random() % 60;
        run_slot = random() % 6 == 0 ? 0 : static_cast<std::uint16_t>(1 + random() % venues);
      }
      --run_left;
      town.slots.push_back(run_slot);
    }
    std::vector<std::uint8_t> all_meet(venues + 1, 1);
    all_meet[0] = 0;
    for (const StoredStep step : {StoredStep{-3}, StoredStep{0}, StoredStep{17}, StoredStep{40}}) {
      for (const bool referrals : {false, true}) {
        for (std::size_t first : {0, 1, 15, 16, 100}) {
          for (std::size_t count = 0; count <= 300 && first + count <= n; count += 7) {
            const SessionPart part = town.part(first, count, step, referrals);
            const Lists one = by_any_venues(town, part, all_meet);
            const Lists sixteen = by_all_meeting(town, part, venues);
            const auto where = [&] {
              return std::to_string(first) + "+" + std::to_string(count) + " step " +
                     std::to_string(step) + " runs " + std::to_string(runs);
            };
            ASSERT_EQ(sixteen.members, one.members) << where();
            ASSERT_EQ(sixteen.trying, one.trying) << where();
            ASSERT_EQ(sixteen.eligible, one.eligible) << where();
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace salonsim::models
