#pragma once
// The levers a class can move in the teaching demo: sliders, switches and choices, each one a
// scenario key (or an intervention's on/off switch). A value a page sends is checked here
// against the lever (its kind and the demo's range), then turned into a --set override, so it
// passes the same validation as a YAML file before anything runs.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace salonsim::web {

/// Residents of the largest town the demo runs: keeps a session's memory and a frame's size
/// bounded (about 10 MB and 40 kB per arm).
inline constexpr double kMaxDemoPopulation = 20000;

struct Lever {
  std::string id = {};       // scenario key path, or interventions[k].on for a switch
  std::string label = {};    // what the page shows
  std::string section = {};  // the page groups levers by section: the town, then each intervention
  std::string kind = {};     // integer, number, switch or choice
  double min = 0, max = 0, step = 1;
  std::vector<std::string> choices = {};
  std::string unit = {};  // from the parameter dictionary
  std::string help = {};  // from the parameter dictionary (or the switch's own text)
  nlohmann::json value = {};
};

/// The levers of a scenario, with its values: the town's size and seed, then for each
/// intervention a switch and the levers of its type.
std::vector<Lever> levers_for(const models::Scenario& scenario);

/// Applies `values` (lever id -> value) to `levers`: each id must be a lever's and each value of
/// its kind and within its range. Returns the problems, one per bad value ("id: message"); on
/// any problem `levers` is unchanged.
std::vector<std::string> apply_values(std::vector<Lever>& levers, const nlohmann::json& values);

/// The --set overrides that give the scenario the levers' values (switches excepted).
std::vector<std::string> overrides_of(const std::vector<Lever>& levers);

/// Whether intervention k is switched on (true when it has no switch).
bool switched_on(const std::vector<Lever>& levers, std::size_t k);

nlohmann::json to_json(const Lever& lever);

}  // namespace salonsim::web
