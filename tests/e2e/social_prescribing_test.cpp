// The social-prescribing acceptance figures, seeded: (a) in the Akita district the run summary
// counts screens, positives, clients and uptake of each destination by income group, and the
// levels stay where the shipped scenario puts them; (b) a shuttle raises uptake of group
// referrals among residents without a car (paired over replicates on common random numbers);
// (c) in the suburban town the high-risk strategy (screen and refer) reaches and averts far less
// than the population strategy (salons), and both together the most.
#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <cstdio>
#include <filesystem>

#include "models/build.hpp"
#include "models/scenario.hpp"
#include "sim/output/comparison.hpp"
#include "sim/output/summary.hpp"

namespace salonsim::models {
namespace {

namespace fs = std::filesystem;

Scenario scenario(const char* file) {
  return load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / file);
}

/// Runs `replicates` of each scenario on common random numbers (the first's seed).
std::vector<ArmResults> run_arms(const std::vector<std::pair<std::string, Scenario>>& arms,
                                 int replicates) {
  std::vector<ArmResults> results;
  for (const auto& [name, s] : arms) results.push_back({name, std::vector<RunSummary>(replicates)});
  const std::uint64_t seed = arms.front().second.run.seed;
  tbb::parallel_for(0, static_cast<int>(arms.size()) * replicates, [&](int k) {
    const std::size_t a = static_cast<std::size_t>(k) % arms.size();
    auto sim = build_simulation(
        arms[a].second, {seed, static_cast<std::uint32_t>(k / static_cast<int>(arms.size()))});
    sim->run();
    results[a].replicates[k / arms.size()] = summarize(*sim);
  });
  return results;
}

const ComparisonRow& row_of(const std::vector<ComparisonRow>& rows, const std::string& arm,
                            const std::string& outcome) {
  for (const ComparisonRow& row : rows) {
    if (row.arm == arm && row.group == "all" && row.outcome == outcome) return row;
  }
  throw std::runtime_error("no row " + arm + " " + outcome);
}

TEST(AkitaSocialPrescribing, CountsByIncomeGroupAndTheShuttleRaisesUptakeWithoutACar) {
  constexpr int kReplicates = 6;
  const auto arms =
      run_arms({{"sp", scenario("akita-rural-social-prescribing.yaml")},
                {"sp-shuttle", scenario("akita-rural-social-prescribing-shuttle.yaml")}},
               kReplicates);
  // (a) The run summary: counts of each step of the pathway, by income group and sex.
  const std::string summary =
      format_summary({arms[0].replicates[0]}, arms[0].replicates[0].years, outcome_catalogue());
  std::printf("%s", summary.c_str());
  for (const char* heading : {"screened", "positive", "clients", "took up", "up:group",
                              "up:welfare", "low_income_women", "high_income_men"})
    EXPECT_NE(summary.find(heading), std::string::npos) << heading;
  EXPECT_NE(summary.find("columns without % count residents"), std::string::npos);

  const auto rows = compare_arms(arms, 0, outcome_catalogue());
  const auto level = [&](const char* outcome) {
    return 100 * row_of(rows, "sp", outcome).value.mean;
  };
  // Pinned on the shipped scenario (10 replicates: 47.6, 21.0, 19.3, 12.6, 9.7, 6.7): a regression
  // in visits, the screen, capacity or uptake moves one of them out of its band.
  EXPECT_NEAR(level("sp_screened"), 47.6, 6);
  EXPECT_NEAR(level("sp_positive"), 21.0, 3);
  EXPECT_NEAR(level("sp_linked"), 19.3, 1.8);
  EXPECT_NEAR(level("sp_took_up_any"), 12.6, 1.5);
  EXPECT_NEAR(level("sp_took_up_group"), 9.7, 1.2);
  EXPECT_NEAR(level("sp_took_up_welfare"), 6.7, 1.3);
  // The shuttle only adds rides: the same screening visits (common random numbers), except for
  // the few residents whose death the groups it takes them to put off or bring forward (one
  // resident in one of the 6 replicates of 5,000 at this seed).
  EXPECT_NEAR(row_of(rows, "sp-shuttle", "sp_screened").difference.difference.mean, 0.0, 1e-3);

  // (b) Uptake of a group among residents without a car rises with the shuttle.
  const stats::Interval d =
      row_of(rows, "sp-shuttle", "sp_took_up_group_without_car").difference.difference;
  std::printf("group uptake without a car, shuttle minus none: %.2f (%.2f to %.2f) points\n",
              100 * d.mean, 100 * d.low, 100 * d.high);
  EXPECT_GT(d.low, 0.0);
  // And clients with nothing suitable near fall.
  EXPECT_LT(row_of(rows, "sp-shuttle", "sp_nothing_near").difference.difference.high, 0.0);
  const std::string table = format_comparison(rows, arms, 0, outcome_catalogue());
  EXPECT_NE(table.find("share of residents who did not drive at entry who took up a referral to "
                       "a group:"),
            std::string::npos);
}

TEST(SuburbanStrategies, ThePopulationStrategyReachesAndAvertsMoreThanScreenAndRefer) {
  // The shipped town of 10,000 (two link workers' reach depends on the town's size).
  constexpr int kReplicates = 3;
  std::vector<std::pair<std::string, Scenario>> arms;
  for (const char* file : {"town.yaml", "town-salons.yaml", "town-social-prescribing.yaml",
                           "town-salons-social-prescribing.yaml"}) {
    Scenario s = scenario(file);
    arms.emplace_back(s.name, s);
  }
  const auto results = run_arms(arms, kReplicates);
  const auto rows = compare_arms(results, 0, outcome_catalogue());
  const std::string table = format_comparison(rows, results, 0, outcome_catalogue());
  std::printf("%s", table.substr(table.find("Reach, effect"), 700).c_str());
  ASSERT_NE(table.find("Reach, effect and cost against town"), std::string::npos);
  const auto averted = [&](const char* arm) {
    return -row_of(rows, arm, "certifications").difference.difference.mean;
  };
  const double salons_reach = row_of(rows, "town-salons", "participation").value.mean;
  const double sp_reach = row_of(rows, "town-social-prescribing", "sp_took_up_any").value.mean;
  std::printf("reach: salons %.3f, screen and refer %.3f; averted %.1f, %.1f, both %.1f\n",
              salons_reach, sp_reach, averted("town-salons"), averted("town-social-prescribing"),
              averted("town-salons-social-prescribing"));
  // Salons reach about a quarter; screening and referral about 6.6% (two link workers; 6
  // replicates of the shipped town: 24.0% and 6.7%).
  EXPECT_NEAR(salons_reach, 0.24, 0.03);
  EXPECT_NEAR(sp_reach, 0.066, 0.012);
  EXPECT_GT(averted("town-social-prescribing"), 0.0);
  EXPECT_GT(averted("town-salons"), 4 * averted("town-social-prescribing"));
  EXPECT_GT(averted("town-salons-social-prescribing"), averted("town-salons"));
}

}  // namespace
}  // namespace salonsim::models
