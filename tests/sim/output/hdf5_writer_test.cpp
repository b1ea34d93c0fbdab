#include "sim/output/hdf5_writer.hpp"
#include "sim/output/run_writes.hpp"

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>

#include <sstream>

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/output/tables.hpp"
#include "sim/population.hpp"
#include "sim/simulation.hpp"
#include "sim/survey.hpp"
#include "sim/timeseries.hpp"
#include "sim/version.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;

// ---- Reading back with the HDF5 C API -------------------------------------------------------

template <class T>
hid_t file_type();
template <>
hid_t file_type<std::uint8_t>() {
  return H5T_STD_U8LE;
}
template <>
hid_t file_type<std::uint16_t>() {
  return H5T_STD_U16LE;
}
template <>
hid_t file_type<std::int32_t>() {
  return H5T_STD_I32LE;
}
template <>
hid_t file_type<std::uint32_t>() {
  return H5T_STD_U32LE;
}
template <>
hid_t file_type<std::int64_t>() {
  return H5T_STD_I64LE;
}
template <>
hid_t file_type<std::uint64_t>() {
  return H5T_STD_U64LE;
}
template <>
hid_t file_type<float>() {
  return H5T_IEEE_F32LE;
}
template <>
hid_t file_type<double>() {
  return H5T_IEEE_F64LE;
}

template <class T>
hid_t memory_type();
template <>
hid_t memory_type<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
hid_t memory_type<std::uint16_t>() {
  return H5T_NATIVE_UINT16;
}
template <>
hid_t memory_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t memory_type<std::uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
hid_t memory_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t memory_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
hid_t memory_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t memory_type<double>() {
  return H5T_NATIVE_DOUBLE;
}

/// An open file for reading; closes on destruction.
class Reader {
 public:
  explicit Reader(const fs::path& path)
      : file_(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~Reader() {
    if (file_ >= 0) H5Fclose(file_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  bool ok() const { return file_ >= 0; }
  hid_t id() const { return file_; }

  bool exists(const std::string& path) const {
    return H5Lexists(file_, path.c_str(), H5P_DEFAULT) > 0;
  }

  /// Reads a whole dataset; checks its stored type; returns the values and fills `dims`.
  template <class T>
  std::vector<T> read(const std::string& path, std::vector<hsize_t>& dims) const {
    std::vector<T> values;
    const hid_t dataset = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
    EXPECT_GE(dataset, 0) << path;
    if (dataset < 0) return values;
    // A coded column is an enum over T: read in its own type, whose values are T's.
    const hid_t type = H5Dget_type(dataset);
    const bool coded = H5Tget_class(type) == H5T_ENUM;
    const hid_t stored = coded ? H5Tget_super(type) : H5Tcopy(type);
    EXPECT_GT(H5Tequal(stored, file_type<T>()), 0) << path << ": unexpected stored type";
    H5Tclose(stored);
    const hid_t space = H5Dget_space(dataset);
    dims.assign(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)), 0);
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    H5Sclose(space);
    if (!values.empty()) {
      EXPECT_GE(H5Dread(dataset, coded ? type : memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        values.data()),
                0)
          << path;
    }
    H5Tclose(type);
    H5Dclose(dataset);
    return values;
  }

  /// The names of an enum dataset's codes, comma-separated in the order of their values 0, 1,
  /// ...; "" when the dataset is not an enum.
  std::string codes(const std::string& path) const {
    const hid_t dataset = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
    const hid_t type = H5Dget_type(dataset);
    std::string names;
    if (H5Tget_class(type) == H5T_ENUM) {
      const hid_t native = H5Tget_native_type(type, H5T_DIR_ASCEND);
      for (long long value = 0; value < H5Tget_nmembers(type); ++value) {
        // The value in the enum's own integer type (at most 8 bytes, little-endian here).
        char name[64] = {};
        EXPECT_GE(H5Tenum_nameof(native, &value, name, sizeof name), 0) << path << " " << value;
        if (!names.empty()) names += ',';
        names += name;
      }
      H5Tclose(native);
    }
    H5Tclose(type);
    H5Dclose(dataset);
    return names;
  }

  /// A dataset of variable-length UTF-8 text.
  std::vector<std::string> read_text(const std::string& path) const {
    const hid_t dataset = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
    EXPECT_GE(dataset, 0) << path;
    const hid_t type = H5Dget_type(dataset);
    EXPECT_EQ(H5Tget_class(type), H5T_STRING) << path;
    EXPECT_GT(H5Tis_variable_str(type), 0) << path;
    EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8) << path;
    const hid_t space = H5Dget_space(dataset);
    std::vector<char*> pointers(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    std::vector<std::string> values;
    if (!pointers.empty() &&
        H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) >= 0) {
      for (char* text : pointers) values.emplace_back(text != nullptr ? text : "");
      H5Dvlen_reclaim(type, space, H5P_DEFAULT, pointers.data());
    }
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(dataset);
    return values;
  }

