#pragma once
// Parameters of community groups of every kind (sports, hobby, volunteer, senior club,
// neighbourhood association, community salon): where the venues are, when they meet, who joins
// and who stops, and what taking part does. One set of tables for every kind; each kind has its
// own defaults (group_defaults), with their sources.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/town/town_params.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::models {

/// The kinds of community group (JAGES and the Cabinet Office surveys ask about these).
enum class GroupKind : std::uint8_t {
  kSports = 0,
  kHobby = 1,
  kVolunteer = 2,
  kSeniorClub = 3,
  kNeighbourhoodAssociation = 4,
  kSalon = 5,
};
inline constexpr std::array<Choice<GroupKind>, 6> kGroupKindChoices{
    {{"sports", GroupKind::kSports},
     {"hobby", GroupKind::kHobby},
     {"volunteer", GroupKind::kVolunteer},
     {"senior_club", GroupKind::kSeniorClub},
     {"neighbourhood_association", GroupKind::kNeighbourhoodAssociation},
     {"salon", GroupKind::kSalon}}};
/// The kind's name in scenarios and in column names (e.g. member_sports).
constexpr std::string_view group_kind_name(GroupKind kind) {
  for (const auto& choice : kGroupKindChoices)
    if (choice.value == kind) return choice.name;
  return "unknown";
}

/// The source of a parameter of a kind's participation or effects: `salon` for salons, the
/// kind's own citation or assumption otherwise (group_params.cpp).
std::string_view group_source(GroupKind kind, std::string_view key, std::string_view salon);

enum class Schedule : std::uint8_t { kWeekly = 0, kFortnightly = 1, kMonthly = 2 };
inline constexpr std::array<Choice<Schedule>, 3> kScheduleChoices{
    {{"weekly", Schedule::kWeekly},
     {"fortnightly", Schedule::kFortnightly},
     {"monthly", Schedule::kMonthly}}};
/// Days between sessions (monthly: every four weeks).
constexpr int schedule_period_days(Schedule schedule) {
  return schedule == Schedule::kWeekly ? 7 : schedule == Schedule::kFortnightly ? 14 : 28;
}

enum class Programme : std::uint8_t { kSocial = 0, kExercise = 1, kHobby = 2, kMixed = 3 };
inline constexpr std::array<Choice<Programme>, 4> kProgrammeChoices{
    {{"social", Programme::kSocial},
     {"exercise", Programme::kExercise},
     {"hobby", Programme::kHobby},
     {"mixed", Programme::kMixed}}};

/// One venue. Placed at `location_m`, or at the centre of `district` when location_m is empty.
struct Venue {
  GroupKind kind = GroupKind::kSalon;  // whose sources the dictionary shows (not a key)
  std::string name = "salon";
  std::vector<double> location_m;
  std::string district;
  Schedule schedule = Schedule::kFortnightly;
  std::int32_t weekday = 2;
  std::int32_t capacity = 50;
  std::int32_t opens_step = 0;
  std::int32_t closes_step = -1;
  double fee_yen = 100;
  std::int32_t volunteers = 5;
  Programme programme = Programme::kMixed;
  double yearly_cost_yen = 300000;
  double join_or_men = 1;
};

