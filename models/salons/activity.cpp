#include "models/salons/activity.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <limits>

#include "sim/simulation.hpp"

namespace salonsim::models {

SalonAttendance SalonAttendance::registered_on(Population& p) {
  // A survey asks about sessions so far and the latest one (surveyed); the first session is
  // written once, in /agents.
  return {p.add_column<std::uint16_t>({.name = std::string(kSalonSessionsColumn),
                                       .unit = "",
                                       .description = "salon sessions attended",
                                       .surveyed = true}),
          p.add_column<std::int32_t>({std::string(kFirstSalonStepColumn), "step",
                                      "step of the first salon session attended, -1 never"},
                                     kNever),
          p.add_column<std::int32_t>(
              {.name = "last_salon_step",
               .unit = "step",
               .description = "step of the last salon session attended, -1 never",
               .output = false,
               .surveyed = true},
              kNever)};
}

void record_salon_session(Population& p, const SalonAttendance& a, ResidentId id,
                          std::int32_t step) {
  p[a.last_step][id] = step;
  std::int32_t& first = p[a.first_step][id];
  if (first < 0) first = step;
  std::uint16_t& sessions = p[a.sessions][id];
  if (sessions < std::numeric_limits<std::uint16_t>::max()) ++sessions;
}

void befriend_attendees(Network& network, const RandomStream& stream, std::int64_t step,
                        std::span<const ResidentId> list, const SalonEffects& effects,
                        std::uint64_t draw) {
  if (list.size() < 2) return;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const auto u = stream.uniforms4(step, list[k], draw);
    if (u[0] >= effects.new_tie_probability) continue;
    std::size_t other = static_cast<std::size_t>(u[1] * static_cast<double>(list.size() - 1));
    other = std::min(other, list.size() - 2);
    if (other >= k) ++other;
    network.add_tie(
        list[k], list[other],
        {static_cast<float>(effects.new_tie_contacts_per_week), TieKind::kAcquaintance});
  }
}

double decline_factor(const SalonEffects& effects, double sessions_per_year) {
  if (sessions_per_year <= 0) return 1.0;
  return 1.0 - effects.max_decline_reduction * sessions_per_year /
                   (sessions_per_year + effects.half_effect_sessions_per_year);
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

void SalonActivity::init(Simulation& sim) {
  Population& p = sim.population();
  attendance_ = SalonAttendance::registered_on(p);
  contacts_per_week_ = p.add_column<float>(
      {"salon_contacts_per_week", "1/week", "contacts a week from salon attendance", false}, 0.0f);
  decline_ratio_ = p.add_column<float>(
      {"salon_decline_ratio", "",
       "ratio of the certification hazard from recent salon attendance (1: none)", false},
      1.0f);
  sim.effects().add_contacts({std::string(kSalonActivityStream), contacts_per_week_});
  // Participation, for the outcomes above.
  const std::int32_t* first = p[attendance_.first_step].data();
  const auto without_car = [&p](ResidentId i) {
    return p.transport[i] != static_cast<std::uint8_t>(Transport::kDrives) || p.certified0[i];
  };
  sim.tallies().add({"salon_participants", "residents who ever attended a salon",
                     [first](ResidentId i) { return first[i] != kNever ? 1.0 : 0.0; }});
  sim.tallies().add({"residents_without_car", "residents who did not drive at entry",
                     [without_car](ResidentId i) { return without_car(i) ? 1.0 : 0.0; }});
  sim.tallies().add({"salon_participants_without_car",
                     "residents who did not drive at entry who ever attended a salon",
                     [first, without_car](ResidentId i) {
                       return without_car(i) && first[i] != kNever ? 1.0 : 0.0;
                     }});
  sim.effects().add_ratio(Hazard::kCertification,
                          {std::string(kSalonActivityStream), decline_ratio_});
  attendance_per_week_.assign(sim.population().size(), 0.0f);
}

void SalonActivity::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const int days = sim.clock().days_per_step;
  const auto step32 = static_cast<std::int32_t>(step);
  const double weight = std::min(1.0, (days / 7.0) / effects_.recency_weeks);
  const std::vector<std::int32_t>& last_session = p[attendance_.last_step];
  std::vector<float>& contacts = p[contacts_per_week_];
  std::vector<float>& ratio = p[decline_ratio_];
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, p.size(), 2048), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const bool attended = last_session[i] == step32;
      if (attendance_per_week_[i] == 0.0f && !attended) continue;
      const double rate =
          (1.0 - weight) * attendance_per_week_[i] + weight * (attended ? 7.0 / days : 0.0);
      attendance_per_week_[i] = rate < 1e-4 ? 0.0f : static_cast<float>(rate);
      contacts[i] = static_cast<float>(attendance_per_week_[i] * effects_.contacts_per_session);
      ratio[i] =
          static_cast<float>(decline_factor(effects_, attendance_per_week_[i] * 365.25 / 7.0));
    }
  });
}

}  // namespace salonsim::models
