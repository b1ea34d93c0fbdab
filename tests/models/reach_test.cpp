// Reach and food access worked out by hand on tiny maps: walking, car, lifts (spouse, relative),
// bus lines, stores opening and closing, the shuttle; the validation of stores and bus stops; and
// the defaults' share of residents with poor food access.
#include "models/transport/reach.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "models/build.hpp"
#include "models/scenario.hpp"
#include "models/shops/food_access.hpp"
#include "models/town/demography.hpp"
#include "models/transport/shuttle.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/small_town.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;
using testing::residents_at;
using testing::small_simulation;
using testing::TempDir;

// ---- reaches -----------------------------------------------------------------------------------

TEST(Reach, OnFootWithinWalkingRange) {
  const ReachParams reach;
  const Mobility walker{.walking_range_m = 900};
  EXPECT_TRUE(reaches(reach, walker, 900, {}));
  EXPECT_FALSE(reaches(reach, walker, 901, {}));
}

TEST(Reach, ByCarWithinDrivingRangeAndWithALiftWithinLiftRange) {
  const ReachParams reach;  // driving 15 km, lifts 3 km
  EXPECT_TRUE(reaches(reach, {.walking_range_m = 500, .drives = true}, 15000, {}));
  EXPECT_FALSE(reaches(reach, {.walking_range_m = 500, .drives = true}, 15001, {}));
  EXPECT_TRUE(reaches(reach, {.walking_range_m = 500, .gets_lift = true}, 3000, {}));
  EXPECT_FALSE(reaches(reach, {.walking_range_m = 500, .gets_lift = true}, 3001, {}));
}

TEST(Reach, ByBusWhenBothWalksAreWithinWalkingRange) {
  const ReachParams reach;
  const Mobility walker{.walking_range_m = 900};
  const BusLeg near_both{800, 850}, far_from_home{950, 100}, far_from_place{100, 950};
  EXPECT_TRUE(reaches(reach, walker, 6000, std::span(&near_both, 1)));
  EXPECT_FALSE(reaches(reach, walker, 6000, std::span(&far_from_home, 1)));
  EXPECT_FALSE(reaches(reach, walker, 6000, std::span(&far_from_place, 1)));
  const BusLeg lines[] = {far_from_home, near_both};
  EXPECT_TRUE(reaches(reach, walker, 6000, lines));
}

// ---- mobility_of -------------------------------------------------------------------------------

/// Six residents: 0 drives; 1 is the spouse of 0; 2 a relative of 0; 3 a relative of 4, who
/// drives but is certified; 5 has transport 'lifts'.
struct Family {
  Population p = make();
  Network network{6,
                  {{0, 1, {1, TieKind::kSpouse}},
                   {0, 2, {1, TieKind::kRelative}},
                   {3, 4, {1, TieKind::kRelative}}},
                  4};
  static Population make() {
    Population p = residents_at({{0, 0}, {0, 0}, {100, 0}, {200, 0}, {300, 0}, {400, 0}});
    p.transport[0] = p.transport[4] = static_cast<std::uint8_t>(Transport::kDrives);
    p.transport[5] = static_cast<std::uint8_t>(Transport::kLifts);
    p.spouse[0] = 1;
    p.spouse[1] = 0;
    p.certified[4] = 1;
    return p;
  }
};

TEST(Mobility, WalkingRangeFromAgeAndLiftsFromSpouseAndRelatives) {
  const Family family;
  const Population& p = family.p;
  const Network& network = family.network;
  TownParams town;
  const auto of = [&](ResidentId id) { return mobility_of(town, p, network, id, 70); };
  // Aged 70, frailty 0: 1000 m * (1 - 0.02 * 5) = 900 m.
  EXPECT_NEAR(of(1).walking_range_m, 900, 1e-9);
  EXPECT_TRUE(of(0).drives);
  EXPECT_TRUE(of(1).gets_lift);
  EXPECT_TRUE(of(2).gets_lift);
  EXPECT_FALSE(of(3).gets_lift);  // the relative is certified and no longer drives
  EXPECT_FALSE(of(4).drives);     // certified
  EXPECT_TRUE(of(4).gets_lift);   // the household's car, driven by someone else
  EXPECT_TRUE(of(5).gets_lift);
  town.reach.lifts_from_relatives = false;
  EXPECT_FALSE(of(2).gets_lift);
  EXPECT_TRUE(of(1).gets_lift);  // a spouse still gives lifts
}

