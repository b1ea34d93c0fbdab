#include "sim/stats/intervals.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace salonsim::stats {

double t_critical_95(int df) {
  if (df < 1) throw std::invalid_argument("t_critical_95: degrees of freedom must be >= 1");
  // Exact table to 30; beyond it, interpolation in 1/df towards the normal value.
  static constexpr double kTable[31] = {
      0,      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
      2.2010, 2.1788,  2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796,
      2.0739, 2.0687,  2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df <= 30) return kTable[df];
  struct Point {
    double df, t;
  };
  static constexpr Point kTail[] = {{30, 2.0423}, {40, 2.0211}, {60, 2.0003}, {120, 1.9799}};
  for (std::size_t k = 0; k + 1 < std::size(kTail); ++k) {
    if (df <= kTail[k + 1].df) {
      const double x = 1.0 / df, x0 = 1.0 / kTail[k].df, x1 = 1.0 / kTail[k + 1].df;
      return kTail[k].t + (kTail[k + 1].t - kTail[k].t) * (x - x0) / (x1 - x0);
    }
  }
  const double x = 1.0 / df, x0 = 1.0 / 120.0;
  return 1.959964 + (1.9799 - 1.959964) * x / x0;
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
