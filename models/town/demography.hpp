#pragma once
// Who lives in the town: entrants (residents turning 65) join when their step comes, and the
// output names the town's districts (the /districts table that /agents/district indexes).
#include <vector>

#include "models/town/town_params.hpp"
#include "sim/module.hpp"

namespace salonsim::models {

class Demography final : public Module {
 public:
  explicit Demography(std::vector<District> districts = {}) : districts_(std::move(districts)) {}
  std::string_view name() const override { return "demography"; }
  Phase phase() const override { return Phase::kDemography; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;

 private:
  std::vector<District> districts_;
  std::size_t next_entrant_ = 0;  // entrants are stored in entry-step order
  // The /districts table's columns, filled at init (the residents are all known by then:
  // entrants are drawn at set-up).
  std::vector<std::uint16_t> index_;
  std::vector<double> x_m_, y_m_, radius_m_;
  std::vector<std::uint8_t> density_;
  std::vector<std::uint32_t> residents_;
  std::vector<std::string> names_;
  std::string density_codes_;  // "urban,suburban,rural": the codes' names, which views point into
};

}  // namespace salonsim::models
