#pragma once
// Parameters of financial hardship (town.hardship): episodes in which a resident struggles to pay
// bills or to last until pension day, more often with a low income. The social-prescribing
// screen asks about them (models/prescribing), and welfare counselling can end one.
#include "sim/params/schema.hpp"

namespace salonsim::models {

struct HardshipParams {
  double onset_per_year_low_income = 0.12;
  double onset_per_year_high_income = 0.03;
  double mean_episode_years = 1.0;
  double poverty_line_million_yen = 1.27;
  double hr_certification = 1.0;
};

template <class V>
void visit(V& v, HardshipParams& p) {
  v.number("onset_per_year_low_income", p.onset_per_year_low_income,
           {.unit = "1/year",
            .doc = "rate at which a low-income resident not in hardship starts an episode",
            .source = "assumption: about 1 in 10 low-income and 1 in 35 other older residents "
                      "in hardship at a time (Comprehensive Survey of Living Conditions 2019: "
                      "half of older households call their living 'hard', fewer fall behind on "
                      "bills); sweep 0.05-0.25",
            .min = 0,
            .max = 12});
  v.number("onset_per_year_high_income", p.onset_per_year_high_income,
           {.unit = "1/year",
            .doc = "the same for a resident with an income at or above the low-income threshold",
            .source = "assumption: as onset_per_year_low_income; sweep 0.01-0.08",
            .min = 0,
            .max = 12});
  v.number("mean_episode_years", p.mean_episode_years,
           {.unit = "years",
            .doc = "mean length of an episode of hardship (exponential)",
            .source = "assumption: a year of arrears or borrowing; sweep 0.5-2",
            .min = 0.01,
            .max = 50});
  v.number("poverty_line_million_yen", p.poverty_line_million_yen,
           {.unit = "million yen/year",
            .doc = "equivalised income below which money runs short before every pension day "
                   "(the screen's second money item), in hardship or not",
            .source = "MHLW Comprehensive Survey of Living Conditions 2019: relative poverty line "
                      "1.27 million yen (equivalised disposable income, 2018)",
            .min = 0});
  v.number("hr_certification", p.hr_certification,
           {.unit = "hazard ratio",
            .doc = "certification while in hardship against not (on top of the income gradient)",
            .source = "assumption: no published estimate net of income; 1 keeps the calibrated "
                      "income gradient unchanged, so relieving hardship changes no risk unless "
                      "this is raised; sweep 1.0-1.5",
            .min = 0,
            .min_exclusive = true});
}

}  // namespace salonsim::models
