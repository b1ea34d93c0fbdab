#include "sim/output/hdf5_writer.hpp"

#include <fmt/format.h>

// The HDF5 C API: its error stack can be silenced and read back into one message, and strings
// and attributes need less ceremony than through the C++ wrapper.
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/output/hdf5_support.hpp"
#include "sim/simulation.hpp"
#include "sim/utf8.hpp"
#include "sim/version.hpp"

namespace salonsim {

namespace {

using hdf5::H5Type;
using hdf5::Handle;
using hdf5::hdf5_error_details;
using hdf5::silence_hdf5_errors;

constexpr const char* kFormat = "salonsim-output-1";
constexpr const char* kTimeseriesDims = "step, income_low (0 high, 1 low), sex (0 male, 1 female)";
// The timeseries' second and third axes: their codes, written as enum dimension scales.
constexpr std::string_view kIncomeCodes = "high,low";
constexpr std::string_view kSexCodes = "male,female";
constexpr hsize_t kChunkElements = 65536;  // per chunk: 64 KiB to 512 KiB by element size
constexpr unsigned kDeflateLevel = 4;

static_assert(kGroups == 4, "timeseries datasets are laid out as [step][income_low][sex]");
static_assert(sizeof(GroupCounts) == kGroups * sizeof(std::int64_t),
              "a vector of GroupCounts must be one contiguous int64 array");

/// Makes `step`, `income_low` and `sex` of a timeseries group dimension scales and attaches them,
/// labelled, to axes 0, 1 and 2 of every indicator (each 3-D dataset), so that a reader in any
/// language (R reverses the order of dimensions) can tell the axes apart. Any axes attached
/// before are replaced: a group copied from another file holds references into that file. False
/// on failure; HDF5's error stack says why.
bool attach_timeseries_axes(hid_t group) {
  constexpr std::array<const char*, 3> kAxes{"step", "income_low", "sex"};
  const auto drop = [](hid_t object, const char* attribute) {
    return H5Aexists(object, attribute) <= 0 || H5Adelete(object, attribute) >= 0;
  };
  std::array<Handle, 3> scales;
  for (std::size_t axis = 0; axis < kAxes.size(); ++axis) {
    scales[axis] = Handle(H5Dopen2(group, kAxes[axis], H5P_DEFAULT), H5Dclose);
    if (!scales[axis].valid()) return false;
    for (const char* attribute : {"CLASS", "NAME", "REFERENCE_LIST"})
      if (!drop(scales[axis].get(), attribute)) return false;
    if (H5DSset_scale(scales[axis].get(), kAxes[axis]) < 0) return false;
  }
  for (const std::string& name : hdf5::link_names(group)) {
    Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset.valid()) {
      H5Eclear2(H5E_DEFAULT);  // a group, not a dataset
      continue;
    }
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    if (H5Sget_simple_extent_ndims(space.get()) != 3) continue;
    if (!drop(dataset.get(), "DIMENSION_LIST") || !drop(dataset.get(), "DIMENSION_LABELS"))
      return false;
    for (unsigned axis = 0; axis < kAxes.size(); ++axis) {
      if (H5DSattach_scale(dataset.get(), scales[axis].get(), axis) < 0 ||
          H5DSset_label(dataset.get(), axis, kAxes[axis]) < 0)
        return false;
    }
  }
  return true;
}

/// Attaches the axes of every timeseries group at or below `path` (a subtree copied whole).
bool attach_axes_below(hid_t file, const std::string& path) {
  std::vector<std::string> groups;
  Handle object(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
  if (!object.valid()) return false;
  if (H5Iget_type(object.get()) != H5I_GROUP) return true;
  const auto last = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
  if (last(path) == "timeseries") groups.push_back(path);
  struct Found {
    std::string root;
    std::vector<std::string>* groups;
  } found{path, &groups};
  const herr_t status = H5Ovisit2(
      object.get(), H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        auto& f = *static_cast<Found*>(data);
        const std::string relative(name);
        if (info->type == H5O_TYPE_GROUP &&
            (relative == "timeseries" || relative.ends_with("/timeseries")))
          f.groups->push_back(f.root + "/" + relative);
        return 0;
      },
      &found, H5O_INFO_BASIC);
  if (status < 0) return false;
  for (const std::string& g : groups) {
    Handle group(H5Gopen2(file, g.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid() || !attach_timeseries_axes(group.get())) return false;
  }
  return true;
}

/// "/" + "agents" -> "/agents"; "/replicate_0" + "agents" -> "/replicate_0/agents".
std::string join(std::string_view group, std::string_view name) {
  std::string path(group);
  if (path.empty() || path.back() != '/') path += '/';
  path += name;
  return path;
}

/// A group as given ("/", "replicate_0", "/arms/a") as an absolute path ("/", "/replicate_0").
std::string absolute_group(const std::string& group) {
  return join("/", group.starts_with('/') ? group.substr(1) : group);
}

}  // namespace

struct OutputFile::Impl {
  std::filesystem::path final_path;
  std::filesystem::path temporary_path;
  Handle file;
  bool committed = false;

