#pragma once
// Logistic regression by iteratively reweighted least squares (Newton-Raphson on the
// log-likelihood), with an intercept and an optional ridge penalty that keeps the fit finite
// when the outcome is separated by the covariates (small samples: e.g. 32 municipalities).
#include <cstdint>
#include <string>
#include <vector>

namespace salonsim::stats {

struct LogisticFit {
  std::vector<double> coefficients;  // intercept first, then one per covariate column
  std::vector<double> fitted;        // predicted probability of each subject
  int iterations = 0;
  bool converged = false;
};

/// Fits P(y = 1) = 1 / (1 + exp(-(b0 + sum_j b_j x_j))) to y in {0, 1} and p covariate columns
/// (each of length n). `ridge` penalises the non-intercept coefficients (sum b_j^2 * ridge / 2)
/// after each column is standardised. Throws std::invalid_argument on bad input.
LogisticFit fit_logistic(const std::vector<std::uint8_t>& y,
                         const std::vector<std::vector<double>>& covariates, double ridge = 0,
                         int max_iterations = 100, double tolerance = 1e-10);

}  // namespace salonsim::stats
