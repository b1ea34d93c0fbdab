#include "models/groups/join_draw.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace salonsim::models {
namespace {

TEST(JoinDraw, WorkedByHand) {
  // Odds 1: a chance of 1/2. Odds 3: 3/4.
  EXPECT_TRUE(joins_at_odds(0.49, 1.0));
  EXPECT_FALSE(joins_at_odds(0.5, 1.0));
  EXPECT_TRUE(joins_at_odds(0.74, 3.0));
  EXPECT_FALSE(joins_at_odds(0.75, 3.0));
  // Without a count of friends: below 1/2 at the least odds, 1, by the margin.
  EXPECT_TRUE(joins_whatever_friends(0.49, 1.0));
  EXPECT_FALSE(joins_whatever_friends(0.5, 1.0));
  EXPECT_FALSE(joins_whatever_friends(0.5 * (1.0 - 1e-13), 1.0)) << "within the margin";
  EXPECT_TRUE(joins_whatever_friends(0.5 * (1.0 - 1e-11), 1.0)) << "beyond it";
  // Odds of 0 or NaN: nobody joins without the exact test.
  EXPECT_FALSE(joins_whatever_friends(0.0, 0.0));
  EXPECT_FALSE(joins_whatever_friends(0.1, std::numeric_limits<double>::quiet_NaN()));
}

// Every draw let through without a count of friends joins at every count, as the groups' step
// works the odds out (odds times the factor of k friends, the factor pow(or, k)): random odds
// over nine orders of magnitude and draws anywhere, at the chance's float neighbours and within
// relative 1e-15 to 1e-9 of it, for factors that raise and that lower the odds.
TEST(JoinDraw, ADrawLetThroughWithoutFriendsJoinsAtEveryCountOfFriends) {
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::size_t let_through = 0;
  for (const double per_friend : {0.5, 0.83, 1.0, 1.2, 2.0, 3.7}) {
    for (int most_counted = 0; most_counted <= 5; ++most_counted) {
      std::vector<double> factor;
      for (int k = 0; k <= most_counted; ++k) factor.push_back(std::pow(per_friend, k));
      const double least_factor = std::min(factor.front(), factor.back());
      for (int n = 0; n < 3000; ++n) {
        const double odds = std::pow(10.0, -6.0 + 9.0 * unit(random));
        const double least = odds * least_factor;
        const double chance = least / (1.0 + least);
        std::vector<double> draws = {unit(random), chance};
        double below = chance, above = chance;
        for (int k = 0; k < 4; ++k) {
          below = std::nextafter(below, 0.0);
          above = std::nextafter(above, 1.0);
          draws.push_back(below);
          draws.push_back(above);
        }
        for (const double relative : {1e-15, 1e-13, 1e-12, 1e-11, 1e-9}) {
          draws.push_back(chance * (1.0 - relative));
          draws.push_back(chance * (1.0 + relative));
        }
        for (const double w : draws) {
          if (!joins_whatever_friends(w, least)) continue;
          ++let_through;
          for (const double f : factor)
            ASSERT_TRUE(joins_at_odds(w, odds * f)) << odds << " " << f << " " << w;
        }
      }
    }
  }
  EXPECT_GT(let_through, 100000u);
}

}  // namespace
}  // namespace salonsim::models
