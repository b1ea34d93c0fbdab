#pragma once
// Transport support: shuttle services that take eligible residents (age, certification, no car,
// living in the districts served) to salons and shops. Each step, in the transport phase, a
// service offers seats_per_trip seats on each of the step's trips; eligible residents get them
// by a random priority drawn each step from their own stream (a rota: seats rotate when demand
// exceeds them), one per resident per step. A seat this step gives salon access 1 (salons) and
// food access (food access), whatever the distance.
#include <vector>

#include "models/prescribing/referral_book.hpp"
#include "models/town/town_params.hpp"
#include "models/transport/reach.hpp"
#include "models/transport/shuttle_params.hpp"
#include "sim/admission.hpp"
#include "sim/module.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

inline constexpr std::string_view kShuttleStream = "shuttle";

/// Trips a service with `trips_per_week` makes in step `step`: the whole trips that fall in the
/// step when trips are spread evenly over time.
int trips_in_step(double trips_per_week, std::int64_t step, int days_per_step);

/// Whether a resident may ride a service (alive, age, certification, car, district). Without a
/// branch on the resident (only on the service), so that a loop over residents need not guess.
inline bool shuttle_eligible(const ShuttleParams& service,
                             const std::vector<std::uint8_t>& districts, const Population& p,
                             ResidentId id, double age) {
  const ShuttleEligibility& rule = service.eligibility;
  return (p.alive[id] != 0) & (age >= rule.min_age) &
         (rule.include_certified | (p.certified[id] == 0)) &
         (!rule.without_car_only | (not_driving_now(p, id) != 0)) &
         (districts.empty() || districts[p.district[id]] != 0);
}

class Shuttle final : public Module {
 public:
  Shuttle(std::vector<ShuttleParams> services, TownMap map)
      : services_(std::move(services)), map_(std::move(map)) {}
  std::string_view name() const override { return kShuttleStream; }
  Phase phase() const override { return Phase::kTransport; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  /// Each service's yearly cost times the years it ran so far.
  double cost_yen(const Simulation& sim) const override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;
  /// Finds the referrals of social prescribing, if it runs.
  void start(Simulation& sim) override;
  /// Whether a service running at `step` would take the resident to `destination` (a
  /// kShuttleTo* bit), for a referral (models/prescribing).
  bool would_take(const Population& p, ResidentId id, std::int64_t step, double dt,
                  std::uint8_t destination) const;

 private:
  std::vector<ShuttleParams> services_;
  Referrals referred_;  // riders a link worker registered
  TownMap map_;
  ShuttleSeats seats_;
  std::vector<std::vector<std::uint8_t>> served_districts_;  // per service: 1 per district served
  // Per service.
  std::vector<std::int32_t> seats_per_trip_, rides_total_;
  std::vector<double> trips_per_week_;
  // Usage over time, one row per (step, running service).
  std::vector<std::int32_t> usage_step_, usage_service_, usage_eligible_, usage_seats_,
      usage_rides_;
  std::vector<Candidate> order_;  // reused each step
  AdmissionQueues queues_;
};

}  // namespace salonsim::models
