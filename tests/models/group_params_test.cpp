// Validation of the salons intervention in a scenario: one test per rule, each checking the exact
// place, key path and message reported; the committed Taketoyo scenarios; round trips and --set.
#include "models/groups/group_params.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "sim/params/diagnostics.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;
using params::Issue;
using params::ScenarioError;
using testing::expect_issue;
using testing::expect_single_issue;
using testing::issues_of;
using testing::load_ok;
using testing::TempDir;

const fs::path kScenarios = fs::path(SALONSIM_SOURCE_DIR) / "scenarios";

/// A scenario whose one intervention is a salons item with `fields` (indented four spaces).
std::string salons_scenario(const std::string& fields) {
  return "interventions:\n  - type: salons\n" + fields;
}

// ---- Keys and choices --------------------------------------------------------------------------

TEST(SalonParamsRules, MisspeltVenueKeyGetsASuggestion) {
  TempDir dir;
  expect_single_issue(
      dir.write("typo.yaml",
                salons_scenario("    placement:\n      venue:\n        capacty: 10\n")),
      5, 9, "interventions[0].placement.venue.capacty",
      "unknown key 'capacty'; did you mean 'capacity'?");
}

TEST(SalonParamsRules, MisspeltKeyOfTheSalonsItemGetsASuggestion) {
  TempDir dir;
  expect_single_issue(dir.write("typo.yaml", salons_scenario("    placment:\n      rule: gaps\n")),
                      3, 5, "interventions[0].placment",
                      "unknown key 'placment'; did you mean 'placement'?");
}

TEST(SalonParamsRules, ScheduleMustBeAKnownChoiceWithSuggestion) {
  TempDir dir;
  expect_single_issue(
      dir.write("schedule.yaml",
                salons_scenario("    placement:\n      venue:\n        schedule: fortnighty\n")),
      5, 19, "interventions[0].placement.venue.schedule",
      "'fortnighty' is not one of {weekly, fortnightly, monthly}; did you mean 'fortnightly'?");
}

TEST(SalonParamsRules, PlacementRuleMustBeAKnownChoiceWithSuggestion) {
  TempDir dir;
  expect_single_issue(dir.write("rule.yaml", salons_scenario("    placement:\n      rule: gap\n")),
                      4, 13, "interventions[0].placement.rule",
                      "'gap' is not one of {none, district_centres, gaps}; did you mean 'gaps'?");
}

// ---- Ranges ------------------------------------------------------------------------------------

TEST(SalonParamsRules, CapacityMustBeAtLeastOne) {
  TempDir dir;
  expect_single_issue(
      dir.write("capacity.yaml",
                salons_scenario("    placement:\n      venue:\n        capacity: 0\n")),
      5, 19, "interventions[0].placement.venue.capacity", "must be in [1, 100000], got 0");
}

TEST(SalonParamsRules, WeekdayMustBeZeroToSix) {
  TempDir dir;
  expect_single_issue(
      dir.write("weekday.yaml",
                salons_scenario("    placement:\n      venue:\n        weekday: 7\n")),
      5, 18, "interventions[0].placement.venue.weekday", "must be in [0, 6], got 7");
}

TEST(SalonParamsRules, JoinOddsAboveOneIsRejected) {
  TempDir dir;
  expect_single_issue(
      dir.write("odds.yaml", salons_scenario("    participation:\n      join_odds: 1.5\n")), 4, 18,
      "interventions[0].participation.join_odds", "must be in (0, 1], got 1.5");
}

TEST(SalonParamsRules, JoinOddsOfZeroIsRejected) {
  TempDir dir;
  expect_single_issue(
      dir.write("odds.yaml", salons_scenario("    participation:\n      join_odds: 0\n")), 4, 18,
      "interventions[0].participation.join_odds", "must be in (0, 1], got 0");
}

TEST(SalonParamsRules, AttendProbabilityAboveOneIsRejected) {
  TempDir dir;
  expect_single_issue(
      dir.write("p.yaml", salons_scenario("    participation:\n      attend_probability: 1.2\n")),
      4, 27, "interventions[0].participation.attend_probability", "must be in [0, 1], got 1.2");
}

TEST(SalonParamsRules, NewTieProbabilityAboveOneIsRejected) {
  TempDir dir;
  expect_single_issue(
      dir.write("p.yaml", salons_scenario("    effects:\n      new_tie_probability: 2\n")), 4, 28,
      "interventions[0].effects.new_tie_probability", "must be in [0, 1], got 2");
}

