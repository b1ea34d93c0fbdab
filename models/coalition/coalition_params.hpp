#pragma once
// Parameters of coalition support (type: coalition_support): the municipality-level process
// that turns community-diagnosis data into action (Haseda et al. 2019; SCIENCE.md "Community
// coalition support"). Supported municipalities get the data and facilitated intersectoral
// meetings; data-only municipalities get the data alone. Meetings build community capacity;
// capacity yields actions, each chosen where the baseline diagnosis shows most need.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "models/groups/group_params.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::models {

enum class CoalitionArm : std::uint8_t { kSupported = 0, kDataOnly = 1 };
inline constexpr std::array<Choice<CoalitionArm>, 2> kCoalitionArmChoices{
    {{"supported", CoalitionArm::kSupported}, {"data_only", CoalitionArm::kDataOnly}}};

/// What a coalition can do, each where the diagnosis shows most need.
enum class CoalitionAction : std::uint8_t {
  kNewGroup = 0,    // a group where residents have none within reach
  kMensGroup = 1,   // a leisure group aimed at men, where most men belong to none
  kVolunteers = 2,  // volunteers recruited for the groups of a district: more invitations
  kOutreach = 3,    // outreach workers invite isolated residents to the groups near them
  kMobileShop = 4,  // a mobile shop with a drop-by lunch salon, where many live alone
                    // without food access (the Matsu-ura story)
};
inline constexpr std::array<Choice<CoalitionAction>, 5> kCoalitionActionChoices{
    {{"new_group", CoalitionAction::kNewGroup},
     {"mens_group", CoalitionAction::kMensGroup},
     {"volunteers", CoalitionAction::kVolunteers},
     {"outreach", CoalitionAction::kOutreach},
     {"mobile_shop", CoalitionAction::kMobileShop}}};
constexpr std::string_view coalition_action_name(CoalitionAction action) {
  for (const auto& choice : kCoalitionActionChoices)
    if (choice.value == action) return choice.name;
  return "unknown";
}

/// How the coalition meets and grows: one set for each arm.
struct CoalitionMeetings {
  double meetings_per_year = 6;
  std::int32_t sectors = 6;
};

template <class V>
void visit(V& v, CoalitionMeetings& p, std::string_view source) {
  v.number("meetings_per_year", p.meetings_per_year,
           {.unit = "1/year",
            .doc = "meetings that use the diagnosis data (a Poisson process from the start of "
                   "support)",
            .source = source,
            .min = 0,
            .max = 52});
  v.integer("sectors", p.sectors,
            {.unit = "sectors",
             .doc = "sectors with a member at the meetings (health, welfare, the social welfare "
                    "council, residents' associations, commerce, transport, ...)",
             .source = source,
             .min = 1,
             .max = 20});
}

/// One section per arm, visited with its own documentation.
struct ArmMeetings {
  CoalitionMeetings& meetings;
  std::string_view source;
};
template <class V>
void visit(V& v, ArmMeetings& p) {
  visit(v, p.meetings, p.source);
}

/// The capacity process (coalition action theory: engaged members and pooled resources build
/// community capacity, which leads to actions).
struct CoalitionProcess {
  double starts_years = 0.5;
  CoalitionMeetings supported{6, 6};
  CoalitionMeetings data_only{2, 1};
  double engagement = 0.7;
  double capacity_at_start = 0.2;
  double capacity_gain_per_meeting = 0.15;
  double capacity_loss_per_year = 0.1;
  double actions_per_year_per_10k = 40;
  double support_yearly_cost_yen = 2000000;
};

