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
#include <array>

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
};

}  // namespace salonsim::models
