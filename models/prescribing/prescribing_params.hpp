#pragma once
// Parameters of social prescribing (type: social_prescribing, one per scenario): clinics and
// visits, the 4-item screen, link workers, referral and uptake, welfare counselling, and costs
// (SCIENCE.md "Social prescribing").
#include <cstdint>
#include <string>
#include <vector>

#include "models/town/town_params.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::models {

/// A clinic listed by place.
struct Clinic {
  std::string name = "clinic";
  Place place;
  bool screens = true;
};

template <class V>
void visit(V& v, Clinic& p) {
  v.text("name", p.name, {.doc = "clinic name, used in reports"});
  visit_place(v, p.place, "clinic '" + p.name + "'");
  v.flag("screens", p.screens, {.doc = "its doctors screen patients with the 4-item scale"});
}

/// Clinics: listed, and generated in each district in proportion to its residents.
struct Clinics {
  std::vector<Clinic> listed;
  bool generate = true;
  double per_10k_residents = 28;
  double screening_share = 0.3;
};

template <class V>
void visit(V& v, Clinics& p) {
  v.list("listed", p.listed, {.doc = "clinics listed by place (besides generated ones)"});
  v.flag("generate", p.generate,
         {.doc = "place clinics in each district (round(residents * per_10k_residents / 10,000), "
                 "at least one where the district has residents), each at a resident's home"});
  v.number("per_10k_residents", p.per_10k_residents,
           {.unit = "per 10,000 aged 65+",
            .doc = "generated clinics per 10,000 residents of a district",
            .source = "MHLW Survey of Medical Institutions 2020: about 102,600 general clinics for "
                      "36 million people aged 65+ (28 per 10,000 older residents); fewer in "
                      "sparse rural districts",
            .min = 0,
            .max = 10000});
  v.number("screening_share", p.screening_share,
           {.unit = "share",
            .doc = "share of generated clinics whose doctors screen (chosen at random)",
            .source = "assumption: a model project recruits some of the town's doctors; sweep "
                      "0.1-1",
            .min = 0,
            .max = 1});
}

/// Outpatient visits: a rate by age band, more with frailty.
struct Visits {
  std::vector<double> per_month_by_age{2.2, 3.0, 3.2, 3.1, 2.7, 2.0};
  double per_frailty_increase = 1.0;
};

template <class V>
void visit(V& v, Visits& p) {
  v.numbers("per_month_by_age", p.per_month_by_age,
            {.unit = "visits/month",
             .doc = "outpatient visits a month by age band 65-69, 70-74, 75-79, 80-84, 85-89, 90+",
             .source = "SCIENCE.md, from the MHLW Patient Survey's daily outpatient rates",
             .min = 0,
             .max = 100},
            6);
  v.number("per_frailty_increase", p.per_frailty_increase,
           {.unit = "per unit of frailty",
            .doc = "visits rise by this factor times the frailty index (0-1): rate * (1 + this * "
                   "frailty)",
            .source = "assumption: frail patients see their doctor more often; sweep 0-3",
            .min = 0,
            .max = 100});
}

/// The 4-item screen (Nishioka, Kondo et al. 2020): two money items, two contact items.
struct Screening {
  double probability_per_visit = 0.5;
  double interval_months = 12;
  std::int32_t positive_threshold = 2;
  double contacts_below_per_week = 0.25;
  double cost_per_screen_yen = 1000;
};

template <class V>
void visit(V& v, Screening& p) {
  v.number("probability_per_visit", p.probability_per_visit,
           {.unit = "probability",
            .doc = "chance that a screening doctor screens a patient due for it at a visit",
            .source = "assumption: busy clinics screen some due patients; sweep 0.2-1",
            .min = 0,
            .max = 1});
  v.number("interval_months", p.interval_months,
           {.unit = "months",
            .doc = "a patient is screened again no sooner than this",
            .source = "assumption: yearly, like the basic checklist; sweep 6-24",
            .min = 0,
            .max = 600});
  v.integer("positive_threshold", p.positive_threshold,
            {.unit = "items",
             .doc = "a screen is positive with at least this many of the 4 items",
             .source = "assumption: the share screening positive is not published (SCIENCE.md); "
                       "sweep 1-3",
             .min = 1,
             .max = 4});
  v.number("contacts_below_per_week", p.contacts_below_per_week,
           {.unit = "contacts/week",
            .doc = "a contact item (friends; family) is answered 'rarely' below this many "
                   "contacts a week",
            .source = "assumption: 'rarely' read as less than about once a month, Saito 2015's "
                      "cut-off for severe isolation (less than weekly, the JAGES isolation "
                      "cut-off, would mark most residents on the family item); sweep 0.25-1",
            .min = 0});
  v.number("cost_per_screen_yen", p.cost_per_screen_yen,
           {.unit = "yen",
            .doc = "cost of one screen (the doctor's time and the form)",
            .source = "assumption: a few minutes of a consultation; sweep 500-3000",
            .min = 0});
}

