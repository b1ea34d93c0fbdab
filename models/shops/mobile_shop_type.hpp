#pragma once
// The mobile shop as an intervention type (type: mobile_shop, one route each): see
// mobile_shop.hpp for the mechanism.
#include <fmt/format.h>

#include <string>

#include "models/intervention_registry.hpp"
#include "models/shops/mobile_shop_params.hpp"
#include "models/town/town_params.hpp"

namespace salonsim::models {

class MobileShop;

/// Adds the mobile-shop mechanism with `routes` and, when `lunch_salons`, the salons' effects
/// for the drop-by lunch salons (the type's build, and a coalition that may start a route later).
MobileShop& add_mobile_shop(BuildContext& context, std::vector<MobileShopParams> routes,
                            bool lunch_salons);

template <>
struct InterventionType<MobileShopParams> {
  static constexpr std::string_view kName = "mobile_shop";
  static constexpr std::string_view kDoc =
      "a mobile shop route: stops, weekdays, customers per visit, drop-by lunch salons";
  static constexpr int kMaxPerScenario = 0;
  static constexpr std::string_view kLimitHint = "";

  template <class V, class S>
  static void check(V& v, const MobileShopParams& p, const S& scenario, const std::string& at) {
    for (std::size_t j = 0; j < p.stops.size(); ++j) {
      const MobileShopStop& stop = p.stops[j];
      v.rule(fmt::format("{}.stops[{}].district", at, j),
             names_a_district(scenario.town.districts, stop.place.location_m, stop.place.district),
             "mobile shop stop '" + stop.name + "' names no district of town.districts: '" +
                 stop.place.district + "'");
    }
  }
  static void build(BuildContext& context, const std::vector<const MobileShopParams*>& all);
  static std::vector<Outcome> outcomes() { return {}; }
  static std::vector<ArmAnalysis> analyses() { return {}; }
};

}  // namespace salonsim::models
