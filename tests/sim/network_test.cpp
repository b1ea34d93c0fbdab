#include "sim/network.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <map>
#include <random>
#include <utility>
#include <vector>

namespace salonsim {
namespace {

// 0 - 1 (spouse), 0 - 2 (friend, 2/week), 1 - 3 (neighbour, 0.5/week); 4 has no ties.
Network small_network(std::uint32_t spare = 2) {
  return Network(5,
                 {{0, 1, {0.0f, TieKind::kSpouse}},
                  {0, 2, {2.0f, TieKind::kFriend}},
                  {1, 3, {0.5f, TieKind::kNeighbour}}},
                 spare);
}

std::map<ResidentId, Tie> ties_of(const Network& network, ResidentId id) {
  std::map<ResidentId, Tie> ties;
  network.for_each_tie(id, [&](ResidentId other, const Tie& tie) { ties[other] = tie; });
  return ties;
}

TEST(Network, StoresBothDirectionsOfEveryTie) {
  const Network network = small_network();
  EXPECT_EQ(network.residents(), 5u);
  EXPECT_EQ(network.entries(), 6u);
  const auto of0 = ties_of(network, 0);
  ASSERT_EQ(of0.size(), 2u);
  EXPECT_EQ(of0.at(1).kind, TieKind::kSpouse);
  EXPECT_FLOAT_EQ(of0.at(2).contacts_per_week, 2.0f);
  const auto of3 = ties_of(network, 3);
  ASSERT_EQ(of3.size(), 1u);
  EXPECT_FLOAT_EQ(of3.at(1).contacts_per_week, 0.5f);
  EXPECT_EQ(network.degree(0), 2u);
  EXPECT_EQ(network.degree(4), 0u);
  EXPECT_TRUE(network.tied(2, 0));
  EXPECT_FALSE(network.tied(2, 1));
}

TEST(Network, RowsHoldTheirTiesAndTheSpareSlots) {
  const Network network = small_network(/*spare=*/2);
  // Degrees 2, 2, 1, 1, 0 plus 2 each.
  EXPECT_EQ(network.capacity(0), 4u);
  EXPECT_EQ(network.capacity(2), 3u);
  EXPECT_EQ(network.capacity(4), 2u);
  EXPECT_EQ(network.slots(), 6u + 10u);
  const std::vector<std::uint32_t> spare{0, 0, 0, 0, 5};
  const Network uneven(5, {{0, 1, {1.0f, TieKind::kFriend}}}, spare);
  EXPECT_EQ(uneven.capacity(0), 1u);
  EXPECT_EQ(uneven.capacity(4), 5u);
}

TEST(Network, RemovingTiesOfAResidentRemovesBothDirections) {
  Network network = small_network();
  network.remove_ties_of(0);
  EXPECT_EQ(network.degree(0), 0u);
  EXPECT_EQ(network.degree(1), 1u);  // keeps the tie to 3
  EXPECT_EQ(network.degree(2), 0u);
  EXPECT_FALSE(network.tied(1, 0));
  EXPECT_TRUE(network.tied(1, 3));
  EXPECT_EQ(network.entries(), 2u);
}

TEST(Network, RemovesOneTie) {
  Network network = small_network();
  EXPECT_TRUE(network.remove_tie(2, 0));
  EXPECT_FALSE(network.tied(0, 2));
  EXPECT_TRUE(network.tied(0, 1));
  EXPECT_EQ(ties_of(network, 0).at(1).kind, TieKind::kSpouse);
  EXPECT_FALSE(network.remove_tie(2, 0)) << "already removed";
  EXPECT_FALSE(network.remove_tie(3, 3));
}

TEST(Network, SetsTheContactsOfATieInBothDirections) {
  Network network = small_network();
  EXPECT_TRUE(network.set_contacts(2, 0, 3.5f));
  EXPECT_FLOAT_EQ(ties_of(network, 0).at(2).contacts_per_week, 3.5f);
  EXPECT_FLOAT_EQ(ties_of(network, 2).at(0).contacts_per_week, 3.5f);
  EXPECT_EQ(ties_of(network, 0).at(2).kind, TieKind::kFriend);
  EXPECT_FALSE(network.set_contacts(2, 1, 1.0f)) << "not tied";
  std::vector<ResidentId> changed;
  network.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_EQ(changed, (std::vector<ResidentId>{2, 0}));
}

TEST(Network, ReportsResidentsWhoseTiesChangedOnce) {
  Network network = small_network();
  network.remove_ties_of(0);
  network.remove_ties_of(2);  // already without ties: itself only
  std::vector<ResidentId> changed;
  network.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_EQ(changed, (std::vector<ResidentId>{1, 2, 0}));
  changed.clear();
  network.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_TRUE(changed.empty());
}

TEST(Network, GivesBackTheRoomOfItsDrainedChangesAndStillNotesNewOnes) {
  Network network = small_network(0);
  const std::size_t bytes = network.bytes();
  network.remove_ties_of(0);          // notes 0 and the residents tied to it
  network.release_drained_changes();  // not drained yet: nothing is given back or forgotten
  EXPECT_GT(network.bytes(), bytes);
  std::vector<ResidentId> changed;
  network.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_EQ(changed, (std::vector<ResidentId>{1, 2, 0}));
  network.release_drained_changes();
  EXPECT_EQ(network.bytes(), bytes);
  network.remove_ties_of(3);  // tied to 1
  changed.clear();
  network.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_EQ(changed, (std::vector<ResidentId>{1, 3}));
}

TEST(Network, AddsTiesIntoFreeSlotsOnly) {
  Network network = small_network(/*spare=*/1);
  const Tie acquaintance{1.0f, TieKind::kAcquaintance};
  EXPECT_TRUE(network.add_tie(3, 4, acquaintance));
  EXPECT_TRUE(network.tied(4, 3));
  EXPECT_EQ(network.degree(3), 2u);
  EXPECT_FALSE(network.add_tie(4, 2, acquaintance)) << "4 has no free slot left";
  EXPECT_FALSE(network.add_tie(0, 2, acquaintance)) << "already tied";
  EXPECT_FALSE(network.add_tie(2, 2, acquaintance)) << "no tie to oneself";
  EXPECT_FALSE(network.add_tie(0, 4, Tie{})) << "a removed tie is not a tie";
  std::vector<ResidentId> changed;
  network.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_EQ(changed, (std::vector<ResidentId>{3, 4}));
}

TEST(Network, TiesAddedInOwnRowsAreAddTiesListingTheChangedRowsOnce) {
  // The same rules and slots as add_tie; the changed rows go to the caller's list, once each,
  // and are drained only once noted.
  Network own = small_network(/*spare=*/1), plain = small_network(/*spare=*/1);
  const Tie acquaintance{1.0f, TieKind::kAcquaintance};
  const std::vector<std::pair<ResidentId, ResidentId>> adds{{3, 4}, {4, 2}, {0, 2}, {2, 2}, {2, 3}};
  std::vector<ResidentId> listed;
  for (const auto& [a, b] : adds) {
    EXPECT_EQ(own.add_tie_in_own_rows(a, b, acquaintance, listed),
              plain.add_tie(a, b, acquaintance))
        << a << " - " << b;
  }
  for (ResidentId id = 0; id < 5; ++id) {
    ASSERT_EQ(own.degree(id), plain.degree(id));
    for (std::uint32_t k = 0; k < own.degree(id); ++k)
      EXPECT_EQ(own.neighbour_at(id, k), plain.neighbour_at(id, k)) << id << ", slot " << k;
  }
  EXPECT_EQ(listed, (std::vector<ResidentId>{3, 4}));  // 2 - 3 found 3 full (3 was given 4)
  std::vector<ResidentId> changed;
  own.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_TRUE(changed.empty()) << "not noted yet";
  own.note_changes(listed);
  own.drain_changes([&](ResidentId id) { changed.push_back(id); });
  EXPECT_EQ(changed, listed);
}

TEST(Network, EditsAppliedTogetherLeaveTheRowsThatOneAtATimeWould) {
  // Small network: remove 0 - 2, set 1 - 3 to 4/week, remove 0 - 2 again (nothing), set the
  // removed 2 - 0 (nothing), remove 1 - 0 and a tie to oneself (nothing).
  Network together = small_network(), alone = small_network();
  const std::vector<Network::TieEdit> edits{{0, 2, 0.0f, true}, {3, 1, 4.0f, false},
                                            {0, 2, 0.0f, true}, {2, 0, 9.0f, false},
                                            {1, 0, 0.0f, true}, {4, 4, 0.0f, true}};
  together.edit_ties(edits);
  EXPECT_EQ(together.entries(), 2u);
  EXPECT_EQ(together.degree(0), 0u);
  EXPECT_FLOAT_EQ(ties_of(together, 3).at(1).contacts_per_week, 4.0f);
  EXPECT_FLOAT_EQ(ties_of(together, 1).at(3).contacts_per_week, 4.0f);
  std::vector<ResidentId> changed;
  together.drain_changes([&](ResidentId id) { changed.push_back(id); });
  std::sort(changed.begin(), changed.end());
  EXPECT_EQ(changed, (std::vector<ResidentId>{0, 1, 2, 3}));
}

TEST(Network, ManyEditsAppliedTogetherLeaveEverySlotAsOneAtATimeWouldWhateverTheThreads) {
  // 20,000 residents (five blocks of rows) with random ties; 30,000 edits, removals and changes
  // of contacts, many on ties removed or changed before, some on pairs never tied. Every row
  // holds the same ties in the same slots as remove_tie and set_contacts one after another
  // leave, and the same residents are reported changed, at 1, 2 and 4 threads.
  constexpr ResidentId kResidents = 20000;
  std::mt19937 random(11);
  std::uniform_int_distribution<ResidentId> anyone(0, kResidents - 1);
  std::vector<UndirectedTie> ties;
  for (ResidentId a = 0; a < kResidents; ++a) {
    for (int k = 0; k < 3; ++k) {
      const ResidentId b = anyone(random);
      if (b != a) ties.push_back({std::min(a, b), std::max(a, b), {1.0f, TieKind::kFriend}});
    }
  }
  std::sort(ties.begin(), ties.end(), [](const UndirectedTie& x, const UndirectedTie& y) {
    return std::pair(x.a, x.b) < std::pair(y.a, y.b);
  });
  ties.erase(std::unique(ties.begin(), ties.end(),
                         [](const UndirectedTie& x, const UndirectedTie& y) {
                           return x.a == y.a && x.b == y.b;
                         }),
             ties.end());
  std::vector<Network::TieEdit> edits;
  std::uniform_real_distribution<float> contacts(0.0f, 5.0f);
  for (int e = 0; e < 30000; ++e) {
    const bool tied = e % 4 != 0;
    const UndirectedTie& tie = ties[static_cast<std::size_t>(anyone(random)) % ties.size()];
    const ResidentId a = tied ? tie.a : anyone(random), b = tied ? tie.b : anyone(random);
    const bool swap = e % 3 == 0;
    edits.push_back({swap ? b : a, swap ? a : b, contacts(random), e % 2 == 0});
  }
  Network alone(kResidents, ties, 2);
  for (const Network::TieEdit& edit : edits) {
    if (edit.remove)
      alone.remove_tie(edit.a, edit.b);
    else
      alone.set_contacts(edit.a, edit.b, edit.contacts_per_week);
  }
  std::vector<ResidentId> changed_alone;
  alone.drain_changes([&](ResidentId id) { changed_alone.push_back(id); });
  std::sort(changed_alone.begin(), changed_alone.end());
  ASSERT_LT(alone.entries(), 2 * ties.size());
  for (const int threads : {1, 2, 4}) {
    Network together(kResidents, ties, 2);
    tbb::task_arena(threads).execute([&] { together.edit_ties(edits); });
    for (ResidentId id = 0; id < kResidents; ++id) {
      ASSERT_EQ(together.degree(id), alone.degree(id)) << id;
      for (std::uint32_t k = 0; k < alone.degree(id); ++k) {
        ASSERT_EQ(together.neighbour_at(id, k), alone.neighbour_at(id, k)) << id << " " << k;
        ASSERT_EQ(together.tie_at(id, k).contacts_per_week, alone.tie_at(id, k).contacts_per_week);
        ASSERT_EQ(together.tie_at(id, k).kind, alone.tie_at(id, k).kind);
      }
    }
    std::vector<ResidentId> changed;
    together.drain_changes([&](ResidentId id) { changed.push_back(id); });
    std::sort(changed.begin(), changed.end());
    EXPECT_EQ(changed, changed_alone) << threads << " threads";
  }
}

TEST(Network, WithoutSpareSlotsNothingIsAdded) {
  Network network = small_network(/*spare=*/0);
  EXPECT_FALSE(network.add_tie(3, 4, {1.0f, TieKind::kAcquaintance}));
}

TEST(Network, FreedSlotsAreUsedAgain) {
  Network network = small_network(/*spare=*/0);
  const std::size_t slots = network.slots();
  // 0 is full (spouse and friend); losing the friend frees a slot for a new tie.
  EXPECT_FALSE(network.add_tie(0, 3, {1.0f, TieKind::kFriend}));
  ASSERT_TRUE(network.remove_tie(0, 2));
  EXPECT_FALSE(network.add_tie(0, 3, {1.0f, TieKind::kFriend})) << "3 is still full";
  network.remove_ties_of(1);  // frees 0's spouse slot and 3's only slot
  EXPECT_TRUE(network.add_tie(0, 3, {1.0f, TieKind::kFriend}));
  EXPECT_EQ(network.slots(), slots) << "the rows never grow";
  // Many rounds of removing and adding keep the same memory.
  for (int round = 0; round < 100; ++round) {
    ASSERT_TRUE(network.remove_tie(0, 3));
    ASSERT_TRUE(network.add_tie(3, 0, {1.0f, TieKind::kNeighbour}));
  }
  EXPECT_EQ(network.slots(), slots);
  EXPECT_EQ(network.degree(0), 1u);
}

TEST(Network, RemovingTiesAlsoRemovesAddedTies) {
  Network network = small_network();
  ASSERT_TRUE(network.add_tie(2, 4, {1.0f, TieKind::kAcquaintance}));
  network.remove_ties_of(4);
  EXPECT_FALSE(network.tied(2, 4));
  EXPECT_EQ(network.degree(2), 1u);
}

TEST(Network, RowsHoldTheirTiesInTheOrderGivenWhateverTheThreads) {
  // Ties in a scrambled order, many more than one thread's share, with contacts that name the
  // tie: each row must list its ties as they come in the list, as adding them one by one would.
  constexpr std::size_t kResidents = 200000;
  std::vector<UndirectedTie> ties;
  for (std::size_t i = 0; i < kResidents; ++i) {
    for (const std::size_t step : {1, 7, 31, 1000}) {
      if (i + step < kResidents)
        ties.push_back({static_cast<ResidentId>(i), static_cast<ResidentId>(i + step), {}});
    }
  }
  std::shuffle(ties.begin(), ties.end(), std::mt19937(11));
  for (std::size_t k = 0; k < ties.size(); ++k) {
    ties[k].tie = {static_cast<float>(k), k % 2 ? TieKind::kFriend : TieKind::kNeighbour};
  }
  std::vector<std::vector<std::pair<ResidentId, float>>> expected(kResidents);
  for (const UndirectedTie& t : ties) {
    expected[t.a].emplace_back(t.b, t.tie.contacts_per_week);
    expected[t.b].emplace_back(t.a, t.tie.contacts_per_week);
  }
  const Network network(kResidents, ties, 1u);
  for (std::size_t r = 0; r < kResidents; ++r) {
    const auto id = static_cast<ResidentId>(r);
    ASSERT_EQ(network.degree(id), expected[r].size()) << "row " << r;
    ASSERT_EQ(network.capacity(id), expected[r].size() + 1) << "row " << r;
    for (std::uint32_t k = 0; k < network.degree(id); ++k) {
      ASSERT_EQ(network.neighbour_at(id, k), expected[r][k].first) << "row " << r << " tie " << k;
      const Tie tie = network.tie_at(id, k);
      ASSERT_EQ(tie.contacts_per_week, expected[r][k].second) << "row " << r << " tie " << k;
      ASSERT_EQ(tie.kind, static_cast<std::size_t>(tie.contacts_per_week) % 2
                              ? TieKind::kFriend
                              : TieKind::kNeighbour);
    }
  }
}

TEST(Network, WithTiesFromATieListIsTheNetworkOfTheSameTiesInAVector) {
  // The builder's TieList leaves its elements unwritten when sized, so each is written here.
  TieList list(3);
  list[0] = {0, 1, {0.0f, TieKind::kSpouse}};
  list[1] = {0, 2, {2.0f, TieKind::kFriend}};
  list[2] = {1, 3, {0.5f, TieKind::kNeighbour}};
  const std::vector<std::uint32_t> spare{1, 0, 3, 0, 2};
  const Network from_list = Network::with_ties(5, list, spare);
  const Network from_vector(5, std::vector<UndirectedTie>(list.begin(), list.end()), spare);
  EXPECT_EQ(from_list.slots(), from_vector.slots());
  EXPECT_EQ(from_list.bytes(), from_vector.bytes());
  for (ResidentId id = 0; id < 5; ++id) {
    EXPECT_EQ(from_list.capacity(id), from_vector.capacity(id));
    ASSERT_EQ(from_list.degree(id), from_vector.degree(id));
    for (std::uint32_t k = 0; k < from_list.degree(id); ++k) {
      EXPECT_EQ(from_list.neighbour_at(id, k), from_vector.neighbour_at(id, k));
      EXPECT_EQ(from_list.tie_at(id, k).kind, from_vector.tie_at(id, k).kind);
    }
  }
  // The free slots are free (capacities 3, 2, 4, 1, 2 for degrees 2, 2, 1, 1, 0): resident 4
  // takes a tie to 2 and one to 0, not one to 3, whose row is full.
  Network network = Network::with_ties(5, list, spare);
  EXPECT_TRUE(network.add_tie(4, 2, {1.0f, TieKind::kAcquaintance}));
  EXPECT_FALSE(network.add_tie(4, 3, {1.0f, TieKind::kAcquaintance}));
  EXPECT_TRUE(network.add_tie(4, 0, {1.0f, TieKind::kAcquaintance}));
  EXPECT_EQ(ties_of(network, 4).size(), 2u);
  EXPECT_EQ(ties_of(network, 0).size(), 3u);
  EXPECT_EQ(ties_of(network, 2).at(4).kind, TieKind::kAcquaintance);
}

TEST(Network, RejectsTiesOutOfRange) {
  EXPECT_THROW(Network(2, {{0, 2, {1.0f, TieKind::kFriend}}}, 0u), std::invalid_argument);
  EXPECT_THROW(Network(2, {{1, 1, {1.0f, TieKind::kFriend}}}, 0u), std::invalid_argument);
}

TEST(Network, CountsItsBytes) {
  const Network network = small_network(0);
  // 6 row offsets (4 bytes), 5 counts (2 bytes), 6 slots of 9 bytes (a 4-byte target, 4-byte
  // contacts and a 1-byte kind: kept apart, not as an 8-byte padded Tie) and 5 change flags.
  EXPECT_EQ(network.bytes(), 6u * 4u + 5u * 2u + 6u * 9u + 5u);
}

}  // namespace
}  // namespace salonsim
