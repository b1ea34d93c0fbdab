#pragma once
// The end-of-run summary: every tally the run counts (sim/outcomes.hpp), by income group and
// sex, and the interventions' costs.
#include <array>
#include <string>
#include <vector>

#include "sim/outcomes.hpp"
#include "sim/population.hpp"

namespace salonsim {

class Simulation;

/// One intervention's cost over a run.
struct InterventionCost {
  std::string module;
  double yen = 0;
};

struct RunSummary {
  std::array<GroupSummary, kGroups> groups{};
  double cost_yen = 0;                  // of the interventions, whole run
  double years = 0;                     // length of the run
  std::vector<InterventionCost> costs;  // by intervention module
  GroupSummary total() const;
};

RunSummary summarize(const Simulation& simulation);

/// A plain-text table of summaries (means over replicates when there are several): the core's
/// counts and rates, then each of `outcomes` with a summary heading that the run counted.
std::string format_summary(const std::vector<RunSummary>& replicates, double years,
                           const std::vector<Outcome>& outcomes);

}  // namespace salonsim
