// The parameter dictionary in docs/ is generated from the tables that validate scenarios; this
// test fails when a parameter changes and the file is not regenerated.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/scenario.hpp"
#include "sim/params/describer.hpp"

namespace salonsim {
namespace {

TEST(Docs, ParameterDictionaryIsCurrent) {
  std::ifstream file(std::filesystem::path(SALONSIM_SOURCE_DIR) / "docs/parameters.md");
  ASSERT_TRUE(file) << "docs/parameters.md is missing";
  std::stringstream contents;
  contents << file.rdbuf();
  const std::string text = contents.str();
  const auto table = text.find("| key |");
  ASSERT_NE(table, std::string::npos);
  EXPECT_EQ(text.substr(table), params::format_dictionary(models::parameter_dictionary(), true))
      << "regenerate with: build/salonsim describe --markdown (keep the header lines)";
}

}  // namespace
}  // namespace salonsim
