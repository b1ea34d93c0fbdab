// The shuttle: trips per step, eligibility, the seat limit, and salons seeing shuttle riders.
#include "models/transport/shuttle.hpp"

#include <gtest/gtest.h>

#include "models/scenario.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/small_town.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

using testing::residents_at;
using testing::small_simulation;
using testing::TempDir;

TEST(ShuttleTrips, SpreadEvenlyOverSteps) {
  EXPECT_EQ(trips_in_step(5, 0, 7), 5);
  EXPECT_EQ(trips_in_step(5, 9, 7), 5);
  int daily = 0;
  for (int step = 0; step < 7; ++step) daily += trips_in_step(5, step, 1);
  EXPECT_EQ(daily, 5);
  EXPECT_EQ(trips_in_step(1, 0, 14), 2);
  int fortnightly = 0;
  for (int step = 0; step < 4; ++step) fortnightly += trips_in_step(0.5, step, 7);
  EXPECT_EQ(fortnightly, 2);
}

TEST(ShuttleEligibility, AgeCertificationCarAndDistrict) {
  Population p = residents_at({{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}});
  p.transport[1] = static_cast<std::uint8_t>(Transport::kDrives);
  p.certified[2] = 1;
  p.district[3] = 1;
  ShuttleParams service;
  service.eligibility.min_age = 75;
  service.eligibility.include_certified = false;
  const std::vector<std::uint8_t> all, first_only{1, 0};
  EXPECT_FALSE(shuttle_eligible(service, all, p, 0, 74.9));
  EXPECT_TRUE(shuttle_eligible(service, all, p, 0, 75));
  EXPECT_FALSE(shuttle_eligible(service, all, p, 1, 80));  // drives
  EXPECT_FALSE(shuttle_eligible(service, all, p, 2, 80));  // certified
  EXPECT_TRUE(shuttle_eligible(service, all, p, 3, 80));
  EXPECT_FALSE(shuttle_eligible(service, first_only, p, 3, 80));  // not served there
  service.eligibility.include_certified = true;
  service.eligibility.without_car_only = false;
  EXPECT_TRUE(shuttle_eligible(service, all, p, 1, 80));
  EXPECT_TRUE(shuttle_eligible(service, all, p, 2, 80));
}

TEST(ShuttleModule, SeatsPerStepNeverExceedSeatsTimesTrips) {
  std::vector<std::pair<float, float>> homes(40, {0, 0});
  Population p = residents_at(homes);
  for (auto& age : p.age0) age = 80;
  ShuttleParams service;
  service.seats_per_trip = 3;
  service.trips_per_week = 2;
  auto sim = small_simulation(std::move(p), 5);
  sim->add_module(std::make_unique<Shuttle>(std::vector{service}, TownParams{}));
  sim->init();
  for (std::int64_t step = 0; step < 5; ++step) {
    sim->step();
    int seated = 0;
    for (ResidentId i = 0; i < 40; ++i)
      seated += sim->population().column<StoredStep>("shuttle_step")[i] == step;
    EXPECT_EQ(seated, 6) << "step " << step;
  }
  int trips = 0;
  for (ResidentId i = 0; i < 40; ++i)
    trips += sim->population().column<std::uint16_t>("shuttle_trips")[i];
  EXPECT_EQ(trips, 30);
  EXPECT_NEAR(sim->cost_yen(), 5e6 * 5 * 7 / 365.25, 1e-6);
}

TEST(ShuttleParamsRules, UnknownDistrictAndNoDestination) {
  TempDir dir;
  const auto issues = testing::issues_of(
      dir.write("s.yaml",
                "interventions:\n  - type: shuttle\n    districts: [{name: nowhere}]\n"
                "    to_salons: false\n    to_stores: false\n"));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "interventions[0].to_stores");
  EXPECT_EQ(issues[1].path, "interventions[0].districts[0].name");
  EXPECT_EQ(issues[1].message, "shuttle 'shuttle' names no district of town.districts: 'nowhere'");
}

}  // namespace
}  // namespace salonsim::models
