#include "sim/output/tables.hpp"

#include "sim/simulation.hpp"

namespace salonsim {

namespace {}  // namespace

OutputTable agent_table(const Population& p) {
  return {
      "agents",
      "one row per resident ever simulated, indexed by resident id",
      {
          {"id", "resident id: the row number, stable for the whole run", column_view(p.id)},
          {"sex", "0 male, 1 female", column_view(p.sex)},
          {"age0", "age in years at entry (step 0 or entry_step)", column_view(p.age0)},
          {"income", "equivalised household income, million yen a year", column_view(p.income)},
          {"income_low", "1 if income is below the low-income threshold",
           column_view(p.income_low)},
          {"household", "household id; spouses share one", column_view(p.household)},
          {"spouse", "resident id of the spouse in the town, -1 if none", column_view(p.spouse)},
          {"lives_alone", "1 if living alone", column_view(p.lives_alone)},
          {"transport", "0 drives, 1 gets lifts, 2 none (at entry)", column_view(p.transport)},
          {"district", "index of the home district in town.districts", column_view(p.district)},
          {"x_m", "home east coordinate, metres", column_view(p.x_m)},
          {"y_m", "home north coordinate, metres", column_view(p.y_m)},
          {"degree0", "number of ties at entry", column_view(p.degree0)},
          {"isolated0", "1 if isolated (contact < 1/week) at entry", column_view(p.isolated0)},
          {"certified0", "1 if LTC-certified at entry", column_view(p.certified0)},
          {"frailty0", "frailty index at entry, 0..1", column_view(p.frailty0)},
          {"disability_step", "step of LTC certification during the run, -1 if none",
           column_view(p.disability_step)},
          {"death_step", "step of death, -1 if alive at the end", column_view(p.death_step)},
          {"entry_step", "step the resident entered (0 for the starting population)",
           column_view(p.entry_step)},
      }};
}

std::vector<OutputTable> output_tables(const Simulation& simulation) {
  std::vector<OutputTable> tables{agent_table(simulation.population())};
  simulation.add_output_tables(tables);
  return tables;
}

}  // namespace salonsim
