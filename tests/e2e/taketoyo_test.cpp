// The Taketoyo scenarios against the published figures (SCIENCE.md), and the common random
// numbers that make the difference between the two arms the salons' effect.
#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <cstdio>
#include <filesystem>

#include "models/build.hpp"
#include "models/salons/study.hpp"
#include "models/scenario.hpp"
#include "sim/output/comparison.hpp"
#include "sim/output/hazard_ratios.hpp"
#include "sim/stats/cox.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;

Scenario scenario(const std::string& name, const std::vector<std::string>& overrides = {}) {
  return load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / name, overrides);
}

std::vector<std::unique_ptr<Simulation>> run_replicates(const Scenario& s, int replicates) {
  std::vector<std::unique_ptr<Simulation>> runs(static_cast<std::size_t>(replicates));
  tbb::parallel_for(0, replicates, [&](int r) {
    runs[r] = build_simulation(s, {s.run.seed, static_cast<std::uint32_t>(r)});
    add_analysis_surveys(*runs[r], {salon_study_analysis()});
    runs[r]->run();
  });
  return runs;
}

// Three replicates of each arm at the scenario's seed, shared by the tests below.
class Taketoyo : public ::testing::Test {
 protected:
  static constexpr int kReplicates = 3;
  static void SetUpTestSuite() {
    with_ = new auto(run_replicates(scenario("taketoyo.yaml"), kReplicates));
    without_ = new auto(run_replicates(scenario("taketoyo-no-salons.yaml"), kReplicates));
  }
  static void TearDownTestSuite() {
    delete with_;
    delete without_;
  }
  static std::vector<std::unique_ptr<Simulation>>* with_;
  static std::vector<std::unique_ptr<Simulation>>* without_;
};
std::vector<std::unique_ptr<Simulation>>* Taketoyo::with_ = nullptr;
std::vector<std::unique_ptr<Simulation>>* Taketoyo::without_ = nullptr;

TEST_F(Taketoyo, BothArmsStartWithTheSameResidentsAndNetwork) {
  for (int r = 0; r < kReplicates; ++r) {
    const Population& a = (*with_)[r]->population();
    const Population& b = (*without_)[r]->population();
    EXPECT_EQ(a.sex, b.sex);
    EXPECT_EQ(a.age0, b.age0);
    EXPECT_EQ(a.income, b.income);
    EXPECT_EQ(a.x_m, b.x_m);
    EXPECT_EQ(a.y_m, b.y_m);
    EXPECT_EQ(a.spouse, b.spouse);
    EXPECT_EQ(a.transport, b.transport);
    EXPECT_EQ(a.certified0, b.certified0);
    EXPECT_EQ(a.frailty0, b.frailty0);
    EXPECT_EQ(a.reserve, b.reserve);
    EXPECT_EQ(a.degree0, b.degree0) << "the network at step 0";
    EXPECT_EQ(a.isolated0, b.isolated0);
  }
}

TEST_F(Taketoyo, SalonsAvertCertificationsInEveryReplicate) {
  for (int r = 0; r < kReplicates; ++r) {
    std::int64_t with = 0, without = 0;
    for (int s = 0; s < (*with_)[r]->current_step(); ++s) {
      for (int g = 0; g < kGroups; ++g) {
        with += (*with_)[r]->timeseries().find("new_certifications")->values[s][g];
        without += (*without_)[r]->timeseries().find("new_certifications")->values[s][g];
      }
    }
    EXPECT_LT(with, without) << "replicate " << r;
  }
}

// Common random numbers make the difference between the arms far more precise than independent
// seeds would: the variance of the difference in certifications falls at least fivefold (8x at
// this seed). Without the town's groups it falls 21x: salons change what the groups respond to
// (isolation, frailty, friends who take part), so the groups' members and their effects differ
// between the arms for real, not by chance.
TEST(TaketoyoCommonRandomNumbers, CutTheVarianceOfTheDifferenceFivefold) {
  const int replicates = 10;
  const auto with = run_replicates(scenario("taketoyo.yaml"), replicates);
  const auto without = run_replicates(scenario("taketoyo-no-salons.yaml"), replicates);
  std::vector<ArmResults> arms{{"without", {}}, {"with", {}}};
  for (int r = 0; r < replicates; ++r) {
    arms[0].replicates.push_back(summarize(*without[r]));
    arms[1].replicates.push_back(summarize(*with[r]));
  }
  const auto rows = compare_arms(arms, 0, outcome_catalogue());
  for (const ComparisonRow& row : rows) {
    if (row.arm != "with" || row.group != "all" || row.outcome != "certifications") continue;
    std::printf("certifications averted %.1f, SE %.2f (common) vs %.2f (independent): %.1fx\n",
                -row.difference.difference.mean, row.difference.difference.standard_error,
                row.difference.independent_standard_error, row.difference.variance_reduction);
    EXPECT_GE(row.difference.variance_reduction, 5.0);
    EXPECT_LT(row.difference.difference.high, 0.0)
        << "the interval of certifications averted lies above zero";
  }
}

