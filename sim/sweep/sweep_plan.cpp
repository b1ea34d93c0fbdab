#include "sim/sweep/sweep_plan.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/output/comparison.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/params/settings_file.hpp"
#include "sim/params/validator.hpp"

namespace salonsim::sweep {

namespace fs = std::filesystem;

std::vector<std::string> output_names(const std::vector<Outcome>& outcomes) {
  std::vector<std::string> list;
  for (const Outcome& outcome : outcomes) list.emplace_back(outcome.name);
  list.emplace_back("cost_yen");
  return list;
}

const std::vector<std::string>& group_names() {
  static const std::vector<std::string> names{"all",
                                              "men",
                                              "women",
                                              "low_income",
                                              "high_income",
                                              std::string(kGroupNames[0]),
                                              std::string(kGroupNames[1]),
                                              std::string(kGroupNames[2]),
                                              std::string(kGroupNames[3])};
  return names;
}

bool is_known(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string unknown_name_message(std::string_view kind, const std::string& name,
                                 const std::vector<std::string>& names) {
  std::string known;
  for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
  std::string message = fmt::format("unknown {} '{}'; known: {}", kind, name, known);
  if (const std::string near = params::nearest_key(name, names); !near.empty())
    message += "; did you mean '" + near + "'?";
  return message;
}

std::string SweepParameter::label() const {
  if (!name.empty()) return name;
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

fs::path LoadedSweep::scenario_path() const {
  return path.parent_path() / file.scenario;
}

LoadedSweep load_sweep(const fs::path& path, const std::vector<Outcome>& outcomes) {
  LoadedSweep sweep;
  sweep.path = path;
  sweep.file.known_outputs = output_names(outcomes);
  params::load_settings_file(path, "sweep file", sweep.file, sweep.locations, sweep.text);
  return sweep;
}

double value_at(const SweepParameter& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  if (p.is_discrete()) {
    const auto count = static_cast<double>(p.values.size());
    return std::min(std::floor(u * count), count - 1);
  }
  double value = 0;
  switch (p.distribution) {
    case Distribution::kUniform:
      if (p.integer) {
        // Every whole number in [min, max] equally likely (u = 1 is the top one).
        const double low = std::ceil(p.min), high = std::floor(p.max);
        return std::min(high, low + std::floor(u * (high - low + 1)));
      }
      value = p.min + u * (p.max - p.min);
      break;
    case Distribution::kLogUniform:
      value = std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min)));
      break;
    case Distribution::kNormal: {
      const boost::math::normal normal(p.mean, p.sd);
      // Cut to [min, max] when given; otherwise keep u away from 0 and 1 (infinite quantiles).
      const double low = std::isnan(p.min) ? 0.0 : boost::math::cdf(normal, p.min);
      const double high = std::isnan(p.max) ? 1.0 : boost::math::cdf(normal, p.max);
      const double q = std::clamp(low + u * (high - low), 1e-12, 1 - 1e-12);
      value = boost::math::quantile(normal, q);
      if (!std::isnan(p.min)) value = std::max(value, p.min);
      if (!std::isnan(p.max)) value = std::min(value, p.max);
      break;
    }
  }
  return p.integer ? std::round(value) : value;
}

std::string value_text(const SweepParameter& p, double value) {
  if (p.is_discrete()) return p.values[static_cast<std::size_t>(value)];
  if (p.integer) return fmt::format("{}", std::llround(value));
  return params::format_number(value);
}

std::vector<double> grid_levels(const SweepParameter& p, int default_levels) {
  std::vector<double> levels;
  if (p.is_discrete()) {
    // Cell centres: level j picks value j.
    const auto count = p.values.size();
    for (std::size_t j = 0; j < count; ++j)
      levels.push_back((static_cast<double>(j) + 0.5) / static_cast<double>(count));
    return levels;
  }
  const int count = p.levels > 0 ? p.levels : default_levels;
  if (count == 1) return {0.5};
  for (int j = 0; j < count; ++j) levels.push_back(static_cast<double>(j) / (count - 1));
  return levels;
}

RunSpec SweepPlan::run(std::size_t index) const {
  RunSpec spec;
  const auto replicates = static_cast<std::size_t>(file.replicates);
  spec.index = index;
  spec.point = index / replicates;
  spec.replicate = static_cast<std::uint32_t>(index % replicates);
  spec.seed = seed;
  // Common random numbers: replicate r of every point draws the same numbers; independent:
  // each run its own streams.
  spec.stream_replicate =
      file.seeds == SeedPolicy::kCommon ? spec.replicate : static_cast<std::uint32_t>(index);
  return spec;
}

