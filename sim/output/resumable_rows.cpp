#include "sim/output/resumable_rows.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "sim/digest.hpp"
#include "sim/output/hdf5_support.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/version.hpp"

namespace salonsim {

namespace fs = std::filesystem;
using hdf5::H5Type;
using hdf5::Handle;

namespace {

/// A row's checksum: of its index and its values' bytes, so a row written to the wrong place or
/// changed after it was written does not match.
std::uint64_t row_checksum(std::size_t row, const double* values, std::size_t columns) {
  const std::uint64_t index = row;
  return fnv1a64_of(values, columns, fnv1a64_of(&index, 1));
}

/// An exclusive lock on "<final>.lock" for the life of the work: a second process (a second
/// `salonsim sweep`, or one with --restart) is refused instead of writing the same rows. flock
/// locks die with their process, kill -9 included, so a stale lock file never blocks.
class WorkLock {
 public:
  WorkLock(fs::path path, const std::string& what) : path_(std::move(path)) {
    // Retried when the file was replaced between open and lock (a finishing process removes it).
    for (int attempt = 0; attempt < 100; ++attempt) {
      fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd_ < 0) {
        throw OutputError(fmt::format("cannot create the lock file '{}': {}", path_.string(),
                                      std::strerror(errno)));
      }
      if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd_);
        fd_ = -1;
        if (error == EWOULDBLOCK) {
          throw OutputError(fmt::format(
              "another salonsim process is running this {} (it holds '{}'); wait for it to "
              "finish or stop it first (--restart does not override a running process)",
              what, path_.string()));
        }
        throw OutputError(
            fmt::format("cannot lock '{}': {}", path_.string(), std::strerror(error)));
      }
      struct stat held {
      }, named{};
      if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
          held.st_ino == named.st_ino && held.st_dev == named.st_dev)
        return;
      ::close(fd_);
      fd_ = -1;
    }
    throw OutputError("cannot lock '" + path_.string() + "': it keeps being replaced");
  }
  ~WorkLock() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str());  // while locked, so no other process holds a lock on it
    ::close(fd_);
  }
  WorkLock(const WorkLock&) = delete;
  WorkLock& operator=(const WorkLock&) = delete;

 private:
  fs::path path_;
  int fd_ = -1;
};

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

[[noreturn]] void fail_with(const std::string& what, const std::string& problem) {
  std::string message = what + ": " + problem;
  const std::string details = hdf5::hdf5_error_details();
  if (!details.empty()) message += " (HDF5: " + details + ")";
  throw OutputError(message);
}

/// Creation properties without modification times, so the same work gives the same bytes.
Handle untimed_properties(hid_t kind) {
  Handle properties(H5Pcreate(kind), H5Pclose);
  if (!properties.valid() || H5Pset_obj_track_times(properties.get(), false) < 0) return {};
  return properties;
}

}  // namespace

void ResumableFileBuilder::text(const std::string& group, const std::string& name,
                                std::string_view value) {
  Handle properties = untimed_properties(H5P_GROUP_CREATE);
  Handle handle = hdf5::open_or_create_group(file_, group, properties.get());
  if (!handle.valid() || !hdf5::write_text_attribute(handle.get(), name.c_str(), value))
    fail_with(what_, "cannot write attribute '" + name + "' of '" + group + "'");
}

template <class T>
void ResumableFileBuilder::scalar(const std::string& group, const std::string& name, T value) {
  Handle properties = untimed_properties(H5P_GROUP_CREATE);
  Handle handle = hdf5::open_or_create_group(file_, group, properties.get());
  if (!handle.valid() || !hdf5::write_scalar_attribute<T>(handle.get(), name.c_str(), value))
    fail_with(what_, "cannot write attribute '" + name + "' of '" + group + "'");
}

