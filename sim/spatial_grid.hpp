#pragma once
// A uniform grid over home locations: residents bucketed by cell (counting sort, two flat
// arrays), for sampling people near a point and finding everyone within a distance.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sim/memory.hpp"
#include "sim/population.hpp"

namespace salonsim {

class SpatialGrid {
 public:
  /// Buckets points (x[i], y[i]) into square cells of about `cell_m` metres; the cell is made
  /// larger if the map would otherwise need more than `max_cells` cells.
  SpatialGrid(std::span<const float> x, std::span<const float> y, double cell_m,
              std::size_t max_cells = std::size_t{1} << 24);
  /// Only the points with include[i] != 0 (the grid's extent still covers every point, so the
  /// cells do not move when the included points change).
  SpatialGrid(std::span<const float> x, std::span<const float> y,
              std::span<const std::uint8_t> include, double cell_m,
              std::size_t max_cells = std::size_t{1} << 24);
  /// Buckets the points again as the constructor does, in the memory the grid holds already
  /// (rebuilt during runs: fresh memory for each would be written first at every rebuild).
  void rebuild(std::span<const float> x, std::span<const float> y,
               std::span<const std::uint8_t> include, double cell_m,
               std::size_t max_cells = std::size_t{1} << 24);

  /// Brings the grid up to date as rebuild(x, y, include, ...) would, with the same points and
  /// cells, when points have only left since it was built (include[i] now 0) and joined from
  /// `first_new` on: every point included at the last build or refresh lies below `first_new`,
  /// and none below it is included now that was not then (residents who die, and residents who
  /// enter, in rows in order of entry). Drops the points that left and adds those that joined in
  /// place: groups of cells drop theirs in parallel, then each group's points are copied to
  /// their place in runs of cells (a rebuild's three passes and their divisions, and a serial
  /// pass over every point's flag, are avoided). Points from `end_new` on are known to be left
  /// out (rows yet to enter), so their flags are not read.
  void refresh(std::span<const std::uint8_t> include, std::size_t first_new,
               std::size_t end_new = std::numeric_limits<std::size_t>::max());

  double cell_m() const { return cell_m_; }
  /// The coordinates of point `id`, as bucketed.
  float x(ResidentId id) const { return x_[id]; }
  float y(ResidentId id) const { return y_[id]; }
  int columns() const { return columns_; }
  int rows() const { return rows_; }

  /// Cell coordinates of a point; false when it lies outside the grid.
  bool cell_of(double x, double y, int& column, int& row) const {
    column = static_cast<int>(std::floor((x - min_x_) / cell_m_));
    row = static_cast<int>(std::floor((y - min_y_) / cell_m_));
    return column >= 0 && row >= 0 && column < columns_ && row < rows_;
  }
  /// Ids of the points in a cell, in increasing order.
  std::span<const ResidentId> members(int column, int row) const {
    const std::size_t cell = static_cast<std::size_t>(row) * columns_ + column;
    return {ids_.data() + start_[cell], ids_.data() + start_[cell + 1]};
  }
  /// Every point's id, cell by cell (row-major), in increasing order within a cell: positions
  /// in this order are what for_each_range_within hands out.
  std::span<const ResidentId> ids() const { return ids_; }
  /// Calls f(first, last) for each row of the cells that may hold points within `radius_m` of
  /// (x, y): the positions [first, last) in ids() of the points in that row's cells (adjacent
  /// in ids(), so one range a row). For loops over points held in that order (contiguous, so
  /// they vectorise).
  template <class F>
  void for_each_range_within(double x, double y, double radius_m, F&& f) const {
    const int c0 = std::max(0, static_cast<int>(std::floor((x - radius_m - min_x_) / cell_m_)));
    const int c1 =
        std::min(columns_ - 1, static_cast<int>(std::floor((x + radius_m - min_x_) / cell_m_)));
    const int r0 = std::max(0, static_cast<int>(std::floor((y - radius_m - min_y_) / cell_m_)));
    const int r1 =
        std::min(rows_ - 1, static_cast<int>(std::floor((y + radius_m - min_y_) / cell_m_)));
    if (c0 > c1) return;
    for (int row = r0; row <= r1; ++row) {
      const std::size_t first_cell = static_cast<std::size_t>(row) * columns_ + c0;
      const std::size_t last_cell = static_cast<std::size_t>(row) * columns_ + c1;
      f(std::size_t{start_[first_cell]}, std::size_t{start_[last_cell + 1]});
    }
  }
  /// Calls f(id) for every point within `radius_m` of (x, y), cell by cell.
  template <class F>
  void for_each_within(double x, double y, double radius_m, F&& f) const {
    const double r2 = radius_m * radius_m;
    for_each_range_within(x, y, radius_m, [&](std::size_t first, std::size_t last) {
      for (std::size_t k = first; k < last; ++k) {
        const ResidentId id = ids_[k];
        const double dx = x_[id] - x, dy = y_[id] - y;
        if (dx * dx + dy * dy <= r2) f(id);
      }
    });
  }
  std::size_t bytes() const { return bytes_of(ids_) + bytes_of(start_); }

 private:
  /// The cell of point i (x_[i], y_[i]), a point outside the grid taken to the nearest cell.
  std::size_t cell_index_of(std::size_t i) const {
    int column = 0, row = 0;
    cell_of(x_[i], y_[i], column, row);
    column = std::clamp(column, 0, columns_ - 1);
    row = std::clamp(row, 0, rows_ - 1);
    return static_cast<std::size_t>(row) * columns_ + column;
  }

