#pragma once
// What attending a group's session does, shared by every kind of group (and by the mobile
// shop's drop-by lunch salons, which count as salon sessions): the bookkeeping of a session
// attended, new ties among the attendees, and the running average of attendance that gives
// contacts and slower functional decline (and, for kinds with an effect on death, lower
// mortality).
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/groups/group_params.hpp"
#include "sim/effects.hpp"
#include "sim/module.hpp"
#include "sim/network.hpp"
#include "sim/outcomes.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"

namespace salonsim::models {

inline constexpr std::string_view kSalonActivityStream = "salon_activity";
/// The registered column of each resident's first salon session (read by the salon study).
inline constexpr std::string_view kFirstSalonStepColumn = "first_salon_step";
/// The registered, surveyed column of salon sessions attended (the salon study reads it).
inline constexpr std::string_view kSalonSessionsColumn = "salon_sessions";

/// Column names of a kind: "<what>" with the kind's word (salon_sessions, sports_sessions,
/// member_sports, ...).
std::string group_column(GroupKind kind, std::string_view pattern);

/// Each resident's record of one kind's sessions, registered by every mechanism that holds or
/// reads sessions of that kind.
struct GroupAttendance {
  Column<std::uint16_t> sessions;
  Column<StoredStep> first_step, last_step;  // two bytes (sim/population.hpp), -1 never
  /// Running average of sessions attended per week (time scale recency_weeks).
  Column<float> per_week;
  static GroupAttendance registered_on(Population& p, GroupKind kind);
  /// The columns a session writes, taken once before a loop over attendees.
  struct Sessions {
    std::uint16_t* count;
    StoredStep *first_step, *last_step;
  };
  Sessions sessions_of(Population& p) const {
    return {p[sessions].data(), p[first_step].data(), p[last_step].data()};
  }
};

/// Records that a resident attended a session at `step` (last and first session, count).
inline void record_session(const GroupAttendance::Sessions& s, ResidentId id, StoredStep step) {
  s.last_step[id] = step;
  if (s.first_step[id] < 0) s.first_step[id] = step;
  if (s.count[id] < std::numeric_limits<std::uint16_t>::max()) ++s.count[id];
}

/// Fills `keys` with the attendees' scrambled ids (sim/spatial_order.hpp), in their order: what
/// befriended_by picks by.
void key_attendees(std::span<const ResidentId> attendees, std::vector<std::uint32_t>& keys);

/// Each attendee (in the order given) befriends another attendee with new_tie_probability,
/// from draw `draw` of `stream` keyed by (step, attendee).
void befriend_attendees(Network& network, const RandomStream& stream, std::int64_t step,
                        std::span<const ResidentId> attendees, const GroupEffects& effects,
                        std::uint64_t draw);
/// The attendee whom attendees[k] befriends at the session (none if they make no new
/// acquaintance), from their own draw; `keys` from key_attendees. The rule for one attendee:
/// draw_session_ties applies it to every attendee of a session.
std::optional<ResidentId> befriended_by(const RandomStream& stream, std::int64_t step,
                                        std::span<const ResidentId> attendees,
                                        std::span<const std::uint32_t> keys, std::size_t k,
                                        const GroupEffects& effects, std::uint64_t draw);
/// Who befriends whom at one session: (attendee, befriended) in the attendees' order, each as
/// befriended_by draws it. The attendees' draws are made first, several together (one's rounds
/// of the generator need not wait for another's), and `keys` are filled only when someone makes
/// an acquaintance (few do). It only reads the attendees, so the sessions of a step can draw in
/// parallel and add the ties after, in order.
void draw_session_ties(const RandomStream& stream, std::int64_t step,
                       std::span<const ResidentId> attendees, const GroupEffects& effects,
                       std::uint64_t draw, std::vector<std::uint32_t>& keys,
                       std::vector<std::pair<ResidentId, ResidentId>>& ties);
/// The tie a new acquaintance made at a session has.
inline Tie new_acquaintance(const GroupEffects& effects) {
  return {static_cast<float>(effects.new_tie_contacts_per_week), TieKind::kAcquaintance};
}

/// Salon participation outcomes (ever attended, and among residents without a car), counted by
/// the salons' activity's tallies.
std::vector<Outcome> salon_outcomes();

/// Ratio of a hazard for recent attendance (sessions per year): 1 - max_reduction * a / (a +
/// half_effect_sessions_per_year).
double attendance_ratio(double max_reduction, double half_effect_sessions_per_year,
                        double sessions_per_year);
/// attendance_ratio of a running attendance kept in sessions a week, worked out where it is read
/// (sim/effects.hpp) and rounded to float: what GroupActivity registers as its effects.
Effects::SaturatingRatio attendance_ratio_per_week(double max_reduction,
                                                   double half_effect_sessions_per_year);
/// Reduction factor of the certification hazard for recent attendance (sessions per year).
double decline_factor(const GroupEffects& effects, double sessions_per_year);

/// The effects of one kind's attendance, in the access phase: after every group of the step has
/// met, a running average of attendance (time scale recency_weeks) sets each resident's contacts
/// from the kind and the ratios by which it slows their decline and lowers their death hazard:
/// sources of effects of their own, combined by Health and Contacts with every other source.
class GroupActivity : public Module {
 public:
  GroupActivity(GroupKind kind, GroupEffects effects);
  std::string_view name() const override { return name_; }
  Phase phase() const override { return Phase::kAccess; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;

 private:
  GroupKind kind_;
  GroupEffects effects_;
  std::string name_;
  GroupAttendance attendance_;
};

/// The salons' activity (shared by the salons and the mobile shop's drop-by lunch salons), which
/// also counts who ever attended.
class SalonActivity final : public GroupActivity {
 public:
  explicit SalonActivity(GroupEffects effects) : GroupActivity(GroupKind::kSalon, effects) {}
};

}  // namespace salonsim::models
