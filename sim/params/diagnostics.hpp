#pragma once
// Problems found in a scenario, each with the place it comes from, reported all at once.
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

class Diagnostics {
 public:
  void error(Location where, std::string path, std::string message) {
    issues_.push_back({std::move(where), std::move(path), std::move(message)});
  }
  bool ok() const { return issues_.empty(); }
  const std::vector<Issue>& issues() const { return issues_; }
  /// All issues, one per line.
  std::string report() const;

 private:
  std::vector<Issue> issues_;
};

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
