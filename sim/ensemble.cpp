#include "sim/ensemble.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <atomic>
#include <exception>
#include <mutex>

namespace salonsim {

void run_and_collect_here(const EnsembleWork& work, std::size_t k, std::mutex& mutex,
                          std::vector<EnsembleFailure>& failures) {
  try {
    work.run(k, [&](RunResult& result) {
      std::lock_guard lock(mutex);
      work.collect(k, result);
    });
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex);
    failures.push_back({k, e.what()});
  }
}

std::vector<EnsembleFailure> ThreadBackend::run_all(std::size_t runs, const EnsembleWork& work) {
  std::mutex mutex;
  std::vector<EnsembleFailure> failures;
  // One run per task: runs are long, and a finished one is freed before the next starts. The
  // result is collected in the thread that ran it, under the lock, before the run is freed.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, runs, 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t k = range.begin(); k != range.end(); ++k) {
          run_and_collect_here(work, k, mutex, failures);
          // Each run ends holding the lock once, and so does the caller before the work is
          // freed: the order the back end guarantees, made visible to ThreadSanitizer (Debian's
          // TBB is not instrumented, so it cannot see that parallel_for has joined its workers).
          std::lock_guard lock(mutex);
        }
      },
      tbb::simple_partitioner());
  std::lock_guard joined(mutex);
  return failures;
}

namespace {
std::atomic<EnsembleBackend*> installed{nullptr};
}  // namespace

EnsembleBackend& process_backend() {
  static ThreadBackend threads;
  EnsembleBackend* backend = installed.load();
  return backend != nullptr ? *backend : threads;
}

void set_process_backend(EnsembleBackend* backend) {
  installed.store(backend);
}

}  // namespace salonsim
