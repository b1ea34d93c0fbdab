// `salonsim sweep` as a separate process: the demo sweep and its indices, resuming after the
// process is killed (by itself at a chosen run, and by kill -9 from outside at arbitrary times)
// with rows identical to an uninterrupted sweep, the same rows for any thread count, dry runs,
// and bad sweep files.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

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

/// A sweep of 32 short runs (Morris, 3 parameters, 4 trajectories, 2 replicates) on a small
/// Taketoyo, written into `dir`.
std::string small_sweep(const TempDir& dir, const std::string& extra = "") {
  return dir.write("small.yaml", fmt::format(R"(name: small
scenario: {}/taketoyo.yaml
set: [town.population=1200, run.years=1.5]
design: {{type: morris, trajectories: 4, levels: 4, seed: 3, bootstrap: 200}}
replicates: 2
parameters:
  - key: interventions[0].participation.join_odds
    distribution: log_uniform
    min: 0.004
    max: 0.02
  - key: health.certification.rate_at_65
    min: 0.003
    max: 0.006
  - key: interventions[0].placement.rule
    values: [gaps, district_centres]
outputs: [certifications, participation]
groups: [all, low_income]
{})",
                                             kScenarios, extra));
}

/// Everything a sweep's rows and derived results hold, for comparing two files.
std::vector<std::string> result_datasets() {
  std::vector<std::string> datasets{"/runs/outputs", "/runs/parameters", "/points/mean",
                                    "/points/sd",    "/design/unit",     "/design/values"};
  for (const std::string column : {"certifications.all", "participation.low_income"})
    for (const std::string index : {"mu", "mu_star", "mu_star_low", "mu_star_high", "sigma"})
      datasets.push_back("/sensitivity/" + column + "/" + index);
  return datasets;
}

/// Expects two finished sweeps to hold the same rows and results, bit for bit.
void expect_same_results(const std::string& a, const std::string& b) {
  for (const std::string& dataset : result_datasets()) {
    const auto x = read_doubles(a, dataset), y = read_doubles(b, dataset);
    ASSERT_FALSE(x.empty()) << dataset;
    ASSERT_EQ(x.size(), y.size()) << dataset;
    for (std::size_t i = 0; i < x.size(); ++i) {
      // Bitwise equality (NaN included).
      EXPECT_EQ(std::memcmp(&x[i], &y[i], sizeof(double)), 0)
          << dataset << "[" << i << "]: " << x[i] << " vs " << y[i];
    }
  }
  EXPECT_EQ(testing::read_dataset<std::uint8_t>(b, "/runs/done", H5T_NATIVE_UINT8),
            std::vector<std::uint8_t>(32, 1));
  EXPECT_EQ(read_text(a, "/sensitivity", "csv"), read_text(b, "/sensitivity", "csv"));
}

TEST(Sweep, DemoFinishesAndReportsIndicesWithIntervals) {
  TempDir dir;
  const std::string output = dir.file("demo.h5");
  const Result r = salonsim(fmt::format("sweep {}/sweep-demo.yaml -o {}", kScenarios, output));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "= 40 runs")) << r.output;
  EXPECT_TRUE(contains(r.output, "95% interval (mu*)")) << r.output;
  EXPECT_EQ(read_text(output, "/sensitivity", "method"), "morris");
  // Parameters: join_odds, max_decline_reduction, certification_rate_at_65, salon_count.
  const auto mu_star = read_doubles(output, "/sensitivity/participation.all/mu_star");
  const auto low = read_doubles(output, "/sensitivity/participation.all/mu_star_low");
  const auto high = read_doubles(output, "/sensitivity/participation.all/mu_star_high");
  ASSERT_EQ(mu_star.size(), 4u);
  for (std::size_t j = 0; j < 4; ++j) {
    EXPECT_TRUE(std::isfinite(low[j]) && std::isfinite(high[j]));
    EXPECT_LE(low[j], mu_star[j]);
    EXPECT_GE(high[j], mu_star[j]);
  }
  // What the model says must drive what: joining odds drive participation more than the
  // effect size does (which changes it only through survival); the baseline certification
  // hazard drives certification more than anything about salons.
  EXPECT_GT(low[0], high[1]);
  const auto cert = read_doubles(output, "/sensitivity/certifications_per_1000_py.all/mu_star");
  EXPECT_GT(cert[2], cert[0] + cert[1] + cert[3]);
  EXPECT_FALSE(fs::exists(output + ".partial"));
}

