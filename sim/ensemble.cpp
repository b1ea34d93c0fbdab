#include "sim/ensemble.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <exception>
#include <mutex>

namespace salonsim {

void ThreadBackend::for_each_run(std::size_t runs, const std::function<void(std::size_t)>& job) {
  // One run per task: runs are long, and a finished one is freed before the next starts.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, runs, 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t k = range.begin(); k != range.end(); ++k) job(k);
      },
      tbb::simple_partitioner());
}

std::vector<EnsembleFailure> run_ensemble(const std::vector<EnsembleRun>& runs,
                                          const EnsembleCallbacks& callbacks,
                                          EnsembleBackend& backend) {
  std::mutex mutex;
  std::vector<EnsembleFailure> failures;
  const std::function<void(std::size_t)> job = [&](std::size_t k) {
    try {
      std::unique_ptr<Simulation> simulation = callbacks.build(runs[k]);
      if (callbacks.observer) simulation->set_observer(callbacks.observer);
      simulation->run();
      if (callbacks.finished) callbacks.finished(k, runs[k], *simulation);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex);
      failures.push_back({k, e.what()});
    }
    // Each run ends holding the lock once, and so does the caller before the job is freed:
    // the order the back end guarantees, made visible to ThreadSanitizer (Debian's TBB is not
    // instrumented, so it cannot see that parallel_for has joined its workers).
    std::lock_guard lock(mutex);
  };
  backend.for_each_run(runs.size(), job);
  std::lock_guard joined(mutex);
  std::sort(failures.begin(), failures.end(),
            [](const EnsembleFailure& a, const EnsembleFailure& b) { return a.index < b.index; });
  return failures;
}

std::vector<EnsembleFailure> run_ensemble(const std::vector<EnsembleRun>& runs,
                                          const EnsembleCallbacks& callbacks) {
  ThreadBackend backend;
  return run_ensemble(runs, callbacks, backend);
}

}  // namespace salonsim
