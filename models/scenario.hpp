#pragma once
// A scenario: the description of a run (what was configured), separate from the running
// Simulation (state that changes). Loaded from YAML layers: the files it `extends`, the file
// itself, then --set overrides; validated once on the final values.
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/health/health_params.hpp"
#include "models/network/network_params.hpp"
#include "models/salons/salon_params.hpp"
#include "models/shops/mobile_shop_params.hpp"
#include "models/town/town_params.hpp"
#include "models/transport/shuttle_params.hpp"
#include "sim/params/describer.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

/// Whether text is a calendar date YYYY-MM-DD.
bool is_iso_date(const std::string& text);
/// The message for an intervention type this build does not know, with the nearest known one.
std::string unknown_intervention_message(const std::string& type);

struct RunParams {
  std::uint64_t seed = 1;
  double years = 5;
  std::int32_t days_per_step = 7;
  std::string start_date = "2025-04-01";
};

template <class V>
void visit(V& v, RunParams& p) {
  v.integer("seed", p.seed,
            {.doc = "seed of every random stream (replicate r uses the same "
                    "seed with replicate index r)"});
  v.number(
      "years", p.years,
      {.unit = "years", .doc = "length of the run", .min = 0, .min_exclusive = true, .max = 100});
  v.integer("days_per_step", p.days_per_step,
            {.unit = "days", .doc = "length of one step", .min = 1, .max = 365});
  v.text("start_date", p.start_date, {.doc = "calendar date of step 0 (YYYY-MM-DD), for reports"});
  v.rule("start_date", is_iso_date(p.start_date),
         "must be a date YYYY-MM-DD, got '" + p.start_date + "'");
}

/// One entry of the interventions list: its type, and the fields of that type alongside.
struct InterventionSpec {
  std::string type;
  SalonsParams salons;           // type: salons
  MobileShopParams mobile_shop;  // type: mobile_shop (one route)
  ShuttleParams shuttle;         // type: shuttle (one service)
};

/// Names of the intervention types this build knows.
const std::vector<std::string>& intervention_types();
/// The known type nearest to `type` (salons when nothing is near).
std::string likeliest_intervention_type(const std::string& type);

template <class V>
void visit(V& v, InterventionSpec& p) {
  v.text("type", p.type, {.doc = "intervention type: salons, mobile_shop or shuttle"});
  bool known = false;
  for (const std::string& type : intervention_types()) known = known || type == p.type;
  v.rule("type", known, unknown_intervention_message(p.type));
  // An unknown type is reported once, not with every field beside it: its fields are read as
  // the likeliest type's.
  const std::string type = known ? p.type : likeliest_intervention_type(p.type);
  constexpr bool all = params::kVisitsAllAlternatives<V>;
  if (all || type == "salons") visit(v, p.salons);
  if (all || type == "mobile_shop") visit(v, p.mobile_shop);
  if (all || type == "shuttle") visit(v, p.shuttle);
}

struct Scenario {
  std::string name = "unnamed";
  std::string description;
  RunParams run;
  TownParams town;
  NetworkParams network;
  HealthParams health;
  std::vector<InterventionSpec> interventions;

  /// Number of steps the run lasts.
  std::int64_t steps() const;
  Clock clock() const { return {run.days_per_step, steps()}; }
};

template <class V>
void visit(V& v, Scenario& s) {
  v.text("name", s.name, {.doc = "short name of the scenario, used in reports"});
  v.text("description", s.description, {.doc = "what the scenario represents"});
  v.section("run", s.run);
  v.section("town", s.town);
  v.section("network", s.network);
  v.section("health", s.health);
  v.list("interventions", s.interventions, {.doc = "interventions in the town (none by default)"});
  int salon_programmes = 0;
  for (const InterventionSpec& spec : s.interventions) salon_programmes += spec.type == "salons";
  v.rule("interventions", salon_programmes <= 1,
         "at most one salons intervention (list all venues in it)");
  const auto is_district = [&](const std::string& name) {
    for (const District& d : s.town.districts) {
      if (d.name == name) return true;
    }
    return false;
  };
  for (std::size_t k = 0; k < s.interventions.size(); ++k) {
    if (s.interventions[k].type != "salons") continue;
    const auto& venues = s.interventions[k].salons.venues;
    for (std::size_t j = 0; j < venues.size(); ++j) {
      // Only a venue placed by district (no location_m) must name a district of the town.
      const bool found = !venues[j].location_m.empty() || venues[j].district.empty() ||
                         is_district(venues[j].district);
      v.rule(fmt::format("interventions[{}].venues[{}].district", k, j), found,
             "salon venue '" + venues[j].name + "' names no district of town.districts: '" +
                 venues[j].district + "'");
    }
  }
  for (std::size_t k = 0; k < s.interventions.size(); ++k) {
    const InterventionSpec& spec = s.interventions[k];
    if (spec.type == "mobile_shop") {
      for (std::size_t j = 0; j < spec.mobile_shop.stops.size(); ++j) {
        const MobileShopStop& stop = spec.mobile_shop.stops[j];
        v.rule(fmt::format("interventions[{}].stops[{}].district", k, j),
               !stop.place.location_m.empty() || stop.place.district.empty() ||
                   is_district(stop.place.district),
               "mobile shop stop '" + stop.name + "' names no district of town.districts: '" +
                   stop.place.district + "'");
      }
    } else if (spec.type == "shuttle") {
      for (std::size_t j = 0; j < spec.shuttle.districts.size(); ++j) {
        v.rule(fmt::format("interventions[{}].districts[{}].name", k, j),
               is_district(spec.shuttle.districts[j].name),
               "shuttle '" + spec.shuttle.service.name +
                   "' names no district of town.districts: '" + spec.shuttle.districts[j].name +
                   "'");
      }
    }
  }
}

/// Loads a scenario file, the files it extends, and `overrides` ("key.path=value", applied in
/// order). Throws params::ScenarioError listing every problem.
Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides = {});

/// The scenario with every parameter explicit, as YAML.
std::string to_yaml(const Scenario& scenario);

/// The parameter dictionary of every scenario key.
std::vector<params::DictionaryRow> parameter_dictionary();

}  // namespace salonsim::models
