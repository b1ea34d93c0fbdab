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

double residents_at_most(const Scenario& scenario) {
  const auto& entrants = scenario.town.entrants;
  const double growth = entrants.enabled ? entrants.per_year_share * scenario.run.years : 0.0;
  return static_cast<double>(scenario.town.population) * (1.0 + growth);
}

std::uint64_t run_memory_bytes(const Scenario& scenario) {
  // 690 bytes a resident were measured with the default ties (4.2) and spare slots (4).
  constexpr double kBytesPerResident = 560, kBytesPerTie = 16, kMargin = 1.25;
  constexpr double kBytesPerRun = 32e6;  // the program, its tables and threads
  const NetworkParams& n = scenario.network;
  double ties = 0;
  for (const TieFormation* kind : {static_cast<const TieFormation*>(&n.friends),
                                   static_cast<const TieFormation*>(&n.neighbours),
                                   static_cast<const TieFormation*>(&n.relatives)})
    ties += (kind->mean_ties.men + kind->mean_ties.women) / 2;
  // Spare slots are allocated per resident for ties that form during the run.
  ties += static_cast<double>(n.spare_tie_slots);
  const double bytes = kBytesPerRun + residents_at_most(scenario) *
                                          (kBytesPerResident + kBytesPerTie * ties) * kMargin;
  return static_cast<std::uint64_t>(bytes);
}

std::uint64_t kept_record_bytes(const Scenario& scenario) {
  constexpr double kBytesPerResident = 160, kMargin = 1.25;
  return static_cast<std::uint64_t>(residents_at_most(scenario) * kBytesPerResident * kMargin);
}

}  // namespace salonsim::models