  // Groups of cells that refresh() drops points from in parallel.
  static constexpr std::size_t kRefreshGroups = 256;

  std::span<const float> x_, y_;
  double cell_m_ = 1;
  double min_x_ = 0, min_y_ = 0;
  int columns_ = 1, rows_ = 1;
  std::vector<std::uint32_t> start_;  // per cell, offset into ids_ (one extra at the end)
  std::vector<ResidentId> ids_;
  // refresh()'s runs of cells of a group that move by as much, kept for the next refresh.
  struct Run {
    std::size_t first_cell = 0, end_cell = 0;
    std::uint32_t kept_first = 0, kept_end = 0;    // the run's kept points, counted in its group
    std::uint32_t before = 0;                      // points that joined in the group before it
    std::size_t joined_first = 0, joined_end = 0;  // those of its last cell, in refresh's list
  };
  std::vector<Run> runs_;
};

/// The nearest point of a grid and its distance.
struct NearestPoint {
  std::int32_t index = -1;  // -1: the grid holds no point
  double distance_m = std::numeric_limits<double>::infinity();
};

/// How much farther than the best distance a search looks: float coordinates are off by at most
/// half a unit in the last place, under 1 mm within 8 km of the origin and 0.5 m within 8,000 km.
inline constexpr double kNearestSlackM = 1.0;

/// The point of `grid` (of `count` points) nearest to (x, y), the lowest index among equals,
/// searched in squares that double in size; `offset(k)` gives the exact offset (dx, dy) from
/// (x, y) to point k, whose distance is hypot(dx, dy). The grid's float coordinates can misplace
/// a point by millimetres, so the search ends once the square holds a circle a metre wider than
/// the best distance found (kNearestSlackM). A `hint` (a point likely to be near, e.g. the nearest
/// to the last home searched; -1 for none) starts the search with its distance, so the first
/// square need hold only the points nearer: the result is the same.
template <class Offset>
NearestPoint nearest_in_grid(const SpatialGrid& grid, std::size_t count, double x, double y,
                             double first_x, double first_y, Offset&& offset,
                             std::int32_t hint = -1) {
  NearestPoint best;
  if (count == 0) return best;
  // A point whose squared distance is above this is farther than the best for certain (the margin
  // is wider than the rounding of a square and of hypot, even in float), so its exact distance is
  // not worked out: the larger squares visit the nearer points again.
  double farther = std::numeric_limits<double>::infinity();
  double first_radius = grid.cell_m();
  if (hint >= 0) {
    const auto [dx, dy] = offset(static_cast<ResidentId>(hint));
    best = {hint, std::hypot(dx, dy)};
    farther = best.distance_m * best.distance_m * (1 + 1e-6);
    // Every point at least as near as the hint lies within this, so the search can end there.
    first_radius = best.distance_m + kNearestSlackM;
  }
  const double extent = grid.cell_m() * (grid.columns() + grid.rows() + 2);
  for (double radius = first_radius;; radius *= 2) {
    grid.for_each_within(x, y, radius, [&](ResidentId k) {
      const auto [dx, dy] = offset(k);
      if (static_cast<double>(dx) * dx + static_cast<double>(dy) * dy > farther) return;
      const double d = std::hypot(dx, dy);
      const auto index = static_cast<std::int32_t>(k);
      if (d < best.distance_m || (d == best.distance_m && index < best.index)) {
        best.distance_m = d;
        best.index = index;
        farther = d * d * (1 + 1e-6);
      }
    });
    if (best.distance_m + kNearestSlackM <= radius) break;
    if (radius > extent + std::abs(x - first_x) + std::abs(y - first_y)) break;
  }
  return best;
}

/// Whether the search from the home at (x, y) should start from the nearest point to the last
/// home searched, at (last_x, last_y) and `last_nearest_m` from that point: only when the homes
/// are near each other, within a cell of the grid or within that distance on each axis. Where homes
/// are stored in the order of their places (as the starting residents are), they nearly always are.
/// A home far away (an entrant's, stored by entry) would make the hint's square wide, and its
/// search visit most of the grid's points.
inline bool near_last_home(double x, double y, double last_x, double last_y, double last_nearest_m,
                           double cell_m) {
  const double within = std::max(cell_m, last_nearest_m);
  return std::abs(x - last_x) <= within && std::abs(y - last_y) <= within;
}

/// nearest_in_grid for every home (x[i], y[i]), in parallel: `offset(i, k)` is the exact offset
/// from home i to point k, and found(i, nearest) receives each answer. Each chunk of homes starts
/// each search from the last home's nearest where that home is near (near_last_home); the
/// answers do not depend on it.
template <class Offset, class Found>
void nearest_for_each_home(const SpatialGrid& grid, std::size_t count, std::span<const float> x,
                           std::span<const float> y, double first_x, double first_y,
                           Offset&& offset, Found&& found) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.size(), 1024), [&](const auto& range) {
    NearestPoint last;
    double last_x = 0, last_y = 0;
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const bool hinted = last.index >= 0 && near_last_home(x[i], y[i], last_x, last_y,
                                                            last.distance_m, grid.cell_m());
      const NearestPoint nearest = nearest_in_grid(
          grid, count, x[i], y[i], first_x, first_y, [&](ResidentId k) { return offset(i, k); },
          hinted ? last.index : -1);
      last = nearest;
      last_x = x[i];
      last_y = y[i];
      found(i, nearest);
    }
  });
}

}  // namespace salonsim