  [[noreturn]] void fail(const std::string& what) const {
    std::string message = "cannot write output '" + final_path.string() + "': " + what;
    const std::string details = hdf5_error_details();
    if (!details.empty()) message += " (HDF5: " + details + ")";
    throw OutputError(message);
  }
  hid_t check(hid_t id, const std::string& what) const {
    if (id < 0) fail(what);
    return id;
  }
  void check_status(herr_t status, const std::string& what) const {
    if (status < 0) fail(what);
  }
  void require_open() const {
    if (committed) fail("the file was already committed");
    if (!file.valid()) fail("the file is closed after a failed commit");
  }

  /// Opens the group at `path`, creating it and any missing parents.
  /// Creates the file at `path` (in memory only with `in_memory`), closing strongly: closing it
  /// closes everything still open in it, even after an error. `setting_up` and `creating` say
  /// what failed.
  void create(const std::filesystem::path& path, bool in_memory, const std::string& setting_up,
              const std::string& creating) {
    Handle access(check(H5Pcreate(H5P_FILE_ACCESS), setting_up), H5Pclose);
    check_status(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), setting_up);
    if (in_memory)
      check_status(H5Pset_fapl_core(access.get(), std::size_t{1} << 20, false), setting_up);
    file =
        Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), creating),
               H5Fclose);
  }

  Handle open_or_create_group(const std::string& path) const {
    Handle group = hdf5::open_or_create_group(file.get(), path);
    if (!group.valid()) fail("cannot create group '" + path + "'");
    return group;
  }

  /// A group that remembers the order its members were written in, so that readers list a
  /// table's columns in the order the table has them (id first), not by name.
  Handle create_group(hid_t parent, const std::string& name, const std::string& path) const {
    const std::string what = "cannot create group '" + path + "'";
    Handle properties(check(H5Pcreate(H5P_GROUP_CREATE), what), H5Pclose);
    check_status(
        H5Pset_link_creation_order(properties.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        what);
    return Handle(
        check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, properties.get(), H5P_DEFAULT), what),
        H5Gclose);
  }

  void write_string_attribute(hid_t object, const char* name, std::string_view value,
                              const std::string& path) const {
    if (!hdf5::write_text_attribute(object, name, value))
      fail("cannot write attribute '" + std::string(name) + "' of '" + path + "'");
  }

  template <class T>
  void write_scalar_attribute(hid_t object, const char* name, T value,
                              const std::string& path) const {
    if (!hdf5::write_scalar_attribute<T>(object, name, value))
      fail("cannot write attribute '" + std::string(name) + "' of '" + path + "'");
  }

  /// Writes a whole array as one dataset: the first dimension is rows, chunked and compressed
  /// (shuffle + deflate). An empty dataset is stored contiguous, as chunks must be non-empty.
  template <class T>
  Handle write_array(hid_t parent, const std::string& name, const T* data,
                     std::vector<hsize_t> dims, std::string_view description,
                     const std::string& path, hid_t element_type = H5I_INVALID_HID) const {
    const std::string what = "cannot write dataset '" + path + "'";
    Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), what),
                 H5Sclose);
    Handle properties(check(H5Pcreate(H5P_DATASET_CREATE), what), H5Pclose);
    const hsize_t rows = dims.front();
    hsize_t chunk_rows = 0;
    if (rows > 0) {
      hsize_t row_elements = 1;
      for (std::size_t d = 1; d < dims.size(); ++d) row_elements *= dims[d];
      std::vector<hsize_t> chunk = dims;
      chunk.front() = chunk_rows =
          std::clamp<hsize_t>(kChunkElements / std::max<hsize_t>(row_elements, 1), 1, rows);
      check_status(H5Pset_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data()),
                   what);
      check_status(H5Pset_shuffle(properties.get()), what);
      check_status(H5Pset_deflate(properties.get(), kDeflateLevel), what);
    }
    // An element type given (an enum, a string) is both the file's and the memory's.
    hid_t file_type = element_type, memory_type = element_type;
    if constexpr (!std::is_pointer_v<T>) {
      if (element_type < 0) file_type = H5Type<T>::file(), memory_type = H5Type<T>::memory();
    }
    Handle dataset(check(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                    properties.get(), H5P_DEFAULT),
                         what),
                   H5Dclose);
    bool written = rows == 0;
    if constexpr (std::is_arithmetic_v<T>) {
      // A column whose bytes in memory are those of the file: its chunks shuffled and deflated in
      // parallel, as HDF5's filters would one after another.
      if (!written && dims.size() == 1 && H5Tequal(file_type, memory_type) > 0 &&
          H5Tget_size(file_type) == sizeof(T)) {
        write_deflated_chunks(dataset.get(), data, rows, chunk_rows, what);
        written = true;
      }
    }
    if (!written)
      check_status(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
    write_string_attribute(dataset.get(), "description", description, path);
    return dataset;
  }

  /// Writes `rows` values in chunks of `chunk_rows` to a 1-D dataset made with the shuffle and
  /// deflate filters: each chunk (the last padded with zeros to a whole chunk, as HDF5 stores an
  /// edge chunk) is shuffled (byte k of every value together, HDF5's shuffle) and deflated at
  /// kDeflateLevel on its own thread, then handed to HDF5 as stored (H5Dwrite_chunk). Readers see
  /// the same dataset as H5Dwrite would make; the deflating no longer runs on one thread.
  template <class T>
  void write_deflated_chunks(hid_t dataset, const T* data, hsize_t rows, hsize_t chunk_rows,
                             const std::string& what) const {
    const std::size_t chunks = (rows + chunk_rows - 1) / chunk_rows;
    const std::size_t chunk_bytes = chunk_rows * sizeof(T);
    std::vector<std::vector<Bytef>> stored(chunks);
    std::atomic<bool> failed{false};
    // Isolated: a run's output is written under the ensemble's lock (sim/ensemble.cpp), and a
    // thread waiting here must not take up another run, which would end by asking for that lock.
    tbb::this_task_arena::isolate([&] {
      tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t k) {
        const std::size_t first = k * chunk_rows;
        const std::size_t count = std::min<std::size_t>(chunk_rows, rows - first);
        const auto* bytes = reinterpret_cast<const unsigned char*>(data + first);
        std::vector<Bytef> shuffled(chunk_bytes, 0);
        for (std::size_t i = 0; i < count; ++i) {
          for (std::size_t b = 0; b < sizeof(T); ++b)
            shuffled[b * chunk_rows + i] = bytes[i * sizeof(T) + b];
        }
        uLongf size = compressBound(static_cast<uLong>(chunk_bytes));
        stored[k].resize(size);
        if (compress2(stored[k].data(), &size, shuffled.data(), static_cast<uLong>(chunk_bytes),
                      static_cast<int>(kDeflateLevel)) != Z_OK)
          failed = true;
        // Keep only what deflating gave: room for the bound would hold, until the chunks are
        // handed to HDF5, about as much as the column itself.
        stored[k].resize(size);
        stored[k].shrink_to_fit();
      });
    });
    if (failed) fail(what + ": zlib could not deflate a chunk");
    for (std::size_t k = 0; k < chunks; ++k) {
      const hsize_t offset = k * chunk_rows;
      check_status(
          H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, &offset, stored[k].size(), stored[k].data()),
          what);
    }
  }

  /// An HDF5 enum over the integer type T, one member per comma-separated name of `codes`, with
  /// values 0, 1, 2, ...
  template <class T>
  Handle enum_type(std::string_view codes, const std::string& path) const {
    const std::string what = "cannot make the enum type of '" + path + "'";
    Handle type(check(H5Tenum_create(H5Type<T>::memory()), what), H5Tclose);
    T value = 0;
    for (std::size_t start = 0; start <= codes.size(); ++value) {
      const std::size_t end = std::min(codes.find(',', start), codes.size());
      const std::string name(codes.substr(start, end - start));
      check_status(H5Tenum_insert(type.get(), name.c_str(), &value), what);
      start = end + 1;
    }
    return type;
  }

  /// Writes one column: an enum dataset when the column has codes, and its units attribute.
  template <class T>
  Handle write_column(hid_t parent, const std::string& name, std::span<const T> values,
                      std::string_view description, std::string_view units, std::string_view codes,
                      const std::string& path) const {
    if constexpr (std::is_same_v<T, std::int16_t>) {
      // Steps kept in two bytes (StoredStep) are written as 32-bit steps, as they always were.
      const std::vector<std::int32_t> wide(values.begin(), values.end());
      return write_column(parent, name, std::span<const std::int32_t>(wide), description, units,
                          codes, path);
    } else {
      Handle type;
      if constexpr (std::is_integral_v<T>) {
        if (!codes.empty()) type = enum_type<T>(codes, path);
      }
      Handle dataset = write_array<T>(parent, name, values.data(), {values.size()}, description,
                                      path, type.valid() ? type.get() : H5I_INVALID_HID);
      if (!units.empty()) write_string_attribute(dataset.get(), "units", units, path);
      return dataset;
    }
  }

  /// Writes text as a dataset of variable-length UTF-8 strings (h5py: .asstr()[:]).
  Handle write_text_array(hid_t parent, const std::string& name,
                          const std::vector<std::string>& values, std::string_view description,
                          const std::string& path) const {
    const std::string what = "cannot write dataset '" + path + "'";
    Handle type(check(H5Tcopy(H5T_C_S1), what), H5Tclose);
    check_status(H5Tset_size(type.get(), H5T_VARIABLE), what);
    check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), what);
    // Declared UTF-8, so ill-formed bytes are replaced (names come validated; this is the
    // backstop for anything else).
    std::vector<std::string> texts(values.size());
    std::transform(values.begin(), values.end(), texts.begin(),
                   [](const std::string& text) { return valid_utf8(text); });
    std::vector<const char*> pointers(values.size());
    std::transform(texts.begin(), texts.end(), pointers.begin(),
                   [](const std::string& text) { return text.c_str(); });
    return write_array<const char*>(parent, name, pointers.data(), {values.size()}, description,
                                    path, type.get());
  }

  void write_table(hid_t parent, const std::string& parent_path, const OutputTable& table) const {
    const std::string path = join(parent_path, table.name);
    if (!table.columns.empty()) {
      const std::size_t rows = std::visit([](auto v) { return v.size(); }, table.columns[0].values);
      for (const OutputColumn& column : table.columns) {
        const std::size_t n = std::visit([](auto v) { return v.size(); }, column.values);
        if (n != rows) {
          fail("table '" + path + "': column '" + std::string(column.name) + "' has " +
               std::to_string(n) + " rows, the first column has " + std::to_string(rows));
        }
      }
      for (const TextColumn& column : table.text_columns) {
        if (column.values.size() != rows) {
          fail("table '" + path + "': column '" + column.name + "' has " +
               std::to_string(column.values.size()) + " rows, the first column has " +
               std::to_string(rows));
        }
      }
    }
    Handle group = create_group(parent, table.name, path);
    write_string_attribute(group.get(), "description", table.description, path);
    for (const auto& [name, text] : table.attributes)
      write_string_attribute(group.get(), name.c_str(), text, path);
    for (const OutputColumn& column : table.columns) {
      const std::string name(column.name);
      std::visit(
          [&](auto values) {
            write_column(group.get(), name, values, column.description, column.unit, column.codes,
                         join(path, name));
          },
          column.values);
    }
    for (const TextColumn& column : table.text_columns)
      write_text_array(group.get(), column.name, column.values, column.description,
                       join(path, column.name));
  }

  void write_timeseries(hid_t parent, const std::string& parent_path, const Timeseries& timeseries,
                        const Clock& clock) const {
    const std::int32_t days_per_step = clock.days_per_step;
    const std::string path = join(parent_path, "timeseries");
    const std::vector<std::int64_t>& steps = timeseries.steps();
    const std::size_t n = steps.size();
    Handle group = create_group(parent, "timeseries", path);
    write_string_attribute(group.get(), "description",
                           "counts of residents by step, income group and sex", path);
    write_scalar_attribute<std::int32_t>(group.get(), "days_per_step", days_per_step, path);

    std::vector<std::int64_t> days(n);
    std::transform(steps.begin(), steps.end(), days.begin(),
                   [days_per_step](std::int64_t step) { return (step + 1) * days_per_step; });
    // The axes of every indicator: step (with day and date beside it), income group and sex,
    // attached as dimension scales once the indicators are written.
    write_column<std::int64_t>(group.get(), "step", steps, "index of the recorded step, from 0",
                               "steps", {}, join(path, "step"));
    write_column<std::int64_t>(group.get(), "day", days,
                               "simulated day at the end of the step: (step + 1) * days_per_step",
                               "days", {}, join(path, "day"));
    if (!clock.start_date.empty()) {
      std::vector<std::string> dates(n);
      std::transform(days.begin(), days.end(), dates.begin(),
                     [&](std::int64_t day) { return date_after(clock.start_date, day); });
      write_text_array(group.get(), "date", dates,
                       "calendar date at the end of the step (YYYY-MM-DD): start_date + day",
                       join(path, "date"));
    }
    const std::array<std::uint8_t, 2> codes{0, 1};
    write_column<std::uint8_t>(group.get(), "income_low", codes,
                               "axis 2 of the counts: 0 high income, 1 low income", {},
                               kIncomeCodes, join(path, "income_low"));
    write_column<std::uint8_t>(group.get(), "sex", codes, "axis 3 of the counts: 0 male, 1 female",
                               {}, kSexCodes, join(path, "sex"));
    for (const Timeseries::Indicator& indicator : timeseries.indicators()) {
      const std::string indicator_path = join(path, indicator.name);
      if (indicator.values.size() != n) {
        fail("timeseries '" + indicator_path + "' has " + std::to_string(indicator.values.size()) +
             " rows, but " + std::to_string(n) + " steps were recorded");
      }
      // GroupCounts index is income_low * 2 + sex, so each row is already [income_low][sex].
      const std::int64_t* data = n > 0 ? indicator.values.front().data() : nullptr;
      Handle dataset = write_array<std::int64_t>(group.get(), indicator.name, data, {n, 2, 2},
                                                 indicator.description, indicator_path);
      write_string_attribute(dataset.get(), "dims", kTimeseriesDims, indicator_path);
      write_string_attribute(dataset.get(), "units", "residents", indicator_path);
    }
    if (!attach_timeseries_axes(group.get()))
      fail("cannot attach the axes (dimension scales) of '" + path + "'");
  }

  /// The group of survey waves below `parent`, created (with its description) if missing.
  Handle surveys_group(hid_t parent, const std::string& path) const {
    if (H5Lexists(parent, "surveys", H5P_DEFAULT) > 0)
      return Handle(
          check(H5Gopen2(parent, "surveys", H5P_DEFAULT), "cannot open group '" + path + "'"),
          H5Gclose);
    H5Eclear2(H5E_DEFAULT);
    Handle group = create_group(parent, "surveys", path);
    write_string_attribute(group.get(), "description",
                           "panel survey waves: every resident's state at each wave, one row per "
                           "resident in the order of agents",
                           path);
    return group;
  }

  /// Writes a wave as the next wave_<k> of `surveys` (k: the waves there already), its columns
  /// one at a time as `for_each_column` gives them.
  void write_wave(hid_t surveys, const std::string& surveys_path, std::int64_t step, double years,
                  const std::function<void(const SurveyColumnVisitor&)>& for_each_column) const {
    H5G_info_t info{};
    check_status(H5Gget_info(surveys, &info), "cannot read group '" + surveys_path + "'");
    const std::string name = "wave_" + std::to_string(info.nlinks);
    const std::string path = join(surveys_path, name);
    Handle group = create_group(surveys, name, path);
    write_string_attribute(group.get(), "description",
                           fmt::format("survey wave when {} steps were done ({:.4g} years since "
                                       "the start)",
                                       step, years),
                           path);
    std::optional<std::size_t> rows;
    for_each_column([&](const ColumnSpec& spec, ColumnView values) {
      const std::size_t n = std::visit([](auto v) { return v.size(); }, values);
      if (rows && n != *rows) {
        fail("table '" + path + "': column '" + spec.name + "' has " + std::to_string(n) +
             " rows, the first column has " + std::to_string(*rows));
      }
      rows = n;
      std::visit(
          [&](auto v) {
            write_column(group.get(), spec.name, v, spec.description, spec.unit, spec.codes,
                         join(path, spec.name));
          },
          values);
    });
    write_scalar_attribute<std::int64_t>(group.get(), "step", step, path);
    write_scalar_attribute<double>(group.get(), "years", years, path);
  }

  void write_surveys(hid_t parent, const std::string& parent_path,
                     const std::vector<SurveyWave>& waves) const {
    const auto written = [](const SurveyWave& wave) { return wave.output; };
    if (std::none_of(waves.begin(), waves.end(), written)) return;
    const std::string path = join(parent_path, "surveys");
    Handle group = surveys_group(parent, path);
    for (const SurveyWave& wave : waves) {
      if (!written(wave)) continue;
      write_wave(group.get(), path, wave.step, wave.years, [&](const SurveyColumnVisitor& visit) {
        for (const SurveyColumn& column : wave.columns)
          std::visit([&](const auto& values) { visit(column.spec, column_view(values)); },
                     column.values);
      });
    }
  }
};

