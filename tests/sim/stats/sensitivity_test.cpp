#include "sim/stats/sensitivity.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/stats/designs.hpp"

namespace salonsim::stats {
namespace {

constexpr double kPi = std::numbers::pi;

template <typename Function>
std::vector<double> evaluate(const Design& design, Function f) {
  std::vector<double> y(design.rows);
  for (std::size_t r = 0; r < design.rows; ++r) y[r] = f(design.row(r));
  return y;
}

template <typename Call>
void expect_invalid(Call call, const std::string& expected) {
  try {
    call();
    ADD_FAILURE() << "no exception; expected one mentioning: " << expected;
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
  }
}

// ---------------------------------------------------------------------------------- Morris

TEST(Morris, LinearModelHasItsCoefficientsAsEffects) {
  // y = sum c_i x_i: every elementary effect of x_i is exactly c_i, whatever the point and the
  // direction, so mu = c_i, mu* = |c_i|, sigma = 0 and the bootstrap interval is a point.
  const std::array<double, 4> c{1, -2, 0, 5};
  const Design design = morris_design(20, 4, 4, 17);
  const auto y = evaluate(design, [&](std::span<const double> x) {
    return c[0] * x[0] + c[1] * x[1] + c[2] * x[2] + c[3] * x[3];
  });
  const MorrisResult result = morris_indices(design, y, 200, 1);
  ASSERT_EQ(result.factors.size(), 4u);
  EXPECT_EQ(result.trajectories, 20u);
  for (std::size_t i = 0; i < 4; ++i) {
    const MorrisIndex& f = result.factors[i];
    EXPECT_NEAR(f.mu, c[i], 1e-12) << i;
    EXPECT_NEAR(f.mu_star, std::abs(c[i]), 1e-12) << i;
    EXPECT_NEAR(f.sigma, 0.0, 1e-12) << i;
    EXPECT_NEAR(f.mu_star_low, std::abs(c[i]), 1e-12) << i;
    EXPECT_NEAR(f.mu_star_high, std::abs(c[i]), 1e-12) << i;
  }
}

TEST(Morris, InteractionShowsAsSpread) {
  // y = x1 x2: the effect of x1 is x2 (and vice versa), which varies over the grid: sigma > 0.
  // x3 is unused: its effects are exactly 0.
  const Design design = morris_design(40, 3, 4, 5);
  const auto y = evaluate(design, [](std::span<const double> x) { return x[0] * x[1]; });
  const MorrisResult result = morris_indices(design, y, 100, 2);
  EXPECT_GT(result.factors[0].sigma, 0.1);
  EXPECT_GT(result.factors[1].sigma, 0.1);
  EXPECT_EQ(result.factors[2].sigma, 0.0);
  EXPECT_EQ(result.factors[2].mu_star, 0.0);
  // x2's mean over the grid {0, 1/3, 2/3, 1} is 1/2, so mu(x1) is near 1/2.
  EXPECT_NEAR(result.factors[0].mu, 0.5, 0.15);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_LE(result.factors[i].mu_star_low, result.factors[i].mu_star);
    EXPECT_GE(result.factors[i].mu_star_high, result.factors[i].mu_star);
  }
}

TEST(Morris, HandWorkedTwoTrajectories) {
  // One factor, delta = 2/3. Trajectory 1 moves 0 -> 2/3 with y 0 -> 1: EE = 1 / (2/3) = 1.5.
  // Trajectory 2 moves 1 -> 1/3 with y 1 -> 3: EE = (3 - 1) / (-2/3) = -3.
  // mu = -0.75, mu* = 2.25, sigma = sqrt(2.25^2 + 2.25^2) = 2.25 sqrt(2).
  Design design;
  design.rows = 4;
  design.cols = 1;
  design.values = {0, 2.0 / 3, 1, 1.0 / 3};
  MorrisLayout layout;
  layout.trajectories = 2;
  layout.levels = 4;
  layout.delta = 2.0 / 3;
  layout.moved_factor = {MorrisLayout::kNone, 0, MorrisLayout::kNone, 0};
  layout.step = {0, 2.0 / 3, 0, -2.0 / 3};
  design.morris = layout;
  const MorrisResult result = morris_indices(design, {0, 1, 1, 3}, 500, 4);
  const MorrisIndex& f = result.factors[0];
  EXPECT_NEAR(f.mu, -0.75, 1e-12);
  EXPECT_NEAR(f.mu_star, 2.25, 1e-12);
  EXPECT_NEAR(f.sigma, 2.25 * std::sqrt(2.0), 1e-12);
  // Resamples of two trajectories give mu* in {1.5, 2.25, 3}; the 2.5% and 97.5% points of
  // 500 of them are the extremes.
  EXPECT_NEAR(f.mu_star_low, 1.5, 1e-12);
  EXPECT_NEAR(f.mu_star_high, 3.0, 1e-12);
}

TEST(Morris, WithoutResamplesTheIntervalIsNaN) {
  const Design design = morris_design(3, 2, 4, 1);
  const MorrisResult result = morris_indices(design, std::vector<double>(design.rows, 1.0), 0, 1);
  EXPECT_EQ(result.factors[0].mu_star, 0.0);
  EXPECT_TRUE(std::isnan(result.factors[0].mu_star_low));
}

TEST(Morris, RejectsBadInput) {
  const Design design = morris_design(3, 2, 4, 1);
  expect_invalid([&] { morris_indices(design, {1, 2}, 10, 1); }, "y has 2 values for 9 runs");
  std::vector<double> y(design.rows, 0.0);
  y[4] = std::nan("");
  expect_invalid([&] { morris_indices(design, y, 10, 1); }, "y[4] is not finite");
  const Design lhs = latin_hypercube(9, 2, 1);
  expect_invalid([&] { morris_indices(lhs, std::vector<double>(9), 10, 1); },
                 "not a Morris design");
}

// ----------------------------------------------------------------------------------- Sobol

struct TrueIndices {
  std::vector<double> first, total;
};

/// Ishigami function on [-pi, pi]^3 (a = 7, b = 0.1), mapped from the unit cube.
double ishigami(std::span<const double> u) {
  constexpr double a = 7, b = 0.1;
  const double x1 = -kPi + 2 * kPi * u[0], x2 = -kPi + 2 * kPi * u[1], x3 = -kPi + 2 * kPi * u[2];
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}

/// Ishigami & Homma (1990); Sobol' & Levitan (1999). With x_i ~ U(-pi, pi):
/// V1 = (1 + b pi^4 / 5)^2 / 2 (from sin x1 (1 + b x3^4)), V2 = a^2 / 8 (from a sin^2 x2),
/// V13 = b^2 pi^8 (1/18 - 1/50) (the part of b x3^4 sin x1 beyond V1), V3 = V12 = V23 = 0, and
/// V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2. Numerically S1 = [0.3139, 0.4424, 0],
/// ST = [0.5576, 0.4424, 0.2437].
TrueIndices ishigami_indices() {
  constexpr double a = 7, b = 0.1;
  const double pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
  const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  const double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5);
  const double v2 = a * a / 8;
  const double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

/// Sobol's g-function: prod_i (|4 x_i - 2| + a_i) / (1 + a_i) on [0, 1]^6.
const std::array<double, 6> kGA{0, 1, 4.5, 9, 99, 99};
double g_function(std::span<const double> x) {
  double product = 1;
  for (std::size_t i = 0; i < kGA.size(); ++i) {
    product *= (std::abs(4 * x[i] - 2) + kGA[i]) / (1 + kGA[i]);
  }
  return product;
}

/// Each factor's term has mean 1 and variance V_i = 1 / (3 (1 + a_i)^2); the product gives
/// V = prod (1 + V_i) - 1, S_i = V_i / V and ST_i = V_i prod_{j != i} (1 + V_j) / V.
TrueIndices g_function_indices() {
  std::vector<double> vi;
  double product = 1;
  for (double a : kGA) {
    vi.push_back(1.0 / (3 * (1 + a) * (1 + a)));
    product *= 1 + vi.back();
  }
  const double v = product - 1;
  TrueIndices truth;
  for (double x : vi) {
    truth.first.push_back(x / v);
    truth.total.push_back(x * product / (1 + x) / v);
  }
  return truth;
}

void expect_covers(const SobolResult& result, const TrueIndices& truth, double tolerance) {
  for (std::size_t i = 0; i < truth.first.size(); ++i) {
    const SobolIndex& f = result.factors[i];
    EXPECT_LE(f.first_low, truth.first[i]) << "S1 of factor " << i;
    EXPECT_GE(f.first_high, truth.first[i]) << "S1 of factor " << i;
    EXPECT_NEAR(f.first_order, truth.first[i], tolerance) << "S1 of factor " << i;
    EXPECT_LE(f.total_low, truth.total[i]) << "ST of factor " << i;
    EXPECT_GE(f.total_high, truth.total[i]) << "ST of factor " << i;
    EXPECT_NEAR(f.total, truth.total[i], tolerance) << "ST of factor " << i;
  }
}

TEST(Ishigami, AnalyticIndicesMatchThePublishedValues) {
  const TrueIndices truth = ishigami_indices();
  EXPECT_NEAR(truth.first[0], 0.3139, 5e-5);
  EXPECT_NEAR(truth.first[1], 0.4424, 5e-5);
  EXPECT_NEAR(truth.total[0], 0.5576, 5e-5);
  EXPECT_NEAR(truth.total[2], 0.2437, 5e-5);
}

TEST(Sobol, IshigamiIndicesLieInsideTheirIntervals) {
  const std::size_t n = 4096, k = 3;
  const Design design = saltelli_design(n, k, 2024);
  const SobolResult result = sobol_indices(evaluate(design, ishigami), n, k, 1000, 7);
  // Observed (design seed 2024, 1000 resamples):
  //   S1 = 0.3145 [0.2859, 0.3450], 0.4431 [0.4189, 0.4716], 0.0007 [-0.0257, 0.0278]
  //   ST = 0.5557 [0.5145, 0.6007], 0.4427 [0.4240, 0.4662], 0.2437 [0.2310, 0.2560]
  EXPECT_FALSE(result.constant_output);
  expect_covers(result, ishigami_indices(), 0.03);
  EXPECT_NE(format_sobol(result, {"x1", "x2", "x3"}).find("x3"), std::string::npos);
}

TEST(Sobol, GFunctionIndicesLieInsideTheirIntervals) {
  const std::size_t n = 4096, k = 6;
  const Design design = saltelli_design(n, k, 2024);
  const SobolResult result = sobol_indices(evaluate(design, g_function), n, k, 1000, 7);
  // True S1 = 0.7163, 0.1791, 0.0237, 0.0072, 0.0001, 0.0001; ST = 0.7873, 0.2422, 0.0343,
  // 0.0105, 0.0001, 0.0001. Observed (design seed 2024, 1000 resamples):
  //   S1 = 0.7177 [0.6833, 0.7518], 0.1803 [0.1599, 0.2023], 0.0237 [0.0157, 0.0321],
  //        0.0075 [0.0028, 0.0122], -0.0000 [-0.0004, 0.0004], 0.0000 [-0.0004, 0.0004]
  //   ST = 0.7866 [0.7528, 0.8251], 0.2431 [0.2298, 0.2577], 0.0345 [0.0323, 0.0368],
  //        0.0108 [0.0101, 0.0116], 0.0001 [0.0001, 0.0001], 0.0001 [0.0001, 0.0001]
  expect_covers(result, g_function_indices(), 0.03);
}

TEST(Sobol, IntervalsCoverTheTruthOverManySeeds) {
  // A check of the interval procedure rather than of one estimate: 40 independent designs of
  // N = 512 on the g-function, 12 true indices each. Observed share inside: 1.00 (480/480;
  // 240/240 for Ishigami at the same size). The bootstrap treats the quasi-random points as
  // independent draws, whose error is larger than a Sobol' sequence's, so the intervals are
  // conservative for these smooth test functions; for a noisy simulator output they are closer
  // to nominal.
  const std::size_t n = 512, k = 6, seeds = 40;
  const TrueIndices truth = g_function_indices();
  std::size_t inside = 0, total = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const Design design = saltelli_design(n, k, seed);
    const SobolResult result = sobol_indices(evaluate(design, g_function), n, k, 300, seed);
    for (std::size_t i = 0; i < k; ++i) {
      const SobolIndex& f = result.factors[i];
      inside += f.first_low <= truth.first[i] && truth.first[i] <= f.first_high;
      inside += f.total_low <= truth.total[i] && truth.total[i] <= f.total_high;
      total += 2;
    }
  }
  const double coverage = static_cast<double>(inside) / static_cast<double>(total);
  EXPECT_GE(coverage, 0.85);
}

