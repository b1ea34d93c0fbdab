#include "sim/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace salonsim {
namespace {

TEST(Utf8, WellFormedTextOfEveryLengthPasses) {
  EXPECT_FALSE(first_invalid_utf8("plain ascii").has_value());
  EXPECT_FALSE(first_invalid_utf8("caf\xc3\xa9").has_value());               // é, 2 bytes
  EXPECT_FALSE(first_invalid_utf8("\xe5\x8c\x97\xe9\x83\xa8").has_value());  // 北部, 3 bytes
  EXPECT_FALSE(first_invalid_utf8("\xf0\x9f\x98\x80").has_value());          // an emoji, 4 bytes
  EXPECT_FALSE(first_invalid_utf8("").has_value());
}

TEST(Utf8, IllFormedBytesAreFoundAtTheirOffset) {
  EXPECT_EQ(first_invalid_utf8("caf\xe9"), 3u);           // Latin-1 é
  EXPECT_EQ(first_invalid_utf8("ab\xc3"), 2u);            // cut short
  EXPECT_EQ(first_invalid_utf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xe0\x80\xaf"), 0u);      // overlong, 3 bytes
  EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);     // a surrogate
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\x80"), 0u);              // a lone continuation byte
  EXPECT_EQ(first_invalid_utf8("\xff"), 0u);
}

TEST(Utf8, ReplacingGivesWellFormedTextAndKeepsGoodText) {
  EXPECT_EQ(valid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(valid_utf8("caf\xe9!"), "caf\xef\xbf\xbd!");
  EXPECT_EQ(valid_utf8("\xff\xfe"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_FALSE(first_invalid_utf8(valid_utf8("a\xc3\x28\xe2\x82")).has_value());
}

}  // namespace
}  // namespace salonsim
