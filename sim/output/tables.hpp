#pragma once
// What a run writes: named tables of equal-length columns (/agents, and per-venue tables that
// interventions add), and the timeseries.
#include <string>
#include <utility>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

class Simulation;

/// A group of equal-length columns, e.g. "agents".
struct OutputTable {
  std::string name;
  std::string description;
  std::vector<OutputColumn> columns;
  /// Further text attributes of the table's group (name, value), e.g. the names of codes.
  std::vector<std::pair<std::string, std::string>> attributes = {};
};

/// A read-only output view of a column.
template <class T>
ColumnView column_view(const std::vector<T>& column) {
  return std::span<const T>(column.data(), column.size());
}

/// The /agents table: one row per resident ever simulated (views into the population).
OutputTable agent_table(const Population& population);

/// Every table a simulation writes: agents first, then those its modules add.
std::vector<OutputTable> output_tables(const Simulation& simulation);

}  // namespace salonsim
