#include "models/groups/next_try.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace salonsim::models {
namespace {

constexpr double kFar = 1 << 30;

// The inversion written out in full, as the groups drew it before the shortcut.
double by_both_logs(double chance, double u) {
  const double steps = chance >= 1.0 ? 0.0
                       : u <= 0.0    ? kFar
                                     : std::floor(std::log(u) / std::log1p(-chance));
  return std::min(steps, kFar);
}

TEST(NextTry, WorkedByHand) {
  // Chance 1/2: u in (1/2, 1) has the event at once; u in (1/4, 1/2] after one step without;
  // (1/8, 1/4] after two.
  EXPECT_EQ(steps_without_event(0.5, 0.75, kFar), 0.0);
  EXPECT_EQ(steps_without_event(0.5, 0.4, kFar), 1.0);
  EXPECT_EQ(steps_without_event(0.5, 0.2, kFar), 2.0);
  EXPECT_EQ(steps_without_event(1.0, 0.1, kFar), 0.0);   // surely at once
  EXPECT_EQ(steps_without_event(0.3, 0.0, kFar), kFar);  // never
  EXPECT_EQ(steps_without_event(0.0, 0.9, kFar), kFar);  // never
  EXPECT_EQ(next_try_step(10, 0.5, 0.4), StoredStep{11});
}

TEST(NextTry, TheShortcutGivesTheLogsAnswerEverywhereAndAtItsEdge) {
  std::mt19937_64 random(20261206);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int k = 0; k < 1'000'000; ++k) {
    const double chance = std::pow(10.0, -12.0 * uniform(random));  // 1e-12 to 1
    const double u = uniform(random);
    ASSERT_EQ(steps_without_event(chance, u, kFar), by_both_logs(chance, u)) << chance << " " << u;
  }
  // u just either side of 1 - chance, by a few ulps and by relative steps up to 1e-9, where the
  // quotient lies near 1 and the shortcut's margin decides.
  for (int k = 0; k < 20'000; ++k) {
    const double chance = std::pow(10.0, -9.0 * uniform(random));
    const double edge = 1.0 - chance;
    for (const double relative : {0.0, 1e-15, 1e-13, 1e-12, 1.1e-12, 1e-11, 1e-9}) {
      for (const double sign : {-1.0, 1.0}) {
        double u = edge * (1.0 + sign * relative);
        for (int ulps = -3; ulps <= 3; ++ulps) {
          double v = u;
          for (int s = 0; s < std::abs(ulps); ++s) v = std::nextafter(v, ulps > 0 ? 2.0 : 0.0);
          if (v >= 1.0) continue;
          ASSERT_EQ(steps_without_event(chance, v, kFar), by_both_logs(chance, v))
              << chance << " " << v;
        }
      }
    }
  }
}

}  // namespace
}  // namespace salonsim::models
