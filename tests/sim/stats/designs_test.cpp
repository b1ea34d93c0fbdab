#include "sim/stats/designs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

namespace salonsim::stats {
namespace {

void expect_inside_unit_cube(const Design& design) {
  ASSERT_EQ(design.values.size(), design.rows * design.cols);
  for (double v : design.values) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
  }
}

/// Checks that a call throws std::invalid_argument whose message contains `expected`.
template <typename Call>
void expect_invalid(Call call, const std::string& expected) {
  try {
    call();
    ADD_FAILURE() << "no exception; expected one mentioning: " << expected;
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
  }
}

TEST(DesignGrid, IsTheCartesianProductWithTheFirstFactorSlowest) {
  const Design design = grid_design({{0.0, 1.0}, {0.1, 0.5, 0.9}});
  ASSERT_EQ(design.rows, 6u);
  ASSERT_EQ(design.cols, 2u);
  const double expected[6][2] = {{0, 0.1}, {0, 0.5}, {0, 0.9}, {1, 0.1}, {1, 0.5}, {1, 0.9}};
  for (std::size_t r = 0; r < 6; ++r) {
    EXPECT_EQ(design.at(r, 0), expected[r][0]) << r;
    EXPECT_EQ(design.at(r, 1), expected[r][1]) << r;
  }
  EXPECT_FALSE(design.morris.has_value());
  EXPECT_EQ(grid_design({{0.5}, {0, 1}, {0, 0.5, 1}, {0, 1}}).rows, 12u);
}

TEST(DesignGrid, RejectsBadLevels) {
  expect_invalid([] { grid_design({}); }, "at least one factor");
  expect_invalid([] { grid_design({{0.5}, {}}); }, "factor 1 has no levels");
  expect_invalid([] { grid_design({{0.5, 1.5}}); }, "outside [0, 1]");
}

TEST(DesignLhs, HasOnePointPerStratumInEveryColumn) {
  const std::size_t n = 50, k = 4;
  const Design design = latin_hypercube(n, k, 11);
  ASSERT_EQ(design.rows, n);
  ASSERT_EQ(design.cols, k);
  expect_inside_unit_cube(design);
  for (std::size_t c = 0; c < k; ++c) {
    std::set<std::size_t> strata;
    for (std::size_t r = 0; r < n; ++r) {
      EXPECT_LT(design.at(r, c), 1.0);
      strata.insert(static_cast<std::size_t>(design.at(r, c) * n));
    }
    EXPECT_EQ(strata.size(), n) << "column " << c;
  }
  // Columns are permuted independently: the first two are not the same ordering.
  std::size_t same = 0;
  for (std::size_t r = 0; r < n; ++r) {
    same += static_cast<std::size_t>(design.at(r, 0) * n) ==
            static_cast<std::size_t>(design.at(r, 1) * n);
  }
  EXPECT_LT(same, n / 2);
}

TEST(DesignLhs, IsAPureFunctionOfTheSeed) {
  EXPECT_EQ(latin_hypercube(20, 3, 5).values, latin_hypercube(20, 3, 5).values);
  EXPECT_NE(latin_hypercube(20, 3, 5).values, latin_hypercube(20, 3, 6).values);
}

TEST(DesignLhs, RejectsBadArguments) {
  expect_invalid([] { latin_hypercube(0, 3, 1); }, "n > 0");
  expect_invalid([] { latin_hypercube(10, 0, 1); }, "at least one factor");
}

TEST(DesignMorris, TrajectoriesMoveEachFactorOnceByDelta) {
  const std::size_t r = 30, k = 5, p = 4;
  const Design design = morris_design(r, k, p, 3);
  ASSERT_EQ(design.rows, r * (k + 1));
  ASSERT_EQ(design.cols, k);
  ASSERT_TRUE(design.morris.has_value());
  const MorrisLayout& layout = *design.morris;
  EXPECT_EQ(layout.trajectories, r);
  EXPECT_DOUBLE_EQ(layout.delta, 4.0 / 6.0);  // p / (2 (p - 1))
  expect_inside_unit_cube(design);
  std::size_t up = 0, down = 0;
  for (std::size_t t = 0; t < r; ++t) {
    const std::size_t first = t * (k + 1);
    EXPECT_EQ(layout.moved_factor[first], MorrisLayout::kNone);
    std::set<std::size_t> moved;
    for (std::size_t m = 1; m <= k; ++m) {
      const std::size_t row = first + m;
      std::size_t changed = 0;
      for (std::size_t c = 0; c < k; ++c) {
        const double difference = design.at(row, c) - design.at(row - 1, c);
        if (difference == 0) continue;
        ++changed;
        EXPECT_EQ(c, layout.moved_factor[row]);
        EXPECT_NEAR(std::abs(difference), layout.delta, 1e-12);
        EXPECT_NEAR(difference, layout.step[row], 1e-12);
      }
      EXPECT_EQ(changed, 1u) << "row " << row;
      moved.insert(layout.moved_factor[row]);
      (layout.step[row] > 0 ? up : down) += 1;
    }
    EXPECT_EQ(moved.size(), k) << "trajectory " << t;
  }
  // Both directions occur (random direction per factor).
  EXPECT_GT(up, 0u);
  EXPECT_GT(down, 0u);
  // Every point lies on the grid {0, 1/3, 2/3, 1}.
  for (double v : design.values) {
    EXPECT_NEAR(v * 3, std::round(v * 3), 1e-12);
  }
}

TEST(DesignMorris, TwoLevelsGiveAFullUnitStep) {
  const Design design = morris_design(4, 2, 2, 9);
  EXPECT_DOUBLE_EQ(design.morris->delta, 1.0);
  for (double v : design.values) EXPECT_TRUE(v == 0.0 || v == 1.0);
}

TEST(DesignMorris, IsAPureFunctionOfTheSeed) {
  EXPECT_EQ(morris_design(10, 3, 4, 1).values, morris_design(10, 3, 4, 1).values);
  EXPECT_NE(morris_design(10, 3, 4, 1).values, morris_design(10, 3, 4, 2).values);
}

TEST(DesignMorris, RejectsBadArguments) {
  expect_invalid([] { morris_design(0, 3, 4, 1); }, "at least one trajectory");
  expect_invalid([] { morris_design(5, 0, 4, 1); }, "at least one factor");
  expect_invalid([] { morris_design(5, 3, 3, 1); }, "even and >= 2, got 3");
  expect_invalid([] { morris_design(5, 3, 0, 1); }, "even and >= 2, got 0");
}

TEST(DesignSaltelli, RowsFollowTheLayout) {
  const std::size_t n = 64, k = 3;
  const Design design = saltelli_design(n, k, 21);
  ASSERT_EQ(design.rows, n * (k + 2));
  ASSERT_EQ(design.cols, k);
  ASSERT_TRUE(design.saltelli.has_value());
  EXPECT_EQ(design.saltelli->n_base, n);
  expect_inside_unit_cube(design);
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t a = j * (k + 2), b = a + k + 1;
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t c = 0; c < k; ++c) {
        EXPECT_EQ(design.at(a + 1 + i, c), c == i ? design.at(b, c) : design.at(a, c));
      }
    }
  }
}

