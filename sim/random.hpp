#pragma once
// Counter-based random streams (Random123 Philox4x64-10).
//
// A draw is a pure function of (seed, replicate, mechanism, step, agent, draw index): no
// generator state is carried between draws, so the result never depends on how agents are
// split over threads, and two scenarios that share a seed draw the same numbers for the
// same event (common random numbers).
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

namespace salonsim {

/// Stable 32-bit id of a mechanism name (FNV-1a), so that adding a mechanism never shifts
/// the streams of the others.
constexpr std::uint32_t stream_id(std::string_view mechanism) {
  std::uint32_t hash = 2166136261u;
  for (char c : mechanism) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

/// A Poisson deviate of mean `mean` by inversion of one uniform `u`, at most `cap`: for the
/// small means of counts (ties to propose, events in an interval), where the loop is short.
inline std::uint32_t poisson_by_inversion(double mean, double u, std::uint32_t cap) {
  double probability = std::exp(-mean), cumulative = probability;
  std::uint32_t k = 0;
  while (u > cumulative && k < cap) {
    ++k;
    probability *= mean / k;
    cumulative += probability;
  }
  return k;
}

/// Step index used for draws made while building the town, before step 0.
inline constexpr std::int64_t kSetupStep = -1;

/// The random numbers of one mechanism in one replicate.
class RandomStream {
 public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::uint32_t replicate, std::string_view mechanism)
      : key_{{seed, (std::uint64_t{replicate} << 32) | stream_id(mechanism)}} {}

  /// Four independent uniforms in [0, 1) for one (step, agent, draw) counter.
  std::array<double, 4> uniforms4(std::int64_t step, std::uint64_t agent,
                                  std::uint64_t draw) const {
    const Philox::ctr_type counter{{static_cast<std::uint64_t>(step), agent, draw, 0}};
    const Philox::ctr_type bits = Philox{}(counter, key_);
    return {to_unit(bits[0]), to_unit(bits[1]), to_unit(bits[2]), to_unit(bits[3])};
  }

  /// One uniform in [0, 1).
  double uniform(std::int64_t step, std::uint64_t agent, std::uint64_t draw) const {
    const Philox::ctr_type counter{{static_cast<std::uint64_t>(step), agent, draw, 0}};
    return to_unit(Philox{}(counter, key_)[0]);
  }

  /// Uniforms in [0, 1) for the four neighbouring agents 4j .. 4j + 3 whose block holds `agent`
  /// (element a % 4 is agent a's), from one call of the generator: for a draw made for most
  /// agents at a step, a quarter of the work of a uniform() each. The counter's last word is 1,
  /// where every per-agent draw's is 0, so the blocks' draws are never another draw's.
  std::array<double, 4> uniforms_by_four(std::int64_t step, std::uint64_t agent,
                                         std::uint64_t draw) const {
    const Philox::ctr_type counter{{static_cast<std::uint64_t>(step), agent >> 2, draw, 1}};
    const Philox::ctr_type bits = Philox{}(counter, key_);
    return {to_unit(bits[0]), to_unit(bits[1]), to_unit(bits[2]), to_unit(bits[3])};
  }

  /// True with probability p.
  bool bernoulli(double p, std::int64_t step, std::uint64_t agent, std::uint64_t draw) const {
    return uniform(step, agent, draw) < p;
  }

  /// A standard normal deviate (Box-Muller on one counter).
  double normal(std::int64_t step, std::uint64_t agent, std::uint64_t draw) const {
    const auto u = uniforms4(step, agent, draw);
    const double radius = std::sqrt(-2.0 * std::log1p(-u[0]));  // 1 - u0 lies in (0, 1]
    return radius * std::cos(2.0 * std::numbers::pi * u[1]);
  }

  /// An exponential deviate with mean 1.
  double exponential(std::int64_t step, std::uint64_t agent, std::uint64_t draw) const {
    return -std::log1p(-uniform(step, agent, draw));
  }

 private:
  using Philox = r123::Philox4x64;
  static double to_unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }
  Philox::key_type key_{{0, 0}};
};

}  // namespace salonsim
