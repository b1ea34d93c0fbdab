#pragma once
// The 4-item social-prescribing screen (Nishioka, Kondo et al. 2020), answered from the
// resident's own state: the two money items from their income and episodes of financial
// hardship (models/welfare), the two contact items from their weekly contacts with friends and
// with family in the network (models/network/contacts).
#include <cstdint>

#include "models/prescribing/prescribing_params.hpp"
#include "models/welfare/hardship_params.hpp"

namespace salonsim::models {

/// What the screen reads of one resident.
struct ScreenInputs {
  bool in_hardship = false;
  bool hardship_in_past_year = false;  // in an episode at some step of the past 12 months
  double income_million_yen = 3;
  double friends_per_week = 0;  // contacts with friends and others outside the household
  double family_per_week = 0;   // contacts with family outside the household
};

/// The four answers; a 'yes' is a sign of need.
struct ScreenAnswers {
  bool trouble_paying_bills = false;  // in the past year
  bool short_before_pension_day = false;
  bool rarely_sees_friends = false;
  bool rarely_sees_family = false;
  int score() const {
    return trouble_paying_bills + short_before_pension_day + rarely_sees_friends +
           rarely_sees_family;
  }
  bool money_need() const { return trouble_paying_bills || short_before_pension_day; }
  bool contact_need() const { return rarely_sees_friends || rarely_sees_family; }
  /// The answers as bits 0-3 in the order above (for the output).
  std::uint8_t bits() const {
    return static_cast<std::uint8_t>(trouble_paying_bills | short_before_pension_day << 1 |
                                     rarely_sees_friends << 2 | rarely_sees_family << 3);
  }
  /// The answers kept as bits().
  static ScreenAnswers from_bits(std::uint8_t bits) {
    return {(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0};
  }
};

/// Bills: an episode of hardship in the past year. Pension day: in hardship now, or an income
/// below the poverty line. Friends, family: fewer contacts a week than the screen's cut-off.
ScreenAnswers screen_answers(const Screening& screening, const HardshipParams& hardship,
                             const ScreenInputs& in);

}  // namespace salonsim::models
