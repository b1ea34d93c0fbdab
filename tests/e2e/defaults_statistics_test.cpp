// Seeded statistical checks of the default parameters against the published figures in
// SCIENCE.md. Tolerances come from the sampling error at these sizes (about 3 standard errors)
// or from the published confidence intervals, so a real change in the model shows up.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "models/build.hpp"
#include "models/health/health.hpp"
#include "models/scenario.hpp"
#include "models/town/town_builder.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;

Scenario town_scenario() {
  return load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios/town.yaml");
}

std::unique_ptr<Simulation> run(const Scenario& scenario) {
  auto sim = build_simulation(scenario, {scenario.run.seed, 0});
  sim->run();
  return sim;
}

/// Annual death probability of one sex while aged [lo, lo+5), from all person-time of a run.
double band_death_probability(const Simulation& sim, int sex, double lo) {
  const Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  const std::int64_t steps = sim.current_step();
  double exposure = 0, deaths = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.sex[i] != sex || p.entry_step[i] >= steps) continue;
    const std::int64_t exit = p.death_step[i] >= 0 ? p.death_step[i] + 1 : steps;
    const double age_in = p.age0[i], age_out = age_in + (exit - p.entry_step[i]) * dt;
    exposure += std::max(0.0, std::min(age_out, lo + 5) - std::max(age_in, lo));
    if (p.death_step[i] >= 0) {
      const double at_death = age_in + (p.death_step[i] - p.entry_step[i] + 0.5) * dt;
      deaths += at_death >= lo && at_death < lo + 5;
    }
  }
  return 1.0 - std::exp(-deaths / exposure);
}

/// Share of residents independent at the start who are certified within `years`.
double certified_within(const Simulation& sim, double years) {
  const Population& p = sim.population();
  const auto steps = static_cast<std::int32_t>(std::lround(years / sim.clock().years_per_step()));
  double independent = 0, certified = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] != 0 || p.certified0[i]) continue;
    independent += 1;
    certified += p.disability_step[i] >= 0 && p.disability_step[i] < steps;
  }
  return certified / independent;
}

double share(const Population& p, const std::function<bool(std::size_t)>& in,
             const std::vector<std::uint8_t>& flag) {
  double n = 0, k = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!in(i)) continue;
    n += 1;
    k += flag[i];
  }
  return k / n;
}

// The acceptance figures, on scenarios/town.yaml at its own seed.
TEST(DefaultsTown, MatchesThePublishedFiguresAtTheScenarioSeed) {
  const auto sim = run(town_scenario());
  const Population& p = sim->population();
  EXPECT_NEAR(band_death_probability(*sim, 0, 75), 0.0226, 0.2 * 0.0226) << "men 75-79";
  const double certified3 = certified_within(*sim, 3);
  EXPECT_GT(certified3, 0.06);
  EXPECT_LT(certified3, 0.11);
  const double isolated = share(
      p, [&](std::size_t i) { return p.entry_step[i] == 0; }, p.isolated0);
  EXPECT_GT(isolated, 0.12);
  EXPECT_LT(isolated, 0.20);
  EXPECT_NEAR(share(
                  p, [&](std::size_t i) { return p.sex[i] == 0; }, p.lives_alone),
              0.150, 0.03);
  EXPECT_NEAR(share(
                  p, [&](std::size_t i) { return p.sex[i] == 1; }, p.lives_alone),
              0.221, 0.03);
}

class DefaultsLargeTown : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Scenario scenario = town_scenario();
    scenario.town.population = 300000;
    scenario.run.years = 3;
    scenario_ = new Scenario(scenario);
    sim_ = run(scenario).release();
  }
  static void TearDownTestSuite() {
    delete sim_;
    delete scenario_;
  }
  static Scenario* scenario_;
  static Simulation* sim_;
};
Scenario* DefaultsLargeTown::scenario_ = nullptr;
Simulation* DefaultsLargeTown::sim_ = nullptr;

TEST_F(DefaultsLargeTown, IsolationBySexMatchesJages) {
  const Population& p = sim_->population();
  // Saito et al. 2015: contact with others less than once a week, men 21.2%, women 10.6%.
  // Binomial standard error here is about 0.1 point; the band allows for calibration error.
  EXPECT_NEAR(share(
                  p, [&](std::size_t i) { return p.sex[i] == 0; }, p.isolated0),
              0.212, 0.012);
  EXPECT_NEAR(share(
                  p, [&](std::size_t i) { return p.sex[i] == 1; }, p.isolated0),
              0.106, 0.012);
}

