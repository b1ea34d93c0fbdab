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
// Death: the life table's hazard by sex and single year of age, times hazard ratios for
// certification, isolation, living alone, income and frailty; rescaled by sex and age (once, at
// the start) so that the starting population as a whole dies at the table's rates. Deaths are
// requested; the schedule applies them.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/health/health_params.hpp"
#include "models/health/life_table.hpp"
#include "models/town/town_params.hpp"
#include "sim/module.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

inline constexpr std::string_view kHealthStream = "health";

/// Certification hazard per year of a reference resident at an age.
double certification_base_rate(const CertificationParams& certification, double age);
/// Hazard ratio of certification for a resident's current state (income included).
double certification_hazard_ratio(const HealthParams& health, const Population& p, ResidentId id);
/// Hazard ratio of certification for frailty at entry (before rescaling to a mean of 1):
/// hr_per_frailty_tenth ^ ((frailty0 - the town's mean at the age of entry) / 0.1).
double frailty_certification_ratio(const CertificationParams& certification,
                                   const FrailtyParams& town_frailty, double frailty0, double age0);
/// Hazard ratio of death for a resident's current state (before the life-table rescaling).
double death_hazard_ratio(const HealthParams& health, const Population& p, ResidentId id);

/// A function of age tabulated every 1/100 year from 60 to 120 (clamped outside), so the step
/// does table look-ups instead of logs and exponentials.
class AgeTable {
 public:
  static constexpr double kFirstAge = 60.0, kLastAge = 120.0, kPerYear = 100.0;
  static constexpr double kLastIndex = (kLastAge - kFirstAge) * kPerYear;
  AgeTable() = default;
  template <class F>
  explicit AgeTable(F&& f) {
    values_.resize(static_cast<std::size_t>(kLastIndex) + 1);
    for (std::size_t k = 0; k < values_.size(); ++k) values_[k] = f(kFirstAge + k / kPerYear);
  }
  /// The value at the largest tabulated age not above `age`.
  double operator()(double age) const { return values_[index(age)]; }
  /// Where that value is: every AgeTable has the same ages, so one index serves several.
  static std::size_t index(double age) {
    // Clamped by value (minsd and maxsd, not branches: ages come in no order) and converted as a
    // signed number, which a position within the table is.
    const double position = (age - kFirstAge) * kPerYear;
    const double within = std::min(std::max(position, 0.0), kLastIndex);
    return static_cast<std::size_t>(static_cast<std::int32_t>(within));
  }
  double at(std::size_t index) const { return values_[index]; }

 private:
  std::vector<double> values_;
};

/// A resident's place on the income gradient, one byte: log2(income / reference) from -3 to 3
/// in 255 steps (the gradient clamps income to that range), so the hazard ratios of income are
/// table look-ups that err by at most 0.3%.
class IncomeLevels {
 public:
  static constexpr int kLevels = 256;
  IncomeLevels() = default;
  IncomeLevels(const IncomeGradient& gradient);
  std::uint8_t level(double income) const;
  double certification_ratio(Sex sex, std::uint8_t level) const {
    return certification_[static_cast<int>(sex)][level];
  }
  double death_ratio(Sex sex, std::uint8_t level) const {
    return death_[static_cast<int>(sex)][level];
  }

 private:
  double reference_ = 1.0;
  std::array<std::array<double, kLevels>, 2> certification_{}, death_{};
};

/// The factors of certification for isolation and living alone, without and with the state:
/// chosen by the resident's state rather than by a branch (states follow no pattern over
/// residents); times 1 is exact, so the product is the same. Made once, before a loop over
/// residents.
struct CertificationFactors {
  std::array<double, 2> isolated, alone;
  explicit CertificationFactors(const CertificationParams& c)
      : isolated{1.0, c.hr_isolated}, alone{1.0, c.hr_lives_alone} {}
};

/// certification_hazard_ratio() with the income term looked up at the resident's level.
inline double certification_ratio(const CertificationFactors& factors, const IncomeLevels& income,
                                  const Population& p, ResidentId id, std::uint8_t level) {
  return income.certification_ratio(static_cast<Sex>(p.sex[id]), level) *
         factors.isolated[p.isolated[id] != 0] * factors.alone[p.lives_alone[id] != 0];
}
inline double certification_ratio(const CertificationParams& c, const IncomeLevels& income,
                                  const Population& p, ResidentId id, std::uint8_t level) {
  return certification_ratio(CertificationFactors(c), income, p, id, level);
}

