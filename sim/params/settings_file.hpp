#pragma once
// Reading a settings file that is not a scenario (a sweep, a calibration): its text, its YAML,
// its keys into a parameter table, and the table's rules, with every problem at its position.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "sim/params/diagnostics.hpp"
#include "sim/params/validator.hpp"
#include "sim/params/yaml_loader.hpp"

namespace salonsim::params {

/// Reads `path` into `settings` (which holds its defaults), keeping the file's text and where
/// each key was set. Throws ScenarioError listing every problem; `kind` names the file in them
/// ("sweep file").
template <class Settings>
void load_settings_file(const std::filesystem::path& path, std::string_view kind,
                        Settings& settings, Locations& locations, std::string& text) {
  Diagnostics diagnostics;
  const std::string name = path.generic_string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) || std::filesystem::is_directory(path, ec)) {
    diagnostics.error(
        {"command line", 0, 0}, "",
        "cannot read " + std::string(kind) + " '" + name + "': " +
            (std::filesystem::is_directory(path, ec) ? "it is a directory" : "no such file"));
    throw ScenarioError(std::move(diagnostics));
  }
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    text = read.str();
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diagnostics.error({name, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax: " + e.msg);
    throw ScenarioError(std::move(diagnostics));
  }
  YamlLoader loader(name, diagnostics, locations);
  loader.apply(root, settings);
  Validator validator(diagnostics, locations);
  validator.check(settings);
  if (!diagnostics.ok()) throw ScenarioError(std::move(diagnostics));
}

}  // namespace salonsim::params
