#include "sim/stats/intervals.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace salonsim::stats {
namespace {

TEST(TCritical, MatchesHighPrecisionValuesAndTendsToTheNormal) {
  // Reference values: the 0.975 quantile solved to 50 digits with mpmath (scipy 1.10's t.ppf is
  // off by up to 7e-9 here, e.g. 2.0210753829953374 for df = 40).
  EXPECT_NEAR(t_critical_95(1), 12.706204736174705, 1e-13);
  EXPECT_NEAR(t_critical_95(4), 2.7764451051977944, 1e-14);
  EXPECT_NEAR(t_critical_95(9), 2.2621571627982055, 1e-14);
  EXPECT_NEAR(t_critical_95(30), 2.0422724563012383, 1e-14);
  EXPECT_NEAR(t_critical_95(40), 2.0210753903062734, 1e-14);
  EXPECT_NEAR(t_critical_95(50), 2.0085591121007611, 1e-14);
  EXPECT_NEAR(t_critical_95(100000), 1.9599877075346096, 1e-14);
  EXPECT_THROW(t_critical_95(0), std::invalid_argument);
}

TEST(MeanInterval, HandWorkedExample) {
  // Values 1, 2, 3, 4, 5: mean 3, sample sd sqrt(2.5), se sqrt(0.5), t(4) = 2.7764451051977944.
  const Interval i = mean_interval({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(i.mean, 3.0);
  EXPECT_NEAR(i.standard_error, std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(i.low, 3.0 - 2.7764451051977944 * std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(i.high, 3.0 + 2.7764451051977944 * std::sqrt(0.5), 1e-12);
  const Interval one = mean_interval({7});
  EXPECT_EQ(one.low, 7);
  EXPECT_EQ(one.high, 7);
  EXPECT_THROW(mean_interval({}), std::invalid_argument);
}

TEST(PairedDifference, UsesThePairsAndReportsTheVarianceReduction) {
  // Arms that move together: differences 1, 1, 2, 2 (mean 1.5, sd sqrt(1/3), se sqrt(1/12)),
  // t(3) = 3.1824463052837096.
  const std::vector<double> reference{10, 20, 30, 40}, arm{11, 21, 32, 42};
  const PairedDifference d = paired_difference(arm, reference);
  EXPECT_DOUBLE_EQ(d.difference.mean, 1.5);
  EXPECT_NEAR(d.difference.standard_error, std::sqrt(1.0 / 12.0), 1e-15);
  EXPECT_NEAR(d.difference.low, 1.5 - 3.1824463052837096 * std::sqrt(1.0 / 12.0), 1e-12);
  // Unpaired: sample variances 541/3 (arm) and 500/3 (reference), each over 4 replicates.
  const double independent = (541.0 / 3.0 + 500.0 / 3.0) / 4.0;
  EXPECT_NEAR(d.independent_standard_error, std::sqrt(independent), 1e-12);
  EXPECT_NEAR(d.variance_reduction, 1041.0, 1e-9);  // 86.75 / (1/12)
  EXPECT_THROW(paired_difference({1, 2}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace salonsim::stats