TEST(Mobility, LazyReachAgreesWithMobility) {
  // The same family; every distance around the walking (900 m), lift (3 km) and driving
  // (15 km) ranges, with and without a bus line: the lazy answer equals the full one.
  const Family family;
  const Population& p = family.p;
  const Network& network = family.network;
  TownParams town;
  const BusLeg line{800, 850};
  const RelativeLists lists = relative_lists(network, 6);
  EXPECT_EQ(std::vector<ResidentId>(lists.of(0).begin(), lists.of(0).end()),
            std::vector<ResidentId>{2});
  EXPECT_EQ(lists.of(1).size(), 0u);
  for (bool relatives : {true, false}) {
    town.reach.lifts_from_relatives = relatives;
    for (ResidentId id = 0; id < 6; ++id) {
      for (double d : {0.0, 899.0, 901.0, 2999.0, 3001.0, 14999.0, 15001.0, 1e9}) {
        for (std::size_t legs : {0, 1}) {
          const std::span<const BusLeg> bus(&line, legs);
          EXPECT_EQ(reaches_from_home(town, p, id, 70, d, bus, lists.of(id)),
                    reaches(town.reach, mobility_of(town, p, network, id, 70), d, bus))
              << "resident " << id << ", " << d << " m, " << legs << " bus legs";
        }
      }
    }
  }
}

TEST(Mobility, MeansAreTheFirstThatReaches) {
  // Resident 0 drives; 1 gets lifts from a spouse; 4 is certified (lifts in the household's
  // car). Walking range 900 m at 70; lifts 3 km; driving 15 km.
  const Family family;
  const Population& p = family.p;
  const TownParams town;
  const RelativeLists lists = relative_lists(family.network, 6);
  const BusLeg line{800, 850};
  const auto means = [&](ResidentId id, double d, std::size_t legs, bool seat) {
    return means_to(town, p, id, 70, d, std::span<const BusLeg>(&line, legs), lists.of(id), seat);
  };
  EXPECT_EQ(means(1, 20000, 0, true), Means::kShuttle);  // a seat takes them anywhere
  EXPECT_EQ(means(0, 500, 0, false), Means::kCar);       // a driver drives, even nearby
  EXPECT_EQ(means(0, 16000, 0, false), Means::kNone);
  EXPECT_EQ(means(0, 16000, 1, false), Means::kBus);  // beyond driving range, the bus
  EXPECT_EQ(means(1, 899, 1, false), Means::kFoot);
  EXPECT_EQ(means(1, 2000, 1, false), Means::kBus);
  EXPECT_EQ(means(1, 2000, 0, false), Means::kLift);
  EXPECT_EQ(means(1, 3001, 0, false), Means::kNone);
  EXPECT_EQ(means(4, 2000, 0, false), Means::kLift);
}

TEST(Mobility, LiftSourceIsTheHouseholdTheSpouseOrTheFirstRelativeWhoDrives) {
  Family family;
  Population& p = family.p;
  TownParams town;
  const RelativeLists lists = relative_lists(family.network, 6);
  const auto from = [&](ResidentId id) { return lift_source(town, p, id, lists.of(id)).from; };
  EXPECT_EQ(from(1), LiftSource::kSpouse);     // 0, the spouse, drives
  EXPECT_EQ(from(2), 0);                       // relative 0 (resident 0) drives
  EXPECT_EQ(from(3), LiftSource::kNone);       // the relative, 4, is certified
  EXPECT_EQ(from(4), LiftSource::kHousehold);  // certified: the household's car
  EXPECT_EQ(from(5), LiftSource::kHousehold);  // transport 'lifts'
  p.alive[0] = 0;                              // the driver dies
  EXPECT_EQ(from(1), LiftSource::kNone);
  EXPECT_EQ(from(2), LiftSource::kNone);
  EXPECT_FALSE(gets_lift(town, p, 1, lists.of(1)));
  EXPECT_TRUE(gets_lift(town, p, 4, lists.of(4)));
}

