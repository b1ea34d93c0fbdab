#include "sim/stats/cox.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace salonsim::stats {
namespace {

using std::size_t;

/// Subjects sorted by time descending, covariates centred and stored row-major (n x p).
struct Sorted {
  size_t n = 0;
  size_t p = 0;
  std::vector<double> x;             // x[k * p + j], centred, k-th latest subject
  std::vector<double> weight;        // case weight of the k-th latest subject
  std::vector<size_t> group_end;     // subjects [previous end, end) share one time
  std::vector<double> group_events;  // weighted number of events in each group
  std::vector<double> event_x_sum;   // sum over events of x (centred), length p
  std::vector<double> scale;         // events * range^2 per column: bound on the information
};

/// Log partial likelihood, score and (full, symmetric) information at beta.
struct Evaluation {
  double log_likelihood = 0;
  Eigen::VectorXd score;
  Eigen::MatrixXd information;  // p x p
  std::vector<double> eta;      // workspace: linear predictor in sorted order
};

void validate(const CoxData& data, int max_iterations, double tolerance) {
  const size_t n = data.time.size();
  const size_t p = data.covariates.size();
  if (n == 0) throw std::invalid_argument("fit_cox: no subjects");
  if (data.event.size() != n) {
    throw std::invalid_argument("fit_cox: event has " + std::to_string(data.event.size()) +
                                " entries but time has " + std::to_string(n));
  }
  if (p == 0) throw std::invalid_argument("fit_cox: no covariates");
  if (data.names.size() != p) {
    throw std::invalid_argument("fit_cox: " + std::to_string(data.names.size()) + " names for " +
                                std::to_string(p) + " covariates");
  }
  for (size_t j = 0; j < p; ++j) {
    if (data.covariates[j].size() != n) {
      throw std::invalid_argument("fit_cox: covariate '" + data.names[j] + "' has " +
                                  std::to_string(data.covariates[j].size()) +
                                  " values but time has " + std::to_string(n));
    }
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(data.covariates[j][i])) {
        throw std::invalid_argument("fit_cox: covariate '" + data.names[j] +
                                    "' is not finite for subject " + std::to_string(i));
      }
    }
  }
  size_t events = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(data.time[i]) || !(data.time[i] > 0)) {
      throw std::invalid_argument("fit_cox: time of subject " + std::to_string(i) +
                                  " must be finite and > 0");
    }
    if (data.event[i] > 1) {
      throw std::invalid_argument("fit_cox: event of subject " + std::to_string(i) +
                                  " must be 0 or 1");
    }
    events += data.event[i];
  }
  if (events == 0) throw std::invalid_argument("fit_cox: no events");
  if (!data.weights.empty()) {
    if (data.weights.size() != n)
      throw std::invalid_argument("fit_cox: " + std::to_string(data.weights.size()) +
                                  " weights for " + std::to_string(n) + " subjects");
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(data.weights[i]) || !(data.weights[i] > 0))
        throw std::invalid_argument("fit_cox: weight of subject " + std::to_string(i) +
                                    " must be finite and > 0");
    }
  }
  if (max_iterations < 0) throw std::invalid_argument("fit_cox: max_iterations must be >= 0");
  if (!(tolerance > 0)) throw std::invalid_argument("fit_cox: tolerance must be > 0");
}

