#pragma once
// A trial file (`salonsim trial TRIAL.yaml`): the multi-municipality trial of coalition support
// emulated as Haseda et al. (2019) ran it. A region scenario whose municipalities have a
// coalition_support intervention; how many are supported (the rest get the data only) and how
// support came to them (not at random: municipalities' characteristics made it more or less
// likely); surveys at baseline and after three years; deaths followed for 1,166 days.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/params/schema.hpp"

namespace salonsim::models {

/// How likely a municipality was to be supported: log odds per unit of each characteristic
/// (centred on the region's mean), as in an observational trial where municipalities chose.
struct SupportAssignment {
  double log_population = 0.8;
  double rural_share = -1.0;
  double log_join_odds_ratio = 1.0;
};

template <class V>
void visit(V& v, SupportAssignment& p) {
  const char* source =
      "assumption: the supported municipalities volunteered; JAGES municipalities that took up "
      "support tended to be larger and already active (Haseda et al. 2019 weight by the inverse "
      "probability of support for this reason); sweep -2 to 2";
  v.number("log_population", p.log_population,
           {.unit = "log odds per log",
            .doc = "per log of the population aged 65+",
            .source = source,
            .min = -20,
            .max = 20});
  v.number("rural_share", p.rural_share,
           {.unit = "log odds",
            .doc = "per unit of the share of residents in rural districts",
            .source = source,
            .min = -20,
            .max = 20});
  v.number("log_join_odds_ratio", p.log_join_odds_ratio,
           {.unit = "log odds per log",
            .doc = "per log of groups.join_odds_ratio (how active the town's groups are)",
            .source = source,
            .min = -20,
            .max = 20});
}

struct TrialFile {
  std::string name = "trial";
  std::string description;
  std::string scenario;
  std::vector<std::string> set;
  std::int32_t supported = 16;
  SupportAssignment assignment;
  std::int32_t replicates = 10;
  std::uint64_t seed = 0;
  std::vector<double> survey_years{0, 3};
  double follow_up_days = 1166;
  bool true_effect = true;
};

template <class V>
void visit(V& v, TrialFile& p) {
  v.text("name", p.name, {.doc = "name of the trial, used in reports"});
  v.text("description", p.description, {.doc = "what the trial represents"});
  v.text("scenario", p.scenario,
         {.doc = "the region scenario (relative to this file): its municipalities, each with a "
                 "coalition_support intervention whose arm the trial sets"});
  v.rule("scenario", !p.scenario.empty(), "a trial needs a region scenario");
  v.texts("set", p.set, {.doc = "overrides of the scenario, as --set, applied first"});
  v.integer("supported", p.supported,
            {.doc = "municipalities supported; the others get the data only",
             .source = "the seed slides describe 16 supported and 16 data-only municipalities "
                       "(Haseda et al. 2019 analysed 13 and 12)",
             .min = 1,
             .max = 100000});
  v.section("assignment", p.assignment);
  v.integer("replicates", p.replicates,
            {.doc = "replicates of the whole trial (each municipality on its own streams); the "
                    "intervals are the spread of one trial's estimate over them",
             .min = 1,
             .max = 10000});
  v.integer("seed", p.seed,
            {.doc = "seed of the runs and of who is supported (0: the scenario's run.seed)"});
  v.numbers("survey_years", p.survey_years,
            {.unit = "years",
             .doc = "baseline and follow-up surveys since the start (two, increasing)",
             .source = "Haseda et al. 2019: JAGES 2013 and 2016",
             .min = 0});
  v.rule("survey_years", p.survey_years.size() == 2 && p.survey_years[0] < p.survey_years[1],
         "expected two increasing years, [baseline, follow-up]");
  v.number("follow_up_days", p.follow_up_days,
           {.unit = "days",
            .doc = "deaths followed from the baseline survey for this long (the municipalities "
                   "run for the longer of this and the follow-up survey)",
            .source = "the trial's mortality follow-up: 1,166 days",
            .min = 1,
            .max = 36525});
  v.flag("true_effect", p.true_effect,
         {.doc = "also run each supported municipality as data only on the same random numbers: "
                 "the true effect of support"});
}

}  // namespace salonsim::models
