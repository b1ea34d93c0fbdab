// Same scenario and seed: bit-identical results for any thread count, in process and through
// the command line and HDF5 file.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "models/build.hpp"
#include "models/prescribing/social_prescribing.hpp"
#include "models/scenario.hpp"
#include "sim/output/tables.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;

/// A scenario that exercises every mechanism: salons (capacity, new ties), entrants, deaths.
models::Scenario busy_scenario() {
  models::Scenario s =
      models::load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios/taketoyo.yaml");
  s.town.population = 20000;
  s.town.entrants.enabled = true;
  s.run.years = 2;
  return s;
}

/// Every output column and timeseries value of a finished run, as bytes, keyed by name.
std::map<std::string, std::string> run_with_threads(const models::Scenario& scenario, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena arena(threads);
  std::map<std::string, std::string> data;
  arena.execute([&] {
    auto sim = models::build_simulation(scenario, {scenario.run.seed, 0});
    sim->run();
    for (const OutputTable& table : output_tables(*sim)) {
      for (const OutputColumn& column : table.columns) {
        std::visit(
            [&](auto values) {
              data[table.name + "/" + std::string(column.name)] =
                  std::string(reinterpret_cast<const char*>(values.data()), values.size_bytes());
            },
            column.values);
      }
    }
    for (const auto& indicator : sim->timeseries().indicators()) {
      data["timeseries/" + indicator.name] =
          std::string(reinterpret_cast<const char*>(indicator.values.data()),
                      indicator.values.size() * sizeof(GroupCounts));
    }
  });
  return data;
}

TEST(Determinism, OneThreadAndSeveralGiveBitIdenticalResults) {
  const models::Scenario scenario = busy_scenario();
  const auto one = run_with_threads(scenario, 1);
  const auto two = run_with_threads(scenario, 2);
  const auto four = run_with_threads(scenario, 4);
  ASSERT_GE(one.size(), 30u);
  ASSERT_TRUE(one.count("salons/attendance_total"));
  for (const auto& [name, bytes] : one) {
    EXPECT_EQ(bytes, two.at(name)) << name << " differs between 1 and 2 threads";
    EXPECT_EQ(bytes, four.at(name)) << name << " differs between 1 and 4 threads";
  }
}

/// The rural town with the mobile shop (customer limits, lunch salons) and a shuttle too.
models::Scenario rural_scenario() {
  models::Scenario s =
      models::load_scenario(fs::path(SALONSIM_SOURCE_DIR) / "scenarios/rural-mobile-shop.yaml");
  s.town.population = 4000;
  s.run.years = 1;
  for (auto& spec : s.interventions) std::get<models::MobileShopParams>(spec).route.opens_step = 10;
  models::ShuttleParams shuttle;
  shuttle.seats_per_trip = 5;
  s.interventions.push_back(shuttle);
  return s;
}

TEST(Determinism, MobileShopAndShuttleAreBitIdenticalForAnyThreadCount) {
  const models::Scenario scenario = rural_scenario();
  const auto one = run_with_threads(scenario, 1);
  const auto two = run_with_threads(scenario, 2);
  const auto four = run_with_threads(scenario, 4);
  ASSERT_TRUE(one.count("mobile_shop_usage/customers"));
  ASSERT_TRUE(one.count("shuttle_usage/rides"));
  ASSERT_TRUE(one.count("agents/shuttle_trips"));
  for (const auto& [name, bytes] : one) {
    EXPECT_EQ(bytes, two.at(name)) << name << " differs between 1 and 2 threads";
    EXPECT_EQ(bytes, four.at(name)) << name << " differs between 1 and 4 threads";
  }
}

