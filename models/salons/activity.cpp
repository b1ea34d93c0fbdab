#include "models/salons/activity.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <limits>

#include "sim/simulation.hpp"

namespace salonsim::models {

void record_salon_session(Population& p, ResidentId id, std::int32_t step) {
  p.last_salon_step[id] = step;
  if (p.first_salon_step[id] < 0) p.first_salon_step[id] = step;
  if (p.salon_sessions[id] < std::numeric_limits<std::uint16_t>::max()) ++p.salon_sessions[id];
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

void SalonActivity::init(Simulation& sim) {
  attendance_per_week_.assign(sim.population().size(), 0.0f);
}

void SalonActivity::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const int days = sim.clock().days_per_step;
  const auto step32 = static_cast<std::int32_t>(step);
  const double weight = std::min(1.0, (days / 7.0) / effects_.recency_weeks);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, p.size(), 2048), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const bool attended = p.last_salon_step[i] == step32;
      if (attendance_per_week_[i] == 0.0f && !attended) continue;
      const double rate =
          (1.0 - weight) * attendance_per_week_[i] + weight * (attended ? 7.0 / days : 0.0);
      attendance_per_week_[i] = rate < 1e-4 ? 0.0f : static_cast<float>(rate);
      p.activity_contacts_per_week[i] =
          static_cast<float>(attendance_per_week_[i] * effects_.contacts_per_session);
      p.decline_factor[i] =
          static_cast<float>(decline_factor(effects_, attendance_per_week_[i] * 365.25 / 7.0));
    }
  });
}

}  // namespace salonsim::models
