#include "apps/web/levers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace salonsim::web {
namespace {

using nlohmann::json;

std::vector<Lever> taketoyo_levers() {
  return levers_for(models::load_scenario(SALONSIM_SOURCE_DIR "/scenarios/taketoyo.yaml",
                                          {"town.population=1500"}));
}

const Lever& lever(const std::vector<Lever>& levers, const std::string& id) {
  const auto it =
      std::find_if(levers.begin(), levers.end(), [&](const Lever& l) { return l.id == id; });
  if (it == levers.end()) throw std::out_of_range("no lever " + id);
  return *it;
}

TEST(Levers, TakeTheScenariosValuesAndTheDictionarysUnits) {
  const std::vector<Lever> levers = taketoyo_levers();
  std::vector<std::string> ids;
  for (const Lever& l : levers) ids.push_back(l.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"town.population", "run.seed", "interventions[0].on",
                                           "interventions[0].placement.count",
                                           "interventions[0].placement.coverage_radius_m",
                                           "interventions[0].placement.venue.schedule",
                                           "interventions[0].placement.venue.capacity",
                                           "interventions[0].participation.join_odds"}));
  EXPECT_EQ(lever(levers, "town.population").value, json(1500));
  EXPECT_EQ(lever(levers, "run.seed").value, json(2007));
  EXPECT_EQ(lever(levers, "interventions[0].on").value, json(true));
  EXPECT_EQ(lever(levers, "interventions[0].placement.count").value, json(12));
  EXPECT_EQ(lever(levers, "interventions[0].placement.coverage_radius_m").value, json(500));
  EXPECT_EQ(lever(levers, "interventions[0].placement.venue.schedule").value, json("fortnightly"));
  EXPECT_EQ(lever(levers, "interventions[0].placement.venue.capacity").value, json(150));
  EXPECT_DOUBLE_EQ(lever(levers, "interventions[0].participation.join_odds").value.get<double>(),
                   0.0075);
  EXPECT_EQ(lever(levers, "interventions[0].placement.count").unit, "venues");
  EXPECT_EQ(lever(levers, "interventions[0].placement.count").section, "Salons");
  EXPECT_FALSE(lever(levers, "interventions[0].placement.count").help.empty());
}

TEST(Levers, PlacementLeversOnlyForPlacedVenues) {
  // rural-sparse lists its halls (placement rule none): no count or radius to move.
  const std::vector<Lever> levers =
      levers_for(models::load_scenario(SALONSIM_SOURCE_DIR "/scenarios/rural-sparse-shuttle.yaml"));
  for (const Lever& l : levers) EXPECT_EQ(l.id.find("placement"), std::string::npos) << l.id;
  EXPECT_EQ(lever(levers, "interventions[1].on").section, "Shuttle");
  EXPECT_EQ(lever(levers, "interventions[1].seats_per_trip").value, json(14));
  EXPECT_EQ(lever(levers, "interventions[1].trips_per_week").value, json(10));
  EXPECT_EQ(lever(levers, "interventions[1].eligibility.min_age").value, json(70));
}

TEST(Levers, ARangeReachesTheScenariosOwnValue) {
  // Capacity 150 is in the demo's 10-300; a scenario's 500 widens the slider to reach it.
  const std::vector<Lever> levers =
      levers_for(models::load_scenario(SALONSIM_SOURCE_DIR "/scenarios/taketoyo.yaml",
                                       {"interventions[0].placement.venue.capacity=500"}));
  EXPECT_EQ(lever(levers, "interventions[0].placement.venue.capacity").max, 500);
  EXPECT_EQ(lever(levers, "interventions[0].placement.venue.capacity").min, 10);
}

