#include "sim/sweep/sweep_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/output/hdf5_support.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/version.hpp"

namespace salonsim::sweep {

namespace fs = std::filesystem;
using hdf5::H5Type;
using hdf5::Handle;

namespace {

constexpr const char* kFormat = "salonsim-sweep-1";

std::uint64_t fnv1a64(std::string_view text, std::uint64_t hash = 14695981039346656037ull) {
  for (char c : text) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

void fsync_file(const fs::path& path) {
  if (const int fd = ::open(path.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

/// Reads a text attribute, or "" when it is missing or not text.
std::string read_text_attribute(hid_t object, const char* name) {
  if (H5Aexists(object, name) <= 0) return {};
  Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) return {};
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  char* data = nullptr;
  if (H5Aread(attribute.get(), type.get(), &data) < 0 || data == nullptr) return {};
  std::string text(data);
  H5free_memory(data);
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : "\n") + item;
  return text;
}

/// A number for JSON: null when unset (NaN) or not finite.
nlohmann::ordered_json json_number(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

/// The varied parameters as JSON (read by analysis/sweep_report.py with the standard library).
std::string parameters_json(const SweepFile& file) {
  auto list = nlohmann::ordered_json::array();
  for (const SweepParameter& p : file.parameters) {
    list.push_back({
        {"name", p.label()},
        {"key", p.key},
        {"values", p.values},
        {"distribution",
         p.is_discrete()
             ? std::string("values")
             : std::string(kDistributionChoices[static_cast<int>(p.distribution)].name)},
        {"min", json_number(p.min)},
        {"max", json_number(p.max)},
        {"mean", json_number(p.mean)},
        {"sd", json_number(p.sd)},
        {"integer", p.integer},
    });
  }
  // Invalid UTF-8 in a label or value is replaced (U+FFFD) rather than throwing.
  return list.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

std::string sweep_fingerprint(const std::string& sweep_yaml,
                              const std::string& base_scenario_yaml) {
  std::uint64_t hash = fnv1a64(sweep_yaml);
  hash = fnv1a64(std::string_view("\0", 1), hash);
  hash = fnv1a64(base_scenario_yaml, hash);
  hash = fnv1a64(std::string_view("\0", 1), hash);
  hash = fnv1a64(kVersion, hash);
  hash = fnv1a64(kGitCommit, hash);
  return fmt::format("{:016x}", hash);
}

struct SweepStore::Impl {
  fs::path final_path;
  fs::path partial_path;
  std::size_t runs = 0, columns = 0;
  Handle file;
  Handle outputs, done_dataset;
  std::vector<std::uint8_t> done;
  bool resumed = false;

  [[noreturn]] void fail(const std::string& what) const {
    std::string message = "sweep output '" + final_path.string() + "': " + what;
    const std::string details = hdf5::hdf5_error_details();
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

  Handle file_access() const {
    Handle properties(check(H5Pcreate(H5P_FILE_ACCESS), "cannot set up HDF5"), H5Pclose);
    check_status(H5Pset_fclose_degree(properties.get(), H5F_CLOSE_STRONG), "cannot set up HDF5");
    return properties;
  }
  /// Creation properties without modification times, so the same sweep gives the same bytes.
  Handle untimed(hid_t kind) const {
    Handle properties(check(H5Pcreate(kind), "cannot set up HDF5"), H5Pclose);
    check_status(H5Pset_obj_track_times(properties.get(), false), "cannot set up HDF5");
    return properties;
  }

  Handle create_group(hid_t parent, const std::string& name) const {
    Handle properties = untimed(H5P_GROUP_CREATE);
    return Handle(
        check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
              "cannot create group '" + name + "'"),
        H5Gclose);
  }

  Handle open_or_create_group(hid_t root, const std::string& path) const {
    Handle properties = untimed(H5P_GROUP_CREATE);
    Handle group = hdf5::open_or_create_group(root, path, properties.get());
    if (!group.valid()) fail("cannot create group '" + path + "'");
    return group;
  }

  void write_text(hid_t object, const char* name, std::string_view value) const {
    if (!hdf5::write_text_attribute(object, name, value))
      fail("cannot write attribute '" + std::string(name) + "'");
  }

  template <class T>
  void write_scalar(hid_t object, const char* name, T value) const {
    if (!hdf5::write_scalar_attribute<T>(object, name, value))
      fail("cannot write attribute '" + std::string(name) + "'");
  }

  /// A contiguous dataset allocated at full size now, filled with `fill` (rows are then written
  /// in place without changing any HDF5 metadata), and written with `data` if given.
  template <class T>
  Handle create_array(hid_t parent, const std::string& name, std::vector<hsize_t> dims, T fill,
                      const T* data, std::string_view description) const {
    const std::string what = "cannot create dataset '" + name + "'";
    Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), what),
                 H5Sclose);
    Handle properties = untimed(H5P_DATASET_CREATE);
    check_status(H5Pset_layout(properties.get(), H5D_CONTIGUOUS), what);
    check_status(H5Pset_alloc_time(properties.get(), H5D_ALLOC_TIME_EARLY), what);
    check_status(H5Pset_fill_time(properties.get(), H5D_FILL_TIME_ALLOC), what);
    check_status(H5Pset_fill_value(properties.get(), H5Type<T>::memory(), &fill), what);
    Handle dataset(check(H5Dcreate2(parent, name.c_str(), H5Type<T>::file(), space.get(),
                                    H5P_DEFAULT, properties.get(), H5P_DEFAULT),
                         what),
                   H5Dclose);
    hsize_t elements = 1;
    for (hsize_t d : dims) elements *= d;
    if (data != nullptr && elements > 0) {
      check_status(
          H5Dwrite(dataset.get(), H5Type<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
    }
    write_text(dataset.get(), "description", description);
    return dataset;
  }

  /// Writes the file's whole structure under a temporary name, then renames it into place.
  void create(const SweepPlan& plan, const SweepMetadata& meta) {
    const fs::path building = partial_path.string() + ".new";
    {
      Handle access = file_access();
      Handle file_handle(
          check(H5Fcreate(building.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                "cannot create '" + building.string() + "'"),
          H5Fclose);
      const hid_t f = file_handle.get();
      Handle meta_group = create_group(f, "meta");
      const hid_t m = meta_group.get();
      write_text(m, "format", kFormat);
      write_text(m, "version", kVersion);
      write_text(m, "git_commit", kGitCommit);
      write_text(m, "fingerprint", meta.fingerprint);
      write_text(m, "sweep_yaml", meta.sweep_yaml);
      write_text(m, "sweep_file", meta.sweep_file);
      write_text(m, "base_scenario_yaml", meta.base_scenario_yaml);
      write_text(m, "command_line", meta.command_line);
      write_text(m, "name", plan.file.name);
      write_text(m, "description", plan.file.description);
      // "complete" only in the finished file (finish() rewrites it there).
      write_text(m, "status", "running");
      write_text(m, "design",
                 std::string(kDesignChoices[static_cast<int>(plan.file.design.type)].name));
      write_text(m, "seeds",
                 std::string(kSeedPolicyChoices[static_cast<int>(plan.file.seeds)].name));
      write_scalar<std::uint64_t>(m, "seed", plan.seed);
      write_scalar<std::int32_t>(m, "replicates", plan.file.replicates);
      write_scalar<std::uint64_t>(m, "points", plan.points());
      write_scalar<std::uint64_t>(m, "runs", plan.runs());
      write_scalar<std::uint64_t>(m, "design_seed", plan.file.design.seed);
      write_scalar<std::int32_t>(m, "bootstrap", plan.file.design.bootstrap);
      if (plan.file.design.type == DesignType::kMorris) {
        write_scalar<std::int32_t>(m, "morris_levels", plan.file.design.levels);
        write_scalar<std::int32_t>(m, "morris_trajectories", plan.file.design.trajectories);
      }
      if (plan.file.design.type == DesignType::kSobol)
        write_scalar<std::int32_t>(m, "sobol_base_samples", plan.file.design.samples);

      const hsize_t points = plan.points(), k = plan.parameters(), runs_n = plan.runs(),
                    m_columns = plan.columns.size();
      std::vector<std::string> labels, keys;
      for (const SweepParameter& p : plan.file.parameters) {
        labels.push_back(p.label());
        keys.push_back(p.key);
      }
      Handle design_group = create_group(f, "design");
      write_text(design_group.get(), "description",
                 "the design: one row per point, one column per varied parameter");
      write_text(design_group.get(), "parameters", joined(labels));
      write_text(design_group.get(), "keys", joined(keys));
      write_text(design_group.get(), "parameters_json", parameters_json(plan.file));
      create_array<double>(design_group.get(), "unit", {points, k}, 0.0, plan.design.values.data(),
                           "design coordinates on the unit hypercube [0, 1]");
      create_array<double>(design_group.get(), "values", {points, k}, 0.0, plan.values.data(),
                           "parameter values (a list parameter: the index of its value)");

      std::vector<std::int64_t> point(runs_n);
      std::vector<std::int32_t> replicate(runs_n);
      std::vector<std::uint32_t> streams(runs_n);
      std::vector<double> parameters(runs_n * k);
      for (std::size_t r = 0; r < runs_n; ++r) {
        const RunSpec spec = plan.run(r);
        point[r] = static_cast<std::int64_t>(spec.point);
        replicate[r] = static_cast<std::int32_t>(spec.replicate);
        streams[r] = spec.stream_replicate;
        for (std::size_t j = 0; j < k; ++j) parameters[r * k + j] = plan.value(spec.point, j);
      }
      Handle runs_group = create_group(f, "runs");
      write_text(runs_group.get(), "description",
                 "one row per run (point x replicate); rows with done = 0 have not run yet");
      write_text(runs_group.get(), "columns", joined(plan.columns));
      write_text(runs_group.get(), "parameters", joined(labels));
      create_array<std::int64_t>(runs_group.get(), "point", {runs_n}, 0, point.data(),
                                 "row of /design/values");
      create_array<std::int32_t>(runs_group.get(), "replicate", {runs_n}, 0, replicate.data(),
                                 "replicate at this point");
      create_array<std::uint32_t>(runs_group.get(), "stream_replicate", {runs_n}, 0, streams.data(),
                                  "replicate index of the random streams (seeds: common: the "
                                  "replicate; independent: the run)");
      create_array<double>(runs_group.get(), "parameters", {runs_n, k}, 0.0, parameters.data(),
                           "parameter values of the run (as /design/values)");
      const double nan = std::numeric_limits<double>::quiet_NaN();
      create_array<double>(runs_group.get(), "outputs", {runs_n, m_columns}, nan, nullptr,
                           "outputs of the run, columns named in the 'columns' attribute");
      create_array<std::uint8_t>(runs_group.get(), "done", {runs_n}, 0, nullptr,
                                 "1 when the run finished and its outputs are written");
      check_status(H5Fflush(f, H5F_SCOPE_GLOBAL), "cannot flush '" + building.string() + "'");
      if (!file_handle.close()) fail("cannot close '" + building.string() + "'");
    }
    fsync_file(building);
    std::error_code error;
    fs::rename(building, partial_path, error);
    if (error) fail("cannot rename '" + building.string() + "': " + error.message());
  }

  void open_partial(bool expect_fingerprint, const std::string& fingerprint) {
    Handle access = file_access();
    const hid_t id = H5Fopen(partial_path.c_str(), H5F_ACC_RDWR, access.get());
    if (id < 0) {
      fail("cannot open the unfinished sweep '" + partial_path.string() +
           "' to resume it (is another sweep writing it?); --restart discards it");
    }
    file = Handle(id, H5Fclose);
    Handle meta_group(H5Gopen2(file.get(), "meta", H5P_DEFAULT), H5Gclose);
    const std::string found =
        meta_group.valid() ? read_text_attribute(meta_group.get(), "fingerprint") : "";
    if (expect_fingerprint && found != fingerprint) {
      file.reset();
      throw OutputError("'" + partial_path.string() +
                        "' holds the runs of a different sweep (the sweep file, its base scenario "
                        "or salonsim changed since); --restart discards it and starts again");
    }
    outputs = Handle(
        check(H5Dopen2(file.get(), "runs/outputs", H5P_DEFAULT), "cannot open /runs/outputs"),
        H5Dclose);
    done_dataset = Handle(
        check(H5Dopen2(file.get(), "runs/done", H5P_DEFAULT), "cannot open /runs/done"), H5Dclose);
    Handle space(check(H5Dget_space(outputs.get()), "cannot read /runs/outputs"), H5Sclose);
    hsize_t dims[2] = {0, 0};
    if (H5Sget_simple_extent_ndims(space.get()) != 2 ||
        H5Sget_simple_extent_dims(space.get(), dims, nullptr) < 0 || dims[0] != runs ||
        dims[1] != columns) {
      fail("'" + partial_path.string() + "' does not have this sweep's runs and outputs");
    }
    done.assign(runs, 0);
    if (runs > 0) {
      check_status(
          H5Dread(done_dataset.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()),
          "cannot read /runs/done");
    }
  }
};

SweepStore::SweepStore(fs::path final_path, const SweepPlan& plan, const SweepMetadata& meta,
                       bool restart)
    : impl_(std::make_unique<Impl>()) {
  hdf5::silence_hdf5_errors();
  check_output_path(final_path);
  impl_->final_path = std::move(final_path);
  impl_->partial_path = impl_->final_path.string() + ".partial";
  impl_->runs = plan.runs();
  impl_->columns = plan.columns.size();
  std::error_code error;
  if (restart) fs::remove(impl_->partial_path, error);
  if (fs::exists(impl_->partial_path, error)) {
    impl_->open_partial(true, meta.fingerprint);
    impl_->resumed = true;
    return;
  }
  impl_->create(plan, meta);
  impl_->open_partial(false, meta.fingerprint);
}

SweepStore::~SweepStore() = default;

bool SweepStore::resumed() const {
  return impl_->resumed;
}
const std::vector<std::uint8_t>& SweepStore::done() const {
  return impl_->done;
}
std::size_t SweepStore::done_count() const {
  return static_cast<std::size_t>(std::count(impl_->done.begin(), impl_->done.end(), 1));
}
const fs::path& SweepStore::partial_path() const {
  return impl_->partial_path;
}
fs::path SweepStore::finishing_path() const {
  const fs::path& path = impl_->final_path;
  const fs::path directory = path.has_parent_path() ? path.parent_path() : ".";
  return directory / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
}

void SweepStore::write_run(std::size_t run, const std::vector<double>& values) {
  hdf5::silence_hdf5_errors();
  Impl& s = *impl_;
  if (run >= s.runs || values.size() != s.columns)
    s.fail(fmt::format("run {} with {} outputs does not fit the file", run, values.size()));
  const std::string what = fmt::format("cannot write run {}", run);
  if (s.columns > 0) {
    Handle file_space(s.check(H5Dget_space(s.outputs.get()), what), H5Sclose);
    const hsize_t start[2] = {run, 0}, count[2] = {1, s.columns};
    s.check_status(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        what);
    Handle memory_space(s.check(H5Screate_simple(2, count, nullptr), what), H5Sclose);
    s.check_status(H5Dwrite(s.outputs.get(), H5T_NATIVE_DOUBLE, memory_space.get(),
                            file_space.get(), H5P_DEFAULT, values.data()),
                   what);
  }
  // The row reaches the file before the flag that says it is complete.
  s.check_status(H5Fflush(s.file.get(), H5F_SCOPE_LOCAL), what);
  Handle file_space(s.check(H5Dget_space(s.done_dataset.get()), what), H5Sclose);
  const hsize_t start[1] = {run}, count[1] = {1};
  s.check_status(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), what);
  Handle memory_space(s.check(H5Screate_simple(1, count, nullptr), what), H5Sclose);
  const std::uint8_t one = 1;
  s.check_status(H5Dwrite(s.done_dataset.get(), H5T_NATIVE_UINT8, memory_space.get(),
                          file_space.get(), H5P_DEFAULT, &one),
                 what);
  s.check_status(H5Fflush(s.file.get(), H5F_SCOPE_LOCAL), what);
  s.done[run] = 1;
}

std::vector<double> SweepStore::outputs() const {
  hdf5::silence_hdf5_errors();
  std::vector<double> values(impl_->runs * impl_->columns);
  if (!values.empty()) {
    impl_->check_status(H5Dread(impl_->outputs.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                H5P_DEFAULT, values.data()),
                        "cannot read /runs/outputs");
  }
  return values;
}

void SweepStore::finish(const std::vector<ResultArray>& arrays,
                        const std::vector<TextAttribute>& texts) {
  hdf5::silence_hdf5_errors();
  Impl& s = *impl_;
  if (done_count() != s.runs) s.fail("cannot finish: not every run is done");
  s.outputs.reset();
  s.done_dataset.reset();
  if (!s.file.close()) s.fail("cannot close '" + s.partial_path.string() + "'");

  // The partial file stays untouched until the finished copy is in place, so an interruption
  // here loses nothing: the next run finds every row done and only finishes.
  const fs::path finishing = finishing_path();
  std::error_code error;
  fs::copy_file(s.partial_path, finishing, fs::copy_options::overwrite_existing, error);
  if (error) s.fail("cannot copy the sweep to '" + finishing.string() + "': " + error.message());
  try {
    Handle access = s.file_access();
    Handle file(s.check(H5Fopen(finishing.c_str(), H5F_ACC_RDWR, access.get()),
                        "cannot open '" + finishing.string() + "'"),
                H5Fclose);
    for (const ResultArray& array : arrays) {
      const auto slash = array.path.rfind('/');
      Handle group = s.open_or_create_group(file.get(), array.path.substr(0, slash));
      const std::vector<hsize_t> dims(array.dims.begin(), array.dims.end());
      s.create_array<double>(group.get(), array.path.substr(slash + 1), dims, 0.0,
                             array.values.data(), array.description);
    }
    for (const TextAttribute& text : texts) {
      Handle group = s.open_or_create_group(file.get(), text.group);
      s.write_text(group.get(), text.name.c_str(), text.text);
    }
    s.check_status(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush the finished sweep");
    if (!file.close()) s.fail("cannot close '" + finishing.string() + "'");
  } catch (...) {
    fs::remove(finishing, error);
    throw;
  }
  fsync_file(finishing);
  fs::rename(finishing, s.final_path, error);
  if (error) {
    fs::remove(finishing, error);
    s.fail("cannot rename the finished sweep to its final name: " + error.message());
  }
  fs::remove(s.partial_path, error);
}

std::string finished_fingerprint(const fs::path& path) {
  hdf5::silence_hdf5_errors();
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return {};
  if (H5Fis_hdf5(path.c_str()) <= 0) return {};
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) return {};
  Handle meta(H5Gopen2(file.get(), "meta", H5P_DEFAULT), H5Gclose);
  if (!meta.valid()) return {};
  if (read_text_attribute(meta.get(), "format") != kFormat) return {};
  return read_text_attribute(meta.get(), "fingerprint");
}

}  // namespace salonsim::sweep
