#include "models/network/tie_turnover.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "models/network/network_builder.hpp"
#include "sim/rows_where.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

namespace {

// Draw counters in the turnover stream, per resident and step.
constexpr std::uint64_t kEventDraw = 0;           // tie events, which, form?, which kind
constexpr std::uint64_t kFriendOfFriendDraw = 1;  // through a friend?, which friend, whose friend
constexpr std::uint64_t kContactDraw = 2;
constexpr std::uint64_t kContactChangeDraw = 3;    // + event: new contacts of a tie
constexpr std::uint64_t kMoreEventsDraw = 8;       // + event: which tie, for events after one
constexpr std::uint64_t kAttemptDraw = 16;         // + attempt
constexpr std::uint64_t kEntryCountDraw = 100;     // + kind
constexpr std::uint64_t kEntryContactDraw = 200;   // + kind * kMaxEntryTies + proposal
constexpr std::uint64_t kEntryAttemptDraw = 1000;  // + (kind * kMaxEntryTies + proposal) * attempts
constexpr std::uint32_t kMaxEntryTies = 24;
constexpr std::size_t kChunk = 4096;
// Per resident and update: P(5 or more) is below 1e-6 for a resident with the mean ties.
constexpr std::uint32_t kMaxTieEvents = 4;

double fade_per_year(const TurnoverParams& t, TieKind kind) {
  switch (kind) {
    case TieKind::kFriend:
      return t.friends_fade_per_year;
    case TieKind::kNeighbour:
      return t.neighbours_fade_per_year;
    case TieKind::kAcquaintance:
      return t.acquaintances_fade_per_year;
    default:
      return 0.0;  // spouses and relatives are lost only to deaths
  }
}

}  // namespace

double tie_loss_to_deaths_per_year(const Population& p, const LifeTable& table,
                                   double years_per_step) {
  double sum = 0, count = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) continue;
    sum += table.probability(static_cast<Sex>(p.sex[i]),
                             p.age_at(static_cast<ResidentId>(i), 0, years_per_step));
    count += 1;
  }
  return count > 0 ? sum / count : 0.0;
}

double formation_per_year(const TieFormation& formation, double fade, double loss_to_deaths,
                          Sex sex, double sociability) {
  return 0.5 * expected_ties(formation, sex, sociability) * (fade + loss_to_deaths);
}

void TieTurnover::init(Simulation& sim) {
  const Population& p = sim.population();
  grid_.emplace(p.x_m, p.y_m, p.alive, kGridCellM);
  sociability_ = p.columns.find<float>(kSociabilityColumn);
  if (!sociability_.valid())
    throw std::logic_error("tie turnover needs the sociability column of the network builder");
  interval_ = std::max<std::int64_t>(
      1, std::llround(static_cast<double>(params_.turnover.every_days) /
                      std::max(1.0, static_cast<double>(sim.clock().days_per_step))));
  next_entrant_ = 0;
  while (next_entrant_ < p.size() && p.entry_step[next_entrant_] == 0) ++next_entrant_;
  // The network as built: ties of each kind of the starting residents against the mean ties
  // the parameters ask for (serial sums: the same for any thread count).
  const std::array<NearbyKind, 3> kinds = nearby_kinds(params_);
  const double certified_ratio = certified_tie_ratio(params_);
  std::array<std::array<double, 3>, 2> have{}, want{};
  const std::vector<float>& sociability = p[sociability_];
  for (std::size_t i = 0; i < next_entrant_; ++i) {
    if (!p.alive[i]) continue;
    const int sex = p.sex[i];
    sim.network().for_each_tie(static_cast<ResidentId>(i), [&](ResidentId, const Tie& tie) {
      for (std::size_t k = 0; k < kinds.size(); ++k) have[sex][k] += tie.kind == kinds[k].kind;
    });
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      double expected = expected_ties(*kinds[k].formation, static_cast<Sex>(sex), sociability[i]);
      if (p.certified[i] && kinds[k].kind != TieKind::kRelative) expected *= certified_ratio;
      want[sex][k] += expected;
    }
  }
  for (int sex = 0; sex < 2; ++sex)
    for (std::size_t k = 0; k < kinds.size(); ++k)
      realised_[sex][k] = want[sex][k] > 0 ? have[sex][k] / want[sex][k] : 1.0;
  // Ties lost to deaths are replaced by the ties entrants bring (as many as a starting resident
  // has), so new ties replace only what deaths take beyond the entrants' share: per resident a
  // year, deaths' rate minus entrants' rate.
  const double years = static_cast<double>(sim.clock().steps) * sim.clock().years_per_step();
  const double entrants_per_year = next_entrant_ > 0 && years > 0
                                       ? static_cast<double>(p.size() - next_entrant_) / years /
                                             static_cast<double>(next_entrant_)
                                       : 0.0;
  loss_to_deaths_ =
      std::max(0.0, tie_loss_to_deaths_per_year(p, *table_, sim.clock().years_per_step()) -
                        entrants_per_year);
  chunk_changes_.assign((p.size() + kChunk - 1) / kChunk, {});
}