// ---- stores on the map
// ---------------------------------------------------------------------------

TEST(Stores, ListedStoresStandAtTheirPlaceThenGeneratedOnesByDensity) {
  TownParams town;  // one suburban district 'centre', radius 1500 m: 7.07 km2
  town.stores.push_back({"corner shop", {{120, -40}, ""}, 0, -1});
  town.stores.push_back({"market", {{}, "centre"}, 3, 9});
  town.store_density.suburban = 1.0;
  const auto stores = place_stores(town, RandomStream(1, 0, "town"));
  ASSERT_EQ(stores.size(), 2u + 7u);  // round(1.0 * 7.07)
  EXPECT_EQ(stores[0].point.x_m, 120);
  EXPECT_EQ(stores[1].point.x_m, 0);
  EXPECT_EQ(stores[1].closes_step, 9);
  for (std::size_t k = 2; k < stores.size(); ++k) {
    EXPECT_LE(std::hypot(stores[k].point.x_m, stores[k].point.y_m), 1500.0);
    EXPECT_EQ(stores[k].district, 0);
  }
  town.generate_stores = false;
  EXPECT_EQ(place_stores(town, RandomStream(1, 0, "town")).size(), 2u);
}

TEST(Stores, NearestOpenSkipsClosedStores) {
  const std::vector<float> xs{0, 1000, 5000}, ys{0, 0, 0};
  const SpatialGrid grid(xs, ys, 500);
  const std::vector<std::uint8_t> all{1, 1, 1}, far_only{0, 0, 1}, none{0, 0, 0};
  EXPECT_NEAR(nearest_open_m(grid, xs, ys, all, 900, 0), 100, 1e-9);
  EXPECT_NEAR(nearest_open_m(grid, xs, ys, far_only, 900, 0), 4100, 1e-9);
  EXPECT_TRUE(std::isinf(nearest_open_m(grid, xs, ys, none, 900, 0)));
}

// ---- FoodAccess on a tiny map
// --------------------------------------------------------------------

// One store at the origin. 0: walker 800 m away; 1: walker 2 km away; 2: driver 2 km away;
// 3: walker 4 km away beside a bus stop of a line to the store; 4: like 3 on a line that runs
// too rarely.
struct FoodWorld {
  std::unique_ptr<Simulation> sim;
  Population& p() { return sim->population(); }
};

FoodWorld food_world(std::int32_t store_closes_step, std::int64_t steps = 6) {
  Population p = residents_at({{800, 0}, {2000, 0}, {0, 2000}, {4000, 0}, {0, -4000}});
  p.transport[2] = static_cast<std::uint8_t>(Transport::kDrives);
  TownParams town;
  town.generate_stores = false;
  town.stores.push_back({"store", {{0, 0}, ""}, 0, store_closes_step});
  BusLine line{"east", {{{{4100, 0}, ""}}, {{{100, 0}, ""}}}, 8};
  BusLine rare{"south", {{{{0, -4100}, ""}}, {{{0, -100}, ""}}}, 2};
  town.bus_lines = {line, rare};
  FoodWorld w{small_simulation(std::move(p), steps)};
  w.sim->add_module(std::make_unique<FoodAccess>(town, CertificationParams{}.hr_poor_food_access));
  w.sim->init();
  return w;
}

TEST(FoodAccessModule, StoreWithinReachOnFootByCarOrByBus) {
  FoodWorld w = food_world(-1);
  w.sim->step();
  EXPECT_EQ(w.p().column<std::uint8_t>("poor_food_access"),
            (std::vector<std::uint8_t>{0, 1, 0, 0, 1}));
  EXPECT_EQ(w.p().column<std::uint8_t>("food_access0"), (std::vector<std::uint8_t>{1, 0, 1, 1, 0}));
}

