#pragma once
// The coalition trial, emulated (Haseda et al. 2019): supported and data-only municipalities of
// a region, surveys at baseline and after three years, deaths followed for 1,166 days.
//   plan:     who is supported (drawn from the assignment model: not at random), the runs (each
//             municipality x replicate, and for the true effect each supported municipality
//             again as data only on the same random numbers);
//   extract:  what each finished run leaves for the analysis (a small record; the run is freed);
//   analyse:  difference-in-differences in group participation by sex and income, weighted by
//             the inverse of the propensity of support fitted on municipality characteristics;
//             Cox models of death (men, women, income tertiles), weighted likewise; the true
//             effects beside them; intervals from the replicates.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/coalition/trial_params.hpp"
#include "models/region/region.hpp"
#include "sim/ensemble.hpp"
#include "sim/params/yaml_loader.hpp"

namespace salonsim::models {

/// A trial file as read, with the region it runs.
struct TrialPlan {
  TrialFile file;
  std::filesystem::path path;
  std::filesystem::path scenario_path;
  std::uint64_t seed = 0;
  std::vector<Municipality> municipalities;
  std::vector<MunicipalityTraits> traits;
  std::vector<std::uint8_t> supported;        // per municipality
  std::vector<double> assignment_propensity;  // per municipality, from the assignment model
  /// Scenarios run: each municipality in its arm, then each supported one as data only.
  std::vector<Scenario> scenarios;
  std::vector<std::size_t> municipality_of;  // per scenario
  std::vector<std::uint8_t> counterfactual;  // per scenario
  std::vector<EnsembleRun> runs;
  std::int64_t baseline_step = 0, follow_up_step = 0;
};

/// Reads the trial file and its region; decides who is supported. `replicates`, when given,
/// replaces the file's (the command line's --replicates). Throws params::ScenarioError listing
/// every problem (the trial file's and each municipality's).
TrialPlan plan_trial(const std::filesystem::path& path,
                     std::optional<std::int32_t> replicates = std::nullopt);

/// One action of a municipality's coalition, for the report.
struct TrialAction {
  std::int32_t decided_day = 0, effective_day = 0, district = 0;
  std::string action, reason;
  double need = 0, cost_yen = 0;
};

/// What a finished run leaves for the analysis.
struct TrialRunRecord {
  /// The panel (independent at both surveys): [sex][income_low] residents, in a group at
  /// baseline, in a group at follow-up.
  struct Cell {
    double residents = 0, before = 0, after = 0;
  };
  std::array<std::array<Cell, 2>, 2> panel{};
  /// The mortality cohort (alive and independent at baseline): sex, income, days followed,
  /// death within the follow-up.
  std::vector<std::uint8_t> sex, died;
  std::vector<float> income, days;
  std::vector<TrialAction> actions;
  double coalition_cost_yen = 0;
};
TrialRunRecord extract_trial_run(const TrialPlan& plan, const Simulation& simulation);

// Boost.Serialization, so a record can cross processes (sim/output/serialization.hpp).
template <class Archive>
void serialize(Archive& archive, TrialAction& action, unsigned /*version*/) {
  archive& action.decided_day& action.effective_day& action.district& action.action& action
      .reason& action.need& action.cost_yen;
}
template <class Archive>
void serialize(Archive& archive, TrialRunRecord::Cell& cell, unsigned /*version*/) {
  archive& cell.residents& cell.before& cell.after;
}
template <class Archive>
void serialize(Archive& archive, TrialRunRecord& record, unsigned /*version*/) {
  archive& record.panel& record.sex& record.died& record.income& record.days& record.actions& record
      .coalition_cost_yen;
}

/// A difference-in-differences estimate (percentage points) with the true effect.
struct DidRow {
  std::string group, label;
  double estimate = 0, low = 0, high = 0;
  double truth = 0, truth_low = 0, truth_high = 0;
  std::vector<double> replicates, truth_replicates;
  double published = 0, published_low = 0, published_high = 0;
  bool has_published = false;
};
struct MortalityRow {
  std::string group, label;
  double hr = 0, low = 0, high = 0;
  double true_hr = 0, true_low = 0, true_high = 0;
  double deaths_supported = 0, deaths_data_only = 0, residents = 0;
};
struct TrialResults {
  std::vector<double> propensity, weight;  // fitted, per municipality
  struct Level {
    std::string group, arm;
    double baseline = 0, follow_up = 0;
  };
  std::vector<Level> participation;
  std::vector<DidRow> did;
  std::vector<MortalityRow> mortality;
  double cost_supported = 0, cost_data_only = 0;  // per municipality, mean over replicates
};

/// The analysis of every run's record: records[scenario][replicate].
TrialResults analyse_trial(const TrialPlan& plan,
                           const std::vector<std::vector<TrialRunRecord>>& records);

/// The printed table; the CSV of the estimates; the JSON for the report (docs/output.md).
std::string format_trial(const TrialPlan& plan, const TrialResults& results);
std::string trial_csv(const TrialResults& results);
std::string trial_json(const TrialPlan& plan, const TrialResults& results,
                       const std::vector<std::vector<TrialRunRecord>>& records);

}  // namespace salonsim::models
