#include "sim/params/diagnostics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace salonsim::params {
namespace {

// ---- edit_distance ---------------------------------------------------------------------------

TEST(EditDistance, KittenToSittingIsThree) {
  // k->s, e->i, insert g.
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("sitting", "kitten"), 3u);
}

TEST(EditDistance, EmptyStringsCostTheOtherLength) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abcd", ""), 4u);
}

TEST(EditDistance, IdenticalStringsAreZero) {
  EXPECT_EQ(edit_distance("population", "population"), 0u);
}

TEST(EditDistance, CountsOneDeletionInsertionOrSubstitution) {
  EXPECT_EQ(edit_distance("populaton", "population"), 1u);  // deletion
  EXPECT_EQ(edit_distance("radius_mm", "radius_m"), 1u);    // insertion
  EXPECT_EQ(edit_distance("rurel", "rural"), 1u);           // substitution
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
}

// ---- nearest_key -----------------------------------------------------------------------------

TEST(NearestKey, FindsTheKeyATypoWasMeantToBe) {
  const std::vector<std::string> keys{"population", "districts", "men_by_age", "women_by_age"};
  EXPECT_EQ(nearest_key("populaton", keys), "population");
  EXPECT_EQ(nearest_key("distrcts", keys), "districts");
  EXPECT_EQ(nearest_key("women_by_ages", keys), "women_by_age");
}

TEST(NearestKey, PrefersTheClosestOfSeveralCandidates) {
  const std::vector<std::string> keys{"urban", "suburban", "rural"};
  EXPECT_EQ(nearest_key("rurall", keys), "rural");
  EXPECT_EQ(nearest_key("suburbn", keys), "suburban");
}

TEST(NearestKey, ReturnsEmptyWhenNothingIsClose) {
  const std::vector<std::string> keys{"population", "districts", "income"};
  EXPECT_EQ(nearest_key("xyzzy", keys), "");
  EXPECT_EQ(nearest_key("completely_unrelated_key", keys), "");
}

TEST(NearestKey, ReturnsEmptyWithoutCandidates) {
  EXPECT_EQ(nearest_key("population", {}), "");
}

// ---- format_issue / Diagnostics --------------------------------------------------------------

/// Built field by field: brace-initialising a const Issue trips a false -Wmaybe-uninitialized
/// in GCC 12.
Issue make_issue(std::string source, int line, int column, std::string path, std::string message) {
  Issue issue;
  issue.where.source = std::move(source);
  issue.where.line = line;
  issue.where.column = column;
  issue.path = std::move(path);
  issue.message = std::move(message);
  return issue;
}

TEST(FormatIssue, WithPositionIsFileLineColumnPathMessage) {
  const Issue issue =
      make_issue("scenarios/town.yaml", 12, 5, "town.districts[2].radius_m", "must be > 0, got -5");
  EXPECT_EQ(format_issue(issue),
            "scenarios/town.yaml:12:5: town.districts[2].radius_m: must be > 0, got -5");
}

TEST(FormatIssue, WithoutPositionIsSourcePathMessage) {
  const Issue issue = make_issue("default", 0, 0, "run.years", "must be in (0, 100], got 0");
  EXPECT_EQ(format_issue(issue), "default: run.years: must be in (0, 100], got 0");
}

TEST(FormatIssue, EmptyPathIsShownAsTopLevel) {
  const Issue issue = make_issue("a.yaml", 3, 1, "", "YAML syntax: end of map not found");
  EXPECT_EQ(format_issue(issue), "a.yaml:3:1: (top level): YAML syntax: end of map not found");
}

TEST(Diagnostics, StartsOkAndCollectsEveryIssueInOrder) {
  Diagnostics diagnostics;
  EXPECT_TRUE(diagnostics.ok());
  EXPECT_EQ(diagnostics.report(), "");
  diagnostics.error({"a.yaml", 1, 2}, "x", "first");
  diagnostics.error({"--set", 0, 0}, "y.z", "second");
  EXPECT_FALSE(diagnostics.ok());
  ASSERT_EQ(diagnostics.issues().size(), 2u);
  EXPECT_EQ(diagnostics.issues()[0].path, "x");
  EXPECT_EQ(diagnostics.issues()[1].where.source, "--set");
  EXPECT_EQ(diagnostics.report(), "a.yaml:1:2: x: first\n--set: y.z: second\n");
}

TEST(ScenarioError, CarriesAllIssuesAndTheReportAsWhat) {
  Diagnostics diagnostics;
  diagnostics.error({"a.yaml", 1, 2}, "x", "first");
  diagnostics.error({"a.yaml", 4, 1}, "y", "second");
  const ScenarioError error(diagnostics);
  EXPECT_EQ(error.diagnostics().issues().size(), 2u);
  EXPECT_EQ(std::string(error.what()), "a.yaml:1:2: x: first\na.yaml:4:1: y: second\n");
}

}  // namespace
}  // namespace salonsim::params
