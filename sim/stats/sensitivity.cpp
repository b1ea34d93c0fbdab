#include "sim/stats/sensitivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/random.hpp"
#include "sim/stats/ols.hpp"

namespace salonsim::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ975 = 1.959963984540054;  // two-sided 95% normal quantile

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

void require_finite(const std::vector<double>& y, const char* who) {
  for (std::size_t r = 0; r < y.size(); ++r) {
    require(std::isfinite(y[r]), fmt::format("{}: y[{}] is not finite", who, r));
  }
}

std::size_t uniform_index(double u, std::size_t n) {
  return std::min(static_cast<std::size_t>(u * static_cast<double>(n)), n - 1);
}

/// 2.5% and 97.5% percentiles (linear interpolation between order statistics, as R's type 7)
/// of the finite values; reorders `values`. NaN when none is finite.
std::pair<double, double> percentile_interval_95(std::span<double> values) {
  const auto finite_end =
      std::partition(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
  const auto count = static_cast<std::size_t>(finite_end - values.begin());
  if (count == 0) return {kNaN, kNaN};
  std::sort(values.begin(), finite_end);
  const auto at = [&](double q) {
    const double h = q * static_cast<double>(count - 1);
    const auto below = static_cast<std::size_t>(h);
    const std::size_t above = std::min(below + 1, count - 1);
    return values[below] + (h - static_cast<double>(below)) * (values[above] - values[below]);
  };
  return {at(0.025), at(0.975)};
}

}  // namespace

// ---------------------------------------------------------------------------------- Morris

MorrisResult morris_indices(const Design& design, const std::vector<double>& y,
                            std::size_t bootstrap_resamples, std::uint64_t seed) {
  require(design.morris.has_value(), "morris_indices: the design is not a Morris design");
  require(y.size() == design.rows,
          fmt::format("morris_indices: y has {} values for {} runs", y.size(), design.rows));
  require_finite(y, "morris_indices");
  const MorrisLayout& layout = *design.morris;
  const std::size_t r = layout.trajectories, k = design.cols;
  require(design.rows == r * (k + 1) && layout.moved_factor.size() == design.rows &&
              layout.step.size() == design.rows,
          "morris_indices: the Morris layout does not match the design's rows");

  // Elementary effects, one per (trajectory, factor). Dividing by the signed step makes a
  // downward move estimate the same derivative as an upward one.
  std::vector<double> effect(r * k, kNaN);
  for (std::size_t t = 0; t < r; ++t) {
    for (std::size_t m = 1; m <= k; ++m) {
      const std::size_t row = t * (k + 1) + m;
      const std::size_t i = layout.moved_factor[row];
      require(i < k && std::isnan(effect[t * k + i]),
              "morris_indices: a trajectory must move every factor exactly once");
      effect[t * k + i] = (y[row] - y[row - 1]) / layout.step[row];
    }
  }

  MorrisResult result;
  result.trajectories = r;
  result.factors.resize(k);
  const auto count = static_cast<double>(r);
  for (std::size_t i = 0; i < k; ++i) {
    MorrisIndex& index = result.factors[i];
    double sum = 0, sum_abs = 0;
    for (std::size_t t = 0; t < r; ++t) {
      sum += effect[t * k + i];
      sum_abs += std::abs(effect[t * k + i]);
    }
    index.mu = sum / count;
    index.mu_star = sum_abs / count;
    double squares = 0;
    for (std::size_t t = 0; t < r; ++t) {
      squares += (effect[t * k + i] - index.mu) * (effect[t * k + i] - index.mu);
    }
    index.sigma = r > 1 ? std::sqrt(squares / (count - 1)) : kNaN;
    index.mu_star_low = index.mu_star_high = kNaN;
  }
  if (bootstrap_resamples == 0) return result;

  // Resample whole trajectories: their effects are the independent units.
  const RandomStream stream(seed, 0, "morris_bootstrap");
  const std::size_t resamples = bootstrap_resamples;
  std::vector<double> mu_star(k * resamples);  // factor-major, for one sort per factor
  std::vector<double> sums(k);
  for (std::size_t b = 0; b < resamples; ++b) {
    std::fill(sums.begin(), sums.end(), 0.0);
    for (std::size_t draw = 0; draw < r; ++draw) {
      const std::size_t t = uniform_index(stream.uniform(static_cast<std::int64_t>(b), draw, 0), r);
      for (std::size_t i = 0; i < k; ++i) sums[i] += std::abs(effect[t * k + i]);
    }
    for (std::size_t i = 0; i < k; ++i) mu_star[i * resamples + b] = sums[i] / count;
  }
  for (std::size_t i = 0; i < k; ++i) {
    const auto [low, high] =
        percentile_interval_95(std::span<double>(mu_star).subspan(i * resamples, resamples));
    result.factors[i].mu_star_low = low;
    result.factors[i].mu_star_high = high;
  }
  return result;
}

