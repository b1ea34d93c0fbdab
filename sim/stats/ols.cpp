#include "sim/stats/ols.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>
#include <stdexcept>

namespace salonsim::stats {

OlsFit fit_ols(const std::vector<double>& y, const std::vector<std::vector<double>>& covariates) {
  const std::size_t n = y.size(), p = covariates.size() + 1;
  for (const auto& column : covariates) {
    if (column.size() != n) throw std::invalid_argument("fit_ols: covariate length differs from y");
  }
  if (n < p) throw std::invalid_argument("fit_ols: fewer observations than coefficients");
  const auto rows = Eigen::Index(n), cols = Eigen::Index(p);
  Eigen::MatrixXd x(rows, cols);
  x.col(0).setOnes();
  for (Eigen::Index k = 1; k < cols; ++k) {
    x.col(k) = Eigen::Map<const Eigen::VectorXd>(covariates[std::size_t(k - 1)].data(), rows);
  }
  const Eigen::Map<const Eigen::VectorXd> response(y.data(), rows);
  // Normal equations X'X b = X'y, solved by Cholesky. Collinear when a pivot is lost in rounding
  // relative to the column's own sum of squares.
  const Eigen::MatrixXd xtx = x.transpose() * x;
  const Eigen::LLT<Eigen::MatrixXd> llt(xtx);
  bool collinear = llt.info() != Eigen::Success;
  for (Eigen::Index k = 0; k < cols && !collinear; ++k) {
    const double pivot = llt.matrixLLT()(k, k) * llt.matrixLLT()(k, k);
    collinear = !std::isfinite(pivot) || pivot <= 1e-12 * xtx(k, k);
  }
  if (collinear) throw std::runtime_error("fit_ols: covariates are collinear");
  const Eigen::VectorXd b = llt.solve(x.transpose() * response);
  const Eigen::VectorXd residuals = response - x * b;
  OlsFit fit;
  fit.coefficients.assign(b.begin(), b.end());
  fit.residuals.assign(residuals.begin(), residuals.end());
  return fit;
}

}  // namespace salonsim::stats
