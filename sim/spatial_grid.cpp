#include "sim/spatial_grid.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <array>
#include <limits>

namespace salonsim {

SpatialGrid::SpatialGrid(std::span<const float> x, std::span<const float> y, double cell_m,
                         std::size_t max_cells)
    : SpatialGrid(x, y, {}, cell_m, max_cells) {}

SpatialGrid::SpatialGrid(std::span<const float> x, std::span<const float> y,
                         std::span<const std::uint8_t> include, double cell_m,
                         std::size_t max_cells)
    : x_(x), y_(y), cell_m_(cell_m) {
  const auto included = [&](std::size_t i) { return include.empty() || include[i] != 0; };
  double max_x = 0, max_y = 0;
  if (!x.empty()) {
    // Bounds and cells in parallel (grids are rebuilt during runs, e.g. as residents enter); the
    // counting below is integer work only.
    using Bounds = std::array<float, 4>;  // min x, max x, min y, max y
    const float inf = std::numeric_limits<float>::infinity();
    const Bounds bounds = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, x.size(), 1 << 14), Bounds{inf, -inf, inf, -inf},
        [&](const tbb::blocked_range<std::size_t>& range, Bounds b) {
          for (std::size_t i = range.begin(); i != range.end(); ++i) {
            b[0] = std::min(b[0], x[i]), b[1] = std::max(b[1], x[i]);
            b[2] = std::min(b[2], y[i]), b[3] = std::max(b[3], y[i]);
          }
          return b;
        },
        [](Bounds a, const Bounds& b) {
          return Bounds{std::min(a[0], b[0]), std::max(a[1], b[1]), std::min(a[2], b[2]),
                        std::max(a[3], b[3])};
        });
    min_x_ = bounds[0];
    max_x = bounds[1];
    min_y_ = bounds[2];
    max_y = bounds[3];
  }
  const double width = max_x - min_x_, height = max_y - min_y_;
  while ((std::floor(width / cell_m_) + 1) * (std::floor(height / cell_m_) + 1) >
         static_cast<double>(max_cells)) {
    cell_m_ *= 2;
  }
  columns_ = static_cast<int>(std::floor(width / cell_m_)) + 1;
  rows_ = static_cast<int>(std::floor(height / cell_m_)) + 1;
  const std::size_t cells = static_cast<std::size_t>(columns_) * rows_;

  // Counting sort of points by cell; ids within a cell stay in increasing order.
  std::vector<std::uint32_t> cell_of_point(x.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.size(), 1 << 14), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      int column = 0, row = 0;
      cell_of(x[i], y[i], column, row);
      column = std::clamp(column, 0, columns_ - 1);
      row = std::clamp(row, 0, rows_ - 1);
      cell_of_point[i] =
          static_cast<std::uint32_t>(static_cast<std::size_t>(row) * columns_ + column);
    }
  });
  start_.assign(cells + 1, 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (included(i)) ++start_[cell_of_point[i] + 1];
  }
  for (std::size_t c = 0; c < cells; ++c) start_[c + 1] += start_[c];
  ids_.resize(start_[cells]);
  std::vector<std::uint32_t> next(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < x.size(); ++i)
    if (included(i)) ids_[next[cell_of_point[i]]++] = static_cast<ResidentId>(i);
}

}  // namespace salonsim
