// The mobile shop on small hand-made worlds: which steps it comes, customers up to capacity
// (drivers last), the drop-by lunch salon for residents living alone only, and parameter checks.
#include "models/shops/mobile_shop.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "models/groups/activity.hpp"
#include "models/scenario.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/small_town.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

using testing::residents_at;
using testing::small_simulation;
using testing::TempDir;

TEST(MobileShopSchedule, VisitsAreTheListedWeekdaysInTheStep) {
  EXPECT_EQ(visits_in_step({1, 4}, 0, 7), 2);
  EXPECT_EQ(visits_in_step({1, 4}, 5, 7), 2);
  // Daily steps: weekday 1 is days 1, 8, 15, ...
  EXPECT_EQ(visits_in_step({1}, 1, 1), 1);
  EXPECT_EQ(visits_in_step({1}, 2, 1), 0);
  EXPECT_EQ(visits_in_step({1}, 8, 1), 1);
  // Fortnightly steps see each weekday twice.
  EXPECT_EQ(visits_in_step({3}, 0, 14), 2);
}

MobileShopParams route_with_stop_at(double x, double y, int customers) {
  MobileShopParams route;
  MobileShopStop stop;
  stop.place.location_m = {x, y};
  stop.weekdays = {2};
  stop.customers_per_visit = customers;
  route.stops.push_back(stop);
  return route;
}

/// `count` homes within 30 m of (x, y).
void add_cluster(std::vector<std::pair<float, float>>& homes, float x, float y, int count) {
  for (int k = 0; k < count; ++k) homes.emplace_back(x + static_cast<float>(k % 30), y);
}

TEST(MobileShopModule, ServesUpToCapacityOnlyWhileTheRouteRuns) {
  std::vector<std::pair<float, float>> homes;
  add_cluster(homes, 0, 0, 30);
  homes.emplace_back(5000, 0);  // beyond walking range of the stop
  MobileShopParams route = route_with_stop_at(0, 0, 5);
  route.route.opens_step = 2;
  route.route.closes_step = 5;
  auto sim = small_simulation(residents_at(homes), 7);
  sim->add_module(std::make_unique<MobileShop>(std::vector{route}, TownParams{}, GroupEffects{}));
  sim->init();
  const Population& p = sim->population();
  for (std::int64_t step = 0; step < 7; ++step) {
    sim->step();
    int served = 0;
    for (ResidentId i = 0; i < p.size(); ++i)
      served += p.column<StoredStep>("mobile_shop_step")[i] == step;
    EXPECT_EQ(served, step >= 2 && step < 5 ? 5 : 0) << "step " << step;
    EXPECT_NE(p.column<StoredStep>("mobile_shop_step")[30], step);
  }
  int visits = 0;
  for (ResidentId i = 0; i < p.size(); ++i)
    visits += p.column<std::uint16_t>("mobile_shop_visits")[i];
  EXPECT_EQ(visits, 15);
}

TEST(MobileShopModule, DriversComeLast) {
  std::vector<std::pair<float, float>> homes;
  add_cluster(homes, 0, 0, 20);
  Population p = residents_at(homes);
  for (std::size_t i = 0; i < 10; ++i)
    p.transport[i] = static_cast<std::uint8_t>(Transport::kDrives);
  auto sim = small_simulation(std::move(p), 3);
  sim->add_module(std::make_unique<MobileShop>(std::vector{route_with_stop_at(0, 0, 10)},
                                               TownParams{}, GroupEffects{}));
  sim->init();
  for (std::int64_t step = 0; step < 3; ++step) {
    sim->step();
    for (ResidentId i = 0; i < 20; ++i)
      EXPECT_EQ(sim->population().column<StoredStep>("mobile_shop_step")[i] == step, i >= 10) << i;
  }
}

TEST(MobileShopModule, LunchSalonIsForResidentsLivingAloneAndCountsAsASalonSession) {
  std::vector<std::pair<float, float>> homes;
  add_cluster(homes, 0, 0, 20);
  Population p = residents_at(homes);
  for (std::size_t i = 0; i < 10; ++i) p.lives_alone[i] = 1;
  MobileShopParams route = route_with_stop_at(0, 0, 100);
  route.stops[0].lunch_salon = true;
  route.stops[0].lunch_places = 6;
  route.lunch_attend_probability = 1.0;
  auto sim = small_simulation(std::move(p), 4);
  sim->add_module(std::make_unique<MobileShop>(std::vector{route}, TownParams{}, GroupEffects{}));
  sim->add_module(std::make_unique<SalonActivity>(GroupEffects{}));
  sim->init();
  const Population& pop = sim->population();
  for (std::int64_t step = 0; step < 4; ++step) {
    sim->step();
    int attendees = 0;
    for (ResidentId i = 0; i < 20; ++i) {
      const bool attended = pop.column<StoredStep>("last_salon_step")[i] == step;
      attendees += attended;
      if (attended) {
        EXPECT_TRUE(pop.lives_alone[i]) << i;
      }
    }
    EXPECT_EQ(attendees, 6) << "step " << step;  // 10 living alone want to, 6 places
  }
  for (ResidentId i = 0; i < 20; ++i) {
    EXPECT_EQ(sim->effects().contacts(pop)(i) > 0,
              i < 10 && pop.column<std::uint16_t>("salon_sessions")[i] > 0)
        << i;
  }
}

// ---- validation --------------------------------------------------------------------------------

TEST(MobileShopParamsRules, WeekdayOutOfRange) {
  TempDir dir;
  const auto issues =
      testing::issues_of(dir.write("w.yaml",
                                   "interventions:\n  - type: mobile_shop\n    stops:\n"
                                   "      - {location_m: [0, 0], weekdays: [1, 7]}\n"
                                   "      - {location_m: [0, 0], weekdays: [2.5]}\n"));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "interventions[0].stops[0].weekdays[1]");
  EXPECT_EQ(issues[0].message, "must be in [0, 6], got 7");
  EXPECT_EQ(issues[1].path, "interventions[0].stops[1].weekdays");
  EXPECT_EQ(issues[1].message, "expected one or more whole days 0-6");
}

TEST(MobileShopParamsRules, StopNeedsAPlaceInAKnownDistrict) {
  TempDir dir;
  const auto issues = testing::issues_of(
      dir.write("s.yaml",
                "interventions:\n  - type: mobile_shop\n    stops:\n"
                "      - {name: shrine}\n      - {name: pass, district: nowhere}\n"));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "interventions[0].stops[0].district");
  EXPECT_EQ(issues[0].message, "mobile shop stop 'shrine' needs location_m or district");
  EXPECT_EQ(issues[1].path, "interventions[0].stops[1].district");
  EXPECT_EQ(issues[1].message,
            "mobile shop stop 'pass' names no district of town.districts: 'nowhere'");
}

TEST(MobileShopParamsRules, RouteNeedsStops) {
  TempDir dir;
  const auto issues =
      testing::issues_of(dir.write("r.yaml", "interventions:\n  - type: mobile_shop\n"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "interventions[0].stops");
}

}  // namespace
}  // namespace salonsim::models
