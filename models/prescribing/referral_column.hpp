#pragma once
// The column through which social prescribing tells a service about a referral taken up: the
// last step to which a resident counts as referred to it (-1: never). Social prescribing
// registers one per service it can refer to (each groups module, the mobile shop, the shuttle);
// the service finds it at start and gives referred residents their place.
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace salonsim::models {

inline std::string referral_column(std::string_view service) {
  return fmt::format("referred_to_{}_until_step", service);
}

}  // namespace salonsim::models