template <class T>
void ResumableFileBuilder::array(const std::string& path, std::vector<std::uint64_t> dims,
                                 const std::vector<T>& values, std::string_view description) {
  const auto slash = path.rfind('/');
  const std::string problem = "cannot create dataset '" + path + "'";
  Handle group_properties = untimed_properties(H5P_GROUP_CREATE);
  Handle group = hdf5::open_or_create_group(file_, path.substr(0, slash), group_properties.get());
  if (!group.valid()) fail_with(what_, problem);
  const std::vector<hsize_t> extent(dims.begin(), dims.end());
  Handle space(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr), H5Sclose);
  Handle properties = untimed_properties(H5P_DATASET_CREATE);
  if (!space.valid() || !properties.valid() ||
      H5Pset_layout(properties.get(), H5D_CONTIGUOUS) < 0 ||
      H5Pset_alloc_time(properties.get(), H5D_ALLOC_TIME_EARLY) < 0)
    fail_with(what_, problem);
  Handle dataset(H5Dcreate2(group.get(), path.substr(slash + 1).c_str(), H5Type<T>::file(),
                            space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
                 H5Dclose);
  if (!dataset.valid()) fail_with(what_, problem);
  if (!values.empty() && H5Dwrite(dataset.get(), H5Type<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                  values.data()) < 0)
    fail_with(what_, problem);
  if (!hdf5::write_text_attribute(dataset.get(), "description", description))
    fail_with(what_, problem);
}

template void ResumableFileBuilder::scalar<std::int32_t>(const std::string&, const std::string&,
                                                         std::int32_t);
template void ResumableFileBuilder::scalar<std::int64_t>(const std::string&, const std::string&,
                                                         std::int64_t);
template void ResumableFileBuilder::scalar<std::uint64_t>(const std::string&, const std::string&,
                                                          std::uint64_t);
template void ResumableFileBuilder::scalar<double>(const std::string&, const std::string&, double);
template void ResumableFileBuilder::array<std::uint8_t>(const std::string&,
                                                        std::vector<std::uint64_t>,
                                                        const std::vector<std::uint8_t>&,
                                                        std::string_view);
template void ResumableFileBuilder::array<std::int32_t>(const std::string&,
                                                        std::vector<std::uint64_t>,
                                                        const std::vector<std::int32_t>&,
                                                        std::string_view);
template void ResumableFileBuilder::array<std::uint32_t>(const std::string&,
                                                         std::vector<std::uint64_t>,
                                                         const std::vector<std::uint32_t>&,
                                                         std::string_view);
template void ResumableFileBuilder::array<std::int64_t>(const std::string&,
                                                        std::vector<std::uint64_t>,
                                                        const std::vector<std::int64_t>&,
                                                        std::string_view);
template void ResumableFileBuilder::array<double>(const std::string&, std::vector<std::uint64_t>,
                                                  const std::vector<double>&, std::string_view);

std::string resumable_fingerprint(const std::vector<std::string>& inputs) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const std::string& input : inputs) {
    hash = fnv1a64(input, hash);
    hash = fnv1a64(std::string_view("\0", 1), hash);
  }
  hash = fnv1a64(kVersion, hash);
  hash = fnv1a64(kGitCommit, hash);
  return fmt::format("{:016x}", hash);
}

struct ResumableRows::Impl {
  fs::path final_path;
  fs::path partial_path;
  Layout layout;
  std::unique_ptr<WorkLock> lock;
  Handle file;
  Handle outputs, done_dataset, checksums;
  std::vector<std::uint8_t> done;
  std::size_t damaged = 0;
  bool resumed = false;