void TieTurnover::step(Simulation& sim, std::int64_t step) {
  const Population& p = sim.population();
  // Partners are found among the residents alive now: the grid holds only them, brought up to
  // date when residents have entered and before an update (so that the chance of finding one does
  // not depend on how many rows are dead or still to enter, nor on the run's length).
  const bool update = params_.turnover.enabled && step > 0 && step % interval_ == 0;
  const bool entering = next_entrant_ < p.size() && p.entry_step[next_entrant_] <= step;
  // Residents only die, and enter in rows in order of entry: the grid drops the dead and adds
  // those who entered since it was last brought up to date (the rows from next_entrant_ on, as
  // it is brought up to date at every step with entrants, up to the rows entered by now),
  // holding what a rebuild would.
  if (entering || update) grid_->refresh(p.alive, next_entrant_, p.entered_by(step));
  if (entering) make_entry_ties(sim, step);
  if (update) turnover(sim, step);
}

void TieTurnover::make_entry_ties(Simulation& sim, std::int64_t step) {
  const Population& p = sim.population();
  // Entrants are rows in entry order; Demography has just let this step's in. In blocks of
  // kEntrantsPerBlock in that order, whatever the thread count.
  constexpr std::size_t kEntrantsPerBlock = 32;
  std::size_t blocks = 0;
  for (; next_entrant_ < p.size() && p.entry_step[next_entrant_] <= step; ++next_entrant_) {
    if (!p.alive[next_entrant_]) continue;
    if (blocks == 0 || entry_blocks_[blocks - 1].entrants.size() == kEntrantsPerBlock) {
      if (entry_blocks_.size() == blocks) entry_blocks_.emplace_back();
      entry_blocks_[blocks++].entrants.clear();
    }
    entry_blocks_[blocks - 1].entrants.push_back(static_cast<ResidentId>(next_entrant_));
  }
  // (1) The draws and searches, the bulk of the work, in parallel: each entrant's proposals,
  // each with the partner its search finds in the network as it is before any of this step's
  // entry ties, and the attempt that found them.
  tbb::parallel_for(std::size_t{0}, blocks,
                    [&](std::size_t b) { draw_entry_proposals(sim, step, entry_blocks_[b]); });
  // (2) The ties, in entry order. A search's attempts before the one that found its partner
  // were turned away for good (nobody there, a spouse, the dead, a full row, the acceptance
  // draw: rows only fill), so only that partner is looked at again against the network as it
  // now is; one an earlier entrant left without room (or who proposed to this entrant first) is
  // passed over, and the search goes on with the attempts after. Every draw is the one a single
  // pass would make, so every tie is too.
  Network& network = sim.network();
  const std::array<NearbyKind, 3> kinds = nearby_kinds(params_);
  for (std::size_t b = 0; b < blocks; ++b) {
    const EntryBlock& block = entry_blocks_[b];
    std::uint32_t proposal = 0;
    for (std::size_t e = 0; e < block.entrants.size(); ++e) {
      const ResidentId self = block.entrants[e];
      for (; proposal < block.proposals_end[e]; ++proposal) {
        const EntryProposal& drawn = block.proposals[proposal];
        ResidentId other = drawn.partner;
        if (other != self && network.degree(other) >= network.capacity(other)) {
          std::uint32_t found_at = 0;
          other = search_for_entrant(sim, step, self, drawn.kind, drawn.index, drawn.found_at + 1,
                                     found_at);
        }
        if (other != self) network.add_tie(self, other, {drawn.contacts, kinds[drawn.kind].kind});
      }
    }
  }
}

