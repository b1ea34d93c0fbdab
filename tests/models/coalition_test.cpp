// Tests of models/coalition: the diagnosis sheet counted by hand on a small town; the capacity
// of a meeting; and the process on a one-district town made deterministic (a meeting every
// step, every sector engaged, capacity fixed at 1, actions accruing faster than the cap), where
// what is decided, when it takes effect and what it does can be worked out by hand.
#include "models/coalition/coalition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "models/build.hpp"
#include "models/coalition/diagnosis.hpp"
#include "models/groups/groups.hpp"
#include "models/scenario.hpp"
#include "models/shops/mobile_shop.hpp"
#include "sim/output/tables.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/small_town.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

TEST(CoalitionDiagnosis, CountsEachDistrictByHand) {
  // Six residents in two districts; one group venue at the origin.
  Population p =
      testing::residents_at({{0, 0}, {100, 0}, {1000, 0}, {5000, 0}, {5100, 0}, {5200, 0}});
  p.district = {0, 0, 0, 1, 1, 1};
  p.sex = {0, 1, 0, 0, 1, 1};
  p.isolated = {1, 0, 1, 0, 0, 1};
  p.certified = {0, 0, 1, 0, 0, 0};
  p.lives_alone = {1, 0, 0, 1, 1, 0};
  p.income_low = {1, 1, 0, 0, 0, 1};
  p.frailty0 = {0.5f, 0.1f, 0.1f, 0.45f, 0.0f, 0.2f};
  p.alive[5] = 0;  // dead: not counted
  const std::vector<std::uint8_t> member{1, 0, 0, 0, 1, 1};
  const std::vector<std::uint8_t> poor_food{0, 0, 1, 1, 1, 0};
  DiagnosisInputs inputs{{member.data()}, poor_food.data(), {{0, 0}}};
  const std::vector<District> districts{District{.name = "a"}, District{.name = "b"}};
  const Diagnosis d = diagnose(p, districts, inputs, 1);
  ASSERT_EQ(d.districts.size(), 2u);
  const DistrictCounts& a = d.districts[0];
  EXPECT_EQ(a.residents, 3);
  EXPECT_EQ(a.men, 2);
  EXPECT_EQ(a.of(Indicator::kIsolated), 2);
  EXPECT_EQ(a.of(Indicator::kAnyGroup), 1);
  EXPECT_EQ(a.of(Indicator::kAnyGroupMen), 1);
  EXPECT_EQ(a.of(Indicator::kMenNotInGroup), 1);
  EXPECT_EQ(a.of(Indicator::kAloneShoppingDifficulty), 0);  // resident 0 lives alone, has food
  EXPECT_EQ(a.of(Indicator::kPoorFoodAccess), 1);
  EXPECT_EQ(a.of(Indicator::kCertified), 1);
  EXPECT_EQ(a.of(Indicator::kLowIncome), 2);
  EXPECT_EQ(a.of(Indicator::kFrail), 1);                // resident 0 (0.5); resident 2 is certified
  EXPECT_EQ(a.of(Indicator::kUncovered), 1);            // resident 2 lives 1,000 m from the venue
  EXPECT_EQ(a.of(Indicator::kCoveredNonMembers), 1);    // resident 1
  EXPECT_EQ(a.of(Indicator::kUncoveredNonMembers), 1);  // resident 2
  EXPECT_EQ(a.of(Indicator::kIsolatedIndependent), 1);  // resident 0
  EXPECT_DOUBLE_EQ(a.share(Indicator::kIsolated), 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.share(Indicator::kAnyGroupMen), 0.5);  // of men
  const DistrictCounts& b = d.districts[1];
  EXPECT_EQ(b.residents, 2);
  EXPECT_EQ(b.men, 1);
  EXPECT_EQ(b.of(Indicator::kAloneShoppingDifficulty), 2);
  EXPECT_EQ(b.of(Indicator::kUncovered), 2);
  EXPECT_EQ(b.of(Indicator::kFrail), 1);  // resident 3 (0.45)
  EXPECT_EQ(d.total().residents, 5);
  EXPECT_EQ(d.total().of(Indicator::kIsolated), 2);

  // The output table: shares, with the district names and the shown indicators as attributes.
  const DiagnosisTable table = diagnosis_table(d, districts);
  const OutputTable out = output_table(table, districts);
  EXPECT_EQ(out.name, "diagnosis");
  EXPECT_FLOAT_EQ(table.shares[static_cast<std::size_t>(Indicator::kIsolated)][0], 2.0f / 3);
  EXPECT_EQ(out.attributes[0].second, "a\nb");
  EXPECT_NE(out.attributes[1].second.find("\"key\": \"alone_shopping_difficulty\""),
            std::string::npos);
  EXPECT_EQ(out.attributes[1].second.find("men_not_in_group"), std::string::npos);
}

