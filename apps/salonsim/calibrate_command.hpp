#pragma once
// `salonsim calibrate CALIBRATION.yaml -o calib.h5`: fits uncertain parameters of a scenario to
// observed targets by ABC-SMC (sim/calibration), every simulation on the ensemble runner (threads
// or MPI ranks), each finished one written into a resumable HDF5 file; then the posterior
// (particles, weights, marginal summaries), each generation's tolerance and acceptance, and the
// posterior predictive fit of every target.
#include <string>

namespace salonsim::cli {

struct CalibrateOptions {
  std::string calibration;
  std::string output;
  int threads = 0;
  bool restart = false;
  bool dry_run = false;
  bool quiet = false;
};

int calibrate_command(const CalibrateOptions& options, const std::string& invocation);

}  // namespace salonsim::cli