template <class V>
void visit(V& v, Venue& p) {
  const auto src = [&p](std::string_view key, std::string_view salon) {
    return group_source(p.kind, key, salon);
  };
  v.text("name", p.name, {.doc = "venue name, used in reports"});
  v.numbers("location_m", p.location_m,
            {.unit = "m", .doc = "[x, y] on the town map; [] to use the district centre"});
  v.rule("location_m", p.location_m.empty() || p.location_m.size() == 2,
         "expected [x, y] or [] (then district is used)");
  v.text("district", p.district,
         {.doc = "name of the district whose centre hosts the venue, if location_m is []"});

  v.choice("schedule", p.schedule, kScheduleChoices,
           {.doc = "how often it meets", .source = src("schedule", "")});
  v.integer("weekday", p.weekday,
            {.doc = "day of the week it meets (0 = the weekday of step 0)", .min = 0, .max = 6});
  v.integer("capacity", p.capacity,
            {.unit = "people",
             .doc = "places at one session",
             .source = src("capacity", ""),
             .min = 1,
             .max = 100000});
  v.integer("opens_step", p.opens_step,
            {.unit = "step", .doc = "first step it can meet", .min = 0});
  v.integer("closes_step", p.closes_step,
            {.unit = "step", .doc = "step from which it no longer meets; -1 never", .min = -1});
  v.rule("closes_step", p.closes_step < 0 || p.closes_step > p.opens_step,
         "must be after opens_step, or -1");
  v.number("fee_yen", p.fee_yen,
           {.unit = "yen",
            .doc = "fee per session",
            .source = src("fee_yen", "Taketoyo salons charge about 100 yen (SCIENCE.md)"),
            .min = 0});
  v.integer("volunteers", p.volunteers,
            {.unit = "people",
             .doc = "volunteer organisers, who invite residents",
             .min = 0,
             .max = 1000});
  v.number("yearly_cost_yen", p.yearly_cost_yen,
           {.unit = "yen/year",
            .doc = "running cost of the venue while open (room, materials, volunteer support)",
            .source = src("yearly_cost_yen",
                          "assumption: municipal kayoinoba subsidies are typically a few hundred "
                          "thousand yen a year per venue"),
            .min = 0});
  v.choice("programme", p.programme, kProgrammeChoices,
           {.doc = "programme type (recorded; does not yet change effects)"});
  v.number("join_or_men", p.join_or_men,
           {.unit = "odds ratio",
            .doc = "joining this venue, men against the kind's usual odds (above 1: a programme "
                   "aimed at men, such as a men's cooking class or a men's walking group)",
            .source = "assumption: no published estimate of how much men-oriented programmes "
                      "raise men's uptake; sweep 1-3",
            .min = 0,
            .min_exclusive = true,
            .max = 100});
}

enum class PlacementRule : std::uint8_t { kNone = 0, kDistrictCentres = 1, kGaps = 2 };
inline constexpr std::array<Choice<PlacementRule>, 3> kPlacementChoices{
    {{"none", PlacementRule::kNone},
     {"district_centres", PlacementRule::kDistrictCentres},
     {"gaps", PlacementRule::kGaps}}};

/// Venues placed by a rule, in addition to the listed ones.
struct Placement {
  GroupKind kind = GroupKind::kSalon;  // whose sources the dictionary shows (not a key)
  PlacementRule rule = PlacementRule::kNone;
  double venues_per_100k = 366;
  std::int32_t count = 0;
  double coverage_radius_m = 350;
  std::int32_t first_opens_step = 0;
  std::int32_t opening_interval_steps = 0;
  Venue template_venue;
};

template <class V>
void visit(V& v, Placement& p) {
  const auto src = [&p](std::string_view key, std::string_view salon) {
    return group_source(p.kind, key, salon);
  };
  v.choice("rule", p.rule, kPlacementChoices,
           {.doc = "none; one venue at each district centre; or 'gaps': one at a time where the "
                   "most residents have no venue within coverage_radius_m",
            .source = src("rule", "")});
  v.number("venues_per_100k", p.venues_per_100k,
           {.unit = "per 100,000 aged 65+",
            .doc = "venues for the 'gaps' rule when count is 0",
            .source = src("venues_per_100k", "MHLW survey 2019: 366 venues per 100,000 aged 65+"),
            .min = 0,
            .max = 100000});
  v.integer("count", p.count,
            {.unit = "venues",
             .doc = "venues for the 'gaps' rule (0: from venues_per_100k)",
             .min = 0,
             .max = 100000});
  v.number("coverage_radius_m", p.coverage_radius_m,
           {.unit = "m",
            .doc = "a resident is served by a venue within this distance ('gaps' rule)",
            .source = src("coverage_radius_m", "Hikichi et al. 2015 use salons within 350 m"),
            .min = 0,
            .min_exclusive = true});
  v.integer("first_opens_step", p.first_opens_step,
            {.unit = "step", .doc = "step the first placed venue opens", .min = 0});
  v.integer("opening_interval_steps", p.opening_interval_steps,
            {.unit = "steps",
             .doc = "placed venues open one after another this many steps apart",
             .min = 0});
  v.section("venue", p.template_venue);
}