std::vector<std::string> SweepPlan::overrides(std::size_t point) const {
  std::vector<std::string> result = file.set;
  for (std::size_t j = 0; j < parameters(); ++j) {
    const SweepParameter& p = file.parameters[j];
    result.push_back(p.key + "=" + value_text(p, value(point, j)));
  }
  return result;
}

SweepPlan make_plan(const SweepFile& file, std::uint64_t base_seed) {
  SweepPlan plan;
  plan.file = file;
  plan.seed = file.seed != 0 ? file.seed : base_seed;
  const std::size_t k = file.parameters.size();
  const DesignParams& d = file.design;
  switch (d.type) {
    case DesignType::kGrid: {
      std::vector<std::vector<double>> levels;
      for (const SweepParameter& p : file.parameters) levels.push_back(grid_levels(p, d.levels));
      plan.design = stats::grid_design(levels);
      break;
    }
    case DesignType::kLatinHypercube:
      plan.design = stats::latin_hypercube(static_cast<std::size_t>(d.samples), k, d.seed);
      break;
    case DesignType::kMorris:
      plan.design = stats::morris_design(static_cast<std::size_t>(d.trajectories), k,
                                         static_cast<std::size_t>(d.levels), d.seed);
      break;
    case DesignType::kSobol:
      plan.design = stats::saltelli_design(static_cast<std::size_t>(d.samples), k, d.seed);
      break;
  }
  plan.values.resize(plan.design.rows * k);
  for (std::size_t point = 0; point < plan.design.rows; ++point)
    for (std::size_t j = 0; j < k; ++j)
      plan.values[point * k + j] = value_at(file.parameters[j], plan.design.at(point, j));
  plan.columns = output_columns(file);
  return plan;
}

std::vector<std::string> output_columns(const SweepFile& file) {
  std::vector<std::string> columns;
  for (const std::string& output : file.outputs) {
    if (output == "cost_yen") {
      columns.push_back(output);
      continue;
    }
    for (const std::string& group : file.groups) columns.push_back(output + "." + group);
  }
  return columns;
}

bool group_includes(const std::string& group, int g) {
  // Groups are income_low * 2 + sex (population.hpp).
  const bool low = g / 2 == 1, woman = g % 2 == 1;
  if (group == "all") return true;
  if (group == "men") return !woman;
  if (group == "women") return woman;
  if (group == "low_income") return low;
  if (group == "high_income") return !low;
  return group == kGroupNames[g];
}

GroupSummary group_summary(const RunSummary& summary, const std::string& group) {
  if (group == "all") return summary.total();
  GroupSummary sum;
  for (int g = 0; g < kGroups; ++g)
    if (group_includes(group, g)) sum += summary.groups[g];
  return sum;
}

std::vector<double> run_outputs(const SweepFile& file, const RunSummary& summary,
                                const std::vector<Outcome>& outcomes) {
  std::vector<double> values;
  for (const std::string& output : file.outputs) {
    if (output == "cost_yen") {
      values.push_back(summary.cost_yen);
      continue;
    }
    const Outcome* outcome = find_outcome(outcomes, output);
    if (outcome == nullptr) throw std::invalid_argument("unknown sweep output '" + output + "'");
    for (const std::string& group : file.groups)
      values.push_back(outcome->value(group_summary(summary, group)));
  }
  return values;
}

std::string format_design(const SweepPlan& plan, std::size_t max_points) {
  std::string text = fmt::format("{:>6}", "point");
  std::vector<std::size_t> widths;
  for (const SweepParameter& p : plan.file.parameters) {
    widths.push_back(std::max<std::size_t>(12, p.label().size()));
    text += fmt::format("  {:>{}}", p.label(), widths.back());
  }
  text += "\n";
  const std::size_t shown = std::min(max_points, plan.points());
  for (std::size_t point = 0; point < shown; ++point) {
    text += fmt::format("{:>6}", point);
    for (std::size_t j = 0; j < plan.parameters(); ++j) {
      const SweepParameter& p = plan.file.parameters[j];
      const double value = plan.value(point, j);
      // Six significant digits to read; runs use the exact value.
      const std::string shown =
          p.is_discrete() || p.integer ? value_text(p, value) : fmt::format("{:.6g}", value);
      text += fmt::format("  {:>{}}", shown, widths[j]);
    }
    text += "\n";
  }
  if (shown < plan.points()) text += fmt::format("   ... {} more points\n", plan.points() - shown);
  return text;
}

}  // namespace salonsim::sweep
