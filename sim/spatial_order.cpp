#include "sim/spatial_order.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <boost/container/vector.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace salonsim {

std::uint64_t hilbert_index(std::uint32_t column, std::uint32_t row) {
  // From the largest quadrants down: each level adds how many cells the quadrants the curve
  // visits before this one hold, then turns the coordinates into that quadrant's own frame
  // (the lower quadrants are the whole curve transposed or turned half round).
  std::uint64_t index = 0;
  for (std::uint32_t half = kHilbertSide / 2; half > 0; half /= 2) {
    const std::uint32_t right = (column & half) ? 1 : 0;
    const std::uint32_t up = (row & half) ? 1 : 0;
    index += std::uint64_t{half} * half * ((3 * right) ^ up);
    if (up == 0) {
      if (right == 1) {
        column = kHilbertSide - 1 - column;
        row = kHilbertSide - 1 - row;
      }
      std::swap(column, row);
    }
  }
  return index;
}

std::vector<ResidentId> spatial_order(std::span<const float> x_m, std::span<const float> y_m,
                                      double cell_m) {
  if (x_m.size() != y_m.size())
    throw std::invalid_argument("spatial_order: x and y differ in length");
  if (!(cell_m > 0)) throw std::invalid_argument("spatial_order: the cell must be positive");
  const std::size_t n = x_m.size();
  if (n == 0) return {};
  const float min_x = *std::min_element(x_m.begin(), x_m.end());
  const float min_y = *std::min_element(y_m.begin(), y_m.end());
  const auto cell_of = [&](float value, float least) {
    const double cell = std::floor((static_cast<double>(value) - least) / cell_m);
    return static_cast<std::uint32_t>(std::clamp(cell, 0.0, double{kHilbertSide - 1}));
  };
  // The curve's position (under 2^32: 2^16 cells a side) in the high half, the index in the
  // low: sorting the keys orders by cell, then by index. The keys are written first by the
  // threads that work them out (a vector's zeros would be written by one thread).
  boost::container::vector<std::uint64_t> keys(n, boost::container::default_init);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    keys[i] = hilbert_index(cell_of(x_m[i], min_x), cell_of(y_m[i], min_y)) << 32 | i;
  });
  tbb::parallel_sort(keys.begin(), keys.end());
  std::vector<ResidentId> order(n);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t j) {
    order[j] = static_cast<ResidentId>(keys[j] & 0xffffffffu);
  });
  return order;
}

}  // namespace salonsim
