#pragma once
// When a non-member next tries to join: a Bernoulli process over steps, its chance a step their
// chance of readiness, sampled by inversion (a geometric number of steps without an event).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "sim/population.hpp"

namespace salonsim::models {

/// Steps without an event before the first, from a uniform `u` in [0, 1), for a chance `chance` a
/// step: floor(log(u) / log(1 - chance)); 0 when the chance is 1 or more, `far` when u is 0, at
/// most `far`.
inline double steps_without_event(double chance, double u, double far) {
  if (chance >= 1.0) return 0.0;
  if (u <= 0.0) return far;
  // A u above 1 - chance has an event at once: the quotient lies in [0, 1). Where u is above it
  // by a relative margin of 1e-12 (thousands of ulps; the rounding of 1 - chance, of both logs
  // and of the division are a few), the quotient is below 1 however it rounds, so its floor is 0
  // without either logarithm. That happens at a draw with probability `chance`.
  if (u > (1.0 - chance) * (1.0 + 1e-12)) return 0.0;
  return std::min(std::floor(std::log(u) / std::log1p(-chance)), far);
}

/// The first step from `from` on at which the process has an event; far beyond any run (2^30
/// steps on) when the chance is tiny.
inline StoredStep next_try_step(std::int64_t from, double chance, double u) {
  constexpr double kFar = 1 << 30;
  return stored_step(from + static_cast<std::int64_t>(steps_without_event(chance, u, kFar)));
}

}  // namespace salonsim::models
