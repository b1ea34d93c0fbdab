#include "models/health/health.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "sim/simulation.hpp"

namespace salonsim::models {

namespace {
constexpr std::uint64_t kReserveDraw = 0;
constexpr std::uint64_t kDeathDraw = 0;
}  // namespace

double life_table_probability(const MortalityParams& m, Sex sex, double age) {
  const std::vector<double>& q = sex == Sex::kMale ? m.men : m.women;
  // Segment whose slope applies: the one containing the age, or the nearest end segment.
  std::size_t segment = 0;
  while (segment + 2 < m.ages.size() && age >= m.ages[segment + 1]) ++segment;
  const double a0 = m.ages[segment], a1 = m.ages[segment + 1];
  const double slope = (std::log(q[segment + 1]) - std::log(q[segment])) / (a1 - a0);
  const double log_q = std::log(q[segment]) + slope * (age - a0);
  return std::min(m.max_annual_probability, std::exp(log_q));
}

double life_table_hazard(const MortalityParams& m, Sex sex, double age) {
  return -std::log1p(-life_table_probability(m, sex, age));
}

double certification_base_rate(const CertificationParams& c, double age) {
  return c.rate_at_65 * std::exp(c.age_slope_per_year * (age - 65.0));
}

double certification_hazard_ratio(const CertificationParams& c, const Population& p,
                                  ResidentId id) {
  double ratio = 1.0;
  if (p.isolated[id]) ratio *= c.hr_isolated;
  if (p.income_low[id]) ratio *= c.hr_low_income;
  if (p.lives_alone[id]) ratio *= c.hr_lives_alone;
  return ratio;
}

double death_hazard_ratio(const MortalityParams& m, const Population& p, ResidentId id) {
  double ratio = 1.0;
  if (p.certified[id]) {
    ratio *= m.hr_certified;
  } else {
    ratio *= std::pow(m.hr_per_frailty, p.frailty(id));
  }
  if (p.isolated[id]) ratio *= m.hr_isolated;
  if (p.lives_alone[id]) ratio *= m.hr_lives_alone;
  if (p.income_low[id]) ratio *= m.hr_low_income;
  return ratio;
}

int mortality_band(double age) {
  return std::clamp(static_cast<int>((age - 65.0) / 5.0), 0, kMortalityBands - 1);
}

void Health::init(Simulation& sim) {
  Population& p = sim.population();
  const RandomStream stream = sim.stream(kHealthStream);
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    p.reserve[i] = static_cast<float>(stream.exponential(kSetupStep, i, kReserveDraw));
    p.decline[i] = 0.0f;
  });
  // Mean hazard ratio by sex and band in the starting population (serial: a fixed summation
  // order keeps it identical for any thread count).
  std::array<std::array<double, kMortalityBands>, 2> sum{}, count{};
  const double years_per_step = sim.clock().years_per_step();
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) continue;
    const auto id = static_cast<ResidentId>(i);
    const int band = mortality_band(p.age_at(id, 0, years_per_step));
    sum[p.sex[i]][band] += death_hazard_ratio(params_.mortality, p, id);
    count[p.sex[i]][band] += 1;
  }
  for (int sex = 0; sex < 2; ++sex) {
    for (int band = 0; band < kMortalityBands; ++band) {
      const bool rescale = params_.mortality.match_life_table && count[sex][band] > 0;
      mortality_scale_[sex][band] = rescale ? count[sex][band] / sum[sex][band] : 1.0;
    }
  }
  for (int sex = 0; sex < 2; ++sex) {
    death_hazard_[sex] = AgeTable([&](double age) {
      return life_table_hazard(params_.mortality, static_cast<Sex>(sex), age) *
             mortality_scale_[sex][mortality_band(age)];
    });
  }
  death_ratio_ = DeathRatio(params_.mortality);
  certification_rate_ =
      AgeTable([&](double age) { return certification_base_rate(params_.certification, age); });
}

void Health::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const RandomStream stream = sim.stream(kHealthStream);
  const double dt = sim.clock().years_per_step();
  const auto step32 = static_cast<std::int32_t>(step);
  // Every other source of an effect on the hazards (food access, salons, ...).
  const Effects::HazardView certification = sim.effects().hazard(Hazard::kCertification, p);
  const Effects::HazardView death = sim.effects().hazard(Hazard::kDeath, p);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, p.size(), 2048), [&](const auto& range) {
    // Local copies: the loop's stores cannot alias them, so the sources stay in registers.
    const Effects::HazardView certification_sources = certification;
    const Effects::HazardView death_sources = death;
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      if (!p.alive[i]) continue;
      const auto id = static_cast<ResidentId>(i);
      const double age = p.age_at(id, step, dt);
      if (!p.certified[i]) {
        const double rate = certification_sources.times_ratios(
            certification_rate_(age) * (certification_hazard_ratio(params_.certification, p, id) *
                                        certification_sources.flag_ratio(i)),
            i);
        p.decline[i] += static_cast<float>(rate * dt);
        if (p.decline[i] >= p.reserve[i]) {
          p.certified[i] = 1;
          p.disability_step[i] = step32;
        }
      }
      const double hazard = death_sources.times_ratios(
          death_hazard_[p.sex[i]](age) * death_ratio_(p, id) * death_sources.flag_ratio(i), i);
      if (stream.uniform(step, i, kDeathDraw) < event_probability(hazard * dt)) {
        p.death_requested[i] = 1;
      }
    }
  });
}

}  // namespace salonsim::models
