#pragma once
// A scenario: the description of a run (what was configured), separate from the running
// Simulation (state that changes). Loaded from YAML layers: the files it `extends`, the file
// itself, then --set overrides; validated once on the final values.
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "models/groups/group_params.hpp"
#include "models/health/health_params.hpp"
#include "models/interventions.hpp"
#include "models/network/network_params.hpp"
#include "models/region/region_params.hpp"
#include "models/town/town_params.hpp"
#include "sim/calendar.hpp"
#include "sim/params/describer.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/params/yaml_loader.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

struct RunParams {
  std::uint64_t seed = 1;
  double years = 5;
  std::int32_t days_per_step = 7;
  std::string start_date = "2025-04-01";
  /// Steps the run asks for, before rounding (0 when days_per_step is not valid).
  double steps_asked() const { return days_per_step > 0 ? years * 365.25 / days_per_step : 0.0; }
};

template <class V>
void visit(V& v, RunParams& p) {
  v.integer("seed", p.seed,
            {.doc = "seed of every random stream (replicate r uses the same "
                    "seed with replicate index r)"});
  v.number(
      "years", p.years,
      {.unit = "years",
       .doc = "length of the run; at most 32,767 steps (89 years of daily steps: mechanisms keep "
              "steps in two bytes)",
       .min = 0,
       .min_exclusive = true,
       .max = 100});
  v.integer("days_per_step", p.days_per_step,
            {.unit = "days", .doc = "length of one step", .min = 1, .max = 365});
  // Mechanisms keep steps in two bytes (sim/population.hpp's StoredStep).
  const double steps = p.steps_asked();
  v.rule("years", !(steps >= static_cast<double>(kMaxSteps) + 0.5),
         fmt::format("makes {:.0f} steps of {} days; a run lasts at most {} steps (89 years of "
                     "daily steps): use fewer years or longer steps",
                     steps, p.days_per_step, kMaxSteps));
  v.text("start_date", p.start_date, {.doc = "calendar date of step 0 (YYYY-MM-DD), for reports"});
  v.rule("start_date", is_calendar_date(p.start_date),
         "must be a date that exists, written YYYY-MM-DD, got '" + p.start_date + "'");
}

/// Panel survey waves (JAGES surveys its residents every three years): each writes every
/// resident's state to /surveys/wave_<k> (sim/survey.hpp, docs/output.md).
struct SurveyParams {
  std::vector<double> years;  // since the start, strictly increasing; none by default
};

template <class V>
void visit(V& v, SurveyParams& p) {
  v.numbers("years", p.years,
            {.unit = "years",
             .doc = "times of the survey waves since the start, increasing and within the run (0: "
                    "before the first step; each rounded to the nearest step); each wave writes "
                    "every resident's state to /surveys/wave_0, wave_1, ... (none by default)",
             .source = "assumption: JAGES surveys residents every three years, e.g. [0, 3, 6]",
             .min = 0});
}

struct Scenario {
  std::string name = "unnamed";
  std::string description;
  RunParams run;
  SurveyParams surveys;
  TownParams town;
  NetworkParams network;
  HealthParams health;
  TownGroups groups;
  std::vector<InterventionSpec> interventions;
  RegionParams region;

  /// Number of steps the run lasts.
  std::int64_t steps() const;
  Clock clock() const { return {run.days_per_step, steps(), run.start_date}; }
  /// The steps of the survey waves (surveys.years, each rounded to the nearest step).
  std::vector<std::int64_t> survey_steps() const;
};

/// Each survey wave within the run, and later than the one before (also after rounding to steps).
template <class V>
void check_survey_years(V& v, const Scenario& s) {
  const Clock clock = s.clock();
  for (std::size_t k = 0; k < s.surveys.years.size(); ++k) {
    const double years = s.surveys.years[k];
    const std::string key = "surveys.years" + params::index_key(k);
    v.rule(key, !(years > s.run.years),
           "must be within the run (<= run.years, " + params::format_number(s.run.years) +
               "), got " + params::format_number(years));
    if (k == 0) continue;
    const double before = s.surveys.years[k - 1];
    if (!(years > before)) {
      v.rule(key, false,
             "must be later than surveys.years" + params::index_key(k - 1) + " (" +
                 params::format_number(before) + "), got " + params::format_number(years));
    } else {
      v.rule(key, clock.step_at(years) > clock.step_at(before),
             "falls on the same step as surveys.years" + params::index_key(k - 1) +
                 fmt::format(" (step {} of {} days)", clock.step_at(years), s.run.days_per_step));
    }
  }
}

template <class V>
void visit(V& v, Scenario& s) {
  v.text("name", s.name, {.doc = "short name of the scenario, used in reports"});
  v.rule("name", params::is_output_name(s.name), params::kOutputNameRule);
  v.text("description", s.description,
         {.doc = "what the scenario represents (not inherited through extends: a file that "
                 "extends another without one has none)"});
  v.section("run", s.run);
  v.section("surveys", s.surveys, {.optional = true});
  check_survey_years(v, s);
  v.section("town", s.town);
  v.section("network", s.network);
  v.section("health", s.health);
  v.section("groups", s.groups, {.optional = true});
  v.list("interventions", s.interventions, {.doc = "interventions in the town (none by default)"});
  Interventions::check(v, s.interventions, s);
  v.section("region", s.region, {.optional = true});
}

/// Loads a scenario file, the files it extends, and `overrides` ("key.path=value", applied in
/// order). Throws params::ScenarioError listing every problem.
Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides = {});

/// Whether a key path ("region", "region.municipalities[0].name") lies in the region block,
/// which a region's towns do not have.
bool in_region_block(std::string_view key_path);

/// A scenario file and the files it extends, read once, for many scenarios that differ only by
/// overrides (a region's municipalities): with(o) is load_scenario(file, o) without reading and
/// applying the files again.
class ScenarioFiles {
 public:
  explicit ScenarioFiles(const std::filesystem::path& file);
  /// Throws params::ScenarioError listing every problem (the files' own included).
  Scenario with(const std::vector<std::string>& overrides) const;
  /// The same files with the region block set aside (its values and where they were written):
  /// what each of a region's municipalities starts from. Without it, with() would copy the whole
  /// list of municipalities for each of them, a time that grows as their number squared (5 s of
  /// serial work for the nation's 1,741).
  ScenarioFiles without_region() const;

 private:
  params::Diagnostics diagnostics_;
  params::Locations locations_;
  Scenario scenario_;
};

/// The scenario with every parameter explicit, as YAML.
std::string to_yaml(const Scenario& scenario);

/// The parameter dictionary of every scenario key.
std::vector<params::DictionaryRow> parameter_dictionary();

/// Every outcome a run of this build can report: the core's, each intervention type's, then the
/// mechanisms every run has (food access). Runs without a mechanism count its outcomes as 0.
std::vector<Outcome> outcome_catalogue();

/// The analyses comparisons add for an arm with this scenario's interventions.
std::vector<ArmAnalysis> arm_analyses(const Scenario& scenario);

}  // namespace salonsim::models
