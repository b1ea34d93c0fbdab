#include "sim/row_boxes.hpp"

#include <tbb/parallel_for.h>

namespace salonsim {

RowBoxes::RowBoxes(std::span<const float> x, std::span<const float> y) : rows_(x.size()) {
  const std::size_t count = (rows_ + kRows - 1) / kRows;
  min_x_.resize(count);
  max_x_.resize(count);
  min_y_.resize(count);
  max_y_.resize(count);
  tbb::parallel_for(std::size_t{0}, count, [&](std::size_t block) {
    const std::size_t first = first_row(block), end = end_row(block);
    const auto [least_x, most_x] = std::minmax_element(x.begin() + first, x.begin() + end);
    const auto [least_y, most_y] = std::minmax_element(y.begin() + first, y.begin() + end);
    min_x_[block] = *least_x;
    max_x_[block] = *most_x;
    min_y_[block] = *least_y;
    max_y_[block] = *most_y;
  });
}

}  // namespace salonsim
