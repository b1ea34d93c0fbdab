#pragma once
// Food access: each step, whether a resident can get food: an open store within their reach (on
// foot, by car, with a lift, by bus), the mobile shop serving them this step, or a shuttle seat
// to the shops. Poor food access speeds functional decline (health reads poor_food_access).
//
// Runs in the access phase, after the shuttle (transport phase) and the mobile shop
// (interventions phase) of the same step.
#include <vector>

#include "models/town/town_params.hpp"
#include "models/transport/reach.hpp"
#include "sim/module.hpp"

namespace salonsim::models {

inline constexpr std::string_view kFoodAccessStream = "food_access";

class FoodAccess final : public Module {
 public:
  explicit FoodAccess(TownParams town) : town_(std::move(town)) {}
  std::string_view name() const override { return kFoodAccessStream; }
  Phase phase() const override { return Phase::kAccess; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;

  const std::vector<PlacedStore>& stores() const { return stores_; }
  /// Distance from a resident's home to the nearest store open at the last update.
  float nearest_open_store_m(ResidentId id) const { return nearest_store_m_[id]; }

 private:
  /// Nearest open store and best bus leg of every resident, for the stores open at `step`.
  void update_stores(const Population& p, std::int64_t step);

  TownParams town_;
  std::vector<PlacedStore> stores_;
  std::vector<float> store_x_m_, store_y_m_;
  std::vector<std::int32_t> store_opens_, store_closes_, store_district_;
  std::vector<std::uint8_t> store_open_;
  std::vector<Point> usable_stops_;             // stops of lines that run often enough
  std::vector<std::int32_t> usable_stop_line_;  // their line
  // Per resident.
  RelativeLists relatives_;  // for lifts
  // 1 once a resident cannot reach an open store by their own means. Means only shrink while
  // the stores stay the same (walking range falls with age and frailty, drivers stop driving
  // when certified and get lifts, which reach no further: town.reach says so, relatives and
  // spouses who drive die or stop), so this stays 1 until the stores change or a spouse or
  // relative who may drive enters, and the step skips those residents. A test checks it against
  // asking every resident every step.
  std::vector<std::uint8_t> cannot_reach_store_;
  std::size_t next_entrant_ = 0;  // first resident who has not entered yet
  std::vector<float> nearest_store_m_;
  std::vector<BusLeg> bus_leg_;        // the usable line needing the least walking, for stores
  std::vector<float> home_to_line_m_;  // [resident][usable line]: nearest stop of the line
  std::size_t usable_lines_ = 0;
  std::vector<float> line_to_store_m_;  // per usable line: nearest open store to any stop
};

}  // namespace salonsim::models
