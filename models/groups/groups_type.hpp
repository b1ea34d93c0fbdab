#pragma once
// New community groups as an intervention type (type: groups): venues of a kind that the
// scenario opens, joined to the town's groups of that kind (see town_groups.hpp, groups.hpp).
#include <fmt/format.h>

#include <string>

#include "models/groups/group_params.hpp"
#include "models/intervention_registry.hpp"
#include "models/town/town_params.hpp"

namespace salonsim::models {

template <>
struct InterventionType<NewGroupsParams> {
  static constexpr std::string_view kName = "groups";
  static constexpr std::string_view kDoc =
      "new community groups of a kind (sports, hobby, volunteer, senior club, neighbourhood "
      "association): venues listed or placed, optionally aimed at men";
  static constexpr int kMaxPerScenario = 0;
  static constexpr std::string_view kLimitHint = "";

  template <class V, class S>
  static void check(V& v, const NewGroupsParams& p, const S& scenario, const std::string& at) {
    for (std::size_t j = 0; j < p.opens.venues.size(); ++j) {
      const Venue& venue = p.opens.venues[j];
      v.rule(fmt::format("{}.opens.venues[{}].district", at, j),
             names_a_district(scenario.town.districts, venue.location_m, venue.district),
             "group venue '" + venue.name + "' names no district of town.districts: '" +
                 venue.district + "'");
    }
  }
  /// The new venues join their kind's one module, which the town's groups build (for a kind
  /// the town does not have, a module of its own with the kind's participation and effects):
  /// see add_community_groups. Nothing more to add here.
  static void build(BuildContext&, const std::vector<const NewGroupsParams*>&) {}
  static std::vector<Outcome> outcomes() { return {}; }
  static std::vector<ArmAnalysis> analyses() { return {}; }
};

}  // namespace salonsim::models
