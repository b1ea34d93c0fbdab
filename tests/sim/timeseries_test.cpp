#include "sim/timeseries.hpp"

#include <gtest/gtest.h>

#include <tbb/global_control.h>

namespace salonsim {
namespace {

/// n residents: resident i of sex i % 2, low income (i / low_income_every) % 2, and dead when
/// i is a multiple of dead_every.
Population residents(std::size_t n, std::size_t low_income_every, std::size_t dead_every) {
  Population p;
  p.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    p.sex[i] = i % 2;
    p.income_low[i] = (i / low_income_every) % 2;
    p.alive[i] = (i % dead_every) != 0;
  }
  return p;
}

TEST(Timeseries, CountsEachIndicatorByIncomeGroupAndSex) {
  Population p;
  p.resize(6);
  // (income_low, sex): (0,0) (0,1) (1,0) (1,1) (1,1) (0,0)
  p.income_low = {0, 0, 1, 1, 1, 0};
  p.sex = {0, 1, 0, 1, 1, 0};
  p.alive = {1, 1, 0, 1, 1, 1};
  Timeseries ts;
  ts.declare("alive", "alive",
             [](const Population& pop, ResidentId i, std::int64_t) { return pop.alive[i] != 0; });
  ts.declare("even_step", "everyone on even steps",
             [](const Population&, ResidentId, std::int64_t step) { return step % 2 == 0; });
  ts.record(p, 0);
  ts.record(p, 1);
  ASSERT_EQ(ts.steps(), (std::vector<std::int64_t>{0, 1}));
  const auto* alive = ts.find("alive");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->values[0], (GroupCounts{2, 1, 0, 2}));
  EXPECT_EQ(ts.find("even_step")->values[0], (GroupCounts{2, 1, 1, 2}));
  EXPECT_EQ(ts.find("even_step")->values[1], (GroupCounts{0, 0, 0, 0}));
  EXPECT_EQ(ts.find("missing"), nullptr);
}

TEST(Timeseries, CountsAcrossChunksAndTheirRaggedEnds) {
  // 5,003 residents: two whole chunks of 2,048 and 907 more (56 runs of sixteen and 11), and
  // resident i in group i % 4 (sex i % 2, low income (i / 2) % 2).
  Population p = residents(5003, /*low_income_every=*/2, /*dead_every=*/5);
  for (std::size_t i = 0; i < p.size(); ++i)
    p.death_step[i] = static_cast<StoredStep>(i % 7 == 0 ? 3 : kNever);
  Timeseries ts;
  ts.declare("alive", "",
             [](const Population& pop, ResidentId i, std::int64_t) { return pop.alive[i] != 0; });
  ts.declare("deaths", "", [](const Population& pop, ResidentId i, std::int64_t step) {
    return pop.death_step[i] == stored_step(step);
  });
  ts.record(p, 3);
  ts.record(p, 4);
  // Alive: each run of 20 residents holds five of each group, one of them (i % 5 == 0) dead, so
  // 250 runs give 1,000 a group; of 5,000-5,002, 5,000 is dead, 5,001 (group 1) and 5,002
  // (group 2) alive.
  EXPECT_EQ(ts.find("alive")->values[0], (GroupCounts{1000, 1001, 1001, 1000}));
  // Deaths at step 3: i = 7k for k = 0..714, in group 7k % 4 = 3k % 4, so k % 4 = 0, 3, 2, 1
  // for groups 0-3; of 715 values of k, residues 0-2 come 179 times and 3 comes 178 times.
  EXPECT_EQ(ts.find("deaths")->values[0], (GroupCounts{179, 178, 179, 179}));
  EXPECT_EQ(ts.find("deaths")->values[1], (GroupCounts{0, 0, 0, 0}));
}

TEST(Timeseries, SameCountsForAnyThreadCount) {
  const Population p = residents(100000, /*low_income_every=*/3, /*dead_every=*/7);
  const auto count = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    Timeseries ts;
    ts.declare("alive", "",
               [](const Population& pop, ResidentId i, std::int64_t) { return pop.alive[i] != 0; });
    ts.record(p, 0);
    return ts.find("alive")->values[0];
  };
  EXPECT_EQ(count(1), count(4));
}

}  // namespace
}  // namespace salonsim