void check_output_path(const std::filesystem::path& path) {
  const std::string quoted = fmt::format("'{}'", path.string());
  if (path.empty()) throw OutputError("cannot write output: the output path is empty");
  if (!path.has_filename()) {
    throw OutputError("cannot write output " + quoted + ": the path does not name a file");
  }
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw OutputError("cannot write output " + quoted + ": it is an existing directory");
  }
  const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
  const std::string quoted_directory = fmt::format("'{}'", directory.string());
  const std::filesystem::file_status status = std::filesystem::status(directory, error);
  if (!std::filesystem::exists(status)) {
    throw OutputError("cannot write output " + quoted + ": directory " + quoted_directory +
                      " does not exist");
  }
  if (!std::filesystem::is_directory(status)) {
    throw OutputError("cannot write output " + quoted + ": " + quoted_directory +
                      " is not a directory");
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    throw OutputError("cannot write output " + quoted + ": directory " + quoted_directory +
                      " is not writable (" + std::strerror(errno) + ")");
  }
}

OutputFile::OutputFile(std::filesystem::path final_path) : impl_(std::make_unique<Impl>()) {
  silence_hdf5_errors();
  impl_->final_path = std::move(final_path);
  const std::filesystem::path& path = impl_->final_path;
  check_output_path(path);
  const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";

  // Hidden, and in the same directory so the final rename stays on one filesystem (atomic).
  impl_->temporary_path =
      directory / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
  impl_->create(impl_->temporary_path, false, "cannot set up the HDF5 file",
                "cannot create the temporary file '" + impl_->temporary_path.string() + "'");
}

