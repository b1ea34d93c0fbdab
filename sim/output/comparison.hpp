#pragma once
// Scenario comparison on common random numbers: per arm, each outcome's mean and 95% interval
// over replicates; against the reference arm, paired differences (replicate r of every arm
// uses the same seed) with the standard error independent seeds would give.
#include <string>
#include <vector>

#include "sim/output/summary.hpp"
#include "sim/stats/intervals.hpp"

namespace salonsim {

/// The replicates of one arm, in replicate order.
struct ArmResults {
  std::string name;
  std::vector<RunSummary> replicates;
};

/// Group names: the four income-by-sex groups, then "all".
inline constexpr int kSummaryGroups = kGroups + 1;
std::string_view summary_group_name(int group);

struct ComparisonRow {
  std::string arm;
  std::string group;
  std::string outcome;
  stats::Interval value;
  bool is_reference = false;
  stats::PairedDifference difference;  // arm - reference; zero for the reference itself
};

/// A group's sums: one of the income-by-sex groups, or (kGroups) all of them.
GroupSummary group_of(const RunSummary& summary, int group);

/// Every arm x group x outcome, arms in the order given.
std::vector<ComparisonRow> compare_arms(const std::vector<ArmResults>& arms, std::size_t reference,
                                        const std::vector<Outcome>& outcomes);

/// The effect (arm - reference) on low-income residents minus that on high-income residents, of
/// the cumulative certification share, paired over replicates (equity of the effect).
stats::Interval equity_difference(const ArmResults& arm, const ArmResults& reference);

/// CSV with one line per row (arm, group, outcome, mean, low, high, difference, its interval,
/// SE with common random numbers, SE with independent seeds, variance reduction).
std::string comparison_csv(const std::vector<ComparisonRow>& rows);

/// The table printed at the end of `salonsim compare`.
std::string format_comparison(const std::vector<ComparisonRow>& rows,
                              const std::vector<ArmResults>& arms, std::size_t reference,
                              const std::vector<Outcome>& outcomes);

}  // namespace salonsim
