#include "sim/spatial_grid.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

namespace salonsim {
namespace {

// Coordinates in [0, extent) from a linear congruential generator: the same on every platform.
class Scatter {
 public:
  Scatter(std::uint32_t seed, float extent_m) : state_(seed), extent_m_(extent_m) {}
  float next() {
    state_ = state_ * 1664525u + 1013904223u;
    return static_cast<float>(state_ >> 8) / static_cast<float>(1u << 24) * extent_m_;
  }

 private:
  std::uint32_t state_;
  float extent_m_;
};

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

TEST(SpatialGrid, TheSameCellsWhateverTheThreads) {
  // 300,000 points in 10,000 cells, a third left out: with 1 to 7 threads (counted in as many
  // chunks), every cell holds its included points once each, in increasing order.
  constexpr std::size_t kPoints = 300000;
  std::mt19937 random(3);
  std::uniform_real_distribution<float> where(0.0f, 10000.0f);
  std::vector<float> x(kPoints), y(kPoints);
  std::vector<std::uint8_t> include(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) {
    x[i] = where(random);
    y[i] = where(random);
    include[i] = i % 3 != 0;
  }
  std::vector<std::vector<ResidentId>> expected;
  for (const int threads : {1, 2, 3, 7}) {
    std::vector<std::vector<ResidentId>> cells;
    tbb::task_arena(threads).execute([&] {
      const SpatialGrid grid(x, y, include, 100);
      ASSERT_EQ(grid.columns() * grid.rows(), 10000);
      EXPECT_EQ(grid.ids().size(), kPoints - (kPoints + 2) / 3);
      for (int row = 0; row < grid.rows(); ++row) {
        for (int column = 0; column < grid.columns(); ++column) {
          const auto members = grid.members(column, row);
          cells.emplace_back(members.begin(), members.end());
          ASSERT_TRUE(std::is_sorted(cells.back().begin(), cells.back().end()));
          for (const ResidentId id : cells.back()) {
            ASSERT_TRUE(include[id]);
            int c = 0, r = 0;
            ASSERT_TRUE(grid.cell_of(x[id], y[id], c, r));
            ASSERT_EQ(c, column);
            ASSERT_EQ(r, row);
          }
        }
      }
    });
    if (expected.empty()) expected = cells;
    EXPECT_EQ(cells, expected) << threads << " threads";
  }
}

TEST(SpatialGrid, RebuiltInItsOwnMemoryItHoldsWhatAFreshGridWould) {
  // A grid of 20,000 points rebuilt as rows die and enter (tie turnover does so each step), and
  // rebuilt again over fewer points on a wider map, holds what a grid built afresh holds.
  constexpr std::size_t kPoints = 20000;
  std::mt19937 random(5);
  std::uniform_real_distribution<float> where(0.0f, 3000.0f);
  std::vector<float> x(kPoints), y(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) x[i] = where(random), y[i] = where(random);
  std::vector<std::uint8_t> include(kPoints, 1);
  SpatialGrid grid(x, y, include, 100);
  const auto cells_of = [](const SpatialGrid& g) {
    std::vector<std::vector<ResidentId>> cells;
    for (int row = 0; row < g.rows(); ++row) {
      for (int column = 0; column < g.columns(); ++column) {
        const auto members = g.members(column, row);
        cells.emplace_back(members.begin(), members.end());
      }
    }
    return cells;
  };
  for (std::size_t i = 0; i < kPoints; i += 3) include[i] = 0;
  grid.rebuild(x, y, include, 100);
  const SpatialGrid fresh(x, y, include, 100);
  EXPECT_EQ(grid.ids().size(), kPoints - (kPoints + 2) / 3);
  EXPECT_EQ(cells_of(grid), cells_of(fresh));
  const std::vector<float> wide_x{0, 9000, 4500}, wide_y{0, 0, 9000};
  grid.rebuild(wide_x, wide_y, {}, 100);
  const SpatialGrid wide(wide_x, wide_y, 100);
  EXPECT_EQ(grid.columns(), wide.columns());
  EXPECT_EQ(grid.rows(), wide.rows());
  EXPECT_EQ(grid.ids().size(), 3u);
  EXPECT_EQ(cells_of(grid), cells_of(wide));
  EXPECT_EQ(grid.x(2), 4500.0f);
}

TEST(SpatialGrid, RefreshedItDropsWhoLeftAndAddsWhoJoinedAfterTheirCell) {
  // Cells of 100 m, 3 x 1: points 0 (cell 0), 1 (cell 1), 2 (cell 0), 3 (cell 2), then 4 (cell
  // 0) and 5 (cell 1) not yet included. ids() is 0 2 | 1 | 3. Point 2 leaves and 4 and 5 join
  // (first_new 4): 0 4 | 1 5 | 3, as a grid built afresh.
  const std::vector<float> x{10, 150, 20, 250, 30, 160};
  const std::vector<float> y{0, 0, 0, 0, 0, 0};
  std::vector<std::uint8_t> include{1, 1, 1, 1, 0, 0};
  SpatialGrid grid(x, y, include, 100);
  ASSERT_EQ(std::vector<ResidentId>(grid.ids().begin(), grid.ids().end()),
            (std::vector<ResidentId>{0, 2, 1, 3}));
  include = {1, 1, 0, 1, 1, 1};
  grid.refresh(include, 4);
  EXPECT_EQ(std::vector<ResidentId>(grid.ids().begin(), grid.ids().end()),
            (std::vector<ResidentId>{0, 4, 1, 5, 3}));
  EXPECT_EQ(grid.members(1, 0).size(), 2u);
  EXPECT_EQ(grid.members(2, 0).front(), 3u);
  // Everyone but 3 leaves, nobody joins.
  include = {0, 0, 0, 1, 0, 0};
  grid.refresh(include, 6);
  EXPECT_EQ(std::vector<ResidentId>(grid.ids().begin(), grid.ids().end()),
            (std::vector<ResidentId>{3}));
  EXPECT_TRUE(grid.members(0, 0).empty());
  EXPECT_THROW(grid.refresh(std::vector<std::uint8_t>(5, 1), 6), std::invalid_argument);
}

TEST(SpatialGrid, RefreshedItReadsNoFlagFromTheEndOfTheNewOn) {
  // As above: 4 and 5 would join, but the rows from 5 on have not entered (end_new 5), so 5's
  // flag is not read: 0 2 4 | 1 | 3.
  const std::vector<float> x{10, 150, 20, 250, 30, 160};
  const std::vector<float> y{0, 0, 0, 0, 0, 0};
  std::vector<std::uint8_t> include{1, 1, 1, 1, 0, 0};
  SpatialGrid grid(x, y, include, 100);
  include = {1, 1, 1, 1, 1, 1};
  grid.refresh(include, 4, 5);
  EXPECT_EQ(std::vector<ResidentId>(grid.ids().begin(), grid.ids().end()),
            (std::vector<ResidentId>{0, 2, 4, 1, 3}));
}

/// Whether a refreshed grid holds what one rebuilt over the same flags holds: the same ids, and
/// the same members in every cell.
::testing::AssertionResult holds_what_rebuilt_holds(const SpatialGrid& grid,
                                                    const SpatialGrid& rebuilt) {
  if (!std::equal(grid.ids().begin(), grid.ids().end(), rebuilt.ids().begin(), rebuilt.ids().end()))
    return ::testing::AssertionFailure() << "the ids differ";
  for (int row = 0; row < grid.rows(); ++row) {
    for (int column = 0; column < grid.columns(); ++column) {
      const auto got = grid.members(column, row), want = rebuilt.members(column, row);
      if (!std::equal(got.begin(), got.end(), want.begin(), want.end()))
        return ::testing::AssertionFailure() << "cell " << column << ", " << row << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

/// One round of departures and arrivals among points that enter in row order: each of the
/// `entered` rows still included leaves with chance `leave`, the next `joining` rows enter (one in
/// twenty not included, as residents who died before entering); `grid` is refreshed and
/// `rebuilt` rebuilt over the same flags. Returns the rows entered now.
std::size_t leave_and_join(std::mt19937& random, std::vector<std::uint8_t>& include,
                           std::size_t entered, double leave, std::size_t joining,
                           SpatialGrid& grid, SpatialGrid& rebuilt, const std::vector<float>& x,
                           const std::vector<float>& y) {
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  for (std::size_t i = 0; i < entered; ++i) include[i] &= chance(random) >= leave;
  const std::size_t first_new = entered;
  entered = std::min(include.size(), entered + joining);
  for (std::size_t i = first_new; i < entered; ++i) include[i] = chance(random) >= 0.05;
  grid.refresh(include, first_new);
  rebuilt.rebuild(x, y, include, 100);
  return entered;
}

TEST(SpatialGrid, RefreshedRoundAfterRoundItHoldsWhatARebuiltGridWould) {
  // 30,000 points, the first 20,000 included at the start; each of 40 rounds a few points
  // leave (as residents die) and the next few hundred rows join (as residents enter, some of
  // them dead already): refreshed, the grid holds what one rebuilt over the same flags holds.
  constexpr std::size_t kPoints = 30000;
  std::mt19937 random(7);
  std::uniform_real_distribution<float> where(0.0f, 4000.0f);
  std::vector<float> x(kPoints), y(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) x[i] = where(random), y[i] = where(random);
  std::vector<std::uint8_t> include(kPoints, 0);
  std::size_t entered = 20000;
  std::fill(include.begin(), include.begin() + static_cast<std::ptrdiff_t>(entered), 1);
  SpatialGrid grid(x, y, include, 100);
  SpatialGrid rebuilt(x, y, include, 100);
  for (int round = 0; round < 40; ++round) {
    entered = leave_and_join(random, include, entered, 0.01, round % 5 == 0 ? 0 : 400, grid,
                             rebuilt, x, y);
    ASSERT_TRUE(holds_what_rebuilt_holds(grid, rebuilt)) << "round " << round;
  }
}

// The refresh moves each group of cells' points forward or back as points left or joined before
// them: here many leave in some rounds and many join in a few cells in others, so that groups
// move both ways, and within a group the first cells one way and the last the other. On 1 and
// 4 threads.
TEST(SpatialGrid, RefreshedAfterCrowdedArrivalsAndManyDeparturesItHoldsWhatARebuiltGridWould) {
  constexpr std::size_t kPoints = 40000;
  for (const int threads : {1, 4}) {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      std::mt19937 random(11);
      std::uniform_real_distribution<float> where(0.0f, 4000.0f), near(1000.0f, 1150.0f);
      std::uniform_real_distribution<double> chance(0.0, 1.0);
      std::vector<float> x(kPoints), y(kPoints);
      for (std::size_t i = 0; i < kPoints; ++i) {
        // Rows from 10,000 on enter in a few crowded cells: three in four near one place.
        const bool crowded = i >= 10000 && chance(random) < 0.75;
        x[i] = crowded ? near(random) : where(random);
        y[i] = crowded ? near(random) : where(random);
      }
      std::vector<std::uint8_t> include(kPoints, 0);
      std::size_t entered = 10000;
      std::fill(include.begin(), include.begin() + static_cast<std::ptrdiff_t>(entered), 1);
      SpatialGrid grid(x, y, include, 100);
      SpatialGrid rebuilt(x, y, include, 100);
      for (int round = 0; round < 12; ++round) {
        entered = leave_and_join(random, include, entered, round % 3 == 0 ? 0.3 : 0.01,
                                 round % 3 == 1 ? 6000 : 500, grid, rebuilt, x, y);
        ASSERT_TRUE(holds_what_rebuilt_holds(grid, rebuilt))
            << threads << " threads, round " << round;
      }
    });
  }
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

// The grid of the test above, cells of 100 m: points 0 and 2 lie in row 0 (cells 0 and 4), 1 in
// row 4, 3 in row 5 and 4 in row 10, so ids() is 0 2 | 1 | 3 | 4. Around (50, 50) with radius 60
// the window is columns 0-1 of rows 0-1: one range a row, [0, 1) in row 0 (point 0; point 2 is
// in column 4) and the empty [2, 2) in row 1.
TEST(SpatialGrid, CellRangesAreARowsCellsAsPositionsInIds) {
  const std::vector<float> x{0, 300, 400, 0, 1000};
  const std::vector<float> y{0, 400, 0, 500, 1000};
  const SpatialGrid grid(x, y, 100);
  EXPECT_EQ(std::vector<ResidentId>(grid.ids().begin(), grid.ids().end()),
            (std::vector<ResidentId>{0, 2, 1, 3, 4}));
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  grid.for_each_range_within(
      50, 50, 60, [&](std::size_t first, std::size_t last) { ranges.emplace_back(first, last); });
  EXPECT_EQ(ranges, (std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {2, 2}}));
  // Every point within a distance lies in the ranges: the same as for_each_within.
  std::vector<ResidentId> in_ranges, within;
  grid.for_each_range_within(0, 0, 500, [&](std::size_t first, std::size_t last) {
    for (std::size_t k = first; k < last; ++k) {
      const ResidentId id = grid.ids()[k];
      if (std::hypot(x[id], y[id]) <= 500) in_ranges.push_back(id);
    }
  });
  grid.for_each_within(0, 0, 500, [&](ResidentId id) { within.push_back(id); });
  EXPECT_EQ(in_ranges, within);
}

TEST(SpatialGrid, EnlargesCellsToStayWithinTheCellLimit) {
  const std::vector<float> x{0, 10000};
  const std::vector<float> y{0, 10000};
  const SpatialGrid grid(x, y, 1, /*max_cells=*/10000);
  EXPECT_LE(static_cast<std::size_t>(grid.columns()) * grid.rows(), 10000u);
  EXPECT_GE(grid.cell_m(), 100.0);
}

// Against every point compared by its exact distance: the nearest, the lowest index among
// equals, found however far it is and whichever points the grid visits first.
TEST(SpatialGrid, NearestIsThePointOfLeastExactDistanceLowestIndexFirst) {
  // Points 1 and 3 are both 500 m from (0, 0) (a 3-4-5 triangle each); 2 is 600 m off, in the
  // first cell's square; 4 is 5 km off.
  const std::vector<float> x{2000, 300, 600, -400, 5000};
  const std::vector<float> y{2000, 400, 0, -300, 0};
  const SpatialGrid grid(x, y, 100);
  const auto offset_to = [&](double from_x, double from_y) {
    return [&, from_x, from_y](ResidentId k) { return std::pair(x[k] - from_x, y[k] - from_y); };
  };
  NearestPoint n = nearest_in_grid(grid, x.size(), 0, 0, x[0], y[0], offset_to(0, 0));
  EXPECT_EQ(n.index, 1) << "500 m, the lower of two at 500 m";
  EXPECT_EQ(n.distance_m, 500.0);
  n = nearest_in_grid(grid, x.size(), 4990, 10, x[0], y[0], offset_to(4990, 10));
  EXPECT_EQ(n.index, 4);
  EXPECT_DOUBLE_EQ(n.distance_m, std::hypot(10.0, 10.0));
  n = nearest_in_grid(grid, x.size(), -20000, 0, x[0], y[0], offset_to(-20000, 0));
  EXPECT_EQ(n.index, 3) << "far outside the grid";
  EXPECT_DOUBLE_EQ(n.distance_m, std::hypot(19600.0, 300.0));
  EXPECT_EQ(nearest_in_grid(grid, 0, 0, 0, 0, 0, offset_to(0, 0)).index, -1) << "no points";
  // A point a hair farther than another is not taken for it: 600 m against 600.0001 m.
  const std::vector<float> x2{600.0001f, 600};
  const std::vector<float> y2{0, 0};
  const SpatialGrid two(x2, y2, 100);
  n = nearest_in_grid(two, 2, 0, 0, x2[0], y2[0],
                      [&](ResidentId k) { return std::pair(double{x2[k]}, double{y2[k]}); });
  EXPECT_EQ(n.index, 1);
  EXPECT_EQ(n.distance_m, 600.0);
}

TEST(SpatialGrid, NearestIsTheSameWhateverPointIsGivenAsAHintAndForEveryHomeAtOnce) {
  // The ties of the test above, from every hint: the lower of the two at 500 m (a hint at the
  // other one, at 3, does not keep it), and 4 from a hint 5 km away.
  const std::vector<float> x{2000, 300, 600, -400, 5000};
  const std::vector<float> y{2000, 400, 0, -300, 0};
  const SpatialGrid grid(x, y, 100);
  const auto offset_to = [&](double from_x, double from_y) {
    return [&, from_x, from_y](ResidentId k) { return std::pair(x[k] - from_x, y[k] - from_y); };
  };
  for (std::int32_t hint = -1; hint < 5; ++hint) {
    NearestPoint n = nearest_in_grid(grid, x.size(), 0, 0, x[0], y[0], offset_to(0, 0), hint);
    EXPECT_EQ(n.index, 1) << hint;
    EXPECT_EQ(n.distance_m, 500.0) << hint;
    n = nearest_in_grid(grid, x.size(), 4990, 10, x[0], y[0], offset_to(4990, 10), hint);
    EXPECT_EQ(n.index, 4) << hint;
  }
  // 2,000 homes and 300 points on a 20 km square, each home searched from the last home's
  // nearest (as the groups do along the rows) and from a random point: the same as without.
  std::vector<float> px, py, hx, hy;
  Scatter scatter(12345, 20000.0f);
  const auto next = [&] { return scatter.next(); };
  for (int k = 0; k < 300; ++k) px.push_back(next()), py.push_back(next());
  for (int k = 0; k < 2000; ++k) hx.push_back(next()), hy.push_back(next());
  const SpatialGrid points(px, py, 600);
  std::int32_t last = -1;
  std::vector<std::int32_t> plain_index;
  for (std::size_t h = 0; h < hx.size(); ++h) {
    const auto offset = [&](ResidentId k) {
      return std::pair(double{px[k]} - hx[h], double{py[k]} - hy[h]);
    };
    const NearestPoint plain =
        nearest_in_grid(points, px.size(), hx[h], hy[h], px[0], py[0], offset);
    const NearestPoint from_last =
        nearest_in_grid(points, px.size(), hx[h], hy[h], px[0], py[0], offset, last);
    const NearestPoint from_any = nearest_in_grid(points, px.size(), hx[h], hy[h], px[0], py[0],
                                                  offset, static_cast<std::int32_t>(h % 300));
    ASSERT_EQ(from_last.index, plain.index) << h;
    ASSERT_EQ(from_any.index, plain.index) << h;
    EXPECT_EQ(from_last.distance_m, plain.distance_m) << h;
    last = plain.index;
    plain_index.push_back(plain.index);
  }
  // The same for every home at once, in parallel chunks that each start from their last home.
  std::vector<std::int32_t> each(hx.size(), -2);
  nearest_for_each_home(
      points, px.size(), hx, hy, px[0], py[0],
      [&](std::size_t h, ResidentId k) {
        return std::pair(double{px[k]} - hx[h], double{py[k]} - hy[h]);
      },
      [&](std::size_t h, const NearestPoint& n) { each[h] = n.index; });
  EXPECT_EQ(each, plain_index);
}

// Worked by hand: a cell of 600 m, the last home's nearest point 250 m or 2,000 m from it.
TEST(SpatialGrid, AHomeStartsFromTheLastHomesNearestOnlyWhenNearIt) {
  EXPECT_TRUE(near_last_home(100, 100, 0, 0, 250, 600)) << "within a cell";
  EXPECT_TRUE(near_last_home(-600, 600, 0, 0, 250, 600)) << "a cell away on both axes, inclusive";
  EXPECT_FALSE(near_last_home(601, 0, 0, 0, 250, 600)) << "more than a cell away";
  EXPECT_FALSE(near_last_home(0, -601, 0, 0, 250, 600)) << "more than a cell away, the other axis";
  EXPECT_TRUE(near_last_home(1500, -2000, 0, 0, 2000, 600)) << "within the last nearest distance";
  EXPECT_FALSE(near_last_home(2001, 0, 0, 0, 2000, 600)) << "beyond it";
}

// Homes in the order of their places, then as many in no order (as entrants' rows are): every
// answer the same as a search without a hint, whether the hint is taken or not.
TEST(SpatialGrid, NearestForEveryHomeIsTheSameWhenHomesComeInNoOrder) {
  std::vector<float> px, py, hx, hy;
  Scatter scatter(777, 30000.0f);
  const auto next = [&] { return scatter.next(); };
  for (int k = 0; k < 500; ++k) px.push_back(next()), py.push_back(next());
  // A walk in small steps (neighbouring homes), then homes anywhere.
  float x = 15000, y = 15000;
  for (int k = 0; k < 3000; ++k) {
    x = std::clamp(x + (next() - 15000.0f) / 100.0f, 0.0f, 30000.0f);
    y = std::clamp(y + (next() - 15000.0f) / 100.0f, 0.0f, 30000.0f);
    hx.push_back(x), hy.push_back(y);
  }
  for (int k = 0; k < 3000; ++k) hx.push_back(next()), hy.push_back(next());
  const SpatialGrid points(px, py, 500);
  std::vector<std::int32_t> plain(hx.size()), each(hx.size(), -2);
  std::vector<double> plain_m(hx.size()), each_m(hx.size());
  for (std::size_t h = 0; h < hx.size(); ++h) {
    const NearestPoint n = nearest_in_grid(
        points, px.size(), hx[h], hy[h], px[0], py[0],
        [&](ResidentId k) { return std::pair(double{px[k]} - hx[h], double{py[k]} - hy[h]); });
    plain[h] = n.index;
    plain_m[h] = n.distance_m;
  }
  nearest_for_each_home(
      points, px.size(), hx, hy, px[0], py[0],
      [&](std::size_t h, ResidentId k) {
        return std::pair(double{px[k]} - hx[h], double{py[k]} - hy[h]);
      },
      [&](std::size_t h, const NearestPoint& n) {
        each[h] = n.index;
        each_m[h] = n.distance_m;
      });
  EXPECT_EQ(each, plain);
  EXPECT_EQ(each_m, plain_m);
}

}  // namespace
}  // namespace salonsim
