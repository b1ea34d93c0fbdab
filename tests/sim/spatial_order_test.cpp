#include "sim/spatial_order.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <vector>

namespace salonsim {
namespace {

TEST(HilbertIndex, TheFirstFourCellsAreTheSquareAtTheOrigin) {
  // Fifteen levels above the cells at the origin each transpose the frame, so the lowest level
  // is the curve (0,0) (0,1) (1,1) (1,0) transposed: right first, then up, then left.
  EXPECT_EQ(hilbert_index(0, 0), 0u);
  EXPECT_EQ(hilbert_index(1, 0), 1u);
  EXPECT_EQ(hilbert_index(1, 1), 2u);
  EXPECT_EQ(hilbert_index(0, 1), 3u);
  // The square of 4 cells a side: its lower left quarter first, then the upper left (from
  // (0, 2), next to (0, 1)), the upper right and the lower right, which ends at (3, 0).
  EXPECT_EQ(hilbert_index(0, 2), 4u);
  EXPECT_EQ(hilbert_index(3, 0), 15u);
}

TEST(HilbertIndex, FillsEachSquareAtTheOriginWithStepsBetweenNeighbours) {
  // The cells of the 16 x 16 square at the origin take positions 0..255, each once, and each
  // position's cell shares a side with the cell of the position before.
  constexpr std::uint32_t side = 16;
  std::vector<std::pair<int, int>> cell_at(side * side, {-1, -1});
  for (std::uint32_t column = 0; column < side; ++column) {
    for (std::uint32_t row = 0; row < side; ++row) {
      const std::uint64_t at = hilbert_index(column, row);
      ASSERT_LT(at, side * side);
      ASSERT_EQ(cell_at[at].first, -1) << "position " << at << " twice";
      cell_at[at] = {static_cast<int>(column), static_cast<int>(row)};
    }
  }
  for (std::size_t at = 1; at < cell_at.size(); ++at) {
    const int steps = std::abs(cell_at[at].first - cell_at[at - 1].first) +
                      std::abs(cell_at[at].second - cell_at[at - 1].second);
    EXPECT_EQ(steps, 1) << "between positions " << at - 1 << " and " << at;
  }
  // The far corner of the whole grid is a position like any other.
  EXPECT_LT(hilbert_index(kHilbertSide - 1, kHilbertSide - 1),
            std::uint64_t{kHilbertSide} * kHilbertSide);
}

TEST(SpatialOrder, OrdersPointsByTheirCellAlongTheCurveThenByIndex) {
  // Cells of 100 m from the least x (10) and y (5):
  //   0 (250, 50) -> cell (2, 0), in the last quarter of the 4 x 4 square: position 12 to 15
  //   1 (10, 10) -> (0, 0), position 0      2 (120, 130) -> (1, 1), position 2
  //   3 (30, 180) -> (0, 1), position 3     4 (150, 20) -> (1, 0), position 1
  //   5 (15, 5) -> (0, 0), position 0, after point 1
  const std::vector<float> x{250, 10, 120, 30, 150, 15};
  const std::vector<float> y{50, 10, 130, 180, 20, 5};
  EXPECT_EQ(spatial_order(x, y, 100), (std::vector<ResidentId>{1, 5, 4, 2, 3, 0}));
  EXPECT_TRUE(spatial_order({}, {}, 100).empty());
  EXPECT_THROW(spatial_order(x, std::span(y).first(5), 100), std::invalid_argument);
  EXPECT_THROW(spatial_order(x, y, 0), std::invalid_argument);
}

}  // namespace
}  // namespace salonsim
