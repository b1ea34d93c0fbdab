#pragma once
// Analyses of individual outcomes pooled over replicates: Cox hazard ratios of an arm against
// the reference, and the interface by which a mechanism adds an analysis of its own to a
// comparison (e.g. an emulated observational study of participants).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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
/// survey waves taken at `survey_steps`, each with the columns named in `wave_columns` (every
/// column when it is empty).
RunRecord record_of(const Simulation& simulation, const std::vector<std::string>& columns = {},
                    const std::vector<std::int64_t>& survey_steps = {},
                    const std::vector<std::string>& wave_columns = {});

/// Residents' follow-up from entry, counted by its length in steps and how it ended: all that a
/// Cox model whose only covariate is the arm needs, in memory that grows with the steps of a run,
/// not with its residents or the replicates. A comparison adds each run as it finishes.
struct FollowUpCounts {
  int steps_per_year = 0;                      // of the runs added (one clock per arm)
  std::vector<std::int64_t> events, censored;  // index: length of follow-up in steps
  /// Adds a run's residents who entered before its end; for certification, only those
  /// independent at entry, censored at death. Throws if the run's clock differs from the others'.
  void add(const RunRecord& run, bool certification);
};

/// An arm's follow-up counts for both outcomes.
struct ArmFollowUp {
  FollowUpCounts certification, death;
  void add(const RunRecord& run);
};

/// Cox hazard ratios of arm against reference (pooled residents of all replicates, arm as the
/// only covariate): certification among residents independent at entry, and death.
struct ArmHazardRatios {
  stats::CoxFit certification, death;
};
/// From the counts: each distinct (arm, length, outcome) is one subject weighted by its count,
/// which gives the Breslow partial likelihood of the residents themselves.
ArmHazardRatios arm_hazard_ratios(const ArmFollowUp& arm, const ArmFollowUp& reference);
/// The same from whole records (tests, small studies).
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

/// An analysis under way. A comparison hands it each replicate's run of the arm and of the
/// reference as they finish, in any order; it keeps only what its estimates need (never whole
/// runs), and pools them in replicate order at the end, so the result does not depend on the
/// order the runs finished in.
class ArmAnalysisState {
 public:
  virtual ~ArmAnalysisState() = default;
  /// Takes the arm's run of `replicate` (< the replicates it was started for).
  virtual void add_arm_run(std::size_t replicate, const RunRecord& run) = 0;
  /// Takes the reference's run of `replicate` (same seed and replicate: common random numbers).
  virtual void add_reference_run(std::size_t replicate, const RunRecord& run) = 0;
  /// The result once every replicate of the arm is in; nothing when the analysis does not apply
  /// (e.g. runs too short for the study design).
  virtual std::optional<ArmAnalysisResult> finish(const std::string& arm_name) = 0;
};

/// The state of a study that gathers its data run by run (`Data` has add_arm_run and
/// add_reference_run, as the mechanisms' cohort studies do) and reports from it at the end. Runs
/// shorter than `minimum_years` are too short for its design: then it reports nothing.
template <class Data>
class GatheredStudy final : public ArmAnalysisState {
 public:
  using Report = std::function<ArmAnalysisResult(const std::string& arm_name, const Data& data)>;
  GatheredStudy(Data data, double minimum_years, Report report)
      : data_(std::move(data)), minimum_years_(minimum_years), report_(std::move(report)) {}
  void add_arm_run(std::size_t replicate, const RunRecord& run) override {
    applies_ = applies_ && run.steps >= minimum_years_ * run.steps_per_year;
    if (applies_) data_.add_arm_run(replicate, run);
  }
  void add_reference_run(std::size_t replicate, const RunRecord& run) override {
    data_.add_reference_run(replicate, run);
  }
  std::optional<ArmAnalysisResult> finish(const std::string& arm_name) override {
    if (!applies_) return std::nullopt;
    return report_(arm_name, data_);
  }

 private:
  Data data_;
  double minimum_years_;
  Report report_;
  bool applies_ = true;
};

/// An analysis a mechanism adds to comparisons of an arm that has it against the reference.
struct ArmAnalysis {
  std::string name;
  std::vector<std::string> columns;  // registered columns each run of the arm keeps for it
  /// Survey waves (years since the start) each run of the arm takes and keeps for it, beside
  /// any the scenario asks for; they are written only if the scenario asks for them too.
  std::vector<double> survey_years;
  /// The columns of those waves it reads; a run's record keeps only these (a wave holds every
  /// surveyed column, about 100 bytes a resident). Empty: every column.
  std::vector<std::string> survey_columns;
  /// Runs shorter than this (years) are too short for its design: it does not apply to them.
  double minimum_years = 0;
  /// Starts the analysis of an arm run `replicates` times.
  std::function<std::unique_ptr<ArmAnalysisState>(std::size_t replicates)> start;
  /// Bytes it keeps per resident of each replicate until the end, and the most it uses per
  /// resident of all replicates pooled while it fits (measured; for the memory estimate).
  double kept_bytes_per_resident = 0, fit_bytes_per_resident = 0;
};

/// The steps of the survey waves `analyses` need, on `clock` (increasing, each once).
std::vector<std::int64_t> survey_steps_for(const std::vector<ArmAnalysis>& analyses,
                                           const Clock& clock);
/// Adds the survey waves `analyses` need to a simulation that has not started (not written).
void add_analysis_surveys(Simulation& simulation, const std::vector<ArmAnalysis>& analyses);
/// The record of a finished run, keeping what `analyses` need: their columns and waves.
RunRecord record_for(const Simulation& simulation, const std::vector<ArmAnalysis>& analyses);
/// A digest of a run's residents (their ages at the start and sexes): two runs with the same
/// digest hold the same residents (the same town, seed and replicate), so one resident's
/// outcomes can be paired across arms that differ only in their interventions.
std::uint64_t residents_digest(const RunRecord& run);

}  // namespace salonsim
