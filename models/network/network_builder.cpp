#include "models/network/network_builder.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sim/spatial_grid.hpp"

namespace salonsim::models {

namespace {

// Draw counters in the network stream: one block of draws per kind of tie and attempt.
constexpr std::uint64_t kSociabilityDraw = 0;
constexpr std::uint64_t kKinDraw = 1;
constexpr std::uint64_t kCountDraw = 2;       // + kind
constexpr std::uint64_t kContactDraw = 100;   // + kind * kMaxProposals + proposal
constexpr std::uint64_t kAttemptDraw = 1000;  // + kind * kMaxAttemptsPerKind + attempt
constexpr std::uint32_t kMaxProposals = 24;
constexpr std::uint32_t kAttemptsPerProposal = 12;
constexpr std::uint64_t kMaxAttemptsPerKind = kMaxProposals * kAttemptsPerProposal;
constexpr double kCellM = 100;

struct KindSpec {
  TieKind kind;
  const TieFormation* formation;
};

/// Poisson deviate by inversion (means here are small).
std::uint32_t poisson(double mean, double u) {
  double probability = std::exp(-mean), cumulative = probability;
  std::uint32_t k = 0;
  while (u > cumulative && k < kMaxProposals) {
    ++k;
    probability *= mean / k;
    cumulative += probability;
  }
  return k;
}

/// Age at step 0 (entrants are younger than 65 then), for homophily.
double age_at_start(const Population& p, ResidentId id, double years_per_step) {
  return p.age0[id] - p.entry_step[id] * years_per_step;
}

}  // namespace

double friendship_acceptance(const NetworkParams& network, const Population& p, ResidentId a,
                             ResidentId b, double age_gap_years) {
  double acceptance = std::exp(-std::abs(age_gap_years) / network.age_homophily_years);
  if (p.income_low[a] != p.income_low[b]) acceptance *= network.other_income_acceptance;
  if (p.sex[a] != p.sex[b]) acceptance *= network.other_sex_friend_acceptance;
  return acceptance;
}

std::vector<UndirectedTie> form_ties(const NetworkParams& network, const Population& p,
                                     const RandomStream& stream, double years_per_step) {
  const std::size_t n = p.size();
  const SpatialGrid grid(p.x_m, p.y_m, kCellM);
  const std::array<KindSpec, 3> kinds{{{TieKind::kRelative, &network.relatives},
                                       {TieKind::kNeighbour, &network.neighbours},
                                       {TieKind::kFriend, &network.friends}}};

  // How many ties of kind k resident i proposes. Each tie is proposed by one of its two ends,
  // so a resident proposes half of its expected ties.
  const auto proposals_of = [&](std::size_t i, std::size_t k) {
    const double sociability =
        std::exp(network.sociability_sd * stream.normal(kSetupStep, i, kSociabilityDraw) -
                 0.5 * network.sociability_sd * network.sociability_sd);
    const BySex& mean = kinds[k].formation->mean_ties;
    const double expected = 0.5 * sociability * (p.sex[i] == 0 ? mean.men : mean.women);
    return poisson(expected, stream.uniform(kSetupStep, i, kCountDraw + k));
  };

  // Pass 1: count proposals, so that pass 2 writes into a flat array without allocating.
  std::vector<std::uint32_t> offsets(n + 1, 0);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    std::uint32_t total = 0;
    for (std::size_t k = 0; k < kinds.size(); ++k) total += proposals_of(i, k);
    offsets[i + 1] = total;
  });
  for (std::size_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];

  // Pass 2: each proposal tries a few places near home; a failed proposal stays a self-loop
  // and is dropped below.
  std::vector<UndirectedTie> ties(offsets[n]);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 512), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const auto self = static_cast<ResidentId>(i);
      std::uint32_t slot = offsets[i];
      const double age_i = age_at_start(p, self, years_per_step);
      for (std::size_t k = 0; k < kinds.size(); ++k) {
        const std::uint32_t proposals = proposals_of(i, k);
        for (std::uint32_t proposal = 0; proposal < proposals; ++proposal, ++slot) {
          UndirectedTie& tie = ties[slot];
          tie = {self, self, {0.0f, kinds[k].kind}};
          for (std::uint32_t attempt = 0; attempt < kAttemptsPerProposal; ++attempt) {
            const auto u = stream.uniforms4(
                kSetupStep, i,
                kAttemptDraw + k * kMaxAttemptsPerKind + proposal * kAttemptsPerProposal + attempt);
            const double distance = -kinds[k].formation->distance_scale_m * std::log1p(-u[0]);
            const double angle = 2.0 * std::numbers::pi * u[1];
            int column = 0, row = 0;
            if (!grid.cell_of(p.x_m[i] + distance * std::cos(angle),
                              p.y_m[i] + distance * std::sin(angle), column, row)) {
              continue;
            }
            const auto members = grid.members(column, row);
            if (members.empty()) continue;
            const ResidentId other = members[std::min<std::size_t>(
                members.size() - 1, static_cast<std::size_t>(u[2] * members.size()))];
            if (other == self || static_cast<std::int32_t>(other) == p.spouse[i]) continue;
            const double gap = age_i - age_at_start(p, other, years_per_step);
            double acceptance = 1.0;
            if (kinds[k].kind == TieKind::kFriend) {
              acceptance = friendship_acceptance(network, p, self, other, gap);
            } else if (kinds[k].kind == TieKind::kRelative) {
              acceptance = std::exp(-std::abs(gap) / (2 * network.age_homophily_years));
            }
            if (u[3] >= acceptance) continue;
            const double contacts =
                kinds[k].formation->contacts_per_week *
                stream.exponential(kSetupStep, i, kContactDraw + k * kMaxProposals + proposal);
            tie = {std::min(self, other),
                   std::max(self, other),
                   {static_cast<float>(contacts), kinds[k].kind}};
            break;
          }
        }
      }
    }
  });

  // Spouses, each couple once (from the partner with the smaller id).
  for (std::size_t i = 0; i < n; ++i) {
    if (p.spouse[i] > static_cast<std::int32_t>(i)) {
      ties.push_back({static_cast<ResidentId>(i),
                      static_cast<ResidentId>(p.spouse[i]),
                      {0.0f, TieKind::kSpouse}});
    }
  }
  ties.erase(
      std::remove_if(ties.begin(), ties.end(), [](const UndirectedTie& t) { return t.a == t.b; }),
      ties.end());
  // A pair proposed twice keeps one tie: the closest kind (spouse, relative, neighbour,
  // friend), then the most frequent contact. The order is total, so the result does not depend
  // on the sort's thread schedule.
  tbb::parallel_sort(ties.begin(), ties.end(), [](const UndirectedTie& x, const UndirectedTie& y) {
    if (x.a != y.a) return x.a < y.a;
    if (x.b != y.b) return x.b < y.b;
    if (x.tie.kind != y.tie.kind) return x.tie.kind < y.tie.kind;
    return x.tie.contacts_per_week > y.tie.contacts_per_week;
  });
  ties.erase(std::unique(ties.begin(), ties.end(),
                         [](const UndirectedTie& x, const UndirectedTie& y) {
                           return x.a == y.a && x.b == y.b;
                         }),
             ties.end());
  ties.shrink_to_fit();
  return ties;
}

Network build_network(const NetworkParams& network, Population& p, const RandomStream& stream,
                      double years_per_step) {
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    const auto u = stream.uniforms4(kSetupStep, i, kKinDraw);
    const double share =
        p.sex[i] == 0 ? network.kin_outside_share.men : network.kin_outside_share.women;
    p.kin_contacts_per_week[i] =
        u[0] < share ? static_cast<float>(network.kin_contacts_per_week * -std::log1p(-u[1]))
                     : 0.0f;
  });
  const std::vector<UndirectedTie> ties = form_ties(network, p, stream, years_per_step);
  return Network(p.size(), ties, static_cast<std::uint32_t>(network.added_tie_slots));
}

}  // namespace salonsim::models
