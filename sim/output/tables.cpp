#include "sim/output/tables.hpp"

#include "sim/simulation.hpp"

namespace salonsim {

OutputTable agent_table(const Population& p) {
  OutputTable table{
      "agents",
      "one row per resident ever simulated, indexed by resident id",
      {
          {"id", "resident id: the row number, stable for the whole run", column_view(p.id)},
          {"sex", "0 male, 1 female", column_view(p.sex)},
          {"age0", "age in years at entry (step 0 or entry_step)", column_view(p.age0), "years"},
          {"income", "equivalised household income, million yen a year", column_view(p.income),
           "million yen/year"},
          {"income_low", "1 if income is below the low-income threshold",
           column_view(p.income_low)},
          {"household", "household id; spouses share one", column_view(p.household)},
          {"spouse", "resident id of the spouse in the town, -1 if none", column_view(p.spouse)},
          {"lives_alone", "1 if living alone", column_view(p.lives_alone)},
          {"transport", "0 drives, 1 gets lifts, 2 none (at entry)", column_view(p.transport)},
          {"district", "index of the home district in town.districts", column_view(p.district)},
          {"x_m", "home east coordinate, metres", column_view(p.x_m), "m"},
          {"y_m", "home north coordinate, metres", column_view(p.y_m), "m"},
          {"degree0", "number of ties at entry", column_view(p.degree0)},
          {"isolated0", "1 if isolated (contact < 1/week) at entry", column_view(p.isolated0)},
          {"certified0", "1 if LTC-certified at entry", column_view(p.certified0)},
          {"frailty0", "frailty index at entry, 0..1", column_view(p.frailty0)},
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
    table.columns.push_back(
        {entry.spec.name, entry.spec.description, ColumnRegistry::view(entry), entry.spec.unit});
  }
  return table;
}

std::vector<OutputTable> output_tables(const Simulation& simulation) {
  std::vector<OutputTable> tables{agent_table(simulation.population())};
  simulation.add_output_tables(tables);
  // One row: each intervention's cost per year of the run, a column per module.
  const std::vector<ModuleCost> costs = simulation.module_costs();
  const std::vector<double>& per_year = simulation.cost_per_year_yen();
  if (!costs.empty() && per_year.size() == costs.size()) {
    OutputTable table{"costs",
                      "cost of each intervention in yen per year of the run (its cost over the "
                      "run divided by the run's years), one column per intervention module",
                      {}};
    for (std::size_t k = 0; k < costs.size(); ++k) {
      table.columns.push_back(
          {costs[k].module, "yen per year", std::span<const double>(per_year.data() + k, 1)});
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace salonsim
