#include "sim/output/summary.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace salonsim {

GroupSummary RunSummary::total() const {
  GroupSummary sum;
  for (const GroupSummary& g : groups) sum += g;
  return sum;
}

RunSummary summarize(const Simulation& sim) {
  using namespace tally;
  const Population& p = sim.population();
  const std::int64_t steps = sim.current_step();
  const double years_per_step = sim.clock().years_per_step();
  RunSummary summary;
  // Sums are taken resident by resident in id order, so they are the same for any thread count.
  std::array<std::array<double, 9>, kGroups> core{};
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] >= steps) continue;  // never entered
    std::array<double, 9>& g = core[p.group(static_cast<ResidentId>(i))];
    g[0] += 1;
    g[1] += !p.certified0[i];
    g[2] += p.death_step[i] != kNever;
    g[3] += p.disability_step[i] != kNever;
    g[4] += p.isolated0[i];
    g[5] += p.alive[i];
    g[6] += p.alive[i] && p.isolated[i];
    const Population::StepsLived lived = p.steps_lived(static_cast<ResidentId>(i), steps);
    g[7] += static_cast<double>(lived.alive) * years_per_step;
    if (!p.certified0[i])
      g[8] += static_cast<double>(lived.alive - lived.certified) * years_per_step;
  }
  static constexpr std::string_view kCore[9] = {
      kResidents,  kIndependentAtEntry, kDeaths,      kCertifications,     kIsolatedAtEntry,
      kAliveAtEnd, kIsolatedAtEnd,      kPersonYears, kDisabilityFreeYears};
  for (int group = 0; group < kGroups; ++group) {
    for (int k = 0; k < 9; ++k) summary.groups[group].at(std::string(kCore[k])) = core[group][k];
  }
  // The mechanisms' tallies.
  for (const Tally& tally : sim.tallies().all()) {
    std::array<double, kGroups> sums{};
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p.entry_step[i] >= steps) continue;
      const auto id = static_cast<ResidentId>(i);
      sums[p.group(id)] += tally.value(id);
    }
    for (int group = 0; group < kGroups; ++group)
      summary.groups[group].at(tally.name) = sums[group];
  }
  summary.cost_yen = sim.cost_yen();
  summary.years = static_cast<double>(steps) * years_per_step;
  for (const ModuleCost& cost : sim.module_costs())
    summary.costs.push_back({std::string(cost.module), cost.yen});
  return summary;
}

std::string format_summary(const std::vector<RunSummary>& replicates, double years,
                           const std::vector<Outcome>& outcomes) {
  using namespace tally;
  const double r = replicates.empty() ? 1.0 : static_cast<double>(replicates.size());
  std::array<GroupSummary, kGroups> groups{};
  GroupSummary total;
  for (const RunSummary& s : replicates) {
    for (int k = 0; k < kGroups; ++k) groups[k] += s.groups[k];
    total += s.total();
  }
  // Mechanisms' outcomes are shown when the run counted them (e.g. participation).
  std::vector<const Outcome*> shown;
  for (const Outcome& outcome : outcomes) {
    if (!outcome.summary_heading.empty() && total[outcome.numerator] > 0) shown.push_back(&outcome);
  }
  // The core's columns and the first few outcomes in one table; further outcomes in tables of
  // their own, so that a line stays readable.
  constexpr std::size_t kWithCore = 3, kPerTable = 8;
  const auto cell = [&](const Outcome* outcome, const GroupSummary& g) {
    return outcome->summary_as_count ? fmt::format(" {:>13.0f}", g[outcome->numerator] / r)
                                     : fmt::format(" {:>12.1f}%", 100.0 * outcome->value(g));
  };
  std::string text =
      fmt::format("{:<20} {:>10} {:>9} {:>14} {:>15} {:>12} {:>12}", "group", "residents", "deaths",
                  "deaths/1000py", "certifications", "isolated@0", "isolated@end");
  const std::size_t first_end = std::min(shown.size(), kWithCore);
  for (std::size_t k = 0; k < first_end; ++k)
    text += fmt::format(" {:>13}", shown[k]->summary_heading);
  text += "\n";
  const auto row = [&](std::string_view name, const GroupSummary& g) {
    const double py = g[kPersonYears] > 0 ? g[kPersonYears] : 1.0;
    const double at_end = g[kAliveAtEnd] > 0 ? 100.0 * g[kIsolatedAtEnd] / g[kAliveAtEnd] : 0.0;
    const double at_entry = g[kResidents] > 0 ? 100.0 * g[kIsolatedAtEntry] / g[kResidents] : 0.0;
    text += fmt::format("{:<20} {:>10.0f} {:>9.1f} {:>14.1f} {:>15.1f} {:>11.1f}% {:>11.1f}%", name,
                        g[kResidents] / r, g[kDeaths] / r, 1000.0 * g[kDeaths] / py,
                        g[kCertifications] / r, at_entry, at_end);
    for (std::size_t k = 0; k < first_end; ++k) text += cell(shown[k], g);
    text += "\n";
  };
  for (int k = 0; k < kGroups; ++k) row(kGroupNames[k], groups[k]);
  row("all", total);
  for (std::size_t first = first_end; first < shown.size(); first += kPerTable) {
    const std::size_t last = std::min(shown.size(), first + kPerTable);
    text += fmt::format("{:<20}", "group");
    for (std::size_t k = first; k < last; ++k)
      text += fmt::format(" {:>13}", shown[k]->summary_heading);
    text += "\n";
    const auto more = [&](std::string_view name, const GroupSummary& g) {
      text += fmt::format("{:<20}", name);
      for (std::size_t k = first; k < last; ++k) text += cell(shown[k], g);
      text += "\n";
    };
    for (int k = 0; k < kGroups; ++k) more(kGroupNames[k], groups[k]);
    more("all", total);
  }
  const bool counts =
      std::any_of(shown.begin(), shown.end(), [](const Outcome* o) { return o->summary_as_count; });
  text += fmt::format(
      "over {:.1f} years{}; certifications are new LTC certifications during the run{}\n", years,
      replicates.size() > 1 ? fmt::format(", mean of {} replicates", replicates.size()) : "",
      counts ? "; columns without % count residents" : "");
  return text;
}

}  // namespace salonsim
