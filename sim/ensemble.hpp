#pragma once
// One ensemble runner for every way of running many simulations (FLAME GPU's CUDAEnsemble over
// a RunPlanVector): a list of runs -> build, run, extract what the caller keeps, collect it,
// free. `run` (replicates, a region's municipalities), `compare` (arms x replicates), `sweep`
// (design points x replicates), `trial` and `calibrate` all call it.
//
// Where the runs go is the back end's business: TBB threads in one process (ThreadBackend), or
// the ranks of an MPI job (sim/distributed/mpi_backend.hpp). A run's result is extracted where
// the run ran, while its simulation is alive; it is collected one at a time in the process that
// collects (this one, or rank 0). Between processes a result travels packed (Boost.Serialization);
// within one it is handed over as is.
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
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

/// A run's result, type-erased for the back ends.
class RunResult {
 public:
  virtual ~RunResult() = default;
  /// The result as bytes, to cross to another process (called while the run's simulation is
  /// still alive, so a result may refer to it until then).
  virtual std::string pack() const = 0;
};

/// What a back end does with each run k in [0, runs).
struct EnsembleWork {
  /// Builds and runs run k, then calls `deliver` with its result while the simulation is alive.
  /// Throws if the run fails.
  std::function<void(std::size_t k, const std::function<void(RunResult&)>& deliver)> run;
  /// A result from its bytes (the collecting process's side of pack()).
  std::function<std::unique_ptr<RunResult>(std::string_view bytes)> unpack;
  /// Keeps run k's result; called one run at a time, in the collecting process only. Throws if
  /// keeping it fails (the run then counts as failed).
  std::function<void(std::size_t k, RunResult& result)> collect;
};

/// Spreads runs over workers and collects their results.
class EnsembleBackend {
 public:
  virtual ~EnsembleBackend() = default;
  /// Runs every run; returns the failures (unordered). Every process of the back end calls it
  /// with the same number of runs.
  virtual std::vector<EnsembleFailure> run_all(std::size_t runs, const EnsembleWork& work) = 0;
  /// Whether this process collects the results, writes the output and speaks to the user.
  virtual bool collects() const { return true; }
  /// Whether every process says `ok` (a collective step: every process calls it alike).
  virtual bool agree(bool ok) { return ok; }
  /// Makes `bytes` on every process what they are on the collecting one (collective).
  virtual void share(std::string& /*bytes*/) {}
  /// Processes taking part (1 for threads).
  virtual int processes() const { return 1; }
  /// Processes of the job on this machine, which share its cores (1 for threads).
  virtual int processes_on_this_machine() const { return 1; }
};

/// Runs run k in this process and collects its result here under `mutex`; a failure of either
/// goes into `failures` (under the mutex). What every back end does with the runs it keeps.
void run_and_collect_here(const EnsembleWork& work, std::size_t k, std::mutex& mutex,
                          std::vector<EnsembleFailure>& failures);

/// Runs on the threads of this process (TBB), one run per task; collects under a lock.
class ThreadBackend final : public EnsembleBackend {
 public:
  std::vector<EnsembleFailure> run_all(std::size_t runs, const EnsembleWork& work) override;
};

/// The back end of this process: the one installed by set_process_backend (the MPI back end
/// under mpirun), otherwise a ThreadBackend.
EnsembleBackend& process_backend();
/// Installs the back end process_backend() returns (nullptr: threads again). The caller keeps
/// it alive while installed.
void set_process_backend(EnsembleBackend* backend);

/// What a caller gives the runner: how to build a run, watch it, extract its result where it
/// ran and collect it. `Result` must be serialisable with Boost.Serialization (only packed when
/// it crosses processes).
template <class Result>
struct EnsembleJob {
  /// Builds the simulation of a run; the engine knows no scenario, so the caller does.
  std::function<std::unique_ptr<Simulation>(const EnsembleRun& run)> build;
  /// Watches each run's steps (progress bars); may be empty. Called from the thread running that
  /// simulation, on whichever process runs it.
  StepObserver observer;
  /// The result of a finished run, taken where it ran (concurrently for different runs).
  std::function<Result(const EnsembleRun& run, Simulation& simulation)> extract;
  /// Keeps a result: one at a time, in the collecting process.
  std::function<void(std::size_t index, const EnsembleRun& run, Result& result)> collect;
};

namespace detail {

template <class Result>
class TypedResult final : public RunResult {
 public:
  TypedResult() = default;
  explicit TypedResult(Result value) : value(std::move(value)) {}
  std::string pack() const override {
    std::ostringstream stream;
    {
      boost::archive::binary_oarchive archive(stream, boost::archive::no_header);
      archive << value;
    }
    return std::move(stream).str();
  }
  static std::unique_ptr<RunResult> unpack(std::string_view bytes) {
    auto result = std::make_unique<TypedResult>();
    std::istringstream stream{std::string(bytes)};
    boost::archive::binary_iarchive archive(stream, boost::archive::no_header);
    archive >> result->value;
    return result;
  }
  Result value;
};

}  // namespace detail

/// Runs every run on `backend`; returns the runs that failed, in index order (the others were
/// collected).
template <class Result>
std::vector<EnsembleFailure> run_ensemble(const std::vector<EnsembleRun>& runs,
                                          const EnsembleJob<Result>& job,
                                          EnsembleBackend& backend = process_backend()) {
  using Typed = detail::TypedResult<Result>;
  EnsembleWork work;
  work.run = [&](std::size_t k, const std::function<void(RunResult&)>& deliver) {
    std::unique_ptr<Simulation> simulation = job.build(runs[k]);
    if (job.observer) simulation->set_observer(job.observer);
    simulation->run();
    Typed result(job.extract(runs[k], *simulation));
    deliver(result);
  };
  work.unpack = &Typed::unpack;
  work.collect = [&](std::size_t k, RunResult& result) {
    job.collect(k, runs[k], static_cast<Typed&>(result).value);
  };
  std::vector<EnsembleFailure> failures = backend.run_all(runs.size(), work);
  std::sort(failures.begin(), failures.end(),
            [](const EnsembleFailure& a, const EnsembleFailure& b) { return a.index < b.index; });
  return failures;
}

}  // namespace salonsim