TEST(CoalitionCapacity, AMeetingAddsItsShareOfWhatIsMissing) {
  // 3 of 6 sectors at a gain of 0.15: 0.075 of the missing 0.8.
  EXPECT_DOUBLE_EQ(capacity_after_meeting(0.2, 0.15, 3, 6), 0.2 + 0.075 * 0.8);
  EXPECT_DOUBLE_EQ(capacity_after_meeting(0.2, 0.15, 0, 6), 0.2);
  // The gain never exceeds what is missing.
  EXPECT_DOUBLE_EQ(capacity_after_meeting(0.5, 0.9, 12, 6), 1.0);
}

/// A one-district town of 1,500 whose coalition meets every step with every sector, keeps
/// capacity 1 and accrues more actions than the cap at once; only `action` is enabled.
Scenario deterministic_coalition(const testing::TempDir& dir, const std::string& action,
                                 std::int64_t steps) {
  const std::string yaml = fmt::format(
      R"(extends: {}/scenarios/town.yaml
run:
  years: {}
town:
  population: 1500
  districts:
    - name: only
      centre_m: [0, 0]
      radius_m: 1200
      density: suburban
interventions:
  - type: coalition_support
    arm: supported
    process:
      starts_years: 0
      supported: {{meetings_per_year: 52}}
      engagement: 1
      capacity_at_start: 1
      capacity_gain_per_meeting: 0
      capacity_loss_per_year: 0
      actions_per_year_per_10k: 10000
    actions:
      new_group: {{enabled: {}}}
      mens_group: {{enabled: {}, min_share: 0}}
      volunteers: {{enabled: {}}}
      outreach: {{enabled: {}}}
      mobile_shop: {{enabled: {}, min_share: 0}}
)",
      SALONSIM_SOURCE_DIR, steps * 7 / 365.25, action == "new_group", action == "mens_group",
      action == "volunteers", action == "outreach", action == "mobile_shop");
  Scenario s = testing::load_ok(dir.write(action + ".yaml", yaml));
  // A meeting in every step: the chance 1 - exp(-rate dt) is as near 1 as the rate makes it.
  std::get<CoalitionSupportParams>(s.interventions[0]).process.supported.meetings_per_year = 1e6;
  return s;
}

const CoalitionSupport& coalition_of(const Simulation& sim) {
  return *sim.modules_of_type<CoalitionSupport>().at(0);
}

TEST(CoalitionProcess, MensGroupsUntilTheCapAndEachReducesTheNeedByItsPlaces) {
  testing::TempDir dir;
  const Scenario s = deterministic_coalition(dir, "mens_group", 30);
  auto sim = build_simulation(s, {5, 0});
  sim->run();
  const CoalitionSupport& c = coalition_of(*sim);
  const double men_not_in_group = c.diagnosis().districts[0].of(Indicator::kMenNotInGroup);
  ASSERT_GT(men_not_in_group, 150);  // enough need for four groups of 30
  // The diagnosis after step 0, the first meeting in step 1: four actions (the cap), each
  // taking effect 6 months later (26 weekly steps), the need left falling by 30 places each.
  ASSERT_GE(c.decisions().size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const CoalitionDecision& d = c.decisions()[k];
    EXPECT_EQ(d.decided_step, 1);
    EXPECT_EQ(d.effective_step, 1 + 26);
    EXPECT_EQ(d.action, CoalitionAction::kMensGroup);
    EXPECT_DOUBLE_EQ(d.need, men_not_in_group - 30.0 * k);
    EXPECT_TRUE(d.done);
  }
  EXPECT_NE(c.decisions()[1].reason.find("after 1 earlier action"), std::string::npos)
      << c.decisions()[1].reason;
  // Each opened a weekly men's sports group of 30 places in the coalition's own groups.
  const auto groups = sim->modules_of_type<CommunityGroups>();
  const auto it = std::find_if(groups.begin(), groups.end(), [](const CommunityGroups* g) {
    return g->own_column("{}") == "coalition_sports";
  });
  ASSERT_NE(it, groups.end());
  ASSERT_GE((*it)->venues().size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const Venue& v = (*it)->venues()[k].venue;
    EXPECT_EQ(v.opens_step, 27);
    EXPECT_EQ(v.capacity, 30);
    EXPECT_EQ(v.schedule, Schedule::kWeekly);
    EXPECT_DOUBLE_EQ(v.join_or_men, 3.0);
  }
  // Their members count as taking part in a group.
  EXPECT_TRUE(sim->population().columns.find<std::uint8_t>("coalition_sports_member").valid());
  // More meetings decide more groups until the need left is gone (min_share 0).
  const CoalitionDecision& last = c.decisions().back();
  EXPECT_GT(last.need, 0);
  EXPECT_LE(last.need, 30);
  // Cost: each group's 300,000 yen a year from when it opened to the end (30 steps), and the
  // support's 2 million a year from step 0.
  const double dt = sim->clock().years_per_step();
  double expected_cost = 2000000.0 * 30 * dt;
  for (const CoalitionDecision& d : c.decisions())
    expected_cost +=
        300000.0 * static_cast<double>(std::max<std::int64_t>(0, 30 - d.effective_step)) * dt;
  EXPECT_NEAR(c.cost_yen(*sim), expected_cost, 1e-6);
}

