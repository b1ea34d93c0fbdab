// `salonsim calibrate` as a separate process: recovering known parameters from synthetic
// targets, the same posterior after a kill -9 and a resume and for any thread count, and bad
// calibration files reported at their positions with nothing written.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "models/build.hpp"
#include "models/scenario.hpp"
#include "sim/calibration/calibration_plan.hpp"
#include "sim/survey.hpp"
#include "tests/support/command.hpp"
#include "tests/support/hdf5_read.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;
using testing::read_doubles;
using testing::read_text;
using testing::TempDir;
using Result = testing::CommandResult;

const std::string kScenarios = (fs::path(SALONSIM_SOURCE_DIR) / "scenarios").string();

Result salonsim(const std::string& args, const std::string& environment = "") {
  return testing::run_command(fmt::format("{} '{}' {}", environment, SALONSIM_BINARY, args));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The small town of these tests: town.yaml at `population`, one step (the targets are taken
/// at the baseline survey).
std::vector<std::string> small_town(int population) {
  return {fmt::format("town.population={}", population), "run.years=0.02"};
}

/// The share isolated among independent residents of `group` at the baseline survey, mean over
/// `replicates` runs of town.yaml with the given friendship ties: what a town's survey would
/// report, made with known parameters.
double synthetic_isolation(const std::string& group, double men, double women, int population,
                           int replicates) {
  std::vector<std::string> overrides = small_town(population);
  overrides.push_back(fmt::format("network.friends.mean_ties.men={}", men));
  overrides.push_back(fmt::format("network.friends.mean_ties.women={}", women));
  const models::Scenario scenario = models::load_scenario(kScenarios + "/town.yaml", overrides);
  calibration::Target target;
  target.survey = {0, "isolated", calibration::Among::kIndependent};
  target.group = group;
  double sum = 0;
  for (int r = 0; r < replicates; ++r) {
    // Seeds the calibration never uses: the data are not one of its own runs.
    auto sim = models::build_simulation(scenario, {777, static_cast<std::uint32_t>(r)});
    sim->add_survey_steps({0}, false);
    sim->run();
    sum += calibration::target_statistic(target, {}, &sim->survey_waves().front(),
                                         sim->population(), {});
  }
  return sum / replicates;
}

TEST(Calibration, RecoversKnownParametersFromSyntheticTargets) {
  const double men = 1.0, women = 2.4;  // the defaults, treated as unknown
  const int population = 1500;
  const double isolated_men = synthetic_isolation("men", men, women, population, 4);
  const double isolated_women = synthetic_isolation("women", men, women, population, 4);
  // Standard errors of a survey of this town's independent men (about 600) and women (800).
  const double sd_men = std::sqrt(isolated_men * (1 - isolated_men) / 600);
  const double sd_women = std::sqrt(isolated_women * (1 - isolated_women) / 800);
  TempDir dir;
  const std::string file =
      dir.write("synthetic.yaml",
                fmt::format(R"(name: synthetic
scenario: {}/town.yaml
set: [{}, {}]
parameters:
  - {{key: network.friends.mean_ties.men, name: men, min: 0, max: 5}}
  - {{key: network.friends.mean_ties.women, name: women, min: 0, max: 5}}
targets:
  - {{survey: {{year: 0, column: isolated}}, group: men, observed: {}, sd: {}}}
  - {{survey: {{year: 0, column: isolated}}, group: women, observed: {}, sd: {}}}
seed: 11
abc: {{particles: 100, generations: 5, max_simulations: 3000}}
posterior_predictive: 20
)",
                            kScenarios, small_town(population)[0], small_town(population)[1],
                            isolated_men, sd_men, isolated_women, sd_women));
  const std::string out = (dir.path() / "synthetic.h5").string();
  const Result result = salonsim(fmt::format("calibrate '{}' -o '{}'", file, out));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto low = read_doubles(out, "/posterior/low"), high = read_doubles(out, "/posterior/high");
  const auto prior_low = read_doubles(out, "/posterior/prior_low"),
             prior_high = read_doubles(out, "/posterior/prior_high");
  ASSERT_EQ(low.size(), 2u);
  const double truth[] = {men, women};
  for (std::size_t j = 0; j < 2; ++j) {
    // The known value lies inside the 95% posterior interval...
    EXPECT_LE(low[j], truth[j]) << "parameter " << j << "\n" << result.output;
    EXPECT_GE(high[j], truth[j]) << "parameter " << j << "\n" << result.output;
    // ...and the data narrowed the prior (women's ties only loosely: isolation changes slowly
    // with ties at the upper end, and a town of 1,500 is noisy).
    EXPECT_LT(high[j] - low[j], 0.75 * (prior_high[j] - prior_low[j])) << result.output;
  }
  // The posterior predictive reproduces the targets.
  const auto predictive_low = read_doubles(out, "/targets/predictive_low"),
             predictive_high = read_doubles(out, "/targets/predictive_high");
  const double observed[] = {isolated_men, isolated_women};
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_LE(predictive_low[i], observed[i]) << result.output;
    EXPECT_GE(predictive_high[i], observed[i]) << result.output;
  }
  const auto weights = read_doubles(out, "/posterior/weights");
  double sum = 0;
  for (double w : weights) sum += w;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_EQ(read_text(out, "/meta", "status"), "complete");
}

