#include "models/town/demography.hpp"

#include "sim/simulation.hpp"

namespace salonsim::models {

void Demography::init(Simulation& sim) {
  const Population& p = sim.population();
  next_entrant_ = 0;
  while (next_entrant_ < p.size() && p.entry_step[next_entrant_] == 0) ++next_entrant_;
}

void Demography::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  while (next_entrant_ < p.size() && p.entry_step[next_entrant_] <= step) {
    p.alive[next_entrant_] = 1;
    ++next_entrant_;
  }
}

}  // namespace salonsim::models
