// Loading, layering, overriding, validating and describing scenarios: one test per validation
// rule and per kind of bad input, each checking the exact place and message reported.
#include "models/scenario.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "sim/params/diagnostics.hpp"
#include "sim/params/emitter.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;
using params::Issue;
using params::ScenarioError;

const fs::path kTownYaml = fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / "town.yaml";

using testing::expect_issue;
using testing::expect_single_issue;
using testing::issues_of;
using testing::load_ok;
using testing::TempDir;

// ---- Valid scenarios -------------------------------------------------------------------------

TEST(Scenario, EmptyFileIsAValidScenarioWithTheDefaults) {
  TempDir dir;
  const Scenario scenario = load_ok(dir.write("empty.yaml", ""));
  EXPECT_EQ(scenario.town.population, 10000);
  EXPECT_EQ(scenario.town.districts.size(), 1u);
  EXPECT_EQ(scenario.name, "unnamed");
  EXPECT_EQ(to_yaml(scenario), to_yaml(Scenario{}));
}

TEST(Scenario, DefaultsPassValidation) {
  TempDir dir;
  const Scenario scenario = load_ok(dir.write("comment.yaml", "# nothing but a comment\n"));
  EXPECT_EQ(to_yaml(scenario), to_yaml(Scenario{}));
}

TEST(Scenario, TownYamlLoads) {
  const Scenario scenario = load_ok(kTownYaml);
  EXPECT_EQ(scenario.name, "town");
  EXPECT_EQ(scenario.town.population, 10000);
  ASSERT_EQ(scenario.town.districts.size(), 3u);
  EXPECT_EQ(scenario.town.districts[0].name, "station");
  EXPECT_EQ(scenario.town.districts[1].name, "hillside");
  EXPECT_EQ(scenario.town.districts[2].name, "farmland");
  EXPECT_EQ(scenario.town.districts[2].density, Density::kRural);
  EXPECT_EQ(scenario.town.districts[1].centre_m, (std::vector<double>{2200, 600}));
  EXPECT_EQ(scenario.run.seed, 20260401u);
  EXPECT_EQ(scenario.run.years, 5);
  EXPECT_TRUE(scenario.interventions.empty());
}

TEST(Scenario, StepsRoundTheRunLengthToWholeSteps) {
  Scenario scenario;
  scenario.run.years = 5;
  scenario.run.days_per_step = 7;
  EXPECT_EQ(scenario.steps(), 261);  // 5 * 365.25 / 7 = 260.9
  scenario.run.years = 0.001;
  EXPECT_EQ(scenario.steps(), 1);  // never zero steps
}

// ---- Bad input: keys and types ---------------------------------------------------------------

TEST(ScenarioRules, MisspeltKeyIsReportedWithSuggestion) {
  TempDir dir;
  expect_single_issue(dir.write("typo.yaml", "town:\n  populaton: 5\n"), 2, 3, "town.populaton",
                      "unknown key 'populaton'; did you mean 'population'?");
}

TEST(ScenarioRules, MisspeltKeyInFlowStyleIsReportedWithSuggestion) {
  TempDir dir;
  expect_single_issue(dir.write("typo.yaml", "town: {populaton: 5}\n"), 1, 8, "town.populaton",
                      "unknown key 'populaton'; did you mean 'population'?");
}

TEST(ScenarioRules, MisspeltSectionIsReportedWithSuggestion) {
  TempDir dir;
  expect_single_issue(dir.write("typo.yaml", "netwrok:\n  sociability_sd: 0.5\n"), 1, 1, "netwrok",
                      "unknown key 'netwrok'; did you mean 'network'?");
}

TEST(ScenarioRules, DuplicateKeyIsAnIssue) {
  TempDir dir;
  const fs::path file =
      dir.write("dup.yaml", "town:\n  population: 500\ntown:\n  population: 700\n");
  const std::vector<Issue> issues = issues_of(file);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].where.line, 3);
  EXPECT_EQ(issues[0].path, "town");
  EXPECT_NE(issues[0].message.find("duplicate"), std::string::npos) << issues[0].message;
}

TEST(ScenarioRules, TextWhereANumberIsExpectedIsReported) {
  TempDir dir;
  expect_single_issue(dir.write("type.yaml", "run:\n  years: five\n"), 2, 10, "run.years",
                      "expected a number, got 'five'");
}

TEST(ScenarioRules, TextWhereAnIntegerIsExpectedIsReported) {
  TempDir dir;
  expect_single_issue(dir.write("type.yaml", "town:\n  population: many\n"), 2, 15,
                      "town.population", "expected an integer, got 'many'");
}

TEST(ScenarioRules, NegativeSeedIsRejectedByItsUnsignedType) {
  TempDir dir;
  expect_single_issue(dir.write("seed.yaml", "run:\n  seed: -1\n"), 2, 9, "run.seed",
                      "expected a non-negative integer, got '-1'");
}

