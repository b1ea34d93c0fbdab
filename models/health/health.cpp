#include "models/health/health.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "sim/rows_where.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

namespace {
constexpr std::uint64_t kReserveDraw = 0;       // at set-up: the reserve against certification
constexpr std::uint64_t kDeathReserveDraw = 1;  // at set-up: the cumulative hazard of death
constexpr double kMinResidentsPerAge = 200;
constexpr double kLevelLog2Span = 3.0;  // levels cover log2(income / reference) in [-3, 3]

double by_sex(const BySex& value, Sex sex) {
  return sex == Sex::kMale ? value.men : value.women;
}
}  // namespace

double certification_base_rate(const CertificationParams& c, double age) {
  return c.rate_at_65 * std::exp(c.age_slope_per_year * (age - 65.0));
}

double certification_hazard_ratio(const HealthParams& h, const Population& p, ResidentId id) {
  const CertificationParams& c = h.certification;
  const auto sex = static_cast<Sex>(p.sex[id]);
  double ratio = income_hazard_ratio(h.income_gradient.reference_million_yen,
                                     by_sex(h.income_gradient.certification_hr_per_halving, sex),
                                     p.income[id]);
  if (p.isolated[id]) ratio *= c.hr_isolated;
  if (p.lives_alone[id]) ratio *= c.hr_lives_alone;
  return ratio;
}

double frailty_certification_ratio(const CertificationParams& c, const FrailtyParams& town,
                                   double frailty0, double age0) {
  const double mean =
      std::clamp(town.mean_at_65 + town.increase_per_year * (age0 - 65.0), 0.0, 0.95);
  return std::pow(c.hr_per_frailty_tenth, (frailty0 - mean) / 0.1);
}

double death_hazard_ratio(const HealthParams& h, const Population& p, ResidentId id) {
  const MortalityParams& m = h.mortality;
  const auto sex = static_cast<Sex>(p.sex[id]);
  double ratio =
      income_hazard_ratio(h.income_gradient.reference_million_yen,
                          by_sex(h.income_gradient.death_hr_per_halving, sex), p.income[id]);
  if (p.certified[id]) {
    ratio *= m.hr_certified;
  } else {
    ratio *= std::pow(m.hr_per_frailty, p.frailty(id));
  }
  if (p.isolated[id]) ratio *= m.hr_isolated;
  if (p.lives_alone[id]) ratio *= m.hr_lives_alone;
  return ratio;
}

IncomeLevels::IncomeLevels(const IncomeGradient& gradient)
    : reference_(gradient.reference_million_yen) {
  for (int sex = 0; sex < 2; ++sex) {
    for (int level = 0; level < kLevels; ++level) {
      const double log2_ratio = -kLevelLog2Span + 2 * kLevelLog2Span * level / (kLevels - 1);
      const double income = reference_ * std::exp2(log2_ratio);
      const auto s = static_cast<Sex>(sex);
      certification_[sex][level] =
          income_hazard_ratio(reference_, by_sex(gradient.certification_hr_per_halving, s), income);
      death_[sex][level] =
          income_hazard_ratio(reference_, by_sex(gradient.death_hr_per_halving, s), income);
    }
  }
}

std::uint8_t IncomeLevels::level(double income) const {
  const double log2_ratio = std::log2(std::max(income, 1e-300) / reference_);
  const double position = (log2_ratio + kLevelLog2Span) / (2 * kLevelLog2Span) * (kLevels - 1);
  return static_cast<std::uint8_t>(std::lround(std::clamp(position, 0.0, kLevels - 1.0)));
}

DeathRatio::DeathRatio(const MortalityParams& m, const IncomeLevels& income) {
  for (int state = 0; state < 8; ++state) {
    double ratio = (state & 1) ? m.hr_certified : 1.0;
    if (state & 2) ratio *= m.hr_isolated;
    if (state & 4) ratio *= m.hr_lives_alone;
    by_state_[state] = ratio;
  }
  for (int sex = 0; sex < 2; ++sex) {
    for (int level = 0; level < IncomeLevels::kLevels; ++level) {
      by_income_[sex][level] =
          income.death_ratio(static_cast<Sex>(sex), static_cast<std::uint8_t>(level));
    }
  }
  for (int k = 0; k <= kFrailtySteps; ++k)
    by_frailty_[k] = std::pow(m.hr_per_frailty, double(k) / kFrailtySteps);
  by_frailty_[kFrailtySteps + 1] = 1.0;
}

