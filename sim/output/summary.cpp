#include "sim/output/summary.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace salonsim {

GroupSummary& GroupSummary::operator+=(const GroupSummary& g) {
  residents += g.residents;
  independent_at_entry += g.independent_at_entry;
  deaths += g.deaths;
  certifications += g.certifications;
  isolated_at_entry += g.isolated_at_entry;
  alive_at_end += g.alive_at_end;
  isolated_at_end += g.isolated_at_end;
  person_years += g.person_years;
  disability_free_years += g.disability_free_years;
  salon_participants += g.salon_participants;
  residents_without_car += g.residents_without_car;
  salon_participants_without_car += g.salon_participants_without_car;
  poor_food_access_at_entry += g.poor_food_access_at_entry;
  poor_food_access_years += g.poor_food_access_years;
  return *this;
}

GroupSummary RunSummary::total() const {
  GroupSummary sum;
  for (const GroupSummary& g : groups) sum += g;
  return sum;
}

RunSummary summarize(const Simulation& sim) {
  const Population& p = sim.population();
  const std::int64_t steps = sim.current_step();
  const double years_per_step = sim.clock().years_per_step();
  RunSummary summary;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] >= steps) continue;  // never entered
    GroupSummary& g = summary.groups[p.group(static_cast<ResidentId>(i))];
    ++g.residents;
    g.independent_at_entry += !p.certified0[i];
    g.deaths += p.death_step[i] != kNever;
    g.certifications += p.disability_step[i] != kNever;
    g.isolated_at_entry += p.isolated0[i];
    g.alive_at_end += p.alive[i];
    g.isolated_at_end += p.alive[i] && p.isolated[i];
    g.salon_participants += p.first_salon_step[i] != kNever;
    const bool without_car =
        p.transport[i] != static_cast<std::uint8_t>(Transport::kDrives) || p.certified0[i];
    g.residents_without_car += without_car;
    g.salon_participants_without_car += without_car && p.first_salon_step[i] != kNever;
    g.poor_food_access_at_entry += !p.food_access0[i];
    g.poor_food_access_years += p.poor_food_access_steps[i] * years_per_step;
    const std::int64_t last = p.death_step[i] != kNever ? p.death_step[i] + 1 : steps;
    g.person_years += static_cast<double>(last - p.entry_step[i]) * years_per_step;
    if (!p.certified0[i]) {
      const std::int64_t independent_until =
          p.disability_step[i] != kNever ? std::min<std::int64_t>(last, p.disability_step[i] + 1)
                                         : last;
      g.disability_free_years +=
          static_cast<double>(independent_until - p.entry_step[i]) * years_per_step;
    }
  }
  summary.cost_yen = sim.cost_yen();
  summary.years = static_cast<double>(steps) * years_per_step;
  for (const ModuleCost& cost : sim.module_costs())
    summary.costs.push_back({std::string(cost.module), cost.yen});
  return summary;
}

std::string format_summary(const std::vector<RunSummary>& replicates, double years) {
  const double r = replicates.empty() ? 1.0 : static_cast<double>(replicates.size());
  std::array<GroupSummary, kGroups> groups{};
  GroupSummary total;
  for (const RunSummary& s : replicates) {
    for (int k = 0; k < kGroups; ++k) groups[k] += s.groups[k];
    total += s.total();
  }
  // Salon participation is shown when the run had salons.
  const bool salons = total.salon_participants > 0;
  std::string text =
      fmt::format("{:<20} {:>10} {:>9} {:>14} {:>15} {:>12} {:>12}{}\n", "group", "residents",
                  "deaths", "deaths/1000py", "certifications", "isolated@0", "isolated@end",
                  salons ? fmt::format(" {:>13}", "ever@salon") : "");
  const auto row = [&](std::string_view name, const GroupSummary& g) {
    const double py = g.person_years > 0 ? g.person_years : 1.0;
    const double at_end = g.alive_at_end > 0 ? 100.0 * g.isolated_at_end / g.alive_at_end : 0.0;
    const double at_entry = g.residents > 0 ? 100.0 * g.isolated_at_entry / g.residents : 0.0;
    const double salon = g.residents > 0 ? 100.0 * g.salon_participants / g.residents : 0.0;
    text +=
        fmt::format("{:<20} {:>10.0f} {:>9.1f} {:>14.1f} {:>15.1f} {:>11.1f}% {:>11.1f}%{}\n", name,
                    g.residents / r, g.deaths / r, 1000.0 * g.deaths / py, g.certifications / r,
                    at_entry, at_end, salons ? fmt::format(" {:>12.1f}%", salon) : "");
  };
  for (int k = 0; k < kGroups; ++k) row(kGroupNames[k], groups[k]);
  row("all", total);
  text += fmt::format(
      "over {:.1f} years{}; certifications are new LTC certifications during the run\n", years,
      replicates.size() > 1 ? fmt::format(", mean of {} replicates", replicates.size()) : "");
  return text;
}

}  // namespace salonsim
