#pragma once
// Parameters of functional decline, LTC certification and death.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/town/town_params.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::models {

using params::Choice;
using params::Meta;

enum class LifeTableName : std::uint8_t { kJapan2020 = 0 };
inline constexpr std::array<Choice<LifeTableName>, 1> kLifeTableChoices{
    {{"japan-2020", LifeTableName::kJapan2020}}};

struct MortalityParams {
  LifeTableName life_table = LifeTableName::kJapan2020;
  double hr_certified = 2.0;
  double hr_isolated = 1.34;
  double hr_lives_alone = 1.32;
  double hr_per_frailty = 2.0;
  bool match_life_table = true;
};

template <class V>
void visit(V& v, MortalityParams& p) {
  v.choice("life_table", p.life_table, kLifeTableChoices,
           {.doc = "annual probability of death by sex and single year of age (65 to 114; the "
                   "last row applies above); also gives the ages of the oldest residents at the "
                   "start",
            .source = "MHLW 23rd Complete Life Table (2020), compiled in from "
                      "models/health/life_table_japan_2020.csv"});
  v.number("hr_certified", p.hr_certified,
           {.unit = "hazard ratio",
            .doc = "death, LTC-certified against independent",
            .source = "assumption: certified older people die at 2-3 times the rate (a quarter "
                      "of them at the mild support levels); 2.0 with the certification incidence "
                      "keeps the certified share by age and the life table's deaths together; "
                      "sweep 1.5-3",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_isolated", p.hr_isolated,
           {.unit = "hazard ratio",
            .doc = "death, isolated against not isolated",
            .source = "Saito et al. 2015: 1.34 (1.16-1.55)",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_lives_alone", p.hr_lives_alone,
           {.unit = "hazard ratio",
            .doc = "death, living alone against not",
            .source = "Holt-Lunstad et al. 2015: OR 1.32",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_per_frailty", p.hr_per_frailty,
           {.unit = "hazard ratio",
            .doc = "death, per unit of frailty among independent residents",
            .source = "assumption",
            .min = 0,
            .min_exclusive = true});
  v.flag("match_life_table", p.match_life_table,
         {.doc = "rescale death hazards by sex and single year of age (pooled over 5 years, more "
                 "at the oldest ages) so the starting population dies at the life table's "
                 "rates; the hazard ratios then act within each age"});
}

struct CertificationParams {
  double rate_at_65 = 0.0036;
  double age_slope_per_year = 0.158;
  double hr_isolated = 1.37;
  double hr_lives_alone = 1.1;
  double hr_poor_food_access = 1.2;
  double hr_per_frailty_tenth = 1.9;
};

template <class V>
void visit(V& v, CertificationParams& p) {
  v.number("rate_at_65", p.rate_at_65,
           {.unit = "1/year",
            .doc = "certification hazard of an independent 65-year-old in the reference group "
                   "(income at income_gradient.reference_million_yen, not isolated, not living "
                   "alone, with food access)",
            .source = "calibrated with age_slope_per_year and mortality.hr_certified on "
                      "scenarios/town.yaml with its community groups (entrants on, 20 years): "
                      "the certified share by age (MHLW 2020) held over the run and deaths at the "
                      "2020 life table's rates; gives 9.5% certified in 3 years among all "
                      "independent residents, against 8.7% among JAGES respondents (Tsuji et al. "
                      "2019), who are healthier than non-respondents",
            .min = 0});
  v.number("age_slope_per_year", p.age_slope_per_year,
           {.unit = "1/year",
            .doc = "log hazard increase per year of age",
            .source = "calibrated with rate_at_65: the rise of the certified share with age "
                      "(MHLW 2020: 2.8% at 65-69 to 72.7% at 90+) held by the run's incidence",
            .min = 0,
            .max = 0.5});
  v.number("hr_isolated", p.hr_isolated,
           {.unit = "hazard ratio",
            .doc = "certification, isolated against not",
            .source = "Saito et al. 2015: LTC level 2+ 1.37 (1.16-1.61)",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_lives_alone", p.hr_lives_alone,
           {.unit = "hazard ratio",
            .doc = "certification, living alone against not",
            .source = "assumption",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_poor_food_access", p.hr_poor_food_access,
           {.unit = "hazard ratio",
            .doc = "certification, in a step with poor food access (no food within reach) "
                   "against one with access",
            .source = "assumption: poor food access is a listed risk of functional decline "
                      "(SCIENCE.md) without a published hazard ratio; sweep 1.0-1.5",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_per_frailty_tenth", p.hr_per_frailty_tenth,
           {.unit = "hazard ratio",
            .doc = "certification, per 0.1 of frailty at entry above the town's mean at that age "
                   "(frailty measured by a survey predicts certification; rescaled so the "
                   "starting residents' mean is 1)",
            .source = "Takasaki City cohort (PMC5689415): 10 or more of the Kihon Checklist's 20 "
                      "items, OR 2.71 "
                      "(2.22-3.32) for certification within 3 years; "
                      "the frailest tenth at an age lies about 0.155 above the rest (town.frailty "
                      "sd 0.08), so 2.71^(0.1/0.155) = 1.9; sweep 1-3",
            .min = 0,
            .min_exclusive = true});
}

/// How certification and death hazards follow equivalised income: a log-linear gradient,
/// hazard ratio = hr_per_halving ^ log2(reference / income), by sex, with income clamped to
/// [reference / 8, reference * 8].
struct IncomeGradient {
  double reference_million_yen = 2.0;
  BySex certification_hr_per_halving{1.28, 1.03};
  BySex death_hr_per_halving{1.28, 1.03};
};

template <class V>
void visit(V& v, IncomeGradient& p) {
  v.number("reference_million_yen", p.reference_million_yen,
           {.unit = "million yen/year",
            .doc = "equivalised income at which the income hazard ratio is 1 (the reference "
                   "resident of certification.rate_at_65)",
            .source = "JAGES low-income threshold (Hikichi et al., WCE 2014)",
            .min = 0,
            .min_exclusive = true});
  const char* source =
      "calibrated: lowest against highest of five equivalised-income groups, age-adjusted, "
      "HR 1.55-1.75 in men (death, certification and either) and 0.92-1.22 (not significant) "
      "in women (Kondo K et al., Iryo To Shakai 2012;22(1):19-30, AGES 4-year cohort); read "
      "as the lowest against the highest quintile";
  by_sex(v, "certification_hr_per_halving", p.certification_hr_per_halving,
         {.unit = "hazard ratio",
          .doc = "certification hazard ratio for half the income",
          .source = source,
          .min = 0.5,
          .max = 3});
  by_sex(v, "death_hr_per_halving", p.death_hr_per_halving,
         {.unit = "hazard ratio",
          .doc = "death hazard ratio for half the income",
          .source = source,
          .min = 0.5,
          .max = 3});
}

/// Hazard ratio of the income gradient for an income and a ratio per halving.
inline double income_hazard_ratio(double reference, double hr_per_halving, double income) {
  const double clamped = std::clamp(income, reference / 8.0, reference * 8.0);
  return std::pow(hr_per_halving, std::log2(reference / clamped));
}

/// What long-term care costs the public purse, for net costs of interventions.
struct CareCosts {
  double ltc_benefits_yen_per_certified_year = 2'073'600;
};

template <class V>
void visit(V& v, CareCosts& p) {
  v.number("ltc_benefits_yen_per_certified_year", p.ltc_benefits_yen_per_certified_year,
           {.unit = "yen/year",
            .doc = "long-term-care benefits per certified person-year (a certification averted "
                   "or delayed saves this for each year the resident would have been certified)",
            .source = "MHLW Survey of Long-term Care Benefit Expenditures, April 2022: 172.8 "
                      "thousand yen a month per recipient (care levels 199.6k, support levels "
                      "27.8k); sweep 1.0-2.4 million",
            .min = 0});
}

struct HealthParams {
  MortalityParams mortality;
  CertificationParams certification;
  IncomeGradient income_gradient;
  CareCosts care_costs;
};

template <class V>
void visit(V& v, HealthParams& p) {
  v.section("mortality", p.mortality);
  v.section("certification", p.certification);
  v.section("income_gradient", p.income_gradient);
  v.section("care_costs", p.care_costs, {.optional = true});
}

}  // namespace salonsim::models
