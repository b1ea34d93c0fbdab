#include "models/network/contacts.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <span>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sim/rows_where.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

ContactState contact_state(const Population& p, ResidentId id) {
  // kAbsent (0) for the dead, else kIndependent (2) less one if certified: arithmetic, not
  // branches, as it is asked of every resident every step in no pattern.
  const int alive = p.alive[id] != 0, certified = p.certified[id] != 0;
  return static_cast<ContactState>(alive * (2 - certified));
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
  // Every row has a state (ties may name any), but only the rows entered can have changed or be
  // alive: the passes stop there.
  states_.resize(p.size(), ContactState::kAbsent);
  dirty_.resize(p.size(), 0);
  from_ties_friends_.resize(p.size(), 0.0f);
  const std::size_t n = p.entered_by(step);
  std::vector<float>& family = p[family_contacts_];
  std::vector<float>& friends = p[friend_contacts_];
  // Who needs their ties summed again: residents whose ties changed, and residents whose state
  // changed together with everyone tied to them. The states in parallel, each chunk listing
  // its changes in id order; the few changes marked serially.
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  changed_.resize(chunks);
  // When everyone is recounted (at the start), no change is listed, and the lists and the
  // network's list of changes give back the room the set-up's changes took.
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t chunk) {
    std::vector<ResidentId>& changed = changed_[chunk];
    if (everyone) {
      std::vector<ResidentId>().swap(changed);
    } else {
      changed.clear();
    }
    const std::size_t last = std::min(n, (chunk + 1) * kChunk);
    std::size_t i = chunk * kChunk;
#if defined(__SSE2__)
    // Sixteen residents' states at a time, by contact_state's arithmetic on bytes; the few that
    // changed found from the pattern of those that did not.
    const __m128i zero = _mm_setzero_si128(), one = _mm_set1_epi8(1), two = _mm_set1_epi8(2);
    for (; i + 16 <= last; i += 16) {
      const auto at = [](const std::uint8_t* bytes) {
        return reinterpret_cast<const __m128i*>(bytes);
      };
      const __m128i living =
          _mm_cmpeq_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(at(&p.alive[i])), zero), zero);
      const __m128i certified = _mm_and_si128(
          _mm_cmpeq_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(at(&p.certified[i])), zero), zero), one);
      const __m128i state = _mm_and_si128(living, _mm_sub_epi8(two, certified));
      auto* states = reinterpret_cast<__m128i*>(&states_[i]);
      if (!everyone) {
        std::uint32_t differ = ~static_cast<std::uint32_t>(_mm_movemask_epi8(
                                   _mm_cmpeq_epi8(state, _mm_loadu_si128(states)))) &
                               0xFFFFu;
        for (; differ != 0; differ &= differ - 1)
          changed.push_back(
              static_cast<ResidentId>(i + static_cast<std::size_t>(__builtin_ctz(differ))));
      }
      _mm_storeu_si128(states, state);
    }
#endif
    for (; i < last; ++i) {
      const ContactState state = contact_state(p, static_cast<ResidentId>(i));
      if (!everyone && state != states_[i]) changed.push_back(static_cast<ResidentId>(i));
      states_[i] = state;
    }
  });
  network.drain_changes([&](ResidentId id) { dirty_[id] = 1; });
  if (everyone) {
    network.release_drained_changes();
  } else {
    for (const std::vector<ResidentId>& changed : changed_) {
      for (const ResidentId id : changed) {
        dirty_[id] = 1;
        network.for_each_tie(id, [&](ResidentId other, const Tie&) { dirty_[other] = 1; });
      }
    }
  }
  // One pass, a block at a time: the ties' sums of those marked, then everyone's contacts with
  // this step's activities (every source's, summed a source at a time; they change every step
  // for anyone who takes part), without a branch so that the loops vectorise (the dead keep
  // what they had).
  const Effects::ContactsView activity = sim.effects().contacts(p);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 2048), [&](const auto& range) {
    constexpr std::size_t kBlock = 256;
    std::array<float, kBlock> from_activities;
    std::array<std::uint16_t, kBlock> entered;  // recounted residents who entered this step
    // Those to recount: the marked (few), or when everyone is, the living; found sixteen rows
    // at a time.
    std::array<std::uint16_t, kBlock + kRowsWhereSlack> recounted;
    const std::uint8_t* alive = p.alive.data();
    const float* family_sums = family.data();
    const float* friends_sums = from_ties_friends_.data();
    float* weekly = p.weekly_contacts.data();
    float* with_friends = friends.data();
    std::uint8_t* isolated = p.isolated.data();
    const double threshold = params_.isolation_threshold_per_week;
    for (std::size_t first = range.begin(); first < range.end(); first += kBlock) {
      const std::size_t count = std::min(kBlock, range.end() - first);
      std::size_t entered_count = 0;
      const std::size_t recount_count =
          rows_where_nonzero((everyone ? alive : dirty_.data()) + first, count, recounted.data());
      for (std::size_t t = 0; t < recount_count; ++t) {
        const std::size_t i = first + recounted[t];
        const std::size_t j = recounted[t];
        dirty_[i] = 0;
        if (!alive[i]) continue;
        const auto id = static_cast<ResidentId>(i);
        const WeeklyContacts from_ties = weekly_contacts_by_kind(params_, p, network, states_, id);
        family[i] = static_cast<float>(from_ties.family);
        from_ties_friends_[i] = static_cast<float>(from_ties.friends);
        if (p.entry_step[i] == step) {
          std::uint32_t degree = 0;
          network.for_each_tie(id, [&](ResidentId other, const Tie&) {
            degree += states_[other] != ContactState::kAbsent;
          });
          p.degree0[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(degree, 65535));
          entered[entered_count++] = static_cast<std::uint16_t>(j);
        }
      }
      // Marks left on rows not listed (all but the living's, when everyone was recounted).
      if (everyone) std::fill_n(dirty_.begin() + static_cast<std::ptrdiff_t>(first), count, 0);
      activity.sum_into(first, std::span(from_activities.data(), count));
      for (std::size_t j = 0; j < count; ++j) {
        const std::size_t i = first + j;
        const double friends_now = static_cast<double>(friends_sums[i]) + from_activities[j];
        const double contacts = static_cast<double>(family_sums[i]) + friends_now;
        const bool live = alive[i] != 0;
        weekly[i] = live ? static_cast<float>(contacts) : weekly[i];
        with_friends[i] = live ? static_cast<float>(friends_now) : with_friends[i];
        isolated[i] = live ? static_cast<std::uint8_t>(contacts < threshold) : isolated[i];
      }
      for (std::size_t k = 0; k < entered_count; ++k)
        p.isolated0[first + entered[k]] = p.isolated[first + entered[k]];
    }
  });
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
  recompute(sim, step, /*everyone=*/!incremental_);
}

}  // namespace salonsim::models