TEST(CoalitionProcess, OutreachInvitesFifteenIsolatedIndependentResidentsAMonthEach) {
  testing::TempDir dir;
  const Scenario s = deterministic_coalition(dir, "outreach", 11);
  auto sim = build_simulation(s, {5, 0});
  sim->run();
  const CoalitionSupport& c = coalition_of(*sim);
  const double isolated = c.diagnosis().districts[0].of(Indicator::kIsolatedIndependent);
  // Each programme reaches 15 x 12 = 180 residents: as many programmes as the need asks, at
  // most four a meeting (the cap); those of step 1 start 2 months later (9 steps), in step 10.
  const auto total = static_cast<std::size_t>(std::ceil(isolated / 180.0));
  ASSERT_EQ(c.decisions().size(), total);
  const std::size_t expected = std::min<std::size_t>(4, total);
  for (std::size_t k = 0; k < expected; ++k) EXPECT_EQ(c.decisions()[k].effective_step, 10);
  const Population& p = sim->population();
  const auto& until = p.column<StoredStep>(kOutreachInvitedUntilColumn);
  std::size_t invited = 0, eligible = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    invited += until[i] >= 0;
    if (until[i] >= 0) {
      EXPECT_EQ(until[i], 10 + 13);  // invited in step 10 for 3 months
    }
    eligible += p.entry_step[i] == 0;
  }
  // Step 10 is each programme's first visit: 15 distinct residents each.
  EXPECT_EQ(invited, 15 * expected);
  EXPECT_GT(eligible, invited);
}

TEST(CoalitionProcess, AMobileShopWithALunchSalonWhereResidentsLiveAloneWithoutFood) {
  testing::TempDir dir;
  const Scenario s = deterministic_coalition(dir, "mobile_shop", 42);
  auto sim = build_simulation(s, {5, 0});
  sim->run();
  const CoalitionSupport& c = coalition_of(*sim);
  ASSERT_EQ(c.decisions().size(), 1u);                 // once per district
  EXPECT_EQ(c.decisions()[0].effective_step, 1 + 39);  // 9 months
  std::vector<OutputTable> tables;
  sim->add_output_tables(tables);
  const auto stops = std::find_if(tables.begin(), tables.end(), [](const OutputTable& t) {
    return t.name == "mobile_shop_stops";
  });
  ASSERT_NE(stops, tables.end());
  const auto& lunch = std::get<std::span<const std::uint8_t>>(stops->columns[4].values);
  ASSERT_EQ(lunch.size(), 1u);
  EXPECT_EQ(lunch[0], 1);
  const auto log = std::find_if(tables.begin(), tables.end(),
                                [](const OutputTable& t) { return t.name == "coalition_actions"; });
  ASSERT_NE(log, tables.end());
  EXPECT_NE(log->attributes[1].second.find("live alone with poor food access"), std::string::npos);
}

TEST(CoalitionProcess, SameSeedSameDecisionsAndDataOnlyActsLess) {
  testing::TempDir dir;
  Scenario s = testing::load_ok(dir.write("c.yaml", fmt::format(R"(extends: {}/scenarios/town.yaml
run:
  years: 3
town:
  population: 3000
interventions:
  - type: coalition_support
    arm: supported
)",
                                                                SALONSIM_SOURCE_DIR)));
  const auto decided = [&](CoalitionArm arm, std::uint32_t replicate) {
    std::get<CoalitionSupportParams>(s.interventions[0]).arm = arm;
    auto sim = build_simulation(s, {9, replicate});
    sim->run();
    std::vector<std::pair<std::int64_t, int>> out;
    for (const CoalitionDecision& d : coalition_of(*sim).decisions())
      out.emplace_back(d.decided_step, static_cast<int>(d.action) * 100 + d.district);
    return out;
  };
  EXPECT_EQ(decided(CoalitionArm::kSupported, 0), decided(CoalitionArm::kSupported, 0));
  std::size_t supported = 0, data_only = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    supported += decided(CoalitionArm::kSupported, r).size();
    data_only += decided(CoalitionArm::kDataOnly, r).size();
  }
  EXPECT_GT(supported, 0u);
  EXPECT_GT(supported, 2 * data_only);
}

TEST(CoalitionScenario, KindsMustBeTheTownsAndOneCoalitionPerTown) {
  testing::TempDir dir;
  const auto issues =
      testing::issues_of(dir.write("bad.yaml", fmt::format(R"(extends: {}/scenarios/town.yaml
groups:
  kinds: [hobby]
interventions:
  - type: coalition_support
  - type: coalition_support
    actions:
      mens_group: {{kind: sports}}
)",
                                                           SALONSIM_SOURCE_DIR)));
  bool kind = false, count = false;
  for (const params::Issue& issue : issues) {
    kind = kind || (issue.path == "interventions[0].actions.mens_group.kind" &&
                    issue.message.find("groups.kinds has: hobby") != std::string::npos);
    count = count || issue.message.find("at most one coalition_support") != std::string::npos;
  }
  EXPECT_TRUE(kind) << issues.size();
  EXPECT_TRUE(count) << issues.size();
}

}  // namespace
}  // namespace salonsim::models