template <class V>
void visit(V& v, CoalitionProcess& p) {
  v.number("starts_years", p.starts_years,
           {.unit = "years",
            .doc = "when the data arrive and support starts, after the baseline survey",
            .source = "Haseda et al. 2019: JAGES baseline survey 2013, support from 2014",
            .min = 0,
            .max = 100});
  ArmMeetings supported{p.supported,
                        "assumption: facilitated intersectoral meetings about every two months "
                        "with six sectors; sweep 3-12 meetings"};
  v.section("supported", supported);
  ArmMeetings data_only{p.data_only,
                        "assumption: without facilitation the data reach one department that "
                        "meets on it a couple of times a year; sweep 0-4 meetings"};
  v.section("data_only", data_only);
  v.number("engagement", p.engagement,
           {.unit = "probability",
            .doc = "a sector's member takes part in a given meeting",
            .source = "assumption; sweep 0.4-0.9",
            .min = 0,
            .max = 1});
  v.number("capacity_at_start", p.capacity_at_start,
           {.doc = "community capacity (0-1) when support starts: what the municipality's staff "
                   "and residents' groups can already do",
            .source = "assumption; sweep 0-0.5",
            .min = 0,
            .max = 1});
  v.number("capacity_gain_per_meeting", p.capacity_gain_per_meeting,
           {.doc = "capacity gained at a meeting with every one of six sectors engaged, as a "
                   "share of the capacity still missing (capacity runs 0-1; fewer sectors gain "
                   "in proportion)",
            .source = "assumption: capacity builds over one to two years of meetings (coalition "
                      "action theory); sweep 0.05-0.3",
            .min = 0,
            .max = 1});
  v.number("capacity_loss_per_year", p.capacity_loss_per_year,
           {.unit = "1/year",
            .doc = "capacity fades at this rate without meetings (members leave, skills lapse)",
            .source = "assumption; sweep 0-0.3",
            .min = 0,
            .max = 10});
  v.number("actions_per_year_per_10k", p.actions_per_year_per_10k,
           {.unit = "1/year per 10,000 aged 65+",
            .doc = "actions a coalition at full capacity takes a year, per 10,000 residents aged "
                   "65+ (staff and budgets scale with the population served; decided at meetings)",
            .source = "calibrated: men's group participation rose 2.5 points more in supported "
                      "than in data-only municipalities over 3 years (Haseda et al. 2019); sweep "
                      "3-30",
            .min = 0,
            .max = 100000});
  v.number("support_yearly_cost_yen", p.support_yearly_cost_yen,
           {.unit = "yen/year",
            .doc = "cost of supporting a municipality (researchers' and facilitators' time, the "
                   "meetings), supported arm only, from the start of support",
            .source = "assumption: not published (SCIENCE.md Costs); sweep 0.5-5 million yen",
            .min = 0});
}

/// What an action costs and how long it takes, common to every kind of action.
struct ActionTerms {
  bool enabled = true;
  double lag_months = 6;
  double setup_cost_yen = 0;
  double yearly_cost_yen = 300000;
  double min_capacity = 0;
  double priority = 1;
};

template <class V>
void visit_action_terms(V& v, ActionTerms& p, std::string_view lag_source,
                        std::string_view cost_source, std::string_view priority_source) {
  v.flag("enabled", p.enabled, {.doc = "the coalition may take this action"});
  v.number("lag_months", p.lag_months,
           {.unit = "months",
            .doc = "from the meeting that decides it to the action taking effect",
            .source = lag_source,
            .min = 0,
            .max = 120});
  v.number(
      "setup_cost_yen", p.setup_cost_yen,
      {.unit = "yen", .doc = "one-off cost when it takes effect", .source = cost_source, .min = 0});
  v.number(
      "yearly_cost_yen", p.yearly_cost_yen,
      {.unit = "yen/year", .doc = "running cost while it lasts", .source = cost_source, .min = 0});
  v.number("min_capacity", p.min_capacity,
           {.doc = "community capacity (0-1) the coalition needs before it can take this action",
            .source = "assumption: harder actions need more capacity",
            .min = 0,
            .max = 1});
  v.number("priority", p.priority,
           {.doc = "weight of this action's need when the coalition chooses (need: residents "
                   "the action is for, in the district)",
            .source = priority_source,
            .min = 0});
}

