#include "sim/spatial_grid.hpp"

#include <algorithm>
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
    const auto [lo_x, hi_x] = std::minmax_element(x.begin(), x.end());
    const auto [lo_y, hi_y] = std::minmax_element(y.begin(), y.end());
    min_x_ = *lo_x;
    min_y_ = *lo_y;
    max_x = *hi_x;
    max_y = *hi_y;
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
  start_.assign(cells + 1, 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    int column = 0, row = 0;
    cell_of(x[i], y[i], column, row);
    column = std::clamp(column, 0, columns_ - 1);
    row = std::clamp(row, 0, rows_ - 1);
    cell_of_point[i] =
        static_cast<std::uint32_t>(static_cast<std::size_t>(row) * columns_ + column);
    if (included(i)) ++start_[cell_of_point[i] + 1];
  }
  for (std::size_t c = 0; c < cells; ++c) start_[c + 1] += start_[c];
  ids_.resize(start_[cells]);
  std::vector<std::uint32_t> next(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < x.size(); ++i)
    if (included(i)) ids_[next[cell_of_point[i]]++] = static_cast<ResidentId>(i);
}

}  // namespace salonsim
