// `salonsim export FILE.h5 --csv DIR`: every table and timeseries of a results file as CSV, one
// file per table with the rows of every arm and replicate, read back with pandas and checked
// against h5py reading the HDF5 file; bad input exits 2 before writing anything.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;
using Result = testing::CommandResult;
using testing::TempDir;

const std::string kScenarios = std::string(SALONSIM_SOURCE_DIR) + "/scenarios/";

Result salonsim(const std::string& args) {
  return testing::run_command(fmt::format("'{}' {}", SALONSIM_BINARY, args));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string missing_python() {
  if (std::system("/usr/bin/python3 -c 'import h5py, pandas' >/dev/null 2>&1") != 0)
    return "/usr/bin/python3 with h5py and pandas is not installed (scripts/setup.sh installs "
           "them)";
  return {};
}

/// Runs a Python check (argv[1] = the HDF5 file, argv[2] = the CSV directory); "ok" expected.
::testing::AssertionResult python_agrees(const TempDir& dir, const std::string& code,
                                         const std::string& h5, const std::string& csv_dir) {
  const std::string script = dir.write("check.py", code);
  const Result r =
      testing::run_command(fmt::format("/usr/bin/python3 '{}' '{}' '{}'", script, h5, csv_dir));
  if (r.exit_code == 0 && contains(r.output, "ok")) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.output;
}

TEST(Export, ComparisonTablesCarryArmAndReplicateAndMatchTheFile) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  TempDir dir;
  // Arm names that need quoting in CSV: a comma, quotes and Japanese.
  const auto arm = [&](const std::string& file, const std::string& base,
                       const std::string& yaml_name) {
    return dir.write(file, fmt::format("extends: {}{}\nname: \"{}\"\ntown:\n  population: 600\n"
                                       "run:\n  years: 0.5\n",
                                       kScenarios, base, yaml_name));
  };
  const std::string east = arm("east.yaml", "town.yaml", "east, weekly");
  const std::string north = arm("north.yaml", "town-salons.yaml", "北部 \\\"new\\\"");
  ASSERT_EQ(salonsim(fmt::format("compare '{}' '{}' -o '{}' --replicates 2 -q", east, north,
                                 dir.file("cmp.h5")))
                .exit_code,
            0);
  const Result r =
      salonsim(fmt::format("export '{}' --csv '{}'", dir.file("cmp.h5"), dir.file("csv")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "agents.csv")) << r.output;
  for (const char* name : {"agents.csv", "timeseries.csv", "tallies.csv", "districts.csv",
                           "salons.csv", "salons_where_next.csv", "comparison.csv"})
    EXPECT_TRUE(fs::exists(dir.file("csv") + "/" + name)) << name;
  // Nothing but the CSVs: no temporary file left behind.
  for (const auto& entry : fs::directory_iterator(dir.file("csv")))
    EXPECT_EQ(entry.path().extension(), ".csv") << entry.path();

  EXPECT_TRUE(python_agrees(dir, R"(import sys
import h5py
import numpy as np
import pandas as pd
h5, out = sys.argv[1], sys.argv[2]
names = sorted(["east, weekly", '北部 "new"'])
agents = pd.read_csv(f"{out}/agents.csv", encoding="utf-8")
ts = pd.read_csv(f"{out}/timeseries.csv", encoding="utf-8")
districts = pd.read_csv(f"{out}/districts.csv", encoding="utf-8")
with h5py.File(h5, "r") as f:
    assert sorted(set(agents["arm"])) == names, sorted(set(agents["arm"]))
    assert sorted(set(agents["replicate"])) == [0, 1]
    # Every resident of every arm and replicate, in file order, with codes as names.
    for arm in names:
        for r in (0, 1):
            run = f["arms"][arm][f"replicate_{r}"]
            rows = agents[(agents["arm"] == arm) & (agents["replicate"] == r)]
            assert list(rows["id"]) == list(run["agents"]["id"][:])
            sex = np.where(run["agents"]["sex"][:] == 1, "female", "male")
            assert list(rows["sex"]) == list(sex)
            assert np.allclose(rows["age0"], run["agents"]["age0"][:])
            # Long form: four rows a step (income by sex), the counts as in [step, income, sex].
            t = ts[(ts["arm"] == arm) & (ts["replicate"] == r)]
            alive = run["timeseries"]["alive"][:]
            assert len(t) == 4 * alive.shape[0], (len(t), alive.shape)
            for _, row in t.head(8).iterrows():
                i = 1 if row["income"] == "low" else 0
                s = 1 if row["sex"] == "female" else 0
                assert row["alive"] == alive[row["step"], i, s], row
            assert list(t["date"][:1]) == [run["timeseries"]["date"].asstr()[0]]
    # Salon columns only in the salons arm: empty cells in the other.
    east = agents[agents["arm"] == "east, weekly"]
    assert east["salon_sessions"].isna().all()
    assert not agents[agents["arm"] != "east, weekly"]["salon_sessions"].isna().any()
    assert set(districts["name"]) == set(f["arms"][names[0]]["replicate_0"]["districts"]["name"].asstr()[:])
summary = pd.read_csv(f"{out}/comparison.csv", encoding="utf-8")
assert sorted(set(summary["arm"])) == names
print("ok")
)",
                            dir.file("cmp.h5"), dir.file("csv")));
}

TEST(Export, SingleRunHasNoArmOrReplicateColumns) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  TempDir dir;
  ASSERT_EQ(salonsim(fmt::format("run '{}town.yaml' --set town.population=500 --set run.years=0.5 "
                                 "-q -o '{}'",
                                 kScenarios, dir.file("run.h5")))
                .exit_code,
            0);
  const Result r =
      salonsim(fmt::format("export '{}' --csv '{}'", dir.file("run.h5"), dir.file("out/csv")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(python_agrees(dir, R"(import sys
import pandas as pd
out = sys.argv[2]
agents = pd.read_csv(f"{out}/agents.csv")
assert list(agents.columns[:3]) == ["id", "sex", "age0"], list(agents.columns[:6])
assert set(agents["transport"]) <= {"drives", "lifts", "none"}
ts = pd.read_csv(f"{out}/timeseries.csv")
assert list(ts.columns[:5]) == ["step", "day", "date", "income", "sex"], list(ts.columns[:6])
print("ok")
)",
                            dir.file("run.h5"), dir.file("out/csv")));
}

TEST(Export, BadInputExitsTwoBeforeWritingAnything) {
  TempDir dir;
  Result r =
      salonsim(fmt::format("export '{}' --csv '{}'", dir.file("missing.h5"), dir.file("csv")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "no such file")) << r.output;

  const std::string text = dir.write("notes.h5", "not HDF5\n");
  r = salonsim(fmt::format("export '{}' --csv '{}'", text, dir.file("csv")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "is not an HDF5 file")) << r.output;
  EXPECT_FALSE(fs::exists(dir.file("csv")));

  ASSERT_EQ(salonsim(fmt::format("run '{}town.yaml' --set town.population=300 --set run.years=0.2 "
                                 "-q -o '{}'",
                                 kScenarios, dir.file("run.h5")))
                .exit_code,
            0);
  const std::string file = dir.write("a-file", "x");
  r = salonsim(fmt::format("export '{}' --csv '{}'", dir.file("run.h5"), file));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "is a file, not a directory")) << r.output;

  r = salonsim(fmt::format("export '{}'", dir.file("run.h5")));  // --csv is required
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--csv")) << r.output;
}

}  // namespace
}  // namespace salonsim