TEST(Levers, ApplyReportsEveryBadValueAndChangesNothing) {
  std::vector<Lever> levers = taketoyo_levers();
  const std::vector<Lever> before = levers;
  const std::vector<std::string> problems = apply_values(
      levers, json{{"interventions[0].placement.count", 20},  // fine, but not applied alone
                   {"interventions[0].placement.venue.capacity", 25.5},
                   {"interventions[0].on", "yes"},
                   {"interventions[0].placement.venue.schedule", 3},
                   {"town.population", 50000},
                   {"interventions[0].participation.join_odds", "high"},
                   {"town.populaton", 2000}});
  // json objects iterate in key order.
  EXPECT_EQ(problems,
            (std::vector<std::string>{
                "interventions[0].on: expected true or false, got \"yes\"",
                "interventions[0].participation.join_odds: expected a number, got \"high\"",
                "interventions[0].placement.venue.capacity: expected a whole number, got 25.5",
                "interventions[0].placement.venue.schedule: expected one of the choices as text, "
                "got 3",
                "town.population: the demo allows 1000 to 20000, got 50000",
                "town.populaton: no such lever; did you mean 'town.population'?"}));
  for (std::size_t k = 0; k < levers.size(); ++k) EXPECT_EQ(levers[k].value, before[k].value);
  EXPECT_EQ(apply_values(levers, json::array()),
            (std::vector<std::string>{"values: expected an object of lever id: value"}));
}

TEST(Levers, ApplyKeepsIntegersWholeAndTheOverridesSayTheValues) {
  std::vector<Lever> levers = taketoyo_levers();
  EXPECT_TRUE(apply_values(levers, json{{"interventions[0].placement.count", 20.0},
                                        {"interventions[0].placement.venue.schedule", "monthly"},
                                        {"interventions[0].participation.join_odds", 0.01},
                                        {"interventions[0].on", false}})
                  .empty());
  EXPECT_TRUE(lever(levers, "interventions[0].placement.count").value.is_number_integer());
  EXPECT_FALSE(switched_on(levers, 0));
  EXPECT_TRUE(switched_on(levers, 1));  // no such switch: on
  EXPECT_EQ(overrides_of(levers),
            (std::vector<std::string>{"town.population=1500", "run.seed=2007",
                                      "interventions[0].placement.count=20",
                                      "interventions[0].placement.coverage_radius_m=500",
                                      "interventions[0].placement.venue.schedule=\"monthly\"",
                                      "interventions[0].placement.venue.capacity=150",
                                      "interventions[0].participation.join_odds=0.01"}));
}

TEST(Levers, AChoiceCannotSmuggleInYamlStructure) {
  std::vector<Lever> levers = taketoyo_levers();
  ASSERT_TRUE(
      apply_values(levers, json{{"interventions[0].placement.venue.schedule", "{rule: gaps}"}})
          .empty());
  const std::vector<std::string> overrides = overrides_of(levers);
  EXPECT_NE(std::find(overrides.begin(), overrides.end(),
                      "interventions[0].placement.venue.schedule=\"{rule: gaps}\""),
            overrides.end());
  try {
    models::load_scenario(SALONSIM_SOURCE_DIR "/scenarios/taketoyo.yaml", overrides);
    FAIL() << "expected the scenario's validation to refuse the schedule";
  } catch (const params::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("'{rule: gaps}' is not one of"), std::string::npos)
        << e.what();
  }
}

TEST(Levers, JsonCarriesRangesForSlidersAndChoicesForLists) {
  const std::vector<Lever> levers = taketoyo_levers();
  const json count = to_json(lever(levers, "interventions[0].placement.count"));
  EXPECT_EQ(count["min"], 1);
  EXPECT_EQ(count["max"], 60);
  EXPECT_EQ(count["step"], 1);
  EXPECT_FALSE(count.contains("choices"));
  const json schedule = to_json(lever(levers, "interventions[0].placement.venue.schedule"));
  EXPECT_EQ(schedule["choices"], json({"weekly", "fortnightly", "monthly"}));
  EXPECT_FALSE(schedule.contains("min"));
}

}  // namespace
}  // namespace salonsim::web