TEST(FoodAccessModule, ClosingTheStoreCutsAccessAndCountsPoorSteps) {
  FoodWorld w = food_world(2);
  for (int step = 0; step < 6; ++step) w.sim->step();
  // Open in steps 0 and 1, closed in 2..5: 4 poor steps for those with access, 6 for others.
  EXPECT_EQ(w.p().column<std::uint16_t>("poor_food_access_steps"),
            (std::vector<std::uint16_t>{4, 6, 4, 4, 6}));
  EXPECT_EQ(w.p().column<std::uint8_t>("food_access0"), (std::vector<std::uint8_t>{1, 0, 1, 1, 0}));
}

TEST(FoodAccessModule, AShuttleSeatToTheShopsGivesAccessWhateverTheDistance) {
  Population p = residents_at({{9000, 0}, {9100, 0}});
  p.age0[1] = 65;  // below the shuttle's minimum age
  TownParams town;
  town.generate_stores = false;
  town.stores.push_back({"store", {{0, 0}, ""}, 0, -1});
  auto sim = small_simulation(std::move(p), 2);
  ShuttleParams shuttle;
  shuttle.eligibility.min_age = 70;
  sim->add_module(std::make_unique<Shuttle>(std::vector<ShuttleParams>{shuttle}, town));
  sim->add_module(std::make_unique<FoodAccess>(town, CertificationParams{}.hr_poor_food_access));
  sim->init();
  sim->step();
  EXPECT_EQ(sim->population().column<std::uint16_t>("shuttle_trips"),
            (std::vector<std::uint16_t>{1, 0}));
  EXPECT_EQ(sim->population().column<std::uint8_t>("poor_food_access"),
            (std::vector<std::uint8_t>{0, 1}));
}

TEST(FoodAccessModule, ARelativeWhoDrivesEnteringGivesLifts) {
  // Resident 0 cannot walk the 2 km to the store; resident 1, a relative who drives, turns 65
  // and enters at step 3: from then on resident 0 gets lifts (lift range 3 km).
  Population p = residents_at({{2000, 0}, {0, 0}});
  p.transport[1] = static_cast<std::uint8_t>(Transport::kDrives);
  p.entry_step[1] = 3;
  p.alive[1] = 0;
  p.age0[1] = 65;
  TownParams town;
  town.generate_stores = false;
  town.stores.push_back({"store", {{0, 0}, ""}, 0, -1});
  auto sim = small_simulation(std::move(p), 6, {{0, 1, {1, TieKind::kRelative}}});
  sim->add_module(std::make_unique<Demography>());
  sim->add_module(std::make_unique<FoodAccess>(town, CertificationParams{}.hr_poor_food_access));
  sim->init();
  std::vector<int> poor;
  for (int step = 0; step < 6; ++step) {
    sim->step();
    poor.push_back(sim->population().column<std::uint8_t>("poor_food_access")[0]);
  }
  EXPECT_EQ(poor, (std::vector<int>{1, 1, 1, 0, 0, 0}));
}

TEST(FoodAccessModule, LiftsEndWhenTheSpouseOrRelativeWhoDrivesDiesOrIsCertified) {
  // A store at the origin; 0 and 2 live 2 km from it, beyond walking range (900 m at 70) and
  // within lift range (3 km). 0's spouse 1 drives; 2's relatives 3 and 4 drive. What food access
  // knows of their lifts must follow the drivers: 3 is certified after step 1 (4 still drives),
  // 1 dies after step 2, 4 dies after step 3.
  Population p = residents_at({{2000, 0}, {0, 0}, {0, 2000}, {0, 0}, {0, 0}});
  for (ResidentId driver : {1, 3, 4})
    p.transport[driver] = static_cast<std::uint8_t>(Transport::kDrives);
  p.spouse[0] = 1;
  p.spouse[1] = 0;
  TownParams town;
  town.generate_stores = false;
  town.stores.push_back({"store", {{0, 0}, ""}, 0, -1});
  auto sim = small_simulation(std::move(p), 6,
                              {{0, 1, {1, TieKind::kSpouse}},
                               {2, 3, {1, TieKind::kRelative}},
                               {2, 4, {1, TieKind::kRelative}}});
  sim->add_module(std::make_unique<FoodAccess>(town, CertificationParams{}.hr_poor_food_access));
  sim->init();
  Population& pop = sim->population();
  std::vector<int> poor0, poor2;
  for (int step = 0; step < 6; ++step) {
    sim->step();
    poor0.push_back(pop.column<std::uint8_t>("poor_food_access")[0]);
    poor2.push_back(pop.column<std::uint8_t>("poor_food_access")[2]);
    if (step == 1) pop.certified[3] = 1;
    if (step == 2) pop.alive[1] = 0;
    if (step == 3) pop.alive[4] = 0;
  }
  EXPECT_EQ(poor0, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(poor2, (std::vector<int>{0, 0, 0, 0, 1, 1}));
}

// ---- validation --------------------------------------------------------------------------------

TEST(StoreParams, StoreNeedsAPlaceAndAKnownDistrict) {
  TempDir dir;
  const auto issues = testing::issues_of(dir.write("s.yaml",
                                                   "town:\n"
                                                   "  stores:\n"
                                                   "    - {name: a}\n"
                                                   "    - {name: b, district: nowhere}\n"));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "town.stores[0].district");
  EXPECT_EQ(issues[0].message, "store 'a' needs location_m or district");
  EXPECT_EQ(issues[1].path, "town.stores[1].district");
  EXPECT_EQ(issues[1].message, "store 'b' names no district of town.districts: 'nowhere'");
}

