#include "models/region/region.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <optional>

#include "sim/random.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace salonsim::models {

std::uint64_t municipality_seed(std::uint64_t seed, std::size_t municipality) {
  // splitmix64 of (seed, m): distinct municipalities get unrelated keys.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (municipality + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

MunicipalityTraits traits_of(const Scenario& town) {
  MunicipalityTraits traits;
  traits.population = town.town.population;
  traits.districts = static_cast<double>(town.town.districts.size());
  double weights = 0, rural = 0;
  for (const District& d : town.town.districts) {
    weights += d.population_weight;
    if (d.density == Density::kRural) rural += d.population_weight;
  }
  traits.rural_share = weights > 0 ? rural / weights : 0;
  traits.income_median = town.town.income.median_million_yen;
  traits.join_odds_ratio = town.groups.join_odds_ratio;
  return traits;
}

std::vector<Municipality> municipalities_of(const std::filesystem::path& file,
                                            const Scenario& region,
                                            const std::vector<std::string>& overrides) {
  std::vector<Municipality> all;
  const RegionParams& r = region.region;
  if (r.empty()) {
    all.push_back({region.name, {}, region});
    return all;
  }
  for (const ListedMunicipality& listed : r.municipalities)
    all.push_back({listed.name, listed.set, {}});
  // Each generated municipality draws every varied key from its own counter, so adding a
  // municipality or a key leaves the others' draws as they were.
  const RandomStream draws(r.seed != 0 ? r.seed : region.run.seed, 0, "region");
  for (std::int32_t m = 0; m < r.generate; ++m) {
    Municipality generated{fmt::format("{}{:02}", r.name_prefix, m + 1), {}, {}};
    for (std::size_t k = 0; k < r.vary.size(); ++k) {
      const sweep::SweepParameter& key = r.vary[k];
      const double value = sweep::value_at(key, draws.uniform(m, k, 0));
      generated.overrides.push_back(key.key + "=" + sweep::value_text(key, value));
    }
    all.push_back(std::move(generated));
  }
  // The files are read once (a national region lists 1,741 municipalities), and each
  // municipality starts from them without the region's block: it is one town. Settings of the
  // region's own keys were applied to the region already, so they are not applied again.
  const ScenarioFiles files = ScenarioFiles(file).without_region();
  std::vector<std::string> town_overrides;
  for (const std::string& o : overrides)
    if (!in_region_block(std::string_view(o).substr(0, o.find('=')))) town_overrides.push_back(o);
  // Municipalities are resolved in parallel, each into its own slot; the problems are then
  // gathered in the municipalities' order, so the message is the same for any thread count.
  std::vector<std::optional<params::Diagnostics>> failed(all.size());
  tbb::parallel_for(std::size_t{0}, all.size(), [&](std::size_t m) {
    std::vector<std::string> settings = town_overrides;
    settings.insert(settings.end(), all[m].overrides.begin(), all[m].overrides.end());
    try {
      all[m].scenario = files.with(settings);
      all[m].scenario.name = all[m].name;
    } catch (const params::ScenarioError& e) {
      failed[m] = e.diagnostics();
    }
  });
  params::Diagnostics problems;
  for (std::size_t m = 0; m < all.size(); ++m) {
    if (!failed[m]) continue;
    const std::string whose =
        m < r.municipalities.size()
            ? fmt::format("region.municipalities[{}] '{}'", m, all[m].name)
            : fmt::format("generated municipality '{}' (region.vary)", all[m].name);
    for (const params::Issue& issue : failed[m]->issues())
      problems.error(issue.where, issue.path, whose + ": " + issue.message);
  }
  if (!problems.ok()) throw params::ScenarioError(std::move(problems));
  return all;
}

}  // namespace salonsim::models
