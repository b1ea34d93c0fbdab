#include "models/build.hpp"

#include "models/health/health.hpp"
#include "models/network/contacts.hpp"
#include "models/network/network_builder.hpp"
#include "models/salons/activity.hpp"
#include "models/salons/salons.hpp"
#include "models/shops/food_access.hpp"
#include "models/shops/mobile_shop.hpp"
#include "models/town/demography.hpp"
#include "models/town/town_builder.hpp"
#include "models/transport/reach.hpp"
#include "models/transport/shuttle.hpp"

namespace salonsim::models {

void declare_timeseries(Timeseries& ts) {
  // Predicates combine 0/1 columns with & rather than &&: branch-free, as they are asked of
  // every resident every step and the columns' values are unpredictable.
  using P = const Population&;
  ts.declare("alive", "residents alive at the end of the step",
             [](P p, ResidentId i, std::int64_t) { return p.alive[i] != 0; });
  ts.declare("certified", "residents alive and LTC-certified at the end of the step",
             [](P p, ResidentId i, std::int64_t) { return (p.alive[i] & p.certified[i]) != 0; });
  ts.declare("isolated",
             "residents isolated this step (contact with others less than once a week), among "
             "those alive at the end of the step",
             [](P p, ResidentId i, std::int64_t) { return (p.alive[i] & p.isolated[i]) != 0; });
  ts.declare("deaths", "residents who died this step",
             [](P p, ResidentId i, std::int64_t step) { return p.death_step[i] == step; });
  ts.declare("new_certifications", "residents LTC-certified this step",
             [](P p, ResidentId i, std::int64_t step) { return p.disability_step[i] == step; });
  ts.declare(
      "poor_food_access",
      "residents alive at the end of the step who had no food within reach this step",
      [](P p, ResidentId i, std::int64_t) { return (p.alive[i] & p.poor_food_access[i]) != 0; });
  ts.declare("lives_alone", "residents alive at the end of the step who live alone",
             [](P p, ResidentId i, std::int64_t) { return (p.alive[i] & p.lives_alone[i]) != 0; });
  ts.declare("poor_food_access_alone", "of those living alone, poor food access this step",
             [](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & p.lives_alone[i] & p.poor_food_access[i]) != 0;
             });
  ts.declare("alone_no_car",
             "residents alive at the end of the step who live alone and do not drive",
             [](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & p.lives_alone[i] & !drives_now(p, i)) != 0;
             });
  ts.declare("poor_food_access_alone_no_car",
             "of those living alone who do not drive, poor food access this step",
             [](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & p.lives_alone[i] & p.poor_food_access[i] & !drives_now(p, i)) !=
                      0;
             });
}

std::unique_ptr<Simulation> build_world(const Scenario& scenario, RunIdentity identity) {
  const Clock clock = scenario.clock();
  const double years_per_step = clock.years_per_step();
  const RandomStream town_stream(identity.seed, identity.replicate, kTownStream);
  Population population = build_town(scenario.town, town_stream, clock.steps, years_per_step);
  const RandomStream network_stream(identity.seed, identity.replicate, kNetworkStream);
  Network network = build_network(scenario.network, population, network_stream, years_per_step);

  return std::make_unique<Simulation>(identity, clock, std::move(population), std::move(network));
}

std::unique_ptr<Simulation> build_simulation(const Scenario& scenario, RunIdentity identity) {
  auto sim = build_world(scenario, identity);
  sim->add_module(std::make_unique<Demography>());
  sim->add_module(std::make_unique<Contacts>(scenario.network));
  sim->add_module(std::make_unique<Health>(scenario.health));
  sim->add_module(std::make_unique<FoodAccess>(scenario.town));
  // Every mobile shop route in one module, every shuttle service in another; the salons' effects
  // (defaults without a salons intervention) also apply to the drop-by lunch salons.
  std::vector<MobileShopParams> routes;
  std::vector<ShuttleParams> shuttles;
  SalonEffects effects;
  bool salon_sessions = false;
  for (const InterventionSpec& intervention : scenario.interventions) {
    if (intervention.type == "salons") {
      sim->add_module(std::make_unique<Salons>(intervention.salons, scenario.town));
      effects = intervention.salons.effects;
      salon_sessions = true;
    } else if (intervention.type == "mobile_shop") {
      routes.push_back(intervention.mobile_shop);
      for (const MobileShopStop& stop : intervention.mobile_shop.stops)
        salon_sessions = salon_sessions || stop.lunch_salon;
    } else if (intervention.type == "shuttle") {
      shuttles.push_back(intervention.shuttle);
    }
  }
  if (!routes.empty())
    sim->add_module(std::make_unique<MobileShop>(std::move(routes), scenario.town, effects));
  if (!shuttles.empty())
    sim->add_module(std::make_unique<Shuttle>(std::move(shuttles), scenario.town));
  if (salon_sessions) sim->add_module(std::make_unique<SalonActivity>(effects));
  declare_timeseries(sim->timeseries());
  return sim;
}

}  // namespace salonsim::models
