#pragma once
// Social network formation: spouse ties from households; relatives, neighbours and friends
// proposed by each resident near their home (exponential distance decay) and accepted with
// homophily by age, income and sex; contact frequency per tie; contact with family who are not
// residents. Only the starting residents are tied at set-up: people who turn 65 later make their
// ties when they enter (models/network/tie_turnover.hpp). Set into the Network's rows, each with
// room for spare_tie_slots more.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "models/network/network_params.hpp"
#include "sim/network.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim::models {

inline constexpr std::string_view kNetworkStream = "network";
/// Relative number of ties a resident makes (lognormal, mean 1), drawn once at set-up.
inline constexpr std::string_view kSociabilityColumn = "sociability";

/// A kind of tie made near home, with its parameters.
struct NearbyKind {
  TieKind kind;
  const TieFormation* formation;
};
/// The parameters of a kind of tie made near home (relatives, neighbours, friends); null for
/// spouses and acquaintances.
const TieFormation* formation_of(const NetworkParams& network, TieKind kind);
/// Relatives, neighbours, friends: the order in which a resident proposes them.
std::array<NearbyKind, 3> nearby_kinds(const NetworkParams& network);

/// Mean ties of one kind of an independent resident of a sex and sociability.
double expected_ties(const TieFormation& formation, Sex sex, double sociability);
/// Mean ties of one kind an independent entrant makes on entry: as many as a starting resident
/// of their sociability has on average (half proposed by them, half by others, of mean
/// sociability 1).
double entry_ties(const TieFormation& formation, Sex sex, double sociability);

/// How many times fewer ties a certified resident has when ties form and fade: formation ratio
/// over fading ratio (1 when turnover is off), so the network at set-up is the one turnover
/// keeps.
double certified_tie_ratio(const NetworkParams& network);

/// Probability that a proposed friendship between a and b is accepted.
double friendship_acceptance(const NetworkParams& network, const Population& population,
                             ResidentId a, ResidentId b, double age_gap_years);

/// Probability that `other` accepts a tie of `kind` proposed by `self` (age gap self - other),
/// `certified_ratio` applied when `other` is certified (relatives always accept).
double tie_acceptance(const NetworkParams& network, const Population& population, TieKind kind,
                      ResidentId self, ResidentId other, double age_gap_years,
                      double certified_ratio);

inline constexpr std::uint32_t kAttemptsPerProposal = 12;
inline constexpr double kGridCellM = 100;

/// Looks for a partner near `self`'s home: up to kAttemptsPerProposal places at an exponential
/// distance (mean `distance_scale_m`) in a random direction, one resident of the place's cell
/// picked at random; the first whom `eligible` allows and the attempt's acceptance draw
/// accepts (`acceptance(other)`) is returned; `self` if none. `draws(attempt)` gives four
/// uniforms per attempt; the attempts run from `first` on (0: all of them).
template <class Draws, class Eligible, class Acceptance>
ResidentId find_nearby(const SpatialGrid& grid, const Population& p, ResidentId self,
                       double distance_scale_m, Draws&& draws, Eligible&& eligible,
                       Acceptance&& acceptance, std::uint32_t first = 0) {
  for (std::uint32_t attempt = first; attempt < kAttemptsPerProposal; ++attempt) {
    const std::array<double, 4> u = draws(attempt);
    const double distance = -distance_scale_m * std::log1p(-u[0]);
    const double angle = 2.0 * 3.14159265358979323846 * u[1];
    int column = 0, row = 0;
    if (!grid.cell_of(p.x_m[self] + distance * std::cos(angle),
                      p.y_m[self] + distance * std::sin(angle), column, row)) {
      continue;
    }
    const auto members = grid.members(column, row);
    if (members.empty()) continue;
    const ResidentId other = members[std::min<std::size_t>(
        members.size() - 1, static_cast<std::size_t>(u[2] * members.size()))];
    if (other == self || static_cast<std::int32_t>(other) == p.spouse[self] || !eligible(other))
      continue;
    if (u[3] < acceptance(other)) return other;
  }
  return self;
}

/// Each resident's sociability (lognormal with mean 1 and log-sd sociability_sd).
std::vector<float> draw_sociability(const NetworkParams& network, std::size_t residents,
                                    const RandomStream& stream);
/// The same into `sociability`, one value a resident (the registered column, written in place).
void draw_sociability(const NetworkParams& network, std::span<float> sociability,
                      const RandomStream& stream);

/// Ties of the starting residents (entry_step 0) before they are set into rows (sorted by
/// (a, b), a < b, no duplicates). `sociability` has one entry per resident.
TieList form_ties(const NetworkParams& network, const Population& population,
                  const std::vector<float>& sociability, const RandomStream& stream);

/// Draws each resident's sociability (registering its column) and contact with non-resident
/// family, and builds the network of the starting residents with room for entrants' ties.
Network build_network(const NetworkParams& network, Population& population,
                      const RandomStream& stream);

}  // namespace salonsim::models
