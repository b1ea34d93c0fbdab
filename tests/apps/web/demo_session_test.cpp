#include "apps/web/demo_session.hpp"

#include <gtest/gtest.h>

#include "models/build.hpp"
#include "tests/apps/web/web_fixtures.hpp"

namespace salonsim::web {
namespace {

using nlohmann::json;

DemoSession salon_session(std::string id = "test") {
  return DemoSession(std::move(id), read_lesson(testing::small_salon_lesson()));
}

TEST(DemoSession, BothArmsShowTheSameTownAtWeekZero) {
  DemoSession session = salon_session();
  const json state = session.state();
  EXPECT_EQ(state["week"], 0);
  EXPECT_EQ(state["weeks"], 52);
  EXPECT_EQ(state["population"], state["map"]["homes"]["x"].size());
  EXPECT_EQ(state["arms"][0]["label"], "Without salons");
  EXPECT_EQ(state["arms"][1]["label"], "With salons");
  const json& arms = state["frame"]["arms"];
  EXPECT_EQ(arms[0]["state"], arms[1]["state"]);
  EXPECT_EQ(arms[0]["series"], arms[1]["series"]);
}

TEST(DemoSession, StepsInOneRequestOrManyGiveTheSameTown) {
  DemoSession one_by_one = salon_session("a");
  DemoSession at_once = salon_session("b");
  json last;
  json series = json::array();
  for (int k = 0; k < 6; ++k) {
    last = one_by_one.step(1);
    for (const json& point : last["arms"][1]["series"]) series.push_back(point);
  }
  const json six = at_once.step(6);
  EXPECT_EQ(six["week"], 6);
  EXPECT_EQ(six["arms"][1]["state"], last["arms"][1]["state"]);
  EXPECT_EQ(six["arms"][1]["series"], series);
  EXPECT_EQ(six["arms"][1]["cost_yen"], last["arms"][1]["cost_yen"]);
}

TEST(DemoSession, TheArmWithoutIsTheScenarioWithoutItsInterventions) {
  // Common random numbers: the arm without salons is exactly the town run on its own.
  DemoSession session = salon_session();
  const json frame = session.step(10);
  models::Scenario scenario = models::load_scenario(SALONSIM_SOURCE_DIR "/scenarios/taketoyo.yaml",
                                                    {"town.population=1500", "run.years=1"});
  scenario.interventions.clear();
  auto plain = models::build_simulation(scenario, {scenario.run.seed, 0});
  plain->init();
  for (int k = 0; k < 10; ++k) plain->step();
  ArmView view(*plain, scenario);
  EXPECT_EQ(frame["arms"][0]["state"], view.frame()["state"]);
  // And salons change the town: someone takes part in the arm with them.
  EXPECT_NE(frame["arms"][1]["state"].get<std::string>().find('3'), std::string::npos);
  EXPECT_EQ(frame["arms"][0]["state"].get<std::string>().find('3'), std::string::npos);
}

TEST(DemoSession, SwitchingTheInterventionOffMakesTheArmsEqual) {
  DemoSession session = salon_session();
  const json state = session.apply(json{{"interventions[0].on", false}});
  EXPECT_EQ(state["arms"][1]["label"], "With nothing switched on");
  const json frame = session.step(8);
  EXPECT_EQ(frame["arms"][0]["state"], frame["arms"][1]["state"]);
  EXPECT_EQ(frame["arms"][0]["series"], frame["arms"][1]["series"]);
}

TEST(DemoSession, SettingsRebuildAtWeekZeroWithTheValuesApplied) {
  DemoSession session = salon_session();
  session.step(3);
  const json state = session.apply(json{{"interventions[0].placement.count", 5}});
  EXPECT_EQ(state["week"], 0);
  for (const json& lever : state["levers"]) {
    if (lever["id"] == "interventions[0].placement.count") {
      EXPECT_EQ(lever["value"], 5);
    }
  }
  std::size_t salons = 0;
  for (const json& layer : state["arms"][1]["layers"]) {
    if (layer["name"] == "salons") salons = layer["places"].size();
  }
  EXPECT_EQ(salons, 5u);
}

TEST(DemoSession, BadSettingsAreRefusedWithEveryProblemAndChangeNothing) {
  DemoSession session = salon_session();
  session.step(3);
  try {
    session.apply(json{{"interventions[0].placement.venue.schedule", "daily"}});
    FAIL() << "expected a refusal";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400);
    // The scenario's own validation, word for word.
    EXPECT_EQ(e.problems(),
              (std::vector<std::string>{"interventions[0].placement.venue.schedule: 'daily' is "
                                        "not one of {weekly, fortnightly, monthly}"}));
  }
  EXPECT_THROW(session.apply(json{{"town.population", 0}}), RequestError);
  EXPECT_EQ(session.state()["week"], 3);
}

TEST(DemoSession, TheRunStopsAtItsEnd) {
  DemoSession session = salon_session();
  for (int k = 0; k < 52; k += 26) session.step(26);
  const json end = session.step(5);
  EXPECT_EQ(end["week"], 52);
  EXPECT_TRUE(end["done"]);
  EXPECT_TRUE(end["arms"][1]["series"].empty());
}

TEST(DemoSession, ResetStartsTheSameRunAgain) {
  DemoSession session = salon_session();
  const json first = session.step(4);
  session.reset();
  EXPECT_EQ(session.step(4)["arms"][1]["state"], first["arms"][1]["state"]);
}

TEST(DemoSession, StoriesNameTheirResidentAndRefuseOthers) {
  DemoSession session = salon_session();
  session.step(2);
  EXPECT_FALSE(session.story(1, 7)["title"].get<std::string>().empty());
  EXPECT_EQ(session.story(0, 7)["arm"], 0);
  try {
    session.story(1, 1000000);
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 404);
  }
  EXPECT_THROW(session.story(2, 7), RequestError);
}

TEST(DemoSession, ATownTooLargeForTheDemoIsRefused) {
  web::Lesson lesson = testing::small_salon_lesson();
  lesson.set = {"town.population=25000"};
  try {
    read_lesson(lesson);
    FAIL();
  } catch (const RequestError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_NE(
        e.problems()[0].find("town.population: the teaching demo runs towns of at most 20000"),
        std::string::npos);
  }
}

}  // namespace
}  // namespace salonsim::web
