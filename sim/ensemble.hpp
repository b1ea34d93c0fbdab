#pragma once
// One ensemble runner for every way of running many simulations (FLAME GPU's CUDAEnsemble over
// a RunPlanVector): a list of runs -> build, run, hand the finished simulation to the caller
// (summarise, write), free. `salonsim run` (replicates), `compare` (arms x replicates) and
// `sweep` (design points x replicates) all call it. Where the runs go is the back end's
// business: TBB threads in one process here; an MPI back end can spread them over ranks.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/simulation.hpp"

namespace salonsim {

/// One run of an ensemble: which of the caller's scenarios (or design points), and the seed and
/// replicate of its random streams.
struct EnsembleRun {
  std::size_t scenario = 0;
  RunIdentity identity;
};

/// A finished run that failed (its build, run or the caller's handling threw).
struct EnsembleFailure {
  std::size_t index = 0;  // position in the list of runs
  std::string message;
};

/// Spreads runs over workers: job(k) is called once for every k in [0, runs), in any order and
/// concurrently.
class EnsembleBackend {
 public:
  virtual ~EnsembleBackend() = default;
  virtual void for_each_run(std::size_t runs, const std::function<void(std::size_t)>& job) = 0;
};

/// Runs on the threads of this process (TBB), one run per task.
class ThreadBackend final : public EnsembleBackend {
 public:
  void for_each_run(std::size_t runs, const std::function<void(std::size_t)>& job) override;
};

struct EnsembleCallbacks {
  /// Builds the simulation of a run; the engine knows no scenario, so the caller does.
  std::function<std::unique_ptr<Simulation>(const EnsembleRun& run)> build;
  /// Watches each run's steps (progress bars, a live view); may be empty. Called from the thread
  /// running that simulation.
  StepObserver observer;
  /// Told of each finished run before it is freed (summarise, write). Called concurrently for
  /// different runs: the caller guards what they share.
  std::function<void(std::size_t index, const EnsembleRun& run, Simulation& simulation)> finished;
};

/// Runs every run; returns the runs that failed, in index order (the others completed).
std::vector<EnsembleFailure> run_ensemble(const std::vector<EnsembleRun>& runs,
                                          const EnsembleCallbacks& callbacks,
                                          EnsembleBackend& backend);
std::vector<EnsembleFailure> run_ensemble(const std::vector<EnsembleRun>& runs,
                                          const EnsembleCallbacks& callbacks);

}  // namespace salonsim