ResidentId TieTurnover::search_for_entrant(const Simulation& sim, std::int64_t step,
                                           ResidentId self, std::size_t kind, std::uint32_t index,
                                           std::uint32_t first, std::uint32_t& found_at) const {
  const NearbyKind nearby = nearby_kinds(params_)[kind];
  const Population& p = sim.population();
  const Network& network = sim.network();
  const RandomStream stream = sim.stream(kTieTurnoverStream);
  const double years_per_step = sim.clock().years_per_step();
  const double self_age = p.age_at(self, step, years_per_step);
  const double certified_ratio = certified_tie_ratio(params_);
  return find_nearby(
      *grid_, p, self, nearby.formation->distance_scale_m,
      [&](std::uint32_t attempt) {
        found_at = attempt;  // the last attempt drawn is the one that found the partner
        return stream.uniforms4(step, self,
                                kEntryAttemptDraw + index * kAttemptsPerProposal + attempt);
      },
      [&](ResidentId candidate) {
        return p.alive[candidate] && network.degree(candidate) < network.capacity(candidate);
      },
      [&](ResidentId candidate) {
        return tie_acceptance(params_, p, nearby.kind, self, candidate,
                              self_age - p.age_at(candidate, step, years_per_step),
                              certified_ratio);
      },
      first);
}

void TieTurnover::draw_entry_proposals(const Simulation& sim, std::int64_t step,
                                       EntryBlock& block) const {
  const Population& p = sim.population();
  const RandomStream stream = sim.stream(kTieTurnoverStream);
  const double certified_ratio = certified_tie_ratio(params_);
  const std::array<NearbyKind, 3> kinds = nearby_kinds(params_);
  block.proposals_end.clear();
  block.proposals.clear();
  for (const ResidentId self : block.entrants) {
    const double sociability = p[sociability_][self];
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      const TieFormation& formation = *kinds[k].formation;
      // As many as a starting resident of the same sociability has in the network as built.
      double expected = entry_ties(formation, static_cast<Sex>(p.sex[self]), sociability) *
                        realised_[p.sex[self]][k];
      if (p.certified[self] && kinds[k].kind != TieKind::kRelative) expected *= certified_ratio;
      const std::uint32_t proposals = poisson_by_inversion(
          expected, stream.uniform(step, self, kEntryCountDraw + k), kMaxEntryTies);
      for (std::uint32_t proposal = 0; proposal < proposals; ++proposal) {
        EntryProposal& drawn = block.proposals.emplace_back();
        drawn.index = static_cast<std::uint32_t>(k * kMaxEntryTies + proposal);
        drawn.kind = static_cast<std::uint8_t>(k);
        drawn.partner = search_for_entrant(sim, step, self, k, drawn.index, 0, drawn.found_at);
        // Without a partner now, none later (rows only fill): no tie, no contacts.
        if (drawn.partner != self) {
          drawn.contacts =
              static_cast<float>(formation.contacts_per_week *
                                 stream.exponential(step, self, kEntryContactDraw + drawn.index));
        }
      }
    }
    block.proposals_end.push_back(static_cast<std::uint32_t>(block.proposals.size()));
  }
}

