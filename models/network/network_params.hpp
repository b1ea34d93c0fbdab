#pragma once
// Parameters of social network formation and of weekly contact (hence isolation).
#include <cstdint>

#include "models/town/town_params.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::models {

/// Ties of one kind: how many, how far, how often people meet.
struct TieFormation {
  BySex mean_ties{1, 1};
  double distance_scale_m = 500;
  double contacts_per_week = 0.5;
};

template <class V>
void tie_formation(V& v, TieFormation& p, std::string_view what, std::string_view source) {
  by_sex(v, "mean_ties", p.mean_ties,
         {.unit = "ties", .doc = what, .source = source, .min = 0, .max = 50});
  v.number("distance_scale_m", p.distance_scale_m,
           {.unit = "m",
            .doc = "mean distance between the homes of the two (exponential decay)",
            .source = "assumption",
            .min = 0,
            .min_exclusive = true});
  v.number("contacts_per_week", p.contacts_per_week,
           {.unit = "1/week",
            .doc = "mean contacts a week on one tie (exponentially distributed over ties)",
            .source = source,
            .min = 0});
}

struct Friends : TieFormation {};
struct Neighbours : TieFormation {};
struct Relatives : TieFormation {};

template <class V>
void visit(V& v, Friends& p) {
  tie_formation(v, p, "mean number of friends among residents",
                "calibrated on scenarios/town.yaml: isolation (contact < 1/week) men 21.2%, "
                "women 10.6% (Saito et al. 2015)");
}
template <class V>
void visit(V& v, Neighbours& p) {
  tie_formation(v, p, "mean number of neighbours one talks with",
                "calibrated: isolation (contact < 1/week) men 21.2%, women 10.6% (Saito et al. "
                "2015)");
}
template <class V>
void visit(V& v, Relatives& p) {
  tie_formation(v, p, "mean number of relatives aged 65+ living in the town (siblings, in-laws)",
                "assumption");
}

struct NetworkParams {
  Friends friends{{{3.5, 5.4}, 1200, 0.8}};
  Neighbours neighbours{{{1.4, 2.0}, 120, 0.6}};
  Relatives relatives{{{0.3, 0.3}, 3000, 0.4}};
  double age_homophily_years = 6;
  double other_income_acceptance = 0.6;
  double other_sex_friend_acceptance = 0.25;
  double sociability_sd = 0.7;
  BySex kin_outside_share{0.40, 0.70};
  double kin_contacts_per_week = 1.0;
  double certified_contact_factor = 0.5;
  double isolation_threshold_per_week = 1.0;
  std::int64_t added_tie_slots = 4;
};

template <class V>
void visit(V& v, NetworkParams& p) {
  v.section("friends", p.friends);
  v.section("neighbours", p.neighbours);
  v.section("relatives", p.relatives);
  v.number("age_homophily_years", p.age_homophily_years,
           {.unit = "years",
            .doc = "a proposed friendship is accepted with probability exp(-|age gap| / this)",
            .source = "assumption: homophily by age (McPherson et al. 2001)",
            .min = 0,
            .min_exclusive = true});
  v.number("other_income_acceptance", p.other_income_acceptance,
           {.doc = "relative chance a friendship across income groups is accepted",
            .source = "assumption: homophily by income",
            .min = 0,
            .max = 1});
  v.number("other_sex_friend_acceptance", p.other_sex_friend_acceptance,
           {.doc = "relative chance a friendship between a man and a woman is accepted",
            .source = "assumption: older Japanese friendships are mostly same-sex",
            .min = 0,
            .max = 1});
  v.number("sociability_sd", p.sociability_sd,
           {.doc = "standard deviation of log sociability, which scales a resident's number of "
                   "ties",
            .source = "assumption",
            .min = 0,
            .max = 3});
  by_sex(v, "kin_outside_share", p.kin_outside_share,
         {.unit = "share",
          .doc = "share in contact with family who are not residents (children under 65)",
          .source = "calibrated: isolation men 21.2%, women 10.6% (Saito et al. 2015)",
          .min = 0,
          .max = 1});
  v.number("kin_contacts_per_week", p.kin_contacts_per_week,
           {.unit = "1/week",
            .doc = "mean weekly contacts with family who are not residents",
            .source = "assumption",
            .min = 0});
  v.number("certified_contact_factor", p.certified_contact_factor,
           {.doc = "contacts on a tie are multiplied by this when either person is certified",
            .source = "assumption",
            .min = 0,
            .max = 1});
  v.number("isolation_threshold_per_week", p.isolation_threshold_per_week,
           {.unit = "1/week",
            .doc = "isolated when contacts with others are below this",
            .source = "JAGES definition: contact with others less than once a week (Saito et al. "
                      "2015)",
            .min = 0,
            .min_exclusive = true});
  v.integer("added_tie_slots", p.added_tie_slots,
            {.unit = "ties",
             .doc = "ties a resident can gain during the run (e.g. at salons); memory per "
                    "resident grows by 8 bytes per slot once used",
             .source = "assumption",
             .min = 0,
             .max = 64});
}

}  // namespace salonsim::models
