#include "sim/output/hazard_ratios.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/digest.hpp"
#include "sim/simulation.hpp"

namespace salonsim {

RunRecord record_of(const Simulation& sim, const std::vector<std::string>& columns,
                    const std::vector<std::int64_t>& survey_steps,
                    const std::vector<std::string>& wave_columns) {
  const Population& p = sim.population();
  RunRecord r;
  r.steps = sim.current_step();
  r.steps_per_year = static_cast<int>(std::lround(1.0 / sim.clock().years_per_step()));
  r.entry_step.assign(p.entry_step.begin(), p.entry_step.end());
  r.disability_step.assign(p.disability_step.begin(), p.disability_step.end());
  r.death_step.assign(p.death_step.begin(), p.death_step.end());
  r.age0 = p.age0;
  r.sex = p.sex;
  r.income_low = p.income_low;
  r.isolated0 = p.isolated0;
  r.certified0 = p.certified0;
  for (const ColumnRegistry::Entry& entry : p.columns.entries()) {
    if (std::find(columns.begin(), columns.end(), entry.spec.name) == columns.end()) continue;
    std::visit(
        [&](const auto& values) { r.kept[entry.spec.name].assign(values.begin(), values.end()); },
        entry.data);
  }
  for (const SurveyWave& wave : sim.survey_waves()) {
    if (std::find(survey_steps.begin(), survey_steps.end(), wave.step) == survey_steps.end())
      continue;
    if (wave_columns.empty()) {
      r.waves.push_back(wave);
      continue;
    }
    SurveyWave& kept = r.waves.emplace_back();
    kept.step = wave.step;
    kept.years = wave.years;
    kept.output = wave.output;
    for (const SurveyColumn& column : wave.columns) {
      if (std::find(wave_columns.begin(), wave_columns.end(), column.spec.name) !=
          wave_columns.end())
        kept.columns.push_back(column);
    }
  }
  return r;
}

const std::vector<double>& RunRecord::column(std::string_view name) const {
  static const std::vector<double> kNone;
  const auto it = kept.find(name);
  return it == kept.end() ? kNone : it->second;
}

const SurveyWave* RunRecord::wave_at(std::int64_t step) const {
  for (const SurveyWave& wave : waves) {
    if (wave.step == step) return &wave;
  }
  return nullptr;
}

std::vector<std::int64_t> survey_steps_for(const std::vector<ArmAnalysis>& analyses,
                                           const Clock& clock) {
  std::vector<std::int64_t> steps;
  for (const ArmAnalysis& analysis : analyses) {
    for (const double years : analysis.survey_years) steps.push_back(clock.step_at(years));
  }
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  return steps;
}

namespace {

/// The columns of their waves `analyses` read: empty for every column (one of them reads all).
std::vector<std::string> wave_columns_for(const std::vector<ArmAnalysis>& analyses) {
  std::vector<std::string> columns;
  for (const ArmAnalysis& analysis : analyses) {
    if (analysis.survey_years.empty()) continue;
    if (analysis.survey_columns.empty()) return {};
    columns.insert(columns.end(), analysis.survey_columns.begin(), analysis.survey_columns.end());
  }
  return columns;
}

}  // namespace

void add_analysis_surveys(Simulation& simulation, const std::vector<ArmAnalysis>& analyses) {
  simulation.add_survey_steps(survey_steps_for(analyses, simulation.clock()), /*output=*/false,
                              wave_columns_for(analyses));
}

RunRecord record_for(const Simulation& simulation, const std::vector<ArmAnalysis>& analyses) {
  std::vector<std::string> columns;
  for (const ArmAnalysis& analysis : analyses)
    columns.insert(columns.end(), analysis.columns.begin(), analysis.columns.end());
  return record_of(simulation, columns, survey_steps_for(analyses, simulation.clock()),
                   wave_columns_for(analyses));
}

void FollowUpCounts::add(const RunRecord& r, bool certification) {
  if (steps_per_year == 0) steps_per_year = r.steps_per_year;
  if (r.steps_per_year != steps_per_year)
    throw std::invalid_argument(
        fmt::format("runs of one arm with {} and {} steps a year cannot be pooled", steps_per_year,
                    r.steps_per_year));
  if (events.size() <= static_cast<std::size_t>(r.steps)) {
    events.resize(static_cast<std::size_t>(r.steps) + 1, 0);
    censored.resize(events.size(), 0);
  }
  for (std::size_t i = 0; i < r.entry_step.size(); ++i) {
    if (r.entry_step[i] >= r.steps) continue;
    if (certification && r.certified0[i]) continue;
    // Follow-up ends with the event, death or the end of the run, whichever comes first.
    const std::int32_t event_step = certification ? r.disability_step[i] : r.death_step[i];
    std::int64_t end = r.steps;
    if (r.death_step[i] >= 0) end = r.death_step[i] + 1;
    if (event_step >= 0) end = std::min<std::int64_t>(end, event_step + 1);
    ++(event_step >= 0 ? events : censored)[static_cast<std::size_t>(end - r.entry_step[i])];
  }
}

void ArmFollowUp::add(const RunRecord& run) {
  certification.add(run, true);
  death.add(run, false);
}

namespace {

/// One subject per distinct (arm, length, outcome), weighted by how many residents share it.
void add_counts(const FollowUpCounts& counts, double arm, stats::CoxData& data) {
  for (std::size_t length = 1; length < counts.events.size(); ++length) {
    for (const bool event : {true, false}) {
      const std::int64_t n = (event ? counts.events : counts.censored)[length];
      if (n == 0) continue;
      data.time.push_back(static_cast<double>(length) / counts.steps_per_year);
      data.event.push_back(event);
      data.covariates[0].push_back(arm);
      data.weights.push_back(static_cast<double>(n));
    }
  }
}

stats::CoxFit fit_arm(const FollowUpCounts& arm, const FollowUpCounts& reference) {
  stats::CoxData data;
  data.names = {"arm"};
  data.covariates.assign(1, {});
  add_counts(arm, 1.0, data);
  add_counts(reference, 0.0, data);
  // Counts are frequency weights: the information (and so the standard errors) is that of the
  // residents themselves.
  return stats::fit_cox(data);
}

}  // namespace

ArmHazardRatios arm_hazard_ratios(const ArmFollowUp& arm, const ArmFollowUp& reference) {
  return {fit_arm(arm.certification, reference.certification), fit_arm(arm.death, reference.death)};
}

ArmHazardRatios arm_hazard_ratios(const std::vector<RunRecord>& arm,
                                  const std::vector<RunRecord>& reference) {
  ArmFollowUp a, b;
  for (const RunRecord& r : arm) a.add(r);
  for (const RunRecord& r : reference) b.add(r);
  return arm_hazard_ratios(a, b);
}

std::string format_hazard_ratio(const stats::CoxFit& fit) {
  return fmt::format("{:.3f} ({:.3f} to {:.3f})", fit.hazard_ratios[0], fit.ci_low[0],
                     fit.ci_high[0]);
}

std::string format_arm_hazard_ratios(const std::string& arm, const std::string& reference,
                                     const ArmHazardRatios& ratios) {
  std::string text =
      fmt::format("\n{} against {}: Cox hazard ratios (pooled replicates)\n", arm, reference);
  text += fmt::format("  certification (residents independent at entry): {}\n",
                      format_hazard_ratio(ratios.certification));
  text += fmt::format("  death:                                          {}\n",
                      format_hazard_ratio(ratios.death));
  return text;
}

std::uint64_t residents_digest(const RunRecord& run) {
  return fnv1a64_of(run.sex.data(), run.sex.size(), fnv1a64_of(run.age0.data(), run.age0.size()));
}

}  // namespace salonsim
