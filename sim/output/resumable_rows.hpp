#pragma once
// An HDF5 file of runs written as they finish, resumable after any interruption (kill -9
// included): what sweeps and calibrations keep their runs in. Layout in docs/output.md.
//
// While runs go on, the rows live in "<output>.partial". That file is created complete (every
// dataset at full size, contiguous, allocated up front) under a temporary name and renamed, so
// it is never half-made. A finished run writes only raw bytes at fixed places: its row of
// /runs/outputs, a flush, then its /runs/done byte, a flush. No HDF5 metadata changes after
// creation, so killing the process at any instant leaves a file whose done rows are complete.
// Each row carries a checksum; a done row that does not match it (a damaged file) runs again.
// One process at a time works on an output: "<output>.lock" is locked (flock) for the life of
// the work, --restart included.
// Running the same command again opens it, checks it belongs to the same work (a fingerprint of
// the inputs and the salonsim build), and runs only what is missing. When all is done, a copy
// gets the derived results and is renamed to the final name; the partial file is then removed.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace salonsim {

/// One array of derived results, written into the final file.
struct ResultArray {
  std::string path;  // e.g. /sensitivity/deaths.all/mu_star
  std::vector<double> values;
  std::vector<std::uint64_t> dims;
  std::string description;
};

/// A text attribute written into the final file.
struct TextAttribute {
  std::string group;  // e.g. /sensitivity
  std::string name;
  std::string text;
};

/// Writes the fixed parts of a new resumable file (its inputs, design, run descriptions).
class ResumableFileBuilder {
 public:
  ResumableFileBuilder(hid_t file, std::string what) : file_(file), what_(std::move(what)) {}
  void text(const std::string& group, const std::string& name, std::string_view value);
  /// A scalar attribute (int32_t, int64_t, uint64_t or double).
  template <class T>
  void scalar(const std::string& group, const std::string& name, T value);
  /// A dataset at `path` (its group created if missing) of `dims`, `values` row major (uint8_t,
  /// int32_t, uint32_t, int64_t or double).
  template <class T>
  void array(const std::string& path, std::vector<std::uint64_t> dims, const std::vector<T>& values,
             std::string_view description);

 private:
  hid_t file_;
  std::string what_;
};

/// Identity of a resumable file's results: a hash of its inputs and of the salonsim build.
std::string resumable_fingerprint(const std::vector<std::string>& inputs);

class ResumableRows {
 public:
  struct Layout {
    std::string format;       // /meta/format, e.g. "salonsim-sweep-1"
    std::string what;         // in messages: "sweep", "calibration"
    std::string fingerprint;  // of the inputs
    std::size_t rows = 0;     // runs
    std::size_t columns = 0;  // outputs per run
    std::string columns_description;
  };

  /// Opens "<final>.partial" when it holds this work (same fingerprint), or creates it with
  /// `describe` adding the fixed parts. Throws OutputError when the path is unusable, or when a
  /// partial file of different work is in the way (unless `restart`, which discards it).
  ResumableRows(std::filesystem::path final_path, Layout layout, bool restart,
                const std::function<void(ResumableFileBuilder&)>& describe);
  ~ResumableRows();
  ResumableRows(const ResumableRows&) = delete;
  ResumableRows& operator=(const ResumableRows&) = delete;

  bool resumed() const;
  /// Rows of the partial file marked done whose checksum or flag was wrong: they run again.
  std::size_t damaged_count() const;
  /// Per row: 1 when it is complete.
  const std::vector<std::uint8_t>& done() const;
  std::size_t done_count() const;
  /// Writes a row and marks it done (one writer at a time).
  void write_row(std::size_t row, const std::vector<double>& values);
  /// Every row, rows x columns (NaN where not done).
  std::vector<double> outputs() const;
  /// Adds derived results to a copy of the partial file, sets /meta/status to "complete", moves
  /// the copy to the final name and removes the partial file.
  void finish(const std::vector<ResultArray>& arrays, const std::vector<TextAttribute>& texts);

  const std::filesystem::path& partial_path() const;
  /// The copy being finished (removed if the process is interrupted during finish).
  std::filesystem::path finishing_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The fingerprint recorded in a finished file of `format`, or "" if it is not one.
std::string finished_fingerprint(const std::filesystem::path& path, std::string_view format);

}  // namespace salonsim