// ----------------------------------------------------------------------------------- Sobol

SobolResult sobol_indices(const std::vector<double>& y, std::size_t n_base, std::size_t k,
                          std::size_t bootstrap_resamples, std::uint64_t seed) {
  require(k > 0, "sobol_indices: need at least one factor");
  require(n_base >= 2, "sobol_indices: need n_base >= 2 base samples");
  require(y.size() == n_base * (k + 2),
          fmt::format("sobol_indices: y has {} values, the Saltelli layout of n_base = {} and "
                      "k = {} has {}",
                      y.size(), n_base, k, n_base * (k + 2)));
  require_finite(y, "sobol_indices");
  const std::size_t stride = k + 2;
  const auto a_at = [&](std::size_t j) { return y[j * stride]; };
  const auto b_at = [&](std::size_t j) { return y[j * stride + k + 1]; };

  SobolResult result;
  result.n_base = n_base;
  result.factors.resize(k);
  bool constant = true;
  for (std::size_t j = 0; j < n_base && constant; ++j) {
    constant = a_at(j) == a_at(0) && b_at(j) == a_at(0);
  }
  if (constant) {
    // No variance to decompose: every index is 0/0.
    result.constant_output = true;
    for (SobolIndex& index : result.factors) {
      index = {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
    }
    return result;
  }

  // Centre the outputs (as SALib does): the indices are unchanged in expectation, the
  // first-order estimator's variance is smaller, and sums of squares lose no precision.
  double centre = 0;
  for (std::size_t j = 0; j < n_base; ++j) centre += a_at(j) + b_at(j);
  centre /= 2.0 * static_cast<double>(n_base);
  // Per base sample: the centred f(A_j), f(B_j), and each factor's two estimator terms, so
  // the estimate and every bootstrap resample are plain sums over j.
  std::vector<double> fa(n_base), fb(n_base), first_term(n_base * k), total_term(n_base * k);
  for (std::size_t j = 0; j < n_base; ++j) {
    fa[j] = a_at(j) - centre;
    fb[j] = b_at(j) - centre;
    for (std::size_t i = 0; i < k; ++i) {
      const double fab = y[j * stride + 1 + i] - centre;
      first_term[j * k + i] = fb[j] * (fab - fa[j]);
      total_term[j * k + i] = (fa[j] - fab) * (fa[j] - fab);
    }
  }

  // One pass over the draws: `pick(d)` gives the base sample of draw d.
  std::vector<double> first_sum(k), total_sum(k);
  const auto estimate = [&](auto pick, double& variance) {
    std::fill(first_sum.begin(), first_sum.end(), 0.0);
    std::fill(total_sum.begin(), total_sum.end(), 0.0);
    double sum = 0, squares = 0;
    for (std::size_t d = 0; d < n_base; ++d) {
      const std::size_t j = pick(d);
      sum += fa[j] + fb[j];
      squares += fa[j] * fa[j] + fb[j] * fb[j];
      for (std::size_t i = 0; i < k; ++i) {
        first_sum[i] += first_term[j * k + i];
        total_sum[i] += total_term[j * k + i];
      }
    }
    const double values = 2.0 * static_cast<double>(n_base);
    const double mean = sum / values;
    variance = squares / values - mean * mean;  // of f(A) and f(B) together, divisor 2N
  };
  const auto n = static_cast<double>(n_base);
  double variance = 0;
  estimate([](std::size_t d) { return d; }, variance);
  result.variance = variance;
  for (std::size_t i = 0; i < k; ++i) {
    result.factors[i].first_order = first_sum[i] / n / variance;
    result.factors[i].total = total_sum[i] / n / (2.0 * variance);
    result.factors[i].first_low = result.factors[i].first_high = kNaN;
    result.factors[i].total_low = result.factors[i].total_high = kNaN;
  }
  if (bootstrap_resamples == 0) return result;

  const RandomStream stream(seed, 0, "sobol_bootstrap");
  const std::size_t resamples = bootstrap_resamples;
  std::vector<double> first(k * resamples), total(k * resamples);  // factor-major
  for (std::size_t b = 0; b < resamples; ++b) {
    const auto step = static_cast<std::int64_t>(b);
    double resample_variance = 0;
    estimate([&](std::size_t d) { return uniform_index(stream.uniform(step, d, 0), n_base); },
             resample_variance);
    // A resample with no variance (possible only for tiny n_base) gives NaN, left out of the
    // percentiles.
    const double v = resample_variance > 0 ? resample_variance : kNaN;
    for (std::size_t i = 0; i < k; ++i) {
      first[i * resamples + b] = first_sum[i] / n / v;
      total[i * resamples + b] = total_sum[i] / n / (2.0 * v);
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    std::tie(result.factors[i].first_low, result.factors[i].first_high) =
        percentile_interval_95(std::span<double>(first).subspan(i * resamples, resamples));
    std::tie(result.factors[i].total_low, result.factors[i].total_high) =
        percentile_interval_95(std::span<double>(total).subspan(i * resamples, resamples));
  }
  return result;
}

// ------------------------------------------------------------------------------------ PRCC

std::vector<double> average_ranks(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && values[order[end]] == values[order[start]]) ++end;
    // Positions start..end-1 hold ranks start+1..end; ties share their mean.
    const double rank = 0.5 * static_cast<double>(start + 1 + end);
    for (std::size_t p = start; p < end; ++p) ranks[order[p]] = rank;
    start = end;
  }
  return ranks;
}

