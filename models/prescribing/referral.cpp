#include "models/prescribing/referral.hpp"

#include <cmath>

namespace salonsim::models {

Match match_needs(std::uint8_t needs, std::span<const Option> options,
                  std::span<const double> found_draw, double competence) {
  Match match;
  for (int n = 0; n < kNeeds; ++n) {
    const auto need = static_cast<Need>(n);
    if (!(needs & need_bit(need))) continue;
    const Option* best = nullptr;
    bool any = false;
    for (std::size_t k = 0; k < options.size(); ++k) {
      if (options[k].need != need) continue;
      any = true;
      if (found_draw[k] >= competence) continue;
      if (best == nullptr || options[k].access > best->access) best = &options[k];
    }
    if (best != nullptr) {
      match.referred.push_back(*best);
    } else {
      (any ? match.unmet_not_found : match.unmet_nothing_near) |= need_bit(need);
    }
  }
  return match;
}

double uptake_probability(const Uptake& uptake, double competence, bool trusts,
                          const Option& option) {
  double odds = uptake.base_probability / (1.0 - uptake.base_probability);
  odds *= std::pow(uptake.or_competence, competence - 0.5);
  if (!trusts) odds *= uptake.or_distrust;
  odds *= option.access;
  odds *= std::pow(uptake.or_per_1000_yen_fee, option.fee_yen / 1000.0);
  return odds / (1.0 + odds);
}

}  // namespace salonsim::models
