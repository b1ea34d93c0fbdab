#include "sim/distance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/random.hpp"

namespace salonsim {
namespace {

float by_hypot(double dx, double dy) {
  return static_cast<float>(std::hypot(dx, dy));
}

TEST(DistanceAsFloat, WorkedByHand) {
  EXPECT_EQ(distance_as_float(3.0, 4.0), 5.0f);
  EXPECT_EQ(distance_as_float(-3.0, 4.0), 5.0f);
  EXPECT_EQ(distance_as_float(0.0, 0.0), 0.0f);
  EXPECT_EQ(distance_as_float(0.0, -250.0), 250.0f);
}

TEST(DistanceAsFloat, TheSameAsHypotOverATownsDistances) {
  // Offsets between float coordinates and double ones, as the step forms them, up to 50 km.
  const RandomStream stream(20261206, 0, "distance_test");
  for (std::int64_t k = 0; k < 2'000'000; ++k) {
    const auto u = stream.uniforms4(0, k, 0);
    const double scale = std::pow(10.0, 5.0 * u[2] - 0.3);  // 0.5 m to 50 km
    const double dx =
        static_cast<double>(static_cast<float>(scale * (2 * u[0] - 1))) - scale * 0.37 * u[3];
    const double dy = scale * (2 * u[1] - 1);
    ASSERT_EQ(distance_as_float(dx, dy), by_hypot(dx, dy)) << dx << " " << dy;
  }
}

TEST(DistanceAsFloat, HalfwayBetweenTwoFloatsIsLeftToHypot) {
  // Distances at the midpoint of two neighbouring floats, and a few double ulps either side:
  // sqrt's rounding could fall either way there, and the answer must still be std::hypot's.
  const RandomStream stream(7, 0, "distance_test_midpoints");
  int near_midpoints = 0;
  for (std::int64_t k = 0; k < 20'000; ++k) {
    const auto u = stream.uniforms4(0, k, 0);
    const float f = static_cast<float>(1.0 + 9999.0 * u[0]);
    const double midpoint =
        (static_cast<double>(f) + std::nextafter(f, std::numeric_limits<float>::infinity())) / 2;
    const double angle = 1.5 * u[1];
    for (int ulps = -4; ulps <= 4; ++ulps) {
      double d = midpoint;
      for (int s = 0; s < std::abs(ulps); ++s) d = std::nextafter(d, ulps > 0 ? 2 * midpoint : 0.0);
      const double dx = d * std::cos(angle), dy = d * std::sin(angle);
      ASSERT_EQ(distance_as_float(dx, dy), by_hypot(dx, dy)) << dx << " " << dy;
      ++near_midpoints;
    }
  }
  EXPECT_EQ(near_midpoints, 180'000);
}

TEST(DistanceAsFloat, BeyondTheRangeOfSquares) {
  const double huge = 1e200, inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(distance_as_float(huge, huge), by_hypot(huge, huge));
  EXPECT_EQ(distance_as_float(inf, 1.0), by_hypot(inf, 1.0));
  EXPECT_EQ(distance_as_float(1e-200, 0.0), by_hypot(1e-200, 0.0));
  EXPECT_TRUE(std::isnan(distance_as_float(std::nan(""), 1.0)));
}

}  // namespace
}  // namespace salonsim