/// Who joins, who keeps coming, who drops out. Odds ratios act on the odds of joining at a
/// session a resident could reach.
struct Participation {
  GroupKind kind = GroupKind::kSalon;  // whose sources the dictionary shows (not a key)
  double join_odds = 0.0075;
  double propensity_sd = 2.0;
  double joiner_weight = 0;
  double or_women = 3.5;
  double or_low_income = 1.35;
  double or_lives_alone = 1.0;
  double or_isolated = 0.7;
  double or_certified = 0.35;
  double or_age_75_84 = 2.5;
  double or_age_85_plus = 1.0;
  double frailty_log_or = -2.5;
  double or_per_friend_attending = 1.2;
  std::int32_t max_friends_counted = 3;
  double or_invited = 3.0;
  double invitations_per_volunteer = 0.4;
  double or_per_100_yen = 0.9;
  double attend_probability = 0.85;
  double quit_probability = 0.008;
  double quit_or_certified = 2.0;
  double lifts_access = 0.5;
  double drives_access = 0.8;
  double beyond_walking_decay_m = 250;
};

template <class V>
void visit(V& v, Participation& p) {
  const auto src = [&p](std::string_view key, std::string_view salon) {
    return group_source(p.kind, key, salon);
  };
  const auto odds_ratio = [&](std::string_view key, double& value, std::string_view doc,
                              std::string_view source) {
    v.number(key, value,
             {.unit = "odds ratio", .doc = doc, .source = source, .min = 0, .min_exclusive = true});
  };
  v.number("join_odds", p.join_odds,
           {.unit = "odds per session",
            .doc = "odds that a man aged 65-74 in the reference group who can walk there joins at "
                   "one session",
            .source = src("join_odds",
                          "calibrated: about 10% of older residents attend by year 1 and 20% ever "
                          "within 5 years (Taketoyo; Ichida 2013, Hikichi 2017)"),
            .min = 0,
            .min_exclusive = true,
            .max = 1});
  v.number(
      "propensity_sd", p.propensity_sd,
      {.doc = "standard deviation of a resident's log propensity to join (drawn once; some people "
              "are joiners), so that uptake saturates",
       .source = src("propensity_sd",
                     "calibrated: 10% by year 1 against 20% ever within 5 years (Taketoyo)"),
       .min = 0,
       .max = 5});
  v.number("joiner_weight", p.joiner_weight,
           {.doc = "share of the variance of the log propensity that is the resident's general "
                   "inclination to join groups, shared by every kind with a weight above 0 (the "
                   "rest is particular to this kind): joiners belong to several kinds at once",
            .source = src("joiner_weight",
                          "calibrated: participation in any group (Cabinet Office 2003: men 57.5%, "
                          "women 52.6%) against the sum of the kinds"),
            .min = 0,
            .max = 1});
  odds_ratio("or_women", p.or_women, "joining, women against men",
             src("or_women",
                 "calibrated: about 80% of kayoinoba participants are women (MHLW survey 2019)"));
  odds_ratio(
      "or_low_income", p.or_low_income, "joining, low against high income",
      src("or_low_income",
          "calibrated: participants more often low-income, 53.2% vs 46.3% (Hikichi WCE 2014)"));
  odds_ratio("or_lives_alone", p.or_lives_alone, "joining, living alone against not",
             src("or_lives_alone", "assumption"));
  odds_ratio("or_isolated", p.or_isolated, "joining, isolated against not",
             src("or_isolated", "assumption: isolated people are harder to reach"));
  odds_ratio("or_certified", p.or_certified, "joining, LTC-certified against independent",
             src("or_certified", "assumption"));
  odds_ratio(
      "or_age_75_84", p.or_age_75_84, "joining, aged 75-84 against 65-74",
      src("or_age_75_84", "calibrated: about 70% of participants are 75+ (MHLW survey 2019)"));
  odds_ratio("or_age_85_plus", p.or_age_85_plus, "joining, aged 85+ against 65-74",
             src("or_age_85_plus", "assumption"));
  v.number("frailty_log_or", p.frailty_log_or,
           {.doc = "log odds ratio of joining per unit of frailty (frail people join less: "
                   "healthy-participant selection)",
            .source = src("frailty_log_or", "assumption"),
            .min = -20,
            .max = 20});
  odds_ratio("or_per_friend_attending", p.or_per_friend_attending,
             "joining, per tie who attended in the last four weeks",
             src("or_per_friend_attending", "assumption: friends bring friends"));
  v.integer("max_friends_counted", p.max_friends_counted,
            {.unit = "ties",
             .doc = "attending ties counted at most",
             .source = src("max_friends_counted", "assumption"),
             .min = 0,
             .max = 100});
  odds_ratio("or_invited", p.or_invited, "joining, when invited by a volunteer this session",
             src("or_invited", "assumption"));
  v.number("invitations_per_volunteer", p.invitations_per_volunteer,
           {.unit = "per session",
            .doc = "residents each volunteer invites per session, among non-members who can reach "
                   "the venue",
            .source = src("invitations_per_volunteer", "assumption"),
            .min = 0});
  odds_ratio("or_per_100_yen", p.or_per_100_yen, "joining, per 100 yen of fee",
             src("or_per_100_yen", "assumption"));
  v.number("attend_probability", p.attend_probability,
           {.unit = "probability",
            .doc = "a member comes to a session (times access)",
            .source = src("attend_probability", "assumption"),
            .min = 0,
            .max = 1});
  v.number("quit_probability", p.quit_probability,
           {.unit = "per session",
            .doc = "a member stops coming",
            .source = src(
                "quit_probability",
                "calibrated: participation about 12% by year 6 against 20% ever (Hikichi 2017)"),
            .min = 0,
            .max = 1});
  odds_ratio("quit_or_certified", p.quit_or_certified,
             "quitting, certified against independent (relative risk)",
             src("quit_or_certified", "assumption"));
  v.number("lifts_access", p.lifts_access,
           {.doc = "access of a resident beyond walking range who gets lifts (1 = as if walking)",
            .source = src("lifts_access", "assumption"),
            .min = 0,
            .max = 1});
  v.number("drives_access", p.drives_access,
           {.doc = "access of a resident beyond walking range who drives",
            .source = src("drives_access", "assumption"),
            .min = 0,
            .max = 1});
  v.number("beyond_walking_decay_m", p.beyond_walking_decay_m,
           {.unit = "m",
            .doc = "without car or lift, access falls as exp(-(distance - walking range) / this)",
            .source = src("beyond_walking_decay_m",
                          "assumption; see Hikichi 2015: each salon within 350 m raises visits"),
            .min = 0,
            .min_exclusive = true});
}

