#pragma once
// Coalition support as an intervention type (type: coalition_support, at most one per
// scenario): see coalition.hpp for the mechanism and trial.hpp for the trial that compares the
// supported and data-only arms across municipalities.
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "models/coalition/coalition_params.hpp"
#include "models/groups/town_groups.hpp"
#include "models/intervention_registry.hpp"

namespace salonsim::models {

template <>
struct InterventionType<CoalitionSupportParams> {
  static constexpr std::string_view kName = "coalition_support";
  static constexpr std::string_view kDoc =
      "community-diagnosis data and coalition support for the municipality (arm: supported or "
      "data_only): meetings build capacity, which leads to new groups, men's groups, volunteers, "
      "outreach and a mobile shop where the diagnosis shows need";
  static constexpr int kMaxPerScenario = 1;
  static constexpr std::string_view kLimitHint = " (one municipality, one coalition)";

  template <class V, class S>
  static void check(V& v, const CoalitionSupportParams& p, const S& scenario,
                    const std::string& at) {
    const std::vector<GroupKind> kinds = kinds_in(scenario);
    const auto check_kind = [&](std::string_view action, const GroupAction& group) {
      if (!group.terms.enabled) return;
      std::vector<std::string> names;
      bool found = false;
      for (const GroupKind kind : kinds) {
        names.emplace_back(group_kind_name(kind));
        found = found || group_kind_name(kind) == group.kind;
      }
      v.rule(fmt::format("{}.actions.{}.kind", at, action), found,
             fmt::format(
                 "'{}' is not a group kind of this town; groups.kinds has: {}", group.kind,
                 names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
    };
    check_kind("new_group", p.actions.new_group);
    check_kind("mens_group", p.actions.mens_group);
  }
  static void build(BuildContext& context, const std::vector<const CoalitionSupportParams*>& all);
  static std::vector<Outcome> outcomes() { return {}; }
  static std::vector<ArmAnalysis> analyses() { return {}; }
};

}  // namespace salonsim::models
