// Tests of models/region: municipalities listed and generated (stated variation, drawn
// reproducibly), each loaded with its own settings; their problems named; traits by hand.
#include "models/region/region.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <set>

#include "tests/support/scenario_checks.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

std::string region_yaml(const std::string& region) {
  return fmt::format("extends: {}/scenarios/town.yaml\nname: r\ntown:\n  population: 2000\n{}",
                     SALONSIM_SOURCE_DIR, region);
}

TEST(Region, ListedThenGeneratedEachWithItsOwnSettings) {
  testing::TempDir dir;
  const std::string file = dir.write("r.yaml", region_yaml(R"(region:
  municipalities:
    - name: kita
      set: [town.population=1234]
  generate: 3
  name_prefix: g
  seed: 5
  vary:
    - key: town.population
      min: 1000
      max: 3000
      integer: true
    - key: town.districts[2].density
      values: [suburban, rural]
)"));
  const Scenario region = testing::load_ok(file);
  const std::vector<Municipality> all = municipalities_of(file, region, {});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].name, "kita");
  EXPECT_EQ(all[0].scenario.town.population, 1234);
  EXPECT_EQ(all[1].name, "g01");
  EXPECT_EQ(all[3].name, "g03");
  std::set<std::int64_t> sizes;
  for (std::size_t m = 1; m < 4; ++m) {
    const Scenario& s = all[m].scenario;
    EXPECT_GE(s.town.population, 1000);
    EXPECT_LE(s.town.population, 3000);
    EXPECT_TRUE(s.region.empty());  // a municipality is one town
    EXPECT_EQ(s.name, all[m].name);
    ASSERT_EQ(all[m].overrides.size(), 2u);
    EXPECT_TRUE(all[m].overrides[0].starts_with("town.population="));
    sizes.insert(s.town.population);
  }
  EXPECT_GT(sizes.size(), 1u);  // they differ
  // The same region, drawn again: the same towns.
  const std::vector<Municipality> again = municipalities_of(file, region, {});
  for (std::size_t m = 0; m < 4; ++m) EXPECT_EQ(again[m].overrides, all[m].overrides);
  // The command line applies to every municipality, before its own settings.
  const std::vector<Municipality> longer = municipalities_of(file, region, {"run.years=2"});
  EXPECT_EQ(longer[2].scenario.run.years, 2);
  EXPECT_EQ(longer[2].scenario.town.population, all[2].scenario.town.population);
}

TEST(Region, AScenarioWithoutARegionIsOneMunicipality) {
  testing::TempDir dir;
  const std::string file = dir.write("t.yaml", region_yaml(""));
  const Scenario town = testing::load_ok(file);
  const std::vector<Municipality> all = municipalities_of(file, town, {});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "r");
}

TEST(Region, AMunicipalitysProblemsNameIt) {
  testing::TempDir dir;
  const std::string file = dir.write("r.yaml", region_yaml(R"(region:
  municipalities:
    - name: kita
      set: [town.populaton=1234]
)"));
  const Scenario region = testing::load_ok(file);
  try {
    municipalities_of(file, region, {});
    FAIL() << "loaded";
  } catch (const params::ScenarioError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("region.municipalities[0] 'kita'"), std::string::npos) << text;
    EXPECT_NE(text.find("populaton"), std::string::npos) << text;
  }
}

