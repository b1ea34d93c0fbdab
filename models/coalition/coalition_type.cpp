#include "models/coalition/coalition_type.hpp"

#include <algorithm>

#include "models/coalition/coalition.hpp"
#include "models/groups/groups.hpp"
#include "models/groups/town_groups.hpp"
#include "models/scenario.hpp"
#include "models/shops/mobile_shop.hpp"
#include "models/shops/mobile_shop_type.hpp"

namespace salonsim::models {

void InterventionType<CoalitionSupportParams>::build(
    BuildContext& context, const std::vector<const CoalitionSupportParams*>& all) {
  const Scenario& scenario = context.scenario();
  Simulation& sim = context.simulation();
  // A mobile shop the coalition may start needs the shop mechanism (an empty one if the
  // scenario runs none), and its lunch salons need the salons' effects.
  if (all.front()->actions.mobile_shop.terms.enabled && sim.modules_of_type<MobileShop>().empty())
    add_mobile_shop(context, {}, /*lunch_salons=*/true);
  // The groups the coalition starts are new groups, joined beside the town's own: one module
  // per kind it may start, with the kind's participation and no venues until it acts.
  const CoalitionSupportParams& p = *all.front();
  std::vector<std::string> kinds;
  for (const GroupAction* action : {&p.actions.new_group, &p.actions.mens_group}) {
    if (action->terms.enabled && std::find(kinds.begin(), kinds.end(), action->kind) == kinds.end())
      kinds.push_back(action->kind);
  }
  const std::vector<AnyGroup*> any = sim.modules_of_type<AnyGroup>();
  for (const std::string& name : kinds) {
    auto groups = groups_of_kind(scenario, *group_kind_of(name), /*from_nothing=*/true);
    groups->labelled(coalition_group_label(groups->kind()));
    for (AnyGroup* counter : any) counter->count_members_of(groups->own_column("{}_member"));
    sim.add_module(std::move(groups));
  }
  sim.add_module(std::make_unique<CoalitionSupport>(p, scenario.town));
}

}  // namespace salonsim::models
