#pragma once
// `salonsim trial TRIAL.yaml -o trial.h5`: the multi-municipality trial of coalition support
// (models/coalition/trial.hpp): every municipality x replicate (and each supported one again
// as data only, for the true effect) on the ensemble runner; then the difference-in-differences
// and mortality analyses, printed, as CSV beside the file and as JSON in /trial for the report
// (analysis/trial_report.py).
#include <optional>
#include <string>

namespace salonsim::cli {

struct TrialOptions {
  std::string trial;
  std::string output;
  int threads = 0;
  std::optional<int> replicates;
  bool quiet = false;
};

int trial_command(const TrialOptions& options, const std::string& invocation);

}  // namespace salonsim::cli
