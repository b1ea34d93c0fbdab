#pragma once
// Turns a scenario (description) into a running simulation: builds the town and network, adds
// the mechanisms every run has (demography, contacts, health, food access), then each
// intervention through the registry (models/interventions.hpp).
#include <cstdint>
#include <memory>

#include "models/scenario.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

/// Builds the town and its network for one replicate, with no mechanisms added yet.
std::unique_ptr<Simulation> build_world(const Scenario& scenario, RunIdentity identity);

/// Builds a ready-to-run simulation for one replicate of a scenario.
std::unique_ptr<Simulation> build_simulation(const Scenario& scenario, RunIdentity identity);

/// Peak bytes of one run of `scenario`, from measured figures (peak RSS of runs of 100,000 and
/// 200,000 residents with every mechanism on: about 690 bytes a resident with the default ties,
/// and 16 for each tie or spare tie slot more), with a margin of a quarter. Residents who enter
/// during the run count too.
std::uint64_t run_memory_bytes(const Scenario& scenario);

/// Residents a run of `scenario` holds at its end: the starting population and those who enter.
double residents_at_most(const Scenario& scenario);

/// Bytes of the record a finished run of `scenario` hands to a comparison's analyses (its
/// residents' outcomes and the survey waves the analyses asked for; measured at about 160 a
/// resident). Alive with its run: the analyses keep only what they need of it.
std::uint64_t kept_record_bytes(const Scenario& scenario);

}  // namespace salonsim::models