TEST(StoreParams, BusStopOfAnUnknownDistrict) {
  TempDir dir;
  const auto issues = testing::issues_of(
      dir.write("b.yaml", "town:\n  bus_lines:\n    - stops: [{district: nowhere}]\n"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "town.bus_lines[0].stops[0].district");
}

TEST(StoreParams, LiftsReachNoFurtherThanDriving) {
  TempDir dir;
  const auto issues = testing::issues_of(
      dir.write("r.yaml", "town:\n  reach: {driving_range_m: 2000, lift_range_m: 2500}\n"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "town.reach.lift_range_m");
  EXPECT_EQ(issues[0].where.line, 2);
  EXPECT_EQ(issues[0].message,
            "must not exceed driving_range_m (a certified driver would reach further by lift)");
}

// ---- the defaults
// ----------------------------------------------------------------------------------

// MAFF/PRIMAFF: 25.6% of residents aged 65+ had poor food access in 2020. The model's share on
// scenarios/town.yaml varies between replicates mostly with where the few stores fall (standard
// deviation about 0.9 points); over 12 replicates the mean has a standard error of about 0.3
// points, and the calibrated value is 25.4%: 1.5 points is about 5 standard errors.
TEST(FoodAccessDefaults, AQuarterOfTheNationalMixHasPoorAccessAndRuralDistrictsMore) {
  Scenario scenario = load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios/town.yaml");
  scenario.run.years = 0.02;  // one step
  constexpr int kReplicates = 12;
  double poor = 0, residents = 0;
  std::array<double, 3> poor_by_district{}, residents_by_district{};
  for (int r = 0; r < kReplicates; ++r) {
    auto sim = build_simulation(scenario, {scenario.run.seed, static_cast<std::uint32_t>(r)});
    sim->run();
    const Population& p = sim->population();
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p.entry_step[i] != 0) continue;
      poor += !p.column<std::uint8_t>("food_access0")[i];
      residents += 1;
      poor_by_district[p.district[i]] += !p.column<std::uint8_t>("food_access0")[i];
      residents_by_district[p.district[i]] += 1;
    }
  }
  const double share = poor / residents;
  std::printf("poor food access on town.yaml: %.3f (station %.3f, hillside %.3f, farmland %.3f)\n",
              share, poor_by_district[0] / residents_by_district[0],
              poor_by_district[1] / residents_by_district[1],
              poor_by_district[2] / residents_by_district[2]);
  EXPECT_NEAR(share, 0.256, 0.015);
  // Districts in scenarios/town.yaml: station (urban), hillside (suburban), farmland (rural).
  EXPECT_GT(poor_by_district[2] / residents_by_district[2],
            poor_by_district[1] / residents_by_district[1] + 0.1);
  EXPECT_GT(poor_by_district[1] / residents_by_district[1],
            poor_by_district[0] / residents_by_district[0]);
}

}  // namespace
}  // namespace salonsim::models