TEST_F(DefaultsLargeTown, LowIncomeShareIsWithinTheTaketoyoRange) {
  const Population& p = sim_->population();
  const double low = share(
      p, [](std::size_t) { return true; }, p.income_low);
  EXPECT_GT(low, 0.46);
  EXPECT_LT(low, 0.53);
}

TEST_F(DefaultsLargeTown, FirstYearDeathsMatchTheLifeTableInEverySexAndBand) {
  // Expected deaths in year one: each resident's life-table probability at their mid-year age.
  const Population& p = sim_->population();
  const auto year = static_cast<std::int32_t>(std::lround(1 / sim_->clock().years_per_step()));
  for (int sex = 0; sex < 2; ++sex) {
    for (double lo : {65.0, 70.0, 75.0, 80.0, 85.0}) {
      double expected = 0, observed = 0;
      for (std::size_t i = 0; i < p.size(); ++i) {
        if (p.sex[i] != sex || p.entry_step[i] != 0 || p.age0[i] < lo || p.age0[i] >= lo + 5)
          continue;
        expected += life_table_probability(scenario_->health.mortality, static_cast<Sex>(sex),
                                           p.age0[i] + 0.5);
        observed += p.death_step[i] >= 0 && p.death_step[i] < year;
      }
      const double tolerance =
          3.0 / std::sqrt(expected) + 0.05;  // sampling error and frailty drift
      EXPECT_NEAR(observed / expected, 1.0, tolerance)
          << "sex " << sex << " age " << lo << " expected " << expected << " observed " << observed;
    }
  }
}

TEST_F(DefaultsLargeTown, ThreeYearCertificationOfTheIndependentMatchesTsuji) {
  // Tsuji et al. 2019: 8.7% over 3 years; about 23,000 independent residents here give a
  // standard error of 0.2 points.
  EXPECT_NEAR(certified_within(*sim_, 3), 0.087, 0.008);
}

/// Mantel-Haenszel rate ratio of an event (step column) for baseline isolation, stratified by
/// sex, age band, income, living alone and certification at the start, over `years`.
double isolation_rate_ratio(const Simulation& sim, const std::vector<std::int32_t>& event_step,
                            bool independent_only, double years) {
  const Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  const auto horizon = static_cast<std::int32_t>(std::lround(years / dt));
  std::map<int, std::array<double, 4>> strata;  // events and time, isolated and not
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] != 0 || (independent_only && p.certified0[i])) continue;
    const bool event = event_step[i] >= 0 && event_step[i] < horizon;
    std::int32_t end = horizon;
    if (p.death_step[i] >= 0) end = std::min(end, p.death_step[i] + 1);
    if (event) end = std::min(end, event_step[i] + 1);
    const int key = p.sex[i] + 2 * age_band(p.age0[i]) + 20 * p.income_low[i] +
                    40 * p.lives_alone[i] + 80 * p.certified0[i];
    auto& s = strata[key];
    s[p.isolated0[i] ? 0 : 2] += event;
    s[p.isolated0[i] ? 1 : 3] += end * dt;
  }
  double numerator = 0, denominator = 0;
  for (const auto& [key, s] : strata) {
    const double time = s[1] + s[3];
    if (time <= 0) continue;
    numerator += s[0] * s[3] / time;
    denominator += s[2] * s[1] / time;
  }
  return numerator / denominator;
}

TEST_F(DefaultsLargeTown, IsolationHazardRatiosFallInThePublishedIntervals) {
  const Population& p = sim_->population();
  // Saito et al. 2015: LTC 1.37 (1.16-1.61), death 1.34 (1.16-1.55).
  const double certification = isolation_rate_ratio(*sim_, p.disability_step, true, 3);
  EXPECT_GT(certification, 1.16);
  EXPECT_LT(certification, 1.61);
  const double death = isolation_rate_ratio(*sim_, p.death_step, false, 3);
  EXPECT_GT(death, 1.16);
  EXPECT_LT(death, 1.55);
}

}  // namespace
}  // namespace salonsim::models
