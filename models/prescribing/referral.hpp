#pragma once
// What a link worker refers a client to, and whether the client takes it up. Each need the screen
// and the first meeting show is matched to a resource within the client's reach:
//   contact (a contact item)   -> a salon or community group whose venue they can get to (with
//                                 the shuttle if it takes them and is easier than their own
//                                 way), or the mobile shop's lunch salon for one living alone;
//   food (poor food access)    -> the mobile shop at a stop within walking range, or the shuttle
//                                 to the shops;
//   money (a money item)       -> welfare counselling.
// The worker finds each suitable resource with a chance equal to their competence and refers the
// best found (the easiest to get to); a need with none found is left unmet, and one with none
// within reach is "nothing suitable nearby". Uptake of each referral is one draw.
#include <boost/container/static_vector.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "models/prescribing/prescribing_params.hpp"

namespace salonsim::models {

enum class Destination : std::uint8_t { kGroup = 0, kMobileShop = 1, kShuttle = 2, kWelfare = 3 };
inline constexpr int kDestinations = 4;
inline constexpr std::array<std::string_view, kDestinations> kDestinationNames{
    "group", "mobile_shop", "shuttle", "welfare"};
constexpr std::uint8_t destination_bit(Destination d) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(d));
}

enum class Need : std::uint8_t { kContact = 0, kFood = 1, kMoney = 2 };
inline constexpr int kNeeds = 3;
inline constexpr std::array<std::string_view, kNeeds> kNeedNames{"contact", "food", "money"};
constexpr std::uint8_t need_bit(Need n) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(n));
}

/// A resource within the client's reach that meets a need.
struct Option {
  Need need = Need::kContact;
  Destination destination = Destination::kGroup;
  std::int32_t target = 0;  // which groups module or service
  /// How readily the client gets there: 1 on foot or as good; by car or lift the groups'
  /// drives_access or lifts_access (or the fading walk); by shuttle uptake.or_shuttle.
  double access = 1;
  bool by_shuttle = false;  // reached only with the shuttle (a group; also a shuttle referral)
  double fee_yen = 0;       // per session (groups)
};

/// The referrals of one client.
struct Match {
  // At most one per need, so kept in place (no allocation for each client).
  boost::container::static_vector<Option, kNeeds> referred;
  std::uint8_t unmet_nothing_near = 0;  // need bits with nothing within reach
  std::uint8_t unmet_not_found = 0;     // need bits whose resources the worker did not find
};

/// Matches `needs` (need bits) to `options`: each option is found when found_draw[k] <
/// competence; for each need, the found option with the highest access (the first listed among
/// equals). `found_draw` holds one uniform per option.
Match match_needs(std::uint8_t needs, std::span<const Option> options,
                  std::span<const double> found_draw, double competence);

/// Chance the client takes up a referral: odds of base_probability, times or_competence^
/// (competence - 0.5), or_distrust if the client does not trust the referral, the access to
/// the place, and or_per_1000_yen_fee per 1,000 yen of fee.
double uptake_probability(const Uptake& uptake, double competence, bool trusts,
                          const Option& option);

}  // namespace salonsim::models
