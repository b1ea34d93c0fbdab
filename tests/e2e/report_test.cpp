// analysis/report.py turns a `salonsim compare` file into an HTML report: index.html with the
// summary tables, the arm names and one <img> per figure whose PNG exists beside it; a missing
// or invalid input exits non-zero with a message.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;

const std::string kSource = SALONSIM_SOURCE_DIR;
const std::string kReport = kSource + "/analysis/report.py";

using Result = testing::CommandResult;

Result run(const std::string& command) {
  return testing::run_command(command);
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Why the report cannot run here, or empty when it can.
std::string missing_python() {
  if (!fs::exists("/usr/bin/python3")) return "/usr/bin/python3 is not installed";
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy, pandas, matplotlib' >/dev/null 2>&1") !=
      0) {
    return "/usr/bin/python3 lacks h5py, numpy, pandas or matplotlib (scripts/setup.sh installs "
           "them)";
  }
  return {};
}

/// Compares two shipped scenarios with the built binary (with `flags`) into dir/cmp.h5 and
/// writes its report into dir/report.
::testing::AssertionResult compare_and_report(const testing::TempDir& dir, const std::string& a,
                                              const std::string& b, const std::string& flags) {
  const Result compare =
      run(fmt::format("'{}' compare {}/scenarios/{} {}/scenarios/{} -o '{}' -q {}", SALONSIM_BINARY,
                      kSource, a, kSource, b, dir.file("cmp.h5"), flags));
  if (compare.exit_code != 0) return ::testing::AssertionFailure() << compare.output;
  const Result report = run(fmt::format("/usr/bin/python3 '{}' '{}' -o '{}'", kReport,
                                        dir.file("cmp.h5"), (dir.path() / "report").string()));
  if (report.exit_code != 0) return ::testing::AssertionFailure() << report.output;
  return ::testing::AssertionSuccess();
}

TEST(Report, WritesIndexWithTablesArmsAndEveryFigure) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  ASSERT_TRUE(compare_and_report(dir, "taketoyo-no-salons.yaml", "taketoyo.yaml",
                                 "--replicates 2 --set town.population=2000 --set run.years=2"));
  const fs::path out = dir.path() / "report";
  ASSERT_TRUE(fs::exists(out / "index.html"));
  const std::string html = read(out / "index.html");

  // Every figure: an <img> with a relative link to a PNG that exists and is a PNG.
  for (const std::string figure :
       {"survival.png", "participation.png", "map.png", "effects.png", "standard_errors.png"}) {
    EXPECT_TRUE(contains(html, "<img src='" + figure + "'")) << figure;
    ASSERT_TRUE(fs::exists(out / figure)) << figure;
    EXPECT_GT(fs::file_size(out / figure), 1000u) << figure;
    EXPECT_EQ(read(out / figure).substr(1, 3), "PNG") << figure;
  }
  // The summary tables: per-arm outcomes and the differences from the reference.
  EXPECT_TRUE(contains(html, "<table class=summary id=arms>"));
  EXPECT_TRUE(contains(html, "data-arm='taketoyo'"));
  EXPECT_TRUE(contains(html, "new LTC certifications"));
  EXPECT_TRUE(contains(html, "low-income women"));
  EXPECT_TRUE(contains(html, "VR "));
  // The arms, the reference and the run's particulars.
  EXPECT_TRUE(contains(html, "taketoyo-no-salons (reference)"));
  EXPECT_TRUE(contains(html, "Differences: taketoyo − taketoyo-no-salons"));
  EXPECT_TRUE(contains(html, "2 replicates"));
  EXPECT_TRUE(contains(html, "seed 2007"));
  // summary.csv is the comparison's CSV, as salonsim wrote it beside the HDF5 file.
  ASSERT_TRUE(fs::exists(out / "summary.csv"));
  EXPECT_EQ(read(out / "summary.csv"), read(dir.path() / "cmp.csv"));
  // Neither arm has social prescribing: no such section or figure.
  EXPECT_FALSE(contains(html, "Social prescribing"));
  EXPECT_FALSE(fs::exists(out / "sp_waiting.png"));
}

/// The part of html from `start` to the end of the table that follows it, or empty.
std::string table_from(const std::string& html, const std::string& start) {
  const auto begin = html.find(start);
  if (begin == std::string::npos) return {};
  const auto end = html.find("</table>", begin);
  return html.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

TEST(Report, SocialPrescribingSectionWhenAnArmHasIt) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  ASSERT_TRUE(compare_and_report(dir, "akita-rural-social-prescribing.yaml",
                                 "akita-rural-social-prescribing-shuttle.yaml",
                                 "--replicates 2 --set run.years=2"));
  const fs::path out = dir.path() / "report";
  const std::string html = read(out / "index.html");

  // The section, after the differences and before the figures, with a sentence per arm.
  const auto section = html.find("<h2 id=social-prescribing>Social prescribing</h2>");
  ASSERT_NE(section, std::string::npos);
  EXPECT_LT(html.find("Differences: akita-rural-social-prescribing-shuttle"), section);
  EXPECT_LT(section, html.find("<h2>Figures</h2>"));
  EXPECT_TRUE(contains(html, "In akita-rural-social-prescribing, doctors screened "));
  EXPECT_TRUE(contains(html, "In akita-rural-social-prescribing-shuttle, doctors screened "));
  // The pathway: one row per arm.
  const std::string pathway = table_from(html, "id=sp-pathway");
  for (const std::string arm :
       {"akita-rural-social-prescribing", "akita-rural-social-prescribing-shuttle"}) {
    EXPECT_TRUE(contains(pathway, "<th class=row>" + arm + "</th>")) << arm;
  }
  EXPECT_TRUE(contains(pathway, "mean wait for a link worker (weeks)"));
  // By income group and sex.
  EXPECT_TRUE(contains(table_from(html, "id=sp-groups"), "low-income men"));
  // Who was reached: every row of /social_prescribing_reach.
  const std::string reach = table_from(html, "id=sp-reach");
  for (const std::string row :
       {"all residents", "low income", "high income", "men", "women",
        "isolated (contact &lt; 1/week)", "living alone", "without a car"}) {
    EXPECT_TRUE(contains(reach, "<th class=row>" + row + "</th>")) << row;
  }
  // The waiting-list figure.
  EXPECT_TRUE(contains(html, "<img src='sp_waiting.png'"));
  ASSERT_TRUE(fs::exists(out / "sp_waiting.png"));
  EXPECT_EQ(read(out / "sp_waiting.png").substr(1, 3), "PNG");
}

TEST(Report, MissingInputExitsNonZeroNamingTheFile) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  const Result r = run(fmt::format("/usr/bin/python3 '{}' '{}' -o '{}'", kReport,
                                   dir.file("missing.h5"), dir.file("report")));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "missing.h5")) << r.output;
  EXPECT_FALSE(fs::exists(dir.path() / "report" / "index.html"));
}

TEST(Report, FileThatIsNotAComparisonExitsNonZero) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  const std::string text = dir.write("text.h5", "not an HDF5 file\n");
  const Result r =
      run(fmt::format("/usr/bin/python3 '{}' '{}' -o '{}'", kReport, text, dir.file("report")));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "not an HDF5 file")) << r.output;
}

}  // namespace
}  // namespace salonsim