TEST(DesignSaltelli, KeepsTheLowDiscrepancyOfTheSobolSequence) {
  // The first 2^m points of a (digitally shifted) Sobol' sequence put exactly one point in each
  // of 2^m equal intervals of every one-dimensional projection; the boost sequence starts at
  // index 1, so the first 2^m - 1 points leave exactly one interval empty.
  const std::size_t n = 63, k = 2;
  const Design design = saltelli_design(n, k, 4);
  for (const std::size_t row_offset : {std::size_t{0}, k + 1}) {  // A, then B
    for (std::size_t c = 0; c < k; ++c) {
      std::set<std::size_t> cells;
      for (std::size_t j = 0; j < n; ++j) {
        cells.insert(static_cast<std::size_t>(design.at(j * (k + 2) + row_offset, c) * 64));
      }
      EXPECT_EQ(cells.size(), n);
    }
  }
}

TEST(DesignSaltelli, IsAPureFunctionOfTheSeed) {
  EXPECT_EQ(saltelli_design(16, 2, 8).values, saltelli_design(16, 2, 8).values);
  EXPECT_NE(saltelli_design(16, 2, 8).values, saltelli_design(16, 2, 9).values);
}

TEST(DesignSaltelli, RejectsBadArguments) {
  expect_invalid([] { saltelli_design(0, 2, 1); }, "n_base > 0");
  expect_invalid([] { saltelli_design(8, 0, 1); }, "at least one factor");
  expect_invalid([] { saltelli_design(8, 2000, 1); }, "at most 1833 factors");
}

}  // namespace
}  // namespace salonsim::stats
