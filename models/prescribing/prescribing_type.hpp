#pragma once
// Social prescribing as an intervention type (type: social_prescribing, one per scenario): see
// social_prescribing.hpp for the mechanism.
#include <fmt/format.h>

#include <string>

#include "models/intervention_registry.hpp"
#include "models/prescribing/prescribing_params.hpp"
#include "models/prescribing/social_prescribing.hpp"

namespace salonsim::models {

template <>
struct InterventionType<SocialPrescribingParams> {
  static constexpr std::string_view kName = "social_prescribing";
  static constexpr std::string_view kDoc =
      "doctors at clinics screen patients with the 4-item scale; link workers refer positive "
      "ones to a group, the mobile shop, the shuttle or welfare counselling within reach";
  static constexpr int kMaxPerScenario = 1;
  static constexpr std::string_view kLimitHint = " (one programme: list its clinics and teams)";

  template <class V, class S>
  static void check(V& v, const SocialPrescribingParams& p, const S& scenario,
                    const std::string& at) {
    for (std::size_t k = 0; k < p.clinics.listed.size(); ++k) {
      const Place& place = p.clinics.listed[k].place;
      v.rule(fmt::format("{}.clinics.listed[{}].district", at, k),
             names_a_district(scenario.town.districts, place.location_m, place.district),
             "clinic '" + p.clinics.listed[k].name + "' names no district of town.districts: '" +
                 place.district + "'");
    }
    for (std::size_t t = 0; t < p.link_workers.teams.size(); ++t) {
      const auto& names = p.link_workers.teams[t].districts;
      for (std::size_t j = 0; j < names.size(); ++j) {
        v.rule(fmt::format("{}.link_workers.teams[{}].districts[{}]", at, t, j),
               has_district(scenario.town.districts, names[j]),
               "team '" + p.link_workers.teams[t].name +
                   "' names no district of "
                   "town.districts: '" +
                   names[j] + "'");
      }
    }
  }
  static void build(BuildContext& context, const std::vector<const SocialPrescribingParams*>& all);
  static std::vector<Outcome> outcomes() { return social_prescribing_outcomes(); }
  static std::vector<ArmAnalysis> analyses() { return {}; }
};

}  // namespace salonsim::models
