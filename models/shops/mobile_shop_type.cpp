#include "models/shops/mobile_shop_type.hpp"

#include "models/groups/activity.hpp"
#include "models/scenario.hpp"
#include "models/shops/mobile_shop.hpp"

namespace salonsim::models {

MobileShop& add_mobile_shop(BuildContext& context, std::vector<MobileShopParams> routes,
                            bool lunch_salons) {
  // The drop-by lunch salons have the salons' effects (their defaults without a salons
  // intervention).
  GroupEffects effects;
  for (const InterventionSpec& spec : context.scenario().interventions) {
    if (const auto* salons = std::get_if<SalonsParams>(&spec)) {
      effects = salons->effects;
      break;
    }
  }
  auto shop = std::make_unique<MobileShop>(std::move(routes), context.scenario().town, effects);
  MobileShop& added = *shop;
  context.simulation().add_module(std::move(shop));
  if (lunch_salons)
    context.shared<SalonActivity>([&] { return std::make_unique<SalonActivity>(effects); });
  return added;
}

void InterventionType<MobileShopParams>::build(BuildContext& context,
                                               const std::vector<const MobileShopParams*>& all) {
  // Every route in one module.
  std::vector<MobileShopParams> routes;
  bool lunch_salons = false;
  for (const MobileShopParams* route : all) {
    routes.push_back(*route);
    for (const MobileShopStop& stop : route->stops) lunch_salons = lunch_salons || stop.lunch_salon;
  }
  add_mobile_shop(context, std::move(routes), lunch_salons);
}

}  // namespace salonsim::models
