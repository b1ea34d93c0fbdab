#pragma once
// Writes a parameter struct back as YAML: the fully resolved scenario stored with every output.
#include <yaml-cpp/yaml.h>

#include <array>
#include <concepts>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/params/schema.hpp"

namespace salonsim::params {

/// Whether two nodes would be written as the same YAML: the same kinds, scalars, styles and
/// keys in the same order. It stands for comparing their YAML::Dump texts, which took most of
/// the time of writing a scenario (each optional section wrote itself and its defaults, and
/// every section inside it did again).
inline bool same_document(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type() || a.Style() != b.Style() || a.Tag() != b.Tag()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Scalar:
      return a.Scalar() == b.Scalar();
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map: {
      if (a.size() != b.size()) return false;
      for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (a.IsMap() ? !same_document(i->first, j->first) || !same_document(i->second, j->second)
                      : !same_document(*i, *j))
          return false;
      }
      return true;
    }
    default:
      return true;  // two nulls, or two undefined nodes
  }
}

class Emitter {
 public:
  template <class S>
  YAML::Node emit(S& params) {
    YAML::Node root(YAML::NodeType::Map);
    nodes_.push_back(root);
    visit(*this, params);
    nodes_.pop_back();
    return root;
  }

  template <class S>
  void section(std::string_view key, S& sub, const Meta& meta = {}) {
    YAML::Node node = map_of(sub);
    if constexpr (std::is_default_constructible_v<S>) {
      if (meta.optional) {
        S defaults{};
        if (same_document(map_of(defaults), node)) return;
      }
    }
    nodes_.back()[std::string(key)] = node;
  }
  void number(std::string_view key, double& value, const Meta& = {}) {
    nodes_.back()[std::string(key)] = format_number(value);
  }
  template <std::integral I>
  void integer(std::string_view key, I& value, const Meta& = {}) {
    nodes_.back()[std::string(key)] = std::to_string(value);
  }
  void flag(std::string_view key, bool& value, const Meta& = {}) {
    nodes_.back()[std::string(key)] = value;
  }
  void text(std::string_view key, std::string& value, const Meta& = {}) {
    nodes_.back()[std::string(key)] = value;
  }
  template <class E, std::size_t N>
  void choice(std::string_view key, E& value, const std::array<Choice<E>, N>& choices,
              const Meta& = {}) {
    for (const Choice<E>& c : choices) {
      if (c.value == value) nodes_.back()[std::string(key)] = std::string(c.name);
    }
  }
  void numbers(std::string_view key, std::vector<double>& values, const Meta& = {},
               std::size_t = 0) {
    YAML::Node list(YAML::NodeType::Sequence);
    list.SetStyle(YAML::EmitterStyle::Flow);
    for (double v : values) list.push_back(format_number(v));
    nodes_.back()[std::string(key)] = list;
  }
  void texts(std::string_view key, std::vector<std::string>& values, const Meta& = {}) {
    YAML::Node list(YAML::NodeType::Sequence);
    list.SetStyle(YAML::EmitterStyle::Flow);
    for (const std::string& v : values) list.push_back(v);
    nodes_.back()[std::string(key)] = list;
  }
  template <class T>
  void list(std::string_view key, std::vector<T>& items, const Meta& = {}) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (T& item : items) {
      YAML::Node node(YAML::NodeType::Map);
      nodes_.push_back(node);
      visit(*this, item);
      nodes_.pop_back();
      list.push_back(node);
    }
    nodes_.back()[std::string(key)] = list;
  }
  void rule(std::string_view, bool, std::string_view) {}

 private:
  template <class S>
  YAML::Node map_of(S& sub) {
    YAML::Node node(YAML::NodeType::Map);
    nodes_.push_back(node);
    visit(*this, sub);
    nodes_.pop_back();
    return node;
  }

  std::vector<YAML::Node> nodes_;
};

}  // namespace salonsim::params
