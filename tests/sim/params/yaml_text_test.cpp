#include "sim/params/yaml_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/temp_dir.hpp"

namespace salonsim::params {
namespace {

using testing::TempDir;

void expect_unterminated_at(const std::string& text, int line, int column) {
  const std::optional<TextPosition> at = unterminated_quote(text);
  ASSERT_TRUE(at.has_value()) << text;
  EXPECT_EQ(at->line, line) << text;
  EXPECT_EQ(at->column, column) << text;
}

TEST(YamlText, AQuoteNeverClosedIsFoundWhereItOpens) {
  expect_unterminated_at("name: \"abc\nrun:\n  years: 1\n", 1, 7);
  expect_unterminated_at("a: 1\nb: 'it is\n", 2, 4);
  expect_unterminated_at("- \"x\n", 1, 3);
  expect_unterminated_at("[\"a\", \"b]\n", 1, 7);
  expect_unterminated_at("a: !!str \"x\n", 1, 10);
  expect_unterminated_at("\"key: 1\n", 1, 1);
}

TEST(YamlText, ClosedQuotesAndQuotesThatAreNotQuotesPass) {
  for (const char* text : {
           "name: \"abc\"\nrun: 'x'\n",
           "name: don't stop\n",                   // an apostrophe in plain text
           "title: a \"quoted\" word\n",           // quotes inside plain text
           "a: \"line one\n  line two\"\n",        // a double-quoted scalar over two lines
           "a: \"escaped \\\" quote\"\n",          // \" inside double quotes
           "a: 'it''s'\n",                         // '' inside single quotes
           "# a comment with a \" quote\na: 1\n",  // comments
           "a: 1 # it's a comment\n",
           "text: |\n  don't \"stop\n  here\nb: 'x'\n",  // block scalar content
           "text: >-\n  it's\nb: 1\n",
           "- name: |\n    it's\n  other: \"x\"\n",
           "list: [\"a\", 'b', c]\n",
           "map: {a: \"x\", b: 'y'}\n",
           "",
       }) {
    EXPECT_FALSE(unterminated_quote(text).has_value()) << text;
  }
}

TEST(YamlText, BlockScalarEndsWhereIndentationReturns) {
  // The quote after the block scalar is a real one, and unclosed.
  expect_unterminated_at("text: |\n  it's\nnext: \"x\n", 3, 7);
}

TEST(YamlText, InvalidUtf8IsFoundByLineAndColumn) {
  EXPECT_FALSE(invalid_utf8("name: 北部\n").has_value());
  const auto at = invalid_utf8("a: 1\nname: caf\xe9\n");
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->line, 2);
  EXPECT_EQ(at->column, 10);
}

TEST(YamlText, ParsingReportsEveryKindOfBadTextWithItsPosition) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_yaml_text("a: 1\nb: \"x\n", "f.yaml", diagnostics).has_value());
  EXPECT_FALSE(parse_yaml_text("a: \xff\n", "g.yaml", diagnostics).has_value());
  EXPECT_FALSE(parse_yaml_text(std::string("a: 1\n\0b", 7), "h.yaml", diagnostics).has_value());
  EXPECT_FALSE(parse_yaml_text("a: [1, 2\n", "i.yaml", diagnostics).has_value());
  ASSERT_EQ(diagnostics.issues().size(), 4u);
  EXPECT_EQ(diagnostics.issues()[0].where.line, 2);
  EXPECT_EQ(diagnostics.issues()[0].where.column, 4);
  EXPECT_NE(diagnostics.issues()[0].message.find("never closed"), std::string::npos);
  EXPECT_NE(diagnostics.issues()[1].message.find("not UTF-8"), std::string::npos);
  EXPECT_NE(diagnostics.issues()[2].message.find("NUL"), std::string::npos);
  EXPECT_NE(diagnostics.issues()[3].message.find("YAML syntax"), std::string::npos);
  ASSERT_TRUE(parse_yaml_text("a: 1\n", "ok.yaml", diagnostics).has_value());
}

TEST(YamlText, ReadingRefusesDirectoriesDevicesAndHugeFiles) {
  TempDir dir;
  Diagnostics diagnostics;
  EXPECT_FALSE(read_yaml_file(dir.path(), "scenario file", diagnostics).has_value());
  EXPECT_FALSE(read_yaml_file("/dev/zero", "scenario file", diagnostics).has_value());
  EXPECT_FALSE(read_yaml_file(dir.file("missing.yaml"), "scenario file", diagnostics).has_value());
  const std::string big = dir.write("big.yaml", std::string(kMaxSettingsFileBytes + 1, '#'));
  EXPECT_FALSE(read_yaml_file(big, "scenario file", diagnostics).has_value());
  ASSERT_EQ(diagnostics.issues().size(), 4u);
  EXPECT_NE(diagnostics.issues()[0].message.find("directory"), std::string::npos);
  EXPECT_NE(diagnostics.issues()[1].message.find("device"), std::string::npos);
  EXPECT_NE(diagnostics.issues()[2].message.find("no such file"), std::string::npos);
  EXPECT_NE(diagnostics.issues()[3].message.find("at most 16 MB"), std::string::npos);
}

TEST(YamlText, ShortenedKeepsShortTextAndCutsLongTextAtACharacter) {
  EXPECT_EQ(shortened("abc"), "abc");
  EXPECT_EQ(shortened(std::string(100, 'x'), 10), "xxxxxxxxxx... (100 characters)");
  // 北 is three bytes: a cut inside it backs up to its start.
  EXPECT_EQ(shortened("ab北部", 3), "ab... (8 characters)");
}

}  // namespace
}  // namespace salonsim::params
