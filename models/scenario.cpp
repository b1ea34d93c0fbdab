#include "models/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "models/groups/study.hpp"
#include "models/groups/town_groups.hpp"
#include "models/shops/food_access.hpp"
#include "models/welfare/hardship.hpp"
#include "sim/params/emitter.hpp"
#include "sim/params/key_path.hpp"
#include "sim/params/validator.hpp"
#include "sim/params/yaml_loader.hpp"
#include "sim/params/yaml_text.hpp"

namespace salonsim::models {

namespace fs = std::filesystem;
using params::Diagnostics;
using params::Location;

std::string unknown_intervention_message(const std::string& type,
                                         const std::vector<std::string>& known) {
  std::string message = "unknown intervention type '" + type + "'";
  if (known.empty()) return message + "; this version has no intervention types";
  std::string list;
  for (const std::string& t : known) list += (list.empty() ? "" : ", ") + t;
  message += "; known types: " + list;
  if (const std::string near = params::nearest_key(type, known); !near.empty())
    message += "; did you mean '" + near + "'?";
  return message;
}

std::int64_t Scenario::steps() const {
  return std::max<std::int64_t>(1, std::llround(run.steps_asked()));
}

std::vector<std::int64_t> Scenario::survey_steps() const {
  const Clock clock = this->clock();
  std::vector<std::int64_t> steps;
  for (const double years : surveys.years) steps.push_back(clock.step_at(years));
  return steps;
}

namespace {

struct Layer {
  std::string source;  // name in messages
  YAML::Node root;
};

/// Reads `file` and, first, the files it extends (base-most first).
void read_layers(const fs::path& file, std::vector<fs::path>& chain, std::vector<Layer>& layers,
                 Diagnostics& diagnostics, const Location& referenced_from) {
  const std::string name = file.generic_string();
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(file, ec);
  for (const fs::path& seen : chain) {
    if (seen == canonical) {
      std::string cycle;
      for (const fs::path& step : chain) cycle += step.filename().string() + " -> ";
      diagnostics.error(referenced_from, "extends",
                        "extends form a cycle: " + cycle + file.filename().string());
      return;
    }
  }
  std::optional<params::YamlFile> read =
      params::read_yaml_file(file, "scenario file", diagnostics, referenced_from);
  if (!read) return;
  const YAML::Node root = read->root;
  chain.push_back(canonical);
  if (root.IsMap() && root["extends"]) {
    const YAML::Node extends = root["extends"];
    const Location here{name, extends.Mark().line + 1, extends.Mark().column + 1};
    if (!extends.IsScalar() || extends.Scalar().empty()) {
      diagnostics.error(here, "extends", "expected the path of a scenario file");
    } else if (chain.size() > 16) {
      diagnostics.error(here, "extends", "more than 16 levels of extends");
    } else {
      read_layers(file.parent_path() / extends.Scalar(), chain, layers, diagnostics, here);
    }
  }
  layers.push_back({name, root});
}

/// Turns "town.districts[0].radius_m=800" into the YAML tree {town: {districts: {"[0]":
/// {radius_m: 800}}}}.
bool override_layer(const std::string& text, YAML::Node& root, std::string& problem) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    problem = "expected key.path=value, got '" + params::shortened(text) + "'";
    return false;
  }
  const std::string path = text.substr(0, equals);
  const std::optional<std::vector<params::KeyPathPart>> parts = params::parse_key_path(path);
  if (path.size() > params::kMaxKeyPathLength) {
    problem = fmt::format("key path '{}' is longer than any parameter's ({} characters at most)",
                          params::shortened(path), params::kMaxKeyPathLength);
    return false;
  }
  if (!parts) {
    problem = "malformed key path '" + params::shortened(path) +
              "' (expected keys joined by dots, each with optional [index], e.g. "
              "town.districts[0].radius_m)";
    return false;
  }
  params::Diagnostics value_problems;
  const std::optional<YAML::Node> parsed =
      params::parse_yaml_text(text.substr(equals + 1), "--set", value_problems);
  if (!parsed) {
    problem = "cannot read the value in '" + params::shortened(text) +
              "': " + value_problems.issues().front().message;
    return false;
  }
  std::vector<std::string> keys;
  for (const params::KeyPathPart& part : *parts)
    keys.push_back(part.is_index() ? params::index_key(part.index) : part.name);
  YAML::Node value = *parsed;
  YAML::Node node = value;
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    YAML::Node parent(YAML::NodeType::Map);
    parent[*it] = node;
    node = parent;
  }
  root = node;
  return true;
}

}  // namespace

