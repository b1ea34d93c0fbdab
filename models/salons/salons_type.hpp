#pragma once
// Community salons as an intervention type (type: salons): see salons.hpp for the mechanism.
#include <fmt/format.h>

#include <string>

#include "models/intervention_registry.hpp"
#include "models/salons/salon_params.hpp"
#include "models/town/town_params.hpp"

namespace salonsim::models {

template <>
struct InterventionType<SalonsParams> {
  static constexpr std::string_view kName = "salons";
  static constexpr std::string_view kDoc =
      "community salons (kayoinoba): venues, placement, participation and effects";
  static constexpr int kMaxPerScenario = 1;
  static constexpr std::string_view kLimitHint = " (list all venues in it)";

  template <class V, class S>
  static void check(V& v, const SalonsParams& p, const S& scenario, const std::string& at) {
    for (std::size_t j = 0; j < p.venues.size(); ++j) {
      // Only a venue placed by district (no location_m) must name a district of the town.
      const Venue& venue = p.venues[j];
      v.rule(fmt::format("{}.venues[{}].district", at, j),
             names_a_district(scenario.town.districts, venue.location_m, venue.district),
             "salon venue '" + venue.name + "' names no district of town.districts: '" +
                 venue.district + "'");
    }
  }
  static void build(BuildContext& context, const std::vector<const SalonsParams*>& all);
  static std::vector<Outcome> outcomes();
  static std::vector<ArmAnalysis> analyses();
};

}  // namespace salonsim::models