  std::string string_attribute(const std::string& object, const std::string& name) const {
    std::string value;
    const hid_t attribute =
        H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(attribute, 0) << object << " @" << name;
    if (attribute < 0) return value;
    const hid_t type = H5Aget_type(attribute);
    EXPECT_EQ(H5Tget_class(type), H5T_STRING);
    EXPECT_GT(H5Tis_variable_str(type), 0);
    EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
    char* text = nullptr;
    EXPECT_GE(H5Aread(attribute, type, &text), 0);
    if (text != nullptr) {
      value = text;
      H5free_memory(text);
    }
    H5Tclose(type);
    H5Aclose(attribute);
    return value;
  }

  template <class T>
  T scalar_attribute(const std::string& object, const std::string& name) const {
    T value{};
    const hid_t attribute =
        H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(attribute, 0) << object << " @" << name;
    if (attribute < 0) return value;
    const hid_t type = H5Aget_type(attribute);
    EXPECT_GT(H5Tequal(type, file_type<T>()), 0) << object << " @" << name;
    H5Tclose(type);
    EXPECT_GE(H5Aread(attribute, memory_type<T>(), &value), 0);
    H5Aclose(attribute);
    return value;
  }

  /// Whether a dataset is chunked with the deflate filter (after shuffle).
  bool compressed(const std::string& path) const {
    const hid_t dataset = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
    const hid_t properties = H5Dget_create_plist(dataset);
    const bool chunked = H5Pget_layout(properties) == H5D_CHUNKED;
    const bool shuffle = H5Pget_filter_by_id2(properties, H5Z_FILTER_SHUFFLE, nullptr, nullptr,
                                              nullptr, 0, nullptr, nullptr) >= 0;
    const bool deflate = H5Pget_filter_by_id2(properties, H5Z_FILTER_DEFLATE, nullptr, nullptr,
                                              nullptr, 0, nullptr, nullptr) >= 0;
    H5Pclose(properties);
    H5Dclose(dataset);
    return chunked && shuffle && deflate;
  }

 private:
  hid_t file_;
};

// ---- Test data ------------------------------------------------------------------------------

bool is_alive(const Population& population, ResidentId id, std::int64_t) {
  return population.alive[id] != 0;
}
bool is_certified(const Population& population, ResidentId id, std::int64_t) {
  return population.alive[id] != 0 && population.certified[id] != 0;
}

Population small_population() {
  Population p;
  p.resize(5);
  for (std::size_t i = 0; i < p.size(); ++i) {
    const auto k = static_cast<float>(i);
    p.sex[i] = static_cast<std::uint8_t>(i % 2);
    p.age0[i] = 65.5f + k;
    p.income[i] = 1.25f * k;
    p.income_low[i] = i < 3 ? 1 : 0;
    p.lives_alone[i] = i == 4 ? 1 : 0;
    p.transport[i] = static_cast<std::uint8_t>(i % 3);
    p.district[i] = static_cast<std::uint16_t>(1000 + i);
    p.x_m[i] = -1500.25f + 10 * k;
    p.y_m[i] = 2500.75f - 10 * k;
    p.degree0[i] = static_cast<std::uint16_t>(60000 + i);
    p.isolated0[i] = i == 1 ? 1 : 0;
    p.certified0[i] = i == 2 ? 1 : 0;
    p.frailty0[i] = 0.1f * k;
    p.entry_step[i] = i == 4 ? 2 : 0;
    p.alive[i] = i == 4 ? 0 : 1;
    p.certified[i] = p.certified0[i];
  }
  p.spouse[0] = 1;
  p.spouse[1] = 0;
  p.disability_step[3] = 1;
  p.death_step[0] = 2;
  return p;
}

