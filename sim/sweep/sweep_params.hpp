#pragma once
// A sweep file: the base scenario, the parameters to vary and how, the design, replicates, the
// outputs to keep per run and the seed policy. Read and validated with the same parameter
// tables as a scenario (sim/params), so every problem is reported at once with its position.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/outcomes.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::sweep {

using params::Choice;

enum class DesignType : std::uint8_t { kGrid = 0, kLatinHypercube = 1, kMorris = 2, kSobol = 3 };
inline constexpr std::array<Choice<DesignType>, 4> kDesignChoices{
    {{"grid", DesignType::kGrid},
     {"latin_hypercube", DesignType::kLatinHypercube},
     {"morris", DesignType::kMorris},
     {"sobol", DesignType::kSobol}}};

enum class Distribution : std::uint8_t { kUniform = 0, kLogUniform = 1, kNormal = 2 };
inline constexpr std::array<Choice<Distribution>, 3> kDistributionChoices{
    {{"uniform", Distribution::kUniform},
     {"log_uniform", Distribution::kLogUniform},
     {"normal", Distribution::kNormal}}};

enum class SeedPolicy : std::uint8_t { kCommon = 0, kIndependent = 1 };
inline constexpr std::array<Choice<SeedPolicy>, 2> kSeedPolicyChoices{
    {{"common", SeedPolicy::kCommon}, {"independent", SeedPolicy::kIndependent}}};

inline constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

/// One varied parameter: a scenario key path and either a distribution or a list of values.
struct SweepParameter {
  std::string key;
  std::string name;
  Distribution distribution = Distribution::kUniform;
  double min = kUnset;
  double max = kUnset;
  double mean = kUnset;
  double sd = kUnset;
  bool integer = false;
  std::vector<std::string> values;
  std::int32_t levels = 0;

  bool is_discrete() const { return !values.empty(); }
  /// Name in reports: `name`, or the key's last part.
  std::string label() const;
};

template <class V>
void visit(V& v, SweepParameter& p) {
  v.text("key", p.key,
         {.doc = "scenario key path to vary, as for --set, e.g. health.certification.rate_at_65 "
                 "or interventions[0].participation.join_odds"});
  v.rule("key", !p.key.empty(), "every parameter needs a key (the scenario key path to vary)");
  v.text("name", p.name, {.doc = "short name in reports (default: the key's last part)"});
  v.choice("distribution", p.distribution, kDistributionChoices,
           {.doc = "how values are spread over the design's unit interval: uniform or "
                   "log_uniform on [min, max]; normal(mean, sd), cut to [min, max] if given"});
  v.number(
      "min", p.min,
      {.doc = "lowest value (uniform, log_uniform; optional cut for normal)", .optional = true});
  v.number(
      "max", p.max,
      {.doc = "highest value (uniform, log_uniform; optional cut for normal)", .optional = true});
  v.number("mean", p.mean, {.doc = "mean (normal)", .optional = true});
  v.number(
      "sd", p.sd,
      {.doc = "standard deviation (normal)", .min = 0, .min_exclusive = true, .optional = true});
  v.flag("integer", p.integer, {.doc = "round values to whole numbers"});
  v.texts("values", p.values,
          {.doc = "a list of values (numbers or choices) to pick from instead of a distribution"});
  v.integer("levels", p.levels,
            {.doc = "grid design: number of evenly spaced values from min to max (0: "
                    "design.levels); a list of values uses each value once",
             .min = 0,
             .max = 10000});

  const bool has_range = !std::isnan(p.min) && !std::isnan(p.max);
  v.rule("integer", !p.integer || !has_range || std::ceil(p.min) <= std::floor(p.max),
         "no whole number lies between min and max");
  if (p.is_discrete()) {
    v.rule("values", std::isnan(p.min) && std::isnan(p.max) && std::isnan(p.mean),
           "give either values or a distribution (min/max/mean), not both");
  } else if (p.distribution == Distribution::kNormal) {
    v.rule("mean", !std::isnan(p.mean) && !std::isnan(p.sd), "a normal needs mean and sd");
    v.rule("max", std::isnan(p.min) || std::isnan(p.max) || p.min < p.max,
           "max must be greater than min");
  } else {
    v.rule("min", has_range, "needs min and max (or a list of values)");
    v.rule("max", !has_range || p.min < p.max, "max must be greater than min");
    v.rule("min", p.distribution != Distribution::kLogUniform || !has_range || p.min > 0,
           "a log_uniform range must be positive");
  }
}

