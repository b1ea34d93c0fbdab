#pragma once
// Problems found in a scenario, each with the place it comes from, reported all at once.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace salonsim::params {

/// Where a value came from: a file position, the command line, or the built-in default.
struct Location {
  std::string source;  // file name, "--set" or "default"
  int line = 0;        // 1-based; 0 when there is no position
  int column = 0;      // 1-based; 0 when there is no position
};

struct Issue {
  Location where;
  std::string path;  // key path, e.g. town.districts[2].radius_m
  std::string message;
};

/// Formats "file:line:column: key.path: message".
std::string format_issue(const Issue& issue);

/// Problems kept, and shown in a report: a file of a million mistakes is reported in a page.
inline constexpr std::size_t kMaxKeptIssues = 1000;
inline constexpr std::size_t kMaxShownIssues = 50;

class Diagnostics {
 public:
  void error(Location where, std::string path, std::string message) {
    if (issues_.size() >= kMaxKeptIssues) {
      ++dropped_;
      return;
    }
    issues_.push_back({std::move(where), std::move(path), std::move(message)});
  }
  bool ok() const { return issues_.empty(); }
  /// The first kMaxKeptIssues problems.
  const std::vector<Issue>& issues() const { return issues_; }
  /// Every problem found, kept or not.
  std::size_t count() const { return issues_.size() + dropped_; }
  /// The first kMaxShownIssues problems, one per line, then how many more there are.
  std::string report() const;

 private:
  std::vector<Issue> issues_;
  std::size_t dropped_ = 0;
};

/// The lines of a report of `issues` (of `count` problems in all): the first kMaxShownIssues,
/// each after `indent`, then a line saying how many are not shown.
std::string format_issues(const std::vector<Issue>& issues, std::size_t count,
                          std::string_view indent = "");

/// Thrown when a scenario (or sweep) has problems; carries all of them.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(Diagnostics diagnostics)
      : std::runtime_error(diagnostics.report()), diagnostics_(std::move(diagnostics)) {}
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

/// Edit distance between two keys (for "did you mean").
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `key`, or "" when none is close enough to be a plausible typo.
std::string nearest_key(std::string_view key, const std::vector<std::string>& candidates);

}  // namespace salonsim::params
