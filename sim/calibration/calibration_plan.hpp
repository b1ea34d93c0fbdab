#pragma once
// A calibration ready to run: its file as read, the scenario overrides of a point on the unit
// cube, each target's statistic in a finished run, and the distance of a run's statistics from
// the observed values.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/calibration/calibration_params.hpp"
#include "sim/outcomes.hpp"
#include "sim/output/summary.hpp"
#include "sim/params/yaml_loader.hpp"
#include "sim/population.hpp"
#include "sim/survey.hpp"

namespace salonsim::calibration {

/// A calibration file as read: its settings, where each key was set, and its text.
struct LoadedCalibration {
  CalibrationFile file;
  params::Locations locations;
  std::filesystem::path path;
  std::string text;
  /// The base scenario's path (scenario: is relative to the calibration file).
  std::filesystem::path scenario_path() const;
};

/// Reads and validates a calibration file. Throws params::ScenarioError listing every problem.
LoadedCalibration load_calibration(const std::filesystem::path& path,
                                   const std::vector<Outcome>& outcomes);

/// Each parameter's value at a point of the unit cube (a list parameter: its value's index).
std::vector<double> parameter_values(const CalibrationFile& file, const std::vector<double>& unit);
/// The --set overrides that turn the base scenario into the point's: the file's `set`, then one
/// per parameter.
std::vector<std::string> overrides(const CalibrationFile& file, const std::vector<double>& unit);

/// A target's statistic in a finished run: the outcome of its group, or the mean of a surveyed
/// column over its group's residents alive (and independent) at the wave `wave` (NaN when
/// nobody is counted).
double target_statistic(const Target& target, const RunSummary& summary, const SurveyWave* wave,
                        const Population& population, const std::vector<Outcome>& outcomes);

/// Root mean square of (statistic - observed) / sd over the targets; NaN if any statistic is.
double distance(const std::vector<Target>& targets, const std::vector<double>& statistics);

}  // namespace salonsim::calibration
