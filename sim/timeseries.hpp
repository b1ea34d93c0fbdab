#pragma once
// Declared data collection: each indicator is a name, a meaning and a predicate on one
// resident; every step the recorder counts residents for which it holds, by income group and
// sex. Counts are integers, so the parallel sum is exact whatever the thread count.
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

/// Counts of one indicator at one step, by group (see kGroupNames).
using GroupCounts = std::array<std::int64_t, kGroups>;

class Timeseries {
 public:
  /// Residents counted in one call of a RangeCounter, at most: their group counts fit 16-bit
  /// lanes of one 64-bit register.
  static constexpr std::size_t kChunk = 2048;
  /// Adds to `counts`, by group, the residents in [begin, end) (at most kChunk) for which an
  /// indicator holds; lane_unit[i - begin] is 1 in resident i's group's 16-bit lane (worked
  /// out once per chunk for every indicator).
  using RangeCounter =
      std::function<void(const Population& population, std::size_t begin, std::size_t end,
                         std::int64_t step, const std::uint64_t* lane_unit, GroupCounts& counts)>;
  struct Indicator {
    std::string name;
    std::string description;
    RangeCounter count_range;
    std::vector<GroupCounts> values;  // one row per recorded step
  };

  /// Declares an indicator. `predicate` is a lambda bool(const Population&, ResidentId,
  /// std::int64_t step), which may capture a mechanism's column pointers; it is compiled into a
  /// loop over a block of residents, so counting costs one indirect call per block, not per
  /// resident.
  template <class Predicate>
  void declare(std::string name, std::string description, Predicate predicate) {
    add(std::move(name), std::move(description),
        [holds = std::move(predicate)](const Population& p, std::size_t begin, std::size_t end,
                                       std::int64_t step, const std::uint64_t* lane_unit,
                                       GroupCounts& counts) {
          // The four group counts live in 16-bit lanes of one register (branch-free, no stores
          // in the loop); a chunk of at most kChunk residents cannot overflow a lane.
          std::uint64_t lanes = 0;
          for (std::size_t i = begin; i < end; ++i) {
            const auto id = static_cast<ResidentId>(i);
            lanes += lane_unit[i - begin] & (std::uint64_t{0} - std::uint64_t{holds(p, id, step)});
          }
          for (int g = 0; g < kGroups; ++g)
            counts[g] += static_cast<std::int64_t>((lanes >> (16 * g)) & 0xffff);
        });
  }
  /// Counts every indicator over all residents for this step.
  void record(const Population& population, std::int64_t step);

  const std::vector<Indicator>& indicators() const { return indicators_; }
  const std::vector<std::int64_t>& steps() const { return steps_; }
  const Indicator* find(std::string_view name) const;
  void reserve(std::size_t steps);

 private:
  void add(std::string name, std::string description, RangeCounter count_range);

  std::vector<Indicator> indicators_;
  std::vector<std::int64_t> steps_;
};

/// Declares the core's indicators: alive, certified, isolated, deaths, new_certifications.
/// Mechanisms declare their own at set-up.
void declare_core_indicators(Timeseries& timeseries);

}  // namespace salonsim
