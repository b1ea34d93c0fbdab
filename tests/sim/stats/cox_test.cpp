#include "sim/stats/cox.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace salonsim::stats {
namespace {

/// 64-bit LCG (Knuth's MMIX constants); the Python snippets below reimplement it exactly.
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed) {}
  /// Uniform on (0, 1): the 53 high bits, offset by half a unit.
  double uniform() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return (static_cast<double>(state_ >> 11) + 0.5) / 9007199254740992.0;  // 2^53
  }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// 1. Hand-worked cases.
//
// Four subjects, no ties: (time, event, x) = (1,1,1) (2,1,0) (3,0,1) (4,1,0). With r = e^b the
// partial likelihood is r/(2r+2) * 1/(r+2) * 1/1, so
//   l(b) = b - log 2 - log(r+1) - log(r+2),  U(b) = 1 - r/(r+1) - r/(r+2),
//   I(b) = r/(r+1)^2 + 2r/(r+2)^2.
// At b = 0: l = -log 4 - log 3 - log 1 = -log 12 (sum over events of -log risk-set size),
// U = 1/6, I = 17/36, so the first Newton step is 6/17.
// U = 0 gives r^2 = 2: b = log(2)/2, I = 2r/(3+2r), l = -log(2)/2 - log(4+3r).
CoxData hand_data() {
  CoxData d;
  // Given out of time order, to exercise the sort.
  d.time = {3, 1, 4, 2};
  d.event = {0, 1, 1, 1};
  d.covariates = {{1, 1, 0, 0}};
  d.names = {"treated"};
  return d;
}

TEST(Cox, NullModelLogLikelihoodByHand) {
  const CoxFit fit = fit_cox(hand_data(), 0);
  EXPECT_EQ(fit.iterations, 0);
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.coefficients[0], 0.0);
  EXPECT_NEAR(fit.log_likelihood, -std::log(12.0), 1e-14);
  EXPECT_NEAR(fit.standard_errors[0], std::sqrt(36.0 / 17.0), 1e-14);
}

TEST(Cox, FirstNewtonStepByHand) {
  const CoxFit fit = fit_cox(hand_data(), 1);
  EXPECT_EQ(fit.iterations, 1);
  EXPECT_FALSE(fit.converged);
  EXPECT_NEAR(fit.coefficients[0], 6.0 / 17.0, 1e-14);
}

TEST(Cox, MaximumByHand) {
  const CoxFit fit = fit_cox(hand_data());
  const double r = std::numbers::sqrt2;
  const double b = 0.5 * std::log(2.0);
  const double se = std::sqrt((3 + 2 * r) / (2 * r));
  ASSERT_TRUE(fit.converged);
  EXPECT_LE(fit.iterations, 10);
  EXPECT_NEAR(fit.coefficients[0], b, 1e-10);
  EXPECT_NEAR(fit.standard_errors[0], se, 1e-10);
  EXPECT_NEAR(fit.log_likelihood, -0.5 * std::log(2.0) - std::log(4 + 3 * r), 1e-12);
  EXPECT_NEAR(fit.hazard_ratios[0], r, 1e-10);
  EXPECT_NEAR(fit.ci_low[0], std::exp(b - 1.959963984540054 * se), 1e-10);
  EXPECT_NEAR(fit.ci_high[0], std::exp(b + 1.959963984540054 * se), 1e-10);
}

// Breslow ties: (time, event, x) = (1,1,1) (1,1,0) (2,1,0). Both events at t = 1 are scored
// against the full risk set {1,2,3}: l(b) = b - 2 log(r+2) + 0, maximal at r = 2 (b = log 2)
// with I = 2 (1/2 - 1/4) = 1/2 and l = log 2 - 2 log 4 = -3 log 2. (Efron would differ.)
TEST(Cox, BreslowTiesByHand) {
  CoxData d;
  d.time = {1, 1, 2};
  d.event = {1, 1, 1};
  d.covariates = {{1, 0, 0}};
  d.names = {"x"};
  const CoxFit fit = fit_cox(d);
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.coefficients[0], std::log(2.0), 1e-10);
  EXPECT_NEAR(fit.standard_errors[0], std::numbers::sqrt2, 1e-10);
  EXPECT_NEAR(fit.log_likelihood, -3 * std::log(2.0), 1e-12);
}

