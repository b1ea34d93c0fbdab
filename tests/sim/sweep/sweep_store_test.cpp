#include "sim/sweep/sweep_store.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/output/hdf5_writer.hpp"
#include "tests/support/hdf5_read.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::sweep {
namespace {

namespace fs = std::filesystem;
using testing::read_doubles;
using testing::read_text;
using testing::TempDir;

SweepPlan small_plan() {
  SweepFile file;
  file.name = "store-test";
  file.scenario = "base.yaml";
  file.design.type = DesignType::kGrid;
  file.design.levels = 3;
  file.replicates = 2;
  SweepParameter p;
  p.key = "a.b";
  p.min = 1;
  p.max = 3;
  file.parameters = {p};
  file.outputs = {"deaths"};
  file.groups = {"all", "men"};
  return make_plan(file, 42);  // 3 points x 2 replicates = 6 runs, 2 columns
}

SweepMetadata meta_of(const std::string& text) {
  SweepMetadata meta;
  meta.sweep_yaml = text;
  meta.base_scenario_yaml = "base";
  meta.fingerprint = sweep_fingerprint(meta.sweep_yaml, meta.base_scenario_yaml);
  return meta;
}

TEST(SweepStoreTest, FingerprintChangesWithTheSweepOrTheBase) {
  EXPECT_EQ(sweep_fingerprint("a", "b"), sweep_fingerprint("a", "b"));
  EXPECT_NE(sweep_fingerprint("a", "b"), sweep_fingerprint("a", "c"));
  EXPECT_NE(sweep_fingerprint("ab", ""), sweep_fingerprint("a", "b"));
  EXPECT_EQ(sweep_fingerprint("a", "b").size(), 16u);
}

TEST(SweepStoreTest, RowsSurviveTheProcessAndResume) {
  TempDir dir;
  const SweepPlan plan = small_plan();
  const std::string output = dir.file("s.h5");
  {
    SweepStore store(output, plan, meta_of("v1"), false);
    EXPECT_FALSE(store.resumed());
    EXPECT_EQ(store.done_count(), 0u);
    store.write_run(4, {1.5, 2.5});
    store.write_run(1, {3.0, 4.0});
    // Dropped without finish, as when the process dies.
  }
  EXPECT_FALSE(fs::exists(output));
  ASSERT_TRUE(fs::exists(output + ".partial"));
  // The partial file is readable as it stands: rows of unfinished runs are NaN, done is 0.
  const auto outputs = read_doubles(output + ".partial", "/runs/outputs");
  ASSERT_EQ(outputs.size(), 12u);
  EXPECT_EQ(outputs[8], 1.5);
  EXPECT_TRUE(std::isnan(outputs[0]));
  EXPECT_EQ(read_doubles(output + ".partial", "/runs/parameters"),
            (std::vector<double>{1, 1, 2, 2, 3, 3}));

  SweepStore store(output, plan, meta_of("v1"), false);
  EXPECT_TRUE(store.resumed());
  EXPECT_EQ(store.done(), (std::vector<std::uint8_t>{0, 1, 0, 0, 1, 0}));
  const auto again = store.outputs();
  EXPECT_EQ(again[2], 3.0);
  EXPECT_EQ(again[9], 2.5);
}

TEST(SweepStoreTest, AnotherSweepsPartialFileIsRefusedUnlessRestarted) {
  TempDir dir;
  const SweepPlan plan = small_plan();
  const std::string output = dir.file("s.h5");
  {
    SweepStore store(output, plan, meta_of("v1"), false);
    store.write_run(0, {1, 2});
  }
  try {
    SweepStore store(output, plan, meta_of("v2"), false);
    FAIL() << "a partial file of another sweep was resumed";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("holds the runs of a different sweep"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("--restart"), std::string::npos);
  }
  SweepStore restarted(output, plan, meta_of("v2"), true);
  EXPECT_FALSE(restarted.resumed());
  EXPECT_EQ(restarted.done_count(), 0u);
}

TEST(SweepStoreTest, FinishWritesTheFinalFileAndRemovesThePartial) {
  TempDir dir;
  const SweepPlan plan = small_plan();
  const std::string output = dir.file("s.h5");
  SweepStore store(output, plan, meta_of("v1"), false);
  EXPECT_THROW(store.finish({}, {}), OutputError);  // runs missing
  for (std::size_t run = 0; run < plan.runs(); ++run)
    store.write_run(run, {static_cast<double>(run), 0.5});
  store.finish({{"/points/mean", {1, 2, 3, 4, 5, 6}, {3, 2}, "means"}},
               {{"/sensitivity", "method", "prcc"}});
  EXPECT_TRUE(fs::exists(output));
  EXPECT_FALSE(fs::exists(output + ".partial"));
  EXPECT_EQ(read_doubles(output, "/points/mean"), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(read_doubles(output, "/runs/outputs")[10], 5.0);
  EXPECT_EQ(read_text(output, "/sensitivity", "method"), "prcc");
  EXPECT_EQ(read_text(output, "/meta", "name"), "store-test");
  EXPECT_EQ(read_text(output, "/runs", "columns"), "deaths.all\ndeaths.men");
  EXPECT_EQ(finished_fingerprint(output), meta_of("v1").fingerprint);
  EXPECT_EQ(finished_fingerprint(dir.file("missing.h5")), "");
}

/// Overwrites element `index` of a dataset of the partial file with `value`, as a damaged disk
/// or a careless edit would.
template <class T>
void damage(const std::string& file, const char* dataset, std::vector<hsize_t> element, T value,
            hid_t type) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  const hsize_t count = 1;
  H5Sselect_elements(space, H5S_SELECT_SET, 1, element.data());
  const hid_t memory = H5Screate_simple(1, &count, nullptr);
  EXPECT_GE(H5Dwrite(d, type, memory, space, H5P_DEFAULT, &value), 0);
  H5Sclose(memory);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
}

TEST(SweepStoreTest, ADamagedRowOrDoneFlagIsNotTrustedAndRunsAgain) {
  TempDir dir;
  const SweepPlan plan = small_plan();
  const std::string output = dir.file("s.h5");
  {
    SweepStore store(output, plan, meta_of("v1"), false);
    for (std::size_t run = 0; run < 4; ++run) store.write_run(run, {1.0 + run, 2.0});
  }
  const std::string partial = output + ".partial";
  damage<double>(partial, "/runs/outputs", {1, 0}, 99.0, H5T_NATIVE_DOUBLE);  // run 1's row
  damage<std::uint8_t>(partial, "/runs/done", {2}, 7, H5T_NATIVE_UINT8);      // run 2: not 0 or 1
  damage<std::uint8_t>(partial, "/runs/done", {5}, 1, H5T_NATIVE_UINT8);      // run 5 never written
  SweepStore store(output, plan, meta_of("v1"), false);
  EXPECT_TRUE(store.resumed());
  EXPECT_EQ(store.damaged_count(), 3u);
  EXPECT_EQ(store.done(), (std::vector<std::uint8_t>{1, 0, 0, 1, 0, 0}));
  for (std::size_t run = 0; run < plan.runs(); ++run)
    if (!store.done()[run]) store.write_run(run, {1.0 + run, 2.0});
  store.finish({}, {});
  EXPECT_EQ(read_doubles(output, "/runs/outputs")[2], 2.0);  // run 1 written again
}

TEST(SweepStoreTest, ASecondProcessIsRefusedWhileTheFirstHoldsTheOutputEvenWithRestart) {
  TempDir dir;
  const SweepPlan plan = small_plan();
  const std::string output = dir.file("s.h5");
  SweepStore first(output, plan, meta_of("v1"), false);
  first.write_run(0, {1, 2});
  // Another open file description of the lock file, as another process would have.
  for (bool restart : {false, true}) {
    try {
      SweepStore second(output, plan, meta_of("v1"), restart);
      FAIL() << "a second writer was let in (restart " << restart << ")";
    } catch (const OutputError& e) {
      EXPECT_NE(std::string(e.what()).find("another salonsim process is running this sweep"),
                std::string::npos)
          << e.what();
    }
  }
  // The first one's rows are untouched and it finishes.
  EXPECT_EQ(first.done_count(), 1u);
  for (std::size_t run = 1; run < plan.runs(); ++run) first.write_run(run, {1, 2});
  first.finish({}, {});
  EXPECT_TRUE(fs::exists(output));
  EXPECT_FALSE(fs::exists(output + ".lock"));
}

TEST(SweepStoreTest, BadPathsAreClearErrors) {
  TempDir dir;
  const SweepPlan plan = small_plan();
  EXPECT_THROW(SweepStore(dir.file("no/such/dir/s.h5"), plan, meta_of("v1"), false), OutputError);
  EXPECT_THROW(SweepStore(dir.path().string(), plan, meta_of("v1"), false), OutputError);
  // A partial file that is not HDF5 cannot be resumed; --restart replaces it.
  dir.write("junk.h5.partial", "not hdf5");
  EXPECT_THROW(SweepStore(dir.file("junk.h5"), plan, meta_of("v1"), false), OutputError);
  EXPECT_NO_THROW(SweepStore(dir.file("junk.h5"), plan, meta_of("v1"), true));
}

}  // namespace
}  // namespace salonsim::sweep
