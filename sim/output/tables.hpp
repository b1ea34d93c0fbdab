#pragma once
// What a run writes: named tables of equal-length columns (/agents, and per-venue tables that
// interventions add), and the timeseries.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

class Simulation;

/// A column of text (names), written as variable-length UTF-8 strings.
struct TextColumn {
  std::string name;
  std::string description;
  std::vector<std::string> values;
};

/// A group of equal-length columns, e.g. "agents".
struct OutputTable {
  std::string name;
  std::string description;
  std::vector<OutputColumn> columns;
  /// Further text attributes of the table's group (name, value), e.g. the names of codes.
  std::vector<std::pair<std::string, std::string>> attributes = {};
  /// Text columns, after the others.
  std::vector<TextColumn> text_columns = {};
  /// What the columns' views point into, when the table made its own data (e.g. sums).
  std::shared_ptr<const void> owned_data = {};
};

/// The /agents table: one row per resident ever simulated (views into the population).
OutputTable agent_table(const Population& population);

/// The /tallies table: one row per income group and sex, one column per tally the run counted
/// (residents, certifications, person-years, long-term-care benefits, ...): the sums behind every
/// outcome, so that any rate can be recomputed per replicate.
OutputTable tally_table(const Simulation& simulation);

/// Every table a simulation writes: agents first, then those its modules add, then the tallies
/// and the costs.
std::vector<OutputTable> output_tables(const Simulation& simulation);

}  // namespace salonsim
