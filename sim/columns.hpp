#pragma once
// Columns that mechanisms register on the population (Starsim's define_states, FLAME GPU's
// newVariable): a mechanism says at set-up what per-resident state it keeps (name, type, unit,
// description, whether it is written to /agents, whether survey waves record it) and gets a
// typed handle; the engine sizes, measures and writes every registered column without knowing
// what it means.
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/memory.hpp"

namespace salonsim {

/// A read-only view of one output column.
/// (std::int16_t last: the steps mechanisms keep, sim/population.hpp's StoredStep, added after
/// the others so that the other alternatives keep their indices.)
using ColumnView =
    std::variant<std::span<const std::uint8_t>, std::span<const std::uint16_t>,
                 std::span<const std::int32_t>, std::span<const std::uint32_t>,
                 std::span<const float>, std::span<const double>, std::span<const std::int16_t>>;

/// A read-only view of a column's values.
template <class T>
ColumnView column_view(const std::vector<T>& column) {
  return std::span<const T>(column.data(), column.size());
}

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
  using Data = std::variant<std::vector<std::uint8_t>, std::vector<std::uint16_t>,
                            std::vector<std::int32_t>, std::vector<std::uint32_t>,
                            std::vector<float>, std::vector<double>, std::vector<std::int16_t>>;
  struct Entry {
    ColumnSpec spec;
    Data data;
    Data initial;  // one element: the value new rows get
    /// A computed column (add_computed): fills `values` (one per row, already sized) from the
    /// registry's other columns when a survey wave asks; it keeps no values of its own.
    std::function<void(const ColumnRegistry& columns, Data& values)> compute = {};
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

  /// Registers a surveyed value that is worked out from other columns when a survey wave is
  /// taken instead of kept for every row at every step (e.g. a hazard ratio that is a function
  /// of a rate a mechanism keeps anyway): `fill(columns, values)` writes one value per row. It
  /// takes its place among the columns in the order registered, holds no values (its column is
  /// empty) and is never written to /agents.
  template <class T>
  void add_computed(ColumnSpec spec,
                    std::function<void(const ColumnRegistry&, std::vector<T>&)> fill) {
    for (const Entry& entry : entries_) {
      if (entry.spec.name == spec.name)
        throw std::logic_error("column '" + spec.name + "' is registered already");
    }
    spec.output = false;
    spec.surveyed = true;
    entries_.push_back({std::move(spec), std::vector<T>{}, std::vector<T>{T{}},
                        [fill = std::move(fill)](const ColumnRegistry& columns, Data& values) {
                          fill(columns, std::get<std::vector<T>>(values));
                        }});
  }
  /// The values of entry `entry` for `rows` rows: its column, or worked out if it is computed.
  Data values_of(const Entry& entry, std::size_t rows) const {
    if (!entry.compute) return entry.data;
    Data values = entry.initial;
    std::visit([rows](auto& v) { v.assign(rows, v.front()); }, values);
    entry.compute(*this, values);
    return values;
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
      if (entry.compute) continue;  // computed columns keep no values
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
    return std::visit([](const auto& v) { return salonsim::bytes_of(v); }, data);
  }
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const Entry& entry : entries_) total += bytes_of(entry.data);
    return total;
  }
  static ColumnView view(const Entry& entry) {
    return std::visit([](const auto& v) { return column_view(v); }, entry.data);
  }

 private:
  std::deque<Entry> entries_;
};

}  // namespace salonsim
