#include "sim/output/survey_spool.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "sim/population.hpp"
#include "sim/simulation.hpp"
#include "sim/timeseries.hpp"
#include "tests/support/hdf5_read.hpp"
#include "tests/support/survey_residents.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

using testing::read_dataset;
using testing::read_text;
using testing::TempDir;

constexpr double kYearsPerStep = 7 / 365.25;

// Four residents by hand, with a surveyed visit count, a computed surveyed column and an
// unsurveyed scratch column.
Population four_residents() {
  Population p = testing::four_survey_residents();
  const auto visits = p.add_column<std::uint16_t>(
      {.name = "visits", .unit = "", .description = "visits so far", .surveyed = true});
  p.columns.add_computed<float>({"visits_halved", "", "half the visits"},
                                [visits](const ColumnRegistry& columns, std::vector<float>& out) {
                                  for (std::size_t i = 0; i < out.size(); ++i)
                                    out[i] = 0.5f * columns[visits][i];
                                });
  p.add_column<float>({"scratch", "", "not surveyed"}, 1.0f);
  p[visits] = {0, 2, 0, 0};
  return p;
}

std::size_t entries(const std::filesystem::path& directory) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(directory),
                                                std::filesystem::directory_iterator()));
}

std::int64_t step_of(const std::string& file, const std::string& wave) {
  std::int64_t step = -1;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t a = H5Aopen_by_name(f, wave.c_str(), "step", H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0) {
    H5Aread(a, H5T_NATIVE_INT64, &step);
    H5Aclose(a);
  }
  H5Fclose(f);
  return step;
}

// Written as taken and copied under the run's group when it ends: the same waves, columns and
// values that a run holding its waves writes with write_run.
TEST(SurveySpool, CopiesTheWavesItWroteAsTakenUnderTheRunsGroup) {
  const TempDir dir;
  Population p = four_residents();
  SurveySpool spool(dir.path());
  spool.record(p, 0, kYearsPerStep);
  std::vector<SurveyWave> held{take_survey(p, 0, kYearsPerStep)};
  // Two steps on: resident 0 died, resident 3 entered, resident 1 visited twice more.
  p.alive = {0, 1, 1, 1};
  p[p.columns.find<std::uint16_t>("visits")] = {0, 4, 0, 1};
  spool.record(p, 2, kYearsPerStep);
  held.push_back(take_survey(p, 2, kYearsPerStep));
  EXPECT_EQ(spool.waves(), 2u);

  const std::string spooled = dir.file("spooled.h5"), written = dir.file("held.h5");
  Timeseries timeseries;
  {
    OutputFile output(spooled);
    output.write_run("/replicate_1", {}, timeseries, Clock{7});
    spool.copy_into(output, "/replicate_1");
    output.commit();
  }
  {
    OutputFile output(written);
    output.write_run("/replicate_1", {}, timeseries, Clock{7}, held);
    output.commit();
  }
  EXPECT_EQ(
      read_dataset<std::uint8_t>(spooled, "/replicate_1/surveys/wave_0/alive", H5T_NATIVE_UINT8),
      (std::vector<std::uint8_t>{1, 1, 1, 0}));
  EXPECT_EQ(
      read_dataset<std::uint8_t>(spooled, "/replicate_1/surveys/wave_1/alive", H5T_NATIVE_UINT8),
      (std::vector<std::uint8_t>{0, 1, 1, 1}));
  EXPECT_EQ(
      read_dataset<float>(spooled, "/replicate_1/surveys/wave_1/visits_halved", H5T_NATIVE_FLOAT),
      (std::vector<float>{0.0f, 2.0f, 0.0f, 0.5f}))
      << "a computed column is worked out when its wave is written";
  EXPECT_TRUE(
      read_dataset<float>(spooled, "/replicate_1/surveys/wave_0/scratch", H5T_NATIVE_FLOAT).empty())
      << "not surveyed";
  EXPECT_EQ(step_of(spooled, "/replicate_1/surveys/wave_1"), 2);
  EXPECT_EQ(read_text(spooled, "/replicate_1/surveys", "description"),
            read_text(written, "/replicate_1/surveys", "description"));
  for (std::size_t k = 0; k < held.size(); ++k) {
    const std::string wave = "/replicate_1/surveys/wave_" + std::to_string(k);
    EXPECT_EQ(step_of(spooled, wave), step_of(written, wave));
    EXPECT_EQ(read_text(spooled, wave, "description"), read_text(written, wave, "description"));
    for (const SurveyColumn& column : held[k].columns) {
      const std::string path = wave + "/" + column.spec.name;
      EXPECT_EQ(read_dataset<double>(spooled, path, H5T_NATIVE_DOUBLE),
                read_dataset<double>(written, path, H5T_NATIVE_DOUBLE))
          << path;
      EXPECT_EQ(read_dataset<double>(spooled, path, H5T_NATIVE_DOUBLE).size(), 4u) << path;
      EXPECT_EQ(read_text(spooled, path, "description"), column.spec.description) << path;
    }
  }
}

TEST(SurveySpool, IntoTheRootGroupAndNothingWithoutWaves) {
  const TempDir dir;
  const Population p = four_residents();
  SurveySpool none(dir.path()), one(dir.path());
  one.record(p, 3, kYearsPerStep);
  const std::string file = dir.file("out.h5");
  {
    OutputFile output(file);
    none.copy_into(output, "/replicate_0");
    one.copy_into(output, "/");
    output.commit();
  }
  EXPECT_EQ(step_of(file, "/surveys/wave_0"), 3);
  EXPECT_TRUE(read_text(file, "/replicate_0/surveys", "description").empty());
}

// The scratch file has no name once made: a run that is killed leaves nothing behind.
TEST(SurveySpool, LeavesNoFileInItsDirectory) {
  const TempDir dir;
  {
    SurveySpool spool(dir.path());
    spool.record(four_residents(), 0, kYearsPerStep);
    EXPECT_EQ(entries(dir.path()), 0u);
  }
  EXPECT_EQ(entries(dir.path()), 0u);
  EXPECT_THROW(SurveySpool(dir.path() / "missing"), OutputError);
}

}  // namespace
}  // namespace salonsim
