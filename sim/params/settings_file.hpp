#pragma once
// Reading a settings file that is not a scenario (a sweep, a calibration): its text, its YAML,
// its keys into a parameter table, and the table's rules, with every problem at its position.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "sim/params/diagnostics.hpp"
#include "sim/params/validator.hpp"
#include "sim/params/yaml_loader.hpp"
#include "sim/params/yaml_text.hpp"

namespace salonsim::params {

/// Reads `path` into `settings` (which holds its defaults), keeping the file's text and where
/// each key was set. Throws ScenarioError listing every problem; `kind` names the file in them
/// ("sweep file").
template <class Settings>
void load_settings_file(const std::filesystem::path& path, std::string_view kind,
                        Settings& settings, Locations& locations, std::string& text) {
  Diagnostics diagnostics;
  const std::string name = path.generic_string();
  std::optional<YamlFile> file = read_yaml_file(path, kind, diagnostics);
  if (!file) throw ScenarioError(std::move(diagnostics));
  text = std::move(file->text);
  const YAML::Node root = file->root;
  YamlLoader loader(name, diagnostics, locations);
  loader.apply(root, settings);
  Validator validator(diagnostics, locations);
  validator.check(settings);
  if (!diagnostics.ok()) throw ScenarioError(std::move(diagnostics));
}

}  // namespace salonsim::params
