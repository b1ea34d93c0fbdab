#include "models/prescribing/prescribing_type.hpp"

#include "models/scenario.hpp"

namespace salonsim::models {

void InterventionType<SocialPrescribingParams>::build(
    BuildContext& context, const std::vector<const SocialPrescribingParams*>& all) {
  for (const SocialPrescribingParams* p : all) {
    context.simulation().add_module(
        std::make_unique<SocialPrescribing>(*p, context.scenario().town));
  }
}

}  // namespace salonsim::models