PrccResult prcc(const Design& design, const std::vector<double>& y) {
  const std::size_t n = design.rows, k = design.cols;
  require(k > 0, "prcc: need at least one factor");
  require(y.size() == n, fmt::format("prcc: y has {} values for {} runs", y.size(), n));
  require(n >= k + 3,
          fmt::format("prcc: {} runs are too few for {} factors (need at least k + 3 = {})", n, k,
                      k + 3));
  require_finite(y, "prcc");
  require_finite(design.values, "prcc (design)");

  std::vector<std::vector<double>> ranks(k);
  std::vector<std::uint8_t> constant(k);
  std::vector<double> column(n);
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t r = 0; r < n; ++r) column[r] = design.at(r, c);
    ranks[c] = average_ranks(column);
    constant[c] =
        std::all_of(column.begin(), column.end(), [&](double v) { return v == column[0]; });
  }
  const std::vector<double> y_ranks = average_ranks(y);

  PrccResult result;
  result.runs = n;
  result.factors.resize(k);
  const double z_df = static_cast<double>(n - 3 - (k - 1));
  const double t_df = static_cast<double>(n - 2 - (k - 1));
  const boost::math::students_t t_distribution(t_df);
  std::vector<std::vector<double>> others;
  others.reserve(k - 1);
  for (std::size_t i = 0; i < k; ++i) {
    others.clear();
    for (std::size_t c = 0; c < k; ++c) {
      // A constant factor explains nothing and would make the regression singular.
      if (c != i && !constant[c]) others.push_back(ranks[c]);
    }
    const std::vector<double> x_residual = fit_ols(ranks[i], others).residuals;
    const std::vector<double> y_residual = fit_ols(y_ranks, others).residuals;
    double xy = 0, xx = 0, yy = 0;
    for (std::size_t r = 0; r < n; ++r) {
      xy += x_residual[r] * y_residual[r];
      xx += x_residual[r] * x_residual[r];
      yy += y_residual[r] * y_residual[r];
    }
    PrccIndex& index = result.factors[i];
    // Residuals that vanish (a constant factor or output, or one explained entirely by the
    // others) leave the correlation undefined. The threshold is relative to n^3, the scale of
    // a sum of squared ranks.
    const double tiny = 1e-20 * static_cast<double>(n) * static_cast<double>(n) * n;
    if (xx <= tiny || yy <= tiny) {
      index = {kNaN, kNaN, kNaN, kNaN};
      continue;
    }
    const double rho = std::clamp(xy / std::sqrt(xx * yy), -1.0, 1.0);
    index.coefficient = rho;
    const double z = std::atanh(rho), half = kZ975 / std::sqrt(z_df);
    index.low = std::tanh(z - half);
    index.high = std::tanh(z + half);
    const double t = std::abs(rho) * std::sqrt(t_df / (1.0 - rho * rho));
    index.p_value =
        std::isfinite(t) ? 2.0 * boost::math::cdf(boost::math::complement(t_distribution, t)) : 0.0;
  }
  return result;
}

