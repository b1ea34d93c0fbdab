#pragma once
// Transport support as an intervention type (type: shuttle, one service each): see shuttle.hpp
// for the mechanism.
#include <fmt/format.h>

#include <string>

#include "models/intervention_registry.hpp"
#include "models/town/town_params.hpp"
#include "models/transport/shuttle_params.hpp"

namespace salonsim::models {

template <>
struct InterventionType<ShuttleParams> {
  static constexpr std::string_view kName = "shuttle";
  static constexpr std::string_view kDoc =
      "a shuttle service: eligibility, districts served, seats, trips to salons and shops";
  static constexpr int kMaxPerScenario = 0;
  static constexpr std::string_view kLimitHint = "";

  template <class V, class S>
  static void check(V& v, const ShuttleParams& p, const S& scenario, const std::string& at) {
    for (std::size_t j = 0; j < p.districts.size(); ++j) {
      v.rule(fmt::format("{}.districts[{}].name", at, j),
             has_district(scenario.town.districts, p.districts[j].name),
             "shuttle '" + p.service.name + "' names no district of town.districts: '" +
                 p.districts[j].name + "'");
    }
  }
  static void build(BuildContext& context, const std::vector<const ShuttleParams*>& all);
  static std::vector<Outcome> outcomes() { return {}; }
  static std::vector<ArmAnalysis> analyses() { return {}; }
};

}  // namespace salonsim::models
