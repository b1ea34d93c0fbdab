#include "models/network/contacts.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>

#include "sim/simulation.hpp"

namespace salonsim::models {

ContactState contact_state(const Population& p, ResidentId id) {
  if (!p.alive[id]) return ContactState::kAbsent;
  return p.certified[id] ? ContactState::kCertified : ContactState::kIndependent;
}

WeeklyContacts weekly_contacts_by_kind(const NetworkParams& params, const Population& p,
                                       const Network& network,
                                       const std::vector<ContactState>& states, ResidentId id,
                                       float activity_contacts_per_week) {
  WeeklyContacts contacts;
  const bool self_certified = p.certified[id] != 0;
  network.for_each_tie(id, [&](ResidentId other, const Tie& tie) {
    const ContactState state = states[other];
    if (tie.kind == TieKind::kSpouse || state == ContactState::kAbsent) return;
    const bool certified = self_certified || state == ContactState::kCertified;
    const double on_tie =
        tie.contacts_per_week * (certified ? params.certified_contact_factor : 1.0);
    (tie.kind == TieKind::kRelative ? contacts.family : contacts.friends) += on_tie;
  });
  contacts.family +=
      p.kin_contacts_per_week[id] * (self_certified ? params.certified_contact_factor : 1.0);
  contacts.friends += activity_contacts_per_week;
  return contacts;
}

double weekly_contacts(const NetworkParams& params, const Population& p, const Network& network,
                       const std::vector<ContactState>& states, ResidentId id,
                       float activity_contacts_per_week) {
  return weekly_contacts_by_kind(params, p, network, states, id, activity_contacts_per_week)
      .total();
}

void Contacts::recompute(Simulation& sim, std::int64_t step, bool everyone) {
  Population& p = sim.population();
  Network& network = sim.network();
  const std::size_t n = p.size();
  states_.resize(n);
  previous_states_.resize(n, ContactState::kAbsent);
  dirty_.resize(n, 0);
  from_ties_friends_.resize(n, 0.0f);
  std::vector<float>& family = p[family_contacts_];
  std::vector<float>& friends = p[friend_contacts_];
  // Who needs their ties summed again: residents whose ties changed, and residents whose state
  // changed together with everyone tied to them. The states in parallel, each chunk listing
  // its changes in id order; the few changes marked serially.
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  changed_.resize(chunks);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t chunk) {
    std::vector<ResidentId>& changed = changed_[chunk];
    changed.clear();
    const std::size_t last = std::min(n, (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < last; ++i) {
      states_[i] = contact_state(p, static_cast<ResidentId>(i));
      if (states_[i] != previous_states_[i]) changed.push_back(static_cast<ResidentId>(i));
    }
  });
  network.drain_changes([&](ResidentId id) { dirty_[id] = 1; });
  if (!everyone) {
    for (const std::vector<ResidentId>& changed : changed_) {
      for (const ResidentId id : changed) {
        dirty_[id] = 1;
        network.for_each_tie(id, [&](ResidentId other, const Tie&) { dirty_[other] = 1; });
      }
    }
  }
  // One pass: the ties' sums of those marked, then everyone's contacts with this step's
  // activities (every source's, summed; they change every step for anyone who takes part).
  const Effects::ContactsView activity = sim.effects().contacts(p);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 2048), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const bool recount = everyone || dirty_[i];
      dirty_[i] = 0;
      if (!p.alive[i]) continue;
      const auto id = static_cast<ResidentId>(i);
      if (recount) {
        const WeeklyContacts from_ties = weekly_contacts_by_kind(params_, p, network, states_, id);
        family[i] = static_cast<float>(from_ties.family);
        from_ties_friends_[i] = static_cast<float>(from_ties.friends);
        if (p.entry_step[i] == step) {
          std::uint32_t degree = 0;
          network.for_each_tie(id, [&](ResidentId other, const Tie&) {
            degree += states_[other] != ContactState::kAbsent;
          });
          p.degree0[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(degree, 65535));
        }
      }
      const double with_friends = static_cast<double>(from_ties_friends_[i]) + activity(i);
      const double contacts = static_cast<double>(family[i]) + with_friends;
      p.weekly_contacts[i] = static_cast<float>(contacts);
      friends[i] = static_cast<float>(with_friends);
      p.isolated[i] = contacts < params_.isolation_threshold_per_week;
      if (recount && p.entry_step[i] == step) p.isolated0[i] = p.isolated[i];
    }
  });
  previous_states_.swap(states_);
}

// Isolation at step 0 is known before the first step, so the health model can use it at init.
void Contacts::init(Simulation& sim) {
  Population& p = sim.population();
  family_contacts_ = p.add_column<float>({.name = "contacts_family_per_week",
                                          .unit = "1/week",
                                          .description = "weekly contacts with family outside "
                                                         "the household (relatives in the town "
                                                         "and family who are not residents)",
                                          .output = false,
                                          .surveyed = true});
  friend_contacts_ = p.add_column<float>({.name = "contacts_friends_per_week",
                                          .unit = "1/week",
                                          .description = "weekly contacts with friends, "
                                                         "neighbours, acquaintances and at "
                                                         "activities",
                                          .output = false,
                                          .surveyed = true});
  recompute(sim, 0, /*everyone=*/true);
}

void Contacts::step(Simulation& sim, std::int64_t step) {
  recompute(sim, step, /*everyone=*/false);
}

}  // namespace salonsim::models
