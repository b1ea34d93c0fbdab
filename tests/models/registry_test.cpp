// The intervention registry: a test-only type (tests/models/registry/nudge/) joins with one
// line, and is then read from YAML, validated, documented, built, run, written and summarised
// like the shipped types, without touching anything else.
#include "models/intervention_registry.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "models/build.hpp"
#include "models/interventions.hpp"
#include "models/scenario.hpp"
#include "registry/nudge/nudge.hpp"
#include "sim/output/summary.hpp"
#include "sim/output/tables.hpp"
#include "sim/params/describer.hpp"
#include "sim/params/validator.hpp"
#include "sim/params/yaml_loader.hpp"

namespace salonsim::models {
namespace {

// The one line: the shipped types and the test-only one.
using TestInterventions = std::variant<UnknownIntervention, SalonsParams, MobileShopParams,
                                       ShuttleParams, testing::NudgeParams>;
using TestRegistry = Registry<TestInterventions>;

/// A scenario's town and interventions, as the shipped Scenario holds them.
struct TestScenario {
  TownParams town;
  std::vector<TestInterventions> interventions;
};
template <class V>
void visit(V& v, TestScenario& s) {
  v.list("interventions", s.interventions, {.doc = "interventions"});
  TestRegistry::check(v, s.interventions, s);
}

struct Loaded {
  TestScenario scenario;
  std::vector<params::Issue> issues;
};
Loaded load(const std::string& yaml) {
  Loaded result;
  params::Diagnostics diagnostics;
  params::Locations locations;
  params::YamlLoader loader("test.yaml", diagnostics, locations);
  loader.apply(YAML::Load(yaml), result.scenario);
  params::Validator validator(diagnostics, locations);
  validator.check(result.scenario);
  result.issues = diagnostics.issues();
  return result;
}

TEST(InterventionRegistry, KnowsTheTestTypeBesideTheShippedOnes) {
  EXPECT_EQ(TestRegistry::names(),
            (std::vector<std::string>{"salons", "mobile_shop", "shuttle", "nudge"}));
  EXPECT_EQ(TestRegistry::names_text(), "salons, mobile_shop, shuttle or nudge");
  // The shipped registry is untouched.
  EXPECT_EQ(Interventions::names(),
            (std::vector<std::string>{"salons", "mobile_shop", "shuttle", "groups",
                                      "coalition_support", "social_prescribing"}));
}

TEST(InterventionRegistry, ReadsAndValidatesTheTestTypeFromYaml) {
  const Loaded ok = load(
      "interventions:\n  - type: nudge\n    opens_step: 3\n    hr_certification: 0.7\n"
      "  - type: shuttle\n");
  ASSERT_TRUE(ok.issues.empty()) << ok.issues.front().message;
  ASSERT_EQ(ok.scenario.interventions.size(), 2u);
  const auto& nudge = std::get<testing::NudgeParams>(ok.scenario.interventions[0]);
  EXPECT_EQ(nudge.opens_step, 3);
  EXPECT_EQ(nudge.hr_certification, 0.7);
  EXPECT_EQ(TestRegistry::name_of(ok.scenario.interventions[1]), "shuttle");

  // Its fields are checked like any other: range, unknown key with a suggestion, its own rule,
  // the number allowed per scenario, and a misspelt type suggests it.
  const Loaded bad = load(
      "interventions:\n  - type: nudge\n    hr_certification: -1\n    opens_stp: 2\n"
      "  - type: nudge\n    min_age: 130\n  - type: nudg\n");
  std::vector<std::string> messages;
  for (const params::Issue& issue : bad.issues)
    messages.push_back(issue.path + ": " + issue.message);
  const auto has = [&](const std::string& text) {
    for (const std::string& m : messages) {
      if (m.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("interventions[0].hr_certification: must be in [0, 10], got -1"))
      << ::testing::PrintToString(messages);
  EXPECT_TRUE(has("did you mean 'opens_step'?")) << ::testing::PrintToString(messages);
  EXPECT_TRUE(has("interventions[1].min_age: min_age must be below 120"));
  EXPECT_TRUE(has("interventions: at most one nudge intervention"));
  EXPECT_TRUE(has("interventions[2].type: unknown intervention type 'nudg'"));
  EXPECT_TRUE(has("did you mean 'nudge'?"));
}

TEST(InterventionRegistry, DocumentsTheTestTypesFields) {
  TestScenario scenario;
  bool found = false;
  for (const params::DictionaryRow& row : params::Describer().describe(scenario)) {
    if (row.path != "interventions[].hr_certification") continue;
    found = true;
    EXPECT_EQ(row.source, "assumption: a test-only type");
  }
  EXPECT_TRUE(found);
}

TEST(InterventionRegistry, BuildsRunsWritesAndSummarisesTheTestType) {
  Scenario scenario =
      load_scenario(std::filesystem::path(SALONSIM_SOURCE_DIR) / "scenarios" / "town.yaml",
                    {"town.population=1500", "run.years=1"});
  const auto run = [&](bool with_nudge, std::int64_t steps) {
    auto sim = build_simulation(scenario, {scenario.run.seed, 0});
    if (with_nudge) {
      std::vector<TestInterventions> specs{testing::NudgeParams{}};
      BuildContext context(*sim, scenario);
      TestRegistry::build(context, specs);
    }
    sim->init();
    while (sim->current_step() < steps) sim->step();
    sim->finalize();
    return sim;
  };
  // After one step every independent resident has half the decline: the nudge's ratio (0.5)
  // multiplies with every other source.
  const auto without = run(false, 1), with = run(true, 1);
  const Population& a = without->population();
  const Population& b = with->population();
  int compared = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a.alive[i] || a.certified[i] || a.decline[i] == 0) continue;
    EXPECT_NEAR(b.decline[i] / a.decline[i], 0.5, 1e-6) << i;
    ++compared;
  }
  EXPECT_GT(compared, 1000);
  // Its column is written, and its outcome read from the summary.
  bool written = false;
  for (const OutputColumn& column : agent_table(b).columns) written |= column.name == "nudged";
  EXPECT_TRUE(written);
  std::vector<Outcome> outcomes = TestRegistry::outcomes();
  ASSERT_EQ(outcomes.back().name, "nudged_share");
  const RunSummary summary = summarize(*with);
  EXPECT_DOUBLE_EQ(outcomes.back().value(summary.total()), 1.0);
  EXPECT_EQ(outcomes.back().value(summarize(*without).total()), 0.0);
  // Over a year, fewer certifications.
  const auto year_without = run(false, 52), year_with = run(true, 52);
  EXPECT_LT(summarize(*year_with).total()["certifications"],
            summarize(*year_without).total()["certifications"]);
}

}  // namespace
}  // namespace salonsim::models
