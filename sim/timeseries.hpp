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
  /// Residents counted in one call of a RangeCounter, at most.
  static constexpr std::size_t kChunk = 2048;
  /// Which residents of a chunk are in each group: 0xff where resident begin + j is in group g,
  /// else 0 (worked out once per chunk for every indicator).
  struct ChunkGroups {
    std::array<std::array<std::uint8_t, kChunk>, kGroups> in_group;
    /// Each of the n residents' group (Population::group_of their income_low and sex, both 0 or
    /// 1) from their columns, in one pass for all four. Through pointers only: a store of a byte
    /// may alias anything, so through the population's vectors every store would reload their
    /// data pointers and the loop would not vectorise.
    void fill(const std::uint8_t* sex, const std::uint8_t* income_low, std::size_t n) {
      static_assert(kGroups == 4);
      std::uint8_t* group0 = in_group[0].data();
      std::uint8_t* group1 = in_group[1].data();
      std::uint8_t* group2 = in_group[2].data();
      std::uint8_t* group3 = in_group[3].data();
      for (std::size_t j = 0; j < n; ++j) {
        const auto group = static_cast<std::uint8_t>(Population::group_of(income_low[j], sex[j]));
        group0[j] = group == 0 ? 0xff : 0x00;
        group1[j] = group == 1 ? 0xff : 0x00;
        group2[j] = group == 2 ? 0xff : 0x00;
        group3[j] = group == 3 ? 0xff : 0x00;
      }
    }
    /// Adds to `counts`, by group, the residents j < n of the chunk with hit[j]. Inline: were
    /// `hit` passed to a call the compiler cannot see, the loop that fills it could not be
    /// vectorised without run-time checks that it is not one of the columns read.
    void count(const bool* hit, std::size_t n, GroupCounts& counts) const {
      // Sixteen byte-wide sums a group, each of at most kChunk / 16 = 128 residents (no overflow),
      // which vectorise into one byte addition for sixteen residents.
      static_assert(kChunk / 16 < 256);
      constexpr std::size_t kLanes = 16;
      const std::size_t whole = n / kLanes * kLanes;
      for (int g = 0; g < kGroups; ++g) {
        const std::uint8_t* in = in_group[g].data();
        std::array<std::uint8_t, kLanes> lanes{};
        for (std::size_t j = 0; j < whole; j += kLanes)
          for (std::size_t k = 0; k < kLanes; ++k)
            lanes[k] +=
                static_cast<std::uint8_t>(static_cast<std::uint8_t>(hit[j + k]) & in[j + k]);
        std::int64_t sum = 0;
        for (const std::uint8_t lane : lanes) sum += lane;
        for (std::size_t j = whole; j < n; ++j) sum += static_cast<std::uint8_t>(hit[j]) & in[j];
        counts[g] += sum;
      }
    }
  };
  /// Adds to `counts`, by group, the residents in [begin, end) (at most kChunk) for which an
  /// indicator holds.
  using RangeCounter =
      std::function<void(const Population& population, std::size_t begin, std::size_t end,
                         std::int64_t step, const ChunkGroups& groups, GroupCounts& counts)>;
  struct Indicator {
    std::string name;
    std::string description;
    RangeCounter count_range;
    std::vector<GroupCounts> values;  // one row per recorded step
  };

  /// Declares an indicator. `predicate` is a lambda bool(const Population&, ResidentId,
  /// std::int64_t step), which may capture a mechanism's column pointers; it is compiled into a
  /// loop over a block of residents, so counting costs one indirect call per block, not per
  /// resident. A predicate of 0/1 columns combined with & (no branch), comparing a column of
  /// StoredStep with stored_step(step) (not with the 64-bit step), is vectorised.
  template <class Predicate>
  void declare(std::string name, std::string description, Predicate predicate) {
    add(std::move(name), std::move(description),
        [holds = std::move(predicate)](const Population& p, std::size_t begin, std::size_t end,
                                       std::int64_t step, const ChunkGroups& groups,
                                       GroupCounts& counts) {
          // First whether it holds for each resident, then the counts by group: both loops
          // vectorise where the predicate does (stores of bool, unlike of bytes, cannot alias
          // the columns the predicate reads; a 32-bit counter, as resident ids are).
          std::array<bool, kChunk> hit;
          const auto first = static_cast<ResidentId>(begin), last = static_cast<ResidentId>(end);
          for (ResidentId i = first; i < last; ++i) hit[i - first] = holds(p, i, step);
          groups.count(hit.data(), end - begin, counts);
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
