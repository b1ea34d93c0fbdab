#include "sim/calibration/calibration_plan.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <variant>

#include "sim/params/settings_file.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace salonsim::calibration {

namespace fs = std::filesystem;

fs::path LoadedCalibration::scenario_path() const {
  return path.parent_path() / file.scenario;
}

LoadedCalibration load_calibration(const fs::path& path, const std::vector<Outcome>& outcomes) {
  LoadedCalibration calibration;
  calibration.path = path;
  for (const Outcome& outcome : outcomes) calibration.file.known_outputs.push_back(outcome.name);
  params::load_settings_file(path, "calibration file", calibration.file, calibration.locations,
                             calibration.text);
  return calibration;
}

std::vector<double> parameter_values(const CalibrationFile& file, const std::vector<double>& unit) {
  std::vector<double> values;
  for (std::size_t j = 0; j < file.parameters.size(); ++j)
    values.push_back(sweep::value_at(file.parameters[j], unit[j]));
  return values;
}

std::vector<std::string> overrides(const CalibrationFile& file, const std::vector<double>& unit) {
  std::vector<std::string> result = file.set;
  const std::vector<double> values = parameter_values(file, unit);
  for (std::size_t j = 0; j < file.parameters.size(); ++j) {
    const sweep::SweepParameter& p = file.parameters[j];
    result.push_back(p.key + "=" + sweep::value_text(p, values[j]));
  }
  return result;
}

double target_statistic(const Target& target, const RunSummary& summary, const SurveyWave* wave,
                        const Population& population, const std::vector<Outcome>& outcomes) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!target.is_survey()) {
    const Outcome* outcome = find_outcome(outcomes, target.outcome);
    if (outcome == nullptr) throw std::invalid_argument("unknown outcome '" + target.outcome + "'");
    return outcome->value(sweep::group_summary(summary, target.group));
  }
  if (wave == nullptr) throw std::invalid_argument("no survey wave for target " + target.label());
  const auto& alive = wave->column<std::uint8_t>("alive");
  const auto& certified = wave->column<std::uint8_t>("certified");
  const SurveyColumn* column = wave->find(target.survey.column);
  if (column == nullptr)
    throw std::invalid_argument("the survey wave has no column '" + target.survey.column + "'");
  double sum = 0;
  std::size_t counted = 0;
  std::visit(
      [&](const auto& values) {
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (alive[i] == 0) continue;
          if (target.survey.among == Among::kIndependent && certified[i] != 0) continue;
          if (!sweep::group_includes(target.group, population.group(static_cast<ResidentId>(i))))
            continue;
          sum += static_cast<double>(values[i]);
          ++counted;
        }
      },
      column->values);
  return counted > 0 ? sum / static_cast<double>(counted) : nan;
}

double distance(const std::vector<Target>& targets, const std::vector<double>& statistics) {
  if (statistics.size() != targets.size())
    throw std::invalid_argument("distance: one statistic per target");
  double sum = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const double z = (statistics[i] - targets[i].observed) / targets[i].sd;
    if (!std::isfinite(z)) return std::numeric_limits<double>::quiet_NaN();
    sum += z * z;
  }
  return std::sqrt(sum / static_cast<double>(targets.size()));
}

}  // namespace salonsim::calibration