/// Social prescribing with a shuttle in the Akita district: screens, waiting lists, referrals
/// and uptake, groups and the shuttle reading the referrals. Twenty link workers take more
/// clients in some steps than one task meets (SocialPrescribing::kIntakeBlock), so the clients of
/// a step are met on several threads and their referrals booked in order.
TEST(Determinism, SocialPrescribingIsBitIdenticalForAnyThreadCount) {
  models::Scenario scenario = models::load_scenario(
      fs::path(SALONSIM_SOURCE_DIR) / "scenarios/akita-rural-social-prescribing-shuttle.yaml");
  scenario.town.population = 6000;
  scenario.run.years = 2;
  for (auto& spec : scenario.interventions) {
    if (auto* programme = std::get_if<models::SocialPrescribingParams>(&spec))
      programme->link_workers.teams.at(0).staff = 20;
  }
  const auto one = run_with_threads(scenario, 1);
  const auto two = run_with_threads(scenario, 2);
  const auto four = run_with_threads(scenario, 4);
  ASSERT_TRUE(one.count("social_prescribing_link_workers/clients"));
  ASSERT_TRUE(one.count("agents/sp_took_up"));
  // Clients first taken in each step: some step took more than a task's block.
  const std::string& first_intake = one.at("agents/sp_first_intake_step");
  std::vector<StoredStep> steps(first_intake.size() / sizeof(StoredStep));
  std::memcpy(steps.data(), first_intake.data(), steps.size() * sizeof(StoredStep));
  std::map<StoredStep, std::size_t> taken;
  for (const StoredStep step : steps) taken[step] += step >= 0;
  std::size_t most = 0;
  for (const auto& [step, count] : taken) most = std::max(most, count);
  EXPECT_GT(most, models::SocialPrescribing::kIntakeBlock);
  for (const auto& [name, bytes] : one) {
    EXPECT_EQ(bytes, two.at(name)) << name << " differs between 1 and 2 threads";
    EXPECT_EQ(bytes, four.at(name)) << name << " differs between 1 and 4 threads";
  }
}

TEST(Determinism, AnotherSeedGivesAnotherTown) {
  models::Scenario scenario = busy_scenario();
  const auto a = run_with_threads(scenario, 2);
  scenario.run.seed += 1;
  const auto b = run_with_threads(scenario, 2);
  EXPECT_NE(a.at("agents/age0"), b.at("agents/age0"));
  EXPECT_NE(a.at("agents/death_step"), b.at("agents/death_step"));
}

/// All datasets of an HDF5 file, raw bytes by path (variable-length text as its characters, each
/// string ended by a NUL: its raw bytes would be pointers).
std::map<std::string, std::string> read_datasets(const fs::path& file) {
  std::map<std::string, std::string> data;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << file;
  if (f < 0) return data;
  struct Context {
    hid_t file;
    std::map<std::string, std::string>* data;
  } context{f, &data};
  H5Ovisit2(
      f, H5_INDEX_NAME, H5_ITER_NATIVE,
      [](hid_t, const char* name, const H5O_info_t* info, void* raw) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        auto* ctx = static_cast<Context*>(raw);
        const hid_t dataset = H5Dopen2(ctx->file, name, H5P_DEFAULT);
        const hid_t type = H5Dget_type(dataset);
        const hid_t space = H5Dget_space(dataset);
        const auto points = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
        std::string bytes;
        if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
          std::vector<char*> texts(points, nullptr);
          if (points > 0) H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data());
          for (char* text : texts) bytes.append(text != nullptr ? text : "").push_back('\0');
          if (points > 0) H5Dvlen_reclaim(type, space, H5P_DEFAULT, texts.data());
        } else {
          bytes.assign(points * H5Tget_size(type), '\0');
          if (points > 0) H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
        }
        (*ctx->data)[name] = bytes;
        H5Sclose(space);
        H5Tclose(type);
        H5Dclose(dataset);
        return 0;
      },
      &context, H5O_INFO_BASIC);
  H5Fclose(f);
  return data;
}

TEST(Determinism, CommandLineThreadsOneAndTwoWriteIdenticalDatasets) {
  const fs::path dir = fs::temp_directory_path() / ("salonsim_det_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string base = std::string(SALONSIM_BINARY) + " run " + SALONSIM_SOURCE_DIR +
                           "/scenarios/taketoyo.yaml -q --replicates 2 --set town.population=4000 "
                           "--set run.years=1 --set town.entrants.enabled=true";
  ASSERT_EQ(std::system((base + " --threads 1 -o " + (dir / "one.h5").string()).c_str()), 0);
  ASSERT_EQ(std::system((base + " --threads 2 -o " + (dir / "two.h5").string()).c_str()), 0);
  const auto one = read_datasets(dir / "one.h5");
  const auto two = read_datasets(dir / "two.h5");
  EXPECT_GE(one.size(), 2u * 20u) << "both replicates' agents and timeseries";
  EXPECT_EQ(one, two);
  EXPECT_TRUE(one.count("replicate_1/agents/death_step"));
  EXPECT_TRUE(one.count("replicate_1/salons/attendance_total"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace salonsim
