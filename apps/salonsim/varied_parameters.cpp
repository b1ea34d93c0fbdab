#include "apps/salonsim/varied_parameters.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/params/key_path.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace salonsim::cli {

namespace {

/// The values a parameter can take at its extremes (or every listed value), to check against
/// the base scenario before anything runs.
std::vector<std::string> probe_values(const sweep::SweepParameter& p) {
  if (p.is_discrete()) return p.values;
  std::vector<std::string> probes;
  for (double u : {0.0, 0.5, 1.0}) probes.push_back(sweep::value_text(p, sweep::value_at(p, u)));
  return probes;
}

}  // namespace

params::Location VariedScenario::location_of(const std::string& path) const {
  const auto it = locations.find(path);
  if (it != locations.end()) return it->second;
  return {file.generic_string(), 0, 0};
}

void check_parameters(const VariedScenario& varied, params::Diagnostics& diagnostics) {
  for (std::size_t j = 0; j < varied.parameters.size(); ++j) {
    const sweep::SweepParameter& p = varied.parameters[j];
    const std::string where = sweep::fmt_parameter_key(j);
    if (params::generic_key_path(p.key) == "run.seed") {
      diagnostics.error(varied.location_of(where), where,
                        fmt::format("run.seed cannot be varied: the {} sets every run's seed "
                                    "(its seed and replicates), so the value would be ignored; "
                                    "to see the play of chance, use replicates",
                                    varied.kind));
      continue;
    }
    std::vector<std::string> reported;
    for (const std::string& probe : probe_values(p)) {
      std::vector<std::string> overrides = varied.set;
      overrides.push_back(p.key + "=" + probe);
      try {
        models::load_scenario(varied.scenario_path, overrides);
      } catch (const params::ScenarioError& e) {
        for (const params::Issue& issue : e.diagnostics().issues()) {
          const bool about_key = issue.path == p.key || issue.path.empty();
          std::string message = about_key
                                    ? fmt::format("'{}' in the base scenario ({}): {}", p.key,
                                                  varied.scenario, issue.message)
                                    : fmt::format("{}={} makes the base scenario invalid: {}: {}",
                                                  p.key, probe, issue.path, issue.message);
          // One problem per scenario key: the lowest value that fails says enough.
          if (std::find(reported.begin(), reported.end(), issue.path) != reported.end()) continue;
          reported.push_back(issue.path);
          diagnostics.error(varied.location_of(where), where, message);
        }
      }
    }
  }
}

std::optional<models::Scenario> load_base(const VariedScenario& varied,
                                          params::Diagnostics& diagnostics) {
  try {
    models::Scenario base = models::load_scenario(varied.scenario_path, varied.set);
    if (!base.region.empty()) {
      diagnostics.error(varied.location_of("scenario"), "scenario",
                        fmt::format("'{}' is a region of municipalities: a {} varies one town; "
                                    "use a municipality's scenario instead",
                                    varied.scenario, varied.kind));
      return std::nullopt;
    }
    return base;
  } catch (const params::ScenarioError& e) {
    // Each problem where it is, and where the sweep (or calibration) names the file it is in.
    const params::Location named = varied.location_of("scenario");
    const std::string named_at =
        named.line > 0 ? fmt::format("{}:{}:{}", named.source, named.line, named.column)
                       : named.source;
    for (const params::Issue& issue : e.diagnostics().issues()) {
      const bool from_set = issue.where.source.starts_with("--set");
      if (from_set) {
        diagnostics.error(varied.location_of("set"), "set", issue.path + ": " + issue.message);
        continue;
      }
      diagnostics.error(issue.where, issue.path,
                        fmt::format("{} (in the base scenario '{}' of the {} at {})", issue.message,
                                    varied.scenario, varied.kind, named_at));
    }
    return std::nullopt;
  }
}

}  // namespace salonsim::cli
