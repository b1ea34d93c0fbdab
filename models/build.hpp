#pragma once
// Turns a scenario (description) into a running simulation: builds the town and network, adds
// the mechanisms every run has (demography, contacts, health, food access), then each
// intervention through the registry (models/interventions.hpp).
#include <memory>

#include "models/scenario.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

/// Builds the town and its network for one replicate, with no mechanisms added yet.
std::unique_ptr<Simulation> build_world(const Scenario& scenario, RunIdentity identity);

/// Builds a ready-to-run simulation for one replicate of a scenario.
std::unique_ptr<Simulation> build_simulation(const Scenario& scenario, RunIdentity identity);

}  // namespace salonsim::models
