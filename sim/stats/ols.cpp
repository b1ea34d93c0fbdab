#include "sim/stats/ols.hpp"

#include <cmath>
#include <stdexcept>

namespace salonsim::stats {

OlsFit fit_ols(const std::vector<double>& y, const std::vector<std::vector<double>>& covariates) {
  const std::size_t n = y.size(), p = covariates.size() + 1;
  for (const auto& column : covariates) {
    if (column.size() != n) throw std::invalid_argument("fit_ols: covariate length differs from y");
  }
  if (n < p) throw std::invalid_argument("fit_ols: fewer observations than coefficients");
  const auto x = [&](std::size_t i, std::size_t k) { return k == 0 ? 1.0 : covariates[k - 1][i]; };
  // Normal equations X'X b = X'y, solved by Gaussian elimination with partial pivoting.
  std::vector<std::vector<double>> a(p, std::vector<double>(p + 1, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      const double xj = x(i, j);
      for (std::size_t k = 0; k < p; ++k) a[j][k] += xj * x(i, k);
      a[j][p] += xj * y[i];
    }
  }
  for (std::size_t c = 0; c < p; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < p; ++r) {
      if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
    }
    if (std::abs(a[pivot][c]) < 1e-12 * (1.0 + std::abs(a[c][c])) || !std::isfinite(a[pivot][c])) {
      throw std::runtime_error("fit_ols: covariates are collinear");
    }
    std::swap(a[c], a[pivot]);
    for (std::size_t r = 0; r < p; ++r) {
      if (r == c) continue;
      const double factor = a[r][c] / a[c][c];
      for (std::size_t k = c; k <= p; ++k) a[r][k] -= factor * a[c][k];
    }
  }
  OlsFit fit;
  for (std::size_t c = 0; c < p; ++c) fit.coefficients.push_back(a[c][p] / a[c][c]);
  fit.residuals.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double predicted = 0;
    for (std::size_t k = 0; k < p; ++k) predicted += fit.coefficients[k] * x(i, k);
    fit.residuals[i] = y[i] - predicted;
  }
  return fit;
}

}  // namespace salonsim::stats