/// A team of link workers serving some districts (none listed: all the town's).
struct LinkWorkerTeam {
  std::string name = "town";
  std::vector<std::string> districts;
  std::int32_t staff = 1;
};

template <class V>
void visit(V& v, LinkWorkerTeam& p) {
  v.text("name", p.name, {.doc = "team name, used in reports"});
  v.texts("districts", p.districts,
          {.doc = "districts of town.districts whose positive patients this team takes; [] all "
                  "(a district's patients go to the first team listed that serves it)"});
  v.integer("staff", p.staff,
            {.unit = "link workers", .doc = "link workers", .min = 0, .max = 10000});
}

/// Link workers: teams, caseload, contacts and competence.
struct LinkWorkers {
  std::vector<LinkWorkerTeam> teams{LinkWorkerTeam{}};
  double caseload_per_year = 225;
  std::int32_t contacts_per_client = 8;
  double competence_mean = 0.6;
  double competence_spread = 0.15;
  double max_wait_weeks = 26;
  double yearly_cost_yen = 5'000'000;
};

template <class V>
void visit(V& v, LinkWorkers& p) {
  v.list("teams", p.teams, {.doc = "teams of link workers", .min = 1});
  v.number("caseload_per_year", p.caseload_per_year,
           {.unit = "clients/year",
            .doc = "new clients one link worker takes a year (capacity: a client waits when every "
                   "worker of the team has used this year's share)",
            .source = "NHS England link-worker guidance: 200-250 people a year; Rotherham pilot: "
                      "5 advisers, 808 referrals in year 1",
            .min = 0,
            .min_exclusive = true,
            .max = 100000});
  v.integer("contacts_per_client", p.contacts_per_client,
            {.unit = "contacts",
             .doc = "weekly contacts with a client after the first meeting: the worker follows "
                    "the referral up for this many weeks",
             .source = "NHS England link-worker guidance: 6-12 contacts",
             .min = 1,
             .max = 520});
  v.number("competence_mean", p.competence_mean,
           {.unit = "0-1",
            .doc = "mean competence of link workers: the chance that a worker finds each "
                   "suitable resource within the client's reach, and (see referral) uptake",
            .source = "assumption: Akita link workers varied in competence (Ota et al. 2025, "
                      "qualitative); sweep 0.3-0.9",
            .min = 0,
            .max = 1});
  v.number("competence_spread", p.competence_spread,
           {.unit = "0-1",
            .doc = "standard deviation of competence between workers (a beta distribution "
                   "with competence_mean; 0: every worker the mean)",
            .source = "assumption: sweep 0-0.25",
            .min = 0,
            .max = 0.45});
  v.rule("competence_spread",
         p.competence_spread == 0 || p.competence_spread * p.competence_spread <
                                         p.competence_mean * (1 - p.competence_mean),
         "must be below sqrt(competence_mean * (1 - competence_mean)) for a beta distribution");
  v.number("max_wait_weeks", p.max_wait_weeks,
           {.unit = "weeks",
            .doc = "a positive patient still waiting after this long drops off the list",
            .source = "assumption: sweep 8-52",
            .min = 0});
  v.number("yearly_cost_yen", p.yearly_cost_yen,
           {.unit = "yen/year",
            .doc = "cost of one link worker a year",
            .source = "assumption: Japan not published, 4-6 million yen (SCIENCE.md); UK "
                      "reimbursable 36,428 pounds (2022/23)",
            .min = 0});
}

/// What decides whether a referred client takes the referral up.
struct Uptake {
  double base_probability = 0.5;
  double or_competence = 4;
  double trusts_doctor_share = 0.7;
  double or_distrust = 0.5;
  double or_per_1000_yen_fee = 0.8;
  double or_shuttle = 0.7;
  double min_access = 0.2;
};