/// Records steps 0..2, changing the population between them.
Timeseries three_steps(Population& p) {
  Timeseries timeseries;
  timeseries.declare(
      "alive", "residents alive at the end of the step",
      [](const Population& p, ResidentId i, std::int64_t s) { return is_alive(p, i, s); });
  timeseries.declare(
      "certified", "alive and LTC-certified at the end of the step",
      [](const Population& p, ResidentId i, std::int64_t s) { return is_certified(p, i, s); });
  timeseries.record(p, 0);
  p.certified[3] = 1;
  timeseries.record(p, 1);
  p.alive[0] = 0;
  p.alive[4] = 1;
  timeseries.record(p, 2);
  return timeseries;
}

RunMetadata metadata() {
  RunMetadata meta;
  meta.scenario_yaml = "town:\n  name: Taketoyo-like\n  residents: 5\n# 日本語 comment\n";
  meta.scenario_file = "scenarios/demo.yaml";
  meta.command_line = "salonsim run scenarios/demo.yaml -o out.h5";
  meta.seed = 0xFEDCBA9876543210ULL;
  meta.threads = 8;
  meta.days_per_step = 7;
  meta.start_date = "2024-04-01";
  meta.replicates = 1;
  return meta;
}

/// A fresh empty directory per test, removed afterwards.
class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    directory_ =
        fs::temp_directory_path() / ("salonsim_hdf5_writer_test_" + std::to_string(::getpid()) +
                                     "_" + std::to_string(counter++));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(directory_, ignored);
  }
  /// Number of entries in the test directory (to catch left-over temporary files).
  std::size_t entries() const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(directory_), fs::directory_iterator()));
  }

  fs::path directory_;
};

/// The type a column of values of type V is written as: steps kept in two bytes (StoredStep) are
/// written as 32-bit steps.
template <class V>
using Written = std::conditional_t<std::is_same_v<V, std::int16_t>, std::int32_t, V>;

/// Checks every column of `table` under `group` against the file: values, type and shape.
void expect_table(const Reader& reader, const std::string& group, const OutputTable& table) {
  const std::string path = group + table.name;
  ASSERT_TRUE(reader.exists(path)) << path;
  EXPECT_EQ(reader.string_attribute(path, "description"), table.description);
  for (const OutputColumn& column : table.columns) {
    const std::string column_path = path + "/" + std::string(column.name);
    std::visit(
        [&](auto expected) {
          using T = Written<std::remove_cv_t<typename decltype(expected)::element_type>>;
          std::vector<hsize_t> dims;
          const std::vector<T> values = reader.read<T>(column_path, dims);
          ASSERT_EQ(dims, std::vector<hsize_t>{expected.size()}) << column_path;
          EXPECT_EQ(values, std::vector<T>(expected.begin(), expected.end())) << column_path;
        },
        column.values);
    EXPECT_EQ(reader.string_attribute(column_path, "description"), column.description);
    EXPECT_EQ(reader.codes(column_path), column.codes) << column_path;
    if (!column.unit.empty()) {
      EXPECT_EQ(reader.string_attribute(column_path, "units"), column.unit) << column_path;
    }
  }
}

// ---- Tests ----------------------------------------------------------------------------------

