#pragma once
// Small hand-made towns for tests of mechanisms: residents at given homes, aged 70, independent,
// frailty 0, without car or lift unless a test says otherwise.
#include <memory>
#include <utility>
#include <vector>

#include "sim/network.hpp"
#include "sim/population.hpp"
#include "sim/simulation.hpp"

namespace salonsim::testing {

inline Population residents_at(const std::vector<std::pair<float, float>>& homes) {
  Population p;
  p.resize(homes.size());
  for (std::size_t i = 0; i < homes.size(); ++i) {
    p.x_m[i] = homes[i].first;
    p.y_m[i] = homes[i].second;
    p.alive[i] = 1;
    p.age0[i] = 70;
    p.reserve[i] = 1.0f;
    p.transport[i] = static_cast<std::uint8_t>(Transport::kNone);
  }
  return p;
}

/// A simulation of `population` (no modules yet) with weekly steps.
inline std::unique_ptr<Simulation> small_simulation(Population population, std::int64_t steps,
                                                    std::vector<UndirectedTie> ties = {},
                                                    std::uint64_t seed = 11) {
  const std::size_t n = population.size();
  return std::make_unique<Simulation>(RunIdentity{seed, 0}, Clock{7, steps}, std::move(population),
                                      Network(n, ties, 8));
}

}  // namespace salonsim::testing
