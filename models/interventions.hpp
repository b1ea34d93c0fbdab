#pragma once
// The registry of intervention types: one line per type. A new type is a folder with its
// parameters, its mechanisms and an InterventionType<Params> (see intervention_registry.hpp),
// plus one line here.
#include <variant>

#include "models/coalition/coalition_type.hpp"
#include "models/groups/groups_type.hpp"
#include "models/prescribing/prescribing_type.hpp"
#include "models/salons/salons_type.hpp"
#include "models/shops/mobile_shop_type.hpp"
#include "models/transport/shuttle_type.hpp"

namespace salonsim::models {

using InterventionSpec = std::variant<UnknownIntervention,     // type missing or unknown: an error
                                      SalonsParams,            // models/salons
                                      MobileShopParams,        // models/shops
                                      ShuttleParams,           // models/transport
                                      NewGroupsParams,         // models/groups
                                      CoalitionSupportParams,  // models/coalition
                                      SocialPrescribingParams>;  // models/prescribing
using Interventions = Registry<InterventionSpec>;

}  // namespace salonsim::models
