#pragma once
// The end-of-run summary: residents, deaths, certifications and isolation by income group and
// sex, from the population columns.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

class Simulation;

struct GroupSummary {
  std::int64_t residents = 0;  // ever simulated
  std::int64_t independent_at_entry = 0;
  std::int64_t deaths = 0;
  std::int64_t certifications = 0;  // new during the run
  std::int64_t isolated_at_entry = 0;
  std::int64_t alive_at_end = 0;
  std::int64_t isolated_at_end = 0;
  double person_years = 0;
  double disability_free_years = 0;        // alive and independent
  std::int64_t salon_participants = 0;     // attended at least one salon session
  std::int64_t residents_without_car = 0;  // did not drive at entry (no car, or certified)
  std::int64_t salon_participants_without_car = 0;
  std::int64_t poor_food_access_at_entry = 0;
  double poor_food_access_years = 0;  // person-years alive with poor food access

  GroupSummary& operator+=(const GroupSummary& other);
};

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

/// A plain-text table of summaries (means over replicates when there are several).
std::string format_summary(const std::vector<RunSummary>& replicates, double years);

}  // namespace salonsim
