// Hostile and careless input against the whole program (issue 18): each class of failure found
// by the battery has a test here that failed before the fix. No crash, no input overwritten, no
// silently incomplete result, bad input reported with its place, no runaway time or memory.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/utf8.hpp"
#include "tests/support/command.hpp"
#include "tests/support/hdf5_read.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::TempDir;

const std::string kScenarios = (fs::path(SALONSIM_SOURCE_DIR) / "scenarios").string();
const std::string kTownYaml = kScenarios + "/town.yaml";
const char* const kSmallRun = "--set town.population=400 --set run.years=0.3 -q";

CommandResult salonsim(const std::string& args) {
  return testing::run_command(fmt::format("'{}' {}", SALONSIM_BINARY, args));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// ---- crashes ---------------------------------------------------------------------------------

// A write that fails (here: the file-size limit, as a full disk) is reported and the program
// exits 1; HDF5's own shutdown used to crash afterwards (SIGSEGV, exit 139). Nothing is left.
TEST(Hardening, AFailedHdf5WriteExitsOneWithoutCrashingOrLeavingFiles) {
  TempDir dir;
  for (const char* command : {"run", "compare"}) {
    const std::string arms =
        std::string(command) == "run" ? kTownYaml : kTownYaml + " " + kTownYaml + " --replicates 2";
    const CommandResult r = testing::run_command(
        fmt::format("sh -c 'ulimit -f 100; trap \"\" XFSZ; exec \"{}\" {} {} -o \"{}\" --set "
                    "town.population=3000 --set run.years=0.5 -q'",
                    SALONSIM_BINARY, command, arms, dir.file("out.h5")));
    EXPECT_EQ(r.exit_code, 1) << command << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "File too large")) << r.output;
    EXPECT_TRUE(fs::is_empty(dir.path())) << command << " left a file behind";
  }
}

// std::regex recursed once per character of a --set key and overflowed the stack (exit 139).
TEST(Hardening, AVeryLongKeyPathIsRefusedNotACrash) {
  std::string path;
  for (int i = 0; i < 30000; ++i) path += "a.";
  const CommandResult r = salonsim(fmt::format("validate {} --set '{}b=1'", kTownYaml, path));
  EXPECT_EQ(r.exit_code, 2) << r.output.substr(0, 500);
  EXPECT_TRUE(contains(r.output, "is longer than any parameter's")) << r.output.substr(0, 500);
  EXPECT_LT(r.output.size(), 1000u) << "the key is echoed whole";
}

// ---- silently incomplete results -------------------------------------------------------------

std::string tiny_sweep(const TempDir& dir) {
  return dir.write("tiny.yaml", fmt::format(R"(scenario: {}
set: [town.population=300, run.years=0.3]
design: {{type: latin_hypercube, samples: 4, seed: 3}}
parameters:
  - {{key: health.certification.rate_at_65, min: 0.003, max: 0.005}}
outputs: [deaths]
groups: [all]
)",
                                            kTownYaml));
}

// --restart while another process runs the sweep used to pull its partial file away; the other
// process then marked an incomplete file complete. Now the output is locked for the work's life.
TEST(Hardening, ASweepRunningElsewhereCannotBeRestartedUnderIt) {
  TempDir dir;
  const std::string sweep = tiny_sweep(dir);
  const std::string output = dir.file("s.h5");
  // The lock another salonsim would hold.
  const int fd = ::open((output + ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  for (const char* flags : {"", "--restart"}) {
    const CommandResult r = salonsim(fmt::format("sweep '{}' -o '{}' -q {}", sweep, output, flags));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "another salonsim process is running this sweep")) << r.output;
  }
  ::close(fd);
  EXPECT_FALSE(fs::exists(output));
  const CommandResult r = salonsim(fmt::format("sweep '{}' -o '{}' -q", sweep, output));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(output));
  EXPECT_FALSE(fs::exists(output + ".lock"));
}

// A damaged row of a partial sweep file was trusted; now its checksum fails and it runs again,
// giving the same file as an undisturbed sweep.
TEST(Hardening, ADamagedRowOfAnInterruptedSweepRunsAgain) {
  TempDir dir;
  const std::string sweep = tiny_sweep(dir);
  const std::string clean = dir.file("clean.h5"), resumed = dir.file("resumed.h5");
  ASSERT_EQ(salonsim(fmt::format("sweep '{}' -o '{}' -q --threads 1", sweep, clean)).exit_code, 0);
  const CommandResult killed = testing::run_command(
      fmt::format("SALONSIM_SWEEP_KILL_AFTER_RUNS=3 '{}' sweep '{}' -o '{}' -q --threads 1",
                  SALONSIM_BINARY, sweep, resumed));
  ASSERT_TRUE(fs::exists(resumed + ".partial")) << killed.output;
  // Change the first done row's value, as a damaged disk or a careless edit would.
  const std::string partial = resumed + ".partial";
  ASSERT_EQ(testing::run_command(
                fmt::format("/usr/bin/python3 -c \"import h5py, numpy; f = h5py.File('{}', 'r+'); "
                            "i = int(numpy.flatnonzero(f['runs/done'][:])[0]); "
                            "o = f['runs/outputs']; o[i, 0] = o[i, 0] + 7; f.close()\"",
                            partial))
                .exit_code,
            0);
  const CommandResult r =
      salonsim(fmt::format("sweep '{}' -o '{}' -q --threads 1", sweep, resumed));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "1 runs in")) << r.output;
  EXPECT_TRUE(contains(r.output, "do not match their checksums")) << r.output;
  EXPECT_EQ(testing::read_doubles(resumed, "/runs/outputs"),
            testing::read_doubles(clean, "/runs/outputs"));
}

