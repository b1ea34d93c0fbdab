#include "sim/stats/ols.hpp"

#include <gtest/gtest.h>

namespace salonsim::stats {
namespace {

TEST(Ols, RecoversAnExactLine) {
  // y = 1 + 2 x1 - 3 x2 exactly.
  const std::vector<double> x1{0, 1, 2, 3, 4}, x2{1, 0, 2, 1, 5};
  std::vector<double> y;
  for (std::size_t i = 0; i < x1.size(); ++i) y.push_back(1 + 2 * x1[i] - 3 * x2[i]);
  const OlsFit fit = fit_ols(y, {x1, x2});
  EXPECT_NEAR(fit.coefficients[0], 1.0, 1e-12);
  EXPECT_NEAR(fit.coefficients[1], 2.0, 1e-12);
  EXPECT_NEAR(fit.coefficients[2], -3.0, 1e-12);
  for (double r : fit.residuals) EXPECT_NEAR(r, 0.0, 1e-12);
}

TEST(Ols, HandWorkedSimpleRegression) {
  // Points (0,1), (1,3), (2,2), (3,5): slope = Sxy/Sxx = 5.5/5 = 1.1, intercept 2.75 - 1.65.
  const OlsFit fit = fit_ols({1, 3, 2, 5}, {{0, 1, 2, 3}});
  EXPECT_NEAR(fit.coefficients[1], 1.1, 1e-12);
  EXPECT_NEAR(fit.coefficients[0], 1.1, 1e-12);
  EXPECT_NEAR(fit.residuals[2], 2 - (1.1 + 2.2), 1e-12);
}

TEST(Ols, RejectsBadInput) {
  EXPECT_THROW(fit_ols({1, 2}, {{1, 2, 3}}), std::invalid_argument);
  EXPECT_THROW(fit_ols({1}, {{1}}), std::invalid_argument);
  EXPECT_THROW(fit_ols({1, 2, 3}, {{1, 2, 3}, {2, 4, 6}}), std::runtime_error);
}

}  // namespace
}  // namespace salonsim::stats
