// The rural scenarios' acceptance figures, seeded: (a) the mobile shop halves poor food access
// among residents living alone without a car, and the timeseries shows it; (b) the shuttle
// raises salon participation among residents without a car, and the comparison says by how much;
// (c) yearly costs per intervention are in the output.
#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <cstdio>
#include <filesystem>

#include "models/build.hpp"
#include "models/scenario.hpp"
#include "sim/output/comparison.hpp"
#include "sim/output/summary.hpp"
#include "sim/output/tables.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;

Scenario scenario(const char* file) {
  return load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / file);
}

/// Mean over steps [from, to) of the share of residents living alone without a car who had poor
/// food access, from the timeseries.
double poor_share_alone_no_car(const Simulation& sim, std::int64_t from, std::int64_t to) {
  const auto* poor = sim.timeseries().find("poor_food_access_alone_no_car");
  const auto* all = sim.timeseries().find("alone_no_car");
  double sum = 0;
  for (std::int64_t step = from; step < to; ++step) {
    double p = 0, n = 0;
    for (int g = 0; g < kGroups; ++g) {
      p += static_cast<double>(poor->values[step][g]);
      n += static_cast<double>(all->values[step][g]);
    }
    sum += p / n;
  }
  return sum / static_cast<double>(to - from);
}

TEST(RuralMobileShop, HalvesPoorFoodAccessAmongResidentsLivingAloneWithoutACar) {
  const Scenario with_shop = scenario("rural-mobile-shop.yaml");
  const Scenario without = scenario("rural-no-mobile-shop.yaml");
  auto a = build_simulation(with_shop, {with_shop.run.seed, 0});
  auto b = build_simulation(without, {without.run.seed, 0});
  a->run();
  b->run();
  // The co-op closes at step 4 and the shop starts at step 26; compare the half year between
  // with the rest of the run from a month after the start.
  const std::int64_t end = a->clock().steps;
  const double before = poor_share_alone_no_car(*a, 4, 26);
  const double after = poor_share_alone_no_car(*a, 30, end);
  const double counterfactual = poor_share_alone_no_car(*b, 30, end);
  std::printf(
      "poor food access, living alone without a car: %.3f before the shop, %.3f with it "
      "(%.3f without the shop)\n",
      before, after, counterfactual);
  EXPECT_LE(after, 0.5 * before);
  EXPECT_NEAR(counterfactual, before, 0.02);
  EXPECT_DOUBLE_EQ(poor_share_alone_no_car(*a, 4, 26), poor_share_alone_no_car(*b, 4, 26));
  // (c) Two routes of 4 million yen a year, running from step 26 of 157.
  const RunSummary summary = summarize(*a);
  ASSERT_EQ(summary.costs.size(), 1u);
  EXPECT_EQ(summary.costs[0].module, "mobile_shop");
  EXPECT_NEAR(summary.costs[0].yen / summary.years, 8e6 * (157.0 - 26.0) / 157.0, 1.0);
  bool costs_table = false;
  for (const OutputTable& table : output_tables(*a))
    costs_table = costs_table || table.name == "costs";
  EXPECT_TRUE(costs_table);
}

TEST(RuralSparse, TheShuttleRaisesSalonParticipationOfResidentsWithoutACar) {
  const Scenario reference = scenario("rural-sparse.yaml");
  const Scenario shuttle = scenario("rural-sparse-shuttle.yaml");
  constexpr int kReplicates = 4;
  std::vector<ArmResults> arms{{"rural-sparse", std::vector<RunSummary>(kReplicates)},
                               {"rural-sparse-shuttle", std::vector<RunSummary>(kReplicates)}};
  tbb::parallel_for(0, 2 * kReplicates, [&](int k) {
    const Scenario& s = k % 2 == 0 ? reference : shuttle;
    auto sim = build_simulation(s, {reference.run.seed, static_cast<std::uint32_t>(k / 2)});
    sim->run();
    arms[k % 2].replicates[k / 2] = summarize(*sim);
  });
  const auto share = [](const RunSummary& s) {
    const GroupSummary g = s.total();
    return g["salon_participants_without_car"] / g["residents_without_car"];
  };
  for (int r = 0; r < kReplicates; ++r) {
    std::printf(
        "replicate %d: salon participation without a car %.3f without the shuttle, %.3f "
        "with it\n",
        r, share(arms[0].replicates[r]), share(arms[1].replicates[r]));
  }
  // The seeded replicate 0 on its own, and the pooled paired difference.
  EXPECT_GT(share(arms[1].replicates[0]), share(arms[0].replicates[0]));
  const auto rows = compare_arms(arms, 0, outcome_catalogue());
  for (const ComparisonRow& row : rows) {
    if (row.arm == "rural-sparse-shuttle" && row.group == "all" &&
        row.outcome == "participation_without_car") {
      EXPECT_GT(row.difference.difference.low, 0.0);
    }
  }
  const std::string table = format_comparison(rows, arms, 0, outcome_catalogue());
  std::printf("%s", table.c_str());
  EXPECT_NE(table.find("share of residents who did not drive at entry who ever attended a salon:"),
            std::string::npos);
  EXPECT_NE(table.find("shuttle 5.00"), std::string::npos);
}

}  // namespace
}  // namespace salonsim::models