// ---- bad input accepted or reported badly ----------------------------------------------------

struct BadScenario {
  const char* text;
  const char* expected;  // "file:line:column: path: message" begins with this, after the file
};

TEST(Hardening, ScannerMistakesAreReportedWithTheirPosition) {
  TempDir dir;
  const BadScenario cases[] = {
      // yaml-cpp took the rest of the file into the name, so `bogus` was never seen.
      {"name: \"abc\nrun:\n  years: 1\n  bogus: 2\n",
       ":1:7: (top level): YAML syntax: this quote is never closed"},
      // 010 is 8 to YAML 1.1 and 10 to YAML 1.2.
      {"run:\n  seed: 010\n", ":2:9: run.seed: '010' has a leading zero"},
      {"run:\n  start_date: 2023-02-29\n",
       ":2:15: run.start_date: must be a date that exists, written YYYY-MM-DD, got '2023-02-29'"},
      {"name: caf\xe9\n", ":1:10: (top level): the file is not UTF-8 text"},
      {"name: a/b\n", ":1:7: name: a name names a group of the output"},
  };
  for (const BadScenario& c : cases) {
    const std::string file = dir.write("bad.yaml", c.text);
    const CommandResult r = salonsim("validate '" + file + "'");
    EXPECT_EQ(r.exit_code, 2) << c.text << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "bad.yaml" + std::string(c.expected))) << r.output;
  }
  // In a --set value too.
  const CommandResult r = salonsim(fmt::format("validate {} --set 'name=\"open'", kTownYaml));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "never closed")) << r.output;
}

// A file that names a pipe (`extends: /dev/stdin`) is refused at once: neither the output check
// before the run nor the loader reads it (the output check used to wait for the pipe to close).
TEST(Hardening, AScenarioExtendingAPipeIsRefusedWithoutWaitingOnIt) {
  TempDir dir;
  const std::string file = dir.write("stdin.yaml", "extends: /dev/stdin\n");
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A writer that keeps the pipe open and silent for longer than the timeout.
  const CommandResult r = testing::run_command(fmt::format(
      "sh -c 'sleep 30 > \"{0}\" 2>/dev/null & writer=$!; timeout 10 \"{1}\" run \"{2}\" -q "
      "-o \"{3}\" < \"{0}\"; status=$?; kill $writer; exit $status'",
      fifo, SALONSIM_BINARY, file, dir.file("out.h5")));
  EXPECT_EQ(r.exit_code, 2) << r.output;  // 124: it waited for the pipe
  EXPECT_TRUE(contains(r.output, "device, pipe or socket")) << r.output;
}

// A path that is not UTF-8 is written into the output's UTF-8 attributes made valid.
TEST(Hardening, TextThatIsNotUtf8NeverReachesTheOutput) {
  TempDir dir;
  const std::string odd = dir.file("caf\xe9.yaml");
  fs::copy_file(kTownYaml, odd);
  const std::string output = dir.file("out.h5");
  const CommandResult r = salonsim(fmt::format("run '{}' -o '{}' {}", odd, output, kSmallRun));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* attribute : {"scenario_file", "command_line"}) {
    const std::string text = testing::read_text(output, "/meta", attribute);
    EXPECT_FALSE(first_invalid_utf8(text).has_value()) << attribute << ": " << text;
    EXPECT_TRUE(contains(text, "caf\xef\xbf\xbd.yaml")) << text;
  }
}

