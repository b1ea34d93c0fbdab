#pragma once
// The column through which social prescribing tells a service about a referral taken up: the
// last step to which a resident counts as referred to it (-1: never). Social prescribing
// registers one per service it can refer to (each groups module, the mobile shop, the shuttle);
// the service finds it at start and gives referred residents their place.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/population.hpp"

namespace salonsim::models {

inline std::string referral_column(std::string_view service) {
  return fmt::format("referred_to_{}_until_step", service);
}

/// A service's view of the referrals taken up to it: none when social prescribing does not run.
class Referrals {
 public:
  /// Finds the service's referral column, if social prescribing registered one (at start).
  void find(const Population& p, std::string_view service) {
    const Column<std::int32_t> column = p.columns.find<std::int32_t>(referral_column(service));
    until_ = column.valid() ? p[column].data() : nullptr;
  }
  /// Whether the resident counts as referred to the service at `step`.
  bool active(ResidentId id, std::int64_t step) const {
    return until_ != nullptr && until_[id] >= step;
  }

 private:
  const std::int32_t* until_ = nullptr;
};

}  // namespace salonsim::models
