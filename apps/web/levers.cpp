#include "apps/web/levers.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/params/diagnostics.hpp"
#include "sim/params/key_path.hpp"

namespace salonsim::web {

namespace {

using nlohmann::json;

/// A lever of an intervention type: its key within the intervention's entry.
struct LeverTemplate {
  std::string_view type;
  std::string_view key;
  std::string_view label;
  std::string_view kind;
  double min, max, step;
  std::vector<std::string> choices = {};
  /// Offered only when this key of the entry has this value (e.g. placed salons).
  std::string_view only_if_key = {};
  std::string_view only_if_value = {};
};

// The ranges are the demo's: wide enough for a class to see the effect, small enough that every
// value runs at once on a laptop.
const std::vector<LeverTemplate>& templates() {
  static const std::vector<LeverTemplate> all = {
      {"salons",
       "placement.count",
       "Salons placed",
       "integer",
       1,
       60,
       1,
       {},
       "placement.rule",
       "gaps"},
      {"salons",
       "placement.coverage_radius_m",
       "Walking distance a salon serves",
       "integer",
       100,
       2000,
       50,
       {},
       "placement.rule",
       "gaps"},
      {"salons",
       "placement.venue.schedule",
       "How often salons meet",
       "choice",
       0,
       0,
       0,
       {"weekly", "fortnightly", "monthly"},
       "placement.rule",
       "gaps"},
      {"salons",
       "placement.venue.capacity",
       "Places at a session",
       "integer",
       10,
       300,
       10,
       {},
       "placement.rule",
       "gaps"},
      {"salons", "participation.join_odds", "Odds of joining at one session", "number", 0.001, 0.05,
       0.0005},
      {"shuttle", "seats_per_trip", "Seats per trip", "integer", 1, 40, 1},
      {"shuttle", "trips_per_week", "Round trips a week", "integer", 1, 30, 1},
      {"shuttle", "eligibility.min_age", "Youngest rider", "integer", 65, 90, 1},
      {"social_prescribing", "screening.probability_per_visit",
       "Chance a doctor screens at a visit", "number", 0, 1, 0.05},
      {"social_prescribing", "link_workers.teams[0].staff", "Link workers", "integer", 0, 10, 1},
      {"mobile_shop", "lunch_attend_probability", "Chance a customer stays for lunch", "number", 0,
       1, 0.05},
  };
  return all;
}

std::string section_of(std::string_view type) {
  if (type == "salons") return "Salons";
  if (type == "mobile_shop") return "Mobile shop";
  if (type == "shuttle") return "Shuttle";
  if (type == "social_prescribing") return "Social prescribing";
  if (type == "coalition_support") return "Coalition support";
  if (type == "groups") return "New groups";
  std::string section(type);
  for (char& c : section) c = c == '_' ? ' ' : c;
  if (!section.empty()) section[0] = static_cast<char>(std::toupper(section[0]));
  return section;
}

/// The node at a key path such as interventions[0].placement.count in a YAML tree.
YAML::Node find(YAML::Node node, const std::string& path) {
  const std::optional<std::vector<params::KeyPathPart>> parts = params::parse_key_path(path);
  if (!parts) return YAML::Node();
  for (const params::KeyPathPart& part : *parts) {
    if (!node) return node;
    if (!part.is_index()) {
      if (!node.IsMap()) return YAML::Node();
      node.reset(node[part.name]);  // reset: assigning a Node would write into the tree
    } else {
      if (!node.IsSequence() || part.index >= node.size()) return YAML::Node();
      node.reset(node[part.index]);
    }
  }
  return node;
}

/// The dictionary's row of a key path (indices written [] there).
const params::DictionaryRow* dictionary_row(const std::string& path) {
  static const std::vector<params::DictionaryRow> rows = models::parameter_dictionary();
  const std::string generic = params::generic_key_path(path);
  for (const params::DictionaryRow& row : rows) {
    if (row.path == generic) return &row;
  }
  return nullptr;
}

/// A lever for a scenario key, its value read from the resolved scenario.
Lever make_lever(const YAML::Node& resolved, std::string id, std::string_view label,
                 std::string section, std::string_view kind, double min, double max, double step,
                 std::vector<std::string> choices = {}) {
  Lever lever{.id = std::move(id),
              .label = std::string(label),
              .section = std::move(section),
              .kind = std::string(kind),
              .min = min,
              .max = max,
              .step = step,
              .choices = std::move(choices)};
  if (const params::DictionaryRow* row = dictionary_row(lever.id)) {
    lever.unit = row->unit;
    lever.help = row->doc;
  }
  const YAML::Node node = find(resolved, lever.id);
  if (node && node.IsScalar()) {
    if (lever.kind == "choice") {
      lever.value = node.Scalar();
    } else {
      const double value = node.as<double>();
      lever.value = lever.kind == "integer" ? json(static_cast<std::int64_t>(value)) : json(value);
      // A scenario's own value is always in reach of its slider.
      lever.min = std::min(lever.min, value);
      lever.max = std::max(lever.max, value);
    }
  }
  return lever;
}

bool is_number(const json& value) {
  return value.is_number() && std::isfinite(value.get<double>());
}

}  // namespace

std::vector<Lever> levers_for(const models::Scenario& scenario) {
  const YAML::Node resolved = YAML::Load(models::to_yaml(scenario));
  std::vector<Lever> levers;
  levers.push_back(make_lever(resolved, "town.population", "Residents aged 65+", "Town", "integer",
                              1000, kMaxDemoPopulation, 1000));
  levers.push_back(make_lever(resolved, "run.seed", "Seed (another town, the same rules)", "Town",
                              "integer", 1, 2147483647, 1));
  for (std::size_t k = 0; k < scenario.interventions.size(); ++k) {
    const std::string_view type = models::Interventions::name_of(scenario.interventions[k]);
    const std::string entry = "interventions" + params::index_key(k);
    const std::string section = section_of(type);
    levers.push_back({.id = entry + ".on",
                      .label = "On",
                      .section = section,
                      .kind = "switch",
                      .help = "whether the town has this intervention in the arm with it",
                      .value = true});
    for (const LeverTemplate& t : templates()) {
      if (t.type != type) continue;
      if (!t.only_if_key.empty()) {
        const YAML::Node condition = find(resolved, entry + "." + std::string(t.only_if_key));
        if (!condition || !condition.IsScalar() || condition.Scalar() != t.only_if_value) continue;
      }
      Lever lever = make_lever(resolved, entry + "." + std::string(t.key), t.label, section, t.kind,
                               t.min, t.max, t.step, t.choices);
      if (!lever.value.is_null()) levers.push_back(std::move(lever));
    }
  }
  return levers;
}

std::vector<std::string> apply_values(std::vector<Lever>& levers, const json& values) {
  std::vector<std::string> problems;
  if (!values.is_object()) return {"values: expected an object of lever id: value"};
  std::vector<Lever> applied = levers;
  std::vector<std::string> ids;
  for (const Lever& lever : levers) ids.push_back(lever.id);
  for (const auto& [id, value] : values.items()) {
    Lever* lever = nullptr;
    for (Lever& candidate : applied) {
      if (candidate.id == id) lever = &candidate;
    }
    if (!lever) {
      const std::string nearest = params::nearest_key(id, ids);
      problems.push_back(id + ": no such lever" +
                         (nearest.empty() ? "" : "; did you mean '" + nearest + "'?"));
      continue;
    }
    if (lever->kind == "switch") {
      if (!value.is_boolean()) {
        problems.push_back(id + ": expected true or false, got " + value.dump());
        continue;
      }
    } else if (lever->kind == "choice") {
      if (!value.is_string()) {
        problems.push_back(id + ": expected one of the choices as text, got " + value.dump());
        continue;
      }
      // Whether it is one of the choices is the scenario validation's to say.
    } else {
      if (!is_number(value)) {
        problems.push_back(id + ": expected a number, got " + value.dump());
        continue;
      }
      const double v = value.get<double>();
      if (lever->kind == "integer" && v != std::floor(v)) {
        problems.push_back(id + ": expected a whole number, got " + value.dump());
        continue;
      }
      if (v < lever->min || v > lever->max) {
        problems.push_back(fmt::format("{}: the demo allows {} to {}, got {}", id, lever->min,
                                       lever->max, value.dump()));
        continue;
      }
    }
    lever->value = lever->kind == "integer" ? json(value.get<std::int64_t>()) : value;
  }
  if (problems.empty()) levers = std::move(applied);
  return problems;
}

std::vector<std::string> overrides_of(const std::vector<Lever>& levers) {
  std::vector<std::string> overrides;
  for (const Lever& lever : levers) {
    if (lever.kind == "switch" || lever.value.is_null()) continue;
    if (lever.kind == "choice") {
      // Quoted, so that no text can be read as YAML structure.
      YAML::Emitter quoted;
      quoted << YAML::DoubleQuoted << lever.value.get<std::string>();
      overrides.push_back(lever.id + "=" + quoted.c_str());
    } else if (lever.kind == "integer") {
      overrides.push_back(fmt::format("{}={}", lever.id, lever.value.get<std::int64_t>()));
    } else {
      overrides.push_back(fmt::format("{}={}", lever.id, lever.value.get<double>()));
    }
  }
  return overrides;
}

bool switched_on(const std::vector<Lever>& levers, std::size_t k) {
  const std::string id = "interventions" + params::index_key(k) + ".on";
  for (const Lever& lever : levers) {
    if (lever.id == id) return lever.value.get<bool>();
  }
  return true;
}

json to_json(const Lever& lever) {
  json out = {{"id", lever.id},      {"label", lever.label}, {"section", lever.section},
              {"kind", lever.kind},  {"unit", lever.unit},   {"help", lever.help},
              {"value", lever.value}};
  if (lever.kind == "integer" || lever.kind == "number") {
    out["min"] = lever.min;
    out["max"] = lever.max;
    out["step"] = lever.step;
  }
  if (lever.kind == "choice") out["choices"] = lever.choices;
  return out;
}

}  // namespace salonsim::web
