#include "sim/calendar.hpp"

#include <gtest/gtest.h>

namespace salonsim {
namespace {

TEST(Calendar, OpenFromOpeningStepUntilClosingStep) {
  EXPECT_FALSE(open_at(3, -1, 2));
  EXPECT_TRUE(open_at(3, -1, 3));
  EXPECT_TRUE(open_at(3, -1, 1000));  // -1: never closes
  EXPECT_TRUE(open_at(3, 5, 4));
  EXPECT_FALSE(open_at(3, 5, 5));
}

TEST(Calendar, DatesCountDaysAcrossMonthsAndLeapYears) {
  EXPECT_EQ(date_after("2007-04-01", 0), "2007-04-01");
  EXPECT_EQ(date_after("2007-04-01", 7), "2007-04-08");
  EXPECT_EQ(date_after("2007-04-01", 30), "2007-05-01");
  EXPECT_EQ(date_after("2024-02-28", 1), "2024-02-29");  // 2024 is a leap year
  EXPECT_EQ(date_after("2023-02-28", 1), "2023-03-01");
  EXPECT_EQ(date_after("2025-04-01", 52 * 7), "2026-03-31");
}

TEST(Calendar, TextThatIsNotADateComesBackUnchanged) {
  EXPECT_EQ(date_after("", 7), "");
  EXPECT_EQ(date_after("April", 7), "April");
}

TEST(Calendar, OnlyDatesThatExistWrittenYearMonthDay) {
  EXPECT_TRUE(is_calendar_date("2025-04-01"));
  EXPECT_TRUE(is_calendar_date("1999-12-31"));
  EXPECT_TRUE(is_calendar_date("2024-02-29"));   // leap year
  EXPECT_TRUE(is_calendar_date("2000-02-29"));   // divisible by 400
  EXPECT_FALSE(is_calendar_date("2023-02-29"));  // not a leap year
  EXPECT_FALSE(is_calendar_date("1900-02-29"));  // divisible by 100, not 400
  EXPECT_FALSE(is_calendar_date("2025-04-31"));  // April has 30 days
  EXPECT_FALSE(is_calendar_date("2025-02-30"));
  EXPECT_FALSE(is_calendar_date("2025-4-1"));
  EXPECT_FALSE(is_calendar_date("2025-00-10"));
  EXPECT_FALSE(is_calendar_date("2025-13-10"));
  EXPECT_FALSE(is_calendar_date("2025-01-32"));
  EXPECT_FALSE(is_calendar_date("2025-01-00"));
  EXPECT_FALSE(is_calendar_date("2025-04-01T00:00"));
  EXPECT_FALSE(is_calendar_date("+025-04-01"));
  EXPECT_FALSE(is_calendar_date(""));
}

}  // namespace
}  // namespace salonsim