TEST(Region, ProblemsOfManyMunicipalitiesComeInTheirOrderWhateverTheThreads) {
  // 40 municipalities, every third with a misspelt key: resolved in parallel, their problems
  // are gathered in the municipalities' order, so the message is the same with one thread.
  testing::TempDir dir;
  std::string listed = "region:\n  municipalities:\n";
  for (int m = 0; m < 40; ++m)
    listed += fmt::format("    - {{name: m{:02}, set: [{}=1234]}}\n", m,
                          m % 3 == 0 ? "town.populaton" : "town.population");
  const std::string file = dir.write("r.yaml", region_yaml(listed));
  const Scenario region = testing::load_ok(file);
  auto message = [&] {
    try {
      municipalities_of(file, region, {});
    } catch (const params::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  const std::string many = message();
  std::size_t at = 0;
  for (int m = 0; m < 40; m += 3) {
    const std::size_t next = many.find(fmt::format("region.municipalities[{}] 'm{:02}'", m, m), at);
    ASSERT_NE(next, std::string::npos) << m << ": " << many;
    at = next;
  }
  EXPECT_EQ(many.find("'m01'"), std::string::npos) << many;
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  EXPECT_EQ(message(), many);
}

TEST(Region, TheSameTownsWithOneThreadAsWithMany) {
  testing::TempDir dir;
  const std::string file = dir.write("r.yaml", region_yaml(R"(region:
  generate: 30
  seed: 3
  vary:
    - key: town.population
      min: 1000
      max: 3000
      integer: true
    - key: town.districts[1].density
      values: [suburban, rural]
)"));
  const Scenario region = testing::load_ok(file);
  const std::vector<Municipality> many = municipalities_of(file, region, {"run.years=2"});
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  const std::vector<Municipality> alone = municipalities_of(file, region, {"run.years=2"});
  ASSERT_EQ(many.size(), 30u);
  for (std::size_t m = 0; m < many.size(); ++m)
    EXPECT_EQ(to_yaml(many[m].scenario), to_yaml(alone[m].scenario)) << many[m].name;
}

TEST(Region, SettingsOfTheRegionsOwnKeysAreNotAppliedToItsTowns) {
  // The command line's settings reach the region when it is loaded and every town after it;
  // a town has no region, so a setting of a region key (here a listed municipality's name)
  // has nothing to apply to there and must not be an error of each town.
  testing::TempDir dir;
  const std::string file = dir.write("r.yaml", region_yaml(R"(region:
  municipalities:
    - name: kita
    - name: minami
)"));
  const std::vector<std::string> overrides = {"region.municipalities[1].name=nishi", "run.years=3"};
  const Scenario region = testing::load_ok(file, overrides);
  const std::vector<Municipality> all = municipalities_of(file, region, overrides);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].name, "nishi");
  EXPECT_EQ(all[1].scenario.name, "nishi");
  EXPECT_EQ(all[1].scenario.run.years, 3);
  EXPECT_TRUE(all[1].scenario.region.empty());
}

TEST(Region, NamesAreCheckedWithTheScenario) {
  testing::TempDir dir;
  const auto issues = testing::issues_of(dir.write("r.yaml", region_yaml(R"(region:
  municipalities:
    - name: a/b
    - name: c
    - name: c
)")));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "region.municipalities[0].name");
  EXPECT_NE(issues[0].message.find("no '/'"), std::string::npos);
  EXPECT_EQ(issues[1].path, "region.municipalities[2].name");
  EXPECT_NE(issues[1].message.find("two municipalities are named 'c'"), std::string::npos);
}

TEST(Region, TraitsByHand) {
  Scenario s;
  s.town.population = 4000;
  s.town.districts = {District{.name = "a", .density = Density::kRural, .population_weight = 1},
                      District{.name = "b", .density = Density::kUrban, .population_weight = 3}};
  s.town.income.median_million_yen = 2.2;
  s.groups.join_odds_ratio = 1.5;
  const MunicipalityTraits t = traits_of(s);
  EXPECT_EQ(t.population, 4000);
  EXPECT_EQ(t.districts, 2);
  EXPECT_DOUBLE_EQ(t.rural_share, 0.25);
  EXPECT_DOUBLE_EQ(t.income_median, 2.2);
  EXPECT_DOUBLE_EQ(t.join_odds_ratio, 1.5);
}

TEST(Region, MunicipalitySeedsDiffer) {
  std::set<std::uint64_t> seeds;
  for (std::size_t m = 0; m < 100; ++m) seeds.insert(municipality_seed(7, m));
  EXPECT_EQ(seeds.size(), 100u);
  EXPECT_EQ(municipality_seed(7, 3), municipality_seed(7, 3));
  EXPECT_NE(municipality_seed(7, 3), municipality_seed(8, 3));
}

}  // namespace
}  // namespace salonsim::models
