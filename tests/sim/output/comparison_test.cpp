#include "sim/output/comparison.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace salonsim {
namespace {

/// A run where every group has the given certifications and deaths, 100 independent residents
/// and 1000 disability-free years.
RunSummary run(std::int64_t certifications, std::int64_t deaths, std::int64_t participants = 0) {
  RunSummary s;
  for (GroupSummary& g : s.groups) {
    g.at("residents") = 100;
    g.at("independent_at_entry") = 100;
    g.at("certifications") = static_cast<double>(certifications);
    g.at("deaths") = static_cast<double>(deaths);
    g.at("disability_free_years") = 1000;
    g.at("person_years") = 1100;
    g.at("participants") = static_cast<double>(participants);
  }
  return s;
}

/// The core's outcomes and one a mechanism would declare.
std::vector<Outcome> outcomes() {
  std::vector<Outcome> all = core_outcomes();
  all.push_back({.name = "participation",
                 .description = "share who took part",
                 .numerator = "participants",
                 .denominator = "residents",
                 .table_heading = "took part %",
                 .table_scale = 100,
                 .counts_reach = true});
  return all;
}

const ComparisonRow& row(const std::vector<ComparisonRow>& rows, const std::string& arm,
                         const std::string& group, const std::string& outcome) {
  for (const ComparisonRow& r : rows) {
    if (r.arm == arm && r.group == group && r.outcome == outcome) return r;
  }
  throw std::logic_error("missing row");
}

TEST(CompareArms, MeansDifferencesAndTheirIntervalsByHand) {
  // Reference certifications per group 10, 12, 14; the arm has 2, 3, 4 fewer (paired).
  const std::vector<ArmResults> arms{{"none", {run(10, 5), run(12, 6), run(14, 7)}},
                                     {"salons", {run(8, 5, 30), run(9, 5, 30), run(10, 7, 30)}}};
  const auto rows = compare_arms(arms, 0, outcomes());
  ASSERT_EQ(rows.size(), 2u * kSummaryGroups * outcomes().size());
  // "all" sums the four groups: reference 40, 48, 56 (mean 48).
  const ComparisonRow& reference = row(rows, "none", "all", "certifications");
  EXPECT_TRUE(reference.is_reference);
  EXPECT_DOUBLE_EQ(reference.value.mean, 48.0);
  const ComparisonRow& salons = row(rows, "salons", "low_income_women", "certifications");
  // Differences -2, -3, -4: mean -3, sd 1, se 1/sqrt(3), t(2) = 4.3026527297494639.
  EXPECT_DOUBLE_EQ(salons.difference.difference.mean, -3.0);
  EXPECT_NEAR(salons.difference.difference.low, -3.0 - 4.3026527297494639 / std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(salons.difference.difference.high, -3.0 + 4.3026527297494639 / std::sqrt(3.0), 1e-12);
  // Shares: 9 of 100 independent residents certified on average in the arm.
  EXPECT_NEAR(row(rows, "salons", "high_income_men", "cumulative_certification").value.mean, 0.09,
              1e-15);
  EXPECT_NEAR(row(rows, "salons", "all", "participation").value.mean, 0.30, 1e-15);
  EXPECT_NEAR(row(rows, "none", "all", "certifications_per_1000_py").value.mean, 1000.0 * 48 / 4000,
              1e-12);
  EXPECT_THROW(compare_arms(arms, 2, outcomes()), std::invalid_argument);
}

TEST(CompareArms, EquityIsTheLowIncomeEffectMinusTheHighIncomeEffect) {
  // Low-income groups: 3 fewer certifications per 100; high-income: 1 fewer.
  ArmResults reference{"none", {run(10, 0), run(10, 0)}};
  ArmResults arm{"salons", {run(10, 0), run(10, 0)}};
  for (RunSummary& s : arm.replicates) {
    s.groups[0].at("certifications") = s.groups[1].at("certifications") = 9;
    s.groups[2].at("certifications") = s.groups[3].at("certifications") = 7;
  }
  const stats::Interval equity = equity_difference(arm, reference);
  EXPECT_NEAR(equity.mean, -0.03 - (-0.01), 1e-15);
}

TEST(CompareArms, CsvHasAHeaderAndOneLinePerRow) {
  const std::vector<ArmResults> arms{{"a", {run(1, 1), run(2, 2)}}, {"b", {run(1, 1), run(1, 2)}}};
  const auto rows = compare_arms(arms, 0, outcomes());
  const std::string csv = comparison_csv(rows);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(rows.size() + 1));
  EXPECT_EQ(csv.rfind("arm,group,outcome,mean,low,high,difference", 0), 0u);
  EXPECT_NE(csv.find("b,all,certifications,"), std::string::npos);
}

TEST(CompareArms, TheTableShowsDeclaredOutcomesAndReachPerCertificationAverted) {
  const std::vector<ArmResults> arms{{"none", {run(10, 5), run(12, 6), run(14, 7)}},
                                     {"salons", {run(8, 5, 30), run(9, 5, 30), run(10, 7, 30)}}};
  const auto rows = compare_arms(arms, 0, outcomes());
  const std::string table = format_comparison(rows, arms, 0, outcomes());
  // The core's three rates and the declared outcome share the first table.
  EXPECT_NE(table.find("certifications/1000 py"), std::string::npos);
  EXPECT_NE(table.find("took part %"), std::string::npos);
  EXPECT_NE(table.find("30.0 (30.0 to 30.0)"), std::string::npos);
  // 30 participants per group reached per 3 certifications averted: 10.0.
  EXPECT_NE(table.find("10.0\n"), std::string::npos) << table;
  // Its difference from the reference, in points.
  EXPECT_NE(table.find("share who took part: 30.0 (30.0 to 30.0) points"), std::string::npos);
}

}  // namespace
}  // namespace salonsim