Sorted prepare(const CoxData& data) {
  Sorted s;
  s.n = data.time.size();
  s.p = data.covariates.size();
  const size_t n = s.n;
  const size_t p = s.p;

  // Sort (time, index) pairs, not indices through the time vector: contiguous and cache
  // friendly. Equal times keep input order, so the result is deterministic.
  std::vector<std::pair<double, size_t>> keyed(n);
  for (size_t i = 0; i < n; ++i) keyed[i] = {data.time[i], i};
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });

  double events = 0;
  for (size_t i = 0; i < n; ++i)
    events += data.event[i] * (data.weights.empty() ? 1.0 : data.weights[i]);
  std::vector<double> mean(p);
  s.scale.resize(p);
  for (size_t j = 0; j < p; ++j) {
    const std::vector<double>& column = data.covariates[j];
    const auto [lo, hi] = std::minmax_element(column.begin(), column.end());
    if (*lo == *hi) {
      throw std::runtime_error("fit_cox: information matrix is singular: covariate '" +
                               data.names[j] + "' is constant");
    }
    s.scale[j] = events * (*hi - *lo) * (*hi - *lo);
    mean[j] = std::accumulate(column.begin(), column.end(), 0.0) / double(n);
  }

  // Gather rows in sorted order; close a group wherever the time changes.
  s.x.resize(n * p);
  s.weight.resize(n);
  s.event_x_sum.assign(p, 0.0);
  double group_events = 0;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = keyed[k].second;
    double* row = &s.x[k * p];
    for (size_t j = 0; j < p; ++j) row[j] = data.covariates[j][i] - mean[j];
    const double weight = data.weights.empty() ? 1.0 : data.weights[i];
    s.weight[k] = weight;
    if (data.event[i]) {
      group_events += weight;
      for (size_t j = 0; j < p; ++j) s.event_x_sum[j] += weight * row[j];
    }
    if (k + 1 == n || keyed[k + 1].first != keyed[k].first) {
      s.group_end.push_back(k + 1);
      s.group_events.push_back(group_events);
      group_events = 0;
    }
  }
  return s;
}

/// One pass over the risk sets, from the latest time to the earliest. Breslow: every event at
/// time t is scored against the whole risk set {j : time_j >= t}. Returns -inf as the
/// log-likelihood if exp() under- or overflows (only for absurd coefficients).
void evaluate(const Sorted& s, const Eigen::VectorXd& beta, Evaluation& out) {
  const size_t n = s.n;
  const size_t p = s.p;
  std::vector<double>& eta = out.eta;
  eta.resize(n);
  double eta_max = -std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < n; ++k) {
    double e = 0;
    for (size_t j = 0; j < p; ++j) e += s.x[k * p + j] * beta[j];
    eta[k] = e;
    eta_max = std::max(eta_max, e);
  }

  double s0 = 0;
  std::vector<double> s1(p, 0.0);
  std::vector<double> s2(p * p, 0.0);  // upper triangle used
  std::vector<double> mean(p);
  out.score = Eigen::Map<const Eigen::VectorXd>(s.event_x_sum.data(), Eigen::Index(p));
  out.information.setZero(Eigen::Index(p), Eigen::Index(p));
  double ll = 0;
  for (size_t j = 0; j < p; ++j) ll += s.event_x_sum[j] * beta[j];

  size_t begin = 0;
  for (size_t g = 0; g < s.group_end.size(); ++g) {
    const size_t end = s.group_end[g];
    for (size_t k = begin; k < end; ++k) {
      const double w = s.weight[k] * std::exp(eta[k] - eta_max);
      const double* xk = &s.x[k * p];
      s0 += w;
      for (size_t a = 0; a < p; ++a) {
        const double wa = w * xk[a];
        s1[a] += wa;
        for (size_t b = a; b < p; ++b) s2[a * p + b] += wa * xk[b];
      }
    }
    begin = end;
    const double d = s.group_events[g];
    if (d == 0) continue;
    if (!(s0 > 0) || !std::isfinite(s0)) {
      out.log_likelihood = -std::numeric_limits<double>::infinity();
      return;
    }
    ll -= d * (std::log(s0) + eta_max);
    for (size_t a = 0; a < p; ++a) {
      mean[a] = s1[a] / s0;
      out.score(Eigen::Index(a)) -= d * mean[a];
    }
    for (size_t a = 0; a < p; ++a) {
      for (size_t b = a; b < p; ++b) {
        out.information(Eigen::Index(a), Eigen::Index(b)) +=
            d * (s2[a * p + b] / s0 - mean[a] * mean[b]);
      }
    }
  }
  for (size_t a = 0; a < p; ++a) {
    for (size_t b = 0; b < a; ++b) {
      out.information(Eigen::Index(a), Eigen::Index(b)) =
          out.information(Eigen::Index(b), Eigen::Index(a));
    }
  }
  out.log_likelihood = std::isfinite(ll) ? ll : -std::numeric_limits<double>::infinity();
}

