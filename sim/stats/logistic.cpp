#include "sim/stats/logistic.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace salonsim::stats {

LogisticFit fit_logistic(const std::vector<std::uint8_t>& y,
                         const std::vector<std::vector<double>>& covariates, double ridge,
                         int max_iterations, double tolerance) {
  const std::size_t n = y.size(), p = covariates.size();
  if (n == 0) throw std::invalid_argument("fit_logistic: no subjects");
  if (!(ridge >= 0)) throw std::invalid_argument("fit_logistic: ridge must be >= 0");
  for (std::uint8_t v : y)
    if (v > 1) throw std::invalid_argument("fit_logistic: outcomes must be 0 or 1");
  // Standardised design with an intercept column.
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p + 1));
  std::vector<double> mean(p, 0.0), sd(p, 1.0);
  for (std::size_t j = 0; j < p; ++j) {
    if (covariates[j].size() != n)
      throw std::invalid_argument("fit_logistic: covariate " + std::to_string(j) + " has " +
                                  std::to_string(covariates[j].size()) + " values for " +
                                  std::to_string(n) + " subjects");
    double sum = 0, squares = 0;
    for (double v : covariates[j]) {
      if (!std::isfinite(v)) throw std::invalid_argument("fit_logistic: a covariate is not finite");
      sum += v;
    }
    mean[j] = sum / static_cast<double>(n);
    for (double v : covariates[j]) squares += (v - mean[j]) * (v - mean[j]);
    sd[j] = squares > 0 ? std::sqrt(squares / static_cast<double>(n)) : 1.0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    x(static_cast<Eigen::Index>(i), 0) = 1.0;
    for (std::size_t j = 0; j < p; ++j)
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j + 1)) =
          (covariates[j][i] - mean[j]) / sd[j];
  }
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p + 1));
  Eigen::VectorXd target(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) target(static_cast<Eigen::Index>(i)) = y[i];
  LogisticFit fit;
  double previous = -std::numeric_limits<double>::infinity();
  Eigen::VectorXd prob(static_cast<Eigen::Index>(n));
  for (fit.iterations = 0; fit.iterations < max_iterations; ++fit.iterations) {
    const Eigen::VectorXd eta = x * beta;
    double ll = 0;
    for (Eigen::Index i = 0; i < eta.size(); ++i) {
      prob(i) = 1.0 / (1.0 + std::exp(-eta(i)));
      // log(1 + exp(eta)) without overflow.
      const double softplus =
          eta(i) > 0 ? eta(i) + std::log1p(std::exp(-eta(i))) : std::log1p(std::exp(eta(i)));
      ll += target(i) * eta(i) - softplus;
    }
    for (Eigen::Index j = 1; j < beta.size(); ++j) ll -= 0.5 * ridge * beta(j) * beta(j);
    if (std::abs(ll - previous) <= tolerance * (1 + std::abs(ll))) {
      fit.converged = true;
      break;
    }
    previous = ll;
    const Eigen::VectorXd w = prob.array() * (1.0 - prob.array());
    Eigen::MatrixXd information = x.transpose() * w.asDiagonal() * x;
    Eigen::VectorXd score = x.transpose() * (target - prob);
    for (Eigen::Index j = 1; j < beta.size(); ++j) {
      information(j, j) += ridge;
      score(j) -= ridge * beta(j);
    }
    // A tiny diagonal keeps a separated, unpenalised fit solvable (it then drifts, and stops
    // at max_iterations with converged = false).
    information.diagonal().array() += 1e-12;
    beta += information.ldlt().solve(score);
  }
  fit.fitted.assign(n, 0);
  const Eigen::VectorXd eta = x * beta;
  for (std::size_t i = 0; i < n; ++i)
    fit.fitted[i] = 1.0 / (1.0 + std::exp(-eta(static_cast<Eigen::Index>(i))));
  // Back to the covariates' own scale.
  fit.coefficients.assign(p + 1, 0);
  fit.coefficients[0] = beta(0);
  for (std::size_t j = 0; j < p; ++j) {
    fit.coefficients[j + 1] = beta(static_cast<Eigen::Index>(j + 1)) / sd[j];
    fit.coefficients[0] -= fit.coefficients[j + 1] * mean[j];
  }
  return fit;
}

}  // namespace salonsim::stats
