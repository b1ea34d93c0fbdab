#include "sim/timeseries.hpp"

#include <gtest/gtest.h>

#include <tbb/global_control.h>

namespace salonsim {
namespace {

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

TEST(Timeseries, SameCountsForAnyThreadCount) {
  Population p;
  p.resize(100000);
  for (std::size_t i = 0; i < p.size(); ++i) {
    p.sex[i] = i % 2;
    p.income_low[i] = (i / 3) % 2;
    p.alive[i] = (i % 7) != 0;
  }
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
