#pragma once
// What attending a salon session does, shared by every kind of salon (the salons' venues and
// the mobile shop's drop-by lunch salons): the bookkeeping of a session attended, new ties
// among the attendees, and the running average of attendance that gives contacts and slower
// functional decline.
#include <span>
#include <vector>

#include "models/salons/salon_params.hpp"
#include "sim/module.hpp"
#include "sim/network.hpp"
#include "sim/outcomes.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"

namespace salonsim::models {

inline constexpr std::string_view kSalonActivityStream = "salon_activity";
/// The registered column of each resident's first session (read by the salon study).
inline constexpr std::string_view kFirstSalonStepColumn = "first_salon_step";
/// The registered, surveyed column of sessions attended (the salon study reads it at a wave).
inline constexpr std::string_view kSalonSessionsColumn = "salon_sessions";

/// Each resident's record of salon sessions attended (any kind of salon), registered by every
/// mechanism that holds or reads sessions.
struct SalonAttendance {
  Column<std::uint16_t> sessions;
  Column<std::int32_t> first_step, last_step;
  static SalonAttendance registered_on(Population& p);
};

/// Records that a resident attended a salon session at `step` (last and first session, count).
void record_salon_session(Population& p, const SalonAttendance& attendance, ResidentId id,
                          std::int32_t step);

/// Each attendee (in increasing id order) befriends another attendee with new_tie_probability,
/// from draw `draw` of `stream` keyed by (step, attendee).
void befriend_attendees(Network& network, const RandomStream& stream, std::int64_t step,
                        std::span<const ResidentId> attendees, const SalonEffects& effects,
                        std::uint64_t draw);

/// Salon participation outcomes (ever attended, and among residents without a car), counted by
/// SalonActivity's tallies.
std::vector<Outcome> salon_outcomes();

/// Reduction factor of the certification hazard for recent attendance (sessions per year).
double decline_factor(const SalonEffects& effects, double sessions_per_year);

/// The effects of attendance, in the access phase: after every salon of the step has met, a
/// running average of attendance (time scale recency_weeks) sets each resident's contacts from
/// salons and the ratio by which salons slow their decline: two sources of effects, combined by
/// Health and Contacts with every other source.
class SalonActivity final : public Module {
 public:
  explicit SalonActivity(SalonEffects effects) : effects_(effects) {}
  std::string_view name() const override { return kSalonActivityStream; }
  Phase phase() const override { return Phase::kAccess; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;

 private:
  SalonEffects effects_;
  SalonAttendance attendance_;
  // This mechanism's contributions to the effects (see sim/effects.hpp).
  Column<float> contacts_per_week_, decline_ratio_;
  std::vector<float> attendance_per_week_;  // per resident, running average
};

}  // namespace salonsim::models
