// Tests of models/groups/town_groups.cpp and of the groups that exist when a run starts
// (models/groups/groups.cpp: the steady state at the start, entrants, co-member ties), with
// numbers worked out by hand on small towns.
#include "models/groups/town_groups.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "models/build.hpp"
#include "models/groups/activity.hpp"
#include "models/groups/groups.hpp"
#include "models/scenario.hpp"
#include "models/town/demography.hpp"
#include "sim/simulation.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/small_town.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

using testing::residents_at;

/// Groups whose chances are worked by hand: every odds ratio 1 for a man aged 70 without
/// frailty, ties or fee, nobody invited, no new ties; one weekly venue at the origin.
GroupParams plain_groups(double join_odds, double quit_probability) {
  GroupParams g = group_defaults(GroupKind::kSports);
  g.placement.rule = PlacementRule::kNone;
  Venue venue;
  venue.location_m = {0, 0};
  venue.schedule = Schedule::kWeekly;
  venue.capacity = 100000;
  venue.fee_yen = 0;
  venue.volunteers = 0;
  g.venues = {venue};
  g.participation.join_odds = join_odds;
  g.participation.quit_probability = quit_probability;
  g.participation.propensity_sd = 0;
  g.participation.joiner_weight = 0;
  g.participation.attend_probability = 1;
  g.effects.new_tie_probability = 0;
  g.members_at_start = MembersAtStart::kStationary;
  return g;
}

/// `n` residents at the origin (men aged 70 unless changed), and `entrants` more who enter at
/// step `entry_step`, aged 65.
Population crowd(std::size_t n, std::size_t entrants = 0, std::int32_t entry_step = 0) {
  Population p = residents_at(std::vector<std::pair<float, float>>(n + entrants, {0.0f, 0.0f}));
  for (std::size_t i = n; i < n + entrants; ++i) {
    p.entry_step[i] = entry_step;
    p.alive[i] = 0;
    p.age0[i] = 65;
  }
  return p;
}

std::unique_ptr<Simulation> world(Population p, const GroupParams& g, std::int64_t steps,
                                  GroupsSetting setting = {}, std::uint32_t slots = 8) {
  const std::size_t n = p.size();
  auto sim = std::make_unique<Simulation>(RunIdentity{5, 0}, Clock{7, steps}, std::move(p),
                                          Network(n, {}, slots));
  sim->add_module(std::make_unique<Demography>());
  sim->add_module(std::make_unique<CommunityGroups>(GroupKind::kSports, g, TownParams{},
                                                    std::vector<NewGroupsParams>{}, setting));
  sim->add_module(std::make_unique<GroupActivity>(GroupKind::kSports, g.effects));
  sim->init();
  return sim;
}

double share_of(const std::vector<std::uint8_t>& member, std::size_t from, std::size_t to) {
  double sum = 0;
  for (std::size_t i = from; i < to; ++i) sum += member[i];
  return sum / static_cast<double>(to - from);
}

TEST(SteadyMembership, IsJoinOverJoinPlusStop) {
  EXPECT_DOUBLE_EQ(steady_membership(0.01, 0.03), 0.25);
  EXPECT_DOUBLE_EQ(steady_membership(0.0, 0.03), 0.0);
  EXPECT_DOUBLE_EQ(steady_membership(0.02, 0.0), 1.0);
}

// Join odds 0.01 at a session: chance 0.01 / 1.01; stop 0.02 a session. The steady state is
// j / (j + q) = 0.0099 / 0.0299 = 0.3311; at 70 with constant chances since 65 the resident's
// past does not move it. 6000 residents: standard error 0.006.
TEST(GroupsAtTheStart, MembersAreTheSteadyStateOfJoiningAndStopping) {
  const double j = 0.01 / 1.01, q = 0.02, expected = j / (j + q);
  auto sim = world(crowd(6000), plain_groups(0.01, q), 52);
  const auto& member = sim->population().column<std::uint8_t>("sports_member");
  EXPECT_NEAR(share_of(member, 0, 6000), expected, 0.02);
  // The dynamics keep it: a year of weekly sessions later (nobody dies here).
  sim->run();
  EXPECT_NEAR(share_of(member, 0, 6000), expected, 0.025);
}

