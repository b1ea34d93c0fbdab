#pragma once
// What a sweep file and a calibration file share: a base scenario with `set` overrides and
// parameters to vary over it. Both are checked before anything runs, and their problems are
// reported at the varying file's positions.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/params/yaml_loader.hpp"
#include "sim/sweep/sweep_params.hpp"

namespace salonsim::cli {

struct VariedScenario {
  std::filesystem::path file;  // the sweep or calibration file
  const params::Locations& locations;
  std::string scenario;  // as written in the file
  std::filesystem::path scenario_path;
  const std::vector<std::string>& set;
  const std::vector<sweep::SweepParameter>& parameters;
  std::string kind;  // "sweep", "calibration"

  /// Where a key of the file was set, for messages about it.
  params::Location location_of(const std::string& path) const;
};

/// Loads the base scenario (with `set`), reporting problems against the file; a region is
/// refused (a sweep or calibration varies one town).
std::optional<models::Scenario> load_base(const VariedScenario& varied,
                                          params::Diagnostics& diagnostics);

/// Checks every varied key against the base scenario: it must exist, and its values at the ends
/// and middle of its range (or every listed value) must be valid there.
void check_parameters(const VariedScenario& varied, params::Diagnostics& diagnostics);

}  // namespace salonsim::cli
