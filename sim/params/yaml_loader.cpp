#include "sim/params/yaml_loader.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <unordered_set>

#include "sim/params/yaml_text.hpp"

namespace salonsim::params {

namespace {

/// Whether `text` is a whole number with a leading zero ("010", "-07"): YAML 1.1 reads it as
/// octal (8), YAML 1.2 as decimal (10). Refused rather than guessed.
bool has_leading_zero(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  return text.size() > 1 && text.front() == '0' &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string leading_zero_message(const std::string& text) {
  return "'" + text +
         "' has a leading zero, which some YAML readers take as octal; write the number "
         "without it";
}

/// A decimal whole number, optionally signed (not octal, hexadecimal or with a fraction).
template <class I>
bool parse_decimal(std::string_view text, I& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

YAML::Node YamlLoader::lookup(std::string_view key) {
  Frame& frame = frames_.back();
  frame.known.emplace_back(key);
  for (const auto& entry : frame.node) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

void YamlLoader::finish_frame() {
  const Frame& frame = frames_.back();
  // Sets, not lists: a mapping of a million keys is checked in linear time.
  const std::unordered_set<std::string_view> known(frame.known.begin(), frame.known.end());
  std::unordered_set<std::string> seen;
  for (const auto& entry : frame.node) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
    const std::string shown = shortened(key);
    if (!seen.insert(key).second) {
      error(entry.first, path_.join(shown),
            "duplicate key '" + shown + "'; only the first is used");
      continue;
    }
    if (known.contains(key)) continue;
    std::string message = "unknown key '" + shown + "'";
    if (const std::string near = nearest_key(key, frame.known); !near.empty())
      message += "; did you mean '" + near + "'?";
    error(entry.first, path_.join(shown), message);
  }
  frames_.pop_back();
}

Location YamlLoader::where(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (!positions_ || mark.is_null() || mark.line < 0) return {source_, 0, 0};
  return {source_, mark.line + 1, mark.column + 1};
}

void YamlLoader::error(const YAML::Node& node, const std::string& path,
                       const std::string& message) {
  diagnostics_.error(where(node), path, message);
}

void YamlLoader::record(const YAML::Node& node, std::string_view key) {
  locations_[path_.join(key)] = where(node);
}

void YamlLoader::forget_below(const std::string& path) {
  const std::string prefix = path + "[";
  for (auto it = locations_.lower_bound(prefix);
       it != locations_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = locations_.erase(it);
  }
}

std::string YamlLoader::kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a section";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar: {
      std::string quoted = "'";  // appended, not added: GCC 12 warns falsely on "'" + string
      quoted.append(shortened(node.Scalar())).append("'");
      return quoted;
    }
    default:
      return "an undefined value";
  }
}

bool YamlLoader::parse_index(const std::string& text, std::size_t& index) {
  if (text.size() < 3 || text.front() != '[' || text.back() != ']') return false;
  const char* first = text.data() + 1;
  const char* last = text.data() + text.size() - 1;
  const auto [end, ec] = std::from_chars(first, last, index);
  return ec == std::errc{} && end == last;
}

void YamlLoader::number(std::string_view key, double& value, const Meta&) {
  const YAML::Node node = lookup(key);
  if (!node) return;
  double parsed = 0;
  if (node.IsScalar() && has_leading_zero(node.Scalar())) {
    error(node, path_.join(key), leading_zero_message(node.Scalar()));
    return;
  }
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, parsed)) {
    error(node, path_.join(key), "expected a number, got " + kind(node));
    return;
  }
  value = parsed;
  record(node, key);
}

bool YamlLoader::read_integer(const YAML::Node& node, std::string_view key, long long& out) {
  if (node.IsScalar() && has_leading_zero(node.Scalar())) {
    error(node, path_.join(key), leading_zero_message(node.Scalar()));
    return false;
  }
  if (!node.IsScalar() || !parse_decimal(node.Scalar(), out)) {
    error(node, path_.join(key), "expected an integer, got " + kind(node));
    return false;
  }
  return true;
}

bool YamlLoader::read_unsigned(const YAML::Node& node, std::string_view key,
                               unsigned long long& out) {
  if (node.IsScalar() && has_leading_zero(node.Scalar())) {
    error(node, path_.join(key), leading_zero_message(node.Scalar()));
    return false;
  }
  const bool negative = node.IsScalar() && node.Scalar().starts_with('-');
  if (!node.IsScalar() || negative || !parse_decimal(node.Scalar(), out)) {
    error(node, path_.join(key),
          std::string(negative ? "expected a non-negative integer" : "expected an integer") +
              ", got " + kind(node));
    return false;
  }
  return true;
}

void YamlLoader::flag(std::string_view key, bool& value, const Meta&) {
  const YAML::Node node = lookup(key);
  if (!node) return;
  bool parsed = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, parsed)) {
    error(node, path_.join(key), "expected true or false, got " + kind(node));
    return;
  }
  value = parsed;
  record(node, key);
}

void YamlLoader::text(std::string_view key, std::string& value, const Meta&) {
  const YAML::Node node = lookup(key);
  if (!node) return;
  if (!node.IsScalar()) {
    error(node, path_.join(key), "expected text, got " + kind(node));
    return;
  }
  value = node.Scalar();
  record(node, key);
}

void YamlLoader::numbers(std::string_view key, std::vector<double>& values, const Meta&,
                         std::size_t expected_size) {
  const YAML::Node node = lookup(key);
  if (!node) return;
  const std::string path = path_.join(key);
  if (!node.IsSequence()) {
    error(node, path, "expected a list of numbers, got " + kind(node));
    return;
  }
  if (expected_size != 0 && node.size() != expected_size) {
    error(node, path,
          "expected " + std::to_string(expected_size) + " numbers, got " +
              std::to_string(node.size()));
    return;
  }
  std::vector<double> parsed(node.size());
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar() || !YAML::convert<double>::decode(node[i], parsed[i])) {
      error(node[i], path + index_key(i), "expected a number, got " + kind(node[i]));
      ok = false;
    }
  }
  if (!ok) return;
  values = std::move(parsed);
  record(node, key);
}

void YamlLoader::texts(std::string_view key, std::vector<std::string>& values, const Meta&) {
  const YAML::Node node = lookup(key);
  if (!node) return;
  const std::string path = path_.join(key);
  if (!node.IsSequence()) {
    error(node, path, "expected a list, got " + kind(node));
    return;
  }
  std::vector<std::string> parsed(node.size());
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar()) {
      error(node[i], path + index_key(i), "expected a single value, got " + kind(node[i]));
      ok = false;
      continue;
    }
    parsed[i] = node[i].Scalar();
  }
  if (!ok) return;
  values = std::move(parsed);
  record(node, key);
}

}  // namespace salonsim::params
