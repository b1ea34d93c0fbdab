#include "models/groups/town_groups.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "models/groups/activity.hpp"
#include "models/groups/groups.hpp"
#include "models/scenario.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

namespace {

/// The groups interventions that open venues of a kind.
std::vector<NewGroupsParams> opened_of(const Scenario& scenario, GroupKind kind) {
  std::vector<NewGroupsParams> opened;
  for (const InterventionSpec& spec : scenario.interventions) {
    if (const auto* groups = std::get_if<NewGroupsParams>(&spec);
        groups != nullptr && group_kind_of(groups->kind) == kind)
      opened.push_back(*groups);
  }
  return opened;
}

}  // namespace

std::vector<GroupKind> kinds_in(const Scenario& scenario) {
  const std::vector<GroupKind> town = scenario.groups.listed_kinds();
  std::vector<GroupKind> kinds;
  for (const auto& choice : kGroupKindChoices) {
    if (choice.value == GroupKind::kSalon) continue;
    const bool listed = std::find(town.begin(), town.end(), choice.value) != town.end();
    if (listed || !opened_of(scenario, choice.value).empty()) kinds.push_back(choice.value);
  }
  return kinds;
}

std::unique_ptr<CommunityGroups> groups_of_kind(const Scenario& scenario, GroupKind kind,
                                                bool from_nothing,
                                                std::vector<NewGroupsParams> opened) {
  GroupParams params = scenario.groups.of(kind);
  params.participation.join_odds *= scenario.groups.join_odds_ratio;
  // Fewer or more venues of the kind (a count that rounds to none means none, not the
  // default density that a count of 0 stands for).
  params.placement.venues_per_100k *= scenario.groups.venues_ratio;
  if (params.placement.count > 0) {
    params.placement.count = static_cast<std::int32_t>(
        std::lround(params.placement.count * scenario.groups.venues_ratio));
    if (params.placement.count == 0) params.placement.venues_per_100k = 0;
  }
  if (from_nothing) {
    params.venues.clear();
    params.placement.rule = PlacementRule::kNone;
    params.members_at_start = MembersAtStart::kNone;
  }
  const TurnoverParams& turnover = scenario.network.turnover;
  return std::make_unique<CommunityGroups>(
      kind, std::move(params), scenario.town, std::move(opened),
      groups_setting(scenario.town, turnover.enabled ? turnover.acquaintances_fade_per_year : 0.0));
}

void add_community_groups(BuildContext& context) {
  const Scenario& scenario = context.scenario();
  const std::vector<GroupKind> town = scenario.groups.listed_kinds();
  const std::vector<GroupKind> kinds = kinds_in(scenario);
  for (const GroupKind kind : kinds) {
    // A kind the town does not have: only the venues the interventions open, from nobody.
    const bool the_towns = std::find(town.begin(), town.end(), kind) != town.end();
    context.simulation().add_module(
        groups_of_kind(scenario, kind, !the_towns, opened_of(scenario, kind)));
    context.simulation().add_module(
        std::make_unique<GroupActivity>(kind, scenario.groups.of(kind).effects));
  }
  if (!kinds.empty()) context.simulation().add_module(std::make_unique<AnyGroup>(kinds));
}

void AnyGroup::init(Simulation& sim) {
  Population& p = sim.population();
  // Salons count as a group when the scenario has them (their membership column exists).
  std::vector<GroupKind> kinds = kinds_;
  if (p.columns.find<std::uint8_t>(group_column(GroupKind::kSalon, "{}_member")).valid())
    kinds.push_back(GroupKind::kSalon);
  // The membership columns, OR-ed without a branch: whether a resident belongs to one kind says
  // little about the next, so a loop that stops at the first would mispredict often. Always all
  // sixteen, the slots beyond the columns repeating the first (x | x is x): a loop of fixed
  // length is unrolled, and the record's loop over residents vectorises.
  struct AnyOf {
    std::array<const std::uint8_t*, 16> member{};
    std::size_t count = 0;
    bool operator()(ResidentId i) const {
      std::uint8_t belongs = 0;
      for (const std::uint8_t* column : member) belongs |= column[i];
      return belongs != 0;
    }
  } any;
  const auto add = [&](Column<std::uint8_t> column) {
    members_.push_back(column);
    if (!column.valid()) return;
    if (any.count == any.member.size()) throw std::length_error("too many kinds of group");
    any.member[any.count++] = p[column].data();
  };
  // Registered by each kind's CommunityGroups, which init before this (interventions phase).
  for (const GroupKind kind : kinds)
    add(p.columns.find<std::uint8_t>(group_column(kind, "{}_member")));
  for (const std::string& name : more_) add(p.columns.find<std::uint8_t>(name));
  if (any.count == 0)
    throw std::logic_error("any group: no kind of group has registered its members' column");
  for (std::size_t k = any.count; k < any.member.size(); ++k) any.member[k] = any.member[0];
  sim.timeseries().declare(std::string(kAnyGroupMembers),
                           "residents alive at the end of the step who belong to a group of any "
                           "kind (salons included)",
                           [any](const Population& pop, ResidentId i, std::int64_t) {
                             return ((pop.alive[i] != 0) & any(i)) !=
                                    0;  // & rather than &&: no branch
                           });
  sim.tallies().add({std::string(kAnyGroupMembers),
                     "residents alive at the end who belong to a group of any kind",
                     [&p, any](ResidentId i) { return p.alive[i] && any(i) ? 1.0 : 0.0; }});
}

std::vector<Outcome> group_outcomes() {
  std::vector<Outcome> outcomes{{.name = "group_participation",
                                 .description = "share of residents alive at the end who belong "
                                                "to a group of any kind (salons included)",
                                 .numerator = std::string(kAnyGroupMembers),
                                 .denominator = std::string(tally::kAliveAtEnd),
                                 .summary_heading = "in@group",
                                 .table_heading = "in a group %",
                                 .table_scale = 100}};
  for (const auto& choice : kGroupKindChoices) {
    if (choice.value == GroupKind::kSalon) continue;
    const std::string kind(choice.name);
    outcomes.push_back(
        {.name = kind + "_participation",
         .description = "share of residents alive at the end who belong to a " + kind + " group",
         .numerator = group_column(choice.value, "{}_members"),
         .denominator = std::string(tally::kAliveAtEnd),
         .table_heading = kind + " %",
         .table_scale = 100});
  }
  return outcomes;
}

}  // namespace salonsim::models