// The chance to join falls by or_age_75_84 at 75: a resident of 80 joined at the higher chance
// until 75 and has relaxed towards the lower steady state for five years since.
TEST(GroupsAtTheStart, OlderResidentsCarryTheirPast) {
  GroupParams g = plain_groups(0.005, 0.002);
  g.participation.or_age_75_84 = 0.2;
  Population p = crowd(6000);
  for (std::size_t i = 0; i < 6000; ++i) p.age0[i] = 80;
  auto sim = world(std::move(p), g, 1);
  const double j_young = 0.005 / 1.005, young = j_young / (j_young + 0.002);
  const double j_old = 0.001 / 1.001, old = j_old / (j_old + 0.002);
  const double sessions = 365.25 / 7;
  // From 65 to 75 at the young chances (steady already), then five years at the old ones:
  // 0.333 + (0.713 - 0.333) * 0.997^261 = 0.51, against 0.33 in the steady state at 80.
  const double expected = old + (young - old) * std::pow(1 - j_old - 0.002, 5 * sessions);
  EXPECT_NEAR(expected, 0.51, 0.01);
  const auto& member = sim->population().column<std::uint8_t>("sports_member");
  EXPECT_NEAR(share_of(member, 0, 6000), expected, 0.02);
}

// The bounds that settle most draws at the start, in the case above: the resident's steady
// states over their life lie between that at 80 (0.333, the least) and that at 70 (0.713, the
// most), and the chance with their past (0.51) between them.
TEST(GroupsAtTheStart, BoundsAreTheLeastAndMostSteadyStatesOfTheResidentsLife) {
  GroupParams g = plain_groups(0.005, 0.002);
  g.participation.or_age_75_84 = 0.2;
  Population p = crowd(1);
  p.age0[0] = 80;
  auto sim = world(std::move(p), g, 1);
  const auto& groups = *sim->modules_of_type<CommunityGroups>().front();
  const auto at = groups.chance_at_start(sim->population(), 0, sim->clock().years_per_step(), 0, 0);
  const double j_young = 0.005 / 1.005, young = j_young / (j_young + 0.002);
  const double j_old = 0.001 / 1.001, old = j_old / (j_old + 0.002);
  EXPECT_NEAR(at.bounds.least, old, 1e-8);
  EXPECT_NEAR(at.bounds.most, young, 1e-8);
  EXPECT_LT(at.bounds.least, old);  // the margins for rounding point outwards
  EXPECT_GT(at.bounds.most, young);
  EXPECT_NEAR(at.chance, 0.51, 0.01);
}

// Every resident of a varied town (ages 65 to 100, frailty, certification, sex, income, living
// alone, isolation, propensity, distance), with any count of friends and any invitation: the
// bounds hold the chance, and settle most draws (bounds that settled none would pass every test
// of results but save no time).
TEST(GroupsAtTheStart, BoundsHoldTheChanceOfEveryResident) {
  const Scenario scenario =
      load_scenario(std::filesystem::path(SALONSIM_SOURCE_DIR) / "scenarios" / "taketoyo.yaml",
                    {"town.population=3000", "run.years=0.02"});
  auto sim = build_simulation(scenario, {scenario.run.seed, 0});
  sim->init();
  const Population& p = sim->population();
  const double dt = sim->clock().years_per_step();
  std::size_t checked = 0;
  double unsettled = 0;  // the chance that a draw falls between the bounds, summed
  for (const CommunityGroups* groups : sim->modules_of_type<CommunityGroups>()) {
    for (ResidentId id = 0; id < p.size(); ++id) {
      if (!p.alive[id] || p.entry_step[id] > 0) continue;
      for (const int friends : {0, 1, 3}) {
        for (const double invited : {0.0, 0.3, 1.0}) {
          const auto at = groups->chance_at_start(p, id, dt, friends, invited);
          ASSERT_LE(at.bounds.least, at.chance) << groups->name() << " resident " << id;
          ASSERT_GE(at.bounds.most, at.chance) << groups->name() << " resident " << id;
          if (at.bounds.most == 0) continue;  // no venue open: nothing to draw
          ++checked;
          unsettled += at.bounds.most - at.bounds.least;
        }
      }
    }
  }
  EXPECT_GT(checked, 100000u);
  // 0.107 when written: about eleven draws in a hundred need the resident's past worked out.
  EXPECT_LT(unsettled / static_cast<double>(checked), 0.15);
}