OutputFile::OutputFile(Scratch scratch) : impl_(std::make_unique<Impl>()) {
  silence_hdf5_errors();
  static std::atomic<std::uint64_t> scratch_files{0};
  const std::filesystem::path& directory = scratch.directory;
  check_output_path(directory / "scratch");
  impl_->final_path =
      directory / fmt::format(".salonsim-scratch-{}-{}", ::getpid(), scratch_files++);
  impl_->create(impl_->final_path, false, "cannot set up the HDF5 file",
                "cannot create the scratch file");
  // Unlinked at once: the open file lives on, and nothing is left behind however the process
  // ends.
  std::error_code error;
  std::filesystem::remove(impl_->final_path, error);
  if (error) impl_->fail("cannot unlink the scratch file: " + error.message());
}

OutputFile::~OutputFile() {
  if (!impl_ || impl_->committed) return;
  silence_hdf5_errors();
  impl_->file.reset();
  std::error_code ignored;
  if (!impl_->temporary_path.empty()) std::filesystem::remove(impl_->temporary_path, ignored);
}

void OutputFile::write_meta(const RunMetadata& meta) {
  silence_hdf5_errors();
  impl_->require_open();
  const std::string path = "/meta";
  Handle group = impl_->open_or_create_group(path);
  const hid_t g = group.get();
  impl_->write_string_attribute(g, "format", kFormat, path);
  impl_->write_string_attribute(g, "version", kVersion, path);
  impl_->write_string_attribute(g, "git_commit", kGitCommit, path);
  impl_->write_string_attribute(g, "scenario_yaml", meta.scenario_yaml, path);
  impl_->write_string_attribute(g, "scenario_file", meta.scenario_file, path);
  impl_->write_string_attribute(g, "command_line", meta.command_line, path);
  impl_->write_scalar_attribute<std::uint64_t>(g, "seed", meta.seed, path);
  impl_->write_scalar_attribute<std::int32_t>(g, "threads", meta.threads, path);
  impl_->write_scalar_attribute<std::int32_t>(g, "days_per_step", meta.days_per_step, path);
  impl_->write_string_attribute(g, "start_date", meta.start_date, path);
  impl_->write_scalar_attribute<std::int32_t>(g, "replicates", meta.replicates, path);
}

