#pragma once
// Builds the synthetic town: residents aged 65+ with age, sex, income, household, home,
// transport, frailty and certification at the start; plus rows for people who turn 65
// during the run when entrants are enabled.
#include "models/health/life_table.hpp"
#include "models/town/town_params.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"

namespace salonsim::models {

/// Mechanism name keying the town's random stream.
inline constexpr std::string_view kTownStream = "town";

/// Number of residents who enter during a run of `steps` steps.
std::size_t entrant_count(const TownParams& town, std::int64_t steps, double years_per_step);

/// Creates every resident (starting population first, then entrants by entry step). Within
/// each age band of the Census structure, and above 90 up to the table's last age, ages follow
/// the life table's survivors (a stationary population within the band).
Population build_town(const TownParams& town, const RandomStream& stream, std::int64_t steps,
                      double years_per_step,
                      const LifeTable& life_table = built_in_life_table(LifeTableName::kJapan2020));

/// Index of the age band (see kAgeBandLower) of an age.
int age_band(double age);

/// Share LTC-certified at an exact age, from the shares by age band (see the .cpp).
double certified_share_at(const std::vector<double>& by_band, double age);

/// Share who drive in a density class, by sex, at an age.
double drives_share(const TransportParams& transport, Density density, Sex sex, double age);

}  // namespace salonsim::models