TEST(GroupsAtTheStart, EntrantsBelongAsTheyDidBeforeTurning65) {
  const double j = 0.01 / 1.01, q = 0.02;
  auto sim = world(crowd(100, 6000, 3), plain_groups(0.01, q), 5);
  const auto& member = sim->population().column<std::uint8_t>("sports_member");
  EXPECT_EQ(share_of(member, 100, 6100), 0.0) << "nobody belongs before entering";
  sim->run();
  // Entering at step 3, the steady state at 65; then two sessions of joining and stopping.
  EXPECT_NEAR(share_of(member, 100, 6100), j / (j + q), 0.02);
}

// Ties among co-members at the start: a member has 2 s a p / f of them in the steady state, with
// s = 365.25 / 7 sessions a year, attendance a = 1, tie probability p = 0.005 and fading
// f = 0.25 a year: 2 * 52.18 * 0.005 / 0.25 = 2.09 (each member proposes half).
TEST(GroupsAtTheStart, CoMembersAreTiedAsJoiningAndFadingKeepThem) {
  GroupParams g = plain_groups(1e6, 1e-9);  // everyone belongs
  g.effects.new_tie_probability = 0.005;
  auto sim = world(crowd(4000), g, 1, GroupsSetting{0.015, 0.25}, 16);
  double degree = 0;
  for (ResidentId i = 0; i < 4000; ++i) {
    degree += sim->network().degree(i);
    sim->network().for_each_tie(i, [&](ResidentId, const Tie& tie) {
      EXPECT_EQ(tie.kind, TieKind::kAcquaintance);
      EXPECT_FLOAT_EQ(tie.contacts_per_week, 0.5f);
    });
  }
  EXPECT_NEAR(degree / 4000, 2 * 365.25 / 7 * 0.005 / 0.25, 0.08);
  // No fading (turnover off): no steady state to start in, so no ties.
  auto still = world(crowd(400), g, 1, GroupsSetting{0.015, 0.0}, 16);
  EXPECT_EQ(still->network().entries(), 0u);
}

// A venue aimed at men multiplies their odds: after the first session, men joined with chance
// 0.03 / 1.03 and women with 0.01 / 1.01 (8000 of each: standard errors 0.002 and 0.001).
TEST(GroupsModule, AVenueAimedAtMenRaisesTheirOdds) {
  GroupParams g = plain_groups(0.01, 0);
  g.members_at_start = MembersAtStart::kNone;
  g.venues[0].join_or_men = 3;
  g.participation.or_women = 1;
  Population p = crowd(16000);
  for (std::size_t i = 8000; i < 16000; ++i) p.sex[i] = static_cast<std::uint8_t>(Sex::kFemale);
  auto sim = world(std::move(p), g, 1);
  sim->run();
  const auto& member = sim->population().column<std::uint8_t>("sports_member");
  EXPECT_NEAR(share_of(member, 0, 8000), 0.03 / 1.03, 0.007);
  EXPECT_NEAR(share_of(member, 8000, 16000), 0.01 / 1.01, 0.004);
}

// Sessions a year a and the dose-response 1 - m a / (a + h).
TEST(GroupActivity, RatiosFollowTheDoseResponse) {
  EXPECT_DOUBLE_EQ(attendance_ratio(0.2, 6, 12), 1 - 0.2 * 12 / 18.0);
  EXPECT_DOUBLE_EQ(attendance_ratio(0.2, 6, 0), 1.0);
  // What GroupActivity registers is the same ratio of sessions a week, rounded to float.
  const Effects::SaturatingRatio per_week = attendance_ratio_per_week(0.2, 6);
  for (const float week : {0.0f, 0.125f, 1.0f, 2.5f})
    EXPECT_EQ(per_week(week), static_cast<float>(attendance_ratio(0.2, 6, week * 365.25 / 7.0)))
        << week;
  GroupEffects e;
  e.max_decline_reduction = 0.3;
  e.half_effect_sessions_per_year = 12;
  EXPECT_DOUBLE_EQ(decline_factor(e, 36), 1 - 0.3 * 36 / 48.0);
}

