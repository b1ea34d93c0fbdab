#pragma once
// Whether a non-member's draw joins a group at a session: the exact test at their odds of
// joining (friends who attend counted), and a test that needs no count of friends.

namespace salonsim::models {

/// Whether the uniform draw `w` joins at odds `odds`: below the chance odds / (1 + odds).
inline bool joins_at_odds(double w, double odds) {
  return w < odds / (1.0 + odds);
}

/// Whether the draw `w` joins however many friends attend: below the chance at `least_odds`,
/// the odds with the least of the friends' factors, by a relative margin of 1e-12. The margin
/// covers the rounding of the odds' product and of the chance, so every draw this lets through
/// joins at every count of friends (joins_at_odds at odds no lower than `least_odds`).
inline bool joins_whatever_friends(double w, double least_odds) {
  return w < least_odds / (1.0 + least_odds) * (1.0 - 1e-12);
}

}  // namespace salonsim::models
