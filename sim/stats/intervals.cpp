#include "sim/stats/intervals.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace salonsim::stats {

double t_critical_95(int df) {
  if (df < 1) throw std::invalid_argument("t_critical_95: degrees of freedom must be >= 1");
  return boost::math::quantile(boost::math::students_t(static_cast<double>(df)), 0.975);
}

namespace {
double sample_variance(const std::vector<double>& values, double mean) {
  if (values.size() < 2) return 0.0;
  double sum = 0;
  for (double v : values) sum += (v - mean) * (v - mean);
  return sum / static_cast<double>(values.size() - 1);
}
}  // namespace

Interval mean_interval(const std::vector<double>& values) {
  if (values.empty()) throw std::invalid_argument("mean_interval: no values");
  Interval result;
  for (double v : values) result.mean += v;
  result.mean /= static_cast<double>(values.size());
  const auto n = static_cast<double>(values.size());
  result.standard_error = std::sqrt(sample_variance(values, result.mean) / n);
  const double half =
      values.size() > 1 ? t_critical_95(static_cast<int>(values.size()) - 1) * result.standard_error
                        : 0.0;
  result.low = result.mean - half;
  result.high = result.mean + half;
  return result;
}

PairedDifference paired_difference(const std::vector<double>& arm,
                                   const std::vector<double>& reference) {
  if (arm.size() != reference.size() || arm.empty()) {
    throw std::invalid_argument(
        "paired_difference: the two arms need the same, non-zero number of replicates");
  }
  std::vector<double> differences(arm.size());
  for (std::size_t r = 0; r < arm.size(); ++r) differences[r] = arm[r] - reference[r];
  PairedDifference result;
  result.difference = mean_interval(differences);
  const auto n = static_cast<double>(arm.size());
  const double mean_arm = mean_interval(arm).mean, mean_reference = mean_interval(reference).mean;
  const double independent_variance =
      (sample_variance(arm, mean_arm) + sample_variance(reference, mean_reference)) / n;
  result.independent_standard_error = std::sqrt(independent_variance);
  const double paired_variance =
      result.difference.standard_error * result.difference.standard_error;
  result.variance_reduction = paired_variance > 0 ? independent_variance / paired_variance
                                                  : std::numeric_limits<double>::infinity();
  return result;
}

}  // namespace salonsim::stats
