#include "sim/timeseries.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

namespace salonsim {

void Timeseries::declare(std::string name, std::string description, Predicate counts) {
  indicators_.push_back({std::move(name), std::move(description), counts, {}});
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
      tbb::blocked_range<std::size_t>(0, population.size(), 4096), Counts{},
      [&](const tbb::blocked_range<std::size_t>& range, Counts counts) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          const auto id = static_cast<ResidentId>(i);
          const int group = population.group(id);
          for (std::size_t j = 0; j < k; ++j) {
            counts[j][group] += indicators_[j].counts(population, id, step) ? 1 : 0;
          }
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
