#include "models/transport/shuttle_type.hpp"

#include "models/scenario.hpp"
#include "models/transport/shuttle.hpp"

namespace salonsim::models {

void InterventionType<ShuttleParams>::build(BuildContext& context,
                                            const std::vector<const ShuttleParams*>& all) {
  // Every service in one module: a resident seated by one does not queue for the next.
  std::vector<ShuttleParams> services;
  for (const ShuttleParams* service : all) services.push_back(*service);
  context.simulation().add_module(
      std::make_unique<Shuttle>(std::move(services), context.scenario().town));
}

}  // namespace salonsim::models