/// What attending does.
struct GroupEffects {
  GroupKind kind = GroupKind::kSalon;  // whose sources the dictionary shows (not a key)
  double contacts_per_session = 1.0;
  double max_decline_reduction = 0.8;
  double half_effect_sessions_per_year = 8;
  double recency_weeks = 8;
  double new_tie_probability = 0.04;
  double new_tie_contacts_per_week = 0.5;
  double max_death_reduction = 0;
};

template <class V>
void visit(V& v, GroupEffects& p) {
  const auto src = [&p](std::string_view key, std::string_view salon) {
    return group_source(p.kind, key, salon);
  };
  v.number(
      "contacts_per_session", p.contacts_per_session,
      {.unit = "contacts",
       .doc =
           "contacts with others that one session gives (spread over the weeks between sessions)",
       .source = "assumption",
       .min = 0});
  v.number(
      "max_decline_reduction", p.max_decline_reduction,
      {.doc = "largest fractional reduction of the certification hazard (functional decline) "
              "for regular attendance",
       .source = src("max_decline_reduction",
                     "calibrated: observed HR 0.49 (0.33-0.72), IV 0.50 (Hikichi et al. 2015)"),
       .min = 0,
       .max = 1});
  v.number("half_effect_sessions_per_year", p.half_effect_sessions_per_year,
           {.unit = "sessions/year",
            .doc = "recent attendance that gives half the largest reduction (dose-response)",
            .source = src("half_effect_sessions_per_year", "assumption"),
            .min = 0,
            .min_exclusive = true});
  v.number("recency_weeks", p.recency_weeks,
           {.unit = "weeks",
            .doc = "time scale of the running average of attendance",
            .source = src("recency_weeks", "assumption"),
            .min = 1});
  v.number("new_tie_probability", p.new_tie_probability,
           {.unit = "per session",
            .doc = "an attendee befriends another attendee",
            .source = src("new_tie_probability", "assumption"),
            .min = 0,
            .max = 1});
  v.number("new_tie_contacts_per_week", p.new_tie_contacts_per_week,
           {.unit = "1/week",
            .doc = "contacts on a tie made at a session, outside sessions",
            .source = src("new_tie_contacts_per_week", "assumption"),
            .min = 0});
  v.number("max_death_reduction", p.max_death_reduction,
           {.doc = "largest fractional reduction of the death hazard for regular attendance "
                   "(same dose-response as decline)",
            .source = src("max_death_reduction",
                          "assumption: no causal estimate for salons (Hikichi et al. 2015 report "
                          "disability only); 0 keeps the calibrated salon effect on decline alone"),
            .min = 0,
            .max = 1});
}

