#include "sim/admission.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <array>
#include <vector>

#include "sim/random.hpp"

namespace salonsim {
namespace {

std::vector<ResidentId> ids_of(const std::vector<Candidate>& candidates) {
  std::vector<ResidentId> ids;
  for (const auto& [priority, id] : candidates) ids.push_back(id);
  return ids;
}

// Five candidates for three places: a member (priority below 0) first, then the two lowest
// draws; resident 4 and resident 2 draw the same priority, and the lower id wins.
std::vector<Candidate> five_for_three() {
  return {{0.50, 7}, {-0.90, 9}, {0.25, 4}, {0.25, 2}, {0.75, 1}};
}

TEST(KeepLowest, KeepsTheLowestPrioritiesTiesByIdInNoParticularOrder) {
  std::vector<Candidate> candidates = five_for_three();
  keep_lowest(candidates, 3);
  std::vector<ResidentId> kept = ids_of(candidates);
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<ResidentId>{2, 4, 9}));
}

TEST(KeepLowest, RoomForEveryoneKeepsEveryoneAsTheyCame) {
  std::vector<Candidate> candidates = five_for_three();
  keep_lowest(candidates, 5);
  EXPECT_EQ(ids_of(candidates), (std::vector<ResidentId>{7, 9, 4, 2, 1}));
  keep_lowest(candidates, 9);
  EXPECT_EQ(candidates.size(), 5u);
}

TEST(AdmitByPriority, KeepsTheSameOnesAsKeepLowestInPriorityOrder) {
  std::vector<Candidate> candidates = five_for_three();
  admit_by_priority(candidates, 3);
  EXPECT_EQ(ids_of(candidates), (std::vector<ResidentId>{9, 2, 4}));
  std::vector<Candidate> none;
  admit_by_priority(none, 0);
  EXPECT_TRUE(none.empty());
}

TEST(AdmitLowest, GatheredInParallelItAdmitsWhatOneQueueWould) {
  // Every third resident of 50,000 queues, with a priority from a simple hash of the id: the
  // 100 admitted, worked out in one sorted queue, must come out whatever the thread count.
  const std::size_t residents = 50000, capacity = 100;
  const auto priority = [](std::size_t i, double& value) {
    if (i % 3 != 0) return false;
    value = static_cast<double>((i * 2654435761u) % 100003) / 100003.0;
    return true;
  };
  std::vector<Candidate> expected;
  for (std::size_t i = 0; i < residents; ++i) {
    double value = 0;
    if (priority(i, value)) expected.emplace_back(value, static_cast<ResidentId>(i));
  }
  const auto queued_everyone = static_cast<std::int64_t>(expected.size());
  std::sort(expected.begin(), expected.end());
  expected.resize(capacity);
  for (int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    AdmissionQueues queues;
    std::vector<Candidate> admitted;
    EXPECT_EQ(admit_lowest(residents, capacity, priority, queues, admitted), queued_everyone);
    EXPECT_EQ(admitted, expected) << threads << " threads";
  }
}

TEST(AdmitLowest, APriorityKeepingDrawsForItsRangeAdmitsWhatFreshDrawsWould) {
  // The shuttle's way: each block of four residents' priorities from one call of the generator,
  // kept while the range's residents of that block are asked. Ranges begin anywhere in a block.
  const RandomStream stream(5, 0, "admission");
  const std::size_t residents = 20001, capacity = 37;
  const auto fresh = [&](std::size_t i, double& value) {
    if (i % 5 == 1) return false;
    value = stream.uniforms_by_four(3, i, 0)[i % 4];
    return true;
  };
  const auto kept = [&, block = ~std::size_t{0}, draws = std::array<double, 4>{}](
                        std::size_t i, double& value) mutable {
    if (i % 5 == 1) return false;
    if (i / 4 != block) {
      block = i / 4;
      draws = stream.uniforms_by_four(3, i, 0);
    }
    value = draws[i % 4];
    return true;
  };
  AdmissionQueues queues;
  std::vector<Candidate> expected, admitted;
  const std::int64_t queued = admit_lowest(residents, capacity, fresh, queues, expected);
  EXPECT_EQ(queued, 16001);
  for (int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    EXPECT_EQ(admit_lowest(residents, capacity, kept, queues, admitted), queued);
    EXPECT_EQ(admitted, expected) << threads << " threads";
  }
}

