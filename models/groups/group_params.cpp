#include "models/groups/group_params.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "sim/params/diagnostics.hpp"

namespace salonsim::models {

namespace {

struct KindSource {
  GroupKind kind;
  std::string_view key, source;
};

// Where a kind's default differs in origin from the salons' (whose sources stay in the visit).
// Keys not listed for a kind are assumptions shared by every kind.
constexpr KindSource kKindSources[] = {
    // Sports and exercise groups.
    {GroupKind::kSports, "join_odds",
     "calibrated: 28.5% of men and 22.9% of women take part in health or sports activities "
     "(Cabinet Office survey of people 60+, 2003; JAGES monthly sports groups 25-28%, Tsuji et "
     "al. 2019, 2024), at the start of scenarios/town.yaml"},
    {GroupKind::kSports, "or_women", "calibrated: men 28.5%, women 22.9% (Cabinet Office 2003)"},
    {GroupKind::kSports, "or_low_income",
     "assumption: sports and hobby groups draw more from high incomes (Ukawa et al. 2020; sports "
     "volunteering 6.9% below vs 8.7% above US$40k, Tsuji et al. 2022); sweep 0.6-1"},
    {GroupKind::kSports, "or_age_75_84",
     "assumption: participation falls with age (Cabinet Office 2003: willing to take part 55.6% "
     "at 60-64, 28.1% at 80+); sweep 0.4-1"},
    {GroupKind::kSports, "or_age_85_plus", "assumption: as or_age_75_84; sweep 0.2-0.8"},
    {GroupKind::kSports, "quit_probability",
     "assumption: members stay about six years on average (no published stopping rate; sweep "
     "3-12 years)"},
    {GroupKind::kSports, "max_decline_reduction",
     "calibrated: the emulated association lands near the observed HR of sports groups on "
     "disability, 0.66 (0.51-0.85) (Ashida et al. 2016; Kanamori et al. 2014: 0.64); the causal "
     "part is smaller than the association (healthy joiners); sweep 0-0.5"},
    {GroupKind::kSports, "max_death_reduction",
     "calibrated: emulated association near the death HR of sports groups, 0.71 (Abe et al. "
     "2023, frail adults); any group 0.78 (0.70-0.88) (Takahashi et al. 2019); sweep 0-0.4"},
    // Hobby groups.
    {GroupKind::kHobby, "join_odds",
     "calibrated: 20.6% of men and 28.0% of women take part in hobby activities (Cabinet Office "
     "2003), at the start of scenarios/town.yaml"},
    {GroupKind::kHobby, "or_women", "calibrated: men 20.6%, women 28.0% (Cabinet Office 2003)"},
    {GroupKind::kHobby, "or_low_income",
     "assumption: sports and hobby groups draw more from high incomes (Ukawa et al. 2020); "
     "sweep 0.6-1"},
    {GroupKind::kHobby, "or_age_75_84",
     "assumption: participation falls with age (Cabinet Office 2013: wish to join a hobby circle "
     "37.0%, 29.6%, 18.3% in the 60s, 70s, 80s); sweep 0.5-1"},
    {GroupKind::kHobby, "or_age_85_plus", "assumption: as or_age_75_84; sweep 0.3-0.9"},
    {GroupKind::kHobby, "quit_probability",
     "assumption: members stay about six years on average; sweep 3-12 years"},
    {GroupKind::kHobby, "max_decline_reduction",
     "calibrated: emulated association near the observed HR of hobby groups on disability, 0.69 "
     "(0.55-0.87) (Ashida et al. 2016; Kanamori et al. 2014: 0.75); sweep 0-0.5"},
    {GroupKind::kHobby, "max_death_reduction",
     "calibrated: emulated association near the death HR of hobby groups, 0.68 (Abe et al. "
     "2023, frail adults); sweep 0-0.4"},
    // Volunteer groups.
    {GroupKind::kVolunteer, "join_odds",
     "calibrated: 10.6% take part in volunteer groups on average across communities (Tamura et "
     "al. 2021, JAGES 2013), at the start of scenarios/town.yaml"},
    {GroupKind::kVolunteer, "or_women",
     "calibrated: sports volunteering men 9.9%, women 5.4% (Tsuji et al. 2022); the brief gives "
     "no split by sex for all volunteering"},
    {GroupKind::kVolunteer, "or_low_income",
     "assumption: volunteering 6.9% below vs 8.7% above US$40k (Tsuji et al. 2022); sweep "
     "0.6-1"},
    {GroupKind::kVolunteer, "or_age_75_84",
     "assumption: sports volunteering 7.7-8.0% to age 79, 6.7% at 80-84, 5.0% at 85+ (Tsuji et "
     "al. 2022), with frailty falling further; sweep 0.6-1"},
    {GroupKind::kVolunteer, "or_age_85_plus", "assumption: as or_age_75_84; sweep 0.3-0.9"},
    {GroupKind::kVolunteer, "quit_probability",
     "assumption: members stay about six years on average; sweep 3-12 years"},
    {GroupKind::kVolunteer, "max_decline_reduction",
     "assumption: no disability HR for volunteer groups in the brief; set like hobby groups' "
     "(Kanamori et al. 2014 report local organisations 0.85); sweep 0-0.4"},
    {GroupKind::kVolunteer, "max_death_reduction",
     "calibrated: emulated association near the death HR of volunteer groups, 0.69 (Abe et al. "
     "2023, frail adults); sweep 0-0.4"},
    // Senior clubs (roujin club).
    {GroupKind::kSeniorClub, "join_odds",
     "calibrated: about 12% of people 65+ belong to a senior club (4.38 million members in 2022, "
     "National Federation of Senior Clubs; a crude ratio, membership opens at 60), at the start "
     "of scenarios/town.yaml"},
    {GroupKind::kSeniorClub, "or_women",
     "assumption: most members are women (Hyogo prefecture report 2004); sweep 1-2"},
    {GroupKind::kSeniorClub, "or_low_income", "assumption: no income gradient; sweep 0.8-1.25"},
    {GroupKind::kSeniorClub, "or_age_75_84",
     "assumption: the one kind whose appeal rises with age (wish to join 4.7%, 12.3%, 22.0% in "
     "the 60s, 70s, 80+: Cabinet Office 2013); sweep 1.5-4"},
    {GroupKind::kSeniorClub, "or_age_85_plus", "assumption: as or_age_75_84; sweep 1.5-5"},
    {GroupKind::kSeniorClub, "quit_probability",
     "assumption: members stay about six years on average; sweep 3-12 years"},
    {GroupKind::kSeniorClub, "max_decline_reduction",
     "assumption: senior clubs are not among the kinds with a published disability HR; small "
     "effect; sweep 0-0.3"},
    {GroupKind::kSeniorClub, "max_death_reduction",
     "calibrated: emulated association near the death HR of senior clubs, 0.75 (Abe et al. "
     "2023, frail adults); sweep 0-0.4"},
    // Neighbourhood associations (chonaikai / jichikai) and their local events.
    {GroupKind::kNeighbourhoodAssociation, "join_odds",
     "calibrated: 24.9% of men and 15.4% of women take part in local events (Cabinet Office "
     "2003); membership is wider (26.7% belong, 2013), taking part is what is modelled; at the "
     "start of scenarios/town.yaml"},
    {GroupKind::kNeighbourhoodAssociation, "or_women",
     "calibrated: men 24.9%, women 15.4% (Cabinet Office 2003)"},
    {GroupKind::kNeighbourhoodAssociation, "or_low_income",
     "assumption: no income gradient; sweep 0.8-1.25"},
    {GroupKind::kNeighbourhoodAssociation, "or_age_75_84",
     "assumption: taking part falls a little with age; sweep 0.6-1.2"},
    {GroupKind::kNeighbourhoodAssociation, "or_age_85_plus",
     "assumption: as or_age_75_84; sweep 0.3-1"},
    {GroupKind::kNeighbourhoodAssociation, "quit_probability",
     "assumption: members stay about eight years on average; sweep 4-16 years"},
    {GroupKind::kNeighbourhoodAssociation, "max_decline_reduction",
     "calibrated: emulated association near the observed HR of local community organisations "
     "on disability, 0.85 (0.76-0.96) (Kanamori et al. 2014); sweep 0-0.3"},
    {GroupKind::kNeighbourhoodAssociation, "max_death_reduction",
     "assumption: no type-specific death HR published; small effect; sweep 0-0.2"},
};

struct SharedSource {
  std::string_view key, source;
};

// Shared by every kind but salons.
constexpr SharedSource kGroupSources[] = {
    {"propensity_sd", "assumption: residents differ in how readily they join; sweep 1-2.5"},
    {"joiner_weight",
     "calibrated: participation in any group, men 57.5%, women 52.6% (Cabinet Office 2003), "
     "given the kinds' own shares"},
    {"or_isolated", "assumption: isolated people are harder to reach"},
    {"or_certified",
     "assumption: certified residents rarely keep up group activities; sweep 0.1-0.5"},
    {"frailty_log_or",
     "assumption: frail people join less (healthy-participant selection, which makes the "
     "observed associations larger than the effects); sweep -4-0"},
    {"fee_yen", "assumption: a few hundred yen per session"},
    {"yearly_cost_yen",
     "assumption: the town's existing groups run on members' fees and cost the municipality "
     "nothing new (0); a scenario that opens groups sets what they cost"},
    {"schedule",
     "assumption: sports groups meet weekly, hobby and volunteer groups fortnightly, senior "
     "clubs and neighbourhood associations monthly (typical of such groups; no national "
     "count)"},
    {"rule",
     "assumption: the town's groups of each kind are spread so that most residents have one "
     "within coverage_radius_m"},
    {"members_at_start",
     "the town's groups exist when the scenario starts: their members are in the steady state "
     "of joining and stopping"},
    {"capacity",
     "assumption: places at one venue's sessions, all its groups together (a venue stands for "
     "the groups of the kind meeting in one neighbourhood)"},
    {"venues_per_100k",
     "assumption: enough groups that most residents have one within reach (no national count of "
     "groups of this kind)"},
    {"coverage_radius_m",
     "assumption: groups of each kind meet within about 600 m of most homes (placement only)"},
};

}  // namespace

std::string_view group_source(GroupKind kind, std::string_view key, std::string_view salon) {
  if (kind == GroupKind::kSalon) return salon;
  for (const KindSource& s : kKindSources)
    if (s.kind == kind && s.key == key) return s.source;
  for (const SharedSource& s : kGroupSources)
    if (s.key == key) return s.source;
  if (salon.starts_with("assumption")) return salon;
  return "assumption";
}

std::optional<GroupKind> group_kind_of(std::string_view name) {
  for (const auto& choice : kGroupKindChoices)
    if (choice.name == name) return choice.value;
  return std::nullopt;
}

std::string unknown_group_kind_message(const std::string& name) {
  std::vector<std::string> names;
  std::string all;
  for (const auto& choice : kGroupKindChoices) {
    if (choice.value == GroupKind::kSalon) continue;
    names.emplace_back(choice.name);
    all += (all.empty() ? "" : ", ") + std::string(choice.name);
  }
  std::string message = "'" + name + "' is not a kind of group: one of " + all;
  if (const std::string near = params::nearest_key(name, names); !near.empty())
    message += "; did you mean '" + near + "'?";
  return message;
}

GroupParams group_defaults(GroupKind kind) {
  GroupParams g;
  g.participation.kind = g.effects.kind = g.placement.kind = g.placement.template_venue.kind = kind;
  if (kind == GroupKind::kSalon) return g;  // the struct defaults are the salons'
  g.members_at_start = MembersAtStart::kStationary;
  Placement& placement = g.placement;
  placement.rule = PlacementRule::kGaps;
  placement.coverage_radius_m = 600;
  Venue& venue = placement.template_venue;
  venue.name = std::string(group_kind_name(kind)) + " group";
  venue.volunteers = 2;
  venue.fee_yen = 200;
  venue.yearly_cost_yen = 0;
  Participation& q = g.participation;
  q.propensity_sd = 1.5;
  q.joiner_weight = 0.44;
  q.or_isolated = 0.7;
  q.or_certified = 0.25;
  q.frailty_log_or = -2.0;
  q.or_per_friend_attending = 1.2;
  q.or_invited = 2.0;
  q.invitations_per_volunteer = 0.2;
  q.or_per_100_yen = 0.95;
  q.attend_probability = 0.8;
  q.quit_or_certified = 3.0;
  GroupEffects& e = g.effects;
  e.contacts_per_session = 0.5;
  e.new_tie_probability = 0.005;
  e.recency_weeks = 8;
  const auto per_session_quit = [](Schedule schedule, double years) {
    return schedule_period_days(schedule) / (365.25 * years);
  };
  switch (kind) {
    case GroupKind::kSports:
      venue.schedule = Schedule::kWeekly;
      venue.capacity = 150;
      venue.programme = Programme::kExercise;
      placement.venues_per_100k = 800;
      q.join_odds = 0.0069;
      q.or_women = 0.69;
      q.or_low_income = 0.8;
      q.or_age_75_84 = 0.65;
      q.or_age_85_plus = 0.35;
      e.max_decline_reduction = 0.4;
      e.half_effect_sessions_per_year = 12;
      e.max_death_reduction = 0.2;
      break;
    case GroupKind::kHobby:
      venue.schedule = Schedule::kFortnightly;
      venue.capacity = 150;
      venue.programme = Programme::kHobby;
      placement.venues_per_100k = 1000;
      q.join_odds = 0.0065;
      q.or_women = 1.98;
      q.or_low_income = 0.85;
      q.or_age_75_84 = 0.8;
      q.or_age_85_plus = 0.45;
      e.max_decline_reduction = 0.35;
      e.half_effect_sessions_per_year = 6;
      e.max_death_reduction = 0.2;
      break;
    case GroupKind::kVolunteer:
      venue.schedule = Schedule::kFortnightly;
      venue.capacity = 100;
      venue.programme = Programme::kSocial;
      placement.venues_per_100k = 400;
      q.join_odds = 0.0038;
      q.or_women = 0.55;
      q.or_low_income = 0.75;
      q.or_age_75_84 = 0.85;
      q.or_age_85_plus = 0.45;
      e.max_decline_reduction = 0.2;
      e.half_effect_sessions_per_year = 6;
      e.max_death_reduction = 0.2;
      break;
    case GroupKind::kSeniorClub:
      venue.schedule = Schedule::kMonthly;
      venue.capacity = 150;
      venue.programme = Programme::kMixed;
      venue.fee_yen = 100;
      placement.venues_per_100k = 300;
      q.join_odds = 0.0036;
      q.or_women = 1.3;
      q.or_low_income = 1.0;
      q.or_age_75_84 = 2.0;
      q.or_age_85_plus = 2.5;
      e.max_decline_reduction = 0.1;
      e.half_effect_sessions_per_year = 3;
      e.max_death_reduction = 0.15;
      break;
    case GroupKind::kNeighbourhoodAssociation:
      venue.schedule = Schedule::kMonthly;
      venue.capacity = 300;
      venue.programme = Programme::kSocial;
      venue.fee_yen = 0;
      placement.venues_per_100k = 250;
      q.join_odds = 0.0122;
      q.or_women = 0.41;
      q.or_low_income = 1.0;
      q.or_age_75_84 = 0.9;
      q.or_age_85_plus = 0.5;
      e.max_decline_reduction = 0.1;
      e.half_effect_sessions_per_year = 3;
      e.max_death_reduction = 0.05;
      break;
    case GroupKind::kSalon:
      break;
  }
  const double years = kind == GroupKind::kNeighbourhoodAssociation ? 8.0 : 6.0;
  q.quit_probability = per_session_quit(venue.schedule, years);
  return g;
}

std::vector<GroupKind> TownGroups::listed_kinds() const {
  std::vector<GroupKind> kinds;
  for (const std::string& name : this->kinds) {
    if (const std::optional<GroupKind> kind = group_kind_of(name);
        kind && *kind != GroupKind::kSalon)
      kinds.push_back(*kind);
  }
  return kinds;
}

const GroupParams& TownGroups::of(GroupKind kind) const {
  switch (kind) {
    case GroupKind::kSports:
      return sports;
    case GroupKind::kHobby:
      return hobby;
    case GroupKind::kVolunteer:
      return volunteer;
    case GroupKind::kSeniorClub:
      return senior_club;
    case GroupKind::kNeighbourhoodAssociation:
      return neighbourhood_association;
    case GroupKind::kSalon:
      break;
  }
  throw std::invalid_argument("salons are not one of the town's standing groups");
}

}  // namespace salonsim::models