/// The listed venues (each needs a place) and the placement rule, as groups and the groups
/// intervention hold them.
template <class V>
void visit_venues(V& v, std::vector<Venue>& venues, Placement& placement) {
  v.list("venues", venues, {.doc = "listed venues"});
  for (const Venue& venue : venues) {
    v.rule("venues", !venue.location_m.empty() || !venue.district.empty(),
           "venue '" + venue.name + "' needs location_m or district");
  }
  v.section("placement", placement);
}

enum class MembersAtStart : std::uint8_t { kNone = 0, kStationary = 1 };
inline constexpr std::array<Choice<MembersAtStart>, 2> kMembersAtStartChoices{
    {{"none", MembersAtStart::kNone}, {"stationary", MembersAtStart::kStationary}}};

/// Groups of one kind in the town: venues, who joins, what taking part does.
struct GroupParams {
  std::vector<Venue> venues;
  Placement placement;
  Participation participation;
  GroupEffects effects;
  MembersAtStart members_at_start = MembersAtStart::kNone;
};

template <class V>
void visit(V& v, GroupParams& p) {
  visit_venues(v, p.venues, p.placement);
  v.section("participation", p.participation);
  v.section("effects", p.effects);
  v.choice("members_at_start", p.members_at_start, kMembersAtStartChoices,
           {.doc = "who belongs at step 0: nobody (groups that open with the scenario), or "
                   "members drawn from the joining and stopping rates' steady state (groups that "
                   "already exist; entrants join the same way when they turn 65)",
            .source = group_source(p.placement.kind, "members_at_start",
                                   "salons open with the scenario: nobody belongs before")});
}

/// The kind of this name, if any.
std::optional<GroupKind> group_kind_of(std::string_view name);

/// "'name' is not a kind of group: one of ...; did you mean ...?"
std::string unknown_group_kind_message(const std::string& name);

/// The defaults of a kind, each with its source in the parameter dictionary.
GroupParams group_defaults(GroupKind kind);

/// The groups that exist in the town from the start, kind by kind (every kind unless kinds says
/// otherwise: the baseline's calibration assumes them).
struct TownGroups {
  std::vector<std::string> kinds{"sports", "hobby", "volunteer", "senior_club",
                                 "neighbourhood_association"};
  GroupParams sports = group_defaults(GroupKind::kSports);
  GroupParams hobby = group_defaults(GroupKind::kHobby);
  GroupParams volunteer = group_defaults(GroupKind::kVolunteer);
  GroupParams senior_club = group_defaults(GroupKind::kSeniorClub);
  GroupParams neighbourhood_association = group_defaults(GroupKind::kNeighbourhoodAssociation);
  double join_odds_ratio = 1;
  double venues_ratio = 1;

