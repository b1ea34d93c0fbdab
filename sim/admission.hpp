#pragma once
// Capacity-limited admission by random priority, the one rule every place with limited room
// uses (places at a session, customers of a visit, seats on a trip): candidates carry a
// priority (a draw from their own stream, plus any precedence offset such as -1 for members),
// the lowest priorities are admitted, ties broken by resident id.
#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

using Candidate = std::pair<double, ResidentId>;  // (priority, resident)

/// Keeps the `capacity` candidates of lowest (priority, id), in no particular order: for a
/// caller that needs only who is admitted, not in what order.
inline void keep_lowest(std::vector<Candidate>& candidates, std::size_t capacity) {
  if (candidates.size() > capacity) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(capacity),
                     candidates.end());
    candidates.resize(capacity);
  }
}

/// Keeps the `capacity` candidates of lowest (priority, id), in that order.
inline void admit_by_priority(std::vector<Candidate>& candidates, std::size_t capacity) {
  keep_lowest(candidates, capacity);
  std::sort(candidates.begin(), candidates.end());
}

/// Reused buffers of admit_lowest: one queue per thread.
using AdmissionQueues = tbb::enumerable_thread_specific<std::vector<Candidate>>;

/// admit_by_priority over the residents 0 .. residents-1 for whom `priority(i, out)` returns
/// true (setting their priority), gathered in parallel: each thread queues its blocks and keeps
/// only its `capacity` lowest, and admission among what they kept gives the same candidates in
/// the same order as one queue of everyone would (priority and id decide, not the order of
/// queueing). Fills `admitted`; returns how many were queued.
template <class Priority>
std::int64_t admit_lowest(std::size_t residents, std::size_t capacity, Priority&& priority,
                          AdmissionQueues& queues, std::vector<Candidate>& admitted) {
  for (auto& queue : queues) queue.clear();
  tbb::combinable<std::int64_t> queued([] { return std::int64_t{0}; });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, residents, 4096), [&](const auto& range) {
    std::vector<Candidate>& queue = queues.local();
    std::int64_t& count = queued.local();
    double value = 0;
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      if (!priority(i, value)) continue;
      ++count;
      queue.emplace_back(value, static_cast<ResidentId>(i));
    }
    if (queue.size() > 4 * capacity + 1024) admit_by_priority(queue, capacity);  // keep it short
  });
  admitted.clear();
  for (std::vector<Candidate>& queue : queues) {
    admit_by_priority(queue, capacity);
    admitted.insert(admitted.end(), queue.begin(), queue.end());
  }
  admit_by_priority(admitted, capacity);
  return queued.combine(std::plus<>());
}

}  // namespace salonsim
