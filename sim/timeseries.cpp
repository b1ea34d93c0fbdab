#include "sim/timeseries.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

namespace salonsim {

void declare_core_indicators(Timeseries& ts) {
  // Predicates combine 0/1 columns with & rather than &&: branch-free, as they are asked of
  // every resident every step and the columns' values are unpredictable.
  using P = const Population&;
  ts.declare("alive", "residents alive at the end of the step",
             [](P p, ResidentId i, std::int64_t) { return p.alive[i] != 0; });
  ts.declare("certified", "residents alive and LTC-certified at the end of the step",
             [](P p, ResidentId i, std::int64_t) { return (p.alive[i] & p.certified[i]) != 0; });
  ts.declare("isolated",
             "residents isolated this step (contact with others less than once a week), among "
             "those alive at the end of the step",
             [](P p, ResidentId i, std::int64_t) { return (p.alive[i] & p.isolated[i]) != 0; });
  // JAGES surveys only residents who are not LTC-certified, so its isolation figures are among
  // these.
  ts.declare("isolated_independent",
             "residents alive, not LTC-certified and isolated at the end of the step",
             [](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & (p.certified[i] ^ 1) & p.isolated[i]) != 0;
             });
  ts.declare("deaths", "residents who died this step", [](P p, ResidentId i, std::int64_t step) {
    return p.death_step[i] == stored_step(step);
  });
  ts.declare("new_certifications", "residents LTC-certified this step",
             [](P p, ResidentId i, std::int64_t step) {
               return p.disability_step[i] == stored_step(step);
             });
}

void Timeseries::add(std::string name, std::string description, RangeCounter count_range) {
  indicators_.push_back({std::move(name), std::move(description), count_range, {}});
}

void Timeseries::reserve(std::size_t steps) {
  steps_.reserve(steps);
  for (Indicator& indicator : indicators_) indicator.values.reserve(steps);
}

const Timeseries::Indicator* Timeseries::find(std::string_view name) const {
  for (const Indicator& indicator : indicators_) {
    if (indicator.name == name) return &indicator;
  }
  return nullptr;
}

void Timeseries::record(const Population& population, std::int64_t step) {
  const std::size_t k = indicators_.size();
  // Fixed-size accumulator so the reduction allocates nothing per resident.
  constexpr std::size_t kMaxIndicators = 32;
  using Counts = std::array<GroupCounts, kMaxIndicators>;
  if (k > kMaxIndicators) throw std::length_error("too many timeseries indicators");
  const Counts totals = tbb::parallel_reduce(
      // Every indicator counts the living, or events of the step: of the rows entered.
      tbb::blocked_range<std::size_t>(0, population.entered_by(step), 4096), Counts{},
      [&](const tbb::blocked_range<std::size_t>& range, Counts counts) {
        // Chunk by chunk, one indicator at a time: each streams only its own columns, and the
        // residents' groups are read once for all of them.
        ChunkGroups groups;
        for (std::size_t begin = range.begin(); begin < range.end(); begin += kChunk) {
          const std::size_t end = std::min(range.end(), begin + kChunk);
          groups.fill(population.sex.data() + begin, population.income_low.data() + begin,
                      end - begin);
          for (std::size_t j = 0; j < k; ++j)
            indicators_[j].count_range(population, begin, end, step, groups, counts[j]);
        }
        return counts;
      },
      [k](Counts a, const Counts& b) {
        for (std::size_t j = 0; j < k; ++j)
          for (int g = 0; g < kGroups; ++g) a[j][g] += b[j][g];
        return a;
      });
  steps_.push_back(step);
  for (std::size_t j = 0; j < k; ++j) indicators_[j].values.push_back(totals[j]);
}

}  // namespace salonsim