  /// The kinds listed, in order (names that are no kind are skipped: validation reports them).
  std::vector<GroupKind> listed_kinds() const;
  /// The parameters of a kind (not salon: salons come with the salons intervention).
  const GroupParams& of(GroupKind kind) const;
  GroupParams& of(GroupKind kind) {
    return const_cast<GroupParams&>(static_cast<const TownGroups&>(*this).of(kind));
  }
};

template <class V>
void visit(V& v, TownGroups& p) {
  v.texts("kinds", p.kinds,
          {.doc = "kinds of group the town has from the start, each once (salons come with the "
                  "salons intervention); [] for none. Every kind by default: the isolation, "
                  "certification and mortality calibrations assume the town's groups",
           .source = "Cabinet Office surveys of older people (2003, 2013) and JAGES ask about "
                     "these kinds; the town takes part in them at the brief's rates"});
  for (std::size_t k = 0; k < p.kinds.size(); ++k) {
    const std::string key = "kinds" + params::index_key(k);
    const std::optional<GroupKind> kind = group_kind_of(p.kinds[k]);
    v.rule(key, kind.has_value(), unknown_group_kind_message(p.kinds[k]));
    v.rule(key, kind != GroupKind::kSalon,
           "salons are not one of the town's standing groups: add a salons intervention");
    for (std::size_t j = 0; j < k; ++j)
      v.rule(key, p.kinds[j] != p.kinds[k], "lists '" + p.kinds[k] + "' twice");
  }
  v.section("sports", p.sports, {.optional = true});
  v.section("hobby", p.hobby, {.optional = true});
  v.section("volunteer", p.volunteer, {.optional = true});
  v.section("senior_club", p.senior_club, {.optional = true});
  v.section("neighbourhood_association", p.neighbourhood_association, {.optional = true});
  v.number("join_odds_ratio", p.join_odds_ratio,
           {.unit = "odds ratio",
            .doc = "joining any of the town's standing groups, this town against the kinds' "
                   "defaults (communities differ; a region's municipalities vary it)",
            .source = "assumption: JAGES finds sports-group participation from 0 to 57% across "
                      "communities (Tsuji et al. 2019); sweep 0.5-2",
            .min = 0,
            .min_exclusive = true,
            .max = 100});
  v.number("venues_ratio", p.venues_ratio,
           {.unit = "ratio",
            .doc = "venues of every standing kind placed by the 'gaps' rule, this town against "
                   "the kinds' venues_per_100k or count (resources are scarce in sparse areas)",
            .source = "assumption: no count of groups by area; sweep 0.25-2",
            .min = 0,
            .max = 100});
}

/// Venues a groups intervention opens: listed, and placed by a rule.
struct GroupOpening {
  std::vector<Venue> venues;
  Placement placement;
};

template <class V>
void visit(V& v, GroupOpening& p) {
  visit_venues(v, p.venues, p.placement);
}

/// New groups of a kind that a scenario opens (the groups intervention), joined to the town's
/// groups of that kind (its participation and effects).
struct NewGroupsParams {
  std::string kind = "hobby";
  GroupOpening opens;
};

template <class V>
void visit(V& v, NewGroupsParams& p) {
  v.text("kind", p.kind,
         {.doc = "kind of the new groups: sports, hobby, volunteer, senior_club or "
                 "neighbourhood_association (their participation and effects are the town's "
                 "groups.<kind>)"});
  const std::optional<GroupKind> kind = group_kind_of(p.kind);
  v.rule("kind", kind.has_value(), unknown_group_kind_message(p.kind));
  v.rule("kind", kind != GroupKind::kSalon, "new salons are a salons intervention");
  v.section("opens", p.opens);
}

}  // namespace salonsim::models
