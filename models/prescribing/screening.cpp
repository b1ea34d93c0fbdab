#include "models/prescribing/screening.hpp"

namespace salonsim::models {

ScreenAnswers screen_answers(const Screening& screening, const HardshipParams& hardship,
                             const ScreenInputs& in) {
  ScreenAnswers a;
  a.trouble_paying_bills = in.hardship_in_past_year || in.in_hardship;
  a.short_before_pension_day =
      in.in_hardship || in.income_million_yen < hardship.poverty_line_million_yen;
  a.rarely_sees_friends = in.friends_per_week < screening.contacts_below_per_week;
  a.rarely_sees_family = in.family_per_week < screening.contacts_below_per_week;
  return a;
}

}  // namespace salonsim::models
