#pragma once
// Analyses of individual outcomes pooled over replicates: Cox hazard ratios of an arm against
// the reference, and the interface by which a mechanism adds an analysis of its own to a
// comparison (e.g. an emulated observational study of participants).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/stats/cox.hpp"
#include "sim/survey.hpp"

namespace salonsim {

class Simulation;
struct Clock;

/// The columns of one finished run that the analyses need (kept after the run is freed): the
/// core's, the registered columns an analysis asked for, by name, and the survey waves it asked
/// for.
struct RunRecord {
  std::int64_t steps = 0;
  int steps_per_year = 52;
  std::vector<std::int32_t> entry_step, disability_step, death_step;
  std::vector<float> age0;
  std::vector<std::uint8_t> sex, income_low, isolated0, certified0;
  std::map<std::string, std::vector<double>, std::less<>> kept;  // registered columns, by name
  std::vector<SurveyWave> waves;                                 // in step order
  /// A kept column; empty if the run did not register it.
  const std::vector<double>& column(std::string_view name) const;
  /// The kept wave taken when `step` steps were done, or nullptr.
  const SurveyWave* wave_at(std::int64_t step) const;
};
/// The record of a finished run, keeping the registered columns named in `columns` and the
/// survey waves taken at `survey_steps`.
RunRecord record_of(const Simulation& simulation, const std::vector<std::string>& columns = {},
                    const std::vector<std::int64_t>& survey_steps = {});

/// Cox hazard ratios of arm against reference (pooled residents of all replicates, arm as the
/// only covariate): certification among residents independent at entry, and death.
struct ArmHazardRatios {
  stats::CoxFit certification, death;
};
ArmHazardRatios arm_hazard_ratios(const std::vector<RunRecord>& arm,
                                  const std::vector<RunRecord>& reference);

/// "0.812 (0.700 to 0.941)": the hazard ratio of the fit's first coefficient with its interval.
std::string format_hazard_ratio(const stats::CoxFit& fit);

/// Text of the hazard ratios of an arm against the reference.
std::string format_arm_hazard_ratios(const std::string& arm, const std::string& reference,
                                     const ArmHazardRatios& ratios);

/// What an analysis of an arm adds to the comparison: text for the report, and estimates stored
/// at full precision in /comparison/<arm> (attribute name, value).
struct ArmAnalysisResult {
  std::string text;
  std::vector<std::pair<std::string, std::string>> estimates;
};

/// An analysis a mechanism adds to comparisons of an arm that has it against the reference.
struct ArmAnalysis {
  std::string name;
  std::vector<std::string> columns;  // registered columns each run of the arm keeps for it
  /// Survey waves (years since the start) each run of the arm takes and keeps for it, beside
  /// any the scenario asks for; they are written only if the scenario asks for them too.
  std::vector<double> survey_years;
  /// Nothing when the analysis does not apply (e.g. runs too short for the study design).
  std::function<std::optional<ArmAnalysisResult>(const std::string& arm_name,
                                                 const std::vector<RunRecord>& arm,
                                                 const std::vector<RunRecord>& reference)>
      analyse;
};

/// The steps of the survey waves `analyses` need, on `clock` (increasing, each once).
std::vector<std::int64_t> survey_steps_for(const std::vector<ArmAnalysis>& analyses,
                                           const Clock& clock);
/// Adds the survey waves `analyses` need to a simulation that has not started (not written).
void add_analysis_surveys(Simulation& simulation, const std::vector<ArmAnalysis>& analyses);
/// The record of a finished run, keeping what `analyses` need: their columns and waves.
RunRecord record_for(const Simulation& simulation, const std::vector<ArmAnalysis>& analyses);
/// Whether two arms hold the same residents, replicate by replicate (the same town: arms that
/// differ only in their interventions), so one resident's outcomes can be paired across them.
bool same_residents(const std::vector<RunRecord>& a, const std::vector<RunRecord>& b);

}  // namespace salonsim