TEST(Hardening, ArmNamesThatWouldMeetAreRefusedBeforeAnyRun) {
  TempDir dir;
  const std::string a = dir.write("a.yaml", "extends: " + kTownYaml + "\nname: a\n");
  const std::string a2 = dir.write("a2.yaml", "extends: " + kTownYaml + "\nname: a-2\n");
  const auto started = std::chrono::steady_clock::now();
  const CommandResult r = salonsim(fmt::format("compare '{}' '{}' '{}' -o '{}' --replicates 2 {}",
                                               a, a, a2, dir.file("c.h5"), kSmallRun));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "would both be written as 'a-2'")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("c.h5")));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(Hardening, SweepMistakesAreReportedWhereTheyAre) {
  TempDir dir;
  dir.write("base.yaml", "town:\n  population: lots\n");
  const std::string sweep = dir.write("sweep.yaml", R"(scenario: base.yaml
parameters:
  - {key: run.seed, min: 1, max: 9, integer: true}
  - {key: town.population, min: 400.2, max: 400.8, integer: true}
)");
  const CommandResult r =
      salonsim(fmt::format("sweep '{}' -o '{}' --dry-run", sweep, dir.file("s.h5")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // An integer range with no integer in it.
  EXPECT_TRUE(contains(r.output,
                       "sweep.yaml:4:61: parameters[1].integer: no whole number lies "
                       "between min and max"))
      << r.output;
  // A problem of the base scenario says which sweep named it, and where.
  const std::string fixed = dir.write("sweep2.yaml", R"(scenario: base.yaml
parameters:
  - {key: run.seed, min: 1, max: 9, integer: true}
)");
  const CommandResult base =
      salonsim(fmt::format("sweep '{}' -o '{}' --dry-run", fixed, dir.file("s.h5")));
  EXPECT_EQ(base.exit_code, 2) << base.output;
  EXPECT_TRUE(contains(base.output,
                       "base.yaml:2:15: town.population: expected an integer, got "
                       "'lots' (in the base scenario 'base.yaml' of the sweep at "))
      << base.output;
  EXPECT_TRUE(contains(base.output, "sweep2.yaml:1:11)")) << base.output;
  // run.seed was silently ignored: the sweep sets every run's seed.
  dir.write("base.yaml", "town:\n  population: 400\n");
  const CommandResult seed =
      salonsim(fmt::format("sweep '{}' -o '{}' --dry-run", fixed, dir.file("s.h5")));
  EXPECT_EQ(seed.exit_code, 2) << seed.output;
  EXPECT_TRUE(contains(seed.output,
                       "sweep2.yaml:3:11: parameters[0].key: run.seed cannot be "
                       "varied"))
      << seed.output;
}

// ---- runaway time and memory -----------------------------------------------------------------

TEST(Hardening, AFileOfManyUnknownKeysIsCheckedQuicklyAndReportedInAPage) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 200000; ++i) text += fmt::format("unknown_key_{}: 1\n", i);
  const std::string file = dir.write("many.yaml", text);
  const CommandResult r = salonsim("validate '" + file + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.output, "has 200000 problems")) << r.output.substr(0, 300);
  EXPECT_TRUE(contains(r.output, "... and 199950 more")) << r.output.substr(0, 300);
  EXPECT_LE(lines(r.output), 60u);
}

TEST(Hardening, AnEnormousSweepIsRefusedAtOnceEvenForADryRun) {
  TempDir dir;
  std::string text = fmt::format(
      "scenario: {}\ndesign: {{type: sobol, samples: 10000000}}\n"
      "parameters:\n",
      kTownYaml);
  for (int j = 0; j < 1000; ++j)
    text += fmt::format("  - {{key: health.certification.rate_at_{}, min: 0, max: 1}}\n", j);
  const std::string sweep = dir.write("huge.yaml", text);
  const auto started = std::chrono::steady_clock::now();
  const CommandResult r =
      salonsim(fmt::format("sweep '{}' -o '{}' --dry-run", sweep, dir.file("h.h5")));
  EXPECT_EQ(r.exit_code, 2) << r.output.substr(0, 500);
  EXPECT_TRUE(contains(r.output, "runs, more than the 1e+07 a sweep may have"))
      << r.output.substr(0, 2000);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_LE(lines(r.output), 60u);
}

// 50 million residents ended in std::bad_alloc after minutes; 2,000 replicates of a comparison
// likewise. Now the need is estimated first and refused with the figures.
TEST(Hardening, AJobThatCannotFitInMemoryIsRefusedWithTheEstimateAndTheLimit) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "an address-space limit (ulimit -v) cannot hold a sanitizer's shadow memory";
#endif
  TempDir dir;
  const auto started = std::chrono::steady_clock::now();
  // The largest town a scenario may have, on a machine (or under a limit) of 8 GB.
  CommandResult r =
      testing::run_command(fmt::format("sh -c 'ulimit -v 8000000; exec \"{}\" run \"{}\" -o \"{}\" "
                                       "--set town.population=50000000 -q'",
                                       SALONSIM_BINARY, kTownYaml, dir.file("big.h5")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "this needs about")) << r.output;
  EXPECT_TRUE(contains(r.output, "is available; use fewer residents")) << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // Under a 2 GB address-space limit, 2,000 replicates' records cannot be kept.
  r = testing::run_command(
      fmt::format("sh -c 'ulimit -v 2000000; exec \"{}\" compare \"{}/taketoyo.yaml\" "
                  "\"{}/taketoyo-no-salons.yaml\" -o \"{}\" --replicates 2000 -q'",
                  SALONSIM_BINARY, kScenarios, kScenarios, dir.file("c.h5")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "kept of finished runs for the analyses")) << r.output;
  EXPECT_TRUE(contains(r.output, "fewer replicates")) << r.output;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace salonsim
