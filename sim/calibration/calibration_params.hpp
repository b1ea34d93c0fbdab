#pragma once
// A calibration file: the base scenario, the uncertain parameters with their priors (the same
// key paths and distributions as sweeps), the targets (observed values with their uncertainty)
// and the settings of ABC-SMC. Read and validated with the same parameter tables as scenarios,
// so every problem is reported at once with its position.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/params/schema.hpp"
#include "sim/sweep/sweep_params.hpp"

namespace salonsim::calibration {

using params::Choice;

/// Who a survey statistic is about.
enum class Among : std::uint8_t { kAlive = 0, kIndependent = 1 };
inline constexpr std::array<Choice<Among>, 2> kAmongChoices{
    {{"alive", Among::kAlive}, {"independent", Among::kIndependent}}};

/// A statistic of a survey wave: the mean of a surveyed column (a share for a 0/1 column) among
/// residents alive (and independent) at the wave.
struct SurveyStatistic {
  double year = 0;
  std::string column = "";
  Among among = Among::kIndependent;
};

template <class V>
void visit(V& v, SurveyStatistic& s) {
  v.number("year", s.year,
           {.unit = "years",
            .doc = "years since the start when the wave is taken (0: the baseline survey)",
            .min = 0});
  v.text("column", s.column,
         {.doc = "surveyed column whose mean is the statistic, e.g. isolated (a share), "
                 "weekly_contacts"});
  v.choice("among", s.among, kAmongChoices,
           {.doc = "alive: every resident alive at the wave; independent: those alive and not "
                   "certified (whom JAGES surveys)"});
}

/// One target: a statistic of a run, its observed value and the value's uncertainty.
struct Target {
  std::string name;
  std::string outcome;
  SurveyStatistic survey = {};
  std::string group = "all";
  double observed = sweep::kUnset;
  double sd = sweep::kUnset;

  bool is_survey() const { return !survey.column.empty(); }
  /// Name in reports: `name`, or "<outcome or column>.<group>".
  std::string label() const {
    if (!name.empty()) return name;
    return (is_survey() ? survey.column : outcome) + "." + group;
  }
};

template <class V>
void visit(V& v, Target& t) {
  v.text("name", t.name, {.doc = "short name in reports (default: <outcome or column>.<group>)"});
  v.text("outcome", t.outcome,
         {.doc = "an outcome of the run summary (as sweep outputs), e.g. "
                 "certifications_per_1000_py; or give survey instead"});
  v.section("survey", t.survey);
  v.text("group", t.group,
         {.doc = "residents the statistic is about: all, men, women, low_income, high_income, "
                 "or an income-by-sex group"});
  v.number("observed", t.observed, {.doc = "the observed value", .optional = true});
  v.number("sd", t.sd,
           {.doc = "uncertainty of the observed value (standard error; the distance counts "
                   "differences in these units)",
            .min = 0,
            .min_exclusive = true,
            .optional = true});
  v.rule("outcome", t.outcome.empty() != t.survey.column.empty(),
         "give either an outcome or a survey statistic (survey.column), not both");
  v.rule("observed", std::isfinite(t.observed), "every target needs its observed value");
  v.rule("sd", std::isfinite(t.sd), "every target needs sd, the uncertainty of its observed value");
}

/// ABC-SMC (Beaumont et al. 2009; Del Moral et al. 2012's adaptive tolerances, as pyabc).
struct AbcParams {
  std::int32_t particles = 200;
  std::int32_t generations = 8;
  double quantile = 0.5;
  double min_acceptance = 0.02;
  double tolerance = 0;
  std::int32_t max_simulations = 20000;
};

template <class V>
void visit(V& v, AbcParams& p) {
  v.integer("particles", p.particles,
            {.doc = "particles in each generation's population", .min = 10, .max = 1000000});
  v.integer("generations", p.generations,
            {.doc = "most generations (the first samples the priors)", .min = 1, .max = 1000});
  v.number("quantile", p.quantile,
           {.doc = "each generation's tolerance is this weighted quantile of the previous "
                   "generation's distances",
            .min = 0,
            .min_exclusive = true,
            .max = 1,
            .max_exclusive = true});
  v.number("min_acceptance", p.min_acceptance,
           {.doc = "stop after a generation whose acceptance rate falls below this",
            .min = 0,
            .max = 1});
  v.number("tolerance", p.tolerance,
           {.doc = "stop once the tolerance is at or below this (0: only the other rules); the "
                   "distance is the root mean square of (simulated - observed) / sd",
            .min = 0});
  v.integer("max_simulations", p.max_simulations,
            {.doc = "most simulations (particles x replicates, over every generation): the "
                    "budget; the last generation is the last one completed within it",
             .min = 10,
             .max = 100000000});
}

struct CalibrationFile {
  std::string name = "calibration";
  std::string description;
  std::string scenario;
  std::vector<std::string> set;
  std::vector<sweep::SweepParameter> parameters;
  std::vector<Target> targets;
  std::int32_t replicates = 1;
  std::uint64_t seed = 0;
  AbcParams abc;
  std::int32_t posterior_predictive = 50;
  /// Outcome names a run of this build can give (set by whoever loads the file).
  std::vector<std::string> known_outputs;
};

template <class V>
void visit(V& v, CalibrationFile& c) {
  v.text("name", c.name, {.doc = "short name of the calibration, used in reports"});
  v.text("description", c.description, {.doc = "what is fitted to what"});
  v.text("scenario", c.scenario, {.doc = "base scenario file (relative to the calibration file)"});
  v.rule("scenario", !c.scenario.empty(), "a calibration needs a base scenario file");
  v.texts("set", c.set, {.doc = "overrides key.path=value applied to the base scenario first"});
  v.list("parameters", c.parameters,
         {.doc = "parameters to fit, each with its prior: a distribution (uniform, log_uniform, "
                 "normal) or a list of values, as in sweeps",
          .min = 1,
          .max = 100});
  for (std::size_t i = 0; i < c.parameters.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      v.rule(sweep::fmt_parameter_key(i), c.parameters[i].key != c.parameters[j].key,
             "key '" + c.parameters[i].key + "' is fitted twice");
    }
  }
  v.list("targets", c.targets,
         {.doc = "what the runs must reproduce: outcomes or survey statistics, each with its "
                 "observed value and sd",
          .min = 1,
          .max = 100});
  for (std::size_t i = 0; i < c.targets.size(); ++i) {
    const Target& t = c.targets[i];
    const std::string at = "targets" + params::index_key(i);
    if (!t.outcome.empty())
      v.rule(at + ".outcome", sweep::is_known(c.known_outputs, t.outcome),
             sweep::unknown_name_message("outcome", t.outcome, c.known_outputs));
    v.rule(at + ".group", sweep::is_known(sweep::group_names(), t.group),
           sweep::unknown_name_message("group", t.group, sweep::group_names()));
    for (std::size_t j = 0; j < i; ++j)
      v.rule(at + ".name", c.targets[j].label() != t.label(),
             "two targets are named '" + t.label() + "'");
  }
  v.integer("replicates", c.replicates,
            {.doc = "runs per particle; the particle's statistics are their means",
             .min = 1,
             .max = 1000});
  v.integer("seed", c.seed,
            {.doc = "seed of the runs and of the sampler (0: the base scenario's run.seed)"});
  v.section("abc", c.abc);
  v.integer("posterior_predictive", c.posterior_predictive,
            {.doc = "particles drawn from the posterior and run again (new random numbers) to "
                    "check the fit of each target (0: none)",
             .min = 0,
             .max = 100000});
}

}  // namespace salonsim::calibration
