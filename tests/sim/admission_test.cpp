#include "sim/admission.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <vector>

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

}  // namespace
}  // namespace salonsim
