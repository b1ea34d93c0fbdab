#pragma once
// Global sensitivity analysis of a model output over a design from sim/stats/designs.hpp:
// Morris elementary effects (screening), Sobol' first-order and total indices (variance
// decomposition, Saltelli design), and partial rank correlation coefficients (monotone
// effects, any design such as a Latin hypercube). Bootstrap draws come from counter-based
// streams keyed by the seed, so an analysis is reproducible.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/stats/designs.hpp"

namespace salonsim::stats {

/// Morris measures of one factor. Elementary effects are in output units per unit of the
/// factor's unit-cube range: EE = (y(x + delta e_i) - y(x)) / delta.
struct MorrisIndex {
  double mu = 0;            // mean EE (signed: effects of opposite sign cancel)
  double mu_star = 0;       // mean |EE| (Campolongo et al. 2007): overall importance
  double sigma = 0;         // sd of EE (n - 1): interaction or non-linearity; NaN with 1 trajectory
  double mu_star_low = 0;   // 95% percentile bootstrap interval of mu_star over trajectories;
  double mu_star_high = 0;  // NaN when no resamples were asked for
};

struct MorrisResult {
  std::vector<MorrisIndex> factors;
  std::size_t trajectories = 0;
};

/// Morris indices from a morris_design and its outputs (one per row). Throws
/// std::invalid_argument if the design is not a Morris design, y has the wrong size or holds
/// a non-finite value.
MorrisResult morris_indices(const Design& design, const std::vector<double>& y,
                            std::size_t bootstrap_resamples, std::uint64_t seed);

/// Sobol' indices of one factor with 95% percentile bootstrap intervals. Sampling error can put
/// estimates (and interval ends) slightly outside [0, 1], and S1 slightly above ST; they are
/// reported as estimated, not clipped, so the intervals stay honest.
struct SobolIndex {
  double first_order = 0;  // S1 = V_i / V
  double first_low = 0;
  double first_high = 0;
  double total = 0;  // ST = E[V(y | x_~i)] / V
  double total_low = 0;
  double total_high = 0;
};

struct SobolResult {
  std::vector<SobolIndex> factors;
  /// V: variance of the outputs at A and B together.
  double variance = 0;
  /// True when V = 0 (the output never changed): every index and interval is then NaN.
  bool constant_output = false;
  std::size_t n_base = 0;
};

/// Sobol' indices from outputs in the saltelli_design row layout (y.size() = n_base (k + 2)).
/// S1_i = mean(f(B) (f(A_B^i) - f(A))) / V (Saltelli et al. 2010) and
/// ST_i = mean((f(A) - f(A_B^i))^2) / (2 V) (Jansen 1999). Intervals resample the base
/// samples j, the same resample for every index. bootstrap_resamples = 0 leaves the interval
/// ends NaN. Throws std::invalid_argument on sizes that do not match, n_base < 2, or a
/// non-finite output.
SobolResult sobol_indices(const std::vector<double>& y, std::size_t n_base, std::size_t k,
                          std::size_t bootstrap_resamples, std::uint64_t seed);

/// Partial rank correlation of one factor with the output.
struct PrccIndex {
  double coefficient = 0;
  double low = 0;  // 95% interval by Fisher's z with n - 3 - (k - 1) degrees of freedom
  double high = 0;
  double p_value = 0;  // two-sided, Student t with n - 2 - (k - 1) degrees of freedom
};

struct PrccResult {
  std::vector<PrccIndex> factors;
  std::size_t runs = 0;
};

/// Ranks 1..n of the values, tied values sharing the average of their ranks.
std::vector<double> average_ranks(const std::vector<double>& values);

/// PRCC of every column of the design with y: the correlation of the residuals of rank(x_i)
/// and rank(y), each regressed (with an intercept) on the ranks of the other factors. Needs
/// n >= k + 3 runs (std::invalid_argument otherwise, and on a size mismatch or non-finite
/// value). A constant factor gets NaN and is left out of the others' regressions; a constant
/// output gives NaN for every factor. Other factors whose ranks are collinear (not the case in
/// the designs above) throw std::runtime_error from fit_ols.
PrccResult prcc(const Design& design, const std::vector<double>& y);

/// Plain-text tables, one row per factor, for the command line. Each throws
/// std::invalid_argument if the number of names differs from the number of factors.
std::string format_morris(const MorrisResult& result, const std::vector<std::string>& names);
std::string format_sobol(const SobolResult& result, const std::vector<std::string>& names);
std::string format_prcc(const PrccResult& result, const std::vector<std::string>& names);

}  // namespace salonsim::stats