struct DesignParams {
  DesignType type = DesignType::kLatinHypercube;
  std::int32_t samples = 50;
  std::int32_t trajectories = 10;
  std::int32_t levels = 4;
  std::uint64_t seed = 1;
  std::int32_t bootstrap = 1000;
};

template <class V>
void visit(V& v, DesignParams& p) {
  v.choice("type", p.type, kDesignChoices,
           {.doc = "grid (every combination), latin_hypercube (samples points), morris "
                   "(elementary effects: trajectories x (parameters + 1) points), sobol "
                   "(Saltelli: samples x (parameters + 2) points)"});
  v.integer("samples", p.samples,
            {.doc = "latin_hypercube: points; sobol: base samples N", .min = 2, .max = 10000000});
  v.integer("trajectories", p.trajectories,
            {.doc = "morris: trajectories r", .min = 2, .max = 100000});
  v.integer("levels", p.levels,
            {.doc = "morris: grid levels p (even); grid: values per continuous parameter",
             .min = 1,
             .max = 10000});
  v.rule("levels", p.type != DesignType::kMorris || (p.levels >= 2 && p.levels % 2 == 0),
         "morris needs an even number of levels, 2 or more");
  v.integer("seed", p.seed, {.doc = "seed of the design's random draws"});
  v.integer("bootstrap", p.bootstrap,
            {.doc = "bootstrap resamples for the intervals of sensitivity indices",
             .min = 100,
             .max = 100000});
}

struct SweepFile {
  std::string name = "sweep";
  std::string description;
  std::string scenario;
  std::vector<std::string> set;
  DesignParams design;
  std::vector<SweepParameter> parameters;
  std::int32_t replicates = 1;
  SeedPolicy seeds = SeedPolicy::kCommon;
  std::uint64_t seed = 0;
  std::vector<std::string> outputs{"certifications_per_1000_py", "deaths",
                                   "cumulative_certification"};
  std::vector<std::string> groups{"all", "low_income", "high_income"};
  /// Outputs a run of this build can give (set by whoever loads the file, from the outcome
  /// catalogue; not read from the file): the outcomes' names and cost_yen.
  std::vector<std::string> known_outputs;
};

/// The output names a sweep may keep: each outcome's, and cost_yen.
std::vector<std::string> output_names(const std::vector<Outcome>& outcomes);
/// Group names a sweep may keep (checked with "did you mean").
const std::vector<std::string>& group_names();
bool is_known(const std::vector<std::string>& names, const std::string& name);
/// "unknown output 'x'; known: ...; did you mean 'y'?"
std::string unknown_name_message(std::string_view kind, const std::string& name,
                                 const std::vector<std::string>& names);
/// What a sweep may ask of one machine: runs, design values (points x parameters) and kept
/// outputs (runs x output columns). A design beyond them is refused with its size when the file
/// is read, before anything is built.
inline constexpr double kMaxSweepRuns = 1e7;
inline constexpr double kMaxDesignValues = 5e7;
inline constexpr double kMaxSweepOutputValues = 2.5e8;

/// Points of the design the file asks for (in floating point: it may be astronomically large).
inline double design_points(const SweepFile& s) {
  const auto k = static_cast<double>(s.parameters.size());
  switch (s.design.type) {
    case DesignType::kGrid: {
      double points = 1;
      for (const SweepParameter& p : s.parameters)
        points *= p.is_discrete() ? static_cast<double>(p.values.size())
                                  : static_cast<double>(p.levels > 0 ? p.levels : s.design.levels);
      return points;
    }
    case DesignType::kLatinHypercube:
      return s.design.samples;
    case DesignType::kMorris:
      return s.design.trajectories * (k + 1);
    case DesignType::kSobol:
      return s.design.samples * (k + 2);
  }
  return 0;
}

