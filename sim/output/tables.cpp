#include "sim/output/tables.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>

#include "sim/output/summary.hpp"
#include "sim/simulation.hpp"

namespace salonsim {

OutputTable agent_table(const Population& p) {
  // The id and household columns are worked out from the rows (the population keeps neither).
  struct RowIds {
    std::vector<ResidentId> id;
    std::vector<std::int32_t> household;
  };
  auto rows = std::make_shared<RowIds>();
  rows->id = p.ids();
  rows->household.resize(p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    rows->household[i] = static_cast<std::int32_t>(p.household_of(static_cast<ResidentId>(i)));
  OutputTable table{
      "agents",
      "one row per resident ever simulated, indexed by resident id",
      {
          {"id", "resident id: the row number, stable for the whole run", column_view(rows->id)},
          {"sex", "0 male, 1 female", column_view(p.sex), "", "male,female"},
          {"age0", "age in years at entry (step 0 or entry_step)", column_view(p.age0), "years"},
          {"income", "equivalised household income, million yen a year", column_view(p.income),
           "million yen/year"},
          {"income_low", "1 if income is below the low-income threshold",
           column_view(p.income_low)},
          {"household", "household id; spouses share one", column_view(rows->household)},
          {"spouse", "resident id of the spouse in the town, -1 if none", column_view(p.spouse)},
          {"lives_alone", "1 if living alone", column_view(p.lives_alone)},
          {"transport", "0 drives, 1 gets lifts, 2 none (at entry)", column_view(p.transport), "",
           "drives,lifts,none"},
          {"district", "index of the home district in town.districts", column_view(p.district)},
          {"x_m", "home east coordinate, metres", column_view(p.x_m), "m"},
          {"y_m", "home north coordinate, metres", column_view(p.y_m), "m"},
          {"degree0", "number of ties at entry", column_view(p.degree0), "ties"},
          {"isolated0", "1 if isolated (contact < 1/week) at entry", column_view(p.isolated0)},
          {"certified0", "1 if LTC-certified at entry", column_view(p.certified0)},
          {"frailty0", "frailty index at entry, 0..1", column_view(p.frailty0), "1"},
          {"disability_step", "step of LTC certification during the run, -1 if none",
           column_view(p.disability_step), "step"},
          {"death_step", "step of death, -1 if alive at the end", column_view(p.death_step),
           "step"},
          {"entry_step", "step the resident entered (0 for the starting population)",
           column_view(p.entry_step), "step"},
      }};
  // Then every column the mechanisms registered for the output, in the order registered.
  for (const ColumnRegistry::Entry& entry : p.columns.entries()) {
    if (!entry.spec.output) continue;
    table.columns.push_back({entry.spec.name, entry.spec.description, ColumnRegistry::view(entry),
                             entry.spec.unit, entry.spec.codes});
  }
  table.owned_data = rows;
  return table;
}

OutputTable tally_table(const Simulation& simulation) {
  const RunSummary summary = summarize(simulation);
  struct Data {
    std::vector<std::uint8_t> income_low, sex;
    std::vector<std::string> names;
    std::vector<std::vector<double>> sums;  // by tally, then group
  };
  auto data = std::make_shared<Data>();
  for (int g = 0; g < kGroups; ++g) {
    data->income_low.push_back(static_cast<std::uint8_t>(g / 2));  // group = income_low * 2 + sex
    data->sex.push_back(static_cast<std::uint8_t>(g % 2));
  }
  const GroupSummary total = summary.total();  // a copy: the loop must not outlive it
  for (const auto& [name, value] : total.sums()) {
    data->names.push_back(name);
    std::vector<double>& sums = data->sums.emplace_back();
    for (int g = 0; g < kGroups; ++g) sums.push_back(summary.groups[g][name]);
  }
  OutputTable table{
      "tallies",
      "the run's sums by income group and sex, one row per group: what every outcome "
      "is computed from (e.g. certifications per 1,000 residents)",
      {{"income_low", "0 high income, 1 low income", column_view(data->income_low), "", "high,low"},
       {"sex", "0 male, 1 female", column_view(data->sex), "", "male,female"}},
      {{"years", fmt::format("{}", summary.years)}}};
  for (std::size_t t = 0; t < data->names.size(); ++t) {
    const std::string& name = data->names[t];
    // The core's sums (sim/output/summary.cpp), then those mechanisms registered.
    static const std::map<std::string_view, std::string_view> kCore{
        {tally::kResidents, "residents in the town at some time during the run"},
        {tally::kIndependentAtEntry, "residents not certified when they entered"},
        {tally::kDeaths, "deaths during the run"},
        {tally::kCertifications, "new long-term-care certifications during the run"},
        {tally::kIsolatedAtEntry, "residents isolated (contact < 1/week) when they entered"},
        {tally::kAliveAtEnd, "residents alive at the end"},
        {tally::kIsolatedAtEnd, "residents alive and isolated at the end"},
        {tally::kPersonYears, "years lived in the town during the run"},
        {tally::kDisabilityFreeYears,
         "years lived without certification, by those independent "
         "at entry"}};
    std::string_view description = name, units = {};
    if (const auto core = kCore.find(name); core != kCore.end()) description = core->second;
    for (const Tally& tally : simulation.tallies().all()) {
      if (tally.name == name) description = tally.description;
    }
    if (name == tally::kPersonYears || name == tally::kDisabilityFreeYears) units = "years";
    if (name == tally::kLtcBenefitsYen) units = "yen";
    table.columns.push_back({name, description, column_view(data->sums[t]), units});
  }
  table.owned_data = data;
  return table;
}

std::vector<OutputTable> output_tables(const Simulation& simulation) {
  std::vector<OutputTable> tables{agent_table(simulation.population())};
  simulation.add_output_tables(tables);
  tables.push_back(tally_table(simulation));
  // One row: each intervention's cost per year of the run, a column per module.
  const std::vector<ModuleCost> costs = simulation.module_costs();
  const std::vector<double>& per_year = simulation.cost_per_year_yen();
  if (!costs.empty() && per_year.size() == costs.size()) {
    OutputTable table{"costs",
                      "cost of each intervention in yen per year of the run (its cost over the "
                      "run divided by the run's years), one column per intervention module",
                      {}};
    for (std::size_t k = 0; k < costs.size(); ++k) {
      table.columns.push_back({costs[k].module, "yen per year",
                               std::span<const double>(per_year.data() + k, 1), "yen/year"});
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace salonsim