TEST(Sobol, AdditiveModelSplitsTheVarianceByItsTerms) {
  // y = x1 + 2 x2 with x uniform: V1 = 1/12, V2 = 4/12, no interaction, so S1 = ST = [0.2, 0.8].
  const std::size_t n = 2048, k = 2;
  const Design design = saltelli_design(n, k, 3);
  const auto y = evaluate(design, [](std::span<const double> x) { return x[0] + 2 * x[1]; });
  const SobolResult result = sobol_indices(y, n, k, 0, 1);
  EXPECT_NEAR(result.variance, 5.0 / 12, 0.005);
  EXPECT_NEAR(result.factors[0].first_order, 0.2, 0.01);
  EXPECT_NEAR(result.factors[1].first_order, 0.8, 0.01);
  EXPECT_NEAR(result.factors[0].total, 0.2, 0.01);
  EXPECT_NEAR(result.factors[1].total, 0.8, 0.01);
  EXPECT_TRUE(std::isnan(result.factors[0].first_low));  // no resamples asked for
}

TEST(Sobol, ConstantOutputIsFlaggedWithNaNIndices) {
  const SobolResult result = sobol_indices(std::vector<double>(4 * 5, 2.5), 4, 3, 50, 1);
  EXPECT_TRUE(result.constant_output);
  EXPECT_EQ(result.variance, 0.0);
  EXPECT_TRUE(std::isnan(result.factors[1].first_order));
  EXPECT_TRUE(std::isnan(result.factors[1].total_high));
  EXPECT_NE(format_sobol(result, {"a", "b", "c"}).find("output is constant"), std::string::npos);
}

