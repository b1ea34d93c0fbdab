#include "sim/memory.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

namespace salonsim {

namespace {

/// The first number in a file, or nullopt ("max" in a cgroup file is no limit).
std::optional<std::uint64_t> number_in(const char* path) {
  std::ifstream in(path);
  std::uint64_t value = 0;
  if (!(in >> value)) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kilobytes = 0;
  std::string unit;
  while (in >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> cgroup_available() {
  const auto limit = number_in("/sys/fs/cgroup/memory.max");
  const auto used = number_in("/sys/fs/cgroup/memory.current");
  if (!limit) return std::nullopt;
  return *limit > used.value_or(0) ? *limit - used.value_or(0) : 0;
}

std::optional<std::uint64_t> address_space_available() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0;
  statm >> pages;
  const std::uint64_t mapped = pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return limit.rlim_cur > mapped ? limit.rlim_cur - mapped : 0;
}

}  // namespace

std::optional<std::uint64_t> available_memory_bytes() {
  std::optional<std::uint64_t> least;
  for (const std::optional<std::uint64_t> bound :
       {meminfo_available(), cgroup_available(), address_space_available()}) {
    if (bound) least = std::min(least.value_or(std::numeric_limits<std::uint64_t>::max()), *bound);
  }
  return least;
}

std::string readable_bytes(std::uint64_t bytes) {
  const auto value = static_cast<double>(bytes);
  if (value >= 1e9) return fmt::format("{:.1f} GB", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.0f} MB", value / 1e6);
  return fmt::format("{:.0f} kB", value / 1e3);
}

std::string memory_shortfall(const MemoryNeed& need, std::uint64_t available) {
  if (need.total() <= available) return {};
  std::string parts = fmt::format("{} simulation{} at once of about {} each", need.at_once,
                                  need.at_once == 1 ? "" : "s", readable_bytes(need.per_run));
  if (need.kept > 0)
    parts +=
        fmt::format(", and {} kept of finished runs for the analyses", readable_bytes(need.kept));
  std::string advice = "use fewer residents";
  if (need.at_once > 1) advice += ", fewer threads (--threads 1)";
  if (need.kept > 0) advice += ", fewer replicates";
  return fmt::format(
      "this needs about {} of memory ({}) but about {} is available; {}, or a machine with more "
      "memory",
      readable_bytes(need.total()), parts, readable_bytes(available), advice);
}

}  // namespace salonsim