MortalityScale::MortalityScale(
    const std::array<std::array<double, kLastAge - kFirstAge + 1>, 2>& ratio_sum,
    const std::array<std::array<double, kLastAge - kFirstAge + 1>, 2>& count,
    double min_residents) {
  fill_ones();
  constexpr int kAges = kLastAge - kFirstAge + 1;
  for (int sex = 0; sex < 2; ++sex) {
    std::array<bool, kAges> computed{};
    for (int age = 0; age < kAges; ++age) {
      double sum = 0, n = 0;
      for (int half = 2; half <= 50; ++half) {
        sum = n = 0;
        for (int a = std::max(0, age - half); a <= std::min(kAges - 1, age + half); ++a) {
          sum += ratio_sum[sex][a];
          n += count[sex][a];
        }
        if (n >= min_residents) break;
      }
      if (n > 0 && count[sex][age] > 0) {
        scale_[sex][age] = n / sum;
        computed[age] = true;
      }
    }
    // Ages without residents take the nearest computed value (the younger one on a tie).
    for (int age = 0; age < kAges; ++age) {
      if (computed[age]) continue;
      for (int d = 1; d < kAges; ++d) {
        if (age - d >= 0 && computed[age - d]) {
          scale_[sex][age] = scale_[sex][age - d];
          break;
        }
        if (age + d < kAges && computed[age + d]) {
          scale_[sex][age] = scale_[sex][age + d];
          break;
        }
      }
    }
  }
}

void Health::init(Simulation& sim) {
  Population& p = sim.population();
  const RandomStream stream = sim.stream(kHealthStream);
  income_levels_ = IncomeLevels(params_.income_gradient);
  income_level_ = p.add_column<std::uint8_t>(
      {"income_level", "",
       "place on the income gradient of the health hazards: log2(income / reference) from -3 "
       "(0) to 3 (255)",
       /*output=*/false});
  // Death comes when the hazard accumulated since entry reaches an exponential draw: the
  // chance of dying in a step of cumulative hazard x is 1 - exp(-x), as with a draw each step,
  // but no step needs a draw, and paired scenarios die in the same order of hazard.
  death_reserve_left_ = p.add_column<float>(
      {"death_reserve_left", "",
       "cumulative hazard of death left before the resident dies (an exponential draw at entry, "
       "used up step by step)",
       /*output=*/false});
  std::vector<std::uint8_t>& level = p[income_level_];
  std::vector<float>& death_left = p[death_reserve_left_];
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    p.reserve[i] = static_cast<float>(stream.exponential(kSetupStep, i, kReserveDraw));
    p.decline[i] = 0.0f;
    level[i] = income_levels_.level(p.income[i]);
    death_left[i] = static_cast<float>(stream.exponential(kSetupStep, i, kDeathReserveDraw));
  });
  // Frailty at entry, against the town's mean at that age, predicts certification: a source of
  // its own, rescaled so that the starting independent residents' mean is 1 (the calibrated
  // rates keep their meaning). Serial sums: the same for any thread count.
  frailty_ratio_ = p.add_column<float>(
      {"frailty_certification_ratio", "",
       "ratio of the certification hazard for frailty at entry (1: the starting mean)", false},
      1.0f);
  std::vector<float>& frailty_ratio = p[frailty_ratio_];
  double ratio_sum = 0, independent = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.certified0[i]) continue;
    const double ratio =
        frailty_certification_ratio(params_.certification, town_frailty_, p.frailty0[i], p.age0[i]);
    frailty_ratio[i] = static_cast<float>(ratio);
    if (p.entry_step[i] == 0 && p.alive[i]) {
      ratio_sum += ratio;
      independent += 1;
    }
  }
  if (ratio_sum > 0) {
    const double mean = ratio_sum / independent;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!p.certified0[i]) frailty_ratio[i] = static_cast<float>(frailty_ratio[i] / mean);
  }
  sim.effects().add_ratio(Hazard::kCertification, {"frailty_at_entry", frailty_ratio_});
  // Long-term-care benefits: each certified person-year (counted as the run summary counts
  // years) costs the benefits.
  const double yen_per_step =
      params_.care_costs.ltc_benefits_yen_per_certified_year * sim.clock().years_per_step();
  const std::int64_t steps = sim.clock().steps;
  sim.tallies().add({std::string(tally::kLtcBenefitsYen),
                     "long-term-care benefits for certified person-years, yen",
                     [&p, yen_per_step, steps](ResidentId i) {
                       return static_cast<double>(p.steps_lived(i, steps).certified) * yen_per_step;
                     }});
}

