#pragma once
// Food access: each step, whether a resident can get food: an open store within their reach (on
// foot, by car, with a lift, by bus), the mobile shop serving them this step, or a shuttle seat
// to the shops. Poor food access speeds functional decline (health reads poor_food_access).
//
// Runs in the access phase, after the shuttle (transport phase) and the mobile shop
// (interventions phase) of the same step.
#include <memory>
#include <vector>

#include "models/shops/mobile_shop.hpp"
#include "models/town/town_params.hpp"
#include "models/transport/reach.hpp"
#include "sim/module.hpp"
#include "sim/timeseries.hpp"

namespace salonsim::models {

/// The registered column: 1 if the resident had poor food access in the last step.
inline constexpr std::string_view kPoorFoodAccessColumn = "poor_food_access";

inline constexpr std::string_view kFoodAccessStream = "food_access";

/// Each resident's food access, registered by food access.
struct FoodAccessColumns {
  Column<std::uint8_t> poor;         // this step: no food within reach
  Column<std::uint16_t> poor_steps;  // steps alive with poor food access
  Column<std::uint8_t> at_entry;     // food within reach at entry
  Column<float> nearest_store_m;     // nearest store open at the last change of stores
  static FoodAccessColumns registered_on(Population& p);
};

/// Food access outcomes (at entry, and the share of person-years), counted by FoodAccess.
std::vector<Outcome> food_access_outcomes();

class FoodAccess final : public Module {
 public:
  /// `hr_poor_food_access`: hazard ratio of certification while food is out of reach.
  FoodAccess(Shopping shopping, GettingAbout getting_about, double hr_poor_food_access)
      : shopping_(std::move(shopping)),
        getting_about_(getting_about),
        hr_poor_food_access_(hr_poor_food_access) {}
  FoodAccess(const TownParams& town, double hr_poor_food_access)
      : FoodAccess(town, town, hr_poor_food_access) {}
  std::string_view name() const override { return kFoodAccessStream; }
  Phase phase() const override { return Phase::kAccess; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;
  std::size_t bytes() const override {
    return bytes_of(reach_store_) + bytes_of(bus_leg_) + bytes_of(home_to_line_m_) +
           bytes_of(stores_) + bytes_of(usable_stops_);
  }

  const std::vector<PlacedStore>& stores() const { return stores_; }
  const FoodAccessColumns& columns() const { return columns_; }

 private:
  /// Nearest open store and best bus leg of every resident, for the stores open at `step`.
  void update_stores(Population& p, std::int64_t step);
  static void declare_timeseries(Timeseries& timeseries, const std::uint8_t* poor_column);
  /// Whether what is known of a resident's reach (ReachKnown) still holds by their own row: a
  /// car they still drive, or lifts from the household (which stay). Without a branch.
  static bool holds_by_own_row(const Population& p, ResidentId id, std::uint8_t known);
  /// Whether a known lift from a spouse or relative (known >= kSpouseLift) still holds: the one
  /// who gives it is alive and still drives.
  bool lift_still_given(const Population& p, ResidentId id, std::uint8_t known) const;
  /// What to know of a resident's reach after asking it (`means`, none shuttle): ReachKnown.
  std::uint8_t known_reach(const Population& p, ResidentId id, Means means,
                           std::span<const ResidentId> relatives) const;

  Shopping shopping_;
  GettingAbout getting_about_;
  double hr_poor_food_access_;
  FoodAccessColumns columns_;
  MobileShopCustomers shop_customers_;
  ShuttleSeats seats_;
  std::vector<PlacedStore> stores_;
  std::vector<float> store_x_m_, store_y_m_;
  std::vector<std::int32_t> store_opens_, store_closes_, store_district_;
  std::vector<std::uint8_t> store_open_;
  std::vector<Point> usable_stops_;             // stops of lines that run often enough
  std::vector<std::int32_t> usable_stop_line_;  // their line
  // Per resident.
  std::shared_ptr<const RelativeLists> relatives_;  // for lifts, shared
  // What is known of each resident's reach of an open store by their own means (ReachKnown),
  // while the stores stay the same. Means only shrink then (walking range falls with age and
  // frailty, drivers stop driving when certified and get lifts, which reach no further:
  // town.reach says so, relatives and spouses who drive die or stop), so a resident who cannot
  // reach a store stays so until the stores change or a spouse or relative who may drive
  // enters, and one who reaches it by car or with someone's lifts does so while that holds.
  // Walking is asked every step. A test checks it against asking every resident every step.
  struct ReachKnown {
    static constexpr std::uint8_t kAsk = 0, kCannot = 1, kByCar = 2, kHouseholdLift = 3,
                                  kSpouseLift = 4, kRelativeLift = 5;  // + the relative's index
    static constexpr std::uint8_t kMostRelatives = 255 - kRelativeLift;
  };
  std::vector<std::uint8_t> reach_store_;
  std::size_t next_entrant_ = 0;       // first resident who has not entered yet
  std::vector<BusLeg> bus_leg_;        // the usable line needing the least walking, for stores
  std::vector<float> home_to_line_m_;  // [resident][usable line]: nearest stop of the line
  std::size_t usable_lines_ = 0;
  std::vector<float> line_to_store_m_;  // per usable line: nearest open store to any stop
};

}  // namespace salonsim::models
