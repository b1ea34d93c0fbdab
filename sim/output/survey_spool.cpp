#include "sim/output/survey_spool.hpp"

namespace salonsim {

SurveySpool::SurveySpool(const std::filesystem::path& directory) : directory_(directory) {
  check_output_path(directory_ / "survey-waves");
}

void SurveySpool::record(const Population& population, std::int64_t step, double years_per_step) {
  if (!scratch_) scratch_.emplace(OutputFile::Scratch{directory_});
  scratch_->write_survey_wave("/", population, step, years_per_step);
  ++waves_;
}

void SurveySpool::copy_into(OutputFile& file, const std::string& group) const {
  if (waves_ == 0) return;
  const std::string parent = group.empty() || group == "/" ? "" : group;
  scratch_->copy_into(file, "/surveys", parent + "/surveys");
}

}  // namespace salonsim