TEST(Sobol, RejectsBadInput) {
  expect_invalid([] { sobol_indices(std::vector<double>(19), 4, 3, 10, 1); },
                 "y has 19 values, the Saltelli layout of n_base = 4 and k = 3 has 20");
  expect_invalid([] { sobol_indices(std::vector<double>(5), 1, 3, 10, 1); }, "n_base >= 2");
  expect_invalid([] { sobol_indices({}, 4, 0, 10, 1); }, "at least one factor");
  std::vector<double> y(20, 1.0);
  y[7] = INFINITY;
  expect_invalid([&] { sobol_indices(y, 4, 3, 10, 1); }, "y[7] is not finite");
}

// ------------------------------------------------------------------------------------ PRCC

Design columns_design(const std::vector<std::vector<double>>& columns) {
  Design design;
  design.cols = columns.size();
  design.rows = columns[0].size();
  for (std::size_t r = 0; r < design.rows; ++r) {
    for (const auto& column : columns) design.values.push_back(column[r]);
  }
  return design;
}

TEST(Prcc, AverageRanksShareTies) {
  // Sorted: 5 (rank 1), 10 (rank 2), then three 20s sharing ranks 3, 4, 5 -> 4.
  EXPECT_EQ(average_ranks({10, 20, 20, 5, 20}), (std::vector<double>{2, 4, 4, 1, 4}));
  EXPECT_EQ(average_ranks({3, 3}), (std::vector<double>{1.5, 1.5}));
  EXPECT_TRUE(average_ranks({}).empty());
}