template <class V>
void visit(V& v, Uptake& p) {
  v.number("base_probability", p.base_probability,
           {.unit = "probability",
            .doc = "chance a client takes up a referral, for a worker of competence 0.5, a client "
                   "who trusts the doctor, a place reached on foot and no fee",
            .source = "assumption: the share who engage is not published (SCIENCE.md); sweep "
                      "0.2-0.8",
            .min = 0,
            .max = 1,
            .max_exclusive = true});
  v.number("or_competence", p.or_competence,
           {.unit = "odds ratio",
            .doc = "odds of uptake with a worker of competence 1 against one of competence 0 "
                   "(log-linear between)",
            .source = "assumption: the link worker's first call matters (SCIENCE.md); sweep 1-8",
            .min = 0,
            .min_exclusive = true});
  v.number("trusts_doctor_share", p.trusts_doctor_share,
           {.unit = "share",
            .doc = "share of residents who trust their doctor's referral (drawn once each)",
            .source = "assumption: sweep 0.5-0.9",
            .min = 0,
            .max = 1});
  v.number("or_distrust", p.or_distrust,
           {.unit = "odds ratio",
            .doc = "odds of uptake for a client who does not trust the referral (stigma, doubt)",
            .source = "assumption: sweep 0.2-1",
            .min = 0,
            .min_exclusive = true});
  v.number("or_per_1000_yen_fee", p.or_per_1000_yen_fee,
           {.unit = "odds ratio",
            .doc = "odds of taking up a group per 1,000 yen of its fee a session (cost)",
            .source = "assumption: scarce and costly resources (Ota et al. 2025); sweep 0.5-1",
            .min = 0,
            .min_exclusive = true,
            .max = 1});
  v.number("or_shuttle", p.or_shuttle,
           {.unit = "odds ratio",
            .doc = "odds of taking up a place reached only by the shuttle, against one reached "
                   "on foot (a lift or a long walk: its access from groups.participation)",
            .source = "assumption: a booked ride is a barrier, but a lesser one than no way "
                      "there; sweep 0.4-1",
            .min = 0,
            .min_exclusive = true});
  v.number("min_access", p.min_access,
           {.unit = "0-1",
            .doc = "a group's venue is within the client's reach when their access to it (1 on "
                   "foot; groups.participation's drives_access, lifts_access; fading with the "
                   "walk beyond walking range) is at least this",
            .source = "assumption: sweep 0.1-0.5",
            .min = 0,
            .max = 1});
}

/// Welfare counselling: help with money for clients in hardship.
struct WelfareCounselling {
  bool available = true;
  double relief_probability = 0.4;
  double cost_per_case_yen = 30'000;
};

template <class V>
void visit(V& v, WelfareCounselling& p) {
  v.flag("available", p.available,
         {.doc = "the municipality's welfare counselling takes referrals (by visit or phone: no "
                 "travel needed)"});
  v.number("relief_probability", p.relief_probability,
           {.unit = "probability",
            .doc = "chance that counselling ends a client's episode of hardship (benefits, "
                   "debt advice, livelihood support)",
            .source = "assumption: sweep 0.2-0.7",
            .min = 0,
            .max = 1});
  v.number("cost_per_case_yen", p.cost_per_case_yen,
           {.unit = "yen",
            .doc = "cost of one counselling case taken up",
            .source = "assumption: a few hours of a welfare officer; sweep 10,000-100,000",
            .min = 0});
}

/// Social prescribing (type: social_prescribing).
struct SocialPrescribingParams {
  std::string name = "social prescribing";
  std::int32_t opens_step = 0;
  Clinics clinics;
  Visits visits;
  Screening screening;
  LinkWorkers link_workers;
  Uptake uptake;
  WelfareCounselling welfare_counselling;
};

template <class V>
void visit(V& v, SocialPrescribingParams& p) {
  v.text("name", p.name, {.doc = "programme name, used in reports"});
  v.integer("opens_step", p.opens_step,
            {.unit = "step", .doc = "first step doctors screen and link workers work", .min = 0});
  v.section("clinics", p.clinics);
  v.section("visits", p.visits);
  v.section("screening", p.screening);
  v.section("link_workers", p.link_workers);
  v.section("uptake", p.uptake);
  v.section("welfare_counselling", p.welfare_counselling);
}

}  // namespace salonsim::models
