#include "models/groups/where_next.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <queue>
#include <utility>

#include "sim/population.hpp"

namespace salonsim::models {

namespace {

// out[k] += by for each point k in [first, last) within sqrt(r2) of (x, y): the distance test of
// SpatialGrid::for_each_within. Not inlined: inlined into its callers' closures, GCC 12 does not
// vectorise it (a call per row of cells costs little).
[[gnu::noinline]] void add_within(std::uint32_t* out, const float* xs, const float* ys,
                                  std::size_t first, std::size_t last, double x, double y,
                                  double r2, std::uint32_t by) {
  for (std::size_t k = first; k < last; ++k) {
    const double dx = xs[k] - x, dy = ys[k] - y;
    out[k] += (dx * dx + dy * dy <= r2) ? by : 0u;
  }
}

}  // namespace

std::vector<std::size_t> pick_sites(const SpatialGrid& grid, std::span<const float> cx,
                                    std::span<const float> cy, double radius_m,
                                    std::vector<std::uint8_t>& served, std::size_t count) {
  const std::size_t candidates = cx.size();
  // The candidates in a grid of their own, their coordinates and gains kept in the grid's order
  // (position k holds candidate sites.ids()[k]): the loops over the candidates near a resident
  // then read contiguous arrays and vectorise. The distance test is for_each_within's, so the
  // pairs are the same.
  const SpatialGrid sites(cx, cy, radius_m);
  const std::span<const ResidentId> order = sites.ids();
  std::vector<float> sx(candidates), sy(candidates);
  std::vector<std::uint32_t> position(candidates);
  for (std::size_t k = 0; k < candidates; ++k) {
    sx[k] = cx[order[k]];
    sy[k] = cy[order[k]];
    position[order[k]] = static_cast<std::uint32_t>(k);
  }
  const double r2 = radius_m * radius_m;
  // Adds `by` to the count of every candidate within the radius of resident `id`.
  const auto add_near = [&](std::vector<std::uint32_t>& counts, ResidentId id, std::uint32_t by) {
    const double x = grid.x(id), y = grid.y(id);
    sites.for_each_range_within(x, y, radius_m, [&](std::size_t first, std::size_t last) {
      add_within(counts.data(), sx.data(), sy.data(), first, last, x, y, r2, by);
    });
  };
  // A candidate's gain is how many unserved residents lie within the radius of it: counted from
  // the residents' side, in order, each thread adding to counts of its own (the sums are the same
  // whatever the split).
  tbb::enumerable_thread_specific<std::vector<std::uint32_t>> counts(
      [&] { return std::vector<std::uint32_t>(candidates, 0); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, served.size(), 4096),
                    [&](const auto& range) {
                      std::vector<std::uint32_t>& mine = counts.local();
                      for (std::size_t i = range.begin(); i != range.end(); ++i) {
                        if (!served[i]) add_near(mine, static_cast<ResidentId>(i), 1);
                      }
                    });
  std::vector<std::uint32_t> gain_at(candidates, 0);  // by position
  for (const std::vector<std::uint32_t>& mine : counts)
    for (std::size_t k = 0; k < candidates; ++k) gain_at[k] += mine[k];
  const auto gain = [&](std::size_t c) { return gain_at[position[c]]; };
  // Gains are kept exact: each point a pick serves lowers the gain of every candidate within the
  // radius of it (adding -1 modulo 2^32; the same pairs as the count). Counting a site's points
  // again at each pick instead made placement quadratic in the population of a town of fixed
  // area.
  // Max-heap on (gain, then lower index first); an entry whose gain has fallen since it was
  // pushed goes back with its gain now, so the top entry, once current, is the best candidate.
  using Entry = std::pair<std::uint32_t, std::int64_t>;
  std::priority_queue<Entry> queue;
  for (std::size_t c = 0; c < candidates; ++c)
    queue.emplace(gain(c), -static_cast<std::int64_t>(c));
  std::vector<std::size_t> picked;
  constexpr std::uint32_t kLess = ~std::uint32_t{0};  // -1 modulo 2^32
  while (picked.size() < count && !queue.empty()) {
    const auto [pushed_gain, negative_index] = queue.top();
    queue.pop();
    const auto c = static_cast<std::size_t>(-negative_index);
    if (gain(c) == 0) continue;  // nobody unserved near this site any more
    if (pushed_gain != gain(c)) {
      queue.emplace(gain(c), negative_index);
      continue;
    }
    picked.push_back(c);
    grid.for_each_within(cx[c], cy[c], radius_m, [&](ResidentId id) {
      if (served[id]) return;
      served[id] = 1;
      add_near(gain_at, id, kLess);
    });
  }
  return picked;
}

Coverage coverage_of(const Population& p, std::span<const float> vx, std::span<const float> vy,
                     std::span<const std::uint8_t> open, double radius_m, std::size_t districts,
                     std::size_t sites) {
  const std::size_t n = p.size();
  const auto no_car = [&](std::size_t i) {
    return p.transport[i] != static_cast<std::uint8_t>(Transport::kDrives);
  };
  // covered[i]: not at need, or a venue open at the end is within reach (then "served").
  std::vector<std::uint8_t> served(n, 0);
  for (std::size_t i = 0; i < n; ++i) served[i] = !(p.alive[i] && !p.certified[i]);
  const SpatialGrid grid(p.x_m, p.y_m, radius_m);
  for (std::size_t v = 0; v < vx.size(); ++v) {
    if (!open[v]) continue;
    grid.for_each_within(vx[v], vy[v], radius_m, [&](ResidentId id) { served[id] = 1; });
  }

  Coverage c;
  for (auto* column :
       {&c.at_need, &c.covered, &c.uncovered_low_income, &c.uncovered_alone, &c.uncovered_no_car})
    column->assign(districts, 0);
  std::vector<float> cx, cy;
  std::vector<std::size_t> home_of;
  std::size_t uncovered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t d = p.district[i];
    if (!p.alive[i] || p.certified[i] || d >= districts) continue;
    ++c.at_need[d];
    if (served[i]) {
      ++c.covered[d];
      continue;
    }
    ++uncovered;
    c.uncovered_low_income[d] += p.income_low[i];
    c.uncovered_alone[d] += p.lives_alone[i];
    c.uncovered_no_car[d] += no_car(i);
  }
  // Candidate sites: the homes of an evenly spaced sample of the uncovered at need.
  const std::size_t stride = std::max<std::size_t>(1, uncovered / 3000);
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (served[i] || p.district[i] >= districts) continue;
    if (k++ % stride != 0) continue;
    cx.push_back(p.x_m[i]), cy.push_back(p.y_m[i]), home_of.push_back(i);
  }

  std::vector<std::uint8_t> reached = served;
  for (const std::size_t site : pick_sites(grid, cx, cy, radius_m, reached, sites)) {
    std::uint32_t all = 0, low_income = 0, alone = 0, without_car = 0;
    // Those this site reaches that the sites before it did not: marked 1 by pick_sites, and 2
    // here once counted.
    grid.for_each_within(cx[site], cy[site], radius_m, [&](ResidentId id) {
      if (served[id] || reached[id] != 1) return;
      reached[id] = 2;
      ++all;
      low_income += p.income_low[id];
      alone += p.lives_alone[id];
      without_car += no_car(id);
    });
    c.next_rank.push_back(static_cast<std::uint16_t>(c.next_rank.size() + 1));
    c.next_x_m.push_back(cx[site]), c.next_y_m.push_back(cy[site]);
    c.next_district.push_back(p.district[home_of[site]]);
    c.next_reached.push_back(all), c.next_low_income.push_back(low_income);
    c.next_alone.push_back(alone), c.next_no_car.push_back(without_car);
  }
  return c;
}

}  // namespace salonsim::models
