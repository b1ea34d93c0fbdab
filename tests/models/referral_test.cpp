// Referral matching and uptake, worked by hand.
#include "models/prescribing/referral.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace salonsim::models {
namespace {

constexpr std::uint8_t kContact = need_bit(Need::kContact), kFood = need_bit(Need::kFood),
                       kMoney = need_bit(Need::kMoney);

TEST(MatchNeeds, TheEasiestResourceTheWorkerFindsForEachNeed) {
  const std::vector<Option> options{
      {Need::kContact, Destination::kGroup, 0, 0.5, false, 100},  // a group reached by lift
      {Need::kContact, Destination::kGroup, 1, 1.0, false, 0},    // another on foot
      {Need::kContact, Destination::kGroup, 0, 0.7, true, 100},   // the first by shuttle
      {Need::kMoney, Destination::kWelfare, 0, 1.0, false, 0},
  };
  // Competence 0.6: options whose draw is below 0.6 are found.
  const std::vector<double> all_found{0.1, 0.2, 0.3, 0.4};
  Match m = match_needs(kContact | kMoney, options, all_found, 0.6);
  ASSERT_EQ(m.referred.size(), 2u);
  EXPECT_EQ(m.referred[0].target, 1);  // on foot beats lift and shuttle
  EXPECT_EQ(m.referred[1].destination, Destination::kWelfare);
  EXPECT_EQ(m.unmet_nothing_near | m.unmet_not_found, 0);

  // The walkable group not found: the shuttle (0.7) beats the lift (0.5).
  const std::vector<double> second_missed{0.1, 0.9, 0.3, 0.4};
  m = match_needs(kContact, options, second_missed, 0.6);
  ASSERT_EQ(m.referred.size(), 1u);
  EXPECT_TRUE(m.referred[0].by_shuttle);

  // Nothing found for contact; nothing at all for food.
  const std::vector<double> none_found{0.7, 0.8, 0.9, 0.95};
  m = match_needs(kContact | kFood | kMoney, options, none_found, 0.6);
  EXPECT_TRUE(m.referred.empty());
  EXPECT_EQ(m.unmet_not_found, kContact | kMoney);
  EXPECT_EQ(m.unmet_nothing_near, kFood);

  // A need the client does not have is not matched.
  m = match_needs(kMoney, options, all_found, 1.0);
  ASSERT_EQ(m.referred.size(), 1u);
  EXPECT_EQ(m.referred[0].destination, Destination::kWelfare);

  // Equal access: the first listed.
  const std::vector<Option> equal{{Need::kContact, Destination::kGroup, 3, 1.0, false, 0},
                                  {Need::kContact, Destination::kMobileShop, 0, 1.0, false, 0}};
  m = match_needs(kContact, equal, all_found, 1.0);
  EXPECT_EQ(m.referred[0].target, 3);
}

TEST(UptakeProbability, OddsMultiplyByHand) {
  const Uptake u;  // base 0.5 (odds 1), or_competence 4, or_distrust 0.5, 0.8 per 1,000 yen
  const Option foot{Need::kContact, Destination::kGroup, 0, 1.0, false, 0};
  EXPECT_DOUBLE_EQ(uptake_probability(u, 0.5, true, foot), 0.5);
  // Competence 1: odds 4^0.5 = 2, chance 2/3; competence 0: odds 0.5, chance 1/3.
  EXPECT_NEAR(uptake_probability(u, 1.0, true, foot), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(uptake_probability(u, 0.0, true, foot), 1.0 / 3.0, 1e-12);
  // Distrust halves the odds: 1/3.
  EXPECT_NEAR(uptake_probability(u, 0.5, false, foot), 1.0 / 3.0, 1e-12);
  // A lift (access 0.5) and a 1,000-yen fee: odds 0.5 * 0.8 = 0.4, chance 0.4 / 1.4.
  const Option lift{Need::kContact, Destination::kGroup, 0, 0.5, false, 1000};
  EXPECT_NEAR(uptake_probability(u, 0.5, true, lift), 0.4 / 1.4, 1e-12);
  // By shuttle, the option's access is or_shuttle.
  const Option shuttle{Need::kContact, Destination::kGroup, 0, u.or_shuttle, true, 0};
  EXPECT_NEAR(uptake_probability(u, 0.5, true, shuttle), 0.7 / 1.7, 1e-12);
}

}  // namespace
}  // namespace salonsim::models
