#include "sim/params/key_path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace salonsim::params {
namespace {

TEST(KeyPath, KeysAndIndicesInOrder) {
  const auto parts = parse_key_path("town.districts[2].radius_m");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[0].name, "town");
  EXPECT_EQ((*parts)[1].name, "districts");
  EXPECT_TRUE((*parts)[2].is_index());
  EXPECT_EQ((*parts)[2].index, 2u);
  EXPECT_EQ((*parts)[3].name, "radius_m");
  const auto nested = parse_key_path("a[0][11]");
  ASSERT_TRUE(nested.has_value());
  ASSERT_EQ(nested->size(), 3u);
  EXPECT_EQ((*nested)[2].index, 11u);
}

TEST(KeyPath, MalformedPathsAreRefused) {
  for (const char* path : {"", ".a", "a.", "a..b", "1a", "a[", "a[]", "a[x]", "a[-1]", "a]", "a b",
                           "a[1]b", "a.[1]", "a[99999999999999999999999]"}) {
    EXPECT_FALSE(parse_key_path(path).has_value()) << path;
  }
}

TEST(KeyPath, VeryLongPathsAreRefusedInLinearTime) {
  // std::regex overflowed the stack on paths like this.
  std::string path;
  for (int i = 0; i < 100000; ++i) path += "a.";
  path += "b";
  EXPECT_FALSE(parse_key_path(path).has_value());
  EXPECT_FALSE(parse_key_path(std::string(kMaxKeyPathLength + 1, 'a')).has_value());
  EXPECT_TRUE(parse_key_path(std::string(kMaxKeyPathLength, 'a')).has_value());
}

TEST(KeyPath, GenericFormWritesIndicesAsBrackets) {
  EXPECT_EQ(generic_key_path("interventions[3].placement.count"),
            "interventions[].placement.count");
  EXPECT_EQ(generic_key_path("a[1][22].b"), "a[][].b");
  EXPECT_EQ(generic_key_path("run.seed"), "run.seed");
}

}  // namespace
}  // namespace salonsim::params
