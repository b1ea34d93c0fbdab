// Tests of models/coalition/trial.cpp: the plan (who is supported, the runs, the true-effect
// runs on the same streams), its errors, and the analysis on records made by hand.
#include "models/coalition/trial.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

std::string region_file(const testing::TempDir& dir, int municipalities, bool coalition = true) {
  return dir.write("region.yaml",
                   fmt::format(R"(extends: {}/scenarios/town.yaml
name: region
town:
  population: 1500
interventions: {}
region:
  generate: {}
  vary:
    - key: town.population
      min: 1000
      max: 2000
      integer: true
)",
                               SALONSIM_SOURCE_DIR,
                               coalition ? "[{type: coalition_support}]" : "[]", municipalities));
}

TEST(TrialPlan, SupportedArmsRunsAndTheTrueEffectsTwins) {
  testing::TempDir dir;
  region_file(dir, 6);
  const TrialPlan plan = plan_trial(dir.write("t.yaml", R"(scenario: region.yaml
supported: 2
replicates: 3
)"));
  ASSERT_EQ(plan.municipalities.size(), 6u);
  std::size_t supported = 0;
  for (std::uint8_t s : plan.supported) supported += s;
  EXPECT_EQ(supported, 2u);
  // Six in their arms, then the two supported again as data only.
  ASSERT_EQ(plan.scenarios.size(), 8u);
  for (std::size_t s = 0; s < 8; ++s) {
    const std::size_t m = plan.municipality_of[s];
    const CoalitionArm arm =
        std::get<CoalitionSupportParams>(plan.scenarios[s].interventions[0]).arm;
    const bool in_support = plan.supported[m] && !plan.counterfactual[s];
    EXPECT_EQ(arm, in_support ? CoalitionArm::kSupported : CoalitionArm::kDataOnly) << s;
    EXPECT_EQ(plan.counterfactual[s], s >= 6);
    // Long enough for the follow-up survey and 1,166 days of deaths, surveyed at 0 and 3.
    EXPECT_DOUBLE_EQ(plan.scenarios[s].run.years, 1166 / 365.25);
    EXPECT_EQ(plan.scenarios[s].surveys.years, (std::vector<double>{0, 3}));
  }
  ASSERT_EQ(plan.runs.size(), 24u);
  // A municipality and its twin share streams; municipalities do not.
  for (const EnsembleRun& a : plan.runs) {
    for (const EnsembleRun& b : plan.runs) {
      const bool same_town = plan.municipality_of[a.scenario] == plan.municipality_of[b.scenario];
      EXPECT_EQ(a.identity.seed == b.identity.seed, same_town);
    }
  }
  EXPECT_EQ(plan.follow_up_step, 157);  // 3 years of weekly steps
}

TEST(TrialPlan, ProblemsAreReportedWithTheirPlace) {
  testing::TempDir dir;
  region_file(dir, 3, false);
  const auto problems = [&](const std::string& text) {
    try {
      plan_trial(dir.write("t.yaml", text));
    } catch (const params::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const std::string unknown = problems("scenario: region.yaml\nsupportd: 2\n");
  EXPECT_NE(unknown.find("t.yaml:2:1"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("supported"), std::string::npos) << unknown;  // the nearest key
  const std::string none = problems("scenario: region.yaml\nsupported: 1\n");
  EXPECT_NE(none.find("no coalition_support intervention"), std::string::npos) << none;
  region_file(dir, 3, true);
  const std::string all = problems("scenario: region.yaml\nsupported: 3\n");
  EXPECT_NE(all.find("at least one data-only municipality"), std::string::npos) << all;
  const std::string years = problems("scenario: region.yaml\nsurvey_years: [3, 1]\n");
  EXPECT_NE(years.find("two increasing years"), std::string::npos) << years;
  const std::string missing = problems("scenario: nowhere.yaml\n");
  EXPECT_NE(missing.find("nowhere.yaml"), std::string::npos) << missing;
}

/// A plan of four municipalities alike (so every weight is 1), two supported, with the true
/// effect's twins, and one replicate.
TrialPlan plan_by_hand() {
  TrialPlan plan;
  plan.file.replicates = 1;
  plan.municipalities.resize(4);
  plan.traits.assign(4, MunicipalityTraits{1000, 3, 0.2, 2.0, 1.0});
  plan.supported = {1, 0, 1, 0};
  plan.scenarios.resize(6);
  plan.municipality_of = {0, 1, 2, 3, 0, 2};
  plan.counterfactual = {0, 0, 0, 0, 1, 1};
  return plan;
}

TrialRunRecord men_panel(double residents, double before, double after) {
  TrialRunRecord r;
  r.panel[0][0] = {residents, before, after};
  // Two deaths among four men, to give the Cox model something to fit.
  r.sex = {0, 0, 0, 0};
  r.income = {1, 2, 3, 4};
  r.days = {100, 1166, 500, 1166};
  r.died = {1, 0, 1, 0};
  return r;
}

TEST(TrialAnalysis, DifferenceInDifferencesByHand) {
  const TrialPlan plan = plan_by_hand();
  // Supported: 100 men 50 -> 60 and 300 men 150 -> 165: 200 -> 225 of 400 (+6.25 points).
  // Data only: 200 men 100 -> 104 and 200 men 90 -> 90: 190 -> 194 of 400 (+1 point).
  // Without support, the supported towns would have gone 50 -> 52 and 150 -> 153 (+1.25).
  std::vector<std::vector<TrialRunRecord>> records(6, std::vector<TrialRunRecord>(1));
  records[0][0] = men_panel(100, 50, 60);
  records[1][0] = men_panel(200, 100, 104);
  records[2][0] = men_panel(300, 150, 165);
  records[3][0] = men_panel(200, 90, 90);
  records[4][0] = men_panel(100, 50, 52);
  records[5][0] = men_panel(300, 150, 153);
  const TrialResults results = analyse_trial(plan, records);
  for (double w : results.weight) EXPECT_NEAR(w, 1.0, 1e-9);
  const DidRow& men = results.did[0];
  ASSERT_EQ(men.group, "men");
  EXPECT_NEAR(men.estimate, 6.25 - 1.0, 1e-9);
  EXPECT_NEAR(men.truth, 6.25 - 1.25, 1e-9);
  EXPECT_TRUE(men.has_published);
  EXPECT_EQ(results.participation[0].group, "men");
  EXPECT_NEAR(results.participation[0].baseline, 0.5, 1e-12);     // supported
  EXPECT_NEAR(results.participation[1].follow_up, 0.485, 1e-12);  // data only: 194 / 400
  // Women: nobody in the panel, no change.
  EXPECT_NEAR(results.did[1].estimate, 0, 1e-12);
  // The same deaths in every arm: a hazard ratio of 1.
  EXPECT_NEAR(results.mortality[0].hr, 1.0, 1e-9);
  EXPECT_NEAR(results.mortality[0].true_hr, 1.0, 1e-9);
  EXPECT_NEAR(results.mortality[0].deaths_supported, 4, 1e-12);
}

}  // namespace
}  // namespace salonsim::models