TEST(Prcc, OneFactorIsSpearmanWithTies) {
  // x = 1, 1, 2, 3 -> ranks 1.5, 1.5, 3, 4 (mean 2.5); y ranks 1..4. Deviations (-1, -1, .5,
  // 1.5) and (-1.5, -.5, .5, 1.5): sum of products 4.5, of squares 4.5 and 5, so
  // rho = 4.5 / sqrt(22.5) = 3 / sqrt(10). Fisher z with 4 - 3 = 1 degree, t with 2.
  const PrccResult result = prcc(columns_design({{1, 1, 2, 3}}), {10, 20, 30, 40});
  const double rho = 3 / std::sqrt(10.0);
  const PrccIndex& f = result.factors[0];
  EXPECT_NEAR(f.coefficient, rho, 1e-12);
  EXPECT_NEAR(f.low, std::tanh(std::atanh(rho) - 1.959963984540054), 1e-12);
  EXPECT_NEAR(f.high, std::tanh(std::atanh(rho) + 1.959963984540054), 1e-12);
  // t = rho sqrt(2 / (1 - rho^2)) = 3 sqrt(2) ~ 4.2426 on 2 df: p = 1 - t / sqrt(2 + t^2) = 0.0513.
  EXPECT_NEAR(f.p_value, 1 - 3 * std::sqrt(2.0) / std::sqrt(20.0), 1e-9);
}

