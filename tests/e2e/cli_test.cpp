// The salonsim command line, run as a separate process: flags, exit codes (0 ok, 1 run or
// output failure, 2 invalid input) and what each command prints.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include "tests/support/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;

const std::string kTownYaml = (fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / "town.yaml").string();
// A run of town.yaml that takes a fraction of a second.
const std::string kSmallRun = "--set town.population=500 --set run.years=0.5 -q";

using Result = testing::CommandResult;

/// Runs `salonsim ARGS` and captures its output and exit code.
Result salonsim(const std::string& args) {
  return testing::run_command(fmt::format("'{}' {}", SALONSIM_BINARY, args));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using testing::TempDir;

// ---- help and version ------------------------------------------------------------------------

TEST(Cli, HelpExitsZeroAndListsTheCommands) {
  const Result r = salonsim("--help");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "run")) << r.output;
  EXPECT_TRUE(contains(r.output, "validate")) << r.output;
  EXPECT_TRUE(contains(r.output, "describe")) << r.output;
}

TEST(Cli, VersionExitsZeroAndNamesTheProgram) {
  const Result r = salonsim("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("salonsim ", 0), 0u) << r.output;
}

// ---- bad flags -------------------------------------------------------------------------------

TEST(Cli, UnknownFlagExitsTwoNamingTheFlag) {
  const Result r = salonsim("validate " + kTownYaml + " --bogus");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--bogus")) << r.output;
}

TEST(Cli, UnknownFlagBeforeTheCommandExitsTwoNamingTheFlag) {
  const Result r = salonsim("--bogus validate " + kTownYaml);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--bogus")) << r.output;
}

TEST(Cli, NoCommandExitsTwo) {
  const Result r = salonsim("");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_FALSE(r.output.empty());
}

TEST(Cli, RunWithoutOutputExitsTwo) {
  const Result r = salonsim("run " + kTownYaml);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--output")) << r.output;
}

TEST(Cli, ZeroThreadsExitsTwo) {
  TempDir dir;
  const Result r = salonsim(
      fmt::format("run {} -o {} --threads 0 {}", kTownYaml, dir.file("out.h5"), kSmallRun));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--threads")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
}

TEST(Cli, ZeroReplicatesExitsTwo) {
  TempDir dir;
  const Result r = salonsim(
      fmt::format("run {} -o {} --replicates 0 {}", kTownYaml, dir.file("out.h5"), kSmallRun));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--replicates")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
}

// ---- bad scenarios ---------------------------------------------------------------------------

TEST(Cli, MissingScenarioFileExitsTwoNamingTheFile) {
  TempDir dir;
  const std::string missing = dir.file("nothere.yaml");
  const Result r = salonsim("validate " + missing);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, missing)) << r.output;
}

TEST(Cli, RunOfMissingScenarioExitsTwoAndWritesNothing) {
  TempDir dir;
  const std::string missing = dir.file("nothere.yaml");
  const Result r = salonsim(fmt::format("run {} -o {} -q", missing, dir.file("out.h5")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, missing)) << r.output;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Cli, InvalidScenarioExitsTwoWithFileLineAndColumn) {
  TempDir dir;
  const std::string bad = dir.write("bad.yaml", "town:\n  populaton: 5\n");
  const Result r = salonsim("validate " + bad);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, bad + ":2:3: town.populaton: unknown key 'populaton'; did you "
                                       "mean 'population'?"))
      << r.output;
}

TEST(Cli, RunOfInvalidScenarioExitsTwoAndWritesNothing) {
  TempDir dir;
  const std::string bad = dir.write("bad.yaml", "run:\n  years: 0\n");
  const Result r = salonsim(fmt::format("run {} -o {} -q", bad, dir.file("out.h5")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, bad + ":2:10: run.years: must be in (0, 100], got 0")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
}

TEST(Cli, EveryProblemIsPrinted) {
  TempDir dir;
  const std::string bad =
      dir.write("bad.yaml", "run:\n  years: 0\ntown:\n  populaton: 5\n  density: x\n");
  const Result r = salonsim("validate " + bad);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "3 problems")) << r.output;
  EXPECT_TRUE(contains(r.output, bad + ":2:10: run.years")) << r.output;
  EXPECT_TRUE(contains(r.output, bad + ":4:3: town.populaton")) << r.output;
  EXPECT_TRUE(contains(r.output, bad + ":5:3: town.density")) << r.output;
}

TEST(Cli, InvalidOverrideExitsTwo) {
  const Result r = salonsim("validate " + kTownYaml + " --set town.populaton=5");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "did you mean 'population'?")) << r.output;
}

// ---- output failures -------------------------------------------------------------------------

