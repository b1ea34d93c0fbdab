#include "sim/stats/intervals.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace salonsim::stats {
namespace {

TEST(TCritical, MatchesTablesAndTendsToTheNormal) {
  EXPECT_DOUBLE_EQ(t_critical_95(1), 12.7062);
  EXPECT_DOUBLE_EQ(t_critical_95(9), 2.2622);
  EXPECT_DOUBLE_EQ(t_critical_95(30), 2.0423);
  EXPECT_NEAR(t_critical_95(40), 2.0211, 1e-12);
  EXPECT_NEAR(t_critical_95(50), 2.0086, 5e-4);  // exact 2.00856
  EXPECT_NEAR(t_critical_95(100000), 1.95996, 1e-4);
  EXPECT_THROW(t_critical_95(0), std::invalid_argument);
}

TEST(MeanInterval, HandWorkedExample) {
  // Values 1, 2, 3, 4, 5: mean 3, sample sd sqrt(2.5), se sqrt(0.5), t(4) = 2.7764.
  const Interval i = mean_interval({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(i.mean, 3.0);
  EXPECT_NEAR(i.standard_error, std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(i.low, 3.0 - 2.7764 * std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(i.high, 3.0 + 2.7764 * std::sqrt(0.5), 1e-12);
  const Interval one = mean_interval({7});
  EXPECT_EQ(one.low, 7);
  EXPECT_EQ(one.high, 7);
  EXPECT_THROW(mean_interval({}), std::invalid_argument);
}

TEST(PairedDifference, UsesThePairsAndReportsTheVarianceReduction) {
  // Arms that move together: differences 1, 1, 2, 2 (mean 1.5, sd sqrt(1/3), se sqrt(1/12)).
  const std::vector<double> reference{10, 20, 30, 40}, arm{11, 21, 32, 42};
  const PairedDifference d = paired_difference(arm, reference);
  EXPECT_DOUBLE_EQ(d.difference.mean, 1.5);
  EXPECT_NEAR(d.difference.standard_error, std::sqrt(1.0 / 12.0), 1e-15);
  EXPECT_NEAR(d.difference.low, 1.5 - 3.1824 * std::sqrt(1.0 / 12.0), 1e-12);
  // Unpaired: sample variances 541/3 (arm) and 500/3 (reference), each over 4 replicates.
  const double independent = (541.0 / 3.0 + 500.0 / 3.0) / 4.0;
  EXPECT_NEAR(d.independent_standard_error, std::sqrt(independent), 1e-12);
  EXPECT_NEAR(d.variance_reduction, 1041.0, 1e-9);  // 86.75 / (1/12)
  EXPECT_THROW(paired_difference({1, 2}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace salonsim::stats