TEST(ScenarioRules, SeedBeyondSixtyFourBitsIsRejected) {
  TempDir dir;
  const std::vector<Issue> issues =
      issues_of(dir.write("seed.yaml", "run:\n  seed: 99999999999999999999\n"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "run.seed");
  EXPECT_EQ(issues[0].where.line, 2);
}

TEST(ScenarioRules, NonBooleanFlagIsReported) {
  TempDir dir;
  expect_single_issue(dir.write("flag.yaml", "town:\n  entrants:\n    enabled: maybe\n"), 3, 14,
                      "town.entrants.enabled", "expected true or false, got 'maybe'");
}

TEST(ScenarioRules, ScalarWhereASectionIsExpectedIsReported) {
  TempDir dir;
  expect_single_issue(dir.write("section.yaml", "town:\n  living_alone: 0.2\n"), 2, 17,
                      "town.living_alone", "expected a section (key: value pairs), got '0.2'");
}

TEST(ScenarioRules, ScenarioThatIsNotAMappingIsReported) {
  TempDir dir;
  expect_single_issue(dir.write("scalar.yaml", "just some text\n"), 1, 1, "",
                      "a scenario must be a mapping of sections (key: value)");
}

// ---- Validation rules: run -------------------------------------------------------------------

TEST(ScenarioRules, YearsMustBePositive) {
  TempDir dir;
  expect_single_issue(dir.write("years.yaml", "run:\n  years: 0\n"), 2, 10, "run.years",
                      "must be in (0, 100], got 0");
}

TEST(ScenarioRules, DaysPerStepMustBeAtLeastOne) {
  TempDir dir;
  expect_single_issue(dir.write("days.yaml", "run:\n  days_per_step: 0\n"), 2, 18,
                      "run.days_per_step", "must be in [1, 365], got 0");
}

TEST(ScenarioRules, ARunLastsAtMost32767Steps) {
  TempDir dir;
  // 100 years of daily steps is 36,525 steps; mechanisms keep steps in two bytes.
  expect_single_issue(dir.write("long.yaml", "run:\n  years: 100\n  days_per_step: 1\n"), 2, 10,
                      "run.years",
                      "makes 36525 steps of 1 days; a run lasts at most 32767 steps (89 years of "
                      "daily steps): use fewer years or longer steps");
  // 89 years of daily steps (32,507) and 100 years of weekly steps are fine.
  EXPECT_NO_THROW(load_scenario(dir.write("89.yaml", "run:\n  years: 89\n  days_per_step: 1\n")));
  EXPECT_NO_THROW(load_scenario(dir.write("100.yaml", "run:\n  years: 100\n")));
}

TEST(ScenarioRules, StartDateMustBeAValidIsoDate) {
  TempDir dir;
  expect_single_issue(dir.write("date.yaml", "run:\n  start_date: 2025-13-01\n"), 2, 15,
                      "run.start_date",
                      "must be a date that exists, written YYYY-MM-DD, got '2025-13-01'");
}

TEST(ScenarioRules, StartDateInWordsIsRejected) {
  TempDir dir;
  expect_single_issue(dir.write("date.yaml", "run:\n  start_date: April 1st 2025\n"), 2, 15,
                      "run.start_date",
                      "must be a date that exists, written YYYY-MM-DD, got 'April 1st 2025'");
}

TEST(ScenarioRules, StartDateMustExist) {
  TempDir dir;
  expect_single_issue(dir.write("feb30.yaml", "run:\n  start_date: 2023-02-29\n"), 2, 15,
                      "run.start_date",
                      "must be a date that exists, written YYYY-MM-DD, got '2023-02-29'");
}

// ---- Surveys ---------------------------------------------------------------------------------

TEST(ScenarioSurveys, NoWavesByDefaultAndLeftOutOfTheResolvedScenario) {
  const Scenario scenario;
  EXPECT_TRUE(scenario.surveys.years.empty());
  EXPECT_TRUE(scenario.survey_steps().empty());
  EXPECT_EQ(to_yaml(scenario).find("surveys"), std::string::npos)
      << "outputs of scenarios without surveys stay as they were";
}

TEST(ScenarioSurveys, YearsAreRoundedToTheNearestStepAndWrittenBack) {
  TempDir dir;
  const Scenario scenario =
      load_ok(dir.write("surveys.yaml", "run:\n  years: 6\nsurveys:\n  years: [0, 1, 3, 6]\n"));
  EXPECT_EQ(scenario.surveys.years, (std::vector<double>{0, 1, 3, 6}));
  // 365.25 / 7 = 52.18 steps a year.
  EXPECT_EQ(scenario.survey_steps(), (std::vector<std::int64_t>{0, 52, 157, 313}));
  EXPECT_EQ(scenario.steps(), 313);
  const std::string yaml = to_yaml(scenario);
  EXPECT_NE(yaml.find("surveys:\n  years: [0, 1, 3, 6]"), std::string::npos) << yaml;
  const Scenario again = load_ok(dir.write("again.yaml", yaml));
  EXPECT_EQ(again.surveys.years, scenario.surveys.years);
}

TEST(ScenarioSurveys, WaveAtTheEndOfTheRunIsAllowed) {
  TempDir dir;
  const Scenario scenario =
      load_ok(dir.write("end.yaml", "run:\n  years: 2\nsurveys:\n  years: [2]\n"));
  EXPECT_EQ(scenario.survey_steps(), (std::vector<std::int64_t>{scenario.steps()}));
}

TEST(ScenarioRules, SurveyYearsMustNotBeNegative) {
  TempDir dir;
  expect_single_issue(dir.write("surveys.yaml", "surveys:\n  years: [-1, 2]\n"), 2, 10,
                      "surveys.years[0]", "must be >= 0, got -1");
}

TEST(ScenarioRules, SurveyYearsMustBeWithinTheRun) {
  TempDir dir;
  expect_single_issue(dir.write("surveys.yaml", "run:\n  years: 5\nsurveys:\n  years: [0, 3, 6]\n"),
                      4, 10, "surveys.years[2]", "must be within the run (<= run.years, 5), got 6");
}

TEST(ScenarioRules, SurveyYearsMustIncrease) {
  TempDir dir;
  expect_single_issue(dir.write("surveys.yaml", "surveys:\n  years: [0, 3, 3]\n"), 2, 10,
                      "surveys.years[2]", "must be later than surveys.years[1] (3), got 3");
}

TEST(ScenarioRules, SurveyYearsMustNotGoBack) {
  TempDir dir;
  expect_single_issue(dir.write("surveys.yaml", "surveys:\n  years: [3, 1]\n"), 2, 10,
                      "surveys.years[1]", "must be later than surveys.years[0] (3), got 1");
}

TEST(ScenarioRules, SurveyYearsMustFallOnDifferentSteps) {
  TempDir dir;
  expect_single_issue(dir.write("surveys.yaml", "surveys:\n  years: [1, 1.001]\n"), 2, 10,
                      "surveys.years[1]",
                      "falls on the same step as surveys.years[0] (step 52 of 7 days)");
}

TEST(ScenarioRules, SurveyYearsMustBeAList) {
  TempDir dir;
  expect_single_issue(dir.write("surveys.yaml", "surveys:\n  years: 3\n"), 2, 10, "surveys.years",
                      "expected a list of numbers, got '3'");
}

TEST(ScenarioRules, SurveyYearsFromTheCommandLineAreCheckedToo) {
  TempDir dir;
  const std::vector<params::Issue> issues =
      issues_of(dir.write("empty.yaml", ""), {"surveys.years=[0, 9]"});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "surveys.years[1]");
  EXPECT_EQ(issues[0].message, "must be within the run (<= run.years, 5), got 9");
}

