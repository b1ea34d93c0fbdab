// Tests of sim/stats/logistic.cpp against statsmodels' Logit on the same data, and of the ridge
// that keeps a separated fit finite.
#include "sim/stats/logistic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace salonsim::stats {
namespace {

TEST(Logistic, AgreesWithStatsmodels) {
  // statsmodels.api.Logit(y, add_constant([x1, x2])).fit(tol=1e-12):
  // params [-3.37911567, 0.77276307, 1.38276962]; first fitted 0.1195871, 0.06873069, 0.38916584.
  std::vector<double> x1, x2{1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
  for (int i = 0; i < 10; ++i) x1.push_back(i);
  const std::vector<std::uint8_t> y{0, 0, 1, 0, 1, 0, 1, 1, 1, 1};
  const LogisticFit fit = fit_logistic(y, {x1, x2});
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.coefficients[0], -3.37911567, 1e-6);
  EXPECT_NEAR(fit.coefficients[1], 0.77276307, 1e-6);
  EXPECT_NEAR(fit.coefficients[2], 1.38276962, 1e-6);
  EXPECT_NEAR(fit.fitted[0], 0.1195871, 1e-6);
  EXPECT_NEAR(fit.fitted[1], 0.06873069, 1e-6);
  EXPECT_NEAR(fit.fitted[2], 0.38916584, 1e-6);
}

TEST(Logistic, NoCovariatesFitsTheShare) {
  const std::vector<std::uint8_t> y{1, 0, 0, 1, 0, 0, 0, 0};
  const LogisticFit fit = fit_logistic(y, {});
  EXPECT_NEAR(fit.fitted[3], 0.25, 1e-9);
  EXPECT_NEAR(fit.coefficients[0], std::log(0.25 / 0.75), 1e-9);
}

TEST(Logistic, RidgeKeepsASeparatedFitFinite) {
  // x separates y perfectly: without a penalty the slope runs away; with one it stays finite
  // and the fitted probabilities still order the subjects.
  const std::vector<double> x{1, 2, 3, 4, 5, 6};
  const std::vector<std::uint8_t> y{0, 0, 0, 1, 1, 1};
  const LogisticFit ridge = fit_logistic(y, {x}, 0.1);
  EXPECT_TRUE(ridge.converged);
  EXPECT_TRUE(std::isfinite(ridge.coefficients[1]));
  EXPECT_GT(ridge.coefficients[1], 0);
  EXPECT_LT(ridge.fitted[0], 0.5);
  EXPECT_GT(ridge.fitted[5], 0.5);
}

TEST(Logistic, RejectsBadInput) {
  EXPECT_THROW(fit_logistic({}, {}), std::invalid_argument);
  EXPECT_THROW(fit_logistic({0, 2}, {}), std::invalid_argument);
  EXPECT_THROW(fit_logistic({0, 1}, {{1.0}}), std::invalid_argument);
  EXPECT_THROW(fit_logistic({0, 1}, {{1.0, NAN}}), std::invalid_argument);
}

}  // namespace
}  // namespace salonsim::stats