/// death_hazard_ratio() with its state combinations, income and frailty tabulated.
class DeathRatio {
 public:
  DeathRatio() = default;
  DeathRatio(const MortalityParams& m, const IncomeLevels& income);
  /// The entry of the table of frailty for the certified: frailty does not act once certified
  /// (its ratio is in the state's), and this entry, past the end, is 1; times 1 is exact.
  static constexpr int kCertifiedEntry = 1001;
  /// The entry of the table for a resident who is not certified, of frailty_if_independent.
  static int frailty_entry(float frailty_if_independent) {
    return static_cast<int>(frailty_if_independent * kFrailtySteps + 0.5f);
  }
  /// A resident's entry as they are now: kCertifiedEntry once certified, chosen without a branch.
  static int entry_of(const Population& p, ResidentId id) {
    const int at = frailty_entry(p.frailty_if_independent(id));
    const int certified = p.certified[id] != 0;
    return at + certified * (kCertifiedEntry - at);
  }
  /// The ratio for a resident whose entry of the table of frailty is known (entry_of, found
  /// where their decline is updated).
  double of_entry(const Population& p, ResidentId id, std::uint8_t income_level,
                  int frailty_entry) const {
    const int state = p.certified[id] | (p.isolated[id] << 1) | (p.lives_alone[id] << 2);
    const double ratio = by_state_[state] * by_income_[p.sex[id]][income_level];
    return ratio * by_frailty_[frailty_entry];
  }

 private:
  static constexpr int kFrailtySteps = kCertifiedEntry - 1;
  std::array<double, 8> by_state_{};
  std::array<std::array<double, IncomeLevels::kLevels>, 2> by_income_{};
  std::array<double, kFrailtySteps + 2> by_frailty_{};  // the last: 1, for the certified
};

/// Rescaling of death hazards by sex and single year of age so that residents with the mean
/// hazard ratio of their age die at the table's rate: 1 / (mean ratio), the mean taken over
/// the living residents of that age and the two years either side, widened (to at most 50
/// years) until it holds `min_residents`. Ages with no resident near them take the nearest
/// computed value; every value is 1 when there are no residents at all.
class MortalityScale {
 public:
  static constexpr int kFirstAge = 65, kLastAge = 115;
  MortalityScale() { fill_ones(); }
  /// ratio_sum[sex][age - kFirstAge] and count[...]: sums over residents of each single year.
  MortalityScale(const std::array<std::array<double, kLastAge - kFirstAge + 1>, 2>& ratio_sum,
                 const std::array<std::array<double, kLastAge - kFirstAge + 1>, 2>& count,
                 double min_residents);
  double operator()(Sex sex, double age) const {
    const int row = std::clamp(static_cast<int>(age) - kFirstAge, 0, kLastAge - kFirstAge);
    return scale_[static_cast<int>(sex)][row];
  }

 private:
  void fill_ones() {
    for (auto& by_age : scale_) by_age.fill(1.0);
  }
  std::array<std::array<double, kLastAge - kFirstAge + 1>, 2> scale_;
};

class Health final : public Module {
 public:
  /// `town_frailty`: the town's frailty by age, against which frailty at entry is measured.
  explicit Health(HealthParams params, FrailtyParams town_frailty = {})
      : params_(std::move(params)), town_frailty_(town_frailty) {}
  std::string_view name() const override { return kHealthStream; }
  Phase phase() const override { return Phase::kHealth; }
  void init(Simulation& sim) override;
  /// The rescaling of death hazards, once every mechanism has set up (isolation with the
  /// contacts of every source, the effects of the groups that exist at the start).
  void start(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;

  /// Rescaling of death hazards by sex and age (1 when match_life_table is off).
  const MortalityScale& mortality_scale() const { return mortality_scale_; }

 private:
  HealthParams params_;
  FrailtyParams town_frailty_;
  MortalityScale mortality_scale_;
  Column<float> frailty_ratio_;  // certification, for frailty at entry (an effects source)
  IncomeLevels income_levels_;
  Column<std::uint8_t> income_level_;
  Column<float> death_reserve_left_;
  // At each of AgeTable's ages: the certification rate and, by sex, the life-table hazard
  // times the rescaling. Side by side, so that a resident's three are one read of memory.
  struct RatesAtAge {
    double certification;
    std::array<double, 2> death;
  };
  std::vector<RatesAtAge> rates_at_age_;
  DeathRatio death_ratio_;
};

}  // namespace salonsim::models