TEST(Sweep, KilledAfterSomeRunsResumesWithIdenticalRows) {
  TempDir dir;
  const std::string sweep = small_sweep(dir);
  const std::string whole = dir.file("whole.h5"), resumed = dir.file("resumed.h5");
  ASSERT_EQ(salonsim(fmt::format("sweep {} -o {} -q", sweep, whole)).exit_code, 0);

  // The process kills itself (SIGKILL, as kill -9) after writing 7 runs.
  const Result killed = salonsim(fmt::format("sweep {} -o {} -q", sweep, resumed),
                                 "SALONSIM_SWEEP_KILL_AFTER_RUNS=7");
  EXPECT_NE(killed.exit_code, 0);
  EXPECT_FALSE(fs::exists(resumed));
  ASSERT_TRUE(fs::exists(resumed + ".partial"));
  const auto done =
      testing::read_dataset<std::uint8_t>(resumed + ".partial", "/runs/done", H5T_NATIVE_UINT8);
  EXPECT_EQ(std::count(done.begin(), done.end(), 1), 7);

  const Result again = salonsim(fmt::format("sweep {} -o {}", sweep, resumed));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "7 of 32 runs already done")) << again.output;
  EXPECT_FALSE(fs::exists(resumed + ".partial"));
  expect_same_results(whole, resumed);
}

TEST(Sweep, KilledFromOutsideAtAnyMomentResumesWithIdenticalRows) {
  TempDir dir;
  const std::string sweep = small_sweep(dir);
  const std::string whole = dir.file("whole.h5"), resumed = dir.file("resumed.h5");
  ASSERT_EQ(salonsim(fmt::format("sweep {} -o {} -q", sweep, whole)).exit_code, 0);
  // kill -9 at several moments (wherever the sweep happens to be: creating the file, between
  // runs or writing one), each time running the same command again.
  for (const char* delay : {"0.05", "0.3", "0.6"}) {
    testing::run_command(
        fmt::format("'{}' sweep {} -o {} -q & pid=$!; sleep {}; kill -9 $pid; "
                    "wait $pid",
                    SALONSIM_BINARY, sweep, resumed, delay));
  }
  const Result again = salonsim(fmt::format("sweep {} -o {} -q", sweep, resumed));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  expect_same_results(whole, resumed);
}

TEST(Sweep, SameRowsForAnyThreadCount) {
  TempDir dir;
  const std::string sweep = small_sweep(dir);
  const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
  ASSERT_EQ(salonsim(fmt::format("sweep {} -o {} -q --threads 1", sweep, one)).exit_code, 0);
  ASSERT_EQ(salonsim(fmt::format("sweep {} -o {} -q --threads 2", sweep, two)).exit_code, 0);
  expect_same_results(one, two);
}

TEST(Sweep, CommonRandomNumbersAcrossPointsByDefault) {
  TempDir dir;
  const std::string output = dir.file("s.h5");
  ASSERT_EQ(salonsim(fmt::format("sweep {} -o {} -q", small_sweep(dir), output)).exit_code, 0);
  const auto streams =
      testing::read_dataset<std::uint32_t>(output, "/runs/stream_replicate", H5T_NATIVE_UINT32);
  ASSERT_EQ(streams.size(), 32u);
  for (std::size_t run = 0; run < 32; ++run) EXPECT_EQ(streams[run], run % 2);  // the replicate

  TempDir other;
  const std::string independent = other.file("i.h5");
  ASSERT_EQ(salonsim(fmt::format("sweep {} -o {} -q", small_sweep(other, "seeds: independent"),
                                 independent))
                .exit_code,
            0);
  const auto own = testing::read_dataset<std::uint32_t>(independent, "/runs/stream_replicate",
                                                        H5T_NATIVE_UINT32);
  for (std::size_t run = 0; run < 32; ++run) EXPECT_EQ(own[run], run);
}