// ---- Validation rules: town ------------------------------------------------------------------

TEST(ScenarioRules, PopulationOfZeroIsRejected) {
  TempDir dir;
  expect_single_issue(dir.write("pop.yaml", "town:\n  population: 0\n"), 2, 15, "town.population",
                      "must be in [1, 50000000], got 0");
}

TEST(ScenarioRules, NegativePopulationIsRejectedWithTheRange) {
  TempDir dir;
  expect_single_issue(dir.write("pop.yaml", "town:\n  population: -5\n"), 2, 15, "town.population",
                      "must be in [1, 50000000], got -5");
}

TEST(ScenarioRules, PopulationAboveTheMaximumIsRejected) {
  TempDir dir;
  expect_single_issue(dir.write("pop.yaml", "town:\n  population: 60000000\n"), 2, 15,
                      "town.population", "must be in [1, 50000000], got 60000000");
}

TEST(ScenarioRules, DistrictsMustNotBeEmpty) {
  TempDir dir;
  expect_single_issue(dir.write("districts.yaml", "town:\n  districts: []\n"), 2, 14,
                      "town.districts", "number of items must be in [1, 65535], got 0");
}

TEST(ScenarioRules, DensityMustBeAKnownClassWithSuggestion) {
  TempDir dir;
  expect_single_issue(
      dir.write("density.yaml", "town:\n  districts:\n    - name: a\n      density: rurall\n"), 4,
      16, "town.districts[0].density",
      "'rurall' is not one of {urban, suburban, rural}; did you mean 'rural'?");
}

TEST(ScenarioRules, CentreMustHaveTwoNumbers) {
  TempDir dir;
  expect_single_issue(dir.write("centre.yaml", "town:\n  districts:\n    - centre_m: [1, 2, 3]\n"),
                      3, 17, "town.districts[0].centre_m", "expected 2 numbers, got 3");
}

TEST(ScenarioRules, RadiusMustBePositive) {
  TempDir dir;
  expect_single_issue(dir.write("radius.yaml", "town:\n  districts:\n    - radius_m: 0\n"), 3, 17,
                      "town.districts[0].radius_m", "must be > 0, got 0");
}

TEST(ScenarioRules, PopulationWeightMustBePositive) {
  TempDir dir;
  expect_single_issue(
      dir.write("weight.yaml",
                "town:\n  districts:\n    - name: a\n    - name: b\n      population_weight: -1\n"),
      5, 26, "town.districts[1].population_weight", "must be > 0, got -1");
}

TEST(ScenarioRules, ShareAboveOneIsRejected) {
  TempDir dir;
  expect_single_issue(dir.write("share.yaml", "town:\n  living_alone:\n    men: 1.5\n"), 3, 10,
                      "town.living_alone.men", "must be in [0, 1], got 1.5");
}

TEST(ScenarioRules, AgeStructureMustHaveSixBands) {
  TempDir dir;
  expect_single_issue(dir.write("bands.yaml", "town:\n  men_by_age: [1, 2, 3, 4, 5]\n"), 2, 15,
                      "town.men_by_age", "expected 6 numbers, got 5");
}

TEST(ScenarioRules, AgeStructureMustNotBeNegative) {
  TempDir dir;
  expect_single_issue(dir.write("bands.yaml", "town:\n  men_by_age: [1, 2, -3, 4, 5, 6]\n"), 2, 15,
                      "town.men_by_age[2]", "must be >= 0, got -3");
}

TEST(ScenarioRules, AgeStructureMustNotBeAllZero) {
  TempDir dir;
  expect_single_issue(dir.write("bands.yaml",
                                "town:\n  men_by_age: [0, 0, 0, 0, 0, 0]\n"
                                "  women_by_age: [0, 0, 0, 0, 0, 0]\n"),
                      3, 17, "town.women_by_age",
                      "men_by_age and women_by_age must not all be zero");
}

TEST(ScenarioRules, CertifiedShareMustBeAtMostOne) {
  TempDir dir;
  expect_single_issue(
      dir.write("certified.yaml", "town:\n  certified_by_age: [0.1, 0.2, 0.3, 0.4, 0.5, 1.2]\n"), 2,
      21, "town.certified_by_age[5]", "must be in [0, 1], got 1.2");
}

// ---- Validation rules: network ---------------------------------------------------------------

TEST(ScenarioRules, MeanTiesMustBeAtMostFifty) {
  TempDir dir;
  expect_single_issue(
      dir.write("ties.yaml", "network:\n  friends:\n    mean_ties:\n      women: 60\n"), 4, 14,
      "network.friends.mean_ties.women", "must be in [0, 50], got 60");
}

TEST(ScenarioRules, SpareTieSlotsMustBeAtMostSixtyFour) {
  TempDir dir;
  expect_single_issue(dir.write("slots.yaml", "network:\n  spare_tie_slots: 65\n"), 2, 20,
                      "network.spare_tie_slots", "must be in [0, 64], got 65");
}

