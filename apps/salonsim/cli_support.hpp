#pragma once
// What the subcommands share: exit codes, reporting scenario problems, and removing a partial
// output file when the process is interrupted.
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/ensemble.hpp"
#include "sim/memory.hpp"
#include "sim/params/diagnostics.hpp"

namespace salonsim::cli {

// Exit codes.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;        // the run or its output failed
inline constexpr int kInvalidInput = 2;  // bad flags or scenario; nothing was run

/// Prints every problem of a scenario (or, with `what` = "the sweep file", a sweep file);
/// returns kInvalidInput.
int report_scenario_error(const params::ScenarioError& e, std::string_view what = "the scenario");

/// Whether a job needing `need` fits in the memory this process may use; if not, says so (what
/// it needs, what there is, what to do) on stderr. True when the memory cannot be read.
bool fits_in_memory(const MemoryNeed& need);

/// On SIGINT, SIGTERM or SIGHUP, removes `temporary` before the process ends, so no partial file
/// is left behind. One file at a time; an empty path stops removing.
void remove_on_interrupt(const std::filesystem::path& temporary);

/// The files a command reads from `file`: the file, the files it `extends`, and the scenario a
/// sweep, trial or calibration file names (`scenario:`), with theirs in turn. Best effort: a file
/// that cannot be read ends the chain (loading it reports why).
std::vector<std::filesystem::path> input_files(const std::filesystem::path& file);

/// Why `output` (and its companion files, e.g. compare's .csv) cannot be written by a command that
/// reads `inputs`, or "" when it can: an output must not be one of the inputs, must not be a
/// device, pipe or socket, and companions must not be the output itself.
std::string output_conflict(const std::filesystem::path& output,
                            const std::vector<std::filesystem::path>& companions,
                            const std::vector<std::filesystem::path>& inputs);

/// A file written under a hidden temporary name beside `path` (the same file system, so the
/// rename is atomic) and renamed to `path` by commit(); removed if never committed. A full disk
/// or a failed rename leaves neither a truncated file under the final name nor a stray
/// temporary one. Throws std::runtime_error naming `path` when it cannot.
class WholeFile {
 public:
  explicit WholeFile(std::filesystem::path path);
  ~WholeFile();
  WholeFile(const WholeFile&) = delete;
  WholeFile& operator=(const WholeFile&) = delete;
  std::ofstream& out() { return out_; }
  void commit();

 private:
  std::filesystem::path path_, temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Writes `text` to `path` whole: under a temporary name first, then renamed, so the final name
/// only ever holds a complete file. Throws std::runtime_error when it cannot.
void write_text_file(const std::filesystem::path& path, const std::string& text);

/// Limits the worker threads to `requested` (0: all cores, shared among the processes of an MPI
/// job on this machine) for as long as it lives.
class ThreadLimit {
 public:
  explicit ThreadLimit(int requested)
      : threads_(requested > 0 ? requested
                               : std::max(1, tbb::info::default_concurrency() /
                                                 process_backend().processes_on_this_machine())),
        control_(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads_)) {
  }
  /// The number of worker threads.
  operator int() const { return threads_; }  // NOLINT: reads as the thread count

 private:
  int threads_;
  tbb::global_control control_;
};

/// The command line as typed, for /meta.
std::string command_line(int argc, char** argv);

}  // namespace salonsim::cli
