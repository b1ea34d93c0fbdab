#pragma once
// Parameters of functional decline, LTC certification and death.
#include <vector>

#include "sim/params/schema.hpp"

namespace salonsim::models {

using params::Meta;

struct MortalityParams {
  std::vector<double> ages{67.5, 72.5, 77.5, 82.5};
  std::vector<double> men{0.0094, 0.0145, 0.0226, 0.0398};
  std::vector<double> women{0.0038, 0.0058, 0.0095, 0.0179};
  double max_annual_probability = 0.6;
  double hr_certified = 2.5;
  double hr_isolated = 1.34;
  double hr_lives_alone = 1.32;
  double hr_low_income = 1.3;
  double hr_per_frailty = 2.0;
  bool match_life_table = true;
};

template <class V>
void visit(V& v, MortalityParams& p) {
  v.numbers("ages", p.ages,
            {.unit = "years",
             .doc = "ages at which men and women below apply; log-linear in between, extended "
                    "with the end slopes",
             .source = "assumption: the life-table values are read as the rates of the 5-year "
                       "groups 65-69 ... 80-84 (placed at mid-group), as the validation target "
                       "'men 75-79 die at 2.26% a year' reads them; [65, 70, 75, 80] reads them "
                       "as exact-age probabilities, which raises band rates by about a quarter",
             .min = 0,
             .max = 120},
            4);
  bool increasing = true;
  for (std::size_t i = 1; i < p.ages.size(); ++i)
    increasing = increasing && p.ages[i] > p.ages[i - 1];
  v.rule("ages", increasing, "ages must increase");
  const Meta table{.unit = "probability/year",
                   .doc = "annual probability of death at the ages above",
                   .source =
                       "MHLW life tables (as given in SCIENCE.md: men 65: 0.94%, 70: 1.45%, "
                       "75: 2.26%, 80: 3.98%; women 0.38%, 0.58%, 0.95%, 1.79%)",
                   .min = 0,
                   .min_exclusive = true,
                   .max = 1,
                   .max_exclusive = true};
  v.numbers("men", p.men, table, 4);
  v.numbers("women", p.women, table, 4);
  v.number("max_annual_probability", p.max_annual_probability,
           {.unit = "probability/year",
            .doc = "cap on the extrapolated annual probability",
            .source = "assumption",
            .min = 0,
            .min_exclusive = true,
            .max = 1,
            .max_exclusive = true});
  v.number("hr_certified", p.hr_certified,
           {.unit = "hazard ratio",
            .doc = "death, LTC-certified against independent",
            .source = "assumption: certified older people die at 2-3 times the rate",
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
  v.number("hr_low_income", p.hr_low_income,
           {.unit = "hazard ratio",
            .doc = "death, low against high income",
            .source = "assumption: JAGES income gradients in mortality of about 1.3",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_per_frailty", p.hr_per_frailty,
           {.unit = "hazard ratio",
            .doc = "death, per unit of frailty among independent residents",
            .source = "assumption",
            .min = 0,
            .min_exclusive = true});
  v.flag("match_life_table", p.match_life_table,
         {.doc = "rescale hazards by sex and 5-year age band so the starting population dies at "
                 "the life-table rates (hazard ratios then act within each band)"});
}

struct CertificationParams {
  double rate_at_65 = 0.0037;
  double age_slope_per_year = 0.13;
  double hr_isolated = 1.37;
  double hr_low_income = 1.3;
  double hr_lives_alone = 1.1;
  double hr_poor_food_access = 1.2;
};

template <class V>
void visit(V& v, CertificationParams& p) {
  v.number("rate_at_65", p.rate_at_65,
           {.unit = "1/year",
            .doc = "certification hazard of an independent 65-year-old in the reference group "
                   "(not isolated, not low-income, not living alone)",
            .source = "calibrated: 8.7% certified in 3 years among the independent (Tsuji et al. "
                      "2019) on scenarios/town.yaml, with poor food access and its hazard ratio "
                      "included (0.0039 without them)",
            .min = 0});
  v.number("age_slope_per_year", p.age_slope_per_year,
           {.unit = "1/year",
            .doc = "log hazard increase per year of age",
            .source = "assumption: fits the steep rise of the certified share with age (MHLW "
                      "2020)",
            .min = 0,
            .max = 0.5});
  v.number("hr_isolated", p.hr_isolated,
           {.unit = "hazard ratio",
            .doc = "certification, isolated against not",
            .source = "Saito et al. 2015: LTC level 2+ 1.37 (1.16-1.61)",
            .min = 0,
            .min_exclusive = true});
  v.number("hr_low_income", p.hr_low_income,
           {.unit = "hazard ratio",
            .doc = "certification, low against high income",
            .source = "assumption: JAGES income gradients in functional disability",
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
}

struct HealthParams {
  MortalityParams mortality;
  CertificationParams certification;
};

template <class V>
void visit(V& v, HealthParams& p) {
  v.section("mortality", p.mortality);
  v.section("certification", p.certification);
}

}  // namespace salonsim::models
