#pragma once
// Collects the parameter dictionary (key, default, unit, range, meaning, source) from the same
// visit() tables that load and validate scenarios.
#include <array>
#include <concepts>
#include <string>
#include <vector>

#include "sim/params/schema.hpp"

namespace salonsim::params {

struct DictionaryRow {
  std::string path;
  std::string default_value;
  std::string unit;
  std::string range;
  std::string doc;
  std::string source;
};

/// The dictionary as text: a Markdown table, or an indented listing for the terminal. Only rows
/// whose path starts with `prefix`.
std::string format_dictionary(const std::vector<DictionaryRow>& rows, bool markdown,
                              std::string_view prefix = "");

class Describer {
 public:
  template <class S>
  std::vector<DictionaryRow> describe(S params) {
    visit(*this, params);
    return std::move(rows_);
  }

  template <class S>
  void section(std::string_view key, S& sub, const Meta& = {}) {
    path_.push(std::string(key));
    visit(*this, sub);
    path_.pop();
  }
  void number(std::string_view key, double& value, const Meta& meta = {}) {
    add(key, format_number(value), meta, describe_range(meta));
  }
  template <std::integral I>
  void integer(std::string_view key, I& value, const Meta& meta = {}) {
    add(key, std::to_string(value), meta, describe_range(meta));
  }
  void flag(std::string_view key, bool& value, const Meta& meta = {}) {
    add(key, value ? "true" : "false", meta, "true or false");
  }
  void text(std::string_view key, std::string& value, const Meta& meta = {}) {
    add(key, value, meta, "");
  }
  template <class E, std::size_t N>
  void choice(std::string_view key, E& value, const std::array<Choice<E>, N>& choices,
              const Meta& meta = {}) {
    std::string current, all;
    for (const Choice<E>& c : choices) {
      if (c.value == value) current = c.name;
      all += (all.empty() ? "" : ", ") + std::string(c.name);
    }
    add(key, current, meta, "one of " + all);
  }
  void numbers(std::string_view key, std::vector<double>& values, const Meta& meta = {},
               std::size_t expected_size = 0) {
    std::string text;
    for (double v : values) text += (text.empty() ? "" : ", ") + format_number(v);
    std::string range = describe_range(meta);
    if (expected_size != 0)
      range = std::to_string(expected_size) + " numbers" + (range.empty() ? "" : ", each ") + range;
    add(key, "[" + text + "]", meta, range);
  }
  void texts(std::string_view key, std::vector<std::string>& values, const Meta& meta = {}) {
    std::string text;
    for (const std::string& v : values) text += (text.empty() ? "" : ", ") + v;
    add(key, "[" + text + "]", meta,
        describe_range(meta).empty() ? "" : "number of items " + describe_range(meta));
  }
  /// Describes the fields of one item: the first default item if there is one.
  template <class T>
  void list(std::string_view key, std::vector<T>& items, const Meta& meta = {}) {
    add(key, std::to_string(items.size()) + " items", meta,
        describe_range(meta).empty() ? "" : "number of items " + describe_range(meta));
    T sample = items.empty() ? T{} : items.front();
    path_.push(std::string(key) + "[]");
    visit(*this, sample);
    path_.pop();
  }
  void rule(std::string_view, bool, std::string_view) {}

 private:
  void add(std::string_view key, std::string value, const Meta& meta, std::string range) {
    rows_.push_back({path_.join(key), std::move(value), std::string(meta.unit), std::move(range),
                     std::string(meta.doc), std::string(meta.source)});
  }
  std::vector<DictionaryRow> rows_;
  PathStack path_;
};

template <>
inline constexpr bool kVisitsAllAlternatives<Describer> = true;

}  // namespace salonsim::params
