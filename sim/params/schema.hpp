#pragma once
// The vocabulary of parameter tables.
//
// Every parameter struct S has a free function `template <class V> void visit(V& v, S& s)`
// that names each field once, with its unit, meaning, source and valid range. The same
// function drives every visitor: loading a YAML layer (YamlLoader), checking ranges and
// cross-field rules (Validator), printing the parameter dictionary (Describer) and writing
// the resolved scenario back as YAML (Emitter). So the documentation cannot drift from what
// is validated.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace salonsim::params {

/// Documentation and valid range of one parameter.
struct Meta {
  std::string_view unit = "";
  std::string_view doc = "";
  /// Citation, "calibrated: ..." or "assumption: ...".
  std::string_view source = "";
  double min = -std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  double max = std::numeric_limits<double>::infinity();
  bool max_exclusive = false;
  /// A number: it may be left unset (NaN by default); set, it must be in range. A section: the
  /// resolved scenario leaves it out while it holds its defaults (a key added later, so older
  /// outputs stay the same).
  bool optional = false;
};

/// One allowed value of an enumerated parameter.
template <class E>
struct Choice {
  std::string_view name;
  E value;
};

/// A key path being visited, e.g. town.districts[2].radius_m.
class PathStack {
 public:
  std::string join(std::string_view key) const {
    if (key.empty()) return current();
    if (parts_.empty()) return std::string(key);
    return current() + "." + std::string(key);
  }
  std::string current() const {
    std::string text;
    for (const std::string& part : parts_) {
      if (!text.empty() && part.front() != '[') text += '.';
      text += part;
    }
    return text;
  }
  void push(std::string part) { parts_.push_back(std::move(part)); }
  void pop() { parts_.pop_back(); }

 private:
  std::vector<std::string> parts_;
};

/// Whether a visitor walks every alternative of a choice of sub-structures (the dictionary
/// describes every intervention type) rather than only the chosen one (loading, validating).
template <class V>
inline constexpr bool kVisitsAllAlternatives = false;

/// The path part of list item i: "[i]".
std::string index_key(std::size_t index);

/// Text of the range rule a value must meet, e.g. "must be > 0".
std::string describe_range(const Meta& meta);
/// Whether a value meets the range of its Meta.
bool in_range(double value, const Meta& meta);
/// Whether `name` can name a group of the output (an arm, a municipality): not empty, no '/' (a
/// path in HDF5), not "." or "..", no control characters.
bool is_output_name(std::string_view name);
inline constexpr std::string_view kOutputNameRule =
    "a name names a group of the output: not empty, no '/', not '.' or '..', and no control "
    "characters";

/// Shortest text that reads back to the same double.
std::string format_number(double value);

}  // namespace salonsim::params
