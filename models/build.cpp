#include "models/build.hpp"

#include "models/health/health.hpp"
#include "models/network/contacts.hpp"
#include "models/network/network_builder.hpp"
#include "models/shops/food_access.hpp"
#include "models/town/demography.hpp"
#include "models/town/town_builder.hpp"

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
  sim->add_module(std::make_unique<FoodAccess>(scenario.town,
                                               scenario.health.certification.hr_poor_food_access));
  BuildContext context(*sim, scenario);
  Interventions::build(context, scenario.interventions);
  declare_timeseries(sim->timeseries());
  return sim;
}

}  // namespace salonsim::models
