#include "models/network/network_builder.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_scan.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <tuple>

namespace salonsim::models {

namespace {

// Draw counters in the network stream at set-up: one block of draws per kind of tie and
// attempt.
constexpr std::uint64_t kSociabilityDraw = 0;
constexpr std::uint64_t kKinDraw = 1;
constexpr std::uint64_t kCountDraw = 2;       // + kind
constexpr std::uint64_t kContactDraw = 100;   // + kind * kMaxProposals + proposal
constexpr std::uint64_t kAttemptDraw = 1000;  // + kind * kMaxAttemptsPerKind + attempt
constexpr std::uint32_t kMaxProposals = 24;
constexpr std::uint64_t kMaxAttemptsPerKind = kMaxProposals * kAttemptsPerProposal;

// Keeps the first tie of each pair of sorted `ties` and drops the failed proposals (self-loops),
// in order. Each chunk is compacted within itself in parallel, then the chunks are moved down
// in order (a copy within memory already written, so no fresh pages).
void keep_first_of_each_pair(TieList& ties) {
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  const std::size_t chunks = (ties.size() + kChunk - 1) / kChunk;
  // The tie before each chunk, read before any chunk is compacted.
  std::vector<UndirectedTie> before(chunks);
  for (std::size_t c = 1; c < chunks; ++c) before[c] = ties[c * kChunk - 1];
  const auto same_pair = [](const UndirectedTie& x, const UndirectedTie& y) {
    return x.a == y.a && x.b == y.b;
  };
  std::vector<std::size_t> kept(chunks, 0);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
    const std::size_t first = c * kChunk, last = std::min(ties.size(), first + kChunk);
    UndirectedTie previous = before[c];
    bool has_previous = c > 0;
    std::size_t out = first;
    for (std::size_t k = first; k < last; ++k) {
      const UndirectedTie t = ties[k];
      if (t.a != t.b && !(has_previous && same_pair(t, previous))) ties[out++] = t;
      previous = t;
      has_previous = true;
    }
    kept[c] = out - first;
  });
  std::size_t end = 0;
  for (std::size_t c = 0; c < chunks; ++c) {
    const auto first = ties.begin() + static_cast<std::ptrdiff_t>(c * kChunk);
    std::copy(first, first + static_cast<std::ptrdiff_t>(kept[c]),
              ties.begin() + static_cast<std::ptrdiff_t>(end));
    end += kept[c];
  }
  ties.resize(end);
}

}  // namespace

const TieFormation* formation_of(const NetworkParams& network, TieKind kind) {
  switch (kind) {
    case TieKind::kRelative:
      return &network.relatives;
    case TieKind::kNeighbour:
      return &network.neighbours;
    case TieKind::kFriend:
      return &network.friends;
    default:
      return nullptr;
  }
}

std::array<NearbyKind, 3> nearby_kinds(const NetworkParams& network) {
  return {{{TieKind::kRelative, &network.relatives},
           {TieKind::kNeighbour, &network.neighbours},
           {TieKind::kFriend, &network.friends}}};
}

double expected_ties(const TieFormation& formation, Sex sex, double sociability) {
  return sociability * (sex == Sex::kMale ? formation.mean_ties.men : formation.mean_ties.women);
}

double entry_ties(const TieFormation& formation, Sex sex, double sociability) {
  return 0.5 * (sociability + 1.0) * expected_ties(formation, sex, 1.0);
}

double certified_tie_ratio(const NetworkParams& network) {
  const TurnoverParams& t = network.turnover;
  return t.enabled ? t.certified_formation_ratio / t.certified_fade_ratio : 1.0;
}

double friendship_acceptance(const NetworkParams& network, const Population& p, ResidentId a,
                             ResidentId b, double age_gap_years) {
  double acceptance = std::exp(-std::abs(age_gap_years) / network.age_homophily_years);
  if (p.income_low[a] != p.income_low[b]) acceptance *= network.other_income_acceptance;
  if (p.sex[a] != p.sex[b]) acceptance *= network.other_sex_friend_acceptance;
  return acceptance;
}