TEST(Cli, OutputIntoMissingDirectoryExitsOneAndCreatesNothing) {
  TempDir dir;
  const fs::path missing_dir = dir.path() / "missing";
  const std::string output = (missing_dir / "out.h5").string();
  const Result r = salonsim(fmt::format("run {} -o {} {}", kTownYaml, output, kSmallRun));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, output)) << r.output;
  EXPECT_FALSE(fs::exists(missing_dir));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Cli, OutputThatIsADirectoryExitsOne) {
  TempDir dir;
  const Result r =
      salonsim(fmt::format("run {} -o {} {}", kTownYaml, dir.path().string(), kSmallRun));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// ---- validate and describe -------------------------------------------------------------------

TEST(Cli, ValidateTownYamlExitsZero) {
  const Result r = salonsim("validate scenarios/town.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "ok")) << r.output;
  EXPECT_TRUE(contains(r.output, "10000 residents")) << r.output;
}

TEST(Cli, ValidateAppliesOverrides) {
  const Result r = salonsim("validate " + kTownYaml + " --set town.population=1234");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "1234 residents")) << r.output;
}

TEST(Cli, DescribePrintsTheParameterDictionary) {
  const Result r = salonsim("describe");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "town.population = 10000")) << r.output;
  EXPECT_TRUE(contains(r.output, "health.mortality.hr_isolated")) << r.output;
}

TEST(Cli, DescribeWithPrefixPrintsOnlyThoseKeys) {
  const Result r = salonsim("describe health.");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "health.mortality.hr_isolated")) << r.output;
  EXPECT_FALSE(contains(r.output, "town.population")) << r.output;
}

TEST(Cli, DescribeMarkdownStartsWithATableHeader) {
  const Result r = salonsim("describe --markdown");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("| key | default | unit | valid values | meaning | source |\n"
                           "|---|---|---|---|---|---|\n",
                           0),
            0u)
      << r.output.substr(0, 200);
  EXPECT_TRUE(contains(r.output, "| `town.population` | 10000 |")) << r.output;
}

// ---- run -------------------------------------------------------------------------------------

TEST(Cli, ShortRunExitsZeroAndLeavesOnlyTheOutputFile) {
  TempDir dir;
  const std::string output = dir.file("out.h5");
  const Result r = salonsim(fmt::format("run {} -o {} {}", kTownYaml, output, kSmallRun));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::is_regular_file(output));
  EXPECT_GT(fs::file_size(output), 0u);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name, "out.h5") << "left behind: " << name;
    EXPECT_FALSE(name.starts_with(".") && contains(name, ".tmp-")) << name;
  }
}

TEST(Cli, QuietRunPrintsNothing) {
  TempDir dir;
  const Result r =
      salonsim(fmt::format("run {} -o {} {}", kTownYaml, dir.file("out.h5"), kSmallRun));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST(Cli, RunWithReplicatesAndThreadsExitsZero) {
  TempDir dir;
  const std::string output = dir.file("out.h5");
  const Result r = salonsim(fmt::format("run {} -o {} --replicates 2 --threads 2 --seed 7 {}",
                                        kTownYaml, output, kSmallRun));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::is_regular_file(output));
}

TEST(Cli, RunReplacesAnExistingOutputFile) {
  TempDir dir;
  const std::string output = dir.write("out.h5", "not an HDF5 file");
  const Result r = salonsim(fmt::format("run {} -o {} {}", kTownYaml, output, kSmallRun));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GT(fs::file_size(output), std::string("not an HDF5 file").size());
}

// A run stopped part-way (SIGTERM after half a second, long before it could finish) leaves no
// file under the final name and no hidden temporary file either.
TEST(CliInterrupt, TerminatedRunLeavesNoFileBehind) {
  TempDir dir;
  const fs::path output = dir.path() / "big.h5";
  const std::string command = fmt::format(
      "timeout -s TERM 0.5 '{}' run '{}' -q -o '{}' --set town.population=300000 "
      "--set run.years=50 >/dev/null 2>&1",
      SALONSIM_BINARY, kTownYaml, output.string());
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 124) << "timeout must have stopped the run";
  EXPECT_FALSE(fs::exists(output));
  EXPECT_TRUE(fs::is_empty(dir.path())) << "a temporary file was left behind";
}

// Under `nohup` SIGHUP is ignored, and the run must go on when the terminal closes: the program
// leaves an ignored signal ignored (issue 18: it used to install its own handler and die).
TEST(CliInterrupt, IgnoredHangUpLetsTheRunFinish) {
  TempDir dir;
  const fs::path output = dir.path() / "out.h5";
  const std::string command = fmt::format(
      "sh -c 'trap \"\" HUP; \"{}\" run \"{}\" -q -o \"{}\" --set town.population=3000 "
      "--set run.years=3 & pid=$!; sleep 0.3; kill -HUP $pid; wait $pid' >/dev/null 2>&1",
      SALONSIM_BINARY, kTownYaml, output.string());
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the hang-up stopped the run";
  EXPECT_TRUE(fs::is_regular_file(output));
}