// ---------------------------------------------------------------------------------------------
// 2. Agreement with statsmodels 0.13.5 PHReg(ties="breslow") on n = 400, three covariates,
// heavy ties (times rounded up to a 0.1 grid: 29 distinct times, 299 events). Reference
// numbers from this snippet (/usr/bin/python3, Debian 12):
//
//   import math
//   import numpy as np
//   from statsmodels.duration.hazard_regression import PHReg
//   M = 2**64
//   state = 20240601
//   def uniform():  # 64-bit LCG (Knuth MMIX); 53 high bits -> (0, 1)
//       global state
//       state = (state * 6364136223846793005 + 1442695040888963407) % M
//       return ((state >> 11) + 0.5) / 2.0**53
//   n = 400
//   time, event, x1, x2, x3 = [], [], [], [], []
//   for i in range(n):
//       a = 1.0 if uniform() < 0.4 else 0.0
//       b = uniform() + uniform() + uniform() - 1.5
//       c = 2.0 * uniform()
//       rate = 0.5 * math.exp(0.6 * a - 0.4 * b + 0.3 * c)
//       t = -math.log(uniform()) / rate
//       cens = min(-math.log(uniform()) / 0.2, 3.0)
//       y = min(t, cens)
//       time.append(math.ceil(y * 10.0) / 10.0)  # ties on a 0.1 grid
//       event.append(1 if t <= cens else 0)
//       x1.append(a); x2.append(b); x3.append(c)
//   X = np.column_stack([x1, x2, x3])
//   model = PHReg(np.array(time), X, status=np.array(event), ties="breslow")
//   res = model.fit(method="newton", maxiter=200, tol=1e-14)
//   print([f"{v:.15g}" for v in res.params], [f"{v:.15g}" for v in res.bse])
//   print(f"{res.llf:.15g}", f"{model.loglike(np.zeros(3)):.15g}")
CoxData statsmodels_data() {
  Lcg rng(20240601);
  constexpr int n = 400;
  CoxData d;
  d.covariates.assign(3, {});
  d.names = {"x1", "x2", "x3"};
  for (int i = 0; i < n; ++i) {
    // One draw per statement: C++ leaves the order of operands unspecified.
    const double a = rng.uniform() < 0.4 ? 1.0 : 0.0;
    double b = rng.uniform();
    b += rng.uniform();
    b += rng.uniform();
    b -= 1.5;
    const double c = 2.0 * rng.uniform();
    const double rate = 0.5 * std::exp(0.6 * a - 0.4 * b + 0.3 * c);
    const double t = -std::log(rng.uniform()) / rate;
    const double cens = std::min(-std::log(rng.uniform()) / 0.2, 3.0);
    const double y = std::min(t, cens);
    d.time.push_back(std::ceil(y * 10.0) / 10.0);
    d.event.push_back(t <= cens ? 1 : 0);
    d.covariates[0].push_back(a);
    d.covariates[1].push_back(b);
    d.covariates[2].push_back(c);
  }
  return d;
}

TEST(Cox, AgreesWithStatsmodelsBreslow) {
  const CoxData d = statsmodels_data();
  int events = 0;
  for (auto e : d.event) events += e;
  ASSERT_EQ(events, 299);  // the generator matches the Python one
  ASSERT_EQ(d.time[0], 0.8);
  ASSERT_EQ(d.time[3], 0.1);

  const CoxFit fit = fit_cox(d);
  ASSERT_TRUE(fit.converged);
  const double coef[] = {0.578450693486845, -0.538553000421454, 0.321201263714005};
  const double se[] = {0.119008018229123, 0.113652439848082, 0.100981159574473};
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(fit.coefficients[j], coef[j], 1e-6) << d.names[j];
    EXPECT_NEAR(fit.standard_errors[j], se[j], 1e-6) << d.names[j];
  }
  EXPECT_NEAR(fit.log_likelihood, -1538.68603946938, 1e-6);
  EXPECT_NEAR(fit_cox(d, 0).log_likelihood, -1563.4541226538, 1e-6);
}

