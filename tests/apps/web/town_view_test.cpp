#include "apps/web/town_view.hpp"

#include <gtest/gtest.h>

#include "models/build.hpp"
#include "tests/support/small_town.hpp"

namespace salonsim::web {
namespace {

using nlohmann::json;

/// Six residents, one in each state the map shows, in all four income-by-sex groups; the one yet
/// to enter last, as rows are in order of entry.
std::unique_ptr<Simulation> six_residents() {
  Population p = testing::residents_at({{0, 0}, {10, 0}, {20, 0}, {30, 0}, {40, 0}, {50, 0}});
  const auto set = [&p](std::size_t i, Sex sex, bool low) {
    p.sex[i] = static_cast<std::uint8_t>(sex);
    p.income_low[i] = low;
  };
  set(0, Sex::kMale, false);  // independent
  set(1, Sex::kFemale, false);
  p.isolated[1] = 1;  // isolated
  set(2, Sex::kMale, true);
  p.certified[2] = 1;  // certified
  set(3, Sex::kFemale, true);
  p.alive[3] = 0;  // died in step 0
  p.death_step[3] = 0;
  set(4, Sex::kFemale, true);
  p.certified[4] = 1;  // certified and isolated: the map shows certified
  p.isolated[4] = 1;
  set(5, Sex::kFemale, true);
  p.alive[5] = 0;  // turns 65 in week 5
  p.entry_step[5] = 5;
  return testing::small_simulation(
      std::move(p), 10,
      {{0, 1, Tie{2.0f, TieKind::kFriend}}, {0, 2, Tie{1.0f, TieKind::kNeighbour}}});
}

TEST(TownView, EachResidentHasTheStateTheMapShows) {
  auto sim = six_residents();
  sim->init();
  ArmView view(*sim, models::Scenario{});
  const json frame = view.frame();
  EXPECT_EQ(frame["state"], "124540");
  // Counted by hand: groups are high-income men, high-income women, low-income men, women.
  const json& week0 = frame["series"].at(0);
  EXPECT_EQ(week0["week"], 0);
  EXPECT_EQ(week0["alive"], json({1, 1, 1, 1}));
  EXPECT_EQ(week0["certified"], json({0, 0, 1, 1}));
  EXPECT_EQ(week0["isolated"], json({0, 1, 0, 1}));
  EXPECT_EQ(week0["in_group"], json({0, 0, 0, 0}));
  EXPECT_EQ(frame["series"].size(), 1u);
  // A frame hands each step's counts once.
  EXPECT_EQ(view.frame()["series"].size(), 0u);
}

TEST(TownView, AStoryTellsWhoTheyAreAndTheirTies) {
  auto sim = six_residents();
  sim->init();
  ArmView view(*sim, models::Scenario{});
  const json zero = view.story(0);
  EXPECT_EQ(zero["title"], "Man, 70, higher income");
  EXPECT_EQ(zero["facts"][0], json({{"label", "now"}, {"value", "independent"}}));
  ASSERT_EQ(zero["ties"].size(), 2u);
  EXPECT_EQ(zero["ties"][0]["id"], 1);
  EXPECT_EQ(zero["ties"][0]["kind"], "friend");
  EXPECT_EQ(zero["ties"][0]["state"], "2");
  EXPECT_EQ(zero["ties"][1]["kind"], "neighbour");
  EXPECT_EQ(zero["ties"][1]["state"], "4");

  const json died = view.story(3);
  EXPECT_EQ(died["title"], "Woman, 70, low income");
  ASSERT_EQ(died["events"].size(), 1u);
  EXPECT_EQ(died["events"][0], json({{"week", 0}, {"date", "2025-04-01"}, {"what", "died"}}));

  const json later = view.story(5);
  EXPECT_EQ(later["facts"][1], json({{"label", "age"}, {"value", "70 (turns 65 in week 5)"}}));
  EXPECT_TRUE(later["events"].empty());  // entry in week 5 has not happened yet
}

TEST(TownView, TheMapBoundsHoldEveryDistrictAndHome) {
  auto sim = six_residents();
  models::Scenario scenario;
  scenario.town.districts = {models::District{.name = "a", .centre_m = {0, 0}, .radius_m = 25}};
  const json map = map_json(*sim, scenario);
  EXPECT_EQ(map["bounds"], json({-25.0, -25.0, 50.0, 25.0}));
  EXPECT_EQ(map["homes"]["x"], json({0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(map["districts"][0]["name"], "a");
}

TEST(TownView, AServiceWithoutAPlaceCountsThisWeeksUse) {
  const models::Scenario scenario =
      models::load_scenario(SALONSIM_SOURCE_DIR "/scenarios/rural-sparse-shuttle.yaml",
                            {"town.population=1000", "run.years=1"});
  auto sim = models::build_simulation(scenario, {scenario.run.seed, 0});
  sim->init();
  ArmView view(*sim, scenario);
  for (int k = 0; k < 3; ++k) sim->step();
  // Each rider takes at most one seat a step, so the rides of step 2 are the residents whose
  // last seat was in step 2, counted right after it.
  const std::vector<StoredStep>& last_seat = sim->population().column<StoredStep>("shuttle_step");
  const auto riders = std::count(last_seat.begin(), last_seat.end(), 2);
  ASSERT_GT(riders, 0);
  const json services = view.frame()["services"];
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0]["label"], "Shuttle rides this week");
  EXPECT_EQ(services[0]["value"], static_cast<double>(riders));
}

}  // namespace
}  // namespace salonsim::web