TEST(ScenarioRules, TieTurnoverRatesAreChecked) {
  TempDir dir;
  expect_single_issue(
      dir.write("fade.yaml", "network:\n  turnover:\n    friends_fade_per_year: -0.1\n"), 3, 28,
      "network.turnover.friends_fade_per_year", "must be in [0, 5], got -0.1");
  expect_single_issue(
      dir.write("ratio.yaml", "network:\n  turnover:\n    certified_fade_ratio: 0.5\n"), 3, 27,
      "network.turnover.certified_fade_ratio", "must be in [1, 10], got 0.5");
}

// ---- Validation rules: health ----------------------------------------------------------------

TEST(ScenarioRules, LifeTableMustBeABuiltInOne) {
  TempDir dir;
  expect_single_issue(
      dir.write("table.yaml", "health:\n  mortality:\n    life_table: japan-2021\n"), 3, 17,
      "health.mortality.life_table",
      "'japan-2021' is not one of {japan-2020}; did you mean 'japan-2020'?");
}

TEST(ScenarioRules, IncomeGradientIsChecked) {
  TempDir dir;
  expect_single_issue(dir.write("gradient.yaml",
                                "health:\n  income_gradient:\n    death_hr_per_halving:\n"
                                "      men: 4\n"),
                      4, 12, "health.income_gradient.death_hr_per_halving.men",
                      "must be in [0.5, 3], got 4");
}

TEST(ScenarioRules, HazardRatioMustBePositive) {
  TempDir dir;
  expect_single_issue(dir.write("hr.yaml", "health:\n  certification:\n    hr_isolated: 0\n"), 3,
                      18, "health.certification.hr_isolated", "must be > 0, got 0");
}

// ---- Validation rules: interventions ---------------------------------------------------------

TEST(ScenarioRules, UnknownInterventionTypeIsRejected) {
  TempDir dir;
  const fs::path file = dir.write("iv.yaml", "interventions:\n  - type: teleporter\n");
  const std::vector<Issue> issues = issues_of(file);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].where.source, file.generic_string());
  EXPECT_EQ(issues[0].where.line, 2);
  EXPECT_EQ(issues[0].where.column, 11);
  EXPECT_EQ(issues[0].path, "interventions[0].type");
  EXPECT_EQ(issues[0].message, unknown_intervention_message("teleporter", Interventions::names()));
  EXPECT_EQ(issues[0].message.rfind("unknown intervention type 'teleporter'", 0), 0u);
}

TEST(ScenarioRules, InterventionsMustBeAList) {
  TempDir dir;
  expect_single_issue(dir.write("iv.yaml", "interventions: salon\n"), 1, 16, "interventions",
                      "expected a list, got 'salon'");
}

// ---- Bad input: files ------------------------------------------------------------------------

TEST(ScenarioFiles, YamlSyntaxErrorReportsLineAndColumn) {
  TempDir dir;
  expect_single_issue(dir.write("syntax.yaml", "run:\n  years: 5\n    seed: 3\n"), 3, 9, "",
                      "YAML syntax: illegal map value");
}

TEST(ScenarioFiles, MissingFileIsReported) {
  TempDir dir;
  const fs::path file = dir.path() / "nothere.yaml";
  const std::vector<Issue> issues = issues_of(file);
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "command line", 0, 0, "",
               "cannot read scenario file '" + file.generic_string() + "': no such file");
}

TEST(ScenarioFiles, DirectoryIsNotAScenario) {
  TempDir dir;
  const std::vector<Issue> issues = issues_of(dir.path());
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(
      issues[0], "command line", 0, 0, "",
      "cannot read scenario file '" + dir.path().generic_string() + "': it is a directory");
}

TEST(ScenarioFiles, EveryProblemInOneFileIsReported) {
  TempDir dir;
  const fs::path file = dir.write("many.yaml",
                                  "run:\n"
                                  "  yeers: 5\n"          // unknown key
                                  "  days_per_step: 0\n"  // range
                                  "town:\n"
                                  "  population: many\n"  // type
                                  "  districts:\n"
                                  "    - density: rurall\n"  // choice
                                  "  men_by_age: [0, 0, 0, 0, 0, 0]\n"
                                  "  women_by_age: [0, 0, 0, 0, 0, 0]\n");  // rule
  const std::vector<Issue> issues = issues_of(file);
  std::set<std::string> paths;
  for (const Issue& issue : issues) {
    paths.insert(issue.path);
    EXPECT_EQ(issue.where.source, file.generic_string());
  }
  EXPECT_EQ(issues.size(), 5u);
  EXPECT_EQ(paths, (std::set<std::string>{"run.yeers", "run.days_per_step", "town.population",
                                          "town.districts[0].density", "town.women_by_age"}));
}

// ---- extends ---------------------------------------------------------------------------------

TEST(ScenarioExtends, ChildOverridesOneKeyAndKeepsTheRest) {
  TempDir dir;
  dir.write("base.yaml", "name: base\nrun:\n  years: 3\ntown:\n  population: 2000\n");
  const fs::path child = dir.write("child.yaml", "extends: base.yaml\ntown:\n  population: 3000\n");
  const Scenario scenario = load_ok(child);
  EXPECT_EQ(scenario.town.population, 3000);
  EXPECT_EQ(scenario.run.years, 3);
  EXPECT_EQ(scenario.name, "base");
}

TEST(ScenarioExtends, ADescriptionIsNotInherited) {
  TempDir dir;
  dir.write("base.yaml", "name: base\ndescription: The base town.\n");
  const fs::path silent = dir.write("silent.yaml", "extends: base.yaml\nrun:\n  years: 1\n");
  EXPECT_EQ(load_ok(silent).description, "");
  const fs::path own =
      dir.write("own.yaml", "extends: base.yaml\ndescription: The base town, one year.\n");
  EXPECT_EQ(load_ok(own).description, "The base town, one year.");
  EXPECT_EQ(load_ok(dir.path() / "base.yaml").description, "The base town.");
  // A --set override is not a file: it keeps the file's description.
  EXPECT_EQ(load_scenario(dir.path() / "own.yaml", {"run.years=2"}).description,
            "The base town, one year.");
}

