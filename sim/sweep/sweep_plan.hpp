#pragma once
// A sweep ready to run: the design on the unit hypercube, each point's parameter values, and
// the runs (points x replicates) with their seeds. Pure and deterministic: the same sweep file
// gives the same plan, which is what lets an interrupted sweep resume.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/output/summary.hpp"
#include "sim/params/yaml_loader.hpp"
#include "sim/stats/designs.hpp"
#include "sim/sweep/sweep_params.hpp"

namespace salonsim::sweep {

/// A sweep file as read: its parameters, where each key was set, and its text.
struct LoadedSweep {
  SweepFile file;
  params::Locations locations;
  std::filesystem::path path;
  std::string text;
  /// The base scenario's path (scenario: is relative to the sweep file).
  std::filesystem::path scenario_path() const;
};

/// Reads and validates a sweep file. Throws params::ScenarioError listing every problem.
LoadedSweep load_sweep(const std::filesystem::path& path, const std::vector<Outcome>& outcomes);

/// Maps a design coordinate u in [0, 1] to the parameter's value: the quantile of its
/// distribution, or for a list of values the index of the value (as a number).
double value_at(const SweepParameter& parameter, double u);

/// The text a value takes in a --set override (the listed text for a list of values).
std::string value_text(const SweepParameter& parameter, double value);

/// The unit-cube levels a grid design uses for a parameter.
std::vector<double> grid_levels(const SweepParameter& parameter, int default_levels);

/// One run of the sweep.
struct RunSpec {
  std::size_t index = 0;  // row in /runs
  std::size_t point = 0;  // row of the design
  std::uint32_t replicate = 0;
  std::uint64_t seed = 0;
  std::uint32_t stream_replicate = 0;  // the replicate index of the random streams
};

struct SweepPlan {
  SweepFile file;
  std::uint64_t seed = 0;            // of the runs
  stats::Design design;              // points x parameters, on [0, 1]
  std::vector<double> values;        // points x parameters (list parameters: the value's index)
  std::vector<std::string> columns;  // output columns kept per run

  std::size_t parameters() const { return file.parameters.size(); }
  std::size_t points() const { return design.rows; }
  std::size_t runs() const { return points() * static_cast<std::size_t>(file.replicates); }
  double value(std::size_t point, std::size_t parameter) const {
    return values[point * parameters() + parameter];
  }
  RunSpec run(std::size_t index) const;
  /// The --set overrides that turn the base scenario into this point's: the sweep's `set`,
  /// then one per varied parameter.
  std::vector<std::string> overrides(std::size_t point) const;
};

/// Builds the design. `base_seed` is the base scenario's run.seed (used when the sweep's seed
/// is 0). Throws std::invalid_argument if the design cannot be built.
SweepPlan make_plan(const SweepFile& file, std::uint64_t base_seed);

/// Output columns: "<output>.<group>" for each output and group ("cost_yen" once).
std::vector<std::string> output_columns(const SweepFile& file);

/// A run's values of the output columns.
std::vector<double> run_outputs(const SweepFile& file, const RunSummary& summary,
                                const std::vector<Outcome>& outcomes);

/// Whether the group of that name (all, men, women, low_income, high_income, or an
/// income-by-sex group) includes residents of group g (income_low * 2 + sex).
bool group_includes(const std::string& group, int g);

/// A group's summary by name: all, men, women, low_income, high_income, or an income-by-sex
/// group.
GroupSummary group_summary(const RunSummary& summary, const std::string& group);

/// The design as a table: one line per point with each parameter's value.
std::string format_design(const SweepPlan& plan, std::size_t max_points);

}  // namespace salonsim::sweep
