#pragma once
// The municipalities of a region scenario (region_params.hpp), each resolved to a scenario of
// one town: the region's settings, then its own. Municipalities are independent simulations;
// the ensemble runner runs them in parallel.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace salonsim::models {

struct Municipality {
  std::string name;
  std::vector<std::string> overrides;  // its own settings, after the command line's
  Scenario scenario;                   // resolved, one town (no region)
};

/// The seed of municipality m's streams, from the run's seed: municipalities are independent
/// towns (their draws share nothing), and the same municipality keeps its streams across arms.
std::uint64_t municipality_seed(std::uint64_t seed, std::size_t municipality);

/// What distinguishes municipalities, from a municipality's scenario (the trial's propensity
/// of support, the reports).
struct MunicipalityTraits {
  double population = 0;       // residents aged 65+ at the start
  double districts = 0;        // districts
  double rural_share = 0;      // share of residents in rural districts (population weights)
  double income_median = 0;    // median equivalised income, million yen
  double join_odds_ratio = 1;  // groups.join_odds_ratio
};
MunicipalityTraits traits_of(const Scenario& town);

/// The municipalities of the region in `file` (listed, then generated), each loaded with
/// `overrides` and then its own settings. A scenario without a region is one municipality of
/// its own name. Throws params::ScenarioError listing every municipality's problems, each named.
std::vector<Municipality> municipalities_of(const std::filesystem::path& file,
                                            const Scenario& region,
                                            const std::vector<std::string>& overrides);

}  // namespace salonsim::models
