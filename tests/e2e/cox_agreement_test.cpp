// The hazard ratios that `salonsim compare` reports agree with statsmodels' PHReg (Breslow ties)
// fitted to the same data read back from the output file.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCheck = R"(
import sys, h5py, numpy as np
from statsmodels.duration.hazard_regression import PHReg
f = h5py.File(sys.argv[1], "r")
reference = f["comparison"].attrs["reference"]
arms = f["comparison"].attrs["arms"].split("\n")
arm = [a for a in arms if a != reference][0]
def pooled(event_column, independent_only):
    times, events, covariate = [], [], []
    for name, x in ((arm, 1.0), (reference, 0.0)):
        for key in f["arms"][name]:
            if not key.startswith("replicate_"): continue
            g = f["arms"][name][key]
            a = {k: g["agents"][k][()] for k in ("entry_step", "certified0", "disability_step", "death_step")}
            steps = len(g["timeseries/step"])
            per_year = round(365.25 / f["meta"].attrs["days_per_step"])
            keep = a["entry_step"] < steps
            if independent_only: keep &= a["certified0"] == 0
            event = a[event_column]
            end = np.where(a["death_step"] >= 0, a["death_step"] + 1, steps)
            end = np.where(event >= 0, np.minimum(end, event + 1), end)
            times.append(((end - a["entry_step"]) / per_year)[keep])
            events.append((event >= 0)[keep])
            covariate.append(np.full(keep.sum(), x))
    fit = PHReg(np.concatenate(times), np.concatenate(covariate)[:, None],
                status=np.concatenate(events).astype(int), ties="breslow").fit()
    return float(fit.params[0])
group = f["comparison"][arm].attrs
for column, independent, attribute in (("disability_step", True, "log_hr_certification"),
                                       ("death_step", False, "log_hr_death")):
    python = pooled(column, independent)
    cpp = float(group[attribute])
    print(attribute, cpp, python, abs(cpp - python))
    if abs(cpp - python) > 1e-6: sys.exit(1)
)";

TEST(CoxAgreement, CompareHazardRatiosMatchStatsmodels) {
  if (std::system("/usr/bin/python3 -c 'import h5py, statsmodels' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with h5py and statsmodels is not installed (scripts/setup.sh "
                    "installs them)";
  }
  testing::TempDir dir;
  const std::string source = SALONSIM_SOURCE_DIR;
  const std::string command =
      std::string(SALONSIM_BINARY) + " compare " + source + "/scenarios/taketoyo-no-salons.yaml " +
      source + "/scenarios/taketoyo.yaml -q --replicates 2 --set town.population=2000 " +
      "--set run.years=2 -o " + dir.file("cmp.h5");
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ofstream(dir.file("check.py")) << kCheck;
  const std::string check = "/usr/bin/python3 " + dir.file("check.py") + " " + dir.file("cmp.h5");
  EXPECT_EQ(std::system(check.c_str()), 0)
      << "C++ and statsmodels hazard ratios differ by more than 1e-6";
}

}  // namespace
}  // namespace salonsim