// A comparison's CSV that cannot take its final name (a directory is in the way) fails with a
// message and leaves no temporary file behind (issue 18: it left `cmp.csv.tmp`).
TEST(CliCompare, CsvThatCannotBeRenamedLeavesNoTemporaryFile) {
  TempDir dir;
  fs::create_directories(dir.path() / "cmp.csv" / "in-the-way");
  const Result r =
      salonsim(fmt::format("compare {} {} -o {} --replicates 2 -q --set "
                           "town.population=500 --set run.years=0.2",
                           kTownYaml, kTownYaml, dir.file("cmp.h5")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "cmp.csv")) << r.output;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "cmp.csv" || name == "cmp.h5") << "left behind: " << name;
  }
}

// ---- the output-path policy (issue 18): an output never replaces an input, a device or its own
// companion file; refused with exit 2 before any work, the input untouched.

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(CliOutputPolicy, OutputThatIsTheScenarioOrItsBaseIsRefusedAndTheInputKept) {
  TempDir dir;
  const std::string base = dir.write("base.yaml", "town:\n  population: 300\nrun:\n  years: 0.2\n");
  const std::string child = dir.write("child.yaml", "extends: base.yaml\nname: child\n");
  for (const std::string& output : {child, base}) {
    const std::string before = read_file(output);
    const Result r = salonsim(fmt::format("run '{}' -q -o '{}'", child, output));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "is an input of this command")) << r.output;
    EXPECT_EQ(read_file(output), before) << output << " was changed";
  }
  // An arm of a comparison, and a sweep's base scenario, alike.
  Result r =
      salonsim(fmt::format("compare '{}' '{}' -q --replicates 2 -o '{}'", kTownYaml, child, base));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const std::string sweep =
      dir.write("sweep.yaml",
                "name: s\nscenario: child.yaml\ndesign: {type: grid}\nparameters:\n"
                "  - {key: town.population, name: n, values: [300, 400]}\n"
                "outputs: [certifications]\n");
  r = salonsim(fmt::format("sweep '{}' -q -o '{}'", sweep, base));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "is an input of this command")) << r.output;
}

TEST(CliOutputPolicy, CompareOutputNamedCsvWouldBeWrittenTwice) {
  TempDir dir;
  const Result r = salonsim(fmt::format("compare '{}' '{}' -o '{}' {}", kTownYaml, kTownYaml,
                                        dir.file("cmp.csv"), kSmallRun));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "would be written twice")) << r.output;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Cli, NegativeSeedIsRefusedNotWrappedRound) {
  TempDir dir;
  for (const char* command : {"run", "compare"}) {
    const std::string arms =
        std::string(command) == "run" ? kTownYaml : kTownYaml + " " + kTownYaml;
    const Result r = salonsim(
        fmt::format("{} {} --seed -1 -o '{}' {}", command, arms, dir.file("out.h5"), kSmallRun));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "a seed is a whole number from 0")) << r.output;
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(CliOutputPolicy, OutputOntoAPipeIsRefused) {
  TempDir dir;
  const fs::path pipe = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  const Result r =
      salonsim(fmt::format("run '{}' -o '{}' {}", kTownYaml, pipe.string(), kSmallRun));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "device, pipe or socket")) << r.output;
  EXPECT_TRUE(fs::is_fifo(pipe)) << "the pipe was replaced";
}

const std::string kNoSalonsYaml =
    (fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / "taketoyo-no-salons.yaml").string();
const std::string kSalonsYaml =
    (fs::path(SALONSIM_SOURCE_DIR) / "scenarios" / "taketoyo.yaml").string();
const char* const kSmallComparison =
    "--replicates 2 -q --set town.population=1500 --set run.years=1";

TEST(CliCompare, WritesTheFileAndTheCsvAndPrintsTheTable) {
  TempDir dir;
  const Result r = salonsim(
      fmt::format("compare {} {} -o {} --replicates 3 --set town.population=1500 --set run.years=1",
                  kNoSalonsYaml, kSalonsYaml, dir.file("cmp.h5")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir.file("cmp.h5")));
  EXPECT_TRUE(fs::exists(dir.file("cmp.csv")));
  EXPECT_TRUE(contains(r.output, "taketoyo against taketoyo-no-salons")) << r.output;
  EXPECT_TRUE(contains(r.output, "variance reduction")) << r.output;
  EXPECT_TRUE(contains(r.output, "low_income_women")) << r.output;
}

TEST(CliCompare, ABadArmFailsBeforeAnyRun) {
  TempDir dir;
  const std::string bad = dir.write("bad.yaml", "town:\n  populaton: 5\n");
  const Result r = salonsim(fmt::format("compare {} {} -o {} {}", kNoSalonsYaml, bad,
                                        dir.file("cmp.h5"), kSmallComparison));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "did you mean 'population'")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("cmp.h5")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1)
      << "only bad.yaml";
}

