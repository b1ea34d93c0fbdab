#pragma once
// The HDF5 file of a sweep, written as runs finish and resumable after any interruption
// (kill -9 included; sim/output/resumable_rows.hpp says how). Layout in docs/output.md: the
// sweep's inputs in /meta, the design in /design, one row per run in /runs, and when every run is
// done the derived results (means per point, sensitivity indices).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/output/resumable_rows.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace salonsim::sweep {

/// What /meta records about the sweep.
struct SweepMetadata {
  std::string sweep_yaml;  // the sweep file's text
  std::string sweep_file;
  std::string base_scenario_yaml;  // resolved, with the sweep's `set` applied
  std::string command_line;
  std::string fingerprint;
};

/// Identity of a sweep's results: same fingerprint, same rows.
std::string sweep_fingerprint(const std::string& sweep_yaml, const std::string& base_scenario_yaml);

using ResultArray = salonsim::ResultArray;
using TextAttribute = salonsim::TextAttribute;

class SweepStore {
 public:
  /// Opens "<final>.partial" when it belongs to this sweep, or creates it. Throws OutputError
  /// when the path is unusable, or when a partial file of a different sweep is in the way (unless
  /// `restart`, which discards it).
  SweepStore(std::filesystem::path final_path, const SweepPlan& plan, const SweepMetadata& meta,
             bool restart);
  ~SweepStore();
  SweepStore(const SweepStore&) = delete;
  SweepStore& operator=(const SweepStore&) = delete;

  /// Whether the partial file was there and is being continued.
  bool resumed() const;
  /// Runs the partial file marked done but whose row was damaged: they run again.
  std::size_t damaged_count() const;
  /// Per run: 1 when its row is complete.
  const std::vector<std::uint8_t>& done() const;
  std::size_t done_count() const;

  /// Writes a finished run's outputs and marks it done (not thread-safe: one writer at a time).
  void write_run(std::size_t run, const std::vector<double>& outputs);

  /// Every run's outputs, runs x columns (NaN where a run is not done).
  std::vector<double> outputs() const;

  /// Adds derived results (arrays and text attributes) to a copy of the partial file, moves the
  /// copy to the final name and removes the partial file. Every run must be done.
  void finish(const std::vector<ResultArray>& arrays, const std::vector<TextAttribute>& texts);

  const std::filesystem::path& partial_path() const;
  /// The copy being finished (removed if the process is interrupted during finish).
  std::filesystem::path finishing_path() const;

 private:
  ResumableRows rows_;
};

/// The fingerprint recorded in a finished sweep file, or "" if it is not one.
std::string finished_fingerprint(const std::filesystem::path& path);

}  // namespace salonsim::sweep
