#pragma once
// Weekly contacts and isolation. Each resident's contacts this step are the contacts on ties
// to residents who are alive (spouses excluded: the JAGES measure counts people outside the
// household), fewer when either is certified, plus contact with family who are not residents.
// Reads only what the previous phases left, writes only its own row.
#include "models/network/network_params.hpp"
#include "sim/module.hpp"
#include "sim/network.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

/// Weekly contacts of one resident with others outside the household.
double weekly_contacts(const NetworkParams& params, const Population& population,
                       const Network& network, ResidentId id);

class Contacts final : public Module {
 public:
  explicit Contacts(NetworkParams params) : params_(std::move(params)) {}
  std::string_view name() const override { return "contacts"; }
  Phase phase() const override { return Phase::kContacts; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;

 private:
  void update(Simulation& sim, std::int64_t step);
  NetworkParams params_;
};

}  // namespace salonsim::models
