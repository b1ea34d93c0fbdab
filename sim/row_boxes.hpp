#pragma once
// The bounding boxes of the homes of blocks of consecutive rows. Rows are stored in the order of
// homes (sim/spatial_order.hpp), so a block's homes lie close together and its box is small: a
// question about the homes near a point can pass over every block whose box lies too far away,
// without reading its rows.
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace salonsim {

class RowBoxes {
 public:
  static constexpr std::size_t kRows = 1024;

  RowBoxes() = default;
  /// Boxes of the points (x[i], y[i]), kRows consecutive rows a box.
  RowBoxes(std::span<const float> x, std::span<const float> y);

  std::size_t rows() const { return rows_; }
  std::size_t blocks() const { return min_x_.size(); }
  std::size_t first_row(std::size_t block) const { return block * kRows; }
  std::size_t end_row(std::size_t block) const { return std::min(rows_, (block + 1) * kRows); }

  /// The squared distance from (x, y) to the block's box, at most that from (x, y) to any of its
  /// points when each is worked out the same way: dx = x[i] - x in double, dx * dx + dy * dy.
  /// Rounding keeps the order of the exact values, and each point's difference is at least the
  /// box's, so the bound holds after rounding too.
  double squared_distance(std::size_t block, double x, double y) const {
    const double dx = std::max({0.0, min_x_[block] - x, x - max_x_[block]});
    const double dy = std::max({0.0, min_y_[block] - y, y - max_y_[block]});
    return dx * dx + dy * dy;
  }

  std::size_t bytes() const { return 4 * min_x_.capacity() * sizeof(float); }

 private:
  std::size_t rows_ = 0;
  std::vector<float> min_x_, max_x_, min_y_, max_y_;
};

}  // namespace salonsim
