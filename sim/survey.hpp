#pragma once
// Panel survey waves (JAGES surveys its residents every three years): a snapshot of every
// resident's state at chosen steps, taken by the simulation and written to /surveys/wave_<k>.
// A wave holds one row per resident row (the order of /agents): the core's id, alive, age,
// certified, isolated and weekly_contacts, then every registered column marked `surveyed`
// (sim/columns.hpp), in the order registered. Copies of whole columns: nothing per resident is
// allocated between waves.
//
// A wave written to the output need not be held until the run ends: a SurveySink (the output's
// is sim/output/survey_spool.hpp) takes it column by column as it is taken.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
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

/// Each column of a wave in turn: what it holds, and a view of its values that is valid for the
/// call only.
using SurveyColumnVisitor = std::function<void(const ColumnSpec& spec, ColumnView values)>;

/// Calls `visit` with each column of the wave taken now, when `step` steps are done, in wave
/// order. Stored columns are shown as they are; a computed one (age, a registry's computed
/// column) is worked out for its call and freed after it, so no more than one column is copied
/// at a time. With `only`, just the columns it names (the others are not worked out).
void survey_columns(const Population& population, std::int64_t step, double years_per_step,
                    const SurveyColumnVisitor& visit, std::span<const std::string> only = {});

/// Surveys the population when `step` steps are done: every column, or those `only` names.
SurveyWave take_survey(const Population& population, std::int64_t step, double years_per_step,
                       std::span<const std::string> only = {});

/// Where a simulation puts the waves meant for the output as it takes them, instead of holding
/// them (Simulation::set_survey_sink).
class SurveySink {
 public:
  virtual ~SurveySink() = default;
  /// Records the wave taken when `step` steps are done (survey_columns gives its columns).
  virtual void record(const Population& population, std::int64_t step, double years_per_step) = 0;
};

}  // namespace salonsim