double tie_acceptance(const NetworkParams& network, const Population& p, TieKind kind,
                      ResidentId self, ResidentId other, double age_gap_years,
                      double certified_ratio) {
  if (kind == TieKind::kRelative)
    return std::exp(-std::abs(age_gap_years) / (2 * network.age_homophily_years));
  const double acceptance = kind == TieKind::kFriend
                                ? friendship_acceptance(network, p, self, other, age_gap_years)
                                : 1.0;
  return p.certified[other] ? acceptance * certified_ratio : acceptance;
}

TieList form_ties(const NetworkParams& network, const Population& p,
                  const std::vector<float>& sociability, const RandomStream& stream) {
  // The starting residents are the first rows (entrants follow, by entry step).
  std::size_t n = 0;
  while (n < p.size() && p.entry_step[n] == 0) ++n;
  const SpatialGrid grid(std::span(p.x_m).first(n), std::span(p.y_m).first(n), kGridCellM);
  const std::array<NearbyKind, 3> kinds = nearby_kinds(network);
  const double certified_ratio = certified_tie_ratio(network);

  // How many ties of kind k resident i proposes. Each tie is proposed by one of its two ends,
  // so a resident proposes half of its expected ties; a certified resident fewer, as turnover
  // keeps them (the same ratio applies when they are asked).
  const auto proposals_of = [&](std::size_t i, std::size_t k) {
    const auto sex = static_cast<Sex>(p.sex[i]);
    double expected = 0.5 * expected_ties(*kinds[k].formation, sex, sociability[i]);
    if (p.certified[i] && kinds[k].kind != TieKind::kRelative) expected *= certified_ratio;
    return poisson_by_inversion(expected, stream.uniform(kSetupStep, i, kCountDraw + k),
                                kMaxProposals);
  };

  // Spouses, each couple once (from the partner with the smaller id).
  const auto proposes_spouse = [&](std::size_t i) {
    return p.spouse[i] > static_cast<std::int32_t>(i);
  };
  // Pass 1: count each kind's proposals (kept for pass 2: each count is a draw and an
  // exponential) and the spouses, so that pass 2 writes into a flat array without allocating.
  static_assert(kMaxProposals <= 255, "a kind's proposals are counted in a byte");
  constexpr std::size_t kKinds = std::tuple_size_v<decltype(kinds)>;
  boost::container::vector<std::uint8_t> proposals(n * kKinds, boost::container::default_init);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      for (std::size_t k = 0; k < kKinds; ++k)
        proposals[i * kKinds + k] = static_cast<std::uint8_t>(proposals_of(i, k));
    }
  });
  boost::container::vector<std::uint32_t> offsets(n + 1, boost::container::default_init);
  offsets[0] = 0;
  tbb::parallel_scan(
      tbb::blocked_range<std::size_t>(0, n, 1 << 14), std::uint32_t{0},
      [&](const auto& range, std::uint32_t sum, bool final) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          sum += proposes_spouse(i) ? 1 : 0;
          for (std::size_t k = 0; k < kKinds; ++k) sum += proposals[i * kKinds + k];
          if (final) offsets[i + 1] = sum;
        }
        return sum;
      },
      std::plus<>());

  // Pass 2: each proposal tries a few places near home; a failed proposal stays a self-loop
  // and is dropped below. Every slot is written here, first by the thread that fills it.
  TieList ties(offsets[n]);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 512), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const auto self = static_cast<ResidentId>(i);
      std::uint32_t slot = offsets[i];
      for (std::size_t k = 0; k < kinds.size(); ++k) {
        const std::uint32_t count = proposals[i * kKinds + k];
        for (std::uint32_t proposal = 0; proposal < count; ++proposal, ++slot) {
          const ResidentId other = find_nearby(
              grid, p, self, kinds[k].formation->distance_scale_m,
              [&](std::uint32_t attempt) {
                return stream.uniforms4(kSetupStep, i,
                                        kAttemptDraw + k * kMaxAttemptsPerKind +
                                            proposal * kAttemptsPerProposal + attempt);
              },
              [](ResidentId) { return true; },
              [&](ResidentId candidate) {
                return tie_acceptance(network, p, kinds[k].kind, self, candidate,
                                      p.age0[self] - p.age0[candidate], certified_ratio);
              });
          const double contacts =
              kinds[k].formation->contacts_per_week *
              stream.exponential(kSetupStep, i, kContactDraw + k * kMaxProposals + proposal);
          ties[slot] = {std::min(self, other),
                        std::max(self, other),
                        {static_cast<float>(contacts), kinds[k].kind}};
        }
      }
      if (proposes_spouse(i)) {
        ties[slot] = {self, static_cast<ResidentId>(p.spouse[i]), {0.0f, TieKind::kSpouse}};
      }
    }
  });

  proposals = {};
  offsets = {};
  // A pair proposed twice keeps one tie: the closest kind (spouse, relative, neighbour,
  // friend), then the most frequent contact. The order is total, so the result does not depend
  // on the sort's thread schedule.
  tbb::parallel_sort(ties.begin(), ties.end(), [](const UndirectedTie& x, const UndirectedTie& y) {
    if (x.a != y.a) return x.a < y.a;
    if (x.b != y.b) return x.b < y.b;
    if (x.tie.kind != y.tie.kind) return x.tie.kind < y.tie.kind;
    return x.tie.contacts_per_week > y.tie.contacts_per_week;
  });
  keep_first_of_each_pair(ties);
  return ties;
}

