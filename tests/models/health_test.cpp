#include "models/health/health.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/build.hpp"
#include "models/scenario.hpp"

namespace salonsim::models {
namespace {

const LifeTable& japan_2020() {
  return built_in_life_table("japan-2020");
}

TEST(LifeTable, HoldsThe2020TableFrom65To114) {
  const LifeTable& t = japan_2020();
  EXPECT_EQ(t.first_age(), 65);
  EXPECT_EQ(t.last_age(), 114);
  // SCIENCE.md quotes these rows.
  EXPECT_DOUBLE_EQ(t.probability(Sex::kMale, 65), 0.01010);
  EXPECT_DOUBLE_EQ(t.probability(Sex::kMale, 75.9), 0.02672);
  EXPECT_DOUBLE_EQ(t.probability(Sex::kMale, 85), 0.07937);
  EXPECT_DOUBLE_EQ(t.probability(Sex::kMale, 95), 0.23661);  // SCIENCE.md rounds: 23.66%
  EXPECT_DOUBLE_EQ(t.probability(Sex::kFemale, 65), 0.00422);
  EXPECT_DOUBLE_EQ(t.probability(Sex::kFemale, 75), 0.01127);
  EXPECT_DOUBLE_EQ(t.probability(Sex::kFemale, 85), 0.04289);
  EXPECT_DOUBLE_EQ(t.probability(Sex::kFemale, 95), 0.17535);  // 17.54%
}

TEST(LifeTable, ReproducesThePublishedLifeExpectancyAndSurvival) {
  const LifeTable& t = japan_2020();
  // MHLW: life expectancy at 65 19.97 (men), 24.88 (women); at 75 12.54, 16.22.
  EXPECT_NEAR(t.life_expectancy(Sex::kMale, 65), 19.97, 0.01);
  EXPECT_NEAR(t.life_expectancy(Sex::kFemale, 65), 24.88, 0.01);
  EXPECT_NEAR(t.life_expectancy(Sex::kMale, 75), 12.54, 0.01);
  EXPECT_NEAR(t.life_expectancy(Sex::kFemale, 75), 16.22, 0.01);
  // SCIENCE.md: survival 65 -> 75 84.7% / 93.4%, 75 -> 90 36.9% / 59.5%.
  EXPECT_NEAR(t.survival(Sex::kMale, 65, 75), 0.847, 0.0005);
  EXPECT_NEAR(t.survival(Sex::kFemale, 65, 75), 0.934, 0.0005);
  EXPECT_NEAR(t.survival(Sex::kMale, 75, 90), 0.369, 0.0005);
  EXPECT_NEAR(t.survival(Sex::kFemale, 75, 90), 0.595, 0.0005);
}

TEST(LifeTable, ClampsOutsideItsAgesAndKeepsTheHazardFinite) {
  const LifeTable& t = japan_2020();
  EXPECT_DOUBLE_EQ(t.probability(Sex::kMale, 60), 0.01010);
  EXPECT_DOUBLE_EQ(t.probability(Sex::kFemale, 130), t.probability(Sex::kFemale, 114));
  EXPECT_NEAR(t.hazard(Sex::kFemale, 75), -std::log(1 - 0.01127), 1e-12);
  // Men's q(114) is 1: read as 1 - 1e-6, a hazard of about 13.8 a year.
  EXPECT_NEAR(t.hazard(Sex::kMale, 114.5), -std::log(1e-6), 1e-6);
}

TEST(LifeTable, ParseErrorsNameTheLine) {
  const auto error_of = [](std::string_view csv) {
    try {
      LifeTable::parse(csv, "t.csv");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("# c\nage,qx\n"), "t.csv:2: expected the header 'age,male_qx,female_qx'");
  EXPECT_EQ(error_of("age,male_qx,female_qx\n65,0.1,0.1\n67,0.1,0.1\n"),
            "t.csv:3: ages must be consecutive: expected 66");
  EXPECT_EQ(error_of("age,male_qx,female_qx\n65,0.1,1.5\n"),
            "t.csv:2: q(x) must be a number in (0, 1]");
  EXPECT_EQ(error_of("age,male_qx,female_qx\n65,0.1\n"),
            "t.csv:2: expected 3 comma-separated fields");
  EXPECT_EQ(error_of("age,male_qx,female_qx\n"), "t.csv:0: no rows");
}

TEST(IncomeGradient, HazardRatioPerHalvingOfIncome) {
  // Reference 2 million yen, 1.28 per halving.
  EXPECT_DOUBLE_EQ(income_hazard_ratio(2.0, 1.28, 2.0), 1.0);
  EXPECT_NEAR(income_hazard_ratio(2.0, 1.28, 1.0), 1.28, 1e-12);
  EXPECT_NEAR(income_hazard_ratio(2.0, 1.28, 0.5), 1.28 * 1.28, 1e-12);
  EXPECT_NEAR(income_hazard_ratio(2.0, 1.28, 4.0), 1 / 1.28, 1e-12);
  // Clamped to [reference / 8, reference * 8].
  EXPECT_NEAR(income_hazard_ratio(2.0, 1.28, 0.01), std::pow(1.28, 3), 1e-12);
  EXPECT_NEAR(income_hazard_ratio(2.0, 1.28, 100.0), std::pow(1.28, -3), 1e-12);
}

TEST(IncomeGradient, LevelsAreWithinAThirdOfAPercent) {
  const IncomeGradient gradient;  // reference 2, men 1.28, women 1.03
  const IncomeLevels levels(gradient);
  EXPECT_EQ(levels.level(0.001), 0);
  EXPECT_EQ(levels.level(2.0), 128);  // position 127.5 rounds up
  EXPECT_EQ(levels.level(1e6), 255);
  for (double income : {0.3, 0.9, 1.7, 2.0, 3.3, 7.0, 12.0}) {
    for (Sex sex : {Sex::kMale, Sex::kFemale}) {
      const double hr = sex == Sex::kMale ? 1.28 : 1.03;
      const double exact = income_hazard_ratio(2.0, hr, income);
      EXPECT_NEAR(levels.certification_ratio(sex, levels.level(income)), exact, 0.003 * exact);
      EXPECT_NEAR(levels.death_ratio(sex, levels.level(income)), exact, 0.003 * exact);
    }
  }
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
  p.income[0] = 2.0f;  // the reference income
  return p;
}

TEST(Certification, HazardRatiosMultiply) {
  const HealthParams h;  // isolated 1.37, alone 1.1; men 1.28 per halving of income
  Population p = one_resident();
  EXPECT_DOUBLE_EQ(certification_hazard_ratio(h, p, 0), 1.0);
  p.isolated[0] = 1;
  p.lives_alone[0] = 1;
  p.income[0] = 0.5f;
  EXPECT_NEAR(certification_hazard_ratio(h, p, 0), 1.37 * 1.1 * 1.28 * 1.28, 1e-12);
  p.sex[0] = static_cast<std::uint8_t>(Sex::kFemale);
  EXPECT_NEAR(certification_hazard_ratio(h, p, 0), 1.37 * 1.1 * 1.03 * 1.03, 1e-12);
}

TEST(Certification, TabulatedRatioMatchesTheDefinition) {
  const HealthParams h;
  const IncomeLevels levels(h.income_gradient);
  Population p = one_resident();
  for (int state = 0; state < 8; ++state) {
    for (float income : {0.3f, 1.0f, 2.0f, 4.5f, 20.0f}) {
      p.isolated[0] = state & 1;
      p.lives_alone[0] = (state >> 1) & 1;
      p.sex[0] = (state >> 2) & 1;
      p.income[0] = income;
      const double exact = certification_hazard_ratio(h, p, 0);
      EXPECT_NEAR(certification_ratio(h.certification, levels, p, 0, levels.level(income)), exact,
                  3e-3 * exact);
    }
  }
}

TEST(Death, HazardRatioUsesCertificationOrFrailty) {
  const HealthParams h;  // certified 2.0, isolated 1.34, alone 1.32, frailty 2, men 1.28
  Population p = one_resident();
  p.frailty0[0] = 0.5f;
  EXPECT_NEAR(death_hazard_ratio(h, p, 0), std::sqrt(2.0), 1e-6);
  p.certified[0] = 1;
  p.isolated[0] = 1;
  p.lives_alone[0] = 1;
  p.income[0] = 1.0f;
  EXPECT_NEAR(death_hazard_ratio(h, p, 0), 2.0 * 1.34 * 1.32 * 1.28, 1e-12);
}

TEST(Death, TabulatedRatioMatchesTheDefinition) {
  const HealthParams h;
  const IncomeLevels levels(h.income_gradient);
  const DeathRatio table(h.mortality, levels);
  Population p = one_resident();
  for (int state = 0; state < 16; ++state) {
    for (float frailty : {0.0f, 0.25f, 0.6f, 0.95f}) {
      p.certified[0] = state & 1;
      p.isolated[0] = (state >> 1) & 1;
      p.lives_alone[0] = (state >> 2) & 1;
      p.sex[0] = (state >> 3) & 1;
      p.income[0] = 0.4f + frailty * 5;
      p.frailty0[0] = frailty;
      const double exact = death_hazard_ratio(h, p, 0);
      EXPECT_NEAR(table.of_entry(p, 0, levels.level(p.income[0]), DeathRatio::entry_of(p, 0)),
                  exact, 4e-3 * exact);
      // The entry chosen without a branch is the frailty's, or the one past the table's end once
      // certified.
      EXPECT_EQ(DeathRatio::entry_of(p, 0),
                p.certified[0] ? DeathRatio::kCertifiedEntry
                               : DeathRatio::frailty_entry(p.frailty_if_independent(0)));
    }
  }
}

TEST(MortalityScale, InverseMeanRatioOverFiveYearsOfAge) {
  constexpr int kAges = MortalityScale::kLastAge - MortalityScale::kFirstAge + 1;
  std::array<std::array<double, kAges>, 2> sum{}, count{};
  // Men 70..74: 100 residents each, mean ratio 1.5 at 70-72 and 2.5 at 73-74.
  for (int age = 70; age <= 74; ++age) {
    count[0][age - 65] = 100;
    sum[0][age - 65] = age <= 72 ? 150 : 250;
  }
  // Women: only 20 residents, all aged 100, mean ratio 2.
  count[1][35] = 20;
  sum[1][35] = 40;
  const MortalityScale scale(sum, count, /*min_residents=*/200);
  // Age 72: ages 70..74 (500 residents, ratio sum 950).
  EXPECT_NEAR(scale(Sex::kMale, 72.5), 500.0 / 950.0, 1e-12);
  // Age 70: ages 68..72 hold 300 residents (ratio sum 450).
  EXPECT_NEAR(scale(Sex::kMale, 70.0), 300.0 / 450.0, 1e-12);
  // Age 74: 72..76 hold 300 (150 + 250 + 250).
  EXPECT_NEAR(scale(Sex::kMale, 74.2), 300.0 / 650.0, 1e-12);
  // Ages without residents take the nearest computed value; the open end the last one.
  EXPECT_DOUBLE_EQ(scale(Sex::kMale, 66), scale(Sex::kMale, 70));
  EXPECT_DOUBLE_EQ(scale(Sex::kMale, 90), scale(Sex::kMale, 74));
  EXPECT_DOUBLE_EQ(scale(Sex::kMale, 130), scale(Sex::kMale, 74));
  // Too few residents: the window widens to everyone there is.
  EXPECT_NEAR(scale(Sex::kFemale, 100.5), 0.5, 1e-12);
  EXPECT_NEAR(scale(Sex::kFemale, 65), 0.5, 1e-12);
  // No residents at all: no rescaling.
  const MortalityScale none({}, {}, 200);
  EXPECT_DOUBLE_EQ(none(Sex::kMale, 80), 1.0);
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

TEST(Frailty, NoDeclineYetIsEntryFrailtyAndNoReserveIsAllOfItUsedOnceDeclineBegins) {
  Population p = one_resident();
  p.frailty0[0] = 0.3f;
  p.reserve[0] = 2.0f;
  p.decline[0] = 0.0f;
  EXPECT_EQ(p.frailty(0), 0.3f);
  // Before Health draws the reserves they are 0: no decline is still no reserve used.
  p.reserve[0] = 0.0f;
  EXPECT_EQ(p.frailty(0), 0.3f);
  p.decline[0] = 0.01f;
  EXPECT_EQ(p.frailty(0), 1.0f);
  // Exactly the reserve used: the share is 1, not more.
  p.reserve[0] = 0.5f;
  p.decline[0] = 0.5f;
  EXPECT_EQ(p.frailty(0), 1.0f);
  p.decline[0] = 0.125f;  // a quarter: 0.3 + 0.7 / 4, worked out in float
  EXPECT_EQ(p.frailty(0), 0.3f + (1.0f - 0.3f) * 0.25f);
}

TEST(AgeTable, LooksUpTheLowerHundredthOfAYear) {
  const AgeTable table([](double age) { return age * 2; });
  EXPECT_DOUBLE_EQ(table(70.0), 140.0);
  EXPECT_NEAR(table(70.009), 140.0, 1e-9);
  EXPECT_NEAR(table(70.011), 140.02, 1e-9);
  EXPECT_DOUBLE_EQ(table(30.0), 120.0) << "clamped below 60";
  EXPECT_DOUBLE_EQ(table(150.0), 240.0) << "clamped above 120";
  // The index itself, at both ends and far beyond them.
  EXPECT_EQ(AgeTable::index(60.0), 0u);
  EXPECT_EQ(AgeTable::index(60.0049), 0u);
  EXPECT_EQ(AgeTable::index(61.0), 100u);
  EXPECT_EQ(AgeTable::index(120.0), 6000u);
  EXPECT_EQ(AgeTable::index(1e12), 6000u);
  EXPECT_EQ(AgeTable::index(-1e12), 0u);
}

// A resident with reserve R and a constant certification rate r per year is certified at the
// first step whose accumulated decline r * dt * (steps) reaches R.
TEST(HealthModule, CertifiesWhenAccumulatedDeclineReachesTheReserve) {
  HealthParams params;
  params.certification.rate_at_65 = 0.5;
  params.certification.age_slope_per_year = 0;
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
  // (The life table's deaths apply; at this seed the resident lives through the 60 weeks.)
  ASSERT_EQ(sim.population().death_step[0], kNever);
  EXPECT_EQ(sim.population().disability_step[0], expected) << "reserve " << reserve;
}

// The step works out every resident's hazards and keeps only those at risk: the dead and the
// certified must come out as they went in.
TEST(HealthModule, AStepLeavesTheDeadAndTheCertifiedAsTheyWere) {
  HealthParams params;
  params.certification.rate_at_65 = 0.5;
  params.certification.age_slope_per_year = 0;
  Population p;
  p.resize(3);
  for (std::size_t i = 0; i < 3; ++i) {
    p.alive[i] = 1;
    p.income[i] = 2.0f;
    p.age0[i] = 80;
  }
  auto module = std::make_unique<Health>(params);
  Health& health = *module;
  Simulation sim({1, 0}, {7, 60}, std::move(p), Network(3, {}, 0));
  sim.add_module(std::move(module));
  sim.init();
  Population& q = sim.population();
  std::vector<float>& left = q[q.columns.find<float>("death_reserve_left")];
  // 0: alive and independent, 1 decline short of the reserve. 1: dead, with a decline past its
  // reserve and no death reserve left. 2: certified, alive.
  q.reserve[0] = 1.0f;
  q.decline[0] = 0.9999f;
  left[0] = 100.0f;
  q.alive[1] = 0;
  q.death_step[1] = 0;
  q.reserve[1] = 1.0f;
  q.decline[1] = 2.0f;
  left[1] = -0.5f;
  q.certified[2] = 1;
  q.decline[2] = 0.25f;
  q.reserve[2] = 1.0f;
  left[2] = 100.0f;
  health.step(sim, 1);
  // The living independent resident is certified at this step, after a week's decline.
  EXPECT_EQ(q.certified[0], 1);
  EXPECT_EQ(q.disability_step[0], 1);
  EXPECT_GT(q.decline[0], 0.9999f);
  EXPECT_LT(left[0], 100.0f);
  EXPECT_EQ(q.death_requested[0], 0);
  // The dead: neither certified nor asked to die again, their rows unchanged.
  EXPECT_EQ(q.certified[1], 0);
  EXPECT_EQ(q.disability_step[1], kNever);
  EXPECT_EQ(q.decline[1], 2.0f);
  EXPECT_EQ(left[1], -0.5f);
  EXPECT_EQ(q.death_requested[1], 0);
  // The certified: no more decline, still at risk of death.
  EXPECT_EQ(q.decline[2], 0.25f);
  EXPECT_EQ(q.disability_step[2], kNever);
  EXPECT_LT(left[2], 100.0f);
}

TEST(HealthModule, RescalesDeathsSoTheStartingPopulationMatchesTheLifeTable) {
  const Scenario scenario = [] {
    Scenario s;
    s.town.population = 20000;
    s.groups.kinds = {};  // the health model alone: no other source of an effect on death
    return s;
  }();
  auto sim = build_simulation(scenario, {3, 0});
  sim->init();
  // Mean hazard ratio of men aged 73-77 at step 0 times the rescaling at 75 is 1: the men of
  // that age die, on average, at the life table's rate.
  const Population& p = sim->population();
  double with_ratio = 0, n = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.sex[i] != 0 || p.age0[i] < 73 || p.age0[i] >= 78) continue;
    with_ratio += death_hazard_ratio(scenario.health, p, static_cast<ResidentId>(i));
    n += 1;
  }
  ASSERT_GT(n, 500);
  Health health(scenario.health);
  health.init(*sim);
  health.start(*sim);
  EXPECT_NEAR(health.mortality_scale()(Sex::kMale, 75.5) * with_ratio / n, 1.0, 1e-9);
}

}  // namespace
}  // namespace salonsim::models
