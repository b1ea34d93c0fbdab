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
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "sim/population.hpp"
#include "sim/rows_where.hpp"

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

/// One thread's queue of admit_lowest, kept between calls so that nothing is allocated in a step.
struct AdmissionQueue {
  std::vector<Candidate> candidates;
  /// Once the queue has been cut to its `capacity` lowest, the highest of them: a candidate
  /// above it cannot be admitted, as `capacity` candidates come before it.
  bool cut = false;
  Candidate highest_kept{};

  /// Whether a candidate may yet be admitted: none cut, or below the highest kept (a tie of
  /// priority goes to the lower id).
  bool may_admit(const Candidate& candidate) const { return !cut || candidate < highest_kept; }
  /// Keeps the `capacity` (at least 1) lowest candidates, the highest of them last.
  void cut_to(std::size_t capacity) {
    if (candidates.size() < capacity) return;
    const auto last = candidates.begin() + static_cast<std::ptrdiff_t>(capacity - 1);
    std::nth_element(candidates.begin(), last, candidates.end());
    candidates.resize(capacity);
    cut = true;
    highest_kept = candidates.back();
  }
};
using AdmissionQueues = tbb::enumerable_thread_specific<AdmissionQueue>;

/// What a block priority (admit_lowest_in_blocks) answers for the residents first .. first +
/// count - 1 of one block (count at most kResidents; first a multiple of kResidents): who queues
/// (1) or not (0), and the priorities of those who do.
struct PriorityBlock {
  static constexpr std::size_t kResidents = 64;
  std::array<std::uint8_t, kResidents> queued{};
  std::array<double, kResidents> priority{};
};

/// admit_by_priority over the residents 0 .. residents-1 who queue, gathered in parallel a
/// block at a time: `block_priority(first, count, block)` fills `block` (see PriorityBlock) for
/// the residents first .. first + count - 1, so it may work out who queues and their draws for
/// a whole block without a branch per resident (who queues follows no pattern a branch
/// predictor could learn). It is copied for each range of blocks and called for them in
/// increasing order. Each thread queues its blocks and keeps only its `capacity` lowest (once it
/// has cut its queue to those, it queues only candidates below the highest kept), and admission
/// among what they kept gives the same candidates in the same order as one queue of everyone
/// would (priority and id decide, not the order of queueing). Fills `admitted`; returns how
/// many queued.
template <class BlockPriority>
std::int64_t admit_lowest_in_blocks(std::size_t residents, std::size_t capacity,
                                    BlockPriority&& block_priority, AdmissionQueues& queues,
                                    std::vector<Candidate>& admitted) {
  for (AdmissionQueue& queue : queues) {
    queue.candidates.clear();
    queue.cut = false;
  }
  constexpr std::size_t kBlock = PriorityBlock::kResidents;
  const std::size_t blocks = (residents + kBlock - 1) / kBlock;
  tbb::combinable<std::int64_t> queued([] { return std::int64_t{0}; });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 64), [&](const auto& range) {
    AdmissionQueue& queue = queues.local();
    std::vector<Candidate>& candidates = queue.candidates;
    std::int64_t& count = queued.local();
    auto priority_in_range = block_priority;
    PriorityBlock block;
    std::array<std::uint16_t, kBlock + kRowsWhereSlack> rows;
    for (std::size_t b = range.begin(); b != range.end(); ++b) {
      const std::size_t first = b * kBlock, size = std::min(kBlock, residents - first);
      priority_in_range(first, size, block);
      const std::size_t listed = rows_where_nonzero(block.queued.data(), size, rows.data());
      count += static_cast<std::int64_t>(listed);
      if (capacity == 0) continue;
      for (std::size_t t = 0; t < listed; ++t) {
        const Candidate candidate(block.priority[rows[t]],
                                  static_cast<ResidentId>(first + rows[t]));
        if (!queue.may_admit(candidate)) continue;
        candidates.push_back(candidate);
        if (candidates.size() >= 2 * capacity + 1024) queue.cut_to(capacity);
      }
    }
  });
  admitted.clear();
  for (AdmissionQueue& queue : queues) {
    admit_by_priority(queue.candidates, capacity);
    admitted.insert(admitted.end(), queue.candidates.begin(), queue.candidates.end());
  }
  admit_by_priority(admitted, capacity);
  return queued.combine(std::plus<>());
}

/// admit_lowest_in_blocks with a priority asked resident by resident: `priority(i, out)` returns
/// whether resident i queues, setting their priority. It is copied for each range of residents
/// and called for them in increasing order, so it may keep what it worked out for the range
/// (such as the draws of RandomStream::uniforms_by_four).
template <class Priority>
std::int64_t admit_lowest(std::size_t residents, std::size_t capacity, Priority&& priority,
                          AdmissionQueues& queues, std::vector<Candidate>& admitted) {
  return admit_lowest_in_blocks(
      residents, capacity,
      // A copy that may change (the caller's may be a const lambda that is mutable).
      [row_priority = priority](std::size_t first, std::size_t count,
                                PriorityBlock& block) mutable {
        for (std::size_t j = 0; j < count; ++j)
          block.queued[j] = static_cast<std::uint8_t>(row_priority(first + j, block.priority[j]));
      },
      queues, admitted);
}

}  // namespace salonsim
