#pragma once
// Columns that mechanisms register on the population (Starsim's define_states, FLAME GPU's
// newVariable): a mechanism says at set-up what per-resident state it keeps (name, type, unit,
// description, whether it is written to /agents, whether survey waves record it) and gets a
// typed handle; the engine sizes, measures and writes every registered column without knowing
// what it means.
#include <cstdint>
#include <deque>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace salonsim {

/// A read-only view of one output column.
using ColumnView = std::variant<std::span<const std::uint8_t>, std::span<const std::uint16_t>,
                                std::span<const std::int32_t>, std::span<const std::uint32_t>,
                                std::span<const float>, std::span<const double>>;

/// One column of an output table.
struct OutputColumn {
  std::string_view name;
  std::string_view description;
  ColumnView values;
  std::string_view unit = {};
  /// For a coded integer column, the name of each code from 0, comma-separated ("male,female"):
  /// written as an HDF5 enum type, so readers see names, not bare integers.
  std::string_view codes = {};
};

/// What a column holds, for the output and the documentation.
struct ColumnSpec {
  std::string name;
  std::string unit;  // "" for counts, flags and ids
  std::string description;
  bool output = true;  // written to /agents
  /// Recorded by every survey wave (sim/survey.hpp): state a panel survey would ask about, e.g.
  /// participation so far; independent of `output`.
  bool surveyed = false;
  /// Names of the codes of a coded integer column, comma-separated from code 0 (OutputColumn).
  std::string codes = {};
};

/// A typed handle to a registered column: the population's columns[handle] is the column.
template <class T>
struct Column {
  std::uint32_t index = ~std::uint32_t{0};
  bool valid() const { return index != ~std::uint32_t{0}; }
};

class ColumnRegistry {
 public:
  using Data =
      std::variant<std::vector<std::uint8_t>, std::vector<std::uint16_t>, std::vector<std::int32_t>,
                   std::vector<std::uint32_t>, std::vector<float>, std::vector<double>>;
  struct Entry {
    ColumnSpec spec;
    Data data;
    Data initial;  // one element: the value new rows get
  };

  /// Registers a column of `rows` rows filled with `initial`, or returns the handle of the
  /// column of that name if one is registered already (mechanisms that share a column, e.g. a
  /// service and the mechanism that reads who used it, both register it). A second
  /// registration with another type is a programming error and throws.
  template <class T>
  Column<T> add(ColumnSpec spec, std::size_t rows, T initial = T{}) {
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      if (entries_[k].spec.name != spec.name) continue;
      if (!std::holds_alternative<std::vector<T>>(entries_[k].data))
        throw std::logic_error("column '" + spec.name + "' is registered with another type");
      return {static_cast<std::uint32_t>(k)};
    }
    entries_.push_back({std::move(spec), std::vector<T>(rows, initial), std::vector<T>{initial}});
    return {static_cast<std::uint32_t>(entries_.size() - 1)};
  }

  // std::deque: a column's storage never moves when another column is registered, so views
  // taken at set-up stay valid.
  template <class T>
  std::vector<T>& operator[](Column<T> column) {
    return std::get<std::vector<T>>(entries_.at(column.index).data);
  }
  template <class T>
  const std::vector<T>& operator[](Column<T> column) const {
    return std::get<std::vector<T>>(entries_.at(column.index).data);
  }

  /// The handle of the column of that name and type; an invalid handle if there is none.
  template <class T>
  Column<T> find(std::string_view name) const {
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      if (entries_[k].spec.name == name && std::holds_alternative<std::vector<T>>(entries_[k].data))
        return {static_cast<std::uint32_t>(k)};
    }
    return {};
  }

  const std::deque<Entry>& entries() const { return entries_; }
  /// Resizes every column (new rows get the column's initial value).
  void resize(std::size_t rows) {
    for (Entry& entry : entries_) {
      std::visit(
          [&](auto& values) {
            using V = std::decay_t<decltype(values)>;
            values.resize(rows, std::get<V>(entry.initial).front());
          },
          entry.data);
    }
  }
  /// Bytes held by one column's values (by capacity).
  static std::size_t bytes_of(const Data& data) {
    return std::visit(
        [](const auto& v) {
          return v.capacity() * sizeof(typename std::decay_t<decltype(v)>::value_type);
        },
        data);
  }
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const Entry& entry : entries_) total += bytes_of(entry.data);
    return total;
  }
  static ColumnView view(const Entry& entry) {
    return std::visit(
        [](const auto& v) -> ColumnView {
          using T = typename std::decay_t<decltype(v)>::value_type;
          return std::span<const T>(v.data(), v.size());
        },
        entry.data);
  }

 private:
  std::deque<Entry> entries_;
};

}  // namespace salonsim