/// A calibration of a few generations on a tiny town, for the tests of resuming.
std::string tiny_calibration(const TempDir& dir) {
  return dir.write("tiny.yaml", fmt::format(R"(name: tiny
scenario: {}/town.yaml
set: [town.population=500, run.years=0.02]
parameters:
  - {{key: network.friends.mean_ties.men, min: 0, max: 4}}
  - {{key: network.friends.contacts_per_week, distribution: log_uniform, min: 0.3, max: 2}}
targets:
  - {{survey: {{year: 0, column: isolated}}, group: men, observed: 0.2, sd: 0.03}}
  - {{outcome: deaths, observed: 1, sd: 2}}
replicates: 2
abc: {{particles: 20, generations: 3, max_simulations: 600}}
posterior_predictive: 6
)",
                                            kScenarios));
}

void expect_same_posterior(const std::string& a, const std::string& b) {
  for (const std::string dataset :
       {"/posterior/values", "/posterior/weights", "/posterior/statistics", "/candidates/unit",
        "/candidates/distance", "/generations/tolerance", "/predictive/statistics",
        "/runs/outputs"}) {
    const auto x = read_doubles(a, dataset), y = read_doubles(b, dataset);
    ASSERT_FALSE(x.empty()) << dataset;
    ASSERT_EQ(x.size(), y.size()) << dataset;
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)), 0) << dataset;
  }
}

TEST(Calibration, KilledAndResumedOrOnOneThreadGivesTheSamePosterior) {
  TempDir dir;
  const std::string file = tiny_calibration(dir);
  const std::string whole = (dir.path() / "whole.h5").string();
  const Result first = salonsim(fmt::format("calibrate '{}' -o '{}' -q", file, whole));
  ASSERT_EQ(first.exit_code, 0) << first.output;

  const std::string resumed = (dir.path() / "resumed.h5").string();
  const Result killed = salonsim(fmt::format("calibrate '{}' -o '{}' -q", file, resumed),
                                 "SALONSIM_CALIBRATION_KILL_AFTER_RUNS=70");
  EXPECT_NE(killed.exit_code, 0);
  EXPECT_FALSE(fs::exists(resumed));
  EXPECT_TRUE(fs::exists(resumed + ".partial"));
  const Result again = salonsim(fmt::format("calibrate '{}' -o '{}'", file, resumed));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "70 simulations already done")) << again.output;
  EXPECT_FALSE(fs::exists(resumed + ".partial"));
  expect_same_posterior(whole, resumed);

  const std::string one_thread = (dir.path() / "one.h5").string();
  const Result one =
      salonsim(fmt::format("calibrate '{}' -o '{}' -q --threads 1", file, one_thread));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  expect_same_posterior(whole, one_thread);

  // Run again: the file already holds it.
  const Result nothing = salonsim(fmt::format("calibrate '{}' -o '{}'", file, whole));
  EXPECT_EQ(nothing.exit_code, 0);
  EXPECT_TRUE(contains(nothing.output, "nothing to do")) << nothing.output;
}