// A salon that never opens must change nothing else: every event salons do not touch draws the
// same random numbers in both arms, so the two runs are identical.
TEST(TaketoyoCommonRandomNumbers, SalonsThatNeverOpenChangeNothing) {
  const Scenario closed = scenario(
      "taketoyo.yaml",
      {"town.population=3000", "run.years=2", "interventions[0].placement.first_opens_step=5000"});
  const Scenario none =
      scenario("taketoyo-no-salons.yaml", {"town.population=3000", "run.years=2"});
  auto a = build_simulation(closed, {closed.run.seed, 0});
  auto b = build_simulation(none, {none.run.seed, 0});
  a->run();
  b->run();
  EXPECT_EQ(a->population().death_step, b->population().death_step);
  EXPECT_EQ(a->population().disability_step, b->population().disability_step);
  EXPECT_EQ(a->population().isolated, b->population().isolated);
}

std::vector<RunRecord> records(const std::vector<std::unique_ptr<Simulation>>& runs) {
  std::vector<RunRecord> result;
  for (const auto& run : runs) result.push_back(record_for(*run, {salon_study_analysis()}));
  return result;
}

// The calibration targets of SCIENCE.md at the scenario's seed. Bands: uptake within a few
// points of "about 10%" and "about 20%"; the published 5-year incidences within about two of
// their standard errors at this size; the adjusted hazard ratio in the band 0.35-0.7.
TEST_F(Taketoyo, ReproducesTheTaketoyoFigures) {
  const std::vector<RunRecord> without = records(*without_);
  const SalonStudy s = salon_study(records(*with_), &without);
  std::printf(
      "taketoyo (3 replicates): year-1 uptake %.1f%%, ever in 5 years %.1f%%, low income %.1f%% vs "
      "%.1f%%, women %.1f%%, 5-year certification %.1f%% vs %.1f%%, adjusted HR %.2f (%.2f-%.2f)\n",
      100 * s.attended_year1, 100 * s.ever_5y, 100 * s.low_income_participants,
      100 * s.low_income_others, 100 * s.women_participants, 100 * s.cert_participants,
      100 * s.cert_others, s.cox.hazard_ratios[0], s.cox.ci_low[0], s.cox.ci_high[0]);
  EXPECT_GT(s.attended_year1, 0.07);
  EXPECT_LT(s.attended_year1, 0.13);
  EXPECT_GT(s.ever_5y, 0.15);
  EXPECT_LT(s.ever_5y, 0.27);
  EXPECT_GT(s.low_income_participants, s.low_income_others) << "participants more often low-income";
  EXPECT_GT(s.women_participants, 0.6) << "more women than men";
  EXPECT_NEAR(s.cert_participants, 0.077, 0.025);
  EXPECT_NEAR(s.cert_others, 0.144, 0.03);
  EXPECT_TRUE(s.cox.converged);
  EXPECT_GT(s.cox.hazard_ratios[0], 0.35);
  EXPECT_LT(s.cox.hazard_ratios[0], 0.70);
  // The same participants without salons: certified more often, but less often than the
  // non-participants (part of the observed contrast is who takes part).
  EXPECT_GT(s.cert_participants_without, s.cert_participants);
  EXPECT_LT(s.cert_participants_without, s.cert_others);
  // The instrument works in the expected direction: more salons within 350 m, more participation.
  EXPECT_GT(s.first_stage_coefficient, 0.0);
  EXPECT_TRUE(s.iv_cox.converged);
}

// The true effect is only reported against a reference with the same residents.
TEST(TaketoyoStudy, NoTrueEffectAgainstADifferentTown) {
  const auto with = run_replicates(scenario("taketoyo.yaml", {"town.population=3000"}), 1);
  const auto other =
      run_replicates(scenario("taketoyo-no-salons.yaml", {"town.population=2000"}), 1);
  const std::vector<RunRecord> reference = records(other);
  const SalonStudy study = salon_study(records(with), &reference);
  EXPECT_EQ(study.cert_participants_without, -1.0);
  EXPECT_GT(study.participants, 0);
}

}  // namespace
}  // namespace salonsim::models