TEST(ScenarioExtends, PathIsRelativeToTheChildsDirectory) {
  TempDir dir;
  dir.write("base.yaml", "run:\n  years: 2\n");
  const fs::path child = dir.write("variants/child.yaml", "extends: ../base.yaml\n");
  EXPECT_EQ(load_ok(child).run.years, 2);
}

TEST(ScenarioExtends, TwoLevelChainAppliesBaseMostFirst) {
  TempDir dir;
  dir.write("c.yaml", "name: c\nrun:\n  years: 2\ntown:\n  population: 100\n");
  dir.write("b.yaml", "extends: c.yaml\nname: b\ntown:\n  population: 200\n");
  const fs::path a = dir.write("a.yaml", "extends: b.yaml\nname: a\n");
  const Scenario scenario = load_ok(a);
  EXPECT_EQ(scenario.name, "a");
  EXPECT_EQ(scenario.town.population, 200);
  EXPECT_EQ(scenario.run.years, 2);
}

TEST(ScenarioExtends, CommittedTownYamlCanBeExtended) {
  TempDir dir;
  const fs::path child =
      dir.write("child.yaml", fmt::format("extends: {}\nrun:\n  years: 1\n", kTownYaml.string()));
  const Scenario scenario = load_ok(child);
  EXPECT_EQ(scenario.town.districts.size(), 3u);
  EXPECT_EQ(scenario.run.years, 1);
}

TEST(ScenarioExtends, CycleIsAnError) {
  TempDir dir;
  dir.write("a.yaml", "extends: b.yaml\n");
  const fs::path b = dir.write("b.yaml", "extends: a.yaml\n");
  const std::vector<Issue> issues = issues_of(dir.path() / "a.yaml");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].where.source, b.generic_string());
  EXPECT_EQ(issues[0].where.line, 1);
  EXPECT_EQ(issues[0].where.column, 10);
  EXPECT_EQ(issues[0].path, "extends");
  EXPECT_NE(issues[0].message.find("cycle"), std::string::npos) << issues[0].message;
}

TEST(ScenarioExtends, ExtendingItselfIsAnError) {
  TempDir dir;
  const fs::path a = dir.write("a.yaml", "extends: a.yaml\n");
  const std::vector<Issue> issues = issues_of(a);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "extends");
  EXPECT_NE(issues[0].message.find("cycle"), std::string::npos) << issues[0].message;
}

TEST(ScenarioExtends, MissingBaseIsReportedWhereItIsNamed) {
  TempDir dir;
  const fs::path child = dir.write("child.yaml", "name: c\nextends: nothere.yaml\n");
  const std::vector<Issue> issues = issues_of(child);
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], child.generic_string(), 2, 10, "",
               "cannot read scenario file '" + (dir.path() / "nothere.yaml").generic_string() +
                   "': no such file");
}

TEST(ScenarioExtends, ExtendsMustBeAPath) {
  TempDir dir;
  expect_single_issue(dir.write("child.yaml", "extends: [a.yaml, b.yaml]\n"), 1, 10, "extends",
                      "expected the path of a scenario file");
}

TEST(ScenarioExtends, ProblemInTheBaseIsReportedWithTheBaseFileName) {
  TempDir dir;
  dir.write("base.yaml", "run:\n  yeers: 3\n");
  const fs::path child = dir.write("child.yaml", "extends: base.yaml\nname: child\n");
  const std::vector<Issue> issues = issues_of(child);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_TRUE(fs::equivalent(issues[0].where.source, dir.path() / "base.yaml"))
      << issues[0].where.source;
  EXPECT_EQ(issues[0].where.line, 2);
  EXPECT_EQ(issues[0].where.column, 3);
  EXPECT_EQ(issues[0].path, "run.yeers");
  EXPECT_EQ(issues[0].message, "unknown key 'yeers'; did you mean 'years'?");
}

TEST(ScenarioExtends, RangeProblemOfABaseValueIsReportedInTheBase) {
  TempDir dir;
  dir.write("base.yaml", "town:\n  population: 0\n");
  const fs::path child = dir.write("child.yaml", "extends: base.yaml\nname: child\n");
  const std::vector<Issue> issues = issues_of(child);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_TRUE(fs::equivalent(issues[0].where.source, dir.path() / "base.yaml"))
      << issues[0].where.source;
  EXPECT_EQ(issues[0].where.line, 2);
  EXPECT_EQ(issues[0].path, "town.population");
}

TEST(ScenarioExtends, ChildMayFixAnInvalidBaseValue) {
  TempDir dir;
  dir.write("base.yaml", "town:\n  population: 0\n");
  const fs::path child = dir.write("child.yaml", "extends: base.yaml\ntown:\n  population: 50\n");
  EXPECT_EQ(load_ok(child).town.population, 50);
}

// ---- --set overrides -------------------------------------------------------------------------

TEST(ScenarioOverrides, ScalarOverrideReplacesTheValue) {
  EXPECT_EQ(load_ok(kTownYaml, {"town.population=500"}).town.population, 500);
}

TEST(ScenarioOverrides, NestedOverrideReachesDeepKeys) {
  const Scenario scenario =
      load_ok(kTownYaml, {"health.mortality.hr_isolated=1.5", "town.living_alone.women=0.3"});
  EXPECT_EQ(scenario.health.mortality.hr_isolated, 1.5);
  EXPECT_EQ(scenario.town.living_alone.women, 0.3);
  EXPECT_EQ(scenario.town.living_alone.men, TownParams{}.living_alone.men);  // untouched
}

TEST(ScenarioOverrides, TextAndChoiceOverrides) {
  const Scenario scenario = load_ok(kTownYaml, {"name=variant", "town.districts[2].density=urban"});
  EXPECT_EQ(scenario.name, "variant");
  EXPECT_EQ(scenario.town.districts[2].density, Density::kUrban);
}