TEST(SalonParamsRules, OddsRatioMustBePositive) {
  TempDir dir;
  expect_single_issue(
      dir.write("or.yaml", salons_scenario("    participation:\n      or_women: 0\n")), 4, 17,
      "interventions[0].participation.or_women", "must be > 0, got 0");
}

// ---- Cross-field rules -------------------------------------------------------------------------

TEST(SalonParamsRules, ClosesStepMustBeAfterOpensStep) {
  TempDir dir;
  expect_single_issue(dir.write("closes.yaml", salons_scenario("    venues:\n"
                                                               "      - name: hall\n"
                                                               "        location_m: [0, 0]\n"
                                                               "        opens_step: 5\n"
                                                               "        closes_step: 5\n")),
                      7, 22, "interventions[0].venues[0].closes_step",
                      "must be after opens_step, or -1");
}

TEST(SalonParamsRules, ClosesStepMinusOneMeansNeverAndIsAccepted) {
  TempDir dir;
  const Scenario scenario = load_ok(dir.write(
      "closes.yaml",
      salons_scenario(
          "    venues:\n      - {location_m: [0, 0], opens_step: 5, closes_step: -1}\n")));
  ASSERT_EQ(scenario.interventions.size(), 1u);
  ASSERT_EQ(std::get<SalonsParams>(scenario.interventions[0]).venues.size(), 1u);
  EXPECT_EQ(std::get<SalonsParams>(scenario.interventions[0]).venues[0].closes_step, -1);
}

TEST(SalonParamsRules, VenueNeedsLocationOrDistrict) {
  TempDir dir;
  expect_single_issue(dir.write("venue.yaml", salons_scenario("    venues:\n      - name: hall\n")),
                      4, 7, "interventions[0].venues", "venue 'hall' needs location_m or district");
}

TEST(SalonParamsRules, VenueMustNameADistrictOfTheTown) {
  TempDir dir;
  expect_single_issue(dir.write("district.yaml", salons_scenario("    venues:\n"
                                                                 "      - name: hall\n"
                                                                 "        district: nowhere\n")),
                      5, 19, "interventions[0].venues[0].district",
                      "salon venue 'hall' names no district of town.districts: 'nowhere'");
}

TEST(SalonParamsRules, VenueByDistrictNameIsAccepted) {
  TempDir dir;
  const Scenario scenario = load_ok(
      dir.write("district.yaml",
                "town:\n  districts:\n    - {name: north, centre_m: [0, 900]}\n" +
                    salons_scenario("    venues:\n      - {name: hall, district: north}\n")));
  ASSERT_EQ(scenario.interventions.size(), 1u);
  EXPECT_EQ(std::get<SalonsParams>(scenario.interventions[0]).venues.at(0).district, "north");
}

TEST(SalonParamsRules, LocationMustBeTwoNumbers) {
  TempDir dir;
  expect_single_issue(
      dir.write("location.yaml", salons_scenario("    venues:\n"
                                                 "      - name: hall\n"
                                                 "        location_m: [1, 2, 3]\n")),
      5, 21, "interventions[0].venues[0].location_m",
      "expected [x, y] or [] (then district is used)");
}

TEST(SalonParamsRules, AtMostOneSalonsIntervention) {
  TempDir dir;
  expect_single_issue(dir.write("two.yaml", "interventions:\n  - type: salons\n  - type: salons\n"),
                      2, 3, "interventions",
                      "at most one salons intervention (list all venues in it)");
}

TEST(SalonParamsRules, UnknownInterventionTypeSuggestsSalons) {
  TempDir dir;
  expect_single_issue(dir.write("type.yaml", "interventions:\n  - type: salon\n"), 2, 11,
                      "interventions[0].type",
                      "unknown intervention type 'salon'; known types: salons, mobile_shop, "
                      "shuttle, groups, coalition_support, social_prescribing; did you mean "
                      "'salons'?");
}

// A typo in the type should be reported once, not once more for every salon field beside it.
TEST(SalonParamsRules, UnknownInterventionTypeIsTheOnlyIssueOfItsItem) {
  TempDir dir;
  expect_single_issue(
      dir.write("type.yaml", "interventions:\n  - type: salon\n    placement:\n      rule: gaps\n"),
      2, 11, "interventions[0].type",
      "unknown intervention type 'salon'; known types: salons, mobile_shop, shuttle, groups, "
      "coalition_support, social_prescribing; did you mean 'salons'?");
}

// ---- Valid scenarios ---------------------------------------------------------------------------