TEST(Sweep, FinishedSweepIsNotRunAgainUnlessRestarted) {
  TempDir dir;
  const std::string sweep = small_sweep(dir), output = dir.file("s.h5");
  ASSERT_EQ(salonsim(fmt::format("sweep {} -o {} -q", sweep, output)).exit_code, 0);
  const Result again = salonsim(fmt::format("sweep {} -o {}", sweep, output));
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_TRUE(contains(again.output, "already holds this sweep's 32 runs")) << again.output;
  const Result restarted = salonsim(fmt::format("sweep {} -o {} --restart", sweep, output));
  EXPECT_EQ(restarted.exit_code, 0);
  EXPECT_TRUE(contains(restarted.output, "wrote")) << restarted.output;
}

TEST(Sweep, AChangedSweepDoesNotResumeAnothersRuns) {
  TempDir dir;
  const std::string output = dir.file("s.h5");
  salonsim(fmt::format("sweep {} -o {} -q", small_sweep(dir), output),
           "SALONSIM_SWEEP_KILL_AFTER_RUNS=3");
  ASSERT_TRUE(fs::exists(output + ".partial"));
  const Result changed =
      salonsim(fmt::format("sweep {} -o {} -q", small_sweep(dir, "seed: 99"), output));
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_TRUE(contains(changed.output, "holds the runs of a different sweep")) << changed.output;
  EXPECT_TRUE(contains(changed.output, "--restart")) << changed.output;
}

TEST(Sweep, DryRunPrintsTheDesignAndRunsNothing) {
  TempDir dir;
  const std::string output = dir.file("s.h5");
  const Result r = salonsim(fmt::format("sweep {} -o {} --dry-run", small_sweep(dir), output));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output,
                       "morris (r = 4 trajectories, p = 4 levels) design, 3 parameters, "
                       "16 points x 2 replicates = 32 runs"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "district_centres")) << r.output;
  EXPECT_FALSE(fs::exists(output));
  EXPECT_FALSE(fs::exists(output + ".partial"));
}

TEST(Sweep, KeysMissingFromTheBaseScenarioAreErrorsAtTheirPlace) {
  TempDir dir;
  const std::string sweep = dir.write("bad.yaml", fmt::format(R"(scenario: {}/town.yaml
parameters:
  - key: town.populaton
    min: 1000
    max: 2000
  - key: health.certification.rate_at_65
    min: -1
    max: 0.01
  - key: run.years
    values: [1, two]
)",
                                                              kScenarios));
  const Result r = salonsim(fmt::format("sweep {} -o {}", sweep, dir.file("s.h5")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.output,
                       "bad.yaml:3:10: parameters[0].key: 'town.populaton' in the base "
                       "scenario"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "did you mean 'population'?")) << r.output;
  EXPECT_TRUE(contains(r.output,
                       "bad.yaml:6:10: parameters[1].key: "
                       "'health.certification.rate_at_65' in the base scenario"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "must be >= 0, got -1")) << r.output;
  EXPECT_FALSE(contains(r.output, "got -0.495")) << r.output;  // once per parameter
  EXPECT_TRUE(contains(r.output, "parameters[2].key: 'run.years' in the base scenario"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "expected a number, got 'two'")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("s.h5.partial")));
}

TEST(Sweep, BadFlagsAndPathsAreClearErrors) {
  TempDir dir;
  const std::string sweep = small_sweep(dir);
  EXPECT_EQ(salonsim(fmt::format("sweep {} -o {} --threads 0", sweep, dir.file("s.h5"))).exit_code,
            2);
  EXPECT_EQ(salonsim(fmt::format("sweep {}", sweep)).exit_code, 2);  // no -o
  const Result missing = salonsim(fmt::format("sweep {} -o s.h5", dir.file("none.yaml")));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.output, "no such file")) << missing.output;
  const Result no_dir = salonsim(fmt::format("sweep {} -o {} -q", sweep, dir.file("no/s.h5")));
  EXPECT_EQ(no_dir.exit_code, 1);
  EXPECT_TRUE(contains(no_dir.output, "does not exist")) << no_dir.output;
}

}  // namespace
}  // namespace salonsim
