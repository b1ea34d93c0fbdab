// analysis/sweep_report.py turns a `salonsim sweep` file into an HTML report: index.html with the
// sweep's particulars, every parameter, the indices ("mu*" for Morris) and one <img> per figure
// whose PNG exists beside it, and indices.csv with one row per (output, parameter, index). A
// missing file, a file that is not a sweep, or an unfinished sweep (a `.partial` file) exits 2
// with a message that says what to do.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;

const std::string kSource = SALONSIM_SOURCE_DIR;
const std::string kScript = kSource + "/analysis/sweep_report.py";
const std::vector<std::string> kParameters = {"join_odds", "certification_rate_at_65",
                                              "salon_count"};
const std::vector<std::string> kColumns = {"certifications_per_1000_py.all", "participation.all"};
const std::vector<std::string> kMorrisIndices = {"mu_star", "sigma", "mu"};

using Result = testing::CommandResult;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value);
}

/// Why the report cannot run here, or empty when it can.
std::string missing_python() {
  if (!fs::exists("/usr/bin/python3")) return "/usr/bin/python3 is not installed";
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy, matplotlib' >/dev/null 2>&1") != 0) {
    return "/usr/bin/python3 lacks h5py, numpy or matplotlib (scripts/setup.sh installs them)";
  }
  return {};
}

/// A small Morris sweep: 3 parameters, 4 trajectories (16 runs), 1,500 residents, 2 years.
std::string write_sweep(const testing::TempDir& dir) {
  return dir.write("sweep.yaml", fmt::format(R"(name: sweep-report-test
description: A tiny Morris screening for the sweep report test.
scenario: {}/scenarios/taketoyo.yaml
set:
  - town.population=1500
  - run.years=2
design:
  type: morris
  trajectories: 4
  levels: 4
  seed: 5
replicates: 1
seeds: common
parameters:
  - key: interventions[0].participation.join_odds
    name: join_odds
    distribution: log_uniform
    min: 0.004
    max: 0.015
  - key: health.certification.rate_at_65
    name: certification_rate_at_65
    min: 0.003
    max: 0.005
  - key: interventions[0].placement.count
    name: salon_count
    min: 4
    max: 16
    integer: true
outputs: [certifications_per_1000_py, participation]
groups: [all]
)",
                                             kSource));
}

Result sweep(const std::string& sweep_file, const std::string& output,
             const std::string& environment = "") {
  return testing::run_command(fmt::format("{} '{}' sweep '{}' -o '{}' -q", environment,
                                          SALONSIM_BINARY, sweep_file, output));
}

Result report(const std::string& input, const std::string& output) {
  return testing::run_command(
      fmt::format("/usr/bin/python3 '{}' '{}' -o '{}'", kScript, input, output));
}

