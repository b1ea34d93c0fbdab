#include "models/town/demography.hpp"

#include <string>

#include "sim/output/tables.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

void Demography::init(Simulation& sim) {
  const Population& p = sim.population();
  next_entrant_ = 0;
  while (next_entrant_ < p.size() && p.entry_step[next_entrant_] == 0) ++next_entrant_;

  const std::size_t n = districts_.size();
  index_.resize(n), x_m_.resize(n), y_m_.resize(n), radius_m_.resize(n), density_.resize(n);
  names_.resize(n), residents_.assign(n, 0);
  for (std::size_t d = 0; d < n; ++d) {
    const District& district = districts_[d];
    index_[d] = static_cast<std::uint16_t>(d);
    x_m_[d] = district.centre_m[0], y_m_[d] = district.centre_m[1];
    radius_m_[d] = district.radius_m;
    density_[d] = static_cast<std::uint8_t>(district.density);
    names_[d] = district.name;
  }
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p.district[i] < n) ++residents_[p.district[i]];
  density_codes_.clear();
  for (const auto& choice : kDensityChoices)
    density_codes_.append(density_codes_.empty() ? "" : ",").append(choice.name);
}

void Demography::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  while (next_entrant_ < p.size() && p.entry_step[next_entrant_] <= step) {
    p.alive[next_entrant_] = 1;
    ++next_entrant_;
  }
}

void Demography::add_output_tables(const Simulation&, std::vector<OutputTable>& tables) const {
  if (districts_.empty()) return;
  OutputTable table{
      "districts",
      "one row per district of the town, in the order of town.districts: /agents/district is the "
      "row number",
      {{"index", "row number, the value of /agents/district", column_view(index_)},
       {"x_m", "centre, east coordinate, metres", column_view(x_m_), "m"},
       {"y_m", "centre, north coordinate, metres", column_view(y_m_), "m"},
       {"radius_m", "radius within which its homes are placed, metres", column_view(radius_m_),
        "m"},
       {"density", "settlement density: 0 urban, 1 suburban, 2 rural", column_view(density_), "",
        density_codes_},
       {"residents", "residents ever simulated whose home is in the district",
        column_view(residents_), "residents"}}};
  table.text_columns.push_back({"name", "district name, as in the scenario", names_});
  tables.push_back(std::move(table));
}

}  // namespace salonsim::models
