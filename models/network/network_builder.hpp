#pragma once
// Social network formation: spouse ties from households; relatives, neighbours and friends
// proposed by each resident near their home (exponential distance decay) and accepted with
// homophily by age, income and sex; contact frequency per tie; contact with family who are not
// residents. Frozen into the Network's compressed rows.
#include "models/network/network_params.hpp"
#include "sim/network.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"

namespace salonsim::models {

inline constexpr std::string_view kNetworkStream = "network";

/// Ties of the town before freezing (sorted by (a, b), a < b, no duplicates).
std::vector<UndirectedTie> form_ties(const NetworkParams& network, const Population& population,
                                     const RandomStream& stream, double years_per_step);

/// Sets each resident's contact with non-resident family and builds the network.
Network build_network(const NetworkParams& network, Population& population,
                      const RandomStream& stream, double years_per_step);

/// Probability that a proposed friendship between a and b is accepted.
double friendship_acceptance(const NetworkParams& network, const Population& population,
                             ResidentId a, ResidentId b, double age_gap_years);

}  // namespace salonsim::models
