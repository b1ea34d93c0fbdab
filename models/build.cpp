#include "models/build.hpp"

#include "models/groups/town_groups.hpp"
#include "models/health/health.hpp"
#include "models/network/contacts.hpp"
#include "models/network/network_builder.hpp"
#include "models/network/tie_turnover.hpp"
#include "models/shops/food_access.hpp"
#include "models/town/demography.hpp"
#include "models/town/town_builder.hpp"
#include "models/welfare/hardship.hpp"

namespace salonsim::models {

std::unique_ptr<Simulation> build_world(const Scenario& scenario, RunIdentity identity) {
  const Clock clock = scenario.clock();
  const double years_per_step = clock.years_per_step();
  const RandomStream town_stream(identity.seed, identity.replicate, kTownStream);
  Population population = build_town(scenario.town, town_stream, clock.steps, years_per_step,
                                     built_in_life_table(scenario.health.mortality.life_table));
  const RandomStream network_stream(identity.seed, identity.replicate, kNetworkStream);
  Network network = build_network(scenario.network, population, network_stream);

  return std::make_unique<Simulation>(identity, clock, std::move(population), std::move(network));
}

std::unique_ptr<Simulation> build_simulation(const Scenario& scenario, RunIdentity identity) {
  auto sim = build_world(scenario, identity);
  sim->add_module(std::make_unique<Demography>(scenario.town.districts));
  sim->add_module(std::make_unique<TieTurnover>(
      scenario.network, built_in_life_table(scenario.health.mortality.life_table)));
  sim->add_module(std::make_unique<FinancialHardship>(scenario.town.hardship));
  sim->add_module(std::make_unique<Contacts>(scenario.network));
  sim->add_module(std::make_unique<Health>(scenario.health, scenario.town.frailty));
  sim->add_module(std::make_unique<FoodAccess>(scenario.town,
                                               scenario.health.certification.hr_poor_food_access));
  BuildContext context(*sim, scenario);
  add_community_groups(context);
  Interventions::build(context, scenario.interventions);
  declare_core_indicators(sim->timeseries());
  sim->add_survey_steps(scenario.survey_steps());
  return sim;
}

}  // namespace salonsim::models
