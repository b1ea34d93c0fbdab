#pragma once
// Panel survey waves (JAGES surveys its residents every three years): a snapshot of every
// resident's state at chosen steps, taken by the simulation and written to /surveys/wave_<k>.
// A wave holds one row per resident row (the order of /agents): the core's id, alive, age,
// certified, isolated and weekly_contacts, then every registered column marked `surveyed`
// (sim/columns.hpp), in the order registered. Copies of whole columns: nothing per resident is
// allocated between waves.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/columns.hpp"

namespace salonsim {

struct Population;

/// One column of a wave: what it holds, and its values at the wave.
struct SurveyColumn {
  ColumnSpec spec;
  ColumnRegistry::Data values;
};

/// Every resident's state when `step` steps are done (step 0: after set-up, before the first).
struct SurveyWave {
  std::int64_t step = 0;
  double years = 0;    // since the start: step * years per step
  bool output = true;  // written to /surveys (false: taken only for an analysis)
  std::vector<SurveyColumn> columns;

  /// The column of that name, or nullptr.
  const SurveyColumn* find(std::string_view name) const {
    for (const SurveyColumn& column : columns) {
      if (column.spec.name == name) return &column;
    }
    return nullptr;
  }
  /// The column of that name and type; throws std::out_of_range if there is none.
  template <class T>
  const std::vector<T>& column(std::string_view name) const {
    const SurveyColumn* found = find(name);
    if (found == nullptr || !std::holds_alternative<std::vector<T>>(found->values))
      throw std::out_of_range("survey wave at step " + std::to_string(step) + " has no column '" +
                              std::string(name) + "' of that type");
    return std::get<std::vector<T>>(found->values);
  }
  std::size_t rows() const;
  std::size_t bytes() const;
};

/// The core columns every wave starts with.
inline constexpr std::string_view kSurveyCoreColumns[] = {
    "id", "alive", "age", "certified", "isolated", "weekly_contacts"};

/// Surveys the population when `step` steps are done.
SurveyWave take_survey(const Population& population, std::int64_t step, double years_per_step);

}  // namespace salonsim
