#include "models/network/contacts.hpp"

#include <tbb/parallel_for.h>

#include "sim/simulation.hpp"

namespace salonsim::models {

double weekly_contacts(const NetworkParams& params, const Population& p, const Network& network,
                       ResidentId id) {
  double contacts = 0;
  const bool self_certified = p.certified[id] != 0;
  network.for_each_tie(id, [&](ResidentId other, const Tie& tie) {
    if (tie.kind == TieKind::kSpouse || !p.alive[other]) return;
    const bool certified = self_certified || p.certified[other];
    contacts += tie.contacts_per_week * (certified ? params.certified_contact_factor : 1.0);
  });
  return contacts + p.kin_contacts_per_week[id] * (self_certified ? params.certified_contact_factor : 1.0);
}

void Contacts::update(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const Network& network = sim.network();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, p.size(), 2048), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      if (!p.alive[i]) continue;
      const auto id = static_cast<ResidentId>(i);
      const double contacts = weekly_contacts(params_, p, network, id);
      p.weekly_contacts[i] = static_cast<float>(contacts);
      p.isolated[i] = contacts < params_.isolation_threshold_per_week;
      if (p.entry_step[i] == step) {
        std::uint32_t degree = 0;
        network.for_each_tie(id, [&](ResidentId other, const Tie&) { degree += p.alive[other]; });
        p.degree0[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(degree, 65535));
        p.isolated0[i] = p.isolated[i];
      }
    }
  });
}

// Isolation at step 0 is known before the first step, so the health model can use it at init.
void Contacts::init(Simulation& sim) { update(sim, 0); }

void Contacts::step(Simulation& sim, std::int64_t step) { update(sim, step); }

}  // namespace salonsim::models
