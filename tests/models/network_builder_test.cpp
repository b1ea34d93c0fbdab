#include "models/network/network_builder.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/town/town_builder.hpp"

namespace salonsim::models {
namespace {

constexpr double kYearsPerStep = 7 / 365.25;

std::vector<float> sociability(const Population& p, std::uint64_t seed) {
  return draw_sociability(NetworkParams{}, p.size(), RandomStream(seed, 0, kNetworkStream));
}

TEST(FriendshipAcceptance, HomophilyByAgeIncomeAndSex) {
  NetworkParams params;  // 6 years, income 0.6, other sex 0.25
  Population p;
  p.resize(3);
  p.sex = {0, 0, 1};
  p.income_low = {0, 1, 0};
  EXPECT_NEAR(friendship_acceptance(params, p, 0, 0, 0), 1.0, 1e-12);
  EXPECT_NEAR(friendship_acceptance(params, p, 0, 0, -6), std::exp(-1.0), 1e-12);
  EXPECT_NEAR(friendship_acceptance(params, p, 0, 1, 3), 0.6 * std::exp(-0.5), 1e-12);
  EXPECT_NEAR(friendship_acceptance(params, p, 1, 2, 0), 0.6 * 0.25, 1e-12);
}

class NetworkBuilder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TownParams town;
    town.population = 50000;
    town.districts = {District{"a", {0, 0}, 2500, Density::kSuburban, 1}};
    population_ =
        new Population(build_town(town, RandomStream(5, 0, kTownStream), 100, kYearsPerStep));
    ties_ = new TieList(form_ties(NetworkParams{}, *population_, sociability(*population_, 5),
                                  RandomStream(5, 0, kNetworkStream)));
  }
  static void TearDownTestSuite() {
    delete ties_;
    delete population_;
  }
  static Population* population_;
  static TieList* ties_;
};
Population* NetworkBuilder::population_ = nullptr;
TieList* NetworkBuilder::ties_ = nullptr;

TEST_F(NetworkBuilder, TiesAreSortedUniqueAndNeverLoops) {
  const auto& ties = *ties_;
  ASSERT_FALSE(ties.empty());
  for (std::size_t k = 0; k < ties.size(); ++k) {
    ASSERT_LT(ties[k].a, ties[k].b);
    ASSERT_LT(ties[k].b, population_->size());
    ASSERT_NE(ties[k].tie.kind, TieKind::kRemoved);
    ASSERT_GE(ties[k].tie.contacts_per_week, 0.0f);
    if (k > 0) {
      ASSERT_TRUE(ties[k - 1].a < ties[k].a ||
                  (ties[k - 1].a == ties[k].a && ties[k - 1].b < ties[k].b));
    }
  }
}

TEST_F(NetworkBuilder, EveryCoupleHasExactlyOneSpouseTie) {
  const Population& p = *population_;
  std::size_t spouse_ties = 0;
  for (const UndirectedTie& t : *ties_) {
    if (t.tie.kind != TieKind::kSpouse) continue;
    ++spouse_ties;
    EXPECT_EQ(p.spouse[t.a], static_cast<std::int32_t>(t.b));
    EXPECT_EQ(t.tie.contacts_per_week, 0.0f) << "household contact does not count";
  }
  std::size_t couples = 0;
  for (std::size_t i = 0; i < p.size(); ++i) couples += p.spouse[i] > static_cast<std::int32_t>(i);
  EXPECT_EQ(spouse_ties, couples);
}