TEST(ScenarioOverrides, ListItemOverridePatchesOneField) {
  const Scenario scenario = load_ok(kTownYaml, {"town.districts[0].radius_m=800"});
  ASSERT_EQ(scenario.town.districts.size(), 3u);
  EXPECT_EQ(scenario.town.districts[0].radius_m, 800);
  EXPECT_EQ(scenario.town.districts[0].name, "station");
  EXPECT_EQ(scenario.town.districts[1].radius_m, 1400);
}

TEST(ScenarioOverrides, ListOfNumbersOverride) {
  const Scenario scenario = load_ok(kTownYaml, {"town.districts[1].centre_m=[5, 6]"});
  EXPECT_EQ(scenario.town.districts[1].centre_m, (std::vector<double>{5, 6}));
}

TEST(ScenarioOverrides, IndexPastTheEndIsReported) {
  const std::vector<Issue> issues = issues_of(kTownYaml, {"town.districts[9].radius_m=800"});
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "--set town.districts[9].radius_m=800", 0, 0, "town.districts",
               "expected a list, or an item index [0..3) to change, got '[9]'");
}

TEST(ScenarioOverrides, OverrideWithoutEqualsIsReported) {
  const std::vector<Issue> issues = issues_of(kTownYaml, {"noequals"});
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "--set", 0, 0, "", "expected key.path=value, got 'noequals'");
}

TEST(ScenarioOverrides, OverrideWithoutKeyIsReported) {
  const std::vector<Issue> issues = issues_of(kTownYaml, {"=5"});
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "--set", 0, 0, "", "expected key.path=value, got '=5'");
}

TEST(ScenarioOverrides, MalformedKeyPathIsReported) {
  const std::vector<Issue> issues = issues_of(kTownYaml, {"town..population=5"});
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "--set", 0, 0, "",
               "malformed key path 'town..population' (expected keys joined by dots, each with "
               "optional [index], e.g. town.districts[0].radius_m)");
}

TEST(ScenarioOverrides, UnknownKeyGetsASuggestion) {
  const std::vector<Issue> issues = issues_of(kTownYaml, {"town.populaton=5"});
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "--set town.populaton=5", 0, 0, "town.populaton",
               "unknown key 'populaton'; did you mean 'population'?");
}

TEST(ScenarioOverrides, WrongTypeIsReported) {
  const std::vector<Issue> issues = issues_of(kTownYaml, {"run.years=five"});
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "--set run.years=five", 0, 0, "run.years",
               "expected a number, got 'five'");
}

TEST(ScenarioOverrides, RangeProblemIsReportedAtTheOverride) {
  const std::vector<Issue> issues = issues_of(kTownYaml, {"run.years=0"});
  ASSERT_EQ(issues.size(), 1u);
  expect_issue(issues[0], "--set run.years=0", 0, 0, "run.years", "must be in (0, 100], got 0");
}

// The value of --set is read as YAML, so text with ": " in it must be quoted.
TEST(ScenarioOverrides, ValueIsReadAsYaml) {
  EXPECT_EQ(load_ok(kTownYaml, {"description=\"a: b\""}).description, "a: b");
  const std::vector<Issue> issues = issues_of(kTownYaml, {"description=a: b"});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "description");
  EXPECT_EQ(issues[0].message, "expected text, got a section");
}

TEST(ScenarioOverrides, LaterOverrideWins) {
  EXPECT_EQ(load_ok(kTownYaml, {"town.population=500", "town.population=600"}).town.population,
            600);
}

TEST(ScenarioOverrides, OverrideMayFixAnInvalidFileValue) {
  TempDir dir;
  const fs::path file = dir.write("bad.yaml", "town:\n  population: 0\n");
  EXPECT_EQ(load_ok(file, {"town.population=5"}).town.population, 5);
}

// ---- to_yaml ---------------------------------------------------------------------------------

TEST(ScenarioYaml, TownYamlRoundTripsThroughToYaml) {
  TempDir dir;
  const std::string first = to_yaml(load_ok(kTownYaml));
  const fs::path resolved = dir.write("resolved.yaml", first);
  EXPECT_EQ(to_yaml(load_ok(resolved)), first);
}

TEST(ScenarioYaml, OverriddenValuesRoundTripExactly) {
  TempDir dir;
  const Scenario scenario =
      load_ok(kTownYaml, {"health.mortality.hr_isolated=1.2345678901234567",
                          "town.living_alone.men=0.1", "description=\"a: b\""});
  const fs::path resolved = dir.write("resolved.yaml", to_yaml(scenario));
  const Scenario reloaded = load_ok(resolved);
  EXPECT_EQ(reloaded.health.mortality.hr_isolated, scenario.health.mortality.hr_isolated);
  EXPECT_EQ(reloaded.town.living_alone.men, 0.1);
  EXPECT_EQ(reloaded.description, "a: b");
  EXPECT_EQ(to_yaml(reloaded), to_yaml(scenario));
}

TEST(ScenarioYaml, DefaultsRoundTripThroughToYaml) {
  TempDir dir;
  const std::string first = to_yaml(Scenario{});
  EXPECT_EQ(to_yaml(load_ok(dir.write("defaults.yaml", first))), first);
}

// ---- parameter_dictionary --------------------------------------------------------------------

/// Key paths of every leaf of an emitted scenario, with "[]" for list items (as the dictionary
/// writes them); a list of items is itself a row too.
void leaf_paths(const YAML::Node& node, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& entry : node) {
    const std::string path = (prefix.empty() ? "" : prefix + ".") + entry.first.Scalar();
    const YAML::Node& value = entry.second;
    if (value.IsMap()) {
      leaf_paths(value, path, out);
    } else if (value.IsSequence() && value.size() > 0 && value[0].IsMap()) {
      out.insert(path);
      for (const auto& item : value) leaf_paths(item, path + "[]", out);
    } else {
      out.insert(path);
    }
  }
}