/// A new group, or a men-oriented group: the kind, where, and the venue.
struct GroupAction {
  ActionTerms terms;
  std::string kind = "hobby";
  std::int32_t capacity = 40;
  Schedule schedule = Schedule::kFortnightly;
  std::int32_t volunteers = 3;
  double join_or_men = 1;
  double min_share = 0.1;
};

template <class V>
void visit(V& v, GroupAction& p, bool mens) {
  visit_action_terms(
      v, p.terms, "assumption: a few months to find a room, leaders and members",
      "assumption: like a salon, about 300 thousand yen a venue a year",
      mens ? "assumption (1.5), informed by the trial: the effect was in men's leisure groups "
             "(Haseda et al. 2019) and the diagnosis sheets showed men's isolation; sweep 1-3"
           : "assumption (0.5), informed by the trial: women's participation did not change "
             "(Haseda et al. 2019), so groups for everyone are taken to come after men's groups; "
             "sweep 0.25-1");
  v.text("kind", p.kind,
         {.doc = mens ? "kind of the men-oriented group (one of groups.kinds)"
                      : "kind of the new group (one of groups.kinds)",
          .source = mens ? "assumption: sports (walking, exercise), a leisure group, where Haseda "
                           "et al. 2019 saw most of the effect"
                         : "assumption: hobby, the commonest leisure group of older women and men "
                           "(Cabinet Office 2003)"});
  v.integer("capacity", p.capacity,
            {.unit = "people",
             .doc = "places at one session",
             .source = "assumption",
             .min = 1,
             .max = 100000});
  v.choice("schedule", p.schedule, kScheduleChoices,
           {.doc = "how often it meets",
            .source = mens ? "assumption: weekly, like a walking or exercise club"
                           : "assumption: fortnightly, like most salons and hobby circles"});
  v.integer("volunteers", p.volunteers,
            {.unit = "people",
             .doc = "volunteer organisers who invite residents",
             .source = "assumption",
             .min = 0,
             .max = 1000});
  v.number("join_or_men", p.join_or_men,
           {.unit = "odds ratio",
            .doc = "joining, men against the kind's usual odds (a programme aimed at men above 1)",
            .source = mens ? "assumption: men's cooking, walking or hobby clubs; no published "
                             "estimate of how much they raise men's uptake; sweep 1-4"
                           : "assumption: an ordinary group",
            .min = 0,
            .min_exclusive = true,
            .max = 100});
  v.number("min_share", p.min_share,
           {.unit = "share",
            .doc = mens ? "acts only in a district where at least this share of men belong to "
                          "no group"
                        : "acts only in a district where at least this share of residents belong "
                          "to no group and have no group venue within 350 m",
            .source = "assumption",
            .min = 0,
            .max = 1});
}

struct GroupActionSection {
  GroupAction& action;
  bool mens;
};
template <class V>
void visit(V& v, GroupActionSection& p) {
  visit(v, p.action, p.mens);
}

struct VolunteerAction {
  ActionTerms terms{true, 3, 0, 100000, 0, 0.5};
  std::int32_t recruits = 6;
};

template <class V>
void visit(V& v, VolunteerAction& p) {
  visit_action_terms(v, p.terms, "assumption: a recruitment drive takes a few months",
                     "assumption: training and coordination, about 100 thousand yen a year",
                     "assumption (0.5): an indirect action (more invitations at existing groups); "
                     "sweep 0.25-1");
  v.integer("recruits", p.recruits,
            {.unit = "people",
             .doc = "volunteers recruited, shared among the district's group venues (each invites "
                    "residents: groups.<kind>.participation.invitations_per_volunteer)",
             .source = "assumption",
             .min = 0,
             .max = 10000});
}

