#include "sim/outcomes.hpp"

namespace salonsim {

std::vector<Outcome> core_outcomes() {
  using namespace tally;
  const auto s = [](std::string_view v) { return std::string(v); };
  return {
      {"certifications", "new LTC certifications during the run", s(kCertifications), ""},
      {"deaths", "deaths during the run", s(kDeaths), ""},
      {"disability_free_years", "years lived alive and independent", s(kDisabilityFreeYears), ""},
      {.name = "certifications_per_1000_py",
       .description = "certifications per 1,000 disability-free person-years",
       .numerator = s(kCertifications),
       .denominator = s(kDisabilityFreeYears),
       .scale = 1000.0,
       .table_heading = "certifications/1000 py"},
      {.name = "cumulative_certification",
       .description = "share of residents independent at entry certified by the end",
       .numerator = s(kCertifications),
       .denominator = s(kIndependentAtEntry),
       .table_heading = "certified by end %",
       .table_scale = 100,
       .table_digits = 2},
      {.name = "cumulative_death",
       .description = "share of residents who died by the end",
       .numerator = s(kDeaths),
       .denominator = s(kResidents),
       .table_heading = "died by end %",
       .table_scale = 100,
       .table_digits = 2},
  };
}

const Outcome* find_outcome(const std::vector<Outcome>& outcomes, std::string_view name) {
  for (const Outcome& outcome : outcomes) {
    if (outcome.name == name) return &outcome;
  }
  return nullptr;
}

}  // namespace salonsim