  [[noreturn]] void fail(const std::string& what) const {
    std::string message = layout.what + " output '" + final_path.string() + "': " + what;
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
  /// Creation properties without modification times, so the same work gives the same bytes.
  Handle untimed(hid_t kind) const {
    Handle properties(check(H5Pcreate(kind), "cannot set up HDF5"), H5Pclose);
    check_status(H5Pset_obj_track_times(properties.get(), false), "cannot set up HDF5");
    return properties;
  }

  Handle group(hid_t root, const std::string& path) const {
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
  void create(const std::function<void(ResumableFileBuilder&)>& describe) {
    const fs::path building = partial_path.string() + ".new";
    {
      Handle access = file_access();
      Handle file_handle(
          check(H5Fcreate(building.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                "cannot create '" + building.string() + "'"),
          H5Fclose);
      const hid_t f = file_handle.get();
      {
        Handle meta = group(f, "meta");
        write_text(meta.get(), "format", layout.format);
        write_text(meta.get(), "version", kVersion);
        write_text(meta.get(), "git_commit", kGitCommit);
        write_text(meta.get(), "fingerprint", layout.fingerprint);
        // "complete" only in the finished file (finish() rewrites it there).
        write_text(meta.get(), "status", "running");
      }
      ResumableFileBuilder builder(f, layout.what + " output '" + final_path.string() + "'");
      describe(builder);
      Handle runs = group(f, "runs");
      const double nan = std::numeric_limits<double>::quiet_NaN();
      create_array<double>(runs.get(), "outputs", {layout.rows, layout.columns}, nan, nullptr,
                           layout.columns_description);
      create_array<std::uint8_t>(runs.get(), "done", {layout.rows}, 0, nullptr,
                                 "1 when the run finished and its outputs are written");
      create_array<std::uint64_t>(runs.get(), "checksum", {layout.rows}, 0, nullptr,
                                  "FNV-1a 64 of the row's index and its outputs' bytes: a done "
                                  "row whose checksum does not match is run again");
      check_status(H5Fflush(f, H5F_SCOPE_GLOBAL), "cannot flush '" + building.string() + "'");
      if (!file_handle.close()) fail("cannot close '" + building.string() + "'");
    }
    fsync_file(building);
    std::error_code error;
    fs::rename(building, partial_path, error);
    if (error) fail("cannot rename '" + building.string() + "': " + error.message());
  }

  void open_partial(bool expect_fingerprint) {
    Handle access = file_access();
    const hid_t id = H5Fopen(partial_path.c_str(), H5F_ACC_RDWR, access.get());
    if (id < 0) {
      fail("cannot open the unfinished " + layout.what + " '" + partial_path.string() +
           "' to resume it (is another process writing it?); --restart discards it");
    }
    file = Handle(id, H5Fclose);
    Handle meta_group(H5Gopen2(file.get(), "meta", H5P_DEFAULT), H5Gclose);
    const std::string found =
        meta_group.valid() ? read_text_attribute(meta_group.get(), "fingerprint") : "";
    if (expect_fingerprint && found != layout.fingerprint) {
      file.reset();
      throw OutputError("'" + partial_path.string() + "' holds the runs of a different " +
                        layout.what +
                        " (its file, its base scenario or salonsim changed since); --restart "
                        "discards it and starts again");
    }
    outputs = Handle(
        check(H5Dopen2(file.get(), "runs/outputs", H5P_DEFAULT), "cannot open /runs/outputs"),
        H5Dclose);
    done_dataset = Handle(
        check(H5Dopen2(file.get(), "runs/done", H5P_DEFAULT), "cannot open /runs/done"), H5Dclose);
    Handle space(check(H5Dget_space(outputs.get()), "cannot read /runs/outputs"), H5Sclose);
    hsize_t dims[2] = {0, 0};
    if (H5Sget_simple_extent_ndims(space.get()) != 2 ||
        H5Sget_simple_extent_dims(space.get(), dims, nullptr) < 0 || dims[0] != layout.rows ||
        dims[1] != layout.columns) {
      fail("'" + partial_path.string() + "' does not have this " + layout.what +
           "'s runs and outputs");
    }
    checksums = Handle(
        check(H5Dopen2(file.get(), "runs/checksum", H5P_DEFAULT), "cannot open /runs/checksum"),
        H5Dclose);
    done = verified_rows(file.get(), damaged);
  }

  /// The done flags of `f`'s rows, trusting only rows whose flag is exactly 1 and whose
  /// checksum matches their values; `damaged` counts the done rows that failed.
  std::vector<std::uint8_t> verified_rows(hid_t f, std::size_t& damaged_rows) const {
    std::vector<std::uint8_t> flags(layout.rows, 0);
    std::vector<std::uint64_t> sums(layout.rows, 0);
    std::vector<double> values(layout.rows * layout.columns);
    damaged_rows = 0;
    if (layout.rows == 0) return flags;
    Handle done_set(check(H5Dopen2(f, "runs/done", H5P_DEFAULT), "cannot open /runs/done"),
                    H5Dclose);
    Handle sum_set(check(H5Dopen2(f, "runs/checksum", H5P_DEFAULT), "cannot open /runs/checksum"),
                   H5Dclose);
    Handle value_set(check(H5Dopen2(f, "runs/outputs", H5P_DEFAULT), "cannot open /runs/outputs"),
                     H5Dclose);
    check_status(
        H5Dread(done_set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, flags.data()),
        "cannot read /runs/done");
    check_status(
        H5Dread(sum_set.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, sums.data()),
        "cannot read /runs/checksum");
    if (!values.empty()) {
      check_status(
          H5Dread(value_set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "cannot read /runs/outputs");
    }
    for (std::size_t row = 0; row < layout.rows; ++row) {
      if (flags[row] == 0) continue;
      const bool intact =
          flags[row] == 1 &&
          sums[row] == row_checksum(row, values.data() + row * layout.columns, layout.columns);
      if (!intact) {
        flags[row] = 0;
        ++damaged_rows;
      }
    }
    return flags;
  }
};

ResumableRows::ResumableRows(fs::path final_path, Layout layout, bool restart,
                             const std::function<void(ResumableFileBuilder&)>& describe)
    : impl_(std::make_unique<Impl>()) {
  hdf5::silence_hdf5_errors();
  check_output_path(final_path);
  impl_->final_path = std::move(final_path);
  impl_->partial_path = impl_->final_path.string() + ".partial";
  impl_->layout = std::move(layout);
  // Locked before anything is read or removed: --restart must not pull the file out from under
  // a process still writing it.
  impl_->lock =
      std::make_unique<WorkLock>(impl_->final_path.string() + ".lock", impl_->layout.what);
  std::error_code error;
  if (restart) fs::remove(impl_->partial_path, error);
  if (fs::exists(impl_->partial_path, error)) {
    impl_->open_partial(true);
    impl_->resumed = true;
    return;
  }
  impl_->create(describe);
  impl_->open_partial(false);
}

ResumableRows::~ResumableRows() = default;

bool ResumableRows::resumed() const {
  return impl_->resumed;
}
const std::vector<std::uint8_t>& ResumableRows::done() const {
  return impl_->done;
}
std::size_t ResumableRows::damaged_count() const {
  return impl_->damaged;
}
std::size_t ResumableRows::done_count() const {
  return static_cast<std::size_t>(std::count(impl_->done.begin(), impl_->done.end(), 1));
}
const fs::path& ResumableRows::partial_path() const {
  return impl_->partial_path;
}
fs::path ResumableRows::finishing_path() const {
  const fs::path& path = impl_->final_path;
  const fs::path directory = path.has_parent_path() ? path.parent_path() : ".";
  return directory / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
}

void ResumableRows::write_row(std::size_t row, const std::vector<double>& values) {
  hdf5::silence_hdf5_errors();
  Impl& s = *impl_;
  const std::size_t columns = s.layout.columns;
  if (row >= s.layout.rows || values.size() != columns)
    s.fail(fmt::format("run {} with {} outputs does not fit the file", row, values.size()));
  const std::string what = fmt::format("cannot write run {}", row);
  if (columns > 0) {
    Handle file_space(s.check(H5Dget_space(s.outputs.get()), what), H5Sclose);
    const hsize_t start[2] = {row, 0}, count[2] = {1, columns};
    s.check_status(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        what);
    Handle memory_space(s.check(H5Screate_simple(2, count, nullptr), what), H5Sclose);
    s.check_status(H5Dwrite(s.outputs.get(), H5T_NATIVE_DOUBLE, memory_space.get(),
                            file_space.get(), H5P_DEFAULT, values.data()),
                   what);
  }
  const std::uint64_t checksum = row_checksum(row, values.data(), columns);
  const auto write_element = [&](hid_t dataset, hid_t type, const void* value) {
    Handle file_space(s.check(H5Dget_space(dataset), what), H5Sclose);
    const hsize_t start[1] = {row}, count[1] = {1};
    s.check_status(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        what);
    Handle memory_space(s.check(H5Screate_simple(1, count, nullptr), what), H5Sclose);
    s.check_status(
        H5Dwrite(dataset, type, memory_space.get(), file_space.get(), H5P_DEFAULT, value), what);
  };
  write_element(s.checksums.get(), H5T_NATIVE_UINT64, &checksum);
  // The row and its checksum reach the file before the flag that says it is complete.
  s.check_status(H5Fflush(s.file.get(), H5F_SCOPE_LOCAL), what);
  const std::uint8_t one = 1;
  write_element(s.done_dataset.get(), H5T_NATIVE_UINT8, &one);
  s.check_status(H5Fflush(s.file.get(), H5F_SCOPE_LOCAL), what);
  s.done[row] = 1;
}

std::vector<double> ResumableRows::outputs() const {
  hdf5::silence_hdf5_errors();
  std::vector<double> values(impl_->layout.rows * impl_->layout.columns);
  if (!values.empty()) {
    impl_->check_status(H5Dread(impl_->outputs.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                H5P_DEFAULT, values.data()),
                        "cannot read /runs/outputs");
  }
  return values;
}

void ResumableRows::finish(const std::vector<ResultArray>& arrays,
                           const std::vector<TextAttribute>& texts) {
  hdf5::silence_hdf5_errors();
  Impl& s = *impl_;
  s.outputs.reset();
  s.done_dataset.reset();
  s.checksums.reset();
  if (!s.file.close()) s.fail("cannot close '" + s.partial_path.string() + "'");

  // The partial file stays untouched until the finished copy is in place, so an interruption
  // here loses nothing: the next run finds every row done and only finishes.
  const fs::path finishing = finishing_path();
  std::error_code error;
  fs::copy_file(s.partial_path, finishing, fs::copy_options::overwrite_existing, error);
  if (error) s.fail("cannot copy the runs to '" + finishing.string() + "': " + error.message());
  try {
    Handle access = s.file_access();
    Handle file(s.check(H5Fopen(finishing.c_str(), H5F_ACC_RDWR, access.get()),
                        "cannot open '" + finishing.string() + "'"),
                H5Fclose);
    // Marked complete only when every row this process holds done is in the copy, intact.
    std::size_t damaged = 0;
    const std::vector<std::uint8_t> rows = s.verified_rows(file.get(), damaged);
    std::size_t missing = 0;
    for (std::size_t row = 0; row < rows.size(); ++row)
      if (s.done[row] != 0 && rows[row] == 0) ++missing;
    if (missing > 0) {
      s.fail(fmt::format(
          "{} of the {} finished runs in '{}' are missing or damaged; not marking "
          "it complete (running the same command again runs them)",
          missing, std::count(s.done.begin(), s.done.end(), 1), s.partial_path.string()));
    }
    for (const ResultArray& array : arrays) {
      const auto slash = array.path.rfind('/');
      Handle group = s.group(file.get(), array.path.substr(0, slash));
      const std::vector<hsize_t> dims(array.dims.begin(), array.dims.end());
      s.create_array<double>(group.get(), array.path.substr(slash + 1), dims, 0.0,
                             array.values.data(), array.description);
    }
    for (const TextAttribute& text : texts) {
      Handle group = s.group(file.get(), text.group);
      s.write_text(group.get(), text.name.c_str(), text.text);
    }
    Handle meta = s.group(file.get(), "meta");
    s.write_text(meta.get(), "status", "complete");
    s.check_status(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush the finished file");
    if (!file.close()) s.fail("cannot close '" + finishing.string() + "'");
  } catch (...) {
    fs::remove(finishing, error);
    throw;
  }
  fsync_file(finishing);
  fs::rename(finishing, s.final_path, error);
  if (error) {
    fs::remove(finishing, error);
    s.fail("cannot rename the finished file to its final name: " + error.message());
  }
  fs::remove(s.partial_path, error);
  s.lock.reset();  // the work is done
}

std::string finished_fingerprint(const fs::path& path, std::string_view format) {
  hdf5::silence_hdf5_errors();
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return {};
  if (H5Fis_hdf5(path.c_str()) <= 0) return {};
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) return {};
  Handle meta(H5Gopen2(file.get(), "meta", H5P_DEFAULT), H5Gclose);
  if (!meta.valid()) return {};
  if (read_text_attribute(meta.get(), "format") != format) return {};
  return read_text_attribute(meta.get(), "fingerprint");
}

}  // namespace salonsim