void TieTurnover::propose(const Simulation& sim, std::int64_t step, ResidentId self,
                          const std::array<double, 4>& u, std::vector<Change>& changes) const {
  const Population& p = sim.population();
  const Network& network = sim.network();
  const TurnoverParams& t = params_.turnover;
  const RandomStream& stream = update_.stream;
  const double dt = update_.dt;
  // Events on the ties this resident considers (those to residents with larger ids, so each
  // tie is considered once): a tie fades, or its contacts are drawn anew; a Poisson number of
  // them this update, each on a tie chosen by its rate. Fading is drawn at the certified rate
  // and thinned to the tie's own (accepted with probability own / certified rate), so only the
  // chosen tie's other end is looked up.
  const bool self_certified = p.certified[self] != 0;
  const std::uint32_t degree = network.degree(self);
  const double most = t.certified_fade_ratio;
  double fading = 0;
  std::uint32_t redrawable = 0;
  // No event (below) when u[0] is at most 1 - the rate times dt, so surely when it is at most
  // 1 - a bound on the rate from the number of ties alone: most residents need not read their
  // ties' kinds at all.
  const bool none = update_.surely_no_event(u[0], degree);
  // Without a branch on whose the tie is (its other end's id follows no pattern): a tie not
  // considered adds +0, which changes neither sum.
  for (std::uint32_t k = 0; k < (none ? 0 : degree); ++k) {
    const std::size_t considered = network.neighbour_at(self, k) >= self;
    const auto kind = static_cast<std::uint8_t>(network.tie_at(self, k).kind);
    fading += update_.fading_most[considered][kind];
    redrawable += update_.redrawable[considered][kind];
  }
  const double redrawing = t.contact_change_per_year * redrawable;
  // How many events this update: Poisson by inversion of u[0] (at most kMaxTieEvents). None when
  // u[0] is at most exp(-mean), so surely when it is at most 1 - mean (less than exp(-mean)),
  // with a margin for rounding: most residents need no exponential.
  const double total = fading + redrawing;
  const std::uint32_t events = none || total <= 0 || u[0] <= (1.0 - total * dt) * (1.0 - 1e-12)
                                   ? 0
                                   : poisson_by_inversion(total * dt, u[0], kMaxTieEvents);
  for (std::uint32_t event = 0; event < events; ++event) {
    const double where = event == 0 ? u[1] : stream.uniform(step, self, kMoreEventsDraw + event);
    double target = where * total;
    for (std::uint32_t k = 0; k < degree; ++k) {
      const ResidentId other = network.neighbour_at(self, k);
      if (other < self) continue;
      const TieKind kind = network.tie_at(self, k).kind;
      const TieFormation* formation = formation_of(params_, kind);
      if (target < fading) {
        const double rate = fade_per_year(t, kind) * most;
        if (target < rate) {
          // Thinning: the tie fades if it is certified at either end, else with 1 / ratio.
          const bool certified = self_certified || p.certified[other];
          if (certified || target < rate / most)
            changes.push_back({self, other, Tie{}, Change::What::kRemove});
          break;
        }
        target -= rate;
      } else if (formation != nullptr) {
        target -= t.contact_change_per_year;
        if (target < fading) {
          const double contacts = formation->contacts_per_week *
                                  stream.exponential(step, self, kContactChangeDraw + event);
          changes.push_back(
              {self, other, {static_cast<float>(contacts), kind}, Change::What::kContacts});
          break;
        }
      }
    }
  }

  // Formation: neighbours and friends.
  if (network.degree(self) >= network.capacity(self)) return;
  const auto [neighbours, friends] = update_.forming(
      p.sex[self], self_certified, update_.sociability[self], t.certified_formation_ratio);
  const double forming = neighbours + friends;
  // No new tie when u[2] is at least 1 - exp(-forming dt); the bound first, so most residents
  // need no expm1.
  if (update_.surely_none_formed(u[2], forming) || u[2] >= -std::expm1(-forming * dt)) return;
  const bool friend_tie = u[3] * forming >= neighbours;
  const TieFormation& formation =
      friend_tie ? static_cast<const TieFormation&>(params_.friends) : params_.neighbours;
  const TieKind kind = friend_tie ? TieKind::kFriend : TieKind::kNeighbour;
  const double years_per_step = update_.years_per_step;
  const double self_age = p.age_at(self, step, years_per_step);
  const auto eligible = [&](ResidentId candidate) {
    return candidate != self && p.alive[candidate] &&
           static_cast<std::int32_t>(candidate) != p.spouse[self] &&
           network.degree(candidate) < network.capacity(candidate) &&
           !network.tied(self, candidate);
  };
  const auto acceptance = [&](ResidentId candidate) {
    return tie_acceptance(params_, p, kind, self, candidate,
                          self_age - p.age_at(candidate, step, years_per_step),
                          t.certified_formation_ratio);
  };
  ResidentId other = self;
  const auto f = stream.uniforms4(step, self, kFriendOfFriendDraw);
  if (friend_tie && f[0] < t.friends_of_friends_share && network.degree(self) > 0) {
    // A friend's friend: a random tie of self, then a random tie of theirs (kin excluded).
    const ResidentId via = network.neighbour_at(
        self, std::min(network.degree(self) - 1,
                       static_cast<std::uint32_t>(f[1] * network.degree(self))));
    const std::uint32_t via_degree = network.degree(via);
    if (via_degree > 0) {
      const std::uint32_t k =
          std::min(via_degree - 1, static_cast<std::uint32_t>(f[2] * via_degree));
      const ResidentId candidate = network.neighbour_at(via, k);
      const TieKind via_kind = network.tie_at(via, k).kind;
      if (via_kind != TieKind::kSpouse && via_kind != TieKind::kRelative && eligible(candidate) &&
          f[3] < acceptance(candidate)) {
        other = candidate;
      }
    }
  } else {
    other = find_nearby(
        *grid_, p, self, formation.distance_scale_m,
        [&](std::uint32_t attempt) { return stream.uniforms4(step, self, kAttemptDraw + attempt); },
        eligible, acceptance);
  }
  if (other == self) return;
  const double contacts =
      formation.contacts_per_week * stream.exponential(step, self, kContactDraw);
  changes.push_back({self, other, {static_cast<float>(contacts), kind}, Change::What::kAdd});
}