// ----------------------------------------------------------------------------- Formatting

namespace {

std::size_t name_width(const std::vector<std::string>& names, std::size_t factors,
                       const char* who) {
  require(names.size() == factors,
          fmt::format("{}: {} names for {} factors", who, names.size(), factors));
  std::size_t width = 6;  // "factor"
  for (const std::string& name : names) width = std::max(width, name.size());
  return width;
}

std::string interval(double low, double high) {
  return fmt::format("[{:.4f}, {:.4f}]", low, high);
}

}  // namespace

std::string format_morris(const MorrisResult& result, const std::vector<std::string>& names) {
  const std::size_t w = name_width(names, result.factors.size(), "format_morris");
  std::string out =
      fmt::format("Morris elementary effects, {} trajectories\n", result.trajectories);
  out += fmt::format("{:<{}}  {:>10}  {:<22}  {:>10}  {:>10}\n", "factor", w, "mu*",
                     "95% interval (mu*)", "mu", "sigma");
  for (std::size_t i = 0; i < names.size(); ++i) {
    const MorrisIndex& f = result.factors[i];
    out += fmt::format("{:<{}}  {:>10.4f}  {:<22}  {:>10.4f}  {:>10.4f}\n", names[i], w, f.mu_star,
                       interval(f.mu_star_low, f.mu_star_high), f.mu, f.sigma);
  }
  return out;
}

std::string format_sobol(const SobolResult& result, const std::vector<std::string>& names) {
  const std::size_t w = name_width(names, result.factors.size(), "format_sobol");
  std::string out = fmt::format("Sobol' indices, N = {} base samples, output variance {:.6g}\n",
                                result.n_base, result.variance);
  if (result.constant_output) {
    out += "note: the output is constant (variance 0), so the indices are undefined (nan)\n";
  }
  out += fmt::format("{:<{}}  {:>8}  {:<18}  {:>8}  {:<18}\n", "factor", w, "S1", "95% interval",
                     "ST", "95% interval");
  for (std::size_t i = 0; i < names.size(); ++i) {
    const SobolIndex& f = result.factors[i];
    out += fmt::format("{:<{}}  {:>8.4f}  {:<18}  {:>8.4f}  {:<18}\n", names[i], w, f.first_order,
                       interval(f.first_low, f.first_high), f.total,
                       interval(f.total_low, f.total_high));
  }
  return out;
}

std::string format_prcc(const PrccResult& result, const std::vector<std::string>& names) {
  const std::size_t w = name_width(names, result.factors.size(), "format_prcc");
  std::string out = fmt::format("Partial rank correlation, {} runs\n", result.runs);
  out += fmt::format("{:<{}}  {:>8}  {:<18}  {:>10}\n", "factor", w, "PRCC", "95% interval",
                     "p-value");
  for (std::size_t i = 0; i < names.size(); ++i) {
    const PrccIndex& f = result.factors[i];
    out += fmt::format("{:<{}}  {:>8.4f}  {:<18}  {:>10.3g}\n", names[i], w, f.coefficient,
                       interval(f.low, f.high), f.p_value);
  }
  const bool undefined = std::any_of(result.factors.begin(), result.factors.end(),
                                     [](const PrccIndex& f) { return std::isnan(f.coefficient); });
  if (undefined) {
    out +=
        "note: nan where the PRCC is undefined: the factor or the output is constant, or the "
        "other factors explain its ranks exactly (one factor dominates; more points or a "
        "Morris or Sobol' design separate the rest)\n";
  }
  return out;
}

}  // namespace salonsim::stats
