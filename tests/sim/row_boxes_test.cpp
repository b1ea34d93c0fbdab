#include "sim/row_boxes.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace salonsim {
namespace {

TEST(RowBoxes, EachBlockOfConsecutiveRowsHasTheBoxOfItsPoints) {
  // 2,050 points on a diagonal, x = i and y = -i: blocks of rows 0-1023, 1024-2047 and 2048-2049.
  std::vector<float> x, y;
  for (int i = 0; i < 2050; ++i) {
    x.push_back(static_cast<float>(i));
    y.push_back(static_cast<float>(-i));
  }
  const RowBoxes boxes(x, y);
  ASSERT_EQ(boxes.blocks(), 3u);
  EXPECT_EQ(boxes.rows(), 2050u);
  EXPECT_EQ(boxes.first_row(1), 1024u);
  EXPECT_EQ(boxes.end_row(1), 2048u);
  EXPECT_EQ(boxes.end_row(2), 2050u);
  // Block 0 spans x 0..1023, y -1023..0: (1030, 5) lies 7 m east and 5 m north of it.
  EXPECT_EQ(boxes.squared_distance(0, 1030, 5), 7 * 7 + 5 * 5);
  EXPECT_EQ(boxes.squared_distance(0, 500, -20), 0.0);  // inside
  // Block 2 spans x 2048..2049, y -2049..-2048: 2048 m east and 2048 m south of the origin.
  EXPECT_EQ(boxes.squared_distance(2, 0, 0), 2.0 * 2048 * 2048);
  EXPECT_EQ(boxes.squared_distance(2, 2049.5, -2047), 0.5 * 0.5 + 1.0);
}

TEST(RowBoxes, ABoxIsNeverFartherThanAnyOfItsPointsWorkedOutTheSameWay) {
  std::mt19937 engine(5);
  std::uniform_real_distribution<float> coordinate(-30000.0f, 30000.0f);
  std::vector<float> x(5000), y(5000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = coordinate(engine);
    y[i] = coordinate(engine) * 1e-3f;  // flat boxes too
  }
  const RowBoxes boxes(x, y);
  std::uniform_real_distribution<double> query(-40000.0, 40000.0);
  for (int trial = 0; trial < 200; ++trial) {
    const double qx = query(engine), qy = query(engine) * 1e-3;
    for (std::size_t block = 0; block < boxes.blocks(); ++block) {
      double least = std::numeric_limits<double>::infinity();
      for (std::size_t i = boxes.first_row(block); i < boxes.end_row(block); ++i) {
        const double dx = x[i] - qx, dy = y[i] - qy;
        least = std::min(least, dx * dx + dy * dy);
      }
      ASSERT_LE(boxes.squared_distance(block, qx, qy), least) << "block " << block;
    }
  }
}

TEST(RowBoxes, NoRowsNoBlocks) {
  const RowBoxes boxes(std::vector<float>{}, std::vector<float>{});
  EXPECT_EQ(boxes.blocks(), 0u);
}

}  // namespace
}  // namespace salonsim