struct OutreachAction {
  ActionTerms terms{true, 2, 0, 1000000, 0, 1};
  std::int32_t residents_per_month = 15;
  double duration_months = 12;
  double invitation_months = 3;
};

template <class V>
void visit(V& v, OutreachAction& p) {
  visit_action_terms(v, p.terms, "assumption: outreach starts within a couple of months",
                     "assumption: part of a community worker's time, about 1 million yen a year",
                     "assumption (1): every isolated resident counts alike; sweep 0.5-2");
  v.integer("residents_per_month", p.residents_per_month,
            {.unit = "people/month",
             .doc = "isolated residents of the district, not certified, the outreach workers visit "
                    "and invite to the groups near them, each month",
             .source = "assumption",
             .min = 0,
             .max = 100000});
  v.number("duration_months", p.duration_months,
           {.unit = "months",
            .doc = "how long the outreach runs",
            .source = "assumption",
            .min = 0,
            .min_exclusive = true,
            .max = 1200});
  v.number("invitation_months", p.invitation_months,
           {.unit = "months",
            .doc = "a visited resident counts as invited (groups.<kind>.participation.or_invited) "
                   "for this long",
            .source = "assumption",
            .min = 0,
            .min_exclusive = true,
            .max = 120});
}

struct MobileShopAction {
  ActionTerms terms{true, 9, 0, 4000000, 0.3, 1};
  double min_share = 0.03;
  std::int32_t customers_per_visit = 30;
  std::int32_t lunch_places = 20;
};

template <class V>
void visit(V& v, MobileShopAction& p) {
  visit_action_terms(v, p.terms,
                     "assumption: negotiating a route with a retailer takes most of a year",
                     "assumption: municipal support for a mobile supermarket route is a few "
                     "million yen a year (mobile_shop.route.yearly_cost_yen)",
                     "assumption (1): residents living alone without food access, as the "
                     "Matsu-ura data showed; sweep 0.5-2");
  v.number("min_share", p.min_share,
           {.unit = "share",
            .doc = "acts only in a district where at least this share of residents live alone "
                   "with poor food access",
            .source = "assumption",
            .min = 0,
            .max = 1});
  v.integer("customers_per_visit", p.customers_per_visit,
            {.unit = "people",
             .doc = "customers one visit can serve",
             .source = "assumption",
             .min = 1,
             .max = 100000});
  v.integer("lunch_places", p.lunch_places,
            {.unit = "people",
             .doc = "places at the drop-by lunch salon per visit",
             .source = "assumption",
             .min = 1,
             .max = 1000});
}

struct CoalitionActions {
  GroupAction new_group{ActionTerms{true, 6, 0, 300000, 0, 0.5}};
  GroupAction mens_group{
      ActionTerms{true, 6, 0, 300000, 0, 1.5}, "sports", 30, Schedule::kWeekly, 3, 3.0, 0.3};
  VolunteerAction volunteers;
  OutreachAction outreach;
  MobileShopAction mobile_shop;
};

template <class V>
void visit(V& v, CoalitionActions& p) {
  GroupActionSection new_group{p.new_group, false};
  v.section("new_group", new_group);
  GroupActionSection mens_group{p.mens_group, true};
  v.section("mens_group", mens_group);
  v.section("volunteers", p.volunteers);
  v.section("outreach", p.outreach);
  v.section("mobile_shop", p.mobile_shop);
}

/// One municipality's coalition support (type: coalition_support).
struct CoalitionSupportParams {
  CoalitionArm arm = CoalitionArm::kSupported;
  CoalitionProcess process;
  CoalitionActions actions;
};

template <class V>
void visit(V& v, CoalitionSupportParams& p) {
  v.choice("arm", p.arm, kCoalitionArmChoices,
           {.doc = "supported: the diagnosis data and help to hold intersectoral meetings; "
                   "data_only: the data alone (the trial's control arm)"});
  v.section("process", p.process);
  v.section("actions", p.actions);
}

}  // namespace salonsim::models
