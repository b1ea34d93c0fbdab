#pragma once
// Functional decline, LTC certification and death.
//
// Decline: each independent resident has a functional reserve R ~ Exp(1), drawn once, and
// accumulates decline at the certification hazard h(t) each step; certification happens when
// the accumulated decline reaches R. This is exactly a proportional-hazards model (so hazard
// ratios act as published), it makes frailty a visible state (the share of reserve used), and
// it lets an intervention that slows decline delay the same resident's certification, which
// keeps paired scenarios on common random numbers.
//
// Death: a hazard from the life table by sex and age, times hazard ratios for certification,
// isolation, living alone, low income and frailty; rescaled (by sex and 5-year band, once at
// the start) so the starting population dies at the life-table rates. Deaths are requested;
// the schedule applies them.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "models/health/health_params.hpp"
#include "sim/module.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

inline constexpr std::string_view kHealthStream = "health";

/// Annual death probability from the life table at an age (log-linear between anchors).
double life_table_probability(const MortalityParams& mortality, Sex sex, double age);
/// Annual hazard of death for the life table: -log(1 - q).
double life_table_hazard(const MortalityParams& mortality, Sex sex, double age);
/// Certification hazard per year of a reference resident at an age.
double certification_base_rate(const CertificationParams& certification, double age);
/// Hazard ratio of certification for a resident's current state.
double certification_hazard_ratio(const CertificationParams& certification, const Population& p,
                                  ResidentId id);
/// Hazard ratio of death for a resident's current state (before life-table rescaling).
double death_hazard_ratio(const MortalityParams& mortality, const Population& p, ResidentId id);

/// A function of age tabulated every 1/100 year from 60 to 120 (clamped outside), so the step
/// does table look-ups instead of logs and exponentials.
class AgeTable {
 public:
  static constexpr double kFirstAge = 60.0, kLastAge = 120.0, kPerYear = 100.0;
  AgeTable() = default;
  template <class F>
  explicit AgeTable(F&& f) {
    values_.resize(static_cast<std::size_t>((kLastAge - kFirstAge) * kPerYear) + 1);
    for (std::size_t k = 0; k < values_.size(); ++k) values_[k] = f(kFirstAge + k / kPerYear);
  }
  /// The value at the largest tabulated age not above `age`.
  double operator()(double age) const {
    const double position = (age - kFirstAge) * kPerYear;
    const auto k = static_cast<std::size_t>(std::clamp(position, 0.0, values_.size() - 1.0));
    return values_[k];
  }

 private:
  std::vector<double> values_;
};

/// Probability of an event in an interval with cumulative hazard x: 1 - exp(-x), by a series
/// where x is small (the usual weekly case) and expm1 otherwise.
inline double event_probability(double x) {
  if (x < 0.05) {
    return x *
           (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0 - x * (1.0 / 120.0 - x / 720.0)))));
  }
  return -std::expm1(-x);
}

/// death_hazard_ratio() with its 16 state combinations and the frailty term tabulated.
class DeathRatio {
 public:
  DeathRatio() = default;
  explicit DeathRatio(const MortalityParams& m) {
    for (int state = 0; state < 16; ++state) {
      double ratio = (state & 1) ? m.hr_certified : 1.0;
      if (state & 2) ratio *= m.hr_isolated;
      if (state & 4) ratio *= m.hr_lives_alone;
      if (state & 8) ratio *= m.hr_low_income;
      by_state_[state] = ratio;
    }
    for (int k = 0; k <= kFrailtySteps; ++k)
      by_frailty_[k] = std::pow(m.hr_per_frailty, double(k) / kFrailtySteps);
  }
  double operator()(const Population& p, ResidentId id) const {
    const int state = p.certified[id] | (p.isolated[id] << 1) | (p.lives_alone[id] << 2) |
                      (p.income_low[id] << 3);
    if (p.certified[id]) return by_state_[state];
    return by_state_[state] * by_frailty_[static_cast<int>(p.frailty(id) * kFrailtySteps + 0.5f)];
  }

 private:
  static constexpr int kFrailtySteps = 1000;
  std::array<double, 16> by_state_{};
  std::array<double, kFrailtySteps + 1> by_frailty_{};
};

/// 5-year band used to rescale mortality: 65-69, ..., 95-99, 100+.
inline constexpr int kMortalityBands = 8;
int mortality_band(double age);

class Health final : public Module {
 public:
  explicit Health(HealthParams params) : params_(std::move(params)) {}
  std::string_view name() const override { return kHealthStream; }
  Phase phase() const override { return Phase::kHealth; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;

  /// Rescaling of death hazards by [sex][band] (1 when match_life_table is off).
  const std::array<std::array<double, kMortalityBands>, 2>& mortality_scale() const {
    return mortality_scale_;
  }

 private:
  HealthParams params_;
  std::array<std::array<double, kMortalityBands>, 2> mortality_scale_{};
  // Per sex: life-table hazard times the rescaling of the age's band.
  std::array<AgeTable, 2> death_hazard_;
  AgeTable certification_rate_;
  DeathRatio death_ratio_;
};

}  // namespace salonsim::models
