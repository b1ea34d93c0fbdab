#include "sim/params/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace salonsim::params {

std::string format_issue(const Issue& issue) {
  std::string place = issue.where.source;
  if (issue.where.line > 0) place += fmt::format(":{}:{}", issue.where.line, issue.where.column);
  return fmt::format("{}: {}: {}", place, issue.path.empty() ? "(top level)" : issue.path,
                     issue.message);
}

std::string format_issues(const std::vector<Issue>& issues, std::size_t count,
                          std::string_view indent) {
  std::string text;
  const std::size_t shown = std::min(issues.size(), kMaxShownIssues);
  for (std::size_t i = 0; i < shown; ++i) {
    text += indent;
    text += format_issue(issues[i]);
    text += '\n';
  }
  if (count > shown)
    text +=
        fmt::format("{}... and {} more (the first {} are shown)\n", indent, count - shown, shown);
  return text;
}

std::string Diagnostics::report() const {
  return format_issues(issues_, count());
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string nearest_key(std::string_view key, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    // The distance is at least the difference in length: skip the quadratic work when that
    // alone rules a candidate out (a pasted paragraph is compared in no time).
    const std::size_t gap = key.size() > candidate.size() ? key.size() - candidate.size()
                                                          : candidate.size() - key.size();
    if (gap >= best_distance) continue;
    const std::size_t distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace salonsim::params
