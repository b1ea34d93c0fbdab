#pragma once
// Applies one YAML layer (a scenario file, a file it extends, or --set overrides) onto a
// parameter struct. Checks types and unknown keys; ranges and cross-field rules are checked
// once on the final values by the Validator, so a later layer may fix an earlier one.
#include <yaml-cpp/yaml.h>

#include <array>
#include <concepts>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/params/diagnostics.hpp"
#include "sim/params/schema.hpp"
#include "sim/params/yaml_text.hpp"

namespace salonsim::params {

/// Where each key path was last set; the Validator reports problems there.
using Locations = std::map<std::string, Location>;

class YamlLoader {
 public:
  /// `source` names the layer in messages (a file name or "--set ..."). `positions` false: the
  /// layer is not a file (a --set override), so messages give no line and column.
  YamlLoader(std::string source, Diagnostics& diagnostics, Locations& locations,
             bool positions = true)
      : source_(std::move(source)),
        diagnostics_(diagnostics),
        locations_(locations),
        positions_(positions) {}

  /// Applies `root` onto `params`. Keys in `reserved` (e.g. "extends") are accepted at the
  /// top level without being parameters.
  template <class S>
  void apply(const YAML::Node& root, S& params, const std::vector<std::string>& reserved = {}) {
    if (!root || root.IsNull()) return;
    if (!root.IsMap()) {
      error(root, "", "a scenario must be a mapping of sections (key: value)");
      return;
    }
    frames_.push_back({root, reserved});
    visit(*this, params);
    finish_frame();
  }

  template <class S>
  void section(std::string_view key, S& sub, const Meta& = {}) {
    const YAML::Node node = lookup(key);
    if (!node || node.IsNull()) return;
    record(node, key);  // a rule about the section as a whole is reported where it starts
    path_.push(std::string(key));
    visit_mapping(node, sub, "a section (key: value pairs)");
    path_.pop();
  }

  void number(std::string_view key, double& value, const Meta& meta = {});
  void flag(std::string_view key, bool& value, const Meta& meta = {});
  void text(std::string_view key, std::string& value, const Meta& meta = {});
  void numbers(std::string_view key, std::vector<double>& values, const Meta& meta = {},
               std::size_t expected_size = 0);
  /// A list of scalars read as text (names, or values of any type kept verbatim).
  void texts(std::string_view key, std::vector<std::string>& values, const Meta& meta = {});

  template <std::integral I>
  void integer(std::string_view key, I& value, const Meta& = {}) {
    const YAML::Node node = lookup(key);
    if (!node) return;
    bool in_range = false;
    I parsed{};
    if constexpr (std::is_signed_v<I>) {
      long long wide = 0;
      if (!read_integer(node, key, wide)) return;
      in_range = std::in_range<I>(wide);
      parsed = static_cast<I>(wide);
    } else {
      unsigned long long wide = 0;
      if (!read_unsigned(node, key, wide)) return;
      in_range = std::in_range<I>(wide);
      parsed = static_cast<I>(wide);
    }
    if (!in_range) {
      error(node, path_.join(key), "integer out of range: " + node.Scalar());
      return;
    }
    value = parsed;
    record(node, key);
  }

  template <class E, std::size_t N>
  void choice(std::string_view key, E& value, const std::array<Choice<E>, N>& choices,
              const Meta& = {}) {
    const YAML::Node node = lookup(key);
    if (!node) return;
    if (!node.IsScalar()) {
      error(node, path_.join(key), "expected one of " + names(choices) + ", got " + kind(node));
      return;
    }
    for (const Choice<E>& c : choices) {
      if (node.Scalar() == c.name) {
        value = c.value;
        record(node, key);
        return;
      }
    }
    std::vector<std::string> candidates;
    for (const Choice<E>& c : choices) candidates.emplace_back(c.name);
    std::string message = "'" + shortened(node.Scalar()) + "' is not one of " + names(choices);
    if (const std::string near = nearest_key(node.Scalar(), candidates); !near.empty())
      message += "; did you mean '" + near + "'?";
    error(node, path_.join(key), message);
  }

  /// A list of sub-structs. A sequence replaces the whole list; a mapping with keys "[i]"
  /// (what --set key[i].field=value produces) patches existing items.
  template <class T>
  void list(std::string_view key, std::vector<T>& items, const Meta& = {}) {
    const YAML::Node node = lookup(key);
    if (!node) return;
    const std::string list_path = path_.join(key);
    if (node.IsNull()) {
      items.clear();
      forget_below(list_path);
      record(node, key);
      return;
    }
    if (node.IsSequence()) {
      forget_below(list_path);
      items.clear();
      items.resize(node.size());
      record(node, key);
      for (std::size_t i = 0; i < node.size(); ++i) visit_item(key, i, node[i], items[i]);
      return;
    }
    if (node.IsMap()) {
      for (const auto& entry : node) {
        const std::string index_text = entry.first.Scalar();
        std::size_t index = 0;
        if (!parse_index(index_text, index) || index >= items.size()) {
          error(entry.first, list_path,
                "expected a list, or an item index [0.." + std::to_string(items.size()) +
                    ") to change, got '" + shortened(index_text) + "'");
          continue;
        }
        visit_item(key, index, entry.second, items[index]);
      }
      return;
    }
    error(node, list_path, "expected a list, got " + kind(node));
  }

  void rule(std::string_view, bool, std::string_view) {}

 private:
  struct Frame {
    YAML::Node node;
    std::vector<std::string> known;  // keys visited in this mapping
  };

  template <class T>
  void visit_item(std::string_view key, std::size_t index, const YAML::Node& node, T& item) {
    path_.push(std::string(key));
    path_.push(index_key(index));
    // A problem with a field the item leaves unset is reported at the item.
    locations_[path_.current()] = where(node);
    visit_mapping(node, item, "a list item of key: value pairs");
    path_.pop();
    path_.pop();
  }

  /// Visits `params` with `node` as the mapping its keys are read from (at the current path).
  template <class S>
  void visit_mapping(const YAML::Node& node, S& params, std::string_view expected) {
    if (!node.IsMap()) {
      error(node, path_.current(), "expected " + std::string(expected) + ", got " + kind(node));
      return;
    }
    frames_.push_back({node, {}});
    visit(*this, params);
    finish_frame();
  }

  template <class E, std::size_t N>
  static std::string names(const std::array<Choice<E>, N>& choices) {
    std::string text;
    for (const Choice<E>& c : choices) text += (text.empty() ? "" : ", ") + std::string(c.name);
    return "{" + text + "}";
  }

  YAML::Node lookup(std::string_view key);
  bool read_integer(const YAML::Node& node, std::string_view key, long long& out);
  bool read_unsigned(const YAML::Node& node, std::string_view key, unsigned long long& out);
  void record(const YAML::Node& node, std::string_view key);
  void forget_below(const std::string& path);
  void finish_frame();  // reports unknown keys of the innermost mapping, then pops it
  void error(const YAML::Node& node, const std::string& path, const std::string& message);
  Location where(const YAML::Node& node) const;
  static std::string kind(const YAML::Node& node);
  static bool parse_index(const std::string& text, std::size_t& index);

  std::string source_;
  Diagnostics& diagnostics_;
  Locations& locations_;
  bool positions_ = true;
  std::vector<Frame> frames_;
  PathStack path_;
};

}  // namespace salonsim::params