TEST(Prcc, HandWorkedSpearmanWithoutTies) {
  // Rank differences 1, -1, 1, -1, 0: rho = 1 - 6 * 4 / (5 * 24) = 0.8; p = 0.1041 (t = 2.309,
  // 3 df), as for a Pearson r of 0.8 on 5 points.
  const PrccResult result = prcc(columns_design({{1, 2, 3, 4, 5}}), {2, 1, 4, 3, 5});
  EXPECT_NEAR(result.factors[0].coefficient, 0.8, 1e-12);
  EXPECT_NEAR(result.factors[0].p_value, 0.1041, 1e-4);
}

TEST(Prcc, FindsMonotoneEffectsAndIgnoresAnUnusedFactor) {
  const Design design = latin_hypercube(200, 3, 99);
  const auto y = evaluate(design, [](std::span<const double> x) {
    return std::exp(3 * x[0] - x[1]);  // monotone in 3 x1 - x2; x3 unused
  });
  const PrccResult result = prcc(design, y);
  EXPECT_EQ(result.runs, 200u);
  EXPECT_GT(result.factors[0].coefficient, 0.9);
  EXPECT_LT(result.factors[1].coefficient, -0.9);
  EXPECT_LT(std::abs(result.factors[2].coefficient), 0.2);
  EXPECT_LT(result.factors[2].low, 0.0);
  EXPECT_GT(result.factors[2].high, 0.0);
  EXPECT_LT(result.factors[0].p_value, 1e-10);
  EXPECT_GT(result.factors[2].p_value, 0.01);
  // Observed: 0.9982 [0.9976, 0.9986], -0.9824 [-0.9867, -0.9767], 0.0675 [-0.0726, 0.2050].
}

TEST(Prcc, ConstantFactorGivesNaNAndDoesNotBreakTheOthers) {
  const std::vector<double> x1{1, 2, 3, 4, 5, 6}, x2{0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
  const PrccResult result = prcc(columns_design({x1, x2}), {1, 3, 2, 4, 6, 5});
  EXPECT_TRUE(std::isnan(result.factors[1].coefficient));
  EXPECT_GT(result.factors[0].coefficient, 0.8);
}

TEST(Prcc, RejectsBadInput) {
  const Design design = latin_hypercube(5, 3, 1);
  expect_invalid([&] { prcc(design, std::vector<double>(5)); },
                 "5 runs are too few for 3 factors (need at least k + 3 = 6)");
  const Design enough = latin_hypercube(8, 3, 1);
  expect_invalid([&] { prcc(enough, std::vector<double>(7)); }, "y has 7 values for 8 runs");
}

// ------------------------------------------------------------------------------ Formatting

TEST(SensitivityFormat, TablesNameEveryFactorAndCheckTheNames) {
  const Design design = morris_design(4, 2, 4, 1);
  const auto y = evaluate(design, [](std::span<const double> x) { return x[0] - x[1]; });
  const std::string morris = format_morris(morris_indices(design, y, 20, 1), {"walk", "price"});
  EXPECT_NE(morris.find("walk"), std::string::npos);
  EXPECT_NE(morris.find("price"), std::string::npos);
  EXPECT_NE(morris.find("mu*"), std::string::npos);
  expect_invalid([&] { format_morris(morris_indices(design, y, 0, 1), {"walk"}); },
                 "format_morris: 1 names for 2 factors");
  expect_invalid([] { format_prcc(PrccResult{}, {"x"}); }, "format_prcc: 1 names for 0 factors");
}

}  // namespace
}  // namespace salonsim::stats
