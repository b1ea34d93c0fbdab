#include "sim/calibration/abc_smc.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace salonsim::calibration {
namespace {

TEST(WeightedQuantile, FollowsTheCumulativeWeights) {
  // Sorted: 1 (w 1), 2 (w 1), 3 (w 2): cumulative 1/4, 2/4, 4/4.
  EXPECT_EQ(weighted_quantile({3, 1, 2}, {2, 1, 1}, 0.25), 1);
  EXPECT_EQ(weighted_quantile({3, 1, 2}, {2, 1, 1}, 0.5), 2);
  EXPECT_EQ(weighted_quantile({3, 1, 2}, {2, 1, 1}, 0.51), 3);
  EXPECT_EQ(weighted_quantile({3, 1, 2}, {2, 1, 1}, 1.0), 3);
}

TEST(CutNormalDensity, IntegratesToOneOnTheUnitInterval) {
  for (const double center : {0.0, 0.3, 0.97}) {
    for (const double sigma : {0.05, 0.3, 2.0}) {
      double integral = 0;
      const int n = 20000;
      for (int i = 0; i < n; ++i) integral += cut_normal_density((i + 0.5) / n, center, sigma) / n;
      EXPECT_NEAR(integral, 1.0, 1e-6) << center << " " << sigma;
    }
  }
  // Uncut in the middle: the plain normal density, 1 / (sigma sqrt(2 pi)) at the centre.
  EXPECT_NEAR(cut_normal_density(0.5, 0.5, 0.01), 1 / (0.01 * std::sqrt(2 * M_PI)), 1e-6);
}

/// A model with a known posterior: statistic = theta + N(0, 0.05), theta = u uniform on [0, 1],
/// observed 0.3 with sd 0.05. As the tolerance shrinks, the posterior tends to theta | data ~
/// N(0.3, 0.05) (the prior's cut at 0 and 1 is six sd away).
struct Toy {
  AbcParams params{.particles = 300, .generations = 8, .quantile = 0.5};
  RandomStream noise{99, 0, "toy"};
  double statistic(const Candidate& c) const {
    return c.unit[0] + 0.05 * noise.normal(0, c.slot, 0);
  }
};

Generation run_toy(const Toy& toy, std::size_t* simulations = nullptr) {
  AbcSmc abc(toy.params, 1, 100000, 5);
  for (auto batch = abc.next_batch(); !batch.empty(); batch = abc.next_batch()) {
    std::vector<double> distances;
    std::vector<std::vector<double>> statistics;
    for (const Candidate& c : batch) {
      const double s = toy.statistic(c);
      statistics.push_back({s});
      distances.push_back(std::abs(s - 0.3) / 0.05);
    }
    abc.record(distances, statistics);
  }
  EXPECT_EQ(abc.stop_reason(), "generations");
  if (simulations != nullptr) *simulations = abc.candidates().size();
  return abc.generations().back();
}

TEST(AbcSmc, ApproachesTheKnownPosterior) {
  const Toy toy;
  const Generation posterior = run_toy(toy);
  ASSERT_EQ(posterior.particles.size(), 300u);
  double mean = 0, total = 0;
  for (const Particle& p : posterior.particles) {
    mean += p.weight * p.unit[0];
    total += p.weight;
    EXPECT_LE(p.distance, posterior.tolerance);
  }
  double variance = 0;
  for (const Particle& p : posterior.particles)
    variance += p.weight * (p.unit[0] - mean) * (p.unit[0] - mean);
  EXPECT_NEAR(total, 1.0, 1e-12);
  // N(0.3, 0.05): the mean within 3 standard errors (0.05 / sqrt(ESS ~ 250) ~ 0.003), and the sd
  // within 20% (a tolerance of eps sd adds eps^2 / 3 of the variance).
  EXPECT_NEAR(mean, 0.3, 0.01);
  EXPECT_NEAR(std::sqrt(variance), 0.05, 0.01);
  EXPECT_LT(posterior.tolerance, 0.5);
  EXPECT_GT(posterior.effective_sample_size(), 150);
}

TEST(AbcSmc, IsDeterministicAndKeepsTheFirstAcceptedInCandidateOrder) {
  const Toy toy;
  std::size_t first_count = 0, second_count = 0;
  const Generation a = run_toy(toy, &first_count), b = run_toy(toy, &second_count);
  EXPECT_EQ(first_count, second_count);
  ASSERT_EQ(a.particles.size(), b.particles.size());
  for (std::size_t i = 0; i < a.particles.size(); ++i) {
    EXPECT_EQ(a.particles[i].slot, b.particles[i].slot);
    EXPECT_EQ(a.particles[i].weight, b.particles[i].weight);
    if (i > 0) {
      EXPECT_LT(a.particles[i - 1].slot, a.particles[i].slot);
    }
  }
}

TEST(AbcSmc, StopsWhenTheBudgetRunsOutAndKeepsTheLastWholeGeneration) {
  Toy toy;
  AbcSmc abc(toy.params, 1, 700, 5);
  for (auto batch = abc.next_batch(); !batch.empty(); batch = abc.next_batch()) {
    std::vector<double> distances;
    std::vector<std::vector<double>> statistics;
    for (const Candidate& c : batch) {
      statistics.push_back({toy.statistic(c)});
      distances.push_back(std::abs(statistics.back()[0] - 0.3) / 0.05);
    }
    abc.record(distances, statistics);
  }
  EXPECT_EQ(abc.stop_reason(), "budget");
  EXPECT_LE(abc.candidates().size(), 700u);
  EXPECT_GE(abc.generations().size(), 1u);
  EXPECT_EQ(abc.generations().back().particles.size(), 300u);
}

}  // namespace
}  // namespace salonsim::calibration