void draw_sociability(const NetworkParams& network, std::span<float> sociability,
                      const RandomStream& stream) {
  const double sd = network.sociability_sd;
  tbb::parallel_for(std::size_t{0}, sociability.size(), [&](std::size_t i) {
    sociability[i] = static_cast<float>(
        std::exp(sd * stream.normal(kSetupStep, i, kSociabilityDraw) - 0.5 * sd * sd));
  });
}

std::vector<float> draw_sociability(const NetworkParams& network, std::size_t residents,
                                    const RandomStream& stream) {
  std::vector<float> sociability(residents);
  draw_sociability(network, sociability, stream);
  return sociability;
}

Network build_network(const NetworkParams& network, Population& p, const RandomStream& stream) {
  const Column<float> sociability_column = p.add_column<float>(
      {std::string(kSociabilityColumn), "",
       "relative number of ties the resident makes (lognormal, mean 1)", /*output=*/false});
  std::vector<float>& sociability = p[sociability_column];
  draw_sociability(network, sociability, stream);  // into the column as registered
  const std::array<NearbyKind, 3> kinds = nearby_kinds(network);
  boost::container::vector<std::uint32_t> spare(p.size(), boost::container::default_init);
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    const auto u = stream.uniforms4(kSetupStep, i, kKinDraw);
    const double share =
        p.sex[i] == 0 ? network.kin_outside_share.men : network.kin_outside_share.women;
    p.kin_contacts_per_week[i] =
        u[0] < share ? static_cast<float>(network.kin_contacts_per_week * -std::log1p(-u[1]))
                     : 0.0f;
    // An entrant's row has room for the ties it makes on entry (entry_ties, Poisson: the mean
    // plus three standard deviations) as well as the spare slots.
    std::uint32_t room = static_cast<std::uint32_t>(network.spare_tie_slots);
    if (p.entry_step[i] > 0) {
      double expected = 0;
      for (const NearbyKind& kind : kinds)
        expected += entry_ties(*kind.formation, static_cast<Sex>(p.sex[i]), sociability[i]);
      room += static_cast<std::uint32_t>(std::ceil(expected + 3.0 * std::sqrt(expected)));
    }
    spare[i] = room;
  });
  const TieList ties = form_ties(network, p, sociability, stream);
  return Network::with_ties(p.size(), ties, std::span(spare.data(), spare.size()));
}

}  // namespace salonsim::models
