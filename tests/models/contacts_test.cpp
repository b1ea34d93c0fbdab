#include "models/network/contacts.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "models/build.hpp"
#include "models/groups/groups.hpp"
#include "models/health/health.hpp"
#include "models/scenario.hpp"
#include "models/town/demography.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {
namespace {

// Resident 0 has a spouse (1, 3/week: never counted), a friend (2, 2/week), a neighbour (3,
// 0.5/week, certified) and a relative (4, 1/week, dead), and 0.25/week with family outside the
// town.
struct SmallWorld {
  Population p;
  Network network;
  std::vector<ContactState> states;
  SmallWorld() {
    p.resize(5);
    p.alive = {1, 1, 1, 1, 0};
    p.certified = {0, 0, 0, 1, 0};
    p.kin_contacts_per_week[0] = 0.25f;
    network = Network(5,
                      {{0, 1, {3.0f, TieKind::kSpouse}},
                       {0, 2, {2.0f, TieKind::kFriend}},
                       {0, 3, {0.5f, TieKind::kNeighbour}},
                       {0, 4, {1.0f, TieKind::kRelative}}},
                      0);
    refresh();
  }
  void refresh() {
    states.clear();
    for (ResidentId i = 0; i < 5; ++i) states.push_back(contact_state(p, i));
  }
};

TEST(WeeklyContacts, CountsLivingTiesOutsideTheHouseholdAndFamilyElsewhere) {
  SmallWorld w;
  NetworkParams params;
  params.certified_contact_factor = 0.5;
  // friend 2 + neighbour 0.5 * 0.5 (certified) + kin 0.25; spouse and the dead relative excluded.
  EXPECT_DOUBLE_EQ(weekly_contacts(params, w.p, w.network, w.states, 0), 2.0 + 0.25 + 0.25);
  // Once resident 0 is certified every contact is halved.
  w.p.certified[0] = 1;
  w.refresh();
  EXPECT_DOUBLE_EQ(weekly_contacts(params, w.p, w.network, w.states, 0), 1.0 + 0.25 + 0.125);
  EXPECT_DOUBLE_EQ(weekly_contacts(params, w.p, w.network, w.states, 2), 1.0);
}

TEST(WeeklyContacts, SplitsFamilyFromFriendsAsTheSurveyAsks) {
  SmallWorld w;
  NetworkParams params;
  params.certified_contact_factor = 0.5;
  // Family: the relative (dead: nothing) and family elsewhere 0.25. Friends and others: the
  // friend 2, the certified neighbour 0.25, and 1.5 a week at activities.
  const WeeklyContacts c = weekly_contacts_by_kind(params, w.p, w.network, w.states, 0, 1.5f);
  EXPECT_DOUBLE_EQ(c.family, 0.25);
  EXPECT_DOUBLE_EQ(c.friends, 2.0 + 0.25 + 1.5);
  w.p.alive[4] = 1;  // the relative alive: 1 a week with family
  w.refresh();
  EXPECT_DOUBLE_EQ(weekly_contacts_by_kind(params, w.p, w.network, w.states, 0).family, 1.25);
}

TEST(ContactState, PacksAliveAndCertified) {
  SmallWorld w;
  EXPECT_EQ(w.states[0], ContactState::kIndependent);
  EXPECT_EQ(w.states[3], ContactState::kCertified);
  EXPECT_EQ(w.states[4], ContactState::kAbsent);
  // The dead are absent whether certified or not.
  w.p.certified[4] = 1;
  EXPECT_EQ(contact_state(w.p, 4), ContactState::kAbsent);
}

TEST(ContactsModule, IsolationIsContactBelowTheThreshold) {
  SmallWorld w;
  NetworkParams params;
  params.isolation_threshold_per_week = 2.6;
  Simulation sim({1, 0}, {7, 1}, std::move(w.p), std::move(w.network));
  sim.add_module(std::make_unique<Contacts>(params));
  sim.init();
  EXPECT_FLOAT_EQ(sim.population().weekly_contacts[0], 2.5f);
  EXPECT_EQ(sim.population().isolated[0], 1);
  EXPECT_EQ(sim.population().isolated0[0], 1);
  EXPECT_EQ(sim.population().degree0[0], 3) << "spouse, friend, neighbour; not the dead";
}

// The start recounts everyone: it lists no change, and the room the set-up's changes took (the
// salons' members' ties made at init note most residents) is given back, in the module's lists
// and in the network's.
TEST(ContactsModule, KeepsNoRoomForTheSetUpsChanges) {
  Scenario scenario =
      load_scenario(std::filesystem::path(SALONSIM_SOURCE_DIR) / "scenarios/taketoyo.yaml");
  scenario.town.population = 20000;
  auto sim = build_world(scenario, {17, 0});
  sim->add_module(std::make_unique<Contacts>(scenario.network));
  sim->add_module(std::make_unique<CommunityGroups>(
      GroupKind::kSalon, std::get<SalonsParams>(scenario.interventions.at(0)), scenario.town));
  sim->init();
  const std::size_t n = sim->population().size();
  // A byte of state, a byte of "recount" and a float of contacts on ties to friends a resident,
  // and the one chunk's list of changes (fewer than 65,536 residents), empty.
  EXPECT_EQ(sim->modules_of_type<Contacts>().at(0)->bytes(),
            n * (1 + 1 + 4) + sizeof(std::vector<ResidentId>));
  // Offsets (4 bytes, one more than the rows), counts (2), slots (9) and change flags (1).
  const Network& network = sim->network();
  EXPECT_EQ(network.bytes(), (n + 1) * 4 + n * 2 + network.slots() * 9 + n);
}

// Recomputing only residents whose surroundings changed must give exactly what recomputing
// everyone gives, step after step, with deaths, certifications, entrants, and salons (which
// add ties and activity contacts).
TEST(ContactsModule, IncrementalUpdateEqualsFullRecomputation) {
  Scenario scenario =
      load_scenario(std::filesystem::path(SALONSIM_SOURCE_DIR) / "scenarios/taketoyo.yaml");
  scenario.town.population = 20000;
  scenario.town.entrants.enabled = true;
  scenario.run.years = 3;
  const auto with = [&](bool incremental) {
    auto sim = build_world(scenario, {17, 0});
    sim->add_module(std::make_unique<Demography>());
    sim->add_module(std::make_unique<Contacts>(scenario.network, incremental));
    sim->add_module(std::make_unique<Health>(scenario.health));
    sim->add_module(std::make_unique<CommunityGroups>(
        GroupKind::kSalon, std::get<SalonsParams>(scenario.interventions.at(0)), scenario.town));
    sim->init();
    return sim;
  };
  auto fast = with(true), full = with(false);
  std::size_t deaths = 0;
  for (int s = 0; s < 156; ++s) {
    fast->step();
    full->step();
    ASSERT_EQ(fast->population().weekly_contacts, full->population().weekly_contacts)
        << "step " << s;
    ASSERT_EQ(fast->population().isolated, full->population().isolated) << "step " << s;
    ASSERT_EQ(fast->population().degree0, full->population().degree0) << "step " << s;
  }
  for (std::size_t i = 0; i < fast->population().size(); ++i)
    deaths += fast->population().death_step[i] >= 0;
  EXPECT_GT(deaths, 1000u) << "the comparison must cover many deaths";
}

}  // namespace
}  // namespace salonsim::models
