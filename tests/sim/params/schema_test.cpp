#include "sim/params/schema.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace salonsim::params {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- describe_range --------------------------------------------------------------------------

TEST(DescribeRange, UnboundedIsEmpty) {
  EXPECT_EQ(describe_range(Meta{}), "");
}

TEST(DescribeRange, InclusiveMinimum) {
  EXPECT_EQ(describe_range({.min = 1}), "must be >= 1");
}

TEST(DescribeRange, ExclusiveMinimum) {
  EXPECT_EQ(describe_range({.min = 0, .min_exclusive = true}), "must be > 0");
}

TEST(DescribeRange, InclusiveMaximum) {
  EXPECT_EQ(describe_range({.max = 1}), "must be <= 1");
}

TEST(DescribeRange, ExclusiveMaximum) {
  EXPECT_EQ(describe_range({.max = 1, .max_exclusive = true}), "must be < 1");
}

TEST(DescribeRange, BothBoundsUseIntervalNotation) {
  EXPECT_EQ(describe_range({.min = 0, .max = 1}), "must be in [0, 1]");
  EXPECT_EQ(describe_range({.min = 0, .min_exclusive = true, .max = 1, .max_exclusive = true}),
            "must be in (0, 1)");
  EXPECT_EQ(describe_range({.min = 0, .min_exclusive = true, .max = 100}), "must be in (0, 100]");
  EXPECT_EQ(describe_range({.min = -0.2, .max = 0.2, .max_exclusive = true}),
            "must be in [-0.2, 0.2)");
}

TEST(DescribeRange, LargeBoundsAreWrittenInFull) {
  EXPECT_EQ(describe_range({.min = 1, .max = 50'000'000}), "must be in [1, 50000000]");
}

// ---- in_range --------------------------------------------------------------------------------

TEST(InRange, InclusiveBoundsAcceptTheBound) {
  const Meta meta{.min = 0, .max = 1};
  EXPECT_TRUE(in_range(0, meta));
  EXPECT_TRUE(in_range(1, meta));
  EXPECT_TRUE(in_range(0.5, meta));
  EXPECT_FALSE(in_range(-1e-12, meta));
  EXPECT_FALSE(in_range(1.0000001, meta));
}

TEST(InRange, ExclusiveBoundsRejectTheBound) {
  const Meta meta{.min = 0, .min_exclusive = true, .max = 1, .max_exclusive = true};
  EXPECT_FALSE(in_range(0, meta));
  EXPECT_FALSE(in_range(1, meta));
  EXPECT_TRUE(in_range(1e-300, meta));
  EXPECT_TRUE(in_range(std::nextafter(1.0, 0.0), meta));
}

TEST(InRange, UnboundedAcceptsAnyFiniteNumber) {
  EXPECT_TRUE(in_range(-1e300, Meta{}));
  EXPECT_TRUE(in_range(0, Meta{}));
  EXPECT_TRUE(in_range(1e300, Meta{}));
}

TEST(InRange, NaNIsRejectedEvenWithoutBounds) {
  EXPECT_FALSE(in_range(kNaN, Meta{}));
  EXPECT_FALSE(in_range(kNaN, {.min = 0, .max = 1}));
}

TEST(InRange, InfinityIsRejectedEvenWithoutBounds) {
  EXPECT_FALSE(in_range(kInf, Meta{}));
  EXPECT_FALSE(in_range(-kInf, Meta{}));
  EXPECT_FALSE(in_range(kInf, {.min = 0}));
}

// ---- format_number ---------------------------------------------------------------------------

TEST(FormatNumber, IsTheShortestTextThatReadsBack) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(2.15), "2.15");
  EXPECT_EQ(format_number(0.0094), "0.0094");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
}

TEST(FormatNumber, WholeNumbersHaveNoDecimalPoint) {
  EXPECT_EQ(format_number(1.0), "1");
  EXPECT_EQ(format_number(-5.0), "-5");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(10000.0), "10000");
}

TEST(FormatNumber, RoundTripsThroughStod) {
  for (const double value :
       {0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 1.7976931348623157e308, -0.0094, 123456789.123456789}) {
    EXPECT_EQ(std::stod(format_number(value)), value) << format_number(value);
  }
}

// ---- index_key / PathStack -------------------------------------------------------------------

TEST(IndexKey, IsTheIndexInBrackets) {
  EXPECT_EQ(index_key(0), "[0]");
  EXPECT_EQ(index_key(12), "[12]");
}

TEST(PathStack, EmptyStackJoinsToTheKeyAlone) {
  const PathStack path;
  EXPECT_EQ(path.current(), "");
  EXPECT_EQ(path.join("name"), "name");
  EXPECT_EQ(path.join(""), "");
}

TEST(PathStack, SectionsAreDottedAndIndicesAreAttached) {
  PathStack path;
  path.push("town");
  path.push("districts");
  path.push(index_key(2));
  EXPECT_EQ(path.current(), "town.districts[2]");
  EXPECT_EQ(path.join("radius_m"), "town.districts[2].radius_m");
  EXPECT_EQ(path.join(""), "town.districts[2]");
  path.pop();
  path.pop();
  EXPECT_EQ(path.join("population"), "town.population");
}

}  // namespace
}  // namespace salonsim::params
