#include "models/salons/salons_type.hpp"

#include "models/groups/activity.hpp"
#include "models/groups/groups.hpp"
#include "models/salons/study.hpp"
#include "models/scenario.hpp"

namespace salonsim::models {

void InterventionType<SalonsParams>::build(BuildContext& context,
                                           const std::vector<const SalonsParams*>& all) {
  for (const SalonsParams* salons : all) {
    context.simulation().add_module(
        std::make_unique<CommunityGroups>(GroupKind::kSalon, *salons, context.scenario().town));
  }
  // The effects of attendance, shared with the mobile shop's drop-by lunch salons.
  context.shared<SalonActivity>(
      [&] { return std::make_unique<SalonActivity>(all.front()->effects); });
}

std::vector<Outcome> InterventionType<SalonsParams>::outcomes() {
  return salon_outcomes();
}

std::vector<ArmAnalysis> InterventionType<SalonsParams>::analyses() {
  return {salon_study_analysis()};
}

}  // namespace salonsim::models