TEST_F(OutputFileTest, RoundTripsAgentsTimeseriesAndMeta) {
  Population population = small_population();
  const Timeseries timeseries = three_steps(population);
  const fs::path path = directory_ / "run.h5";
  {
    OutputFile output(path);
    output.write_meta(metadata());
    output.write_run("/", {agent_table(population)}, timeseries, Clock{7});
    output.commit();
  }

  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  expect_table(reader, "/", agent_table(population));
  EXPECT_TRUE(reader.compressed("/agents/age0"));

  std::vector<hsize_t> dims;
  EXPECT_EQ(reader.read<std::int64_t>("/timeseries/step", dims),
            (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(dims, std::vector<hsize_t>{3});
  EXPECT_EQ(reader.read<std::int64_t>("/timeseries/day", dims),
            (std::vector<std::int64_t>{7, 14, 21}));
  EXPECT_TRUE(reader.compressed("/timeseries/day"));
  // Groups: income_low * 2 + sex. Residents 0 (low, m), 1 (low, f), 2 (low, m, certified),
  // 3 (high, f), 4 (high, m, not yet entered).
  EXPECT_EQ(reader.read<std::int64_t>("/timeseries/alive", dims),
            (std::vector<std::int64_t>{0, 1, 2, 1,  //
                                       0, 1, 2, 1,  //
                                       1, 1, 1, 1}));
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, 2, 2}));
  EXPECT_EQ(reader.read<std::int64_t>("/timeseries/certified", dims),
            (std::vector<std::int64_t>{0, 0, 1, 0,  //
                                       0, 1, 1, 0,  //
                                       0, 1, 1, 0}));
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, 2, 2}));
  EXPECT_TRUE(reader.compressed("/timeseries/certified"));
  EXPECT_EQ(reader.string_attribute("/timeseries/alive", "description"),
            "residents alive at the end of the step");
  EXPECT_EQ(reader.string_attribute("/timeseries/alive", "dims"),
            "step, income_low (0 high, 1 low), sex (0 male, 1 female)");
  EXPECT_EQ(reader.scalar_attribute<std::int32_t>("/timeseries", "days_per_step"), 7);

  const RunMetadata meta = metadata();
  EXPECT_EQ(reader.string_attribute("/meta", "format"), "salonsim-output-1");
  EXPECT_EQ(reader.string_attribute("/meta", "version"), kVersion);
  EXPECT_EQ(reader.string_attribute("/meta", "git_commit"), kGitCommit);
  EXPECT_EQ(reader.string_attribute("/meta", "scenario_yaml"), meta.scenario_yaml);
  EXPECT_EQ(reader.string_attribute("/meta", "scenario_file"), meta.scenario_file);
  EXPECT_EQ(reader.string_attribute("/meta", "command_line"), meta.command_line);
  EXPECT_EQ(reader.string_attribute("/meta", "start_date"), meta.start_date);
  EXPECT_EQ(reader.scalar_attribute<std::uint64_t>("/meta", "seed"), meta.seed);
  EXPECT_EQ(reader.scalar_attribute<std::int32_t>("/meta", "threads"), 8);
  EXPECT_EQ(reader.scalar_attribute<std::int32_t>("/meta", "days_per_step"), 7);
  EXPECT_EQ(reader.scalar_attribute<std::int32_t>("/meta", "replicates"), 1);
}