// Centring is internal: shifting a covariate leaves the fit unchanged; scaling it by k divides
// its coefficient and standard error by k.
TEST(Cox, ShiftAndScaleOfACovariate) {
  const CoxData d = statsmodels_data();
  const CoxFit base = fit_cox(d);
  CoxData moved = d;
  for (double& v : moved.covariates[1]) v = 1000.0 + 2.0 * v;
  const CoxFit fit = fit_cox(moved);
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.coefficients[0], base.coefficients[0], 1e-9);
  EXPECT_NEAR(fit.coefficients[1], base.coefficients[1] / 2, 1e-9);
  EXPECT_NEAR(fit.standard_errors[1], base.standard_errors[1] / 2, 1e-9);
  EXPECT_NEAR(fit.log_likelihood, base.log_likelihood, 1e-8);
}

// ---------------------------------------------------------------------------------------------
// 3. Recovery: n = 20000, x1 ~ Bernoulli(1/2), x2 ~ N(0,1) (Box-Muller), hazard
// 0.1 exp(0.5 x1 - 0.7 x2), administrative censoring at 10 (14001 events). statsmodels on the
// same data (same generator, seed 7, draws in the order below) gives
// params 0.519681368996218, -0.708043214923229; bse 0.0171359974817998, 0.00957525245601424.
TEST(Cox, RecoversTrueLogHazardRatios) {
  Lcg rng(7);
  constexpr int n = 20000;
  CoxData d;
  d.covariates.assign(2, {});
  d.names = {"binary", "normal"};
  for (int i = 0; i < n; ++i) {
    const double a = rng.uniform() < 0.5 ? 1.0 : 0.0;
    const double u1 = rng.uniform();
    const double u2 = rng.uniform();
    const double b = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    const double t = -std::log(rng.uniform()) / (0.1 * std::exp(0.5 * a - 0.7 * b));
    d.time.push_back(std::min(t, 10.0));
    d.event.push_back(t <= 10.0 ? 1 : 0);
    d.covariates[0].push_back(a);
    d.covariates[1].push_back(b);
  }
  const CoxFit fit = fit_cox(d);
  ASSERT_TRUE(fit.converged);
  const double truth[] = {0.5, -0.7};
  for (int j = 0; j < 2; ++j) {
    EXPECT_LT(std::abs(fit.coefficients[j] - truth[j]), 4 * fit.standard_errors[j]) << j;
  }
  EXPECT_NEAR(fit.coefficients[0], 0.519681368996218, 1e-6);
  EXPECT_NEAR(fit.coefficients[1], -0.708043214923229, 1e-6);
  EXPECT_NEAR(fit.standard_errors[0], 0.0171359974817998, 1e-6);
  EXPECT_NEAR(fit.standard_errors[1], 0.00957525245601424, 1e-6);
  EXPECT_NEAR(fit.log_likelihood, -128763.555130883, 1e-5);
}

