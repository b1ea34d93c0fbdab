#pragma once
// Means and differences over replicates, with 95% intervals (Student t), and the variance of a
// paired difference (common random numbers) against that of independent runs.
#include <vector>

namespace salonsim::stats {

/// Two-sided 95% critical value of Student's t with `df` degrees of freedom (df >= 1).
double t_critical_95(int df);

struct Interval {
  double mean = 0;
  double low = 0;  // 95% interval
  double high = 0;
  double standard_error = 0;
};

/// Mean of the values with its 95% interval (a single value has a zero-width interval).
Interval mean_interval(const std::vector<double>& values);

/// Difference arm - reference over replicates paired by index (same seeds).
struct PairedDifference {
  Interval difference;                    // from the paired differences
  double independent_standard_error = 0;  // what unpaired runs of the same size would give
  /// Variance of the difference with independent seeds over that with common random numbers.
  double variance_reduction = 0;
};

PairedDifference paired_difference(const std::vector<double>& arm,
                                   const std::vector<double>& reference);

}  // namespace salonsim::stats
