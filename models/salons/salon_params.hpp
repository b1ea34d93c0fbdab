#pragma once
// Parameters of community salons (kayoinoba), the salons intervention: a community group of the
// kind 'salon' (models/groups), opened by the scenario, whose defaults were calibrated on
// Taketoyo (the struct defaults of GroupParams).
#include "models/groups/group_params.hpp"

namespace salonsim::models {

struct SalonsParams : GroupParams {};

}  // namespace salonsim::models