// ---------------------------------------------------------------------------------------------
// 4. Invalid input.
TEST(Cox, InvalidInputThrows) {
  const CoxData good = hand_data();
  EXPECT_NO_THROW(fit_cox(good));

  CoxData d = good;
  d.event.pop_back();
  EXPECT_THROW(fit_cox(d), std::invalid_argument);  // sizes differ

  d = good;
  d.covariates[0].push_back(1);
  EXPECT_THROW(fit_cox(d), std::invalid_argument);

  d = good;
  d.names.clear();
  EXPECT_THROW(fit_cox(d), std::invalid_argument);

  d = good;
  d.covariates.clear();
  d.names.clear();
  EXPECT_THROW(fit_cox(d), std::invalid_argument);  // p = 0

  d = good;
  d.time[2] = 0;
  EXPECT_THROW(fit_cox(d), std::invalid_argument);
  d.time[2] = -1;
  EXPECT_THROW(fit_cox(d), std::invalid_argument);
  d.time[2] = std::nan("");
  EXPECT_THROW(fit_cox(d), std::invalid_argument);
  d.time[2] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(fit_cox(d), std::invalid_argument);

  d = good;
  d.event = {0, 0, 0, 0};
  EXPECT_THROW(fit_cox(d), std::invalid_argument);  // no events
  d.event = {0, 2, 0, 0};
  EXPECT_THROW(fit_cox(d), std::invalid_argument);

  d = good;
  d.covariates[0][1] = std::nan("");
  EXPECT_THROW(fit_cox(d), std::invalid_argument);

  d = CoxData{};
  EXPECT_THROW(fit_cox(d), std::invalid_argument);  // n = 0

  EXPECT_THROW(fit_cox(good, -1), std::invalid_argument);
  EXPECT_THROW(fit_cox(good, 50, 0.0), std::invalid_argument);

  try {
    d = good;
    d.event.pop_back();
    fit_cox(d);
    FAIL() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("event"), std::string::npos) << e.what();
  }
}

TEST(Cox, SingularInformationThrows) {
  CoxData d = statsmodels_data();
  d.covariates.push_back(std::vector<double>(d.time.size(), 0.1));
  d.names.push_back("constant");
  try {
    fit_cox(d);
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'constant'"), std::string::npos) << e.what();
  }

  d = statsmodels_data();
  std::vector<double> sum(d.time.size());
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = d.covariates[0][i] - 3 * d.covariates[2][i];
  d.covariates.push_back(sum);
  d.names.push_back("x1_minus_3x3");
  try {
    fit_cox(d);
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'x1_minus_3x3'"), std::string::npos) << e.what();
  }

  // Constant within every risk set at an event time: the only subject with x = 1 is censored
  // before the first event.
  d = hand_data();
  d.time = {0.5, 1, 4, 2};
  d.covariates = {{1, 0, 0, 0}};
  EXPECT_THROW(fit_cox(d), std::runtime_error);
}

}  // namespace
}  // namespace salonsim::stats

namespace salonsim::stats {
namespace {

// A case weight of 2 is the same subject counted twice (Breslow ties).
TEST(CoxWeights, AWeightOfTwoIsADuplicatedSubject) {
  CoxData weighted{.time = {1, 2, 3, 4, 5, 6},
                   .event = {1, 0, 1, 1, 0, 1},
                   .covariates = {{0, 1, 0, 1, 1, 0}},
                   .names = {"x"},
                   .weights = {2, 1, 1, 2, 1, 1}};
  CoxData duplicated{.time = {1, 1, 2, 3, 4, 4, 5, 6},
                     .event = {1, 1, 0, 1, 1, 1, 0, 1},
                     .covariates = {{0, 0, 1, 0, 1, 1, 1, 0}},
                     .names = {"x"}};
  const CoxFit a = fit_cox(weighted), b = fit_cox(duplicated);
  EXPECT_NEAR(a.coefficients[0], b.coefficients[0], 1e-9);
  EXPECT_NEAR(a.log_likelihood, b.log_likelihood, 1e-9);
}

TEST(CoxWeights, RejectsBadWeights) {
  CoxData data{
      .time = {1, 2}, .event = {1, 1}, .covariates = {{0, 1}}, .names = {"x"}, .weights = {1}};
  EXPECT_THROW(fit_cox(data), std::invalid_argument);
  data.weights = {1, 0};
  EXPECT_THROW(fit_cox(data), std::invalid_argument);
}

}  // namespace
}  // namespace salonsim::stats
