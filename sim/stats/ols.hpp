#pragma once
// Ordinary least squares with an intercept, for the first stage of an instrumental-variable
// estimate (two-stage residual inclusion).
#include <vector>

namespace salonsim::stats {

struct OlsFit {
  std::vector<double> coefficients;  // intercept first, then one per covariate
  std::vector<double> residuals;
};

/// Fits y = b0 + sum_k b_k x_k by least squares. Throws std::invalid_argument on mismatched
/// sizes and std::runtime_error when the covariates are collinear.
OlsFit fit_ols(const std::vector<double>& y, const std::vector<std::vector<double>>& covariates);

}  // namespace salonsim::stats
