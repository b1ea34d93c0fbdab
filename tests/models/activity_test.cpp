#include "models/groups/activity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "sim/spatial_order.hpp"

namespace salonsim::models {
namespace {

TEST(ScrambledId, IsOneToOneAndScattersNeighbouringIds) {
  // 0 maps to 0 (every step of the finalizer keeps it); ids 1 and 2 land far apart.
  EXPECT_EQ(scrambled_id(0), 0u);
  EXPECT_NE(scrambled_id(1), scrambled_id(2));
  // 4,096 neighbouring ids (a street's rows): all keys differ, and they spread over the 32-bit
  // values as uniform keys would: 512 expected in each eighth (sd 21), none far off.
  std::vector<std::uint32_t> keys;
  std::array<int, 8> eighths{};
  for (ResidentId id = 100000; id < 104096; ++id) {
    keys.push_back(scrambled_id(id));
    ++eighths[keys.back() >> 29];
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
  for (const int count : eighths) EXPECT_NEAR(count, 512, 100);
}

TEST(BefriendedBy, AnAttendeeOfASessionOfNeighboursBefriendsAnyOtherAlike) {
  // Fifty neighbours, whose rows are consecutive. Over 400 sessions each attendee befriends one
  // other (probability 1): 20,000 choices. An attendee is chosen when the random place falls in
  // the gap before their key, so with keys spread as uniform ones are, the widest of 50 gaps is
  // about H(50) = 4.5 times the mean: 1,800 choices of the 408 on average. With plain ids a
  // random place among all rows falls below or above the fifty, and nearly all 20,000 choices
  // go to the first of them.
  std::vector<ResidentId> attendees;
  for (ResidentId id = 5000; id < 5050; ++id) attendees.push_back(id);
  std::vector<std::uint32_t> keys;
  key_attendees(attendees, keys);
  GroupEffects effects;
  effects.new_tie_probability = 1.0;
  const RandomStream stream(7, 0, "sports_groups");
  std::map<ResidentId, int> chosen;
  for (std::int64_t step = 0; step < 400; ++step) {
    for (std::size_t k = 0; k < attendees.size(); ++k) {
      const auto other = befriended_by(stream, step, attendees, keys, k, effects, 3);
      ASSERT_TRUE(other.has_value());
      ASSERT_NE(*other, attendees[k]);
      ASSERT_TRUE(std::binary_search(attendees.begin(), attendees.end(), *other));
      ++chosen[*other];
    }
  }
  int most = 0;
  for (const auto& [id, count] : chosen) most = std::max(most, count);
  EXPECT_LT(most, 3000);
  EXPECT_GE(chosen.size(), 45u);  // the narrowest gaps may go unchosen
  // No draw below new_tie_probability, no acquaintance; nor alone at a session.
  effects.new_tie_probability = 0.0;
  EXPECT_FALSE(befriended_by(stream, 0, attendees, keys, 0, effects, 3).has_value());
  effects.new_tie_probability = 1.0;
  const std::vector<ResidentId> alone{5000};
  std::vector<std::uint32_t> alone_keys;
  key_attendees(alone, alone_keys);
  EXPECT_FALSE(befriended_by(stream, 0, alone, alone_keys, 0, effects, 3).has_value());
}

TEST(BefriendedBy, TheFirstAttendeeAtOrAfterTheDrawnPlaceOnTheCircleOfKeys) {
  // Worked the long way: the attendees sorted by scrambled id, the first key at or after the
  // place u[1] * 2^32 (wrapping to the least), the next one if that is oneself.
  const std::vector<ResidentId> attendees{40, 41, 42, 43, 44, 45, 46, 47, 900, 12345};
  std::vector<std::uint32_t> keys;
  key_attendees(attendees, keys);
  std::vector<std::pair<std::uint32_t, ResidentId>> circle;
  for (const ResidentId id : attendees) circle.emplace_back(scrambled_id(id), id);
  std::sort(circle.begin(), circle.end());
  GroupEffects effects;
  effects.new_tie_probability = 1.0;
  const RandomStream stream(3, 1, "hobby_groups");
  for (std::int64_t step = 0; step < 200; ++step) {
    for (std::size_t k = 0; k < attendees.size(); ++k) {
      const double u = stream.uniforms4(step, attendees[k], 5)[1];
      const auto place = static_cast<std::uint32_t>(u * 4294967296.0);
      std::size_t at = 0;
      while (at < circle.size() && circle[at].first < place) ++at;
      if (at == circle.size()) at = 0;
      if (circle[at].second == attendees[k]) at = (at + 1) % circle.size();
      EXPECT_EQ(befriended_by(stream, step, attendees, keys, k, effects, 5), circle[at].second)
          << "step " << step << ", attendee " << attendees[k];
    }
  }
}

TEST(BefriendedBy, OneMoreAttendeeChangesOnlyTheChoicesThatFallToThem) {
  // Common random numbers between scenarios: with attendee 5050 at the session as well, every
  // other attendee befriends whom they did without them, or 5050.
  std::vector<ResidentId> attendees;
  for (ResidentId id = 5000; id < 5050; ++id) attendees.push_back(id);
  std::vector<ResidentId> more = attendees;
  more.push_back(5050);
  std::vector<std::uint32_t> keys, keys_more;
  key_attendees(attendees, keys);
  key_attendees(more, keys_more);
  GroupEffects effects;
  effects.new_tie_probability = 1.0;
  const RandomStream stream(7, 0, "sports_groups");
  int changed = 0;
  for (std::int64_t step = 0; step < 100; ++step) {
    for (std::size_t k = 0; k < attendees.size(); ++k) {
      const auto before = befriended_by(stream, step, attendees, keys, k, effects, 3);
      const auto after = befriended_by(stream, step, more, keys_more, k, effects, 3);
      if (*after != *before) {
        EXPECT_EQ(*after, 5050u);
        ++changed;
      }
    }
  }
  // About one choice in fifty falls to the newcomer: 100 of 5,000.
  EXPECT_GT(changed, 30);
  EXPECT_LT(changed, 300);
}

TEST(DrawSessionTies, EachAttendeeBefriendsWhomBefriendedByDrawsInTheirOrder) {
  // 100 attendees (more than one batch of draws), scattered ids, a chance of 0.3: at every step
  // the session's ties are the attendees who befriend someone by befriended_by, in order.
  std::vector<ResidentId> attendees;
  for (ResidentId k = 0; k < 100; ++k) attendees.push_back(3 + 7919 * k % 100003);
  std::vector<std::uint32_t> keys;
  key_attendees(attendees, keys);
  GroupEffects effects;
  effects.new_tie_probability = 0.3;
  const RandomStream stream(11, 2, "hobby_groups");
  std::vector<std::uint32_t> scratch;
  std::vector<std::pair<ResidentId, ResidentId>> ties{{1, 2}};  // cleared first
  std::size_t made = 0;
  for (std::int64_t step = 0; step < 20; ++step) {
    std::vector<std::pair<ResidentId, ResidentId>> expected;
    for (std::size_t k = 0; k < attendees.size(); ++k) {
      if (const auto other = befriended_by(stream, step, attendees, keys, k, effects, 4))
        expected.emplace_back(attendees[k], *other);
    }
    draw_session_ties(stream, step, attendees, effects, 4, scratch, ties);
    EXPECT_EQ(ties, expected) << "step " << step;
    made += ties.size();
  }
  EXPECT_GT(made, 400u);  // about 600 of 2,000
  EXPECT_LT(made, 800u);
  // Nobody makes an acquaintance: no keys worked out; alone, none either.
  effects.new_tie_probability = 0.0;
  std::vector<std::uint32_t> untouched;
  draw_session_ties(stream, 0, attendees, effects, 4, untouched, ties);
  EXPECT_TRUE(ties.empty());
  EXPECT_TRUE(untouched.empty());
  effects.new_tie_probability = 1.0;
  draw_session_ties(stream, 0, std::vector<ResidentId>{5}, effects, 4, untouched, ties);
  EXPECT_TRUE(ties.empty());
}

}  // namespace
}  // namespace salonsim::models
