#pragma once
// `salonsim sweep SWEEP.yaml -o sweep.h5`: every point x replicate of a sweep design, run in
// parallel, each finished run written into a resumable HDF5 file; then per-point means and
// sensitivity indices (Morris, Sobol', partial rank correlation).
#include <string>

namespace salonsim::cli {

struct SweepOptions {
  std::string sweep;
  std::string output;
  int threads = 0;
  bool dry_run = false;
  bool restart = false;
  bool quiet = false;
};

int sweep_command(const SweepOptions& options, const std::string& invocation);

}  // namespace salonsim::cli