void Health::start(Simulation& sim) {
  Population& p = sim.population();
  // Mean hazard ratio by sex and single year of age in the starting population (serial: a
  // fixed summation order keeps it identical for any thread count).
  constexpr int kAges = MortalityScale::kLastAge - MortalityScale::kFirstAge + 1;
  std::array<std::array<double, kAges>, 2> sum{}, count{};
  const double years_per_step = sim.clock().years_per_step();
  if (params_.mortality.match_life_table) {
    // Every other source's effect on death at the start counts too (e.g. members of the groups
    // the town already has): the table describes the town as it is.
    const Effects::HazardView deaths_elsewhere = sim.effects().hazard(Hazard::kDeath, p);
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p.alive[i]) continue;
      const auto id = static_cast<ResidentId>(i);
      const int age = std::clamp(static_cast<int>(p.age_at(id, 0, years_per_step)),
                                 MortalityScale::kFirstAge, MortalityScale::kLastAge);
      sum[p.sex[i]][age - MortalityScale::kFirstAge] += deaths_elsewhere.times_ratios(
          death_hazard_ratio(params_, p, id) * deaths_elsewhere.flag_ratio(i), i);
      count[p.sex[i]][age - MortalityScale::kFirstAge] += 1;
    }
  }
  mortality_scale_ = MortalityScale(sum, count, kMinResidentsPerAge);
  const LifeTable& table = built_in_life_table(params_.mortality.life_table);
  std::array<AgeTable, 2> death;
  for (int sex = 0; sex < 2; ++sex) {
    const auto s = static_cast<Sex>(sex);
    death[sex] =
        AgeTable([&](double age) { return table.hazard(s, age) * mortality_scale_(s, age); });
  }
  death_ratio_ = DeathRatio(params_.mortality, income_levels_);
  const AgeTable certification(
      [&](double age) { return certification_base_rate(params_.certification, age); });
  rates_at_age_.resize(static_cast<std::size_t>(AgeTable::kLastIndex) + 1);
  for (std::size_t k = 0; k < rates_at_age_.size(); ++k)
    rates_at_age_[k] = {certification.at(k), {death[0].at(k), death[1].at(k)}};
}

