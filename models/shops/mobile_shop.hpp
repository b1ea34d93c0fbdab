#pragma once
// The mobile shop: routes of stops visited on weekdays. When a stop is visited, residents within
// walking range of it (each at their nearest visited stop) are its customers, up to
// customers_per_visit per visit, admitted by a random priority from their own stream (drivers
// last); a
// customer has food access that step. A stop may host a drop-by lunch salon: residents living
// alone within walking range drop in with lunch_attend_probability, up to lunch_places per
// visit; attending counts as a salon session (contacts, ties, slower decline: see
// models/groups/activity.hpp).
#include <memory>
#include <vector>

#include "models/groups/activity.hpp"
#include "models/groups/group_params.hpp"
#include "models/prescribing/referral_book.hpp"
#include "models/shops/mobile_shop_params.hpp"
#include "models/transport/reach.hpp"
#include "sim/module.hpp"

namespace salonsim::models {

inline constexpr std::string_view kMobileShopStream = "mobile_shop";

/// Who the mobile shop served: registered by the shop and by food access, which reads it.
struct MobileShopCustomers {
  Column<StoredStep> step;       // last step served, -1 never
  Column<std::uint16_t> visits;  // times served
  static MobileShopCustomers registered_on(Population& p);
};

/// Visits of a stop with these weekdays in step `step` (days [step, step+1) * days_per_step).
int visits_in_step(const std::vector<double>& weekdays, std::int64_t step, int days_per_step);

class MobileShop final : public Module {
 public:
  MobileShop(std::vector<MobileShopParams> routes, TownMap map, WalkingParams walking,
             GroupEffects lunch_effects)
      : routes_(std::move(routes)),
        map_(std::move(map)),
        walking_(walking),
        lunch_effects_(lunch_effects) {}
  MobileShop(std::vector<MobileShopParams> routes, const TownParams& town,
             GroupEffects lunch_effects)
      : MobileShop(std::move(routes), town, town.walking, lunch_effects) {}
  std::string_view name() const override { return kMobileShopStream; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  /// Each route's yearly cost times the years it ran so far.
  double cost_yen(const Simulation& sim) const override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;
  /// Adds a route during the run (a municipal process decided it); it runs from its opens_step.
  void add_route(MobileShopParams route);
  /// Finds the referrals of social prescribing, if it runs.
  void start(Simulation& sim) override;
  /// Whether a stop of a route running at `step` lies within the resident's walking range, and
  /// whether it hosts a lunch salon (for a referral; models/prescribing).
  struct StopReach {
    bool within_walk = false;
    bool lunch = false;
  };
  StopReach stop_reach(const Population& p, ResidentId id, std::int64_t step, double dt) const;

 private:
  /// The stops of route r, appended to the per-stop columns.
  void add_stops(std::size_t r);
  std::vector<MobileShopParams> routes_;
  TownMap map_;
  WalkingParams walking_;
  GroupEffects lunch_effects_;
  MobileShopCustomers customers_;
  Referrals referred_;  // customers a link worker registered
  GroupAttendance lunch_attendance_;
  std::unique_ptr<SpatialGrid> homes_;
  // Per stop (all routes, in order).
  std::vector<Point> stop_point_;
  std::vector<std::int32_t> stop_route_, stop_capacity_, stop_lunch_places_;
  std::vector<std::uint8_t> stop_lunch_;
  std::vector<std::vector<double>> stop_weekdays_;
  std::vector<float> stop_x_m_, stop_y_m_;
  std::vector<std::int32_t> visits_, customers_total_, lunch_total_;
  std::vector<std::vector<ResidentId>> candidates_;  // reused each step
  // Per resident, reused each step: the nearest visited stop within walking range.
  std::vector<std::int32_t> stop_of_;
  std::vector<float> stop_distance_m_;
  std::vector<ResidentId> touched_;
  // Usage over time, one row per (step, visited stop).
  std::vector<std::int32_t> usage_step_, usage_stop_, usage_within_range_, usage_customers_,
      usage_lunch_;
};

}  // namespace salonsim::models