/// Output columns kept per run (each output per group; cost_yen once).
inline double output_column_count(const SweepFile& s) {
  double columns = 0;
  for (const std::string& output : s.outputs)
    columns += output == "cost_yen" ? 1 : static_cast<double>(s.groups.size());
  return columns;
}

inline std::string fmt_parameter_key(std::size_t index) {
  return "parameters" + params::index_key(index) + ".key";
}

template <class V>
void visit(V& v, SweepFile& s) {
  v.text("name", s.name, {.doc = "short name of the sweep, used in reports"});
  v.text("description", s.description, {.doc = "what the sweep asks"});
  v.text("scenario", s.scenario, {.doc = "base scenario file (relative to the sweep file)"});
  v.rule("scenario", !s.scenario.empty(), "a sweep needs a base scenario file");
  v.texts("set", s.set, {.doc = "overrides key.path=value applied to the base scenario first"});
  v.section("design", s.design);
  v.list("parameters", s.parameters, {.doc = "parameters to vary", .min = 1, .max = 1000});
  for (std::size_t i = 0; i < s.parameters.size(); ++i) {
    bool repeated = false;
    for (std::size_t j = 0; j < i && !repeated; ++j)
      repeated = s.parameters[i].key == s.parameters[j].key;
    v.rule(fmt_parameter_key(i), !repeated, "key '" + s.parameters[i].key + "' is varied twice");
  }
  for (std::size_t i = 0; i < s.parameters.size(); ++i) {
    const SweepParameter& p = s.parameters[i];
    // Grid and Morris levels include the ends of the unit interval: a normal needs finite ends.
    const bool needs_ends =
        s.design.type == DesignType::kGrid || s.design.type == DesignType::kMorris;
    v.rule("parameters" + params::index_key(i) + ".distribution",
           p.is_discrete() || p.distribution != Distribution::kNormal || !needs_ends ||
               (!std::isnan(p.min) && !std::isnan(p.max)),
           "a normal in a grid or morris design needs min and max (its levels include the ends)");
  }
  v.integer("replicates", s.replicates,
            {.doc = "runs per design point (replicate r uses replicate index r)",
             .min = 1,
             .max = 100000});
  v.choice("seeds", s.seeds, kSeedPolicyChoices,
           {.doc = "common: every point's replicate r uses the same random numbers (common "
                   "random numbers, the default); independent: each point its own"});
  v.integer("seed", s.seed, {.doc = "seed of the runs (0: the base scenario's run.seed)"});
  const double points = design_points(s), runs = points * s.replicates;
  v.rule("design", runs <= kMaxSweepRuns,
         fmt::format("the design has {:.4g} points x {} replicates = {:.4g} runs, more than the "
                     "{:.0e} a sweep may have; use fewer samples, levels or replicates",
                     points, s.replicates, runs, kMaxSweepRuns));
  v.rule("design", points * static_cast<double>(s.parameters.size()) <= kMaxDesignValues,
         fmt::format("the design has {:.4g} points x {} parameters = {:.4g} values, more than the "
                     "{:.0e} a sweep may hold in memory",
                     points, s.parameters.size(), points * static_cast<double>(s.parameters.size()),
                     kMaxDesignValues));
  v.texts("outputs", s.outputs, {.doc = "outcomes kept per run", .min = 1, .max = 100});
  for (std::size_t i = 0; i < s.outputs.size(); ++i)
    v.rule("outputs" + params::index_key(i), is_known(s.known_outputs, s.outputs[i]),
           unknown_name_message("output", s.outputs[i], s.known_outputs));
  v.texts("groups", s.groups, {.doc = "groups each outcome is kept for", .min = 1, .max = 20});
  for (std::size_t i = 0; i < s.groups.size(); ++i)
    v.rule("groups" + params::index_key(i), is_known(group_names(), s.groups[i]),
           unknown_name_message("group", s.groups[i], group_names()));
  v.rule("outputs", runs * output_column_count(s) <= kMaxSweepOutputValues,
         fmt::format(
             "{:.4g} runs x {} output columns = {:.4g} values to keep, more than the {:.1e} "
             "a sweep may keep; keep fewer outputs or groups, or run fewer runs",
             runs, output_column_count(s), runs * output_column_count(s), kMaxSweepOutputValues));
}

}  // namespace salonsim::sweep