TEST(AdmitLowest, ABlockPriorityAdmitsWhatOneResidentAtATimeWould) {
  // The shuttle's way: a block's queue flags first, then each four neighbours' priorities from
  // one call of the generator where one of them queues, then an offset for a few. 20,001
  // residents: 312 whole blocks of 64 and a part of 33.
  const RandomStream stream(5, 0, "admission");
  const std::size_t residents = 20001, capacity = 37;
  const auto queues_at = [](std::size_t i) { return i % 5 != 1 && i % 11 != 7; };
  const auto first_in_line = [](std::size_t i) { return i % 1000 == 3; };
  const auto one_at_a_time = [&](std::size_t i, double& value) {
    if (!queues_at(i)) return false;
    value = stream.uniforms_by_four(3, i, 0)[i % 4] - (first_in_line(i) ? 1.0 : 0.0);
    return true;
  };
  const auto by_block = [&](std::size_t first, std::size_t count, PriorityBlock& block) {
    EXPECT_EQ(first % PriorityBlock::kResidents, 0u);
    EXPECT_LE(count, PriorityBlock::kResidents);
    for (std::size_t j = 0; j < count; ++j) block.queued[j] = queues_at(first + j);
    for (std::size_t j = 0; j < count; j += 4) {
      const std::array<double, 4> draws = stream.uniforms_by_four(3, first + j, 0);
      std::copy(draws.begin(), draws.end(), block.priority.begin() + j);
    }
    for (std::size_t j = 0; j < count; ++j) block.priority[j] -= first_in_line(first + j);
  };
  AdmissionQueues queues;
  std::vector<Candidate> expected, admitted;
  const std::int64_t queued = admit_lowest(residents, capacity, one_at_a_time, queues, expected);
  EXPECT_EQ(queued, 14546);
  EXPECT_EQ(expected.front().second % 1000, 3u);  // the first in line come first
  for (int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    EXPECT_EQ(admit_lowest_in_blocks(residents, capacity, by_block, queues, admitted), queued);
    EXPECT_EQ(admitted, expected) << threads << " threads";
  }
}

TEST(AdmissionQueue, CutToTheLowestItTurnsAwayOnlyThoseAboveTheHighestKept) {
  AdmissionQueue queue;
  EXPECT_TRUE(queue.may_admit({9.0, 1}));  // not cut: anyone
  queue.candidates = {{0.5, 10}, {0.2, 30}, {0.5, 20}, {0.9, 1}};
  queue.cut_to(5);  // fewer than the places: nothing to cut
  EXPECT_FALSE(queue.cut);
  queue.cut_to(2);
  ASSERT_TRUE(queue.cut);
  EXPECT_EQ(queue.candidates.size(), 2u);
  EXPECT_EQ(queue.candidates.back(), (Candidate{0.5, 10}));  // the highest kept, last
  EXPECT_EQ(queue.highest_kept, (Candidate{0.5, 10}));
  EXPECT_TRUE(queue.may_admit({0.5, 5}));    // the same priority, a lower id: it would win
  EXPECT_FALSE(queue.may_admit({0.5, 11}));  // a higher id: two come before it
  EXPECT_TRUE(queue.may_admit({0.4, 99}));
  EXPECT_FALSE(queue.may_admit({0.6, 0}));
}

TEST(AdmitLowest, QueuesCutToTheHighestKeptStillAdmitWhatOneQueueWouldThroughTiesAndAgain) {
  // 200,000 residents, every other with a priority of only 50 values (many ties, broken by id):
  // each thread's queue is cut many times and then skips candidates above its highest kept, which
  // must not lose a tie that a lower id wins. The same queues serve every call (as a module's
  // do, step after step), with capacities from none to more than queue.
  const std::size_t residents = 200000;
  const auto priority = [](std::size_t i, double& value) {
    if (i % 2 != 0) return false;
    value = static_cast<double>((i * 2654435761u) % 50) / 50.0 - (i % 1000 == 0 ? 1.0 : 0.0);
    return true;
  };
  std::vector<Candidate> everyone;
  for (std::size_t i = 0; i < residents; ++i) {
    double value = 0;
    if (priority(i, value)) everyone.emplace_back(value, static_cast<ResidentId>(i));
  }
  std::sort(everyone.begin(), everyone.end());
  AdmissionQueues queues;
  for (int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    for (const std::size_t capacity : {0, 1, 7, 3000, 100001, 150000}) {
      std::vector<Candidate> admitted;
      EXPECT_EQ(admit_lowest(residents, capacity, priority, queues, admitted), 100000);
      const std::vector<Candidate> expected(
          everyone.begin(),
          everyone.begin() + static_cast<std::ptrdiff_t>(std::min(capacity, everyone.size())));
      EXPECT_EQ(admitted, expected) << threads << " threads, " << capacity << " places";
    }
  }
}

}  // namespace
}  // namespace salonsim
