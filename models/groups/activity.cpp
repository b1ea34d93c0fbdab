#include "models/groups/activity.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <limits>

#include "models/transport/reach.hpp"
#include "sim/simulation.hpp"
#include "sim/spatial_order.hpp"

namespace salonsim::models {

std::string group_column(GroupKind kind, std::string_view pattern) {
  std::string name(pattern);
  if (const std::size_t at = name.find("{}"); at != std::string::npos)
    name.replace(at, 2, group_kind_name(kind));
  return name;
}

GroupAttendance GroupAttendance::registered_on(Population& p, GroupKind kind) {
  const std::string word(group_kind_name(kind));
  // A survey asks about sessions so far and the latest one (surveyed); the first session is
  // written once, in /agents.
  return {p.add_column<std::uint16_t>({.name = group_column(kind, "{}_sessions"),
                                       .unit = "",
                                       .description = word + " sessions attended",
                                       .surveyed = true}),
          p.add_column<StoredStep>({group_column(kind, "first_{}_step"), "step",
                                    "step of the first " + word + " session attended, -1 never"},
                                   kNever),
          p.add_column<StoredStep>(
              {.name = group_column(kind, "last_{}_step"),
               .unit = "step",
               .description = "step of the last " + word + " session attended, -1 never",
               .output = false,
               .surveyed = true},
              kNever),
          p.add_column<float>(
              {.name = group_column(kind, "{}_attendance_per_week"),
               .unit = "1/week",
               .description = "running average of " + word + " sessions attended a week",
               .output = false},
              0.0f)};
}

void key_attendees(std::span<const ResidentId> attendees, std::vector<std::uint32_t>& keys) {
  keys.resize(attendees.size());
  for (std::size_t k = 0; k < attendees.size(); ++k) keys[k] = scrambled_id(attendees[k]);
}

void befriend_attendees(Network& network, const RandomStream& stream, std::int64_t step,
                        std::span<const ResidentId> attendees, const GroupEffects& effects,
                        std::uint64_t draw) {
  std::vector<std::uint32_t> keys;
  std::vector<std::pair<ResidentId, ResidentId>> ties;
  draw_session_ties(stream, step, attendees, effects, draw, keys, ties);
  for (const auto& [self, other] : ties) network.add_tie(self, other, new_acquaintance(effects));
}

namespace {

// The attendee whom attendees[k] befriends, from the second uniform of their draw: the one whose
// scrambled id comes first at or after a random place among all 32-bit values (wrapping round),
// oneself skipped: the least distance (key - place) in unsigned, wrapping arithmetic. An attendee
// more or less at the session changes only the choices that fall next to them, so paired
// scenarios stay paired. Scrambled, not plain, ids: a session's attendees are neighbours, whose
// rows (ids) lie together, so a random place among plain ids would nearly always fall before or
// after them all and pick the same one. Keys differ, so the least (distance, position) is one
// attendee whatever the order of the list.
ResidentId acquaintance_of(double u, std::span<const ResidentId> attendees,
                           std::span<const std::uint32_t> keys, std::size_t k) {
  constexpr double kKeys = 4294967296.0;  // 2^32
  const auto place = static_cast<std::uint32_t>(std::min(kKeys - 1, u * kKeys));
  std::uint64_t best = ~std::uint64_t{0};
  for (std::size_t j = 0; j < keys.size(); ++j) {
    const std::uint64_t candidate =
        std::uint64_t{static_cast<std::uint32_t>(keys[j] - place)} << 32 | j;
    best = j == k ? best : std::min(best, candidate);
  }
  return attendees[best & 0xffffffffu];
}

}  // namespace

std::optional<ResidentId> befriended_by(const RandomStream& stream, std::int64_t step,
                                        std::span<const ResidentId> attendees,
                                        std::span<const std::uint32_t> keys, std::size_t k,
                                        const GroupEffects& effects, std::uint64_t draw) {
  if (attendees.size() < 2) return std::nullopt;
  const auto u = stream.uniforms4(step, attendees[k], draw);
  if (u[0] >= effects.new_tie_probability) return std::nullopt;
  return acquaintance_of(u[1], attendees, keys, k);
}

void draw_session_ties(const RandomStream& stream, std::int64_t step,
                       std::span<const ResidentId> attendees, const GroupEffects& effects,
                       std::uint64_t draw, std::vector<std::uint32_t>& keys,
                       std::vector<std::pair<ResidentId, ResidentId>>& ties) {
  ties.clear();
  if (attendees.size() < 2) return;
  bool keyed = false;
  constexpr std::size_t kTogether = 32;
  std::array<std::array<double, 4>, kTogether> u;
  for (std::size_t first = 0; first < attendees.size(); first += kTogether) {
    const std::size_t count = std::min(kTogether, attendees.size() - first);
    for (std::size_t j = 0; j < count; ++j)
      u[j] = stream.uniforms4(step, attendees[first + j], draw);
    for (std::size_t j = 0; j < count; ++j) {
      if (u[j][0] >= effects.new_tie_probability) continue;
      if (!keyed) key_attendees(attendees, keys);
      keyed = true;
      ties.emplace_back(attendees[first + j], acquaintance_of(u[j][1], attendees, keys, first + j));
    }
  }
}

double attendance_ratio(double max_reduction, double half_effect_sessions_per_year,
                        double sessions_per_year) {
  if (sessions_per_year <= 0) return 1.0;
  return 1.0 -
         max_reduction * sessions_per_year / (sessions_per_year + half_effect_sessions_per_year);
}

Effects::SaturatingRatio attendance_ratio_per_week(double max_reduction,
                                                   double half_effect_sessions_per_year) {
  // Sessions a week to sessions a year, multiplied then divided as attendance_ratio's callers did.
  return {365.25, 7.0, max_reduction, half_effect_sessions_per_year};
}

double decline_factor(const GroupEffects& effects, double sessions_per_year) {
  return attendance_ratio(effects.max_decline_reduction, effects.half_effect_sessions_per_year,
                          sessions_per_year);
}

std::vector<Outcome> salon_outcomes() {
  return {{.name = "participation",
           .description = "share of residents who ever attended a salon",
           .numerator = "salon_participants",
           .denominator = "residents",
           .summary_heading = "ever@salon",
           .table_heading = "ever at a salon %",
           .table_scale = 100,
           .counts_reach = true},
          {.name = "participation_without_car",
           .description = "share of residents who did not drive at entry who ever attended a salon",
           .numerator = "salon_participants_without_car",
           .denominator = "residents_without_car",
           .table_heading = "salon, no car: ever %",
           .table_scale = 100}};
}

GroupActivity::GroupActivity(GroupKind kind, GroupEffects effects)
    : kind_(kind),
      effects_(effects),
      name_(kind == GroupKind::kSalon ? std::string(kSalonActivityStream)
                                      : group_column(kind, "{}_activity")) {}

void GroupActivity::init(Simulation& sim) {
  Population& p = sim.population();
  attendance_ = GroupAttendance::registered_on(p, kind_);
  const std::string word(group_kind_name(kind_));
  // The effects are functions of the running attendance, worked out where Contacts and Health
  // read them: contacts per session for each session a week, and ratios that fall with sessions
  // a year (the attendance is per week).
  sim.effects().add_contacts({name_, attendance_.per_week, effects_.contacts_per_session});
  const Effects::SaturatingRatio decline = attendance_ratio_per_week(
      effects_.max_decline_reduction, effects_.half_effect_sessions_per_year);
  sim.effects().add_ratio(Hazard::kCertification, {name_, attendance_.per_week, decline});
  const Column<float> per_week = attendance_.per_week;
  // The ratios are surveyed: the group study reads at the baseline what the kind gave.
  const auto surveyed_ratio = [per_week](Effects::SaturatingRatio ratio) {
    return [per_week, ratio](const ColumnRegistry& columns, std::vector<float>& values) {
      const std::vector<float>& rate = columns[per_week];
      for (std::size_t i = 0; i < values.size(); ++i) values[i] = ratio(rate[i]);
    };
  };
  if (kind_ != GroupKind::kSalon) {
    p.columns.add_computed<float>(
        {group_column(kind_, "{}_decline_ratio"), "",
         "ratio of the certification hazard from recent " + word + " attendance (1: none)"},
        surveyed_ratio(decline));
  }
  if (effects_.max_death_reduction > 0) {
    const Effects::SaturatingRatio death = attendance_ratio_per_week(
        effects_.max_death_reduction, effects_.half_effect_sessions_per_year);
    sim.effects().add_ratio(Hazard::kDeath, {name_, attendance_.per_week, death});
    p.columns.add_computed<float>(
        {group_column(kind_, "{}_death_ratio"), "",
         "ratio of the death hazard from recent " + word + " attendance (1: none)"},
        surveyed_ratio(death));
  }
  if (kind_ != GroupKind::kSalon) return;
  // Salon participation, for the outcomes above.
  const StoredStep* first = p[attendance_.first_step].data();
  const auto without_car = [&p](ResidentId i) { return without_car_at_entry(p, i); };
  sim.tallies().add({"salon_participants", "residents who ever attended a salon",
                     [first](ResidentId i) { return first[i] != kNever ? 1.0 : 0.0; }});
  sim.tallies().add({"residents_without_car", "residents who did not drive at entry",
                     [without_car](ResidentId i) { return without_car(i) ? 1.0 : 0.0; }});
  sim.tallies().add({"salon_participants_without_car",
                     "residents who did not drive at entry who ever attended a salon",
                     [first, without_car](ResidentId i) {
                       return without_car(i) && first[i] != kNever ? 1.0 : 0.0;
                     }});
}

void GroupActivity::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const int days = sim.clock().days_per_step;
  const StoredStep now = stored_step(step);
  const double weight = std::min(1.0, (days / 7.0) / effects_.recency_weeks);
  const std::vector<StoredStep>& last_session = p[attendance_.last_step];
  std::vector<float>& per_week = p[attendance_.per_week];
  // Of the rows entered: the others have neither a rate nor a session.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, p.entered_by(step), 2048),
                    [&](const auto& range) {
                      // No branch on who takes part (a resident who neither had a rate nor attended
                      // stays at 0), so the loop vectorises and does not mispredict.
                      const double session = weight * (7.0 / days);
                      const float* rate_before = per_week.data();
                      const StoredStep* last = last_session.data();
                      float* rate_now = per_week.data();
                      for (std::size_t i = range.begin(); i != range.end(); ++i) {
                        const double attended = static_cast<double>(last[i] == now);
                        const double rate = (1.0 - weight) * rate_before[i] + session * attended;
                        const float kept = static_cast<float>(rate);
                        rate_now[i] = rate < 1e-4 ? 0.0f : kept;
                      }
                    });
}

}  // namespace salonsim::models