ScenarioFiles::ScenarioFiles(const fs::path& file) {
  std::vector<Layer> layers;
  std::vector<fs::path> chain;
  read_layers(file, chain, layers, diagnostics_, {"command line", 0, 0});
  for (const Layer& layer : layers) {
    params::YamlLoader loader(layer.source, diagnostics_, locations_);
    loader.apply(layer.root, scenario_, {"extends"});
    // A description says what one file represents: a file that extends another and gives none
    // of its own has none, rather than its parent's.
    const bool own_description = layer.root.IsMap() && layer.root["description"];
    if (!own_description) scenario_.description.clear();
  }
}

Scenario ScenarioFiles::with(const std::vector<std::string>& overrides) const {
  Diagnostics diagnostics = diagnostics_;
  params::Locations locations = locations_;
  Scenario scenario = scenario_;
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    YAML::Node root;
    std::string problem;
    const std::string source = "--set " + overrides[i];
    if (!override_layer(overrides[i], root, problem)) {
      diagnostics.error({"--set", 0, 0}, "", problem);
      continue;
    }
    params::YamlLoader loader(source, diagnostics, locations, /*positions=*/false);
    loader.apply(root, scenario);
  }
  // Ranges and rules are checked even after type errors, so every problem is reported at once.
  params::Validator validator(diagnostics, locations);
  validator.check(scenario);
  if (!diagnostics.ok()) throw params::ScenarioError(std::move(diagnostics));
  return scenario;
}

bool in_region_block(std::string_view key_path) {
  return key_path == "region" || key_path.starts_with("region.");
}

ScenarioFiles ScenarioFiles::without_region() const {
  ScenarioFiles files = *this;
  files.scenario_.region = {};
  std::erase_if(files.locations_, [](const auto& entry) { return in_region_block(entry.first); });
  return files;
}

Scenario load_scenario(const fs::path& file, const std::vector<std::string>& overrides) {
  return ScenarioFiles(file).with(overrides);
}

std::string to_yaml(const Scenario& scenario) {
  Scenario copy = scenario;
  YAML::Emitter out;
  out << params::Emitter().emit(copy);
  return std::string(out.c_str()) + "\n";
}

std::vector<params::DictionaryRow> parameter_dictionary() {
  return params::Describer().describe(Scenario{});
}

std::vector<Outcome> outcome_catalogue() {
  std::vector<Outcome> outcomes = core_outcomes();
  for (Outcome& o : Interventions::outcomes()) outcomes.push_back(std::move(o));
  for (Outcome& o : hardship_outcomes()) outcomes.push_back(std::move(o));
  for (Outcome& o : group_outcomes()) outcomes.push_back(std::move(o));
  for (Outcome& o : food_access_outcomes()) outcomes.push_back(std::move(o));
  return outcomes;
}

std::vector<ArmAnalysis> arm_analyses(const Scenario& scenario) {
  std::vector<ArmAnalysis> analyses = Interventions::analyses(scenario.interventions);
  if (const std::vector<GroupKind> kinds = kinds_in(scenario); !kinds.empty())
    analyses.push_back(group_study_analysis(kinds));
  return analyses;
}

}  // namespace salonsim::models
