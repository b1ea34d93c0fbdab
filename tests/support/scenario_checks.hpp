#pragma once
// Helpers for tests of scenario loading: the issues of a scenario expected to fail, a scenario
// expected to load, and exact checks of one issue.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "sim/params/diagnostics.hpp"

namespace salonsim::testing {

/// The issues of a scenario that is expected not to load.
inline std::vector<params::Issue> issues_of(const std::filesystem::path& file,
                                            const std::vector<std::string>& overrides = {}) {
  try {
    models::load_scenario(file, overrides);
  } catch (const params::ScenarioError& e) {
    return e.diagnostics().issues();
  }
  ADD_FAILURE() << file << " loaded without problems";
  return {};
}

/// Loads a scenario expected to be valid, failing with the report if it is not.
inline models::Scenario load_ok(const std::filesystem::path& file,
                                const std::vector<std::string>& overrides = {}) {
  try {
    return models::load_scenario(file, overrides);
  } catch (const params::ScenarioError& e) {
    ADD_FAILURE() << file << " has problems:\n" << e.what();
    return {};
  }
}

inline void expect_issue(const params::Issue& issue, const std::string& source, int line,
                         int column, const std::string& path, const std::string& message) {
  EXPECT_EQ(issue.where.source, source);
  EXPECT_EQ(issue.where.line, line);
  EXPECT_EQ(issue.where.column, column);
  EXPECT_EQ(issue.path, path);
  EXPECT_EQ(issue.message, message);
}

/// Expects exactly one issue, at `line`:`column` of `file`, with this path and message.
inline void expect_single_issue(const std::filesystem::path& file, int line, int column,
                                const std::string& path, const std::string& message) {
  const std::vector<params::Issue> issues = issues_of(file);
  std::string report;
  for (const params::Issue& issue : issues) report += params::format_issue(issue) + "\n";
  ASSERT_EQ(issues.size(), 1u) << report;
  expect_issue(issues[0], file.generic_string(), line, column, path, message);
}

}  // namespace salonsim::testing