void OutputFile::write_text(const std::string& group, const std::string& name,
                            const std::string& text) {
  silence_hdf5_errors();
  impl_->require_open();
  Handle handle = impl_->open_or_create_group(group);
  impl_->write_string_attribute(handle.get(), name.c_str(), text, group);
}

void OutputFile::write_run(const std::string& group, const std::vector<OutputTable>& tables,
                           const Timeseries& timeseries, const Clock& clock,
                           const std::vector<SurveyWave>& waves) {
  silence_hdf5_errors();
  impl_->require_open();
  Handle parent = impl_->open_or_create_group(group);
  const std::string path = absolute_group(group);
  for (const OutputTable& table : tables) impl_->write_table(parent.get(), path, table);
  impl_->write_timeseries(parent.get(), path, timeseries, clock);
  impl_->write_surveys(parent.get(), path, waves);
}

void OutputFile::write_tables(const std::string& group, const std::vector<OutputTable>& tables) {
  silence_hdf5_errors();
  impl_->require_open();
  Handle parent = impl_->open_or_create_group(group);
  const std::string path = absolute_group(group);
  for (const OutputTable& table : tables) impl_->write_table(parent.get(), path, table);
}

void OutputFile::write_survey_wave(const std::string& group, const Population& population,
                                   std::int64_t step, double years_per_step) {
  silence_hdf5_errors();
  impl_->require_open();
  Handle parent = impl_->open_or_create_group(group);
  const std::string path = join(absolute_group(group), "surveys");
  Handle surveys = impl_->surveys_group(parent.get(), path);
  impl_->write_wave(surveys.get(), path, step, static_cast<double>(step) * years_per_step,
                    [&](const SurveyColumnVisitor& visit) {
                      survey_columns(population, step, years_per_step, visit);
                    });
}

