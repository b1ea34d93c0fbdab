// The shuttle: trips per step, eligibility, the seat limit, and salons seeing shuttle riders.
#include "models/transport/shuttle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "models/prescribing/referral_book.hpp"
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

/// Refers the given residents to the shuttle for good, as social prescribing's link workers do.
class ShuttleReferrer final : public Module, public ReferralSource {
 public:
  explicit ShuttleReferrer(std::vector<ResidentId> referred) : referred_(std::move(referred)) {}
  std::string_view name() const override { return "shuttle_referrer"; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override { book_.open(sim.population(), {"shuttle"}); }
  void start(Simulation& sim) override {
    book_.start(sim.population());
    for (const ResidentId id : referred_)
      book_.refer(sim.population(), id, 0, std::numeric_limits<std::int32_t>::max());
  }
  void step(Simulation&, std::int64_t) override {}
  const ReferralBook& referral_book() const override { return book_; }

 private:
  std::vector<ResidentId> referred_;
  ReferralBook book_;
};

// Who gets a seat, worked out here from the shuttle's own draws: of 301 residents (four whole
// blocks of 64 and a part), every seventh drives and may not ride, and every ninth is too young.
// Twenty seats a step go first to the referred who may ride (a driver referred does not), then
// to the lowest priorities: each four neighbours' from one call of the generator.
TEST(ShuttleModule, SeatsGoToTheReferredThenToTheLowestDraws) {
  constexpr std::size_t kResidents = 301, kSeats = 20;
  Population p = residents_at(std::vector<std::pair<float, float>>(kResidents, {0, 0}));
  for (std::size_t i = 0; i < kResidents; ++i) {
    p.age0[i] = i % 9 == 4 ? 69.0f : 80.0f;
    if (i % 7 == 3) p.transport[i] = static_cast<std::uint8_t>(Transport::kDrives);
  }
  const std::vector<ResidentId> referred{11, 17, 131, 299, 260};  // 17 drives
  ShuttleParams service;
  service.seats_per_trip = 5;
  service.trips_per_week = 4;
  auto sim = small_simulation(std::move(p), 3);
  sim->add_module(std::make_unique<ShuttleReferrer>(referred));
  sim->add_module(std::make_unique<Shuttle>(std::vector{service}, TownParams{}));
  sim->init();
  const RandomStream stream = sim->stream(kShuttleStream);
  for (std::int64_t step = 0; step < 3; ++step) {
    sim->step();
    std::vector<std::pair<double, ResidentId>> queue;
    for (std::size_t i = 0; i < kResidents; ++i) {
      if (i % 9 == 4 || i % 7 == 3) continue;
      const bool first =
          std::find(referred.begin(), referred.end(), static_cast<ResidentId>(i)) != referred.end();
      queue.emplace_back(stream.uniforms_by_four(step, i, 0)[i % 4] - (first ? 1.0 : 0.0),
                         static_cast<ResidentId>(i));
    }
    std::sort(queue.begin(), queue.end());
    std::vector<ResidentId> expected;
    for (std::size_t k = 0; k < kSeats; ++k) expected.push_back(queue[k].second);
    std::sort(expected.begin(), expected.end());
    std::vector<ResidentId> seated;
    const auto& seat_step = sim->population().column<StoredStep>("shuttle_step");
    for (std::size_t i = 0; i < kResidents; ++i)
      if (seat_step[i] == step) seated.push_back(static_cast<ResidentId>(i));
    EXPECT_EQ(seated, expected) << "step " << step;
    for (const ResidentId id : {11, 131, 299, 260})
      EXPECT_EQ(seat_step[id], step) << "referred " << id;
    EXPECT_NE(seat_step[17], step);  // referred, but drives
  }
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