TEST(ParameterDictionary, HasARowForEveryLeafAndNoOther) {
  Scenario scenario;
  // One salons intervention with one venue, so that every item field is emitted too.
  SalonsParams salons;
  salons.venues.push_back(Venue{});
  salons.venues.back().location_m = {0, 0};
  scenario.interventions.push_back(salons);
  // And one of every other list item: a store, a bus line with a stop, a mobile shop stop and a
  // shuttle's district.
  scenario.town.stores.push_back(Store{});
  scenario.town.bus_lines.push_back(BusLine{});
  scenario.town.bus_lines.back().stops.push_back(BusStop{});
  MobileShopParams shop;
  shop.stops.push_back(MobileShopStop{});
  scenario.interventions.push_back(shop);
  ShuttleParams shuttle;
  shuttle.districts.push_back(ServedDistrict{});
  scenario.interventions.push_back(shuttle);
  // A listed venue of every kind of the town's groups (the groups section is left out of the
  // resolved scenario while it holds its defaults), and a groups intervention with one.
  for (GroupKind kind : {GroupKind::kSports, GroupKind::kHobby, GroupKind::kVolunteer,
                         GroupKind::kSeniorClub, GroupKind::kNeighbourhoodAssociation}) {
    scenario.groups.of(kind).venues.push_back(Venue{});
    scenario.groups.of(kind).venues.back().location_m = {0, 0};
  }
  NewGroupsParams opened;
  opened.opens.venues.push_back(Venue{});
  opened.opens.venues.back().location_m = {0, 0};
  scenario.interventions.push_back(opened);
  // And survey waves, which the resolved scenario leaves out while there are none.
  scenario.surveys.years = {0, 1};
  // Sections left out while they hold their defaults: hardship and care costs.
  scenario.town.hardship.mean_episode_years = 2;
  scenario.health.care_costs.ltc_benefits_yen_per_certified_year = 1;
  // Coalition support, and a region with a listed municipality and a varied key.
  scenario.interventions.push_back(CoalitionSupportParams{});
  // Social prescribing with a listed clinic and a team serving listed districts.
  SocialPrescribingParams prescribing;
  prescribing.clinics.listed.push_back(Clinic{});
  prescribing.link_workers.teams.back().districts = {"centre"};
  scenario.interventions.push_back(prescribing);
  scenario.region.municipalities.push_back({"a", {"town.population=100"}});
  sweep::SweepParameter varied;
  varied.key = "town.population";
  varied.min = 1;
  varied.max = 2;
  varied.mean = 1.5;
  varied.sd = 1;
  varied.values = {"1"};
  scenario.region.vary.push_back(varied);
  std::set<std::string> leaves;
  leaf_paths(params::Emitter().emit(scenario), "", leaves);

  std::set<std::string> rows;
  for (const params::DictionaryRow& row : parameter_dictionary()) {
    EXPECT_TRUE(rows.insert(row.path).second) << "duplicate row " << row.path;
  }
  EXPECT_EQ(rows, leaves);
  EXPECT_TRUE(rows.contains("town.population"));
  EXPECT_TRUE(rows.contains("town.districts[].radius_m"));
  EXPECT_TRUE(rows.contains("health.mortality.life_table"));
  EXPECT_TRUE(rows.contains("network.turnover.friends_fade_per_year"));
}

TEST(ParameterDictionary, EveryRowHasADoc) {
  for (const params::DictionaryRow& row : parameter_dictionary()) {
    EXPECT_FALSE(row.doc.empty()) << row.path;
  }
}

TEST(ParameterDictionary, EveryRowHasADefault) {
  for (const params::DictionaryRow& row : parameter_dictionary()) {
    // Empty by design: a scenario needs no description, an intervention has no default type.
    if (row.path == "description" || row.path == "interventions[].type") continue;
    // A venue is placed by location_m or by district: the district is empty by default.
    if (row.path.ends_with("venues[].district") || row.path.ends_with("venue.district")) continue;
    // A region's municipalities and varied keys are named by the scenario.
    if (row.path == "region.municipalities[].name" || row.path == "region.vary[].key" ||
        row.path == "region.vary[].name")
      continue;
    // So are stores, bus stops and mobile shop stops.
    if (row.path == "town.stores[].district" || row.path == "town.bus_lines[].stops[].district" ||
        row.path == "interventions[].stops[].district" ||
        row.path == "interventions[].clinics.listed[].district") {
      continue;
    }
    EXPECT_FALSE(row.default_value.empty()) << row.path;
  }
}