TEST_F(NetworkBuilder, MeanTiesOfEachKindAreNearTheirTargets) {
  const Population& p = *population_;
  const NetworkParams params;
  // Among independent residents (certified ones keep fewer ties: the next test).
  std::array<std::array<double, 2>, 5> ends{};
  for (const UndirectedTie& t : *ties_) {
    for (ResidentId end : {t.a, t.b})
      if (!p.certified[end]) ends[static_cast<int>(t.tie.kind)][p.sex[end]] += 1;
  }
  double n[2] = {0, 0};
  for (std::size_t i = 0; i < p.size(); ++i) n[p.sex[i]] += !p.certified[i];
  // Each resident proposes half their target and is proposed to by others. A proposal can fail
  // (nobody acceptable nearby), so the mean of both sexes is at most the mean target, and the
  // proposal scheme keeps each sex within a third of its own in a suburban town. A sex is
  // proposed to by both: neighbours are chosen whatever their sex, so a man has about half his
  // target (1.4) and half the town's mean (about 1.73): 1.56 at most, above his target (1.54
  // here). Rows in the order of homes moved this from just under 1.1 times his target to just
  // over; the old bound held by chance.
  const auto check = [&](TieKind kind, const BySex& target) {
    double all_ends = 0;
    for (int sex = 0; sex < 2; ++sex) {
      const double mean = ends[static_cast<int>(kind)][sex] / n[sex];
      const double want = sex == 0 ? target.men : target.women;
      const double town = (n[0] * target.men + n[1] * target.women) / (n[0] + n[1]);
      const double most = kind == TieKind::kNeighbour ? 0.5 * (want + town) : want;
      EXPECT_LT(mean, most * 1.02) << tie_kind_name(kind) << " sex " << sex;
      EXPECT_GT(mean, want * 0.66) << tie_kind_name(kind) << " sex " << sex;
      all_ends += ends[static_cast<int>(kind)][sex];
    }
    const double town = (n[0] * target.men + n[1] * target.women) / (n[0] + n[1]);
    EXPECT_LT(all_ends / (n[0] + n[1]), town * 1.01) << tie_kind_name(kind);
  };
  check(TieKind::kFriend, params.friends.mean_ties);
  check(TieKind::kNeighbour, params.neighbours.mean_ties);
}

TEST_F(NetworkBuilder, NeighboursLiveCloserThanFriendsAndContactMeansHold) {
  const Population& p = *population_;
  const NetworkParams params;
  double distance[5] = {}, contacts[5] = {}, count[5] = {};
  for (const UndirectedTie& t : *ties_) {
    const int kind = static_cast<int>(t.tie.kind);
    distance[kind] += std::hypot(p.x_m[t.a] - p.x_m[t.b], p.y_m[t.a] - p.y_m[t.b]);
    contacts[kind] += t.tie.contacts_per_week;
    count[kind] += 1;
  }
  const int neighbour = static_cast<int>(TieKind::kNeighbour),
            friend_ = static_cast<int>(TieKind::kFriend);
  EXPECT_LT(distance[neighbour] / count[neighbour], 250.0);
  EXPECT_GT(distance[friend_] / count[friend_], 2.0 * distance[neighbour] / count[neighbour]);
  // Exponential contact frequencies: the mean over tens of thousands of ties is within 3%.
  EXPECT_NEAR(contacts[friend_] / count[friend_], params.friends.contacts_per_week,
              0.03 * params.friends.contacts_per_week);
  EXPECT_NEAR(contacts[neighbour] / count[neighbour], params.neighbours.contacts_per_week,
              0.03 * params.neighbours.contacts_per_week);
}

TEST_F(NetworkBuilder, SameSeedSameTiesOtherSeedOtherTies) {
  const auto again = form_ties(NetworkParams{}, *population_, sociability(*population_, 5),
                               RandomStream(5, 0, kNetworkStream));
  ASSERT_EQ(again.size(), ties_->size());
  for (std::size_t k = 0; k < again.size(); ++k) {
    ASSERT_EQ(again[k].a, (*ties_)[k].a);
    ASSERT_EQ(again[k].b, (*ties_)[k].b);
    ASSERT_EQ(again[k].tie.contacts_per_week, (*ties_)[k].tie.contacts_per_week);
  }
  const auto other = form_ties(NetworkParams{}, *population_, sociability(*population_, 6),
                               RandomStream(6, 0, kNetworkStream));
  EXPECT_NE(other.size(), ties_->size());
}

