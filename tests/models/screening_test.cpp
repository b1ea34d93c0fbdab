// The 4-item screen, answered by hand from income, hardship and weekly contacts.
#include "models/prescribing/screening.hpp"

#include <gtest/gtest.h>

namespace salonsim::models {
namespace {

TEST(ScreenAnswers, EachItemFromTheResidentsOwnState) {
  const Screening screening;      // 'rarely': fewer than 0.25 contacts a week
  const HardshipParams hardship;  // poverty line 1.27 million yen
  ScreenInputs in;
  in.income_million_yen = 2.5;
  in.friends_per_week = 2;
  in.family_per_week = 1;
  ScreenAnswers a = screen_answers(screening, hardship, in);
  EXPECT_EQ(a.score(), 0);
  EXPECT_FALSE(a.money_need());
  EXPECT_FALSE(a.contact_need());

  // An episode some time in the past year: bills, but money does not run short now.
  in.hardship_in_past_year = true;
  a = screen_answers(screening, hardship, in);
  EXPECT_TRUE(a.trouble_paying_bills);
  EXPECT_FALSE(a.short_before_pension_day);
  EXPECT_EQ(a.score(), 1);

  // In hardship now: both money items.
  in.hardship_in_past_year = false;
  in.in_hardship = true;
  a = screen_answers(screening, hardship, in);
  EXPECT_TRUE(a.trouble_paying_bills && a.short_before_pension_day);
  EXPECT_EQ(a.bits(), 0b0011);

  // Below the poverty line: short before pension day, in hardship or not.
  in.in_hardship = false;
  in.income_million_yen = 1.2;
  a = screen_answers(screening, hardship, in);
  EXPECT_FALSE(a.trouble_paying_bills);
  EXPECT_TRUE(a.short_before_pension_day);

  // Contacts: 0.2 a week with friends is 'rarely'; 0.25 with family is not (the cut-off is
  // strictly below).
  in.income_million_yen = 3;
  in.friends_per_week = 0.2;
  in.family_per_week = 0.25;
  a = screen_answers(screening, hardship, in);
  EXPECT_TRUE(a.rarely_sees_friends);
  EXPECT_FALSE(a.rarely_sees_family);
  EXPECT_EQ(a.bits(), 0b0100);
  in.family_per_week = 0.1;
  a = screen_answers(screening, hardship, in);
  EXPECT_EQ(a.bits(), 0b1100);
  EXPECT_EQ(a.score(), 2);
  EXPECT_TRUE(a.contact_need());
  EXPECT_FALSE(a.money_need());
}

TEST(ScreenAnswers, TheCutOffIsAParameter) {
  Screening weekly;
  weekly.contacts_below_per_week = 1;
  ScreenInputs in;
  in.friends_per_week = 0.5;
  in.family_per_week = 3;
  EXPECT_TRUE(screen_answers(weekly, HardshipParams{}, in).rarely_sees_friends);
  EXPECT_FALSE(screen_answers(Screening{}, HardshipParams{}, in).rarely_sees_friends);
}

}  // namespace
}  // namespace salonsim::models
