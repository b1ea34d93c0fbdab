#pragma once
// Builds the synthetic town: residents aged 65+ with age, sex, income, household, home,
// transport, frailty and certification at the start; plus rows for people who turn 65
// during the run when entrants are enabled.
#include "models/town/town_params.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"

namespace salonsim::models {

/// Mechanism name keying the town's random stream.
inline constexpr std::string_view kTownStream = "town";

/// Number of residents who enter during a run of `steps` steps.
std::size_t entrant_count(const TownParams& town, std::int64_t steps, double years_per_step);

/// Creates every resident (starting population first, then entrants by entry step).
Population build_town(const TownParams& town, const RandomStream& stream, std::int64_t steps,
                      double years_per_step);

/// Index of the age band (see kAgeBandLower) of an age.
int age_band(double age);

/// Share who drive in a density class, by sex, at an age.
double drives_share(const TransportParams& transport, Density density, Sex sex, double age);

}  // namespace salonsim::models
