#include "sim/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace salonsim {
namespace {

TEST(StreamId, IsFnv1aOfTheMechanismName) {
  // Worked out by hand (FNV-1a, 32 bit) so that renaming the hash breaks this test.
  EXPECT_EQ(stream_id(""), 2166136261u);
  EXPECT_EQ(stream_id("health"), 1805184399u);
  EXPECT_EQ(stream_id("town"), 864577349u);
  static_assert(stream_id("health") == 1805184399u);
}

TEST(RandomStream, SameCounterGivesSameDraw) {
  const RandomStream a(42, 3, "health"), b(42, 3, "health");
  for (std::uint64_t agent = 0; agent < 100; ++agent) {
    EXPECT_EQ(a.uniform(7, agent, 2), b.uniform(7, agent, 2));
  }
}

TEST(RandomStream, EveryKeyPartChangesTheDraw) {
  const RandomStream base(42, 3, "health");
  const double x = base.uniform(7, 11, 2);
  EXPECT_NE(x, RandomStream(43, 3, "health").uniform(7, 11, 2));
  EXPECT_NE(x, RandomStream(42, 4, "health").uniform(7, 11, 2));
  EXPECT_NE(x, RandomStream(42, 3, "town").uniform(7, 11, 2));
  EXPECT_NE(x, base.uniform(8, 11, 2));
  EXPECT_NE(x, base.uniform(7, 12, 2));
  EXPECT_NE(x, base.uniform(7, 11, 3));
}

TEST(RandomStream, UniformIsTheFirstOfUniforms4) {
  const RandomStream s(1, 0, "x");
  EXPECT_EQ(s.uniform(5, 6, 7), s.uniforms4(5, 6, 7)[0]);
  EXPECT_EQ(s.uniform(kSetupStep, 6, 7), s.uniforms4(kSetupStep, 6, 7)[0]);
}

TEST(RandomStream, UniformsByFourAreOneCallForEachBlockOfFourAgents) {
  const RandomStream s(1, 0, "x");
  const std::array<double, 4> block = s.uniforms_by_four(5, 8, 7);
  for (std::uint64_t agent = 8; agent < 12; ++agent)
    EXPECT_EQ(s.uniforms_by_four(5, agent, 7), block);
  EXPECT_NE(s.uniforms_by_four(5, 12, 7), block);
  EXPECT_NE(s.uniforms_by_four(6, 8, 7), block);
  EXPECT_NE(s.uniforms_by_four(5, 8, 8), block);
  // Never a per-agent draw: not that of agent 2 (the block's number), nor of any in the block.
  EXPECT_NE(s.uniforms4(5, 2, 7), block);
  for (std::uint64_t agent = 8; agent < 12; ++agent) EXPECT_NE(s.uniforms4(5, agent, 7), block);
  for (const double u : block) {
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(RandomStream, MomentsOfUniformNormalAndExponential) {
  const RandomStream s(2024, 0, "moments");
  constexpr int kN = 200000;
  double sum_u = 0, sum_z = 0, sum_z2 = 0, sum_e = 0, min_u = 1, max_u = 0;
  for (int i = 0; i < kN; ++i) {
    const double u = s.uniform(0, i, 0);
    min_u = std::min(min_u, u);
    max_u = std::max(max_u, u);
    sum_u += u;
    const double z = s.normal(0, i, 1);
    sum_z += z;
    sum_z2 += z * z;
    sum_e += s.exponential(0, i, 2);
  }
  EXPECT_GE(min_u, 0.0);
  EXPECT_LT(max_u, 1.0);
  // Standard errors: uniform mean 0.00065, normal mean 0.0022, variance 0.0032, exp mean 0.0022.
  EXPECT_NEAR(sum_u / kN, 0.5, 0.003);
  EXPECT_NEAR(sum_z / kN, 0.0, 0.01);
  EXPECT_NEAR(sum_z2 / kN, 1.0, 0.015);
  EXPECT_NEAR(sum_e / kN, 1.0, 0.01);
}

TEST(RandomStream, BernoulliFollowsTheUniform) {
  const RandomStream s(9, 0, "b");
  for (int i = 0; i < 50; ++i) EXPECT_EQ(s.bernoulli(0.3, 1, i, 0), s.uniform(1, i, 0) < 0.3);
}

}  // namespace
}  // namespace salonsim