TEST(SweepReport, MorrisSweepGivesIndexFiguresAndIndicesCsv) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  const Result made = sweep(write_sweep(dir), dir.file("sweep.h5"));
  ASSERT_EQ(made.exit_code, 0) << made.output;

  const fs::path out = dir.path() / "report";
  const Result r = report(dir.file("sweep.h5"), out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(fs::exists(out / "index.html")) << r.output;
  EXPECT_TRUE(contains(r.output, (out / "index.html").string())) << r.output;
  const std::string html = read(out / "index.html");

  // The header: name, description, design, every parameter, the sweep file itself.
  EXPECT_TRUE(contains(html, "sweep-report-test"));
  EXPECT_TRUE(contains(html, "A tiny Morris screening for the sweep report test."));
  EXPECT_TRUE(contains(html, "morris (4 trajectories, 4 levels)"));
  EXPECT_TRUE(contains(html, "<pre id=sweep-yaml>"));
  EXPECT_TRUE(contains(html, "health.certification.rate_at_65"));
  for (const std::string& p : kParameters) EXPECT_TRUE(contains(html, p)) << p;
  // The indices, per output column.
  EXPECT_TRUE(contains(html, "mu*"));
  for (const std::string& c : kColumns) {
    EXPECT_TRUE(contains(html, "data-output='" + c + "'")) << c;
  }

  // Every figure: an <img> with a relative link to a PNG that exists; two per output column.
  const std::regex img("<img src='([^']+)'");
  int figures = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), img); it != std::sregex_iterator();
       ++it, ++figures) {
    const std::string name = (*it)[1];
    ASSERT_TRUE(fs::exists(out / name)) << name;
    EXPECT_GT(fs::file_size(out / name), 1000u) << name;
    EXPECT_EQ(read(out / name).substr(1, 3), "PNG") << name;
  }
  EXPECT_EQ(figures, 2 * static_cast<int>(kColumns.size()));

  // indices.csv: one row per (output, parameter, index), each with a number; mu* with its
  // interval.
  ASSERT_TRUE(fs::exists(out / "indices.csv"));
  const std::vector<std::string> rows = split(read(out / "indices.csv"), '\n');
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front(), "output,parameter,index,estimate,low,high");
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].empty()) continue;
    const std::vector<std::string> cells = split(rows[i], ',');
    ASSERT_EQ(cells.size(), 6u) << rows[i];
    EXPECT_TRUE(seen.insert({cells[0], cells[1], cells[2]}).second) << "twice: " << rows[i];
    EXPECT_TRUE(is_number(cells[3])) << rows[i];
    if (cells[2] == "mu_star") {
      EXPECT_TRUE(is_number(cells[4]) && is_number(cells[5])) << rows[i];
      EXPECT_LE(std::stod(cells[4]), std::stod(cells[5])) << rows[i];
    }
  }
  std::set<std::tuple<std::string, std::string, std::string>> expected;
  for (const std::string& c : kColumns) {
    for (const std::string& p : kParameters) {
      for (const std::string& index : kMorrisIndices) expected.insert({c, p, index});
    }
  }
  EXPECT_EQ(seen, expected);

  // --outputs keeps only the columns asked for; an unknown one exits 2 naming it.
  const fs::path one = dir.path() / "one";
  const Result only = testing::run_command(
      fmt::format("/usr/bin/python3 '{}' '{}' -o '{}' --outputs participation.all", kScript,
                  dir.file("sweep.h5"), one.string()));
  ASSERT_EQ(only.exit_code, 0) << only.output;
  const std::string one_html = read(one / "index.html");
  EXPECT_TRUE(contains(one_html, "data-output='participation.all'"));
  EXPECT_FALSE(contains(one_html, "data-output='certifications_per_1000_py.all'"));
  const Result unknown = testing::run_command(
      fmt::format("/usr/bin/python3 '{}' '{}' -o '{}' --outputs no_such_output", kScript,
                  dir.file("sweep.h5"), dir.file("unknown")));
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_TRUE(contains(unknown.output, "no_such_output")) << unknown.output;
}

TEST(SweepReport, MissingFileExitsTwoNamingIt) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  const Result r = report(dir.file("missing.h5"), dir.file("report"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "missing.h5")) << r.output;
  EXPECT_TRUE(contains(r.output, "no such file")) << r.output;
  EXPECT_FALSE(fs::exists(dir.path() / "report" / "index.html"));
}

TEST(SweepReport, FileThatIsNotASweepExitsTwo) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  const std::string text = dir.write("text.h5", "not an HDF5 file\n");
  const Result r = report(text, dir.file("report"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "not an HDF5 file")) << r.output;
}

TEST(SweepReport, UnfinishedSweepExitsTwoAndSaysHowToResume) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  // The sweep kills itself after 3 runs, leaving sweep.h5.partial and no sweep.h5.
  const Result killed =
      sweep(write_sweep(dir), dir.file("sweep.h5"), "SALONSIM_SWEEP_KILL_AFTER_RUNS=3");
  EXPECT_NE(killed.exit_code, 0) << killed.output;
  ASSERT_TRUE(fs::exists(dir.path() / "sweep.h5.partial")) << killed.output;
  ASSERT_FALSE(fs::exists(dir.path() / "sweep.h5"));

  // Asked for the partial file itself, or for the output the sweep command was given.
  for (const std::string& input : {dir.file("sweep.h5.partial"), dir.file("sweep.h5")}) {
    const Result r = report(input, dir.file("report"));
    EXPECT_EQ(r.exit_code, 2) << input << ": " << r.output;
    EXPECT_TRUE(contains(r.output,
                         "the sweep has not finished; run the same salonsim sweep "
                         "command again to resume it"))
        << input << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "of 16 runs done")) << input << ": " << r.output;
    EXPECT_FALSE(fs::exists(dir.path() / "report" / "index.html"));
  }
}

}  // namespace
}  // namespace salonsim