TEST(Calibration, BadFilesAreReportedAtTheirPositionsAndNothingIsWritten) {
  TempDir dir;
  const std::string file = dir.write("bad.yaml", fmt::format(R"(scenario: {}/town.yaml
parameters:
  - {{key: network.friends.mean_ties.menn, min: 0, max: 4}}
targets:
  - {{survey: {{year: 0, column: isolatd}}, observed: 0.2, sd: 0.03}}
  - {{outcome: deaht, observed: 1, sd: 2}}
  - {{outcome: deaths, survey: {{column: isolated}}, observed: 1}}
abc: {{particles: 5, quantile: 1.5}}
)",
                                                             kScenarios));
  const std::string out = (dir.path() / "bad.h5").string();
  const Result result = salonsim(fmt::format("calibrate '{}' -o '{}'", file, out));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  // Every problem of the file itself at once, each at its line.
  EXPECT_TRUE(contains(result.output, "bad.yaml:6:15: targets[1].outcome: unknown outcome 'deaht'"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "did you mean 'deaths'?")) << result.output;
  EXPECT_TRUE(contains(result.output, "give either an outcome or a survey statistic"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "every target needs sd")) << result.output;
  EXPECT_TRUE(contains(result.output, "abc.particles")) << result.output;
  EXPECT_TRUE(contains(result.output, "abc.quantile")) << result.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".partial"));

  // With the file itself valid, the keys and columns are checked against the scenario.
  const std::string keys = dir.write("keys.yaml", fmt::format(R"(scenario: {}/town.yaml
parameters:
  - {{key: network.friends.mean_ties.menn, min: 0, max: 4}}
targets:
  - {{survey: {{year: 0, column: isolatd}}, observed: 0.2, sd: 0.03}}
)",
                                                              kScenarios));
  const Result checked = salonsim(fmt::format("calibrate '{}' -o '{}'", keys, out));
  EXPECT_EQ(checked.exit_code, 2) << checked.output;
  EXPECT_TRUE(contains(checked.output, "parameters[0].key")) << checked.output;
  EXPECT_TRUE(contains(checked.output, "mean_ties.men")) << checked.output;
  EXPECT_FALSE(fs::exists(out + ".partial"));

  const std::string columns = dir.write("columns.yaml", fmt::format(R"(scenario: {}/town.yaml
set: [town.population=300, run.years=1]
parameters:
  - {{key: network.friends.mean_ties.men, min: 0, max: 4}}
targets:
  - {{survey: {{year: 0, column: isolatd}}, observed: 0.2, sd: 0.03}}
  - {{survey: {{year: 2, column: isolated}}, observed: 0.2, sd: 0.03}}
)",
                                                                    kScenarios));
  const Result column_checked = salonsim(fmt::format("calibrate '{}' -o '{}'", columns, out));
  EXPECT_EQ(column_checked.exit_code, 2) << column_checked.output;
  EXPECT_TRUE(
      contains(column_checked.output, "targets[0].survey.column: unknown survey column 'isolatd'"))
      << column_checked.output;
  EXPECT_TRUE(contains(column_checked.output, "did you mean 'isolated'?")) << column_checked.output;
  EXPECT_TRUE(contains(column_checked.output, "comes after the run's 1 years"))
      << column_checked.output;

  // An output path that cannot be written: refused before any run.
  const Result unwritable = salonsim(
      fmt::format("calibrate '{}' -o '{}'", tiny_calibration(dir), "/nonexistent/dir/c.h5"));
  EXPECT_EQ(unwritable.exit_code, 1) << unwritable.output;
  EXPECT_TRUE(contains(unwritable.output, "does not exist")) << unwritable.output;
}

}  // namespace
}  // namespace salonsim
