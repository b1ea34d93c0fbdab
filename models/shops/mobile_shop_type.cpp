#include "models/shops/mobile_shop_type.hpp"

#include "models/groups/activity.hpp"
#include "models/scenario.hpp"
#include "models/shops/mobile_shop.hpp"

namespace salonsim::models {

void InterventionType<MobileShopParams>::build(BuildContext& context,
                                               const std::vector<const MobileShopParams*>& all) {
  // Every route in one module. The drop-by lunch salons have the salons' effects (their
  // defaults without a salons intervention).
  std::vector<MobileShopParams> routes;
  bool lunch_salons = false;
  for (const MobileShopParams* route : all) {
    routes.push_back(*route);
    for (const MobileShopStop& stop : route->stops) lunch_salons = lunch_salons || stop.lunch_salon;
  }
  GroupEffects effects;
  for (const InterventionSpec& spec : context.scenario().interventions) {
    if (const auto* salons = std::get_if<SalonsParams>(&spec)) {
      effects = salons->effects;
      break;
    }
  }
  context.simulation().add_module(
      std::make_unique<MobileShop>(std::move(routes), context.scenario().town, effects));
  if (lunch_salons)
    context.shared<SalonActivity>([&] { return std::make_unique<SalonActivity>(effects); });
}

}  // namespace salonsim::models
