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
  tie_formation(v, p,
                "mean number of friends among residents (besides co-members met at "
                "groups, whose sessions give contacts of their own)",
                "calibrated on scenarios/town.yaml with its community groups: isolation "
                "(contact < 1/week) men 21.2%, women 10.6% (Saito et al. 2015)");
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

/// How ties form and fade during the run (besides deaths, and ties made at groups that meet).
struct TurnoverParams {
  bool enabled = true;
  double friends_fade_per_year = 0.10;
  double neighbours_fade_per_year = 0.10;
  double acquaintances_fade_per_year = 0.25;
  double contact_change_per_year = 0.3;
  double certified_fade_ratio = 2.0;
  double certified_formation_ratio = 0.5;
  double friends_of_friends_share = 0.3;
  std::int64_t every_days = 28;
};

template <class V>
void visit(V& v, TurnoverParams& p) {
  v.flag("enabled", p.enabled,
         {.doc = "friendships and acquaintances with neighbours form and fade during the run "
                 "(off: ties are lost only to deaths and made only at groups that meet)"});
  v.number("friends_fade_per_year", p.friends_fade_per_year,
           {.unit = "1/year",
            .doc = "rate at which a friendship fades (moving away, loss of contact), besides "
                   "deaths",
            .source = "assumption: most older adults lose and add confidants within five years "
                      "(Cornwell et al., J Gerontol B 2014; 81.8% added one in about five years, "
                      "Cornwell & Laumann, Soc Sci Med 2015); sweep 0.05-0.2",
            .min = 0,
            .max = 5});
  v.number("neighbours_fade_per_year", p.neighbours_fade_per_year,
           {.unit = "1/year",
            .doc = "rate at which a tie with a neighbour fades, besides deaths",
            .source = "assumption: as friendships; sweep 0.05-0.2",
            .min = 0,
            .max = 5});
  v.number("acquaintances_fade_per_year", p.acquaintances_fade_per_year,
           {.unit = "1/year",
            .doc = "rate at which a tie made at a group that meets fades, besides deaths",
            .source = "assumption: new and weak ties are lost more often than lasting ones "
                      "(Cornwell et al. 2014); sweep 0.1-0.5",
            .min = 0,
            .max = 5});
  v.number("contact_change_per_year", p.contact_change_per_year,
           {.unit = "1/year",
            .doc = "rate at which a tie's weekly contacts (relatives, neighbours, friends) are "
                   "drawn anew from its kind's distribution: people see a friend more or less "
                   "often over the years",
            .source = "assumption: contact frequencies with network members change over the "
                      "years (Cornwell et al. 2014); 0.3 moves 12% of men and 6% of women into "
                      "isolation within 3 years, against 18.8% and 8.8% in a survey (Ejiri et "
                      "al., PLoS ONE 2019, urban Tokyo) whose answers also carry measurement "
                      "error; sweep 0-1",
            .min = 0,
            .max = 5});
  v.number("certified_fade_ratio", p.certified_fade_ratio,
           {.doc = "ties with an LTC-certified resident fade this many times faster",
            .source = "assumption: frailty and disability shrink networks (Cornwell 2015); sweep "
                      "1-3",
            .min = 1,
            .max = 10});
  v.number("certified_formation_ratio", p.certified_formation_ratio,
           {.doc = "an LTC-certified resident makes (and accepts) new ties at this share of the "
                   "rate",
            .source = "assumption; sweep 0.25-1",
            .min = 0,
            .max = 1});
  v.number("friends_of_friends_share", p.friends_of_friends_share,
           {.doc = "share of new friendships made through an existing friend (the rest near "
                   "home, with the homophily of the set-up)",
            .source = "assumption: triadic closure; sweep 0-0.6",
            .min = 0,
            .max = 1});
  v.integer("every_days", p.every_days,
            {.unit = "days",
             .doc = "ties form and fade once per this many days (rounded to whole steps)",
             .source = "assumption: monthly, as contact frequencies are measured",
             .min = 1,
             .max = 366});
}

struct NetworkParams {
  Friends friends{{{1.0, 2.4}, 1200, 0.8}};
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
  std::int64_t spare_tie_slots = 4;
  TurnoverParams turnover;
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
  v.integer("spare_tie_slots", p.spare_tie_slots,
            {.unit = "ties",
             .doc = "room each resident has for ties beyond those made at the start (entrants: "
                    "beyond those they make on entry); a freed slot is used again; memory grows "
                    "by 8 bytes a resident per slot",
             .source = "assumption",
             .min = 0,
             .max = 64});
  v.section("turnover", p.turnover);
}

}  // namespace salonsim::models
