#pragma once
// Capacity-limited admission by random priority, the one rule every place with limited room
// uses (places at a session, customers of a visit, seats on a trip): candidates carry a
// priority (a draw from their own stream, plus any precedence offset such as -1 for members),
// the lowest priorities are admitted, ties broken by resident id.
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

using Candidate = std::pair<double, ResidentId>;  // (priority, resident)

/// Keeps the `capacity` candidates of lowest (priority, id), in that order.
inline void admit_by_priority(std::vector<Candidate>& candidates, std::size_t capacity) {
  if (candidates.size() > capacity) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(capacity),
                     candidates.end());
    candidates.resize(capacity);
  }
  std::sort(candidates.begin(), candidates.end());
}

}  // namespace salonsim