// Two kinds at once: each is its own source of effects, and a member of both has the product
// of the two ratios (no kind overwrites another's).
TEST(GroupsModule, KindsComposeThroughTheEffects) {
  GroupParams sports = plain_groups(1e6, 1e-9), hobby = plain_groups(1e6, 1e-9);
  sports.effects.max_decline_reduction = 0.3;
  sports.effects.max_death_reduction = 0.1;
  hobby.effects.max_decline_reduction = 0.2;
  hobby.effects.max_death_reduction = 0.05;
  Population p = crowd(50);
  auto sim = std::make_unique<Simulation>(RunIdentity{5, 0}, Clock{7, 10}, std::move(p),
                                          Network(50, {}, 8));
  sim->add_module(std::make_unique<CommunityGroups>(GroupKind::kSports, sports, TownParams{}));
  sim->add_module(std::make_unique<GroupActivity>(GroupKind::kSports, sports.effects));
  sim->add_module(std::make_unique<CommunityGroups>(GroupKind::kHobby, hobby, TownParams{}));
  sim->add_module(std::make_unique<GroupActivity>(GroupKind::kHobby, hobby.effects));
  sim->add_module(
      std::make_unique<AnyGroup>(std::vector<GroupKind>{GroupKind::kSports, GroupKind::kHobby}));
  sim->run();
  const Population& pop = sim->population();
  const std::vector<std::string> sources = sim->effects().sources();
  EXPECT_EQ(std::count(sources.begin(), sources.end(), "sports_activity"),
            3);  // 2 hazards, contacts
  EXPECT_EQ(std::count(sources.begin(), sources.end(), "hobby_activity"), 3);
  const Effects::HazardView certification = sim->effects().hazard(Hazard::kCertification, pop);
  const Effects::HazardView death = sim->effects().hazard(Hazard::kDeath, pop);
  const Effects& effects = sim->effects();
  const auto sports_decline = effects.ratios_of(Hazard::kCertification, "sports_activity", pop);
  const auto hobby_decline = effects.ratios_of(Hazard::kCertification, "hobby_activity", pop);
  const auto sports_death = effects.ratios_of(Hazard::kDeath, "sports_activity", pop);
  const auto hobby_death = effects.ratios_of(Hazard::kDeath, "hobby_activity", pop);
  EXPECT_LT(sports_decline[0], 1.0f);
  EXPECT_LT(hobby_decline[0], 1.0f);
  EXPECT_DOUBLE_EQ(certification.times_ratios(1.0, 0),
                   double(sports_decline[0]) * double(hobby_decline[0]));
  EXPECT_DOUBLE_EQ(death.times_ratios(1.0, 0), double(sports_death[0]) * double(hobby_death[0]));
  // Everyone belongs to both: in a group of any kind, counted once each.
  EXPECT_EQ(sim->timeseries().find(kAnyGroupMembers)->values.back()[0], 50);
}