TEST(SalonParams, ValidSalonsScenarioRoundTripsThroughYaml) {
  TempDir dir;
  const Scenario first = load_ok(dir.write(
      "salons.yaml",
      "town:\n  districts:\n    - {name: north, centre_m: [0, 900]}\n    - {name: south}\n" +
          salons_scenario("    venues:\n"
                          "      - {name: hall, district: north, schedule: weekly, weekday: 4}\n"
                          "      - {name: temple, location_m: [120, -40], capacity: 30,\n"
                          "         opens_step: 3, closes_step: 40, programme: exercise}\n"
                          "    placement: {rule: district_centres, opening_interval_steps: 2}\n"
                          "    participation: {join_odds: 0.01, or_women: 2}\n"
                          "    effects: {new_tie_probability: 0.1}\n")));
  ASSERT_EQ(first.interventions.size(), 1u);
  const SalonsParams& salons = std::get<SalonsParams>(first.interventions[0]);
  ASSERT_EQ(salons.venues.size(), 2u);
  EXPECT_EQ(salons.venues[0].schedule, Schedule::kWeekly);
  EXPECT_EQ(salons.venues[1].location_m, (std::vector<double>{120, -40}));
  EXPECT_EQ(salons.venues[1].programme, Programme::kExercise);
  EXPECT_EQ(salons.placement.rule, PlacementRule::kDistrictCentres);
  EXPECT_EQ(salons.participation.or_women, 2);
  EXPECT_EQ(salons.effects.new_tie_probability, 0.1);

  const std::string yaml = to_yaml(first);
  const Scenario second = load_ok(dir.write("again.yaml", yaml));
  EXPECT_EQ(to_yaml(second), yaml);
  EXPECT_EQ(std::get<SalonsParams>(second.interventions.at(0)).venues.at(1).closes_step, 40);
}

TEST(SalonParams, SetOverridesAFieldOfTheSalonsItem) {
  const Scenario scenario =
      load_ok(kScenarios / "taketoyo.yaml", {"interventions[0].participation.join_odds=0.01"});
  ASSERT_EQ(scenario.interventions.size(), 1u);
  EXPECT_EQ(std::get<SalonsParams>(scenario.interventions[0]).participation.join_odds, 0.01);
  // The rest of the item is kept.
  EXPECT_EQ(Interventions::name_of(scenario.interventions[0]), "salons");
  EXPECT_EQ(std::get<SalonsParams>(scenario.interventions[0]).placement.count, 12);
}

TEST(SalonParams, SetOverrideIsValidated) {
  const std::vector<Issue> issues =
      issues_of(kScenarios / "taketoyo.yaml", {"interventions[0].participation.join_odds=0"});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].where.source, "--set interventions[0].participation.join_odds=0");
  EXPECT_EQ(issues[0].path, "interventions[0].participation.join_odds");
  EXPECT_EQ(issues[0].message, "must be in (0, 1], got 0");
}

TEST(SalonParams, TaketoyoLoadsWithTwelveGapsVenues) {
  const Scenario scenario = load_ok(kScenarios / "taketoyo.yaml");
  EXPECT_EQ(scenario.name, "taketoyo");
  EXPECT_EQ(scenario.town.population, 13000);
  EXPECT_EQ(scenario.town.districts.size(), 4u);
  ASSERT_EQ(scenario.interventions.size(), 1u);
  EXPECT_EQ(Interventions::name_of(scenario.interventions[0]), "salons");
  const SalonsParams& salons = std::get<SalonsParams>(scenario.interventions[0]);
  EXPECT_TRUE(salons.venues.empty());
  EXPECT_EQ(salons.placement.rule, PlacementRule::kGaps);
  EXPECT_EQ(salons.placement.count, 12);
  EXPECT_EQ(salons.placement.coverage_radius_m, 500);
  EXPECT_EQ(salons.placement.opening_interval_steps, 2);
  EXPECT_EQ(salons.placement.template_venue.schedule, Schedule::kFortnightly);
  EXPECT_EQ(salons.placement.template_venue.capacity, 150);
}

TEST(SalonParams, TaketoyoWithoutSalonsIsTheSameTownWithNoInterventions) {
  const Scenario with = load_ok(kScenarios / "taketoyo.yaml");
  const Scenario without = load_ok(kScenarios / "taketoyo-no-salons.yaml");
  EXPECT_EQ(without.name, "taketoyo-no-salons");
  EXPECT_TRUE(without.interventions.empty());
  EXPECT_EQ(without.run.seed, with.run.seed);
  EXPECT_EQ(without.town.population, with.town.population);
  // Everything but the name, description and interventions is the same.
  Scenario same = with;
  same.name = without.name;
  same.description = without.description;
  same.interventions.clear();
  EXPECT_EQ(to_yaml(same), to_yaml(without));
}

}  // namespace
}  // namespace salonsim::models
