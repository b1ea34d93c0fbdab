// FoodAccess keeps what it knows of each resident's reach while the stores stay the same (means
// only shrink): who cannot reach a store is skipped, and who reaches it by car or with someone's
// lifts keeps it while that car or lift giver does. This pins those shortcuts to the full answer:
// every resident asked afresh, every step, with mobility_of and the nearest store open that step.
#include "models/shops/food_access.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "models/build.hpp"
#include "models/health/health.hpp"
#include "models/network/contacts.hpp"
#include "models/scenario.hpp"
#include "models/town/demography.hpp"
#include "models/transport/reach.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;

TEST(FoodAccessModule, WhatIsKnownOfEachResidentsReachChangesNothing) {
  Scenario scenario = load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / "town.yaml",
                                    {"town.population=3000", "run.years=1.5"});
  // A store by the station that closes in week 30, and a market in the rural district that opens
  // in week 40: everyone is asked again at each change (and some regain access at the second).
  scenario.town.stores.push_back({"corner shop", {{150, 0}, ""}, 0, 30});
  scenario.town.stores.push_back({"new market", {{}, "farmland"}, 40, -1});
  auto sim = build_world(scenario, {scenario.run.seed, 0});
  sim->add_module(std::make_unique<Demography>());
  sim->add_module(std::make_unique<Contacts>(scenario.network));
  sim->add_module(std::make_unique<Health>(scenario.health));
  auto module =
      std::make_unique<FoodAccess>(scenario.town, CertificationParams{}.hr_poor_food_access);
  const FoodAccess& food = *module;
  sim->add_module(std::move(module));
  declare_core_indicators(sim->timeseries());
  sim->init();

  const Population& p = sim->population();
  const double dt = sim->clock().years_per_step();
  std::int64_t lost_by_ageing_or_health = 0, regained = 0, compared = 0;
  std::vector<std::uint8_t> expected(p.size()), alive_before(p.size()), poor_last(p.size(), 0);
  // The dead's columns stay as they were at death.
  const std::vector<std::uint8_t>& poor = p.column<std::uint8_t>("poor_food_access");
  const std::vector<std::uint16_t>& poor_steps = p.column<std::uint16_t>("poor_food_access_steps");
  const std::vector<std::uint8_t>& at_entry = p.column<std::uint8_t>("food_access0");
  std::vector<std::uint8_t> poor_before, at_entry_before;
  std::vector<std::uint16_t> poor_steps_before;
  std::int64_t dead_compared = 0;
  for (std::int64_t step = 0; step < sim->clock().steps; ++step) {
    poor_before = poor;
    poor_steps_before = poor_steps;
    at_entry_before = at_entry;
    // Expected from the state at the start of the step: food access runs after demography and
    // contacts, which change neither health, driving nor homes; residents entering this step
    // are left out.
    for (std::size_t i = 0; i < p.size(); ++i) {
      alive_before[i] = p.alive[i];
      if (!p.alive[i]) continue;
      const auto id = static_cast<ResidentId>(i);
      double nearest = std::numeric_limits<double>::infinity();
      for (const PlacedStore& store : food.stores()) {
        if (open_at(store.opens_step, store.closes_step, step))
          nearest =
              std::min(nearest, std::hypot(p.x_m[i] - store.point.x_m, p.y_m[i] - store.point.y_m));
      }
      const Mobility mobility =
          mobility_of(scenario.town, p, sim->network(), id, p.age_at(id, step, dt));
      expected[i] = !reaches(scenario.town.reach, mobility, nearest, {});
    }
    sim->step();
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!alive_before[i] && p.entry_step[i] <= step) {
        ++dead_compared;
        ASSERT_EQ(poor[i], poor_before[i]) << "dead resident " << i << " at step " << step;
        ASSERT_EQ(poor_steps[i], poor_steps_before[i]) << "dead resident " << i;
        ASSERT_EQ(at_entry[i], at_entry_before[i]) << "dead resident " << i;
      }
      if (!alive_before[i]) continue;
      ++compared;
      ASSERT_EQ(p.column<std::uint8_t>("poor_food_access")[i], expected[i])
          << "resident " << i << " at step " << step;
      lost_by_ageing_or_health += step > 0 && step != 30 && expected[i] && !poor_last[i];
      regained += step == 40 && !expected[i] && poor_last[i];
      poor_last[i] = expected[i];
    }
  }
  // The check had something to catch: residents lost access during the run (ageing, frailty,
  // certification, drivers dying), not only at the closure.
  EXPECT_GT(lost_by_ageing_or_health, 0);
  EXPECT_GT(regained, 0);
  EXPECT_GT(compared, 100000);
  EXPECT_GT(dead_compared, 3000);
}

}  // namespace
}  // namespace salonsim::models
