#pragma once
// `salonsim export FILE.h5 --csv DIR`: every table of a salonsim output file (agents, salons,
// districts, survey waves, ...) and every timeseries as CSV, one file per table name with the
// rows of all arms and replicates (columns `arm`, `replicate` say whose), coded columns as their
// names, the timeseries in long form (one row per step, income group and sex).
#include <string>

namespace salonsim::cli {

struct ExportOptions {
  std::string input;
  std::string csv_dir;
};

int export_command(const ExportOptions& options);

}  // namespace salonsim::cli
