#include "models/network/contacts.hpp"

#include <tbb/parallel_for.h>

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
  dirty_.resize(n, 0);
  previous_activity_.resize(n, 0.0f);
  std::vector<float>& family = p[family_contacts_];
  std::vector<float>& friends = p[friend_contacts_];
  // Contacts from activities, summed over every source (salons, groups, ...).
  const Effects::ContactsView activity = sim.effects().contacts(p);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 8192), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      states_[i] = contact_state(p, static_cast<ResidentId>(i));
    }
  });
  // Who needs recomputing: residents whose ties changed, and residents whose state changed
  // together with everyone tied to them. Marked serially; there are few each step.
  network.drain_changes([&](ResidentId id) { dirty_[id] = 1; });
  if (!everyone) {
    for (std::size_t i = 0; i < n; ++i) {
      if (activity(i) != previous_activity_[i]) dirty_[i] = 1;
      if (states_[i] == previous_states_[i]) continue;
      dirty_[i] = 1;
      network.for_each_tie(static_cast<ResidentId>(i),
                           [&](ResidentId other, const Tie&) { dirty_[other] = 1; });
    }
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 2048), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      if (!everyone && !dirty_[i]) continue;
      dirty_[i] = 0;
      const float from_activities = activity(i);
      previous_activity_[i] = from_activities;
      if (!p.alive[i]) continue;
      const auto id = static_cast<ResidentId>(i);
      const WeeklyContacts by_kind =
          weekly_contacts_by_kind(params_, p, network, states_, id, from_activities);
      const double contacts = by_kind.total();
      p.weekly_contacts[i] = static_cast<float>(contacts);
      family[i] = static_cast<float>(by_kind.family);
      friends[i] = static_cast<float>(by_kind.friends);
      p.isolated[i] = contacts < params_.isolation_threshold_per_week;
      if (p.entry_step[i] == step) {
        std::uint32_t degree = 0;
        network.for_each_tie(id, [&](ResidentId other, const Tie&) {
          degree += states_[other] != ContactState::kAbsent;
        });
        p.degree0[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(degree, 65535));
        p.isolated0[i] = p.isolated[i];
      }
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
