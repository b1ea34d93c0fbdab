// Financial hardship: the steady state by hand, scheduled episodes keeping it, and relief.
#include "models/welfare/hardship.hpp"

#include <gtest/gtest.h>

#include "tests/support/small_town.hpp"

namespace salonsim::models {
namespace {

using testing::residents_at;
using testing::small_simulation;

TEST(Hardship, SteadyStateShareAndStepsByHand) {
  // Onset 0.12 a year, episodes of a year on average: 0.12 / 1.12 = 0.1071 in hardship.
  EXPECT_NEAR(hardship_prevalence(0.12, 1.0), 0.12 / 1.12, 1e-15);
  EXPECT_DOUBLE_EQ(hardship_prevalence(0.0, 1.0), 0.0);
  const double week = 7 / 365.25;
  EXPECT_EQ(steps_until(0.001, week), 1);  // at least one step
  EXPECT_EQ(steps_until(1.0, week), 53);   // 52.18 weeks: the 53rd step
}

TEST(Hardship, ThePrevalenceStaysAtTheSteadyStateByIncome) {
  // 20,000 residents, half low-income: 10.7% and 2.9% in hardship at the start and 3 years on.
  const std::size_t n = 20000;
  Population p = residents_at(std::vector<std::pair<float, float>>(n, {0, 0}));
  for (std::size_t i = 0; i < n; ++i) p.income_low[i] = i % 2;
  HardshipParams params;
  auto sim = small_simulation(std::move(p), 157);
  sim->add_module(std::make_unique<FinancialHardship>(params));
  sim->init();
  const auto share = [&](std::uint8_t low) {
    const auto& in = sim->population().column<std::uint8_t>("in_hardship");
    double count = 0;
    for (std::size_t i = 0; i < n; ++i) count += sim->population().income_low[i] == low && in[i];
    return count / (n / 2.0);
  };
  const double low = hardship_prevalence(0.12, 1.0), high = hardship_prevalence(0.03, 1.0);
  // Binomial standard errors: 0.0031 and 0.0017; four of them.
  EXPECT_NEAR(share(1), low, 0.0124);
  EXPECT_NEAR(share(0), high, 0.0068);
  sim->run();
  EXPECT_NEAR(share(1), low, 0.0124);
  EXPECT_NEAR(share(0), high, 0.0068);
  // Person-years in hardship over the 3 years: about the share times 3 years each.
  const auto& steps_in = sim->population().column<StoredStep>("hardship_steps");
  double years = 0;
  for (std::size_t i = 1; i < n; i += 2) years += steps_in[i] * 7 / 365.25;
  EXPECT_NEAR(years / (n / 2.0), low * 157 * 7 / 365.25, 0.04);
  // Episodes start: more than the starting ones.
  const auto& episodes = sim->population().column<std::uint16_t>("hardship_episodes");
  double total = 0;
  for (std::size_t i = 1; i < n; i += 2) total += episodes[i];
  // Start: 0.107 each; new ones: 0.12 * 0.893 per year for 3 years = 0.32.
  EXPECT_NEAR(total / (n / 2.0), 0.107 + 0.12 * 0.893 * 3.0, 0.03);
}

TEST(Hardship, ReliefEndsAnEpisodeAndSchedulesTheNext) {
  Population p = residents_at({{0, 0}});
  p.income_low[0] = 1;
  HardshipParams params;
  params.onset_per_year_low_income = 100;  // a start within a step or so
  auto sim = small_simulation(std::move(p), 10);
  auto module = std::make_unique<FinancialHardship>(params);
  FinancialHardship& hardship = *module;
  sim->add_module(std::move(module));
  sim->init();
  Population& pop = sim->population();
  auto& in = pop[pop.columns.find<std::uint8_t>("in_hardship")];
  in[0] = 1;
  EXPECT_TRUE(hardship.relieve(pop, 0, 3, 7 / 365.25));
  EXPECT_EQ(in[0], 0);
  EXPECT_FALSE(hardship.relieve(pop, 0, 3, 7 / 365.25));  // not in hardship: nothing to end
  EXPECT_GT(pop.column<StoredStep>("hardship_next_change_step")[0], 3);
}

TEST(Hardship, TheDeadsLastStepInHardshipIsThatOfTheirDeath) {
  Population p = residents_at({{0, 0}});
  p.income_low[0] = 1;
  HardshipParams params;
  params.onset_per_year_low_income = 100;
  params.mean_episode_years = 1000;  // in an episode from entry to the end
  auto sim = small_simulation(std::move(p), 10);
  sim->add_module(std::make_unique<FinancialHardship>(params));
  sim->init();
  Population& pop = sim->population();
  ASSERT_EQ(pop.column<std::uint8_t>("in_hardship")[0], 1);
  for (int s = 0; s <= 4; ++s) sim->step();
  // Dies at step 4, as the schedule leaves a death: not alive from step 5 on.
  pop.alive[0] = 0;
  pop.death_step[0] = 4;
  for (int s = 5; s < 10; ++s) sim->step();
  sim->finalize();
  EXPECT_EQ(pop.column<std::int32_t>("hardship_last_step")[0], 4);
}

}  // namespace
}  // namespace salonsim::models