void Health::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  std::vector<float>& death_left = p[death_reserve_left_];
  const double dt = sim.clock().years_per_step();
  const StoredStep now = stored_step(step);
  const std::vector<std::uint8_t>& level = p[income_level_];
  // Every other source of an effect on the hazards (food access, salons, ...).
  const Effects::HazardView certification = sim.effects().hazard(Hazard::kCertification, p);
  const Effects::HazardView death = sim.effects().hazard(Hazard::kDeath, p);
  const CertificationParams& c = params_.certification;
  // Of the living, so of the rows entered.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, p.entered_by(step), 2048), [&](const auto& range) {
        // Local copies: the loop's stores cannot alias them, so the sources stay in registers.
        const Effects::HazardView certification_sources = certification;
        const Effects::HazardView death_sources = death;
        const CertificationFactors factors(c);
        // A chunk of residents at a time, each hazard in three passes: the resident's own factors,
        // every source's ratios a source at a time (HazardView::times_ratios), then the update. The
        // products are the same as one resident at a time, in the same order.
        constexpr std::size_t kChunk = Effects::HazardView::kChunk;
        std::array<double, kChunk> hazard;
        // Where each resident's age is in the tables of age (the same in every one).
        std::array<std::size_t, kChunk> at_age;
        // Where each living resident's frailty is in the table of its ratio of death, found where
        // their decline is updated (DeathRatio::kCertifiedEntry for the certified).
        std::array<int, kChunk> frailty_entry;
        // Which residents take part in each source of a rate, read for certification and used
        // again for death (the same attendance slows both).
        Effects::HazardView::RatesTaken rates_taken;
        // The updated columns through local pointers: a store of a byte may alias anything, so
        // through the vectors every store would reload every vector's data pointer.
        const std::uint8_t* alive = p.alive.data();
        std::uint8_t* certified = p.certified.data();
        std::uint8_t* death_requested = p.death_requested.data();
        float* decline = p.decline.data();
        const float* reserve = p.reserve.data();
        StoredStep* disability_step = p.disability_step.data();
        float* left = death_left.data();
        const RatesAtAge* rates_at_age = rates_at_age_.data();
        // The living of a chunk: the dead (a fifth of the rows entered over ten years, more at
        // the end) have nothing to update, so they are not worked on at all.
        std::array<std::uint16_t, kChunk + kRowsWhereSlack> living, at_risk;
        for (std::size_t first = range.begin(); first < range.end(); first += kChunk) {
          const std::size_t count = std::min(kChunk, range.end() - first);
          const std::span<double> chunk(hazard.data(), count);
          const std::size_t living_count = rows_where_nonzero(alive + first, count, living.data());
          // The sources' ratios multiply every row with a rate, so the dead's hazards are 0.
          std::fill_n(hazard.begin(), count, 0.0);
          // Each living resident's place in the tables of age; of them, those at risk of
          // certification: not certified yet.
          std::size_t at_risk_count = 0;
          for (std::size_t t = 0; t < living_count; ++t) {
            const std::size_t j = living[t], i = first + j;
            at_age[j] = AgeTable::index(p.age_at(static_cast<ResidentId>(i), step, dt));
            frailty_entry[j] = DeathRatio::kCertifiedEntry;
            at_risk[at_risk_count] = static_cast<std::uint16_t>(j);
            at_risk_count += certified[i] == 0;
          }
          // Certification: each resident's own factors, then every source's ratios, then the
          // update, a select rather than a branch (who crosses their reserve follows no pattern).
          for (std::size_t t = 0; t < at_risk_count; ++t) {
            const std::size_t j = at_risk[t], i = first + j;
            const auto id = static_cast<ResidentId>(i);
            hazard[j] = rates_at_age[at_age[j]].certification *
                        (certification_ratio(factors, income_levels_, p, id, level[i]) *
                         certification_sources.flag_ratio(i));
          }
          certification_sources.times_ratios(chunk, first, rates_taken);
          for (std::size_t t = 0; t < at_risk_count; ++t) {
            const std::size_t j = at_risk[t], i = first + j;
            decline[i] += static_cast<float>(hazard[j] * dt);
            const bool now_certified = decline[i] >= reserve[i];
            certified[i] = static_cast<std::uint8_t>(now_certified);
            disability_step[i] = now_certified ? now : disability_step[i];
            frailty_entry[j] = DeathRatio::entry_of(p, static_cast<ResidentId>(i));
          }
          // Death, of the living, certified this step or not.
          for (std::size_t t = 0; t < living_count; ++t) {
            const std::size_t j = living[t], i = first + j;
            hazard[j] =
                rates_at_age[at_age[j]].death[p.sex[i]] *
                death_ratio_.of_entry(p, static_cast<ResidentId>(i), level[i], frailty_entry[j]) *
                death_sources.flag_ratio(i);
          }
          death_sources.times_ratios(chunk, first, rates_taken);
          for (std::size_t t = 0; t < living_count; ++t) {
            const std::size_t j = living[t], i = first + j;
            left[i] -= static_cast<float>(hazard[j] * dt);
            death_requested[i] |= static_cast<std::uint8_t>(left[i] <= 0.0f);
          }
        }
      });
}

}  // namespace salonsim::models
