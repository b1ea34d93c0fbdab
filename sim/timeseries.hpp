#pragma once
// Declared data collection: each indicator is a name, a meaning and a predicate on one
// resident; every step the recorder counts residents for which it holds, by income group and
// sex. Counts are integers, so the parallel sum is exact whatever the thread count.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

/// Counts of one indicator at one step, by group (see kGroupNames).
using GroupCounts = std::array<std::int64_t, kGroups>;

class Timeseries {
 public:
  using Predicate = bool (*)(const Population& population, ResidentId id, std::int64_t step);
  struct Indicator {
    std::string name;
    std::string description;
    Predicate counts;
    std::vector<GroupCounts> values;  // one row per recorded step
  };

  void declare(std::string name, std::string description, Predicate counts);
  /// Counts every indicator over all residents for this step.
  void record(const Population& population, std::int64_t step);

  const std::vector<Indicator>& indicators() const { return indicators_; }
  const std::vector<std::int64_t>& steps() const { return steps_; }
  const Indicator* find(std::string_view name) const;
  void reserve(std::size_t steps);

 private:
  std::vector<Indicator> indicators_;
  std::vector<std::int64_t> steps_;
};

}  // namespace salonsim