TEST_F(OutputFileTest, RoundTripsSurveyWavesWrittenForOutput) {
  Population population = small_population();
  const Timeseries timeseries = three_steps(population);
  const auto sessions = population.add_column<std::uint16_t>(
      {.name = "sessions", .unit = "", .description = "sessions so far", .surveyed = true});
  population.add_column<float>({"scratch", "", "not surveyed"}, 2.0f);
  population[sessions] = {3, 0, 1, 0, 0};
  // A step kept in two bytes, as mechanisms keep them: written in 32 bits, in /agents and waves.
  const auto last_visit = population.add_column<StoredStep>(
      {.name = "last_visit_step", .unit = "step", .description = "-1 never", .surveyed = true},
      kNever);
  population[last_visit] = {-1, 0, 2, 32766, -1};
  const double years_per_step = 7 / 365.25;
  std::vector<SurveyWave> waves{take_survey(population, 0, years_per_step),
                                take_survey(population, 2, years_per_step),
                                take_survey(population, 3, years_per_step)};
  waves[1].output = false;  // an analysis's wave: not written, and not counted in wave_<k>
  const fs::path path = directory_ / "run.h5";
  {
    OutputFile output(path);
    output.write_run("/", {agent_table(population)}, timeseries, Clock{7}, waves);
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader.exists("/surveys"));
  EXPECT_FALSE(reader.exists("/surveys/wave_2"));
  for (const auto& [name, wave] :
       {std::pair{"wave_0", &waves[0]}, std::pair{"wave_1", &waves[2]}}) {
    const std::string group = std::string("/surveys/") + name;
    ASSERT_TRUE(reader.exists(group)) << group;
    EXPECT_EQ(reader.scalar_attribute<std::int64_t>(group, "step"), wave->step);
    EXPECT_EQ(reader.scalar_attribute<double>(group, "years"), wave->years);
    for (const SurveyColumn& column : wave->columns) {
      const std::string column_path = group + "/" + column.spec.name;
      std::visit(
          [&](const auto& expected) {
            using T = Written<typename std::decay_t<decltype(expected)>::value_type>;
            std::vector<hsize_t> dims;
            EXPECT_EQ(reader.read<T>(column_path, dims),
                      std::vector<T>(expected.begin(), expected.end()))
                << column_path;
            EXPECT_EQ(dims, std::vector<hsize_t>{5}) << column_path;
          },
          column.values);
      EXPECT_EQ(reader.string_attribute(column_path, "description"), column.spec.description);
      if (!column.spec.unit.empty()) {
        EXPECT_EQ(reader.string_attribute(column_path, "units"), column.spec.unit);
      }
    }
  }
  std::vector<hsize_t> dims;
  EXPECT_EQ(reader.read<std::uint16_t>("/surveys/wave_1/sessions", dims),
            (std::vector<std::uint16_t>{3, 0, 1, 0, 0}));
  // read<std::int32_t> checks the stored type too: 32-bit little-endian, as before StoredStep.
  EXPECT_EQ(reader.read<std::int32_t>("/surveys/wave_1/last_visit_step", dims),
            (std::vector<std::int32_t>{-1, 0, 2, 32766, -1}));
  EXPECT_EQ(reader.read<std::int32_t>("/agents/last_visit_step", dims),
            (std::vector<std::int32_t>{-1, 0, 2, 32766, -1}));
  EXPECT_EQ(reader.read<std::uint32_t>("/surveys/wave_0/id", dims),
            (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(reader.read<std::uint8_t>("/surveys/wave_0/alive", dims),
            (std::vector<std::uint8_t>{0, 1, 1, 1, 1}))
      << "as three_steps left them: resident 0 died, resident 4 entered";
  EXPECT_EQ(reader.string_attribute("/surveys/wave_1/age", "units"), "years");
  EXPECT_FALSE(reader.exists("/surveys/wave_0/scratch"));
}

TEST_F(OutputFileTest, NoSurveysGroupWithoutWavesToWrite) {
  Population population = small_population();
  const Timeseries timeseries = three_steps(population);
  std::vector<SurveyWave> waves{take_survey(population, 1, 7 / 365.25)};
  waves[0].output = false;
  const fs::path path = directory_ / "run.h5";
  {
    OutputFile output(path);
    output.write_run("/", {agent_table(population)}, timeseries, Clock{7}, waves);
    output.write_run("/replicate_1", {agent_table(population)}, timeseries, Clock{7});
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(reader.exists("/surveys"));
  EXPECT_FALSE(reader.exists("/replicate_1/surveys"));
}

TEST_F(OutputFileTest, CommitLeavesOnlyTheFinalFile) {
  Population population = small_population();
  const Timeseries timeseries = three_steps(population);
  const fs::path path = directory_ / "run.h5";
  OutputFile output(path);
  EXPECT_EQ(output.final_path(), path);
  EXPECT_EQ(output.temporary_path().parent_path(), directory_);
  EXPECT_EQ(output.temporary_path().filename().string(),
            ".run.h5.tmp-" + std::to_string(::getpid()));
  EXPECT_TRUE(fs::exists(output.temporary_path()));
  EXPECT_FALSE(fs::exists(path));

  output.write_run("/", {agent_table(population)}, timeseries, Clock{7});
  output.commit();
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(output.temporary_path()));
  EXPECT_EQ(entries(), 1u);
  EXPECT_THROW(output.write_meta(metadata()), OutputError);
}

TEST_F(OutputFileTest, CommitReplacesAnExistingFile) {
  const fs::path path = directory_ / "run.h5";
  std::ofstream(path) << "old contents";
  {
    OutputFile output(path);
    output.write_meta(metadata());
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.string_attribute("/meta", "format"), "salonsim-output-1");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFileTest, WithoutCommitLeavesNothing) {
  Population population = small_population();
  const Timeseries timeseries = three_steps(population);
  const fs::path path = directory_ / "run.h5";
  fs::path temporary;
  {
    OutputFile output(path);
    temporary = output.temporary_path();
    output.write_meta(metadata());
    output.write_run("/", {agent_table(population)}, timeseries, Clock{7});
    EXPECT_TRUE(fs::exists(temporary));
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_EQ(entries(), 0u);
}

/// Runs `make` and returns the OutputError message it throws ("" if it throws none).
template <class Make>
std::string error_message(Make make) {
  try {
    make();
  } catch (const OutputError& error) {
    return error.what();
  }
  return "";
}

TEST_F(OutputFileTest, MissingDirectoryIsAnError) {
  const fs::path path = directory_ / "no_such_dir" / "run.h5";
  const std::string message = error_message([&] { OutputFile output(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
  EXPECT_EQ(entries(), 0u);
}

TEST_F(OutputFileTest, DirectoryAsPathIsAnError) {
  const std::string message = error_message([&] { OutputFile output(directory_); });
  EXPECT_NE(message.find(directory_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("directory"), std::string::npos) << message;
}

TEST_F(OutputFileTest, FileAsDirectoryIsAnError) {
  std::ofstream(directory_ / "plain") << "x";
  const fs::path path = directory_ / "plain" / "run.h5";
  const std::string message = error_message([&] { OutputFile output(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a directory"), std::string::npos) << message;
}

TEST_F(OutputFileTest, UnwritableDirectoryIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write to any directory";
  const fs::path locked = directory_ / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  const fs::path path = locked / "run.h5";
  const std::string message = error_message([&] { OutputFile output(path); });
  fs::permissions(locked, fs::perms::owner_all);
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not writable"), std::string::npos) << message;
}

TEST_F(OutputFileTest, WritesReplicateGroups) {
  EXPECT_EQ(replicate_group(0), "/replicate_0");
  EXPECT_EQ(replicate_group(12), "/replicate_12");

  Population population = small_population();
  const Timeseries timeseries = three_steps(population);
  const fs::path path = directory_ / "replicates.h5";
  {
    OutputFile output(path);
    RunMetadata meta = metadata();
    meta.replicates = 2;
    output.write_meta(meta);
    output.write_run(replicate_group(0), {agent_table(population)}, timeseries, Clock{7});
    output.write_run(replicate_group(1), {agent_table(population)}, timeseries, Clock{7});
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(reader.exists("/agents"));
  EXPECT_FALSE(reader.exists("/timeseries"));
  expect_table(reader, "/replicate_1/", agent_table(population));
  std::vector<hsize_t> dims;
  EXPECT_EQ(reader.read<std::int64_t>("/replicate_1/timeseries/alive", dims).size(), 12u);
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, 2, 2}));
  EXPECT_EQ(reader.read<std::int64_t>("/replicate_0/timeseries/day", dims),
            (std::vector<std::int64_t>{7, 14, 21}));
  EXPECT_EQ(reader.scalar_attribute<std::int32_t>("/meta", "replicates"), 2);
}

/// A RunWrites after it crossed processes: packed, unpacked.
RunWrites packed_and_unpacked(const RunWrites& writes) {
  std::ostringstream out;
  {
    boost::archive::binary_oarchive archive(out, boost::archive::no_header);
    archive << writes;
  }
  RunWrites arrived;
  std::istringstream in(out.str());
  boost::archive::binary_iarchive archive(in, boost::archive::no_header);
  archive >> arrived;
  return arrived;
}

TEST_F(OutputFileTest, RunWritesThatCrossedProcessesWriteTheSameAsDirectOnes) {
  Population population = small_population();
  const Timeseries timeseries = three_steps(population);
  // Into the root, into a new group, and into a group that is already there (its attributes
  // merged, its other objects kept).
  const auto writes_of = [&](const std::string& group) {
    return RunWrites([&, group](OutputFile& file) {
      file.write_run(group, {agent_table(population)}, timeseries, Clock{7});
      file.write_text(group, "note", "from " + group);
    });
  };
  const fs::path direct = directory_ / "direct.h5", merged = directory_ / "merged.h5";
  for (const bool pack : {false, true}) {
    OutputFile output(pack ? merged : direct);
    output.write_text("/municipalities/a", "arm", "supported");
    for (const std::string group : {"/", "/arms/x/replicate_0", "/municipalities/a"}) {
      const RunWrites writes = writes_of(group);
      (pack ? packed_and_unpacked(writes) : writes).write_into(output);
    }
    output.commit();
  }
  Reader a(direct), b(merged);
  ASSERT_TRUE(a.ok() && b.ok());
  for (const std::string group : {"/", "/arms/x/replicate_0/", "/municipalities/a/"}) {
    expect_table(b, group, agent_table(population));
    std::vector<hsize_t> dims_a, dims_b;
    EXPECT_EQ(a.read<std::int64_t>(group + "timeseries/alive", dims_a),
              b.read<std::int64_t>(group + "timeseries/alive", dims_b));
    EXPECT_EQ(dims_a, dims_b);
    EXPECT_TRUE(b.compressed(group + "agents/age0"));
    const std::string object = group == "/" ? group : group.substr(0, group.size() - 1);
    EXPECT_EQ(b.string_attribute(object, "note"), "from " + object);
  }
  EXPECT_EQ(b.string_attribute("/municipalities/a", "arm"), "supported");
  EXPECT_EQ(b.string_attribute("/timeseries/alive", "dims"),
            a.string_attribute("/timeseries/alive", "dims"));
}

TEST_F(OutputFileTest, ZeroRowTableRoundTrips) {
  Population population;
  population.resize(0);
  Timeseries timeseries;
  timeseries.declare(
      "alive", "residents alive at the end of the step",
      [](const Population& p, ResidentId i, std::int64_t s) { return is_alive(p, i, s); });
  const OutputTable empty{"salons", "one row per salon", {}};
  const fs::path path = directory_ / "empty.h5";
  {
    OutputFile output(path);
    output.write_run("/", {agent_table(population), empty}, timeseries, Clock{7});
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  expect_table(reader, "/", agent_table(population));
  EXPECT_TRUE(reader.exists("/salons"));
  std::vector<hsize_t> dims;
  EXPECT_TRUE(reader.read<std::int64_t>("/timeseries/step", dims).empty());
  EXPECT_EQ(dims, std::vector<hsize_t>{0});
  EXPECT_TRUE(reader.read<std::int64_t>("/timeseries/alive", dims).empty());
  EXPECT_EQ(dims, (std::vector<hsize_t>{0, 2, 2}));
}

// Columns are deflated chunk by chunk in parallel and handed to HDF5 as stored: columns of
// two whole chunks and part of a third (65,536 values a chunk), of every element size, read back
// as written and are stored shuffled and deflated.
TEST_F(OutputFileTest, ColumnsOfSeveralChunksRoundTripDeflated) {
  const std::size_t rows = 2 * 65536 + 123;
  std::vector<std::uint8_t> bytes(rows), codes(rows);
  std::vector<std::uint16_t> shorts(rows);
  std::vector<std::int32_t> ints(rows);
  std::vector<std::uint32_t> uints(rows);
  std::vector<float> floats(rows);
  std::vector<double> doubles(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    bytes[i] = static_cast<std::uint8_t>(i * 7);
    codes[i] = static_cast<std::uint8_t>(i % 3);
    shorts[i] = static_cast<std::uint16_t>(i * 31);
    ints[i] = static_cast<std::int32_t>(i) * (i % 2 == 0 ? 1 : -1);
    uints[i] = static_cast<std::uint32_t>(i * 2654435761u);
    floats[i] = static_cast<float>(i) * 0.25f - 1000.0f;
    doubles[i] = std::sqrt(static_cast<double>(i));
  }
  const OutputTable table{"chunks",
                          "columns of several chunks",
                          {{"bytes", "", column_view(bytes)},
                           {"codes", "", column_view(codes), "", "a,b,c"},
                           {"shorts", "", column_view(shorts)},
                           {"ints", "", column_view(ints)},
                           {"uints", "", column_view(uints)},
                           {"floats", "", column_view(floats)},
                           {"doubles", "", column_view(doubles)}}};
  Timeseries timeseries;
  const fs::path path = directory_ / "chunks.h5";
  {
    OutputFile output(path);
    output.write_run("/", {table}, timeseries, Clock{7});
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  std::vector<hsize_t> dims;
  EXPECT_EQ(reader.read<std::uint8_t>("/chunks/bytes", dims), bytes);
  EXPECT_EQ(dims, std::vector<hsize_t>{rows});
  EXPECT_EQ(reader.read<std::uint16_t>("/chunks/shorts", dims), shorts);
  EXPECT_EQ(reader.read<std::int32_t>("/chunks/ints", dims), ints);
  EXPECT_EQ(reader.read<std::uint32_t>("/chunks/uints", dims), uints);
  EXPECT_EQ(reader.read<float>("/chunks/floats", dims), floats);
  EXPECT_EQ(reader.read<double>("/chunks/doubles", dims), doubles);
  for (const char* column : {"bytes", "shorts", "ints", "uints", "floats", "doubles", "codes"})
    EXPECT_TRUE(reader.compressed(std::string("/chunks/") + column)) << column;
}

TEST_F(OutputFileTest, LongScenarioTextFits) {
  // Attributes stored in the object header are limited to 64 KiB; variable-length text is not.
  RunMetadata meta = metadata();
  meta.scenario_yaml.clear();
  while (meta.scenario_yaml.size() < 300000) meta.scenario_yaml += "key_with_a_long_name: 12345\n";
  const fs::path path = directory_ / "long.h5";
  {
    OutputFile output(path);
    output.write_meta(meta);
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.string_attribute("/meta", "scenario_yaml"), meta.scenario_yaml);
}

TEST_F(OutputFileTest, UnequalColumnsAreAnError) {
  const std::vector<std::uint8_t> three(3), four(4);
  const OutputTable table{"bad",
                          "columns of different lengths",
                          {{"a", "three rows", std::span<const std::uint8_t>(three)},
                           {"b", "four rows", std::span<const std::uint8_t>(four)}}};
  const fs::path path = directory_ / "bad.h5";
  OutputFile output(path);
  const std::string message =
      error_message([&] { output.write_run("/", {table}, Timeseries{}, Clock{7}); });
  EXPECT_NE(message.find("'b'"), std::string::npos) << message;
}

TEST_F(OutputFileTest, CodedColumnsAreEnumsWithTheirNamesAndUnits) {
  Population population = small_population();
  const fs::path path = directory_ / "coded.h5";
  {
    OutputFile output(path);
    output.write_run("/", {agent_table(population)}, three_steps(population), Clock{7});
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.codes("/agents/sex"), "male,female");
  EXPECT_EQ(reader.codes("/agents/transport"), "drives,lifts,none");
  EXPECT_EQ(reader.codes("/agents/age0"), "");  // not coded
  EXPECT_EQ(reader.string_attribute("/agents/age0", "units"), "years");
  EXPECT_EQ(reader.string_attribute("/agents/x_m", "units"), "m");
  std::vector<hsize_t> dims;
  EXPECT_EQ(reader.read<std::uint8_t>("/agents/sex", dims),
            std::vector<std::uint8_t>(population.sex.begin(), population.sex.end()));
}

TEST_F(OutputFileTest, TimeseriesAxesAreLabelledDimensionScalesWithDates) {
  // R reads [step, income_low, sex] as an array of dim (sex, income_low, step); the scales and
  // labels let any reader tell the axes apart.
  Population population = small_population();
  const fs::path path = directory_ / "scales.h5";
  {
    OutputFile output(path);
    output.write_run("/", {agent_table(population)}, three_steps(population),
                     Clock{7, 3, "2024-02-20"});
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.read_text("/timeseries/date"),
            (std::vector<std::string>{"2024-02-27", "2024-03-05", "2024-03-12"}));  // leap year
  EXPECT_EQ(reader.codes("/timeseries/income_low"), "high,low");
  EXPECT_EQ(reader.codes("/timeseries/sex"), "male,female");
  EXPECT_EQ(reader.string_attribute("/timeseries/alive", "units"), "residents");
  EXPECT_EQ(reader.string_attribute("/timeseries/day", "units"), "days");

  const hid_t alive = H5Dopen2(reader.id(), "/timeseries/alive", H5P_DEFAULT);
  const char* axes[] = {"step", "income_low", "sex"};
  for (unsigned axis = 0; axis < 3; ++axis) {
    const hid_t scale =
        H5Dopen2(reader.id(), (std::string("/timeseries/") + axes[axis]).c_str(), H5P_DEFAULT);
    EXPECT_GT(H5DSis_scale(scale), 0) << axes[axis];
    EXPECT_GT(H5DSis_attached(alive, scale, axis), 0) << axes[axis];
    char label[32] = {};
    EXPECT_GT(H5DSget_label(alive, axis, label, sizeof label), 0);
    EXPECT_STREQ(label, axes[axis]);
    H5Dclose(scale);
  }
  H5Dclose(alive);
}

TEST_F(OutputFileTest, TextColumnsRoundTripInUtf8) {
  const std::vector<std::uint16_t> index{0, 1, 2};
  OutputTable table{"districts", "names", {{"index", "row", column_view(index)}}};
  table.text_columns.push_back(
      {"name", "district name", {"north", "北部 \"new\"", "east, weekly"}});
  const fs::path path = directory_ / "text.h5";
  {
    OutputFile output(path);
    output.write_run("/", {table}, Timeseries{}, Clock{7});
    output.commit();
  }
  Reader reader(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.read_text("/districts/name"),
            (std::vector<std::string>{"north", "北部 \"new\"", "east, weekly"}));
  EXPECT_EQ(reader.string_attribute("/districts/name", "description"), "district name");
}

TEST_F(OutputFileTest, TextColumnOfTheWrongLengthIsAnError) {
  const std::vector<std::uint16_t> index{0, 1};
  OutputTable table{"districts", "names", {{"index", "row", column_view(index)}}};
  table.text_columns.push_back({"name", "district name", {"north"}});
  OutputFile output(directory_ / "short.h5");
  const std::string message =
      error_message([&] { output.write_run("/", {table}, Timeseries{}, Clock{7}); });
  EXPECT_NE(message.find("'name' has 1 rows"), std::string::npos) << message;
}

}  // namespace
}  // namespace salonsim
