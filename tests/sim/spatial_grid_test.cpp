#include "sim/spatial_grid.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace salonsim {
namespace {

TEST(SpatialGrid, BucketsPointsByCellInIdOrder) {
  const std::vector<float> x{0, 50, 150, 10, 290};
  const std::vector<float> y{0, 20, 0, 99, 290};
  const SpatialGrid grid(x, y, 100);
  EXPECT_EQ(grid.columns(), 3);
  EXPECT_EQ(grid.rows(), 3);
  const auto first = grid.members(0, 0);
  EXPECT_EQ(std::vector<ResidentId>(first.begin(), first.end()),
            (std::vector<ResidentId>{0, 1, 3}));
  EXPECT_EQ(grid.members(1, 0).size(), 1u);
  EXPECT_EQ(grid.members(2, 2).front(), 4u);
  int column = 0, row = 0;
  EXPECT_TRUE(grid.cell_of(150, 250, column, row));
  EXPECT_EQ(column, 1);
  EXPECT_EQ(row, 2);
  EXPECT_FALSE(grid.cell_of(-1, 0, column, row));
}

TEST(SpatialGrid, FindsExactlyThePointsWithinADistance) {
  const std::vector<float> x{0, 300, 400, 0, 1000};
  const std::vector<float> y{0, 400, 0, 500, 1000};
  const SpatialGrid grid(x, y, 100);
  std::vector<ResidentId> found;
  grid.for_each_within(0, 0, 500, [&](ResidentId id) { found.push_back(id); });
  std::sort(found.begin(), found.end());
  // Distances 0, 500, 400, 500, 1414: the boundary is inclusive.
  EXPECT_EQ(found, (std::vector<ResidentId>{0, 1, 2, 3}));
}

TEST(SpatialGrid, EnlargesCellsToStayWithinTheCellLimit) {
  const std::vector<float> x{0, 10000};
  const std::vector<float> y{0, 10000};
  const SpatialGrid grid(x, y, 1, /*max_cells=*/10000);
  EXPECT_LE(static_cast<std::size_t>(grid.columns()) * grid.rows(), 10000u);
  EXPECT_GE(grid.cell_m(), 100.0);
}

}  // namespace
}  // namespace salonsim
