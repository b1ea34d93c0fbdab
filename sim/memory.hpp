#pragma once
// Memory before work: what a job will need, measured per resident, against what this process
// may use. A job that cannot fit is refused at once with both figures, instead of ending in
// std::bad_alloc after minutes of work.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <boost/container/vector.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace salonsim {

/// Bytes a vector holds (by its capacity): what Simulation::bytes() and the parts it adds up
/// count.
template <class T>
std::size_t bytes_of(const std::vector<T>& values) {
  return values.capacity() * sizeof(T);
}
/// ... and one of Boost's vectors.
template <class T, class A, class O>
std::size_t bytes_of(const boost::container::vector<T, A, O>& values) {
  return values.capacity() * sizeof(T);
}
/// Makes `values` `size` copies of `value`, written by every thread: sized without values
/// (Boost's default_init), then filled in parallel. A std::vector's assign writes every value on
/// the calling thread, and on some hosts the first write to fresh memory costs more than the
/// work (bench/README.md, the eleventh and thirteenth parts).
template <class T, class A, class O>
void assign_in_parallel(boost::container::vector<T, A, O>& values, std::size_t size, T value) {
  values.clear();
  values.resize(size, boost::container::default_init);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, size, std::size_t{1} << 14),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      std::fill(values.begin() + static_cast<std::ptrdiff_t>(r.begin()),
                                values.begin() + static_cast<std::ptrdiff_t>(r.end()), value);
                    });
}
/// ... and a vector of vectors, with what each inner one holds.
template <class T>
std::size_t bytes_of(const std::vector<std::vector<T>>& lists) {
  std::size_t total = lists.capacity() * sizeof(std::vector<T>);
  for (const std::vector<T>& list : lists) total += bytes_of(list);
  return total;
}

/// Bytes this process can still allocate: the least of the machine's available memory
/// (/proc/meminfo MemAvailable), the cgroup's limit less its use, and the address-space limit
/// (ulimit -v) less what is mapped. nullopt when none can be read.
std::optional<std::uint64_t> available_memory_bytes();

/// What a job needs: simulations alive at once, and what it keeps of finished runs.
struct MemoryNeed {
  std::uint64_t per_run = 0;  // bytes of one simulation at its peak
  std::uint64_t at_once = 1;  // simulations alive together (threads, at most the runs)
  std::uint64_t kept = 0;     // bytes kept of finished runs until the job ends
  std::uint64_t total() const { return per_run * at_once + kept; }
};

/// "" when `need` fits in `available`; otherwise what it needs, what there is and what to do.
std::string memory_shortfall(const MemoryNeed& need, std::uint64_t available);

/// Bytes as people read them ("1.4 GB", "512 MB").
std::string readable_bytes(std::uint64_t bytes);

}  // namespace salonsim