TEST(NetworkBuilderKin, ShareInContactWithFamilyOutsideTheTown) {
  TownParams town;
  town.population = 40000;
  Population p = build_town(town, RandomStream(2, 0, kTownStream), 10, kYearsPerStep);
  NetworkParams params;
  const Network network = build_network(params, p, RandomStream(2, 0, kNetworkStream));
  EXPECT_EQ(network.residents(), p.size());
  double with_kin[2] = {0, 0}, n[2] = {0, 0}, sum = 0, count = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    with_kin[p.sex[i]] += p.kin_contacts_per_week[i] > 0;
    n[p.sex[i]] += 1;
    if (p.kin_contacts_per_week[i] > 0) {
      sum += p.kin_contacts_per_week[i];
      count += 1;
    }
  }
  EXPECT_NEAR(with_kin[0] / n[0], params.kin_outside_share.men, 0.012);
  EXPECT_NEAR(with_kin[1] / n[1], params.kin_outside_share.women, 0.012);
  EXPECT_NEAR(sum / count, params.kin_contacts_per_week, 0.03);
}

TEST_F(NetworkBuilder, CertifiedResidentsHaveTheTiesTurnoverKeeps) {
  // Certified residents propose and accept non-kin ties at formation / fading ratio (0.5 / 2):
  // a quarter as many friends and neighbours as the independent, on average.
  const Population& p = *population_;
  const double ratio = certified_tie_ratio(NetworkParams{});
  ASSERT_DOUBLE_EQ(ratio, 0.25);
  double ends[2] = {0, 0}, n[2] = {0, 0};
  for (const UndirectedTie& t : *ties_) {
    if (t.tie.kind != TieKind::kFriend && t.tie.kind != TieKind::kNeighbour) continue;
    ends[p.certified[t.a]] += 1;
    ends[p.certified[t.b]] += 1;
  }
  for (std::size_t i = 0; i < p.size(); ++i) n[p.certified[i]] += 1;
  const double relative = (ends[1] / n[1]) / (ends[0] / n[0]);
  // Half of a certified resident's ties are proposed by them (x 0.25), half by others and
  // accepted with 0.25: about 0.25 overall, a little more as a rejected proposer tries again.
  EXPECT_GT(relative, 0.2);
  EXPECT_LT(relative, 0.4);
}

TEST(NetworkBuilderEntrants, OnlyStartingResidentsAreTiedAndTheirTiesDoNotDependOnEntrants) {
  TownParams town;
  town.population = 5000;
  const Population closed = build_town(town, RandomStream(3, 0, kTownStream), 521, kYearsPerStep);
  town.entrants.enabled = true;
  Population open = build_town(town, RandomStream(3, 0, kTownStream), 521, kYearsPerStep);
  ASSERT_GT(open.size(), closed.size());
  const auto closed_ties = form_ties(NetworkParams{}, closed, sociability(closed, 3),
                                     RandomStream(3, 0, kNetworkStream));
  const auto open_ties =
      form_ties(NetworkParams{}, open, sociability(open, 3), RandomStream(3, 0, kNetworkStream));
  ASSERT_EQ(open_ties.size(), closed_ties.size());
  for (std::size_t k = 0; k < open_ties.size(); ++k) {
    ASSERT_EQ(open_ties[k].a, closed_ties[k].a);
    ASSERT_EQ(open_ties[k].b, closed_ties[k].b);
    ASSERT_LT(open_ties[k].b, closed.size()) << "a tie to a resident who has not entered";
  }
  // Entrants' rows have room for the ties they make on entry (the mean plus three standard
  // deviations of (sociability + 1) / 2 times the mean ties) besides the spare slots, and none
  // yet.
  const NetworkParams params;
  const Network network = build_network(params, open, RandomStream(3, 0, kNetworkStream));
  const std::vector<float>& sociability = open.column<float>(kSociabilityColumn);
  for (std::size_t i = closed.size(); i < open.size(); ++i) {
    const auto id = static_cast<ResidentId>(i);
    const BySex& f = params.friends.mean_ties;
    const BySex& n = params.neighbours.mean_ties;
    const BySex& r = params.relatives.mean_ties;
    const double means = open.sex[i] == 0 ? f.men + n.men + r.men : f.women + n.women + r.women;
    const double expected = 0.5 * (sociability[i] + 1.0) * means;
    ASSERT_EQ(network.degree(id), 0u);
    ASSERT_EQ(network.capacity(id),
              static_cast<std::uint32_t>(params.spare_tie_slots) +
                  static_cast<std::uint32_t>(std::ceil(expected + 3.0 * std::sqrt(expected))));
  }
}

}  // namespace
}  // namespace salonsim::models
