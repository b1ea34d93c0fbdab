#pragma once
// Where venues reach people: greedy maximum coverage (the gaps placement rule, and "where next"
// in the output), and who is left without a venue within walking distance, by district.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/population.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim::models {

/// Greedy maximum coverage: up to `count` of the candidate sites (cx[c], cy[c]), each time the
/// one whose circle of `radius_m` holds the most points of `grid` not yet `served` (the lower
/// index on ties), marking them served. A site that would serve nobody is never picked. Returns
/// the picked candidates' indices in order.
std::vector<std::size_t> pick_sites(const SpatialGrid& grid, std::span<const float> cx,
                                    std::span<const float> cy, double radius_m,
                                    std::vector<std::uint8_t>& served, std::size_t count);

/// Who a town's venues reach at the end of a run. "At need": residents alive and not certified
/// (those a group could still keep independent); "covered": a venue open at the end lies within
/// the radius of their home.
struct Coverage {
  // By district (index = /agents/district).
  std::vector<std::uint32_t> at_need, covered, uncovered_low_income, uncovered_alone,
      uncovered_no_car;
  // "Where next", one row per site: where one more venue would reach the most residents at need
  // left uncovered, best first; each counts only those the sites before it do not reach.
  std::vector<std::uint16_t> next_rank;      // 1, 2, ...
  std::vector<float> next_x_m, next_y_m;     // the site
  std::vector<std::uint16_t> next_district;  // of the home the site stands at
  std::vector<std::uint32_t> next_reached, next_low_income, next_alone, next_no_car;
};

/// Coverage of the residents by venues at (vx[v], vy[v]) with open[v] != 0, within `radius_m`;
/// `districts` rows; up to `sites` "where next" sites, chosen among the homes of residents at
/// need who are not covered (an evenly spaced sample of at most about 3,000).
Coverage coverage_of(const Population& p, std::span<const float> vx, std::span<const float> vy,
                     std::span<const std::uint8_t> open, double radius_m, std::size_t districts,
                     std::size_t sites);

}  // namespace salonsim::models