TEST(CliCompare, UnknownReferenceFailsNamingTheArms) {
  TempDir dir;
  const Result r = salonsim(fmt::format("compare {} {} -o {} --reference nope {}", kNoSalonsYaml,
                                        kSalonsYaml, dir.file("cmp.h5"), kSmallComparison));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "taketoyo-no-salons, taketoyo")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("cmp.h5")));
}

TEST(CliCompare, NeedsTwoArmsAndTwoReplicates) {
  TempDir dir;
  EXPECT_EQ(salonsim(fmt::format("compare {} -o {}", kSalonsYaml, dir.file("c.h5"))).exit_code, 2);
  EXPECT_EQ(salonsim(fmt::format("compare {} {} -o {} --replicates 1", kNoSalonsYaml, kSalonsYaml,
                                 dir.file("c.h5")))
                .exit_code,
            2);
}

TEST(CliCompare, CsvRoundTripsArmNamesWithCommasQuotesAndJapanese) {
  if (std::system("/usr/bin/python3 -c 'import h5py, pandas' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with h5py and pandas is not installed (scripts/setup.sh "
                    "installs them)";
  }
  TempDir dir;
  // `yaml_name` is the name as written inside a double-quoted YAML string.
  const auto arm = [&](const std::string& file, const std::string& yaml_name) {
    return dir.write(file, fmt::format("extends: {}\nname: \"{}\"\ntown:\n  population: 800\n"
                                       "run:\n  years: 1\n",
                                       kTownYaml, yaml_name));
  };
  const std::string east = arm("east.yaml", "east, weekly");
  const std::string north = arm("north.yaml", "北部 \\\"new\\\"");  // 北部 "new"
  const Result r = salonsim(
      fmt::format("compare '{}' '{}' -o '{}' --replicates 2 -q", east, north, dir.file("cmp.h5")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // pandas rejects a row with more fields than the header, so an unquoted comma would fail; a
  // quote inside a field must be doubled to read back.
  const std::string check = dir.write("check.py", R"(import sys
import h5py
import pandas as pd
names = sorted(["east, weekly", '北部 "new"'])
csv = pd.read_csv(sys.argv[1], encoding="utf-8")
assert sorted(set(csv["arm"])) == names, sorted(set(csv["arm"]))
assert (csv["arm"] == "east, weekly").sum() == (csv["arm"] == '北部 "new"').sum()
with h5py.File(sys.argv[2], "r") as f:
    assert sorted(f["arms"]) == names, sorted(f["arms"])
print("ok")
)");
  const Result python = testing::run_command(fmt::format("/usr/bin/python3 '{}' '{}' '{}'", check,
                                                         dir.file("cmp.csv"), dir.file("cmp.h5")));
  EXPECT_EQ(python.exit_code, 0) << python.output;
  std::ifstream csv(dir.file("cmp.csv"));
  const std::string text((std::istreambuf_iterator<char>(csv)), {});
  EXPECT_NE(text.find("\n\"east, weekly\",all,"), std::string::npos) << text.substr(0, 400);
  EXPECT_NE(text.find("\n\"北部 \"\"new\"\"\",all,"), std::string::npos) << text.substr(0, 400);
}

TEST(Cli, DescribeAnUnknownPrefixExitsTwoWithTheNearestSection) {
  Result r = salonsim("describe helth.");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(
      contains(r.output, "error: no parameter starts with 'helth.'; did you mean 'health.'?"))
      << r.output;
  r = salonsim("describe zzzzzzzz");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "`salonsim describe` lists them all")) << r.output;
}

TEST(Cli, OutputToStandardOutputIsRefusedBeforeAnyWork) {
  TempDir dir;
  for (const std::string& args : std::vector<std::string>{
           "run " + kTownYaml + " -o -", "compare " + kTownYaml + " " + kTownYaml + " -o -",
           "sweep x.yaml -o -", "trial x.yaml -o -", "calibrate x.yaml -o -"}) {
    const Result r = testing::run_command(
        fmt::format("cd '{}' && '{}' {}", dir.path().string(), SALONSIM_BINARY, args));
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "error: -o -: salonsim writes its results to an HDF5 file"))
        << r.output;
    EXPECT_FALSE(fs::exists(dir.path() / "-")) << args;
  }
}

TEST(Cli, CompareHelpSaysTwoOrMoreScenarios) {
  const Result r = salonsim("compare --help");
  EXPECT_TRUE(contains(r.output, "scenarios TEXT ... REQUIRED two or more")) << r.output;
  EXPECT_FALSE(contains(r.output, "x 2")) << r.output;
}

}  // namespace
}  // namespace salonsim
