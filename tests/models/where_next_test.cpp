#include "models/groups/where_next.hpp"

#include <gtest/gtest.h>

#include "tests/support/small_town.hpp"

namespace salonsim::models {
namespace {

TEST(PickSites, GreedyTakesTheMostUnservedFirstAndSkipsSitesThatServeNobody) {
  // Points at x = 0, 1, 2 and 100; circles of 5 m. Candidates: x = 1 (reaches 3), x = 100
  // (reaches 1), x = 2 (reaches 3, but after x = 1 none is left for it).
  const std::vector<float> x{0, 1, 2, 100}, y{0, 0, 0, 0};
  const SpatialGrid grid(x, y, 5.0);
  std::vector<std::uint8_t> served(4, 0);
  const std::vector<float> cx{1, 100, 2}, cy{0, 0, 0};
  EXPECT_EQ(pick_sites(grid, cx, cy, 5.0, served, 3), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(served, (std::vector<std::uint8_t>{1, 1, 1, 1}));
}

TEST(PickSites, TiesGoToTheLowerIndexAndServedPointsDoNotCount) {
  const std::vector<float> x{0, 1, 50, 51}, y{0, 0, 0, 0};
  const SpatialGrid grid(x, y, 5.0);
  std::vector<std::uint8_t> served{1, 0, 0, 0};  // the first point is served already
  const std::vector<float> cx{0, 50}, cy{0, 0};  // gains 1 and 2
  EXPECT_EQ(pick_sites(grid, cx, cy, 5.0, served, 1), (std::vector<std::size_t>{1}));
}

TEST(CoverageOf, CountsResidentsAtNeedByDistrictAndWhereOneMoreVenueReachesThem) {
  // District 0: three residents next to an open venue. District 1: two residents near a closed
  // venue (not covered), one certified and one dead (not at need).
  Population p =
      testing::residents_at({{0, 0}, {10, 0}, {20, 0}, {1000, 0}, {1010, 0}, {2000, 0}, {3000, 0}});
  for (std::size_t i = 3; i < 7; ++i) p.district[i] = 1;
  p.certified[5] = 1;
  p.alive[6] = 0;
  p.income_low[3] = 1, p.lives_alone[3] = 1;                       // no car (residents_at)
  p.transport[4] = static_cast<std::uint8_t>(Transport::kDrives);  // high income, with a partner
  const std::vector<float> vx{0, 1000}, vy{0, 0};
  const std::vector<std::uint8_t> open{1, 0};

  const Coverage c = coverage_of(p, vx, vy, open, 100.0, 2, 5);
  EXPECT_EQ(c.at_need, (std::vector<std::uint32_t>{3, 2}));
  EXPECT_EQ(c.covered, (std::vector<std::uint32_t>{3, 0}));
  EXPECT_EQ(c.uncovered_low_income, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(c.uncovered_alone, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(c.uncovered_no_car, (std::vector<std::uint32_t>{0, 1}));
  // One site reaches both uncovered residents (the first home, on the tie); nobody is left for a
  // second, so there is only one.
  ASSERT_EQ(c.next_rank, (std::vector<std::uint16_t>{1}));
  EXPECT_EQ(c.next_x_m[0], 1000.0f);
  EXPECT_EQ(c.next_district[0], 1);
  EXPECT_EQ(c.next_reached[0], 2u);
  EXPECT_EQ(c.next_low_income[0], 1u);
  EXPECT_EQ(c.next_alone[0], 1u);
  EXPECT_EQ(c.next_no_car[0], 1u);
}

TEST(CoverageOf, EachSiteCountsOnlyThoseTheSitesBeforeItDoNotReach) {
  // Four residents in a row 60 m apart, circles of 100 m: a site at the second home reaches
  // three (0, 60, 120); the next (the third home) holds three in its circle but counts only the
  // fourth (180).
  Population p = testing::residents_at({{0, 0}, {60, 0}, {120, 0}, {180, 0}});
  const Coverage c = coverage_of(p, {}, {}, {}, 100.0, 1, 5);
  ASSERT_EQ(c.next_rank, (std::vector<std::uint16_t>{1, 2}));
  EXPECT_EQ(c.next_reached, (std::vector<std::uint32_t>{3, 1}));
  EXPECT_EQ(c.at_need, (std::vector<std::uint32_t>{4}));
  EXPECT_EQ(c.covered, (std::vector<std::uint32_t>{0}));
}

}  // namespace
}  // namespace salonsim::models
