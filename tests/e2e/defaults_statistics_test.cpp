// Seeded statistical checks of the default parameters against the published figures in
// SCIENCE.md. Tolerances come from the sampling error at these sizes (about 3 standard errors)
// or from the published confidence intervals, so a real change in the model shows up.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include <tbb/parallel_for.h>

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

/// (count, total) of residents who were there at the start, match `in` and have `flag` set.
std::array<double, 2> count_share(const Population& p, const std::function<bool(std::size_t)>& in,
                                  const std::vector<std::uint8_t>& flag) {
  std::array<double, 2> result{};
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] != 0 || !in(i)) continue;
    result[0] += flag[i];
    result[1] += 1;
  }
  return result;
}

double share(const Population& p, const std::function<bool(std::size_t)>& in,
             const std::vector<std::uint8_t>& flag) {
  const auto [count, total] = count_share(p, in, flag);
  return count / total;
}

// The figures at scenarios/town.yaml's own seed, one run.
TEST(DefaultsTown, MatchesThePublishedFiguresAtTheScenarioSeed) {
  const auto sim = run(town_scenario());
  const Population& p = sim->population();
  const double certified3 = certified_within(*sim, 3);
  EXPECT_GT(certified3, 0.07);
  EXPECT_LT(certified3, 0.12);
  const double isolated = share(
      p, [&](std::size_t i) { return !p.certified0[i]; }, p.isolated0);
  EXPECT_GT(isolated, 0.13);
  EXPECT_LT(isolated, 0.19);
  EXPECT_NEAR(share(
                  p, [&](std::size_t i) { return p.sex[i] == 0; }, p.lives_alone),
              0.150, 0.03);
  EXPECT_NEAR(share(
                  p, [&](std::size_t i) { return p.sex[i] == 1; }, p.lives_alone),
              0.221, 0.03);
}

// Twenty replicates of scenarios/town.yaml, the town the defaults are calibrated on (the
// network depends on the map: see docs/model.md), pooled: 200,000 residents over 3 years.
class DefaultsLargeTown : public ::testing::Test {
 protected:
  static constexpr int kReplicates = 20;
  static void SetUpTestSuite() {
    Scenario scenario = town_scenario();
    scenario.run.years = 3;
    scenario_ = new Scenario(scenario);
    runs_ = new std::vector<std::unique_ptr<Simulation>>(kReplicates);
    tbb::parallel_for(0, kReplicates, [&](int r) {
      (*runs_)[r] = build_simulation(scenario, {scenario.run.seed, static_cast<std::uint32_t>(r)});
      (*runs_)[r]->run();
    });
  }
  static void TearDownTestSuite() {
    delete runs_;
    delete scenario_;
  }
  /// Sum of f(run) over the replicates, for pooled numerators and denominators.
  template <class F>
  static std::array<double, 2> pooled(F&& f) {
    std::array<double, 2> sum{};
    for (const auto& run : *runs_) {
      const std::array<double, 2> part = f(*run);
      sum[0] += part[0];
      sum[1] += part[1];
    }
    return sum;
  }
  static Scenario* scenario_;
  static std::vector<std::unique_ptr<Simulation>>* runs_;
};
Scenario* DefaultsLargeTown::scenario_ = nullptr;
std::vector<std::unique_ptr<Simulation>>* DefaultsLargeTown::runs_ = nullptr;

TEST_F(DefaultsLargeTown, IsolationBySexMatchesJages) {
  // Saito et al. 2015: contact with others less than once a week, men 21.2%, women 10.6%, among
  // JAGES respondents, who are not LTC-certified. Twenty towns give a standard error of about
  // 0.3 points (towns differ by their networks).
  for (const auto& [sex, target] : {std::pair{0, 0.212}, std::pair{1, 0.106}}) {
    const auto [isolated, residents] = pooled([sex = sex](const Simulation& sim) {
      const Population& p = sim.population();
      return count_share(
          p, [&](std::size_t i) { return p.sex[i] == sex && !p.certified0[i]; }, p.isolated0);
    });
    EXPECT_NEAR(isolated / residents, target, 0.01) << "sex " << sex;
  }
}

TEST_F(DefaultsLargeTown, LowIncomeShareIsWithinTheTaketoyoRange) {
  const auto [low, residents] = pooled([](const Simulation& sim) {
    const Population& p = sim.population();
    return count_share(
        p, [](std::size_t) { return true; }, p.income_low);
  });
  EXPECT_GT(low / residents, 0.46);
  EXPECT_LT(low / residents, 0.53);
}

TEST_F(DefaultsLargeTown, ThreeYearCertificationOfTheIndependent) {
  // Calibrated to hold the certified share by age (see DefaultsLongRun) it gives 9.5% among all
  // independent residents (docs/calibration.md), against 8.7% among JAGES respondents (Tsuji et
  // al. 2019), who are healthier than non-respondents. About 170,000 independent residents here
  // give a standard error of 0.07 points. (This test was centred on 9.3%, an earlier
  // calibration's figure; the model has given 9.6-9.7% here since, at the band's edge.)
  double sum = 0;
  for (const auto& run : *runs_) sum += certified_within(*run, 3);
  EXPECT_NEAR(sum / kReplicates, 0.095, 0.004);
}

/// Mantel-Haenszel rate ratio of an event for baseline isolation, stratified by sex, age band,
/// income, living alone and certification at the start, over `years`, pooled over runs.
/// `event_step` picks the event column (disability_step or death_step).
double isolation_rate_ratio(const std::vector<std::unique_ptr<Simulation>>& runs,
                            std::vector<StoredStep> Population::*event_step, bool independent_only,
                            double years) {
  std::map<int, std::array<double, 4>> strata;  // events and time, isolated and not
  for (const auto& run : runs) {
    const Population& p = run->population();
    const double dt = run->clock().years_per_step();
    const auto horizon = static_cast<std::int32_t>(std::lround(years / dt));
    const std::vector<StoredStep>& events = p.*event_step;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p.entry_step[i] != 0 || (independent_only && p.certified0[i])) continue;
      const bool event = events[i] >= 0 && events[i] < horizon;
      std::int32_t end = horizon;
      if (p.death_step[i] >= 0) end = std::min(end, p.death_step[i] + 1);
      if (event) end = std::min(end, events[i] + 1);
      const int key = p.sex[i] + 2 * age_band(p.age0[i]) + 20 * p.income_low[i] +
                      40 * p.lives_alone[i] + 80 * p.certified0[i];
      auto& s = strata[key];
      s[p.isolated0[i] ? 0 : 2] += event;
      s[p.isolated0[i] ? 1 : 3] += end * dt;
    }
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
  // Saito et al. 2015: LTC 1.37 (1.16-1.61), death 1.34 (1.16-1.55). Isolation changes during
  // the run, so the ratio for isolation at the start is a little diluted, as in a cohort study.
  const double certification = isolation_rate_ratio(*runs_, &Population::disability_step, true, 3);
  EXPECT_GT(certification, 1.16);
  EXPECT_LT(certification, 1.61);
  const double death = isolation_rate_ratio(*runs_, &Population::death_step, false, 3);
  EXPECT_GT(death, 1.16);
  EXPECT_LT(death, 1.55);
}

}  // namespace
}  // namespace salonsim::models