/// Cholesky factorisation of the information; throws if it is singular.
Eigen::LLT<Eigen::MatrixXd> factor(const Eigen::MatrixXd& information, const Sorted& s,
                                   const std::vector<std::string>& names) {
  const auto p = Eigen::Index(s.p);
  // Singular: the pivot L_jj^2 is lost in rounding relative to the column's own information, or
  // the information is negligible against the largest it could be for the column's spread.
  const auto pivot_lost = [&](const Eigen::MatrixXd& llt, Eigen::Index j) {
    const double d = llt(j, j) * llt(j, j);
    return !std::isfinite(d) || d <= 1e-10 * information(j, j) || d <= 1e-14 * s.scale[size_t(j)];
  };
  Eigen::LLT<Eigen::MatrixXd> llt(information);
  Eigen::Index singular = p;
  if (llt.info() == Eigen::Success) {
    for (Eigen::Index j = 0; j < p && singular == p; ++j) {
      if (pivot_lost(llt.matrixLLT(), j)) singular = j;
    }
  } else {
    // Eigen stops at a non-positive pivot without saying where: factor the leading blocks.
    for (Eigen::Index j = 0; j < p && singular == p; ++j) {
      const Eigen::LLT<Eigen::MatrixXd> leading(information.topLeftCorner(j + 1, j + 1));
      if (leading.info() != Eigen::Success || pivot_lost(leading.matrixLLT(), j)) singular = j;
    }
    if (singular == p) singular = p - 1;
  }
  if (singular < p) {
    throw std::runtime_error(
        "fit_cox: information matrix is singular at covariate '" + names[size_t(singular)] +
        "' (it is constant within the risk sets, a linear combination of earlier "
        "covariates, or its coefficient diverges because it separates events)");
  }
  return llt;
}

}  // namespace

CoxFit fit_cox(const CoxData& data, int max_iterations, double tolerance) {
  validate(data, max_iterations, tolerance);
  const Sorted s = prepare(data);
  const size_t p = s.p;

  CoxFit fit;
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(Eigen::Index(p));
  Evaluation current;
  evaluate(s, beta, current);
  Eigen::LLT<Eigen::MatrixXd> llt = factor(current.information, s, data.names);

  constexpr int kMaxHalvings = 40;
  Evaluation trial;
  Eigen::VectorXd candidate;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    Eigen::VectorXd step = llt.solve(current.score);
    bool accepted = false;
    int halvings = 0;
    for (; halvings <= kMaxHalvings; ++halvings) {
      candidate = beta + step;
      evaluate(s, candidate, trial);
      // Allow a decrease at the level of rounding, which happens at the maximum.
      const double slack = 1e-13 * (1 + std::abs(current.log_likelihood));
      if (trial.log_likelihood >= current.log_likelihood - slack) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;  // no ascent along the Newton direction: leave converged false
    const double change = trial.log_likelihood - current.log_likelihood;
    beta = candidate;
    std::swap(current, trial);
    ++fit.iterations;
    llt = factor(current.information, s, data.names);
    if (halvings == 0 && std::abs(change) <= tolerance * (1 + std::abs(current.log_likelihood))) {
      fit.converged = true;
      break;
    }
  }

  // Covariance: inverse information.
  const Eigen::MatrixXd covariance =
      llt.solve(Eigen::MatrixXd::Identity(Eigen::Index(p), Eigen::Index(p)));
  fit.coefficients.assign(beta.begin(), beta.end());
  fit.standard_errors.resize(p);
  fit.hazard_ratios.resize(p);
  fit.ci_low.resize(p);
  fit.ci_high.resize(p);
  constexpr double kZ = 1.959963984540054;  // standard normal 97.5% quantile
  for (size_t j = 0; j < p; ++j) {
    const double se = std::sqrt(covariance(Eigen::Index(j), Eigen::Index(j)));
    fit.standard_errors[j] = se;
    fit.hazard_ratios[j] = std::exp(beta[j]);
    fit.ci_low[j] = std::exp(beta[j] - kZ * se);
    fit.ci_high[j] = std::exp(beta[j] + kZ * se);
  }
  fit.log_likelihood = current.log_likelihood;
  return fit;
}

}  // namespace salonsim::stats
