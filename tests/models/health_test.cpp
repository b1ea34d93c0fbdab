#include "models/health/health.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/build.hpp"
#include "models/scenario.hpp"

namespace salonsim::models {
namespace {

TEST(LifeTable, ReproducesTheTableAtItsAges) {
  const MortalityParams m;
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(life_table_probability(m, Sex::kMale, m.ages[k]), m.men[k], 1e-12);
    EXPECT_NEAR(life_table_probability(m, Sex::kFemale, m.ages[k]), m.women[k], 1e-12);
  }
}

TEST(LifeTable, IsLogLinearBetweenAndBeyondItsAges) {
  const MortalityParams m;
  // Half-way between 67.5 and 72.5: the geometric mean of 0.94% and 1.45%.
  EXPECT_NEAR(life_table_probability(m, Sex::kMale, 70.0), std::sqrt(0.0094 * 0.0145), 1e-12);
  // Below the first age the first slope continues: 0.0094 * (0.0145/0.0094)^(-0.5).
  EXPECT_NEAR(life_table_probability(m, Sex::kMale, 65.0), 0.0094 / std::sqrt(0.0145 / 0.0094),
              1e-12);
  // Beyond the last age the last slope continues: at 87.5 one more factor of 3.98/2.26.
  EXPECT_NEAR(life_table_probability(m, Sex::kMale, 87.5), 0.0398 * 0.0398 / 0.0226, 1e-12);
  // And the cap holds at great ages.
  EXPECT_DOUBLE_EQ(life_table_probability(m, Sex::kMale, 115.0), m.max_annual_probability);
}

TEST(LifeTable, HazardIsMinusLogOfSurvival) {
  const MortalityParams m;
  EXPECT_NEAR(life_table_hazard(m, Sex::kFemale, 77.5), -std::log(1 - 0.0095), 1e-12);
}

TEST(Certification, BaseRateRisesExponentiallyWithAge) {
  CertificationParams c;
  c.rate_at_65 = 0.004;
  c.age_slope_per_year = 0.1;
  EXPECT_DOUBLE_EQ(certification_base_rate(c, 65), 0.004);
  EXPECT_NEAR(certification_base_rate(c, 75), 0.004 * std::exp(1.0), 1e-15);
}

Population one_resident() {
  Population p;
  p.resize(1);
  p.alive[0] = 1;
  p.reserve[0] = 1.0f;
  return p;
}

TEST(Certification, HazardRatiosMultiply) {
  const CertificationParams c;  // 1.37, 1.3, 1.1
  Population p = one_resident();
  EXPECT_DOUBLE_EQ(certification_hazard_ratio(c, p, 0), 1.0);
  p.isolated[0] = 1;
  p.income_low[0] = 1;
  p.lives_alone[0] = 1;
  EXPECT_NEAR(certification_hazard_ratio(c, p, 0), 1.37 * 1.3 * 1.1, 1e-12);
}

TEST(Death, HazardRatioUsesCertificationOrFrailty) {
  const MortalityParams m;  // certified 2.5, isolated 1.34, alone 1.32, low 1.3, frailty 2
  Population p = one_resident();
  p.frailty0[0] = 0.5f;
  EXPECT_NEAR(death_hazard_ratio(m, p, 0), std::sqrt(2.0), 1e-6);
  p.certified[0] = 1;
  p.isolated[0] = 1;
  p.lives_alone[0] = 1;
  p.income_low[0] = 1;
  EXPECT_NEAR(death_hazard_ratio(m, p, 0), 2.5 * 1.34 * 1.32 * 1.3, 1e-12);
}

TEST(Death, TabulatedRatioMatchesTheDefinition) {
  const MortalityParams m;
  const DeathRatio table(m);
  Population p = one_resident();
  for (int state = 0; state < 16; ++state) {
    for (float frailty : {0.0f, 0.25f, 0.6f, 0.95f}) {
      p.certified[0] = state & 1;
      p.isolated[0] = (state >> 1) & 1;
      p.lives_alone[0] = (state >> 2) & 1;
      p.income_low[0] = (state >> 3) & 1;
      p.frailty0[0] = frailty;
      EXPECT_NEAR(table(p, 0), death_hazard_ratio(m, p, 0), 1e-3 * death_hazard_ratio(m, p, 0));
    }
  }
}

TEST(Frailty, RisesFromEntryFrailtyToOneAsTheReserveIsUsed) {
  Population p = one_resident();
  p.frailty0[0] = 0.2f;
  p.reserve[0] = 2.0f;
  p.decline[0] = 0.5f;  // a quarter of the reserve
  EXPECT_FLOAT_EQ(p.frailty(0), 0.2f + 0.8f * 0.25f);
  p.decline[0] = 3.0f;
  EXPECT_FLOAT_EQ(p.frailty(0), 1.0f);
  p.certified[0] = 1;
  EXPECT_FLOAT_EQ(p.frailty(0), 1.0f);
}

TEST(EventProbability, MatchesOneMinusExp) {
  for (double x : {0.0, 1e-6, 0.001, 0.02, 0.0499, 0.05, 0.3, 2.0}) {
    EXPECT_NEAR(event_probability(x), -std::expm1(-x), 1e-12 * std::max(1.0, x)) << x;
  }
}

TEST(AgeTable, LooksUpTheLowerHundredthOfAYear) {
  const AgeTable table([](double age) { return age * 2; });
  EXPECT_DOUBLE_EQ(table(70.0), 140.0);
  EXPECT_NEAR(table(70.009), 140.0, 1e-9);
  EXPECT_NEAR(table(70.011), 140.02, 1e-9);
  EXPECT_DOUBLE_EQ(table(30.0), 120.0) << "clamped below 60";
  EXPECT_DOUBLE_EQ(table(150.0), 240.0) << "clamped above 120";
}

TEST(MortalityBand, FiveYearBandsFrom65) {
  EXPECT_EQ(mortality_band(64.0), 0);
  EXPECT_EQ(mortality_band(69.99), 0);
  EXPECT_EQ(mortality_band(70.0), 1);
  EXPECT_EQ(mortality_band(99.0), 6);
  EXPECT_EQ(mortality_band(104.0), 7);
}

// A resident with reserve R and a constant certification rate r per year is certified at the
// first step whose accumulated decline r * dt * (steps) reaches R.
TEST(HealthModule, CertifiesWhenAccumulatedDeclineReachesTheReserve) {
  HealthParams params;
  params.certification.rate_at_65 = 0.5;
  params.certification.age_slope_per_year = 0;
  params.mortality.men = {1e-12, 1e-12, 1e-12, 1e-12};
  params.mortality.women = params.mortality.men;
  Population p = one_resident();
  p.age0[0] = 70;
  Simulation sim({1, 0}, {7, 60}, std::move(p), Network(1, {}, 0));
  sim.add_module(std::make_unique<Health>(params));
  sim.init();
  const float reserve = sim.population().reserve[0];
  const double per_step = static_cast<float>(0.5 * 7 / 365.25);
  // Steps needed: the decline after step s is (s + 1) * per_step (in float arithmetic).
  int expected = -1;
  float decline = 0;
  for (int s = 0; s < 60 && expected < 0; ++s) {
    decline += static_cast<float>(per_step);
    if (decline >= reserve) expected = s;
  }
  while (sim.current_step() < 60) sim.step();
  EXPECT_EQ(sim.population().disability_step[0], expected) << "reserve " << reserve;
}

TEST(HealthModule, RescalesDeathsSoTheStartingPopulationMatchesTheLifeTable) {
  const Scenario scenario = [] {
    Scenario s;
    s.town.population = 20000;
    return s;
  }();
  auto sim = build_simulation(scenario, {3, 0});
  sim->init();
  // Mean hazard among men 75-79 at step 0 equals the mean life-table hazard there.
  const Population& p = sim->population();
  const MortalityParams& m = scenario.health.mortality;
  double with_ratio = 0, n = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.sex[i] != 0 || p.age0[i] < 75 || p.age0[i] >= 80) continue;
    with_ratio += death_hazard_ratio(m, p, static_cast<ResidentId>(i));
    n += 1;
  }
  ASSERT_GT(n, 500);
  // The rescaling factor is the inverse mean hazard ratio in the band.
  Health health(scenario.health);
  health.init(*sim);
  EXPECT_NEAR(health.mortality_scale()[0][2] * with_ratio / n, 1.0, 1e-9);
}

}  // namespace
}  // namespace salonsim::models
