#pragma once
// Checks ranges and cross-field rules on the final parameter values, reporting each problem
// where the offending value was set.
#include <array>
#include <concepts>
#include <string>
#include <vector>

#include "sim/params/diagnostics.hpp"
#include "sim/params/schema.hpp"
#include "sim/params/yaml_loader.hpp"

namespace salonsim::params {

class Validator {
 public:
  Validator(Diagnostics& diagnostics, const Locations& locations)
      : diagnostics_(diagnostics), locations_(locations) {}

  template <class S>
  void check(S& params) {
    visit(*this, params);
  }

  template <class S>
  void section(std::string_view key, S& sub, const Meta& = {}) {
    path_.push(std::string(key));
    visit(*this, sub);
    path_.pop();
  }

  void number(std::string_view key, double& value, const Meta& meta = {}) {
    if (!in_range(value, meta)) fail(key, range_problem(value, meta));
  }
  template <std::integral I>
  void integer(std::string_view key, I& value, const Meta& meta = {}) {
    if (!in_range(static_cast<double>(value), meta))
      fail(key, describe_range(meta) + ", got " + std::to_string(value));
  }
  void flag(std::string_view, bool&, const Meta& = {}) {}
  void text(std::string_view, std::string&, const Meta& = {}) {}
  template <class E, std::size_t N>
  void choice(std::string_view, E&, const std::array<Choice<E>, N>&, const Meta& = {}) {}

  void numbers(std::string_view key, std::vector<double>& values, const Meta& meta = {},
               std::size_t expected_size = 0) {
    if (expected_size != 0 && values.size() != expected_size) {
      fail(key, "expected " + std::to_string(expected_size) + " numbers, got " +
                    std::to_string(values.size()));
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!in_range(values[i], meta))
        fail(std::string(key) + index_key(i), range_problem(values[i], meta));
    }
  }

  /// `meta.min` / `meta.max` bound the number of items.
  void texts(std::string_view key, std::vector<std::string>& values, const Meta& meta = {}) {
    if (!in_range(static_cast<double>(values.size()), meta)) {
      fail(key,
           "number of items " + describe_range(meta) + ", got " + std::to_string(values.size()));
    }
  }
  /// `meta.min` / `meta.max` bound the number of items.
  template <class T>
  void list(std::string_view key, std::vector<T>& items, const Meta& meta = {}) {
    if (!in_range(static_cast<double>(items.size()), meta)) {
      fail(key,
           "number of items " + describe_range(meta) + ", got " + std::to_string(items.size()));
    }
    path_.push(std::string(key));
    for (std::size_t i = 0; i < items.size(); ++i) {
      path_.push(index_key(i));
      visit(*this, items[i]);
      path_.pop();
    }
    path_.pop();
  }

  /// A cross-field rule; `key` names the field the message is about.
  void rule(std::string_view key, bool ok, std::string_view message) {
    if (!ok) fail(key, std::string(message));
  }

 private:
  static std::string range_problem(double value, const Meta& meta) {
    const std::string range = describe_range(meta);
    return (range.empty() ? "must be a finite number" : range) + ", got " + format_number(value);
  }
  void fail(std::string_view key, std::string message) {
    const std::string path = path_.join(key);
    diagnostics_.error(where(path), path, std::move(message));
  }
  Location where(const std::string& path) const {
    // The value itself, or failing that the nearest enclosing key that was set.
    std::string probe = path;
    while (!probe.empty()) {
      if (const auto it = locations_.find(probe); it != locations_.end()) return it->second;
      const auto cut = probe.find_last_of(".[");
      if (cut == std::string::npos) break;
      probe.resize(cut);
    }
    return {"default", 0, 0};
  }

  Diagnostics& diagnostics_;
  const Locations& locations_;
  PathStack path_;
};

}  // namespace salonsim::params