// The kinds of a run share the lists a session is worked out in (CommunityGroups'
// SessionScratch), one kind's step after another's. A kind's sessions are then what they are
// alone: 300 residents for 40 places a week, so each session admits by priority from the
// shared lists. The run holds the lists once: the two kinds account fewer bytes together than
// each alone.
TEST(GroupsModule, KindsShareTheirSessionListsWithoutMixingThem) {
  GroupParams sports = plain_groups(0.5, 0.05), hobby = plain_groups(2.0, 0.02);
  sports.venues[0].capacity = 40;
  hobby.venues[0].capacity = 70;
  const auto run = [&](bool with_sports, bool with_hobby) {
    auto sim = std::make_unique<Simulation>(RunIdentity{5, 0}, Clock{7, 12}, crowd(300),
                                            Network(300, {}, 8));
    if (with_sports)
      sim->add_module(std::make_unique<CommunityGroups>(GroupKind::kSports, sports, TownParams{}));
    if (with_hobby)
      sim->add_module(std::make_unique<CommunityGroups>(GroupKind::kHobby, hobby, TownParams{}));
    sim->run();
    return sim;
  };
  const auto both = run(true, true), sports_alone = run(true, false),
             hobby_alone = run(false, true);
  for (const char* kind : {"sports", "hobby"}) {
    const Simulation& alone = std::string(kind) == "sports" ? *sports_alone : *hobby_alone;
    for (const std::string column : {"_member", "_sessions"}) {
      SCOPED_TRACE(kind + column);
      const std::string name = kind + column;
      if (column == "_member") {
        EXPECT_EQ(both->population().column<std::uint8_t>(name),
                  alone.population().column<std::uint8_t>(name));
      } else {
        EXPECT_EQ(both->population().column<std::uint16_t>(name),
                  alone.population().column<std::uint16_t>(name));
      }
    }
  }
  // Sessions were full: admission by priority, not everyone who wanted to come.
  const auto& sessions = both->population().column<std::uint16_t>("sports_sessions");
  EXPECT_EQ(std::accumulate(sessions.begin(), sessions.end(), 0), 12 * 40);
  const auto module_bytes = [](const Simulation& sim) {
    std::size_t total = 0;
    for (const CommunityGroups* groups : sim.modules_of_type<CommunityGroups>())
      total += groups->bytes();
    return total;
  };
  EXPECT_LT(module_bytes(*both), module_bytes(*sports_alone) + module_bytes(*hobby_alone));
}

TEST(TownGroups, EveryKindByDefaultAndNoneWhenAsked) {
  Scenario scenario;
  EXPECT_EQ(kinds_in(scenario).size(), 5u);
  scenario.groups.kinds = {};
  EXPECT_TRUE(kinds_in(scenario).empty());
  // A kind only an intervention opens is built too, from nobody.
  NewGroupsParams opened;
  opened.kind = "hobby";
  scenario.interventions.push_back(opened);
  EXPECT_EQ(kinds_in(scenario), std::vector<GroupKind>{GroupKind::kHobby});
}

TEST(TownGroups, UnknownKindSuggestsTheNearest) {
  testing::TempDir dir;
  testing::expect_single_issue(
      dir.write("kinds.yaml", "groups:\n  kinds: [sport, hobby]\n"), 2, 10, "groups.kinds[0]",
      "'sport' is not a kind of group: one of sports, hobby, volunteer, senior_club, "
      "neighbourhood_association; did you mean 'sports'?");
}

TEST(TownGroups, AKindTwiceOrSalonsAreErrors) {
  testing::TempDir dir;
  const auto twice =
      testing::issues_of(dir.write("twice.yaml", "groups:\n  kinds: [hobby, hobby]\n"));
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0].message, "lists 'hobby' twice");
  const auto salon = testing::issues_of(dir.write("salon.yaml", "groups:\n  kinds: [salon]\n"));
  ASSERT_EQ(salon.size(), 1u);
  EXPECT_EQ(salon[0].message,
            "salons are not one of the town's standing groups: add a salons intervention");
}

// The groups intervention adds venues to its kind's one module; only groups that something
// opens report a cost.
TEST(TownGroups, OpenedVenuesJoinTheirKindAndCost) {
  Scenario scenario;
  scenario.town.population = 2000;
  scenario.run.years = 1;
  NewGroupsParams opened;
  opened.kind = "hobby";
  opened.opens.placement.rule = PlacementRule::kDistrictCentres;
  opened.opens.placement.template_venue.yearly_cost_yen = 120000;
  opened.opens.placement.first_opens_step = 26;
  scenario.interventions.push_back(opened);
  auto sim = build_simulation(scenario, {3, 0});
  sim->run();
  const std::vector<ModuleCost> costs = sim->module_costs();
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_EQ(costs[0].module, "hobby_groups");
  // One district: one new venue, open for the second half of the year.
  EXPECT_NEAR(costs[0].yen, 120000.0 * 26 * 7 / 365.25, 1e-6);
}

}  // namespace
}  // namespace salonsim::models
