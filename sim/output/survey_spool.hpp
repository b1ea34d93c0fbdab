#pragma once
// Survey waves written as they are taken: a run's SurveySink that puts each wave meant for the
// output into a scratch HDF5 file beside the output, and copies them into the output when the
// run's other writes are done. A run then holds no wave for the output (about 100 bytes a
// resident each) from the step it is taken to the end; the scratch file leaves nothing behind.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "sim/output/hdf5_writer.hpp"
#include "sim/survey.hpp"

namespace salonsim {

class SurveySpool final : public SurveySink {
 public:
  /// A spool whose scratch file lies in `directory` (the output's, so that it is on the disk the
  /// user chose for output), made when the first wave comes. Throws OutputError if the directory
  /// is not one a file can be written in.
  explicit SurveySpool(const std::filesystem::path& directory);

  void record(const Population& population, std::int64_t step, double years_per_step) override;
  /// Copies the waves recorded so far into `file` as `group`/surveys/wave_<k>, k from 0 in the
  /// order taken, as OutputFile::write_run writes waves held in memory.
  void copy_into(OutputFile& file, const std::string& group) const;
  /// Waves recorded so far.
  std::size_t waves() const { return waves_; }

 private:
  std::filesystem::path directory_;
  std::optional<OutputFile> scratch_;  // none until the first wave
  std::size_t waves_ = 0;
};

}  // namespace salonsim
