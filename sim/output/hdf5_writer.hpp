#pragma once
// HDF5 output (layout in docs/output.md). The file is written under a temporary name beside
// the final one and renamed only when complete, so an interrupted run never leaves a partial
// file under the final name.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "sim/output/tables.hpp"
#include "sim/survey.hpp"
#include "sim/timeseries.hpp"

namespace salonsim {

class Simulation;
struct Clock;
struct Population;

/// A problem with the output path or while writing (message is meant for the user).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Checks that `path` can become an output file: it names a file (not a directory) in an
/// existing, writable directory. Throws OutputError saying what is wrong.
void check_output_path(const std::filesystem::path& path);

/// What /meta records about the run.
struct RunMetadata {
  std::string scenario_yaml;  // the resolved scenario, every parameter explicit
  std::string scenario_file;
  std::string command_line;
  std::uint64_t seed = 0;
  std::int32_t threads = 1;
  std::int32_t days_per_step = 7;
  std::string start_date;
  std::int32_t replicates = 1;
};

class OutputFile {
 public:
  /// Creates the temporary file now, so an unwritable path fails before any run starts.
  explicit OutputFile(std::filesystem::path final_path);
  ~OutputFile();  // removes the temporary file unless commit() succeeded
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write_meta(const RunMetadata& meta);
  /// Writes one replicate's tables and timeseries into `group` ("/" for a single run,
  /// "/replicate_<r>" with several), and its survey waves marked for output as
  /// surveys/wave_<k> (k counting those; no surveys group without any). The clock gives the
  /// timeseries' days and dates.
  void write_run(const std::string& group, const std::vector<OutputTable>& tables,
                 const Timeseries& timeseries, const Clock& clock,
                 const std::vector<SurveyWave>& waves = {});
  /// Writes the wave of `population` taken when `step` steps are done as the next wave_<k> of
  /// `group`/surveys (k counting the waves there already), one column at a time.
  void write_survey_wave(const std::string& group, const Population& population, std::int64_t step,
                         double years_per_step);
  /// Copies the object at `path` here (a group with all below it, or a dataset) to `to` in
  /// `destination`, creating `to`'s parents; nothing if there is no `path` here.
  void copy_into(OutputFile& destination, const std::string& path, const std::string& to) const;
  /// Writes tables alone into `group` (created with its parents if missing).
  void write_tables(const std::string& group, const std::vector<OutputTable>& tables);
  /// Writes a text attribute `name` on `group` (created with its parents if missing).
  void write_text(const std::string& group, const std::string& name, const std::string& text);
  /// Flushes, closes and renames the temporary file to the final path.
  void commit();

  /// A scratch file in `directory` that no name refers to (unlinked once created): what a run
  /// writes as it goes, to be copied into the output when it ends (copy_into); gone when closed,
  /// however the process ends. Never committed.
  struct Scratch {
    std::filesystem::path directory;
  };
  explicit OutputFile(Scratch scratch);

  /// A file that lives in memory only (no path, never committed): what a run writes on one
  /// process, to be merged into the output on another (image(), merge_image()).
  struct InMemory {};
  explicit OutputFile(InMemory);
  /// The bytes of the whole file (an in-memory file's).
  std::string image();
  /// Copies everything in the file `image` holds into this one: objects missing here are copied
  /// whole, groups present in both are merged (their attributes replaced). Datasets arrive with
  /// their data, type, layout and attributes unchanged.
  void merge_image(const std::string& image);

  const std::filesystem::path& temporary_path() const;
  const std::filesystem::path& final_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Group name of replicate r in a file with several replicates.
std::string replicate_group(std::uint32_t replicate);

}  // namespace salonsim
