#pragma once
// The town's community groups as one whole: every kind the scenario lists (groups.kinds), each
// a CommunityGroups module with its own GroupActivity, joined by the venues that groups
// interventions open; and participation in any group (the coalition trial's outcome).
#include <memory>
#include <vector>

#include "models/groups/group_params.hpp"
#include "sim/module.hpp"
#include "sim/outcomes.hpp"

namespace salonsim::models {

struct Scenario;
class BuildContext;
class CommunityGroups;

/// The kinds a scenario has: the town's (groups.kinds) and those only groups interventions
/// open, each once, in the order of kGroupKindChoices.
std::vector<GroupKind> kinds_in(const Scenario& scenario);

/// The groups of a kind in a scenario's town, with the town's participation (groups.<kind>,
/// groups.join_odds_ratio) and setting. `from_nothing`: no venues and no members until some
/// are opened (a kind the town does not have, or groups a coalition starts).
std::unique_ptr<CommunityGroups> groups_of_kind(const Scenario& scenario, GroupKind kind,
                                                bool from_nothing,
                                                std::vector<NewGroupsParams> opened = {});

/// Adds the groups of every kind the scenario has (kinds_in), and AnyGroup when there are any.
void add_community_groups(BuildContext& context);

/// The name of the timeseries indicator and tally of residents in a group of any kind.
inline constexpr std::string_view kAnyGroupMembers = "any_group_members";

/// Counts residents who belong to a group of any kind (salons included), after every kind has
/// registered its membership: a timeseries indicator and a tally.
class AnyGroup final : public Module {
 public:
  explicit AnyGroup(std::vector<GroupKind> kinds) : kinds_(std::move(kinds)) {}
  /// Counts membership of groups beyond the kinds' own (e.g. a coalition's): the name of their
  /// membership column. Call before init.
  void count_members_of(std::string column) { more_.push_back(std::move(column)); }
  std::string_view name() const override { return "any_group"; }
  Phase phase() const override { return Phase::kAccess; }
  void init(Simulation& sim) override;
  void step(Simulation&, std::int64_t) override {}

 private:
  std::vector<GroupKind> kinds_;
  std::vector<std::string> more_;
  std::vector<Column<std::uint8_t>> members_;
};

/// Participation outcomes: by kind (members alive at the end) and in any group.
std::vector<Outcome> group_outcomes();

}  // namespace salonsim::models