void TieTurnover::turnover(Simulation& sim, std::int64_t step) {
  const Population& p = sim.population();
  const TurnoverParams& t = params_.turnover;
  update_.stream = sim.stream(kTieTurnoverStream);
  update_.sociability = p[sociability_].data();
  update_.years_per_step = sim.clock().years_per_step();
  update_.dt = static_cast<double>(interval_) * update_.years_per_step;
  std::array<double, 256>& fading_most = update_.fading_most[1];
  std::array<std::uint8_t, 256>& redrawable = update_.redrawable[1];
  for (std::size_t kind = 0; kind < fading_most.size(); ++kind) {
    fading_most[kind] = fade_per_year(t, static_cast<TieKind>(kind)) * t.certified_fade_ratio;
    redrawable[kind] = formation_of(params_, static_cast<TieKind>(kind)) != nullptr;
  }
  update_.most_per_tie = 0;
  for (std::size_t kind = 0; kind < fading_most.size(); ++kind) {
    update_.most_per_tie = std::max(
        update_.most_per_tie, fading_most[kind] + t.contact_change_per_year * redrawable[kind]);
  }
  for (int sex = 0; sex < 2; ++sex) {
    const auto s = static_cast<Sex>(sex);
    // New ties replace what fades and dies from the network as built.
    update_.formation[sex] = {
        formation_per_year(params_.neighbours, t.neighbours_fade_per_year, loss_to_deaths_, s, 1) *
            realised_[sex][1],
        formation_per_year(params_.friends, t.friends_fade_per_year, loss_to_deaths_, s, 1) *
            realised_[sex][2]};
  }
  // Proposals in parallel over fixed chunks (reading the network as it was), applied serially
  // in id order: the result does not depend on the number of threads. Of the living, so of the
  // rows entered.
  const std::size_t entered = p.entered_by(step);
  const Network& as_it_was = sim.network();
  tbb::parallel_for(std::size_t{0}, chunk_changes_.size(), [&](std::size_t chunk) {
    std::vector<Change>& changes = chunk_changes_[chunk];
    changes.clear();
    const std::size_t last = std::min(entered, (chunk + 1) * kChunk);
    // A part at a time, the living who may have an event or form a tie are listed first, in
    // order: who has either follows no pattern a branch predictor could learn.
    constexpr std::size_t kPart = 256;
    std::array<std::array<double, 4>, kPart> draws;
    std::array<std::uint8_t, kPart> may_change;
    std::array<std::uint16_t, kPart + kRowsWhereSlack> changing;
    const std::uint8_t* alive = p.alive.data();
    const std::uint8_t* sex = p.sex.data();
    const std::uint8_t* certified = p.certified.data();
    for (std::size_t first = chunk * kChunk; first < last; first += kPart) {
      const std::size_t rows = std::min(kPart, last - first);
      // Every row's draws first, together: one's rounds of the generator need not wait on
      // another's (a dead resident's are never read).
      for (std::size_t row = 0; row < rows; ++row)
        draws[row] = update_.stream.uniforms4(step, first + row, kEventDraw);
      // Who may have an event or form a tie, without a branch: propose() tests the same bounds
      // first, so a resident ruled out here is one it would do nothing for (most residents).
      for (std::size_t row = 0; row < rows; ++row) {
        const auto i = static_cast<ResidentId>(first + row);
        const std::uint32_t degree = as_it_was.degree(i);
        const auto [neighbours, friends] = update_.forming(
            sex[i], certified[i] != 0, update_.sociability[i], t.certified_formation_ratio);
        const bool event = !update_.surely_no_event(draws[row][0], degree);
        const bool forms = degree < as_it_was.capacity(i) &&
                           !update_.surely_none_formed(draws[row][2], neighbours + friends);
        may_change[row] = alive[i] & static_cast<std::uint8_t>(event | forms);
      }
      const std::size_t count = rows_where_nonzero(may_change.data(), rows, changing.data());
      constexpr std::size_t kAhead = 4;
      for (std::size_t k = 0; k < std::min(count, kAhead); ++k)
        as_it_was.prefetch_ties(static_cast<ResidentId>(first + changing[k]));
      for (std::size_t k = 0; k < count; ++k) {
        if (k + kAhead < count)
          as_it_was.prefetch_ties(static_cast<ResidentId>(first + changing[k + kAhead]));
        const std::size_t row = changing[k];
        propose(sim, step, static_cast<ResidentId>(first + row), draws[row], changes);
      }
    }
  });
  Network& network = sim.network();
  // Removals first, so that freed slots can take this update's new ties: with the changes of
  // contacts, in the order proposed, in parallel over rows (Network::edit_ties).
  std::vector<Network::TieEdit> edits;
  for (const std::vector<Change>& changes : chunk_changes_) {
    for (const Change& change : changes) {
      if (change.what != Change::What::kAdd)
        edits.push_back({change.a, change.b, change.tie.contacts_per_week,
                         change.what == Change::What::kRemove});
    }
  }
  network.edit_ties(edits);
  for (const std::vector<Change>& changes : chunk_changes_) {
    for (const Change& change : changes) {
      if (change.what == Change::What::kAdd) network.add_tie(change.a, change.b, change.tie);
    }
  }
}

}  // namespace salonsim::models