void OutputFile::copy_into(OutputFile& destination, const std::string& path,
                           const std::string& to) const {
  silence_hdf5_errors();
  impl_->require_open();
  destination.impl_->require_open();
  if (H5Lexists(impl_->file.get(), path.c_str(), H5P_DEFAULT) <= 0) return;
  const std::size_t slash = to.rfind('/');
  if (slash != std::string::npos && slash > 0)
    destination.impl_->open_or_create_group(to.substr(0, slash));
  if (H5Ocopy(impl_->file.get(), path.c_str(), destination.impl_->file.get(), to.c_str(),
              H5P_DEFAULT, H5P_DEFAULT) < 0)
    destination.impl_->fail("cannot copy '" + path + "' from '" + impl_->final_path.string() +
                            "' to '" + to + "'");
}

void OutputFile::commit() {
  silence_hdf5_errors();
  impl_->require_open();
  if (impl_->temporary_path.empty()) impl_->fail("a scratch or in-memory file is never committed");
  impl_->check_status(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL),
                      "cannot flush the temporary file '" + impl_->temporary_path.string() + "'");
  if (!impl_->file.close()) {
    impl_->fail("cannot close the temporary file '" + impl_->temporary_path.string() + "'");
  }
  // Reach the disk before the rename, so a crash cannot leave a truncated file under the final
  // name.
  if (const int fd = ::open(impl_->temporary_path.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code error;
  std::filesystem::rename(impl_->temporary_path, impl_->final_path, error);
  if (error) {
    impl_->fail("cannot rename '" + impl_->temporary_path.string() +
                "' to the final name: " + error.message());
  }
  impl_->committed = true;
}

const std::filesystem::path& OutputFile::temporary_path() const {
  return impl_->temporary_path;
}
const std::filesystem::path& OutputFile::final_path() const {
  return impl_->final_path;
}

namespace {

/// Gives every in-memory file its own name (the core driver keys open files by name).
std::atomic<std::uint64_t> memory_files{0};

/// Copies attribute `name` of `from` onto `to`, replacing one of that name.
herr_t copy_attribute(hid_t from, const char* name, const H5A_info_t*, void* data) {
  const hid_t to = *static_cast<hid_t*>(data);
  Handle attribute(H5Aopen(from, name, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!attribute.valid() || !type.valid() || !space.valid()) return -1;
  const hssize_t points = H5Sget_simple_extent_npoints(space.get());
  std::vector<char> buffer(static_cast<std::size_t>(std::max<hssize_t>(points, 1)) *
                           H5Tget_size(type.get()));
  if (H5Aread(attribute.get(), type.get(), buffer.data()) < 0) return -1;
  if (H5Aexists(to, name) > 0 && H5Adelete(to, name) < 0) return -1;
  Handle copy(H5Acreate2(to, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  const herr_t written = copy.valid() ? H5Awrite(copy.get(), type.get(), buffer.data()) : -1;
  // Variable-length strings were read as pointers HDF5 allocated.
  if (H5Tdetect_class(type.get(), H5T_VLEN) > 0 ||
      (H5Tget_class(type.get()) == H5T_STRING && H5Tis_variable_str(type.get()) > 0))
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());
  return written < 0 ? -1 : 0;
}

struct MergeContext {
  hid_t destination_file;
  std::string path;  // of the group being merged
  std::string failed;
};

herr_t merge_object(hid_t group, const char* name, const H5L_info_t*, void* data);

/// Merges the group `source` (at context.path) into the destination group of the same path.
herr_t merge_group(hid_t source, MergeContext& context) {
  Handle destination = hdf5::open_or_create_group(context.destination_file, context.path);
  if (!destination.valid()) {
    context.failed = "cannot create group '" + context.path + "'";
    return -1;
  }
  hid_t to = destination.get();
  if (H5Aiterate2(source, H5_INDEX_NAME, H5_ITER_INC, nullptr, copy_attribute, &to) < 0) {
    context.failed = "cannot copy the attributes of '" + context.path + "'";
    return -1;
  }
  return H5Literate(source, H5_INDEX_NAME, H5_ITER_INC, nullptr, merge_object, &context);
}

herr_t merge_object(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto& context = *static_cast<MergeContext*>(data);
  const std::string path = join(context.path, name);
  const htri_t exists = H5Lexists(context.destination_file, path.c_str(), H5P_DEFAULT);
  if (exists <= 0) {
    // Missing here: copied whole, with everything under it; its timeseries' references into the
    // other file are then made anew (attach_axes_below).
    if (H5Ocopy(group, name, context.destination_file, path.c_str(), H5P_DEFAULT, H5P_DEFAULT) <
            0 ||
        !attach_axes_below(context.destination_file, path)) {
      context.failed = "cannot copy '" + path + "'";
      return -1;
    }
    return 0;
  }
  Handle child(H5Gopen2(group, name, H5P_DEFAULT), H5Gclose);
  if (!child.valid()) {
    context.failed = "'" + path + "' is in both files and is not a group";
    return -1;
  }
  MergeContext inner{context.destination_file, path, {}};
  const herr_t status = merge_group(child.get(), inner);
  if (status < 0) context.failed = inner.failed;
  return status;
}

}  // namespace

OutputFile::OutputFile(InMemory) : impl_(std::make_unique<Impl>()) {
  silence_hdf5_errors();
  const std::string name = fmt::format("salonsim-memory-{}-{}", ::getpid(), memory_files++);
  impl_->final_path = name;
  impl_->create(name, true, "cannot set up an in-memory file", "cannot create an in-memory file");
}

std::string OutputFile::image() {
  silence_hdf5_errors();
  impl_->require_open();
  impl_->check_status(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "cannot flush");
  const ssize_t size = H5Fget_file_image(impl_->file.get(), nullptr, 0);
  if (size < 0) impl_->fail("cannot take the file's image");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(impl_->file.get(), bytes.data(), bytes.size()) != size)
    impl_->fail("cannot take the file's image");
  return bytes;
}

void OutputFile::merge_image(const std::string& image) {
  silence_hdf5_errors();
  impl_->require_open();
  const std::string name = fmt::format("salonsim-image-{}-{}", ::getpid(), memory_files++);
  Handle access(impl_->check(H5Pcreate(H5P_FILE_ACCESS), "cannot open a run's image"), H5Pclose);
  impl_->check_status(H5Pset_fapl_core(access.get(), std::size_t{1} << 20, false),
                      "cannot open a run's image");
  impl_->check_status(
      H5Pset_file_image(access.get(), const_cast<char*>(image.data()), image.size()),
      "cannot open a run's image");
  Handle source(impl_->check(H5Fopen(name.c_str(), H5F_ACC_RDONLY, access.get()),
                             "cannot open a run's image"),
                H5Fclose);
  Handle root(impl_->check(H5Gopen2(source.get(), "/", H5P_DEFAULT), "cannot open a run's image"),
              H5Gclose);
  MergeContext context{impl_->file.get(), "/", {}};
  if (merge_group(root.get(), context) < 0)
    impl_->fail(context.failed.empty() ? "cannot merge a run's image" : context.failed);
}

std::string replicate_group(std::uint32_t replicate) {
  return "/replicate_" + std::to_string(replicate);
}

}  // namespace salonsim
