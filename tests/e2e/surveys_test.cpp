// Survey waves end to end: a scenario with `surveys: {years: [0, 1]}` run by the command line
// writes /surveys/wave_0 and /surveys/wave_1, read back with h5py and checked against /agents.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;

const std::string kSource = SALONSIM_SOURCE_DIR;

/// Why h5py cannot run here, or empty when it can.
std::string missing_python() {
  if (!fs::exists("/usr/bin/python3")) return "/usr/bin/python3 is not installed";
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0)
    return "/usr/bin/python3 lacks h5py or numpy (scripts/setup.sh installs them)";
  return {};
}

// One year of weekly steps is 52 steps (365.25 / 7 = 52.18), so the wave at year 1 is the state
// at the end of the run, and /agents' columns at the end can be compared with it.
constexpr const char* kCheckWaves = R"(
import sys
import h5py
import numpy as np

with h5py.File(sys.argv[1], "r") as f:
    assert sorted(f["surveys"].keys()) == ["wave_0", "wave_1"], list(f["surveys"].keys())
    agents = {name: column[:] for name, column in f["agents"].items()}
    w0, w1 = f["surveys/wave_0"], f["surveys/wave_1"]
    assert w0.attrs["step"] == 0 and w0.attrs["years"] == 0.0
    assert w1.attrs["step"] == 52, w1.attrs["step"]
    assert abs(w1.attrs["years"] - 52 * 7 / 365.25) < 1e-12
    expected = ["id", "alive", "age", "certified", "isolated", "weekly_contacts",
                "contacts_family_per_week", "contacts_friends_per_week",
                "salon_sessions", "last_salon_step", "salon_member", "poor_food_access",
                "poor_food_access_steps", "in_hardship"]
    # Each kind of the town's groups: membership, sessions so far, the last one, and the
    # hazard ratios it gives (what a study of the kind reads).
    for kind in ["sports", "hobby", "volunteer", "senior_club", "neighbourhood_association"]:
        expected += [f"{kind}_member", f"{kind}_sessions", f"last_{kind}_step",
                     f"{kind}_decline_ratio", f"{kind}_death_ratio"]
    for wave in (w0, w1):
        assert sorted(wave.keys()) == sorted(expected), sorted(wave.keys())
        for name in expected:
            assert wave[name].shape == agents["id"].shape, name
            assert wave[name].attrs["description"], name
        assert wave["age"].attrs["units"] == "years"
        assert (wave["id"][:] == agents["id"]).all()
    assert w1["salon_sessions"].dtype == np.uint16 and w1["alive"].dtype == np.uint8

    entry, death, disability = agents["entry_step"], agents["death_step"], agents["disability_step"]
    starting = entry == 0
    # Wave 0: the state after set-up, before the first step.
    assert (w0["alive"][:] == starting).all()
    assert (w0["certified"][:][starting] == agents["certified0"][starting]).all()
    assert (w0["isolated"][:][starting] == agents["isolated0"][starting]).all()
    assert (w0["age"][:][starting] == agents["age0"][starting]).all()
    assert (w0["salon_sessions"][:] == 0).all() and (w0["last_salon_step"][:] == -1).all()
    # Wave 1: when 52 steps are done; here the end of the run.
    alive = (entry <= 51) & (death < 0)
    assert (w1["alive"][:] == alive).all()
    certified = (agents["certified0"] == 1) | ((disability >= 0) & (disability <= 51))
    assert (w1["certified"][:][alive] == certified[alive]).all()
    age = agents["age0"] + (52 - entry) * 7 / 365.25
    assert np.allclose(w1["age"][:][alive], age[alive], atol=1e-4)
    assert (w1["salon_sessions"][:] == agents["salon_sessions"]).all()
    assert (w1["poor_food_access_steps"][:] == agents["poor_food_access_steps"]).all()
    ever = agents["first_salon_step"] >= 0
    assert ((w1["salon_sessions"][:] > 0) == ever).all()
    assert ((w1["last_salon_step"][:] >= agents["first_salon_step"]) | ~ever).all()
    assert ever.sum() > 0, "some residents attended a salon"
    assert w1["isolated"][:][alive].sum() < w1["alive"][:].sum()
    # Contacts with family and with friends add up to the weekly contacts of the living.
    for wave in (w0, w1):
        living = wave["alive"][:] == 1
        total = wave["contacts_family_per_week"][:] + wave["contacts_friends_per_week"][:]
        assert np.allclose(total[living], wave["weekly_contacts"][:][living], rtol=1e-5, atol=1e-5)
        assert (wave["isolated"][:][living] == (wave["weekly_contacts"][:][living] < 1)).all()
    print("waves ok:", int(w0["alive"][:].sum()), "at wave 0,", int(alive.sum()), "at wave 1,",
          int(ever.sum()), "attended")
)";

TEST(Surveys, RunWritesWavesReadableWithH5py) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  const std::string scenario =
      dir.write("surveys.yaml", fmt::format("extends: {}/scenarios/taketoyo.yaml\n"
                                            "run:\n  years: 1\n"
                                            "town:\n  population: 1500\n"
                                            "surveys: {{years: [0, 1]}}\n",
                                            kSource));
  const testing::CommandResult run = testing::run_command(
      fmt::format("'{}' run '{}' -o '{}' -q", SALONSIM_BINARY, scenario, dir.file("run.h5")));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string check = dir.write("check.py", kCheckWaves);
  const testing::CommandResult read =
      testing::run_command(fmt::format("/usr/bin/python3 '{}' '{}'", check, dir.file("run.h5")));
  EXPECT_EQ(read.exit_code, 0) << read.output;
  EXPECT_NE(read.output.find("waves ok:"), std::string::npos) << read.output;
}

TEST(Surveys, NoSurveysGroupWithoutWaves) {
  if (const std::string why = missing_python(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  const testing::CommandResult run = testing::run_command(
      fmt::format("'{}' run '{}/scenarios/town.yaml' -o '{}' -q --set town.population=500 "
                  "--set run.years=0.2",
                  SALONSIM_BINARY, kSource, dir.file("run.h5")));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const testing::CommandResult read = testing::run_command(
      fmt::format("/usr/bin/python3 -c \"import h5py; f = h5py.File('{}', 'r'); "
                  "print('surveys' in f, 'surveys' in f['meta'].attrs['scenario_yaml'])\"",
                  dir.file("run.h5")));
  EXPECT_EQ(read.exit_code, 0) << read.output;
  EXPECT_EQ(read.output, "False False\n");
}

TEST(Surveys, BadSurveyYearsAreReportedWithTheKeyPath) {
  testing::TempDir dir;
  const testing::CommandResult run = testing::run_command(
      fmt::format("'{}' validate '{}/scenarios/town.yaml' --set 'surveys.years=[0, 3, 9]'",
                  SALONSIM_BINARY, kSource));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("surveys.years[2]: must be within the run (<= run.years, 5), got 9"),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace salonsim