// Every model parameter cites where its default comes from. Structural choices (names, map
// layout, switches, run settings) have no source; they are listed here, so a new parameter
// without a source fails this test until it gets one or is added with a reason.
TEST(ParameterDictionary, EveryModelParameterHasASource) {
  std::set<std::string> allowed_without_source{
      // what the scenario is and how it runs
      "name",
      "description",
      "run.seed",
      "run.years",
      "run.days_per_step",
      "run.start_date",
      // the shape of the synthetic town, chosen per scenario
      "town.population",
      "town.districts",
      "town.districts[].name",
      "town.districts[].centre_m",
      "town.districts[].radius_m",
      "town.districts[].density",
      "town.districts[].population_weight",
      // switches between model variants
      "town.entrants.enabled",
      "health.mortality.match_life_table",
      "network.turnover.enabled",
      // which interventions run
      "interventions",
      "interventions[].type",
      // salon venues and their placement are the planner's choices
      "interventions[].venues",
      "interventions[].placement.rule",
      "interventions[].placement.count",
      "interventions[].placement.first_opens_step",
      "interventions[].placement.opening_interval_steps",
      // stores, bus lines, mobile shop routes and shuttles are the map and the planner's choices
      "town.stores",
      "town.stores[].name",
      "town.stores[].location_m",
      "town.stores[].district",
      "town.stores[].opens_step",
      "town.stores[].closes_step",
      "town.generate_stores",
      "town.bus_lines",
      "town.bus_lines[].name",
      "town.bus_lines[].stops",
      "town.bus_lines[].stops[].location_m",
      "town.bus_lines[].stops[].district",
      "town.bus_lines[].trips_per_day",
      "town.reach.lifts_from_relatives",
      "interventions[].route.name",
      "interventions[].route.opens_step",
      "interventions[].route.closes_step",
      "interventions[].stops",
      "interventions[].stops[].name",
      "interventions[].stops[].location_m",
      "interventions[].stops[].district",
      "interventions[].stops[].weekdays",
      "interventions[].stops[].lunch_salon",
      "interventions[].stops[].lunch_places",
      "interventions[].service.name",
      "interventions[].service.opens_step",
      "interventions[].service.closes_step",
      "interventions[].eligibility.min_age",
      "interventions[].eligibility.include_certified",
      "interventions[].eligibility.without_car_only",
      "interventions[].districts",
      "interventions[].districts[].name",
      "interventions[].seats_per_trip",
      "interventions[].trips_per_week",
      "interventions[].to_salons",
      "interventions[].to_stores",
  };
  for (const std::string prefix :
       {"interventions[].venues[].", "interventions[].placement.venue.",
        "interventions[].opens.venues[].", "interventions[].opens.placement.venue."}) {
    for (const char* field : {"name", "location_m", "district", "schedule", "weekday", "capacity",
                              "opens_step", "closes_step", "volunteers", "programme"}) {
      allowed_without_source.insert(prefix + field);
    }
  }
  // New groups an intervention opens are the planner's choices, as salons are.
  for (const char* path :
       {"interventions[].kind", "interventions[].opens.venues",
        "interventions[].opens.placement.rule", "interventions[].opens.placement.count",
        "interventions[].opens.placement.first_opens_step",
        "interventions[].opens.placement.opening_interval_steps"}) {
    allowed_without_source.insert(path);
  }
  // The town's groups of each kind: where their venues are and what they are called is the map
  // (their schedules, capacities and participation have sources).
  for (const std::string kind :
       {"sports", "hobby", "volunteer", "senior_club", "neighbourhood_association"}) {
    const std::string at = "groups." + kind + ".";
    for (const std::string path : {"venues", "placement.count", "placement.first_opens_step",
                                   "placement.opening_interval_steps"}) {
      allowed_without_source.insert(at + path);
    }
    for (const std::string& prefix : {at + "venues[].", at + "placement.venue."}) {
      for (const char* field : {"name", "location_m", "district", "weekday", "opens_step",
                                "closes_step", "volunteers", "programme"}) {
        allowed_without_source.insert(prefix + field);
      }
    }
    // A listed venue takes the salons' defaults until the scenario sets them.
    for (const char* field : {"schedule", "capacity"})
      allowed_without_source.insert(at + "venues[]." + field);
  }
  // Coalition support: the arm is the trial's design; an action's switch is the planner's.
  allowed_without_source.insert("interventions[].arm");
  for (const char* action : {"new_group", "mens_group", "volunteers", "outreach", "mobile_shop"})
    allowed_without_source.insert(std::string("interventions[].actions.") + action + ".enabled");
  // Social prescribing: the programme's name and start, its listed clinics and teams (the map and
  // the staffing a planner chooses), whether clinics are generated and counselling offered.
  for (const char* path :
       {"interventions[].name", "interventions[].opens_step", "interventions[].clinics.listed",
        "interventions[].clinics.listed[].name", "interventions[].clinics.listed[].location_m",
        "interventions[].clinics.listed[].district", "interventions[].clinics.listed[].screens",
        "interventions[].clinics.generate", "interventions[].link_workers.teams",
        "interventions[].link_workers.teams[].name",
        "interventions[].link_workers.teams[].districts",
        "interventions[].link_workers.teams[].staff",
        "interventions[].welfare_counselling.available"})
    allowed_without_source.insert(path);
  // A region is the map of many towns: which, how many and how they vary is the scenario's.
  for (const char* path :
       {"region.generate", "region.municipalities", "region.municipalities[].name",
        "region.municipalities[].set", "region.name_prefix", "region.seed", "region.vary",
        "region.vary[].distribution", "region.vary[].integer", "region.vary[].key",
        "region.vary[].levels", "region.vary[].max", "region.vary[].mean", "region.vary[].min",
        "region.vary[].name", "region.vary[].sd", "region.vary[].values"})
    allowed_without_source.insert(path);
  for (const params::DictionaryRow& row : parameter_dictionary()) {
    if (row.source.empty()) {
      EXPECT_TRUE(allowed_without_source.contains(row.path)) << row.path << " has no source";
    } else {
      EXPECT_FALSE(allowed_without_source.contains(row.path))
          << row.path << " now has a source; remove it from the allow-list";
    }
  }
}

TEST(ParameterDictionary, RangesMatchTheValidator) {
  const auto rows = parameter_dictionary();
  const auto row = [&](const std::string& path) {
    const auto it = std::find_if(rows.begin(), rows.end(),
                                 [&](const params::DictionaryRow& r) { return r.path == path; });
    EXPECT_NE(it, rows.end()) << path;
    return it == rows.end() ? params::DictionaryRow{} : *it;
  };
  EXPECT_EQ(row("town.population").range, "must be in [1, 50000000]");
  EXPECT_EQ(row("town.population").default_value, "10000");
  EXPECT_EQ(row("town.population").unit, "residents");
  EXPECT_EQ(row("town.districts").range, "number of items must be in [1, 65535]");
  EXPECT_EQ(row("town.districts[].density").range, "one of urban, suburban, rural");
  EXPECT_EQ(row("health.mortality.life_table").range, "one of japan-2020");
  EXPECT_EQ(row("health.income_gradient.certification_hr_per_halving.men").range,
            "must be in [0.5, 3]");
}

}  // namespace
}  // namespace salonsim::models
