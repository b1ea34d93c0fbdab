#include "sim/output/csv.hpp"

#include <gtest/gtest.h>

#include <string>

namespace salonsim {
namespace {

TEST(CsvField, PlainTextIsUnchanged) {
  EXPECT_EQ(csv_field("salons"), "salons");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("east weekly; 2.5"), "east weekly; 2.5");
}

TEST(CsvField, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(csv_field("east, weekly"), "\"east, weekly\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("\""), "\"\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field(std::string("a\0,b", 4)), std::string("\"a\0,b\"", 6));
}

}  // namespace
}  // namespace salonsim
