#pragma once
// Residents who turn 65 during the run enter the town at their entry step.
#include "sim/module.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

class Demography final : public Module {
 public:
  std::string_view name() const override { return "demography"; }
  Phase phase() const override { return Phase::kDemography; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;

 private:
  std::size_t next_entrant_ = 0;  // entrants are stored in entry-step order
};

}  // namespace salonsim::models
