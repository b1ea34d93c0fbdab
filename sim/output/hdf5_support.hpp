#pragma once
// Small pieces shared by the HDF5 writers (run output, sweep store): an owning handle, the
// error-stack handling, and the HDF5 types of C++ scalars. C API: its error stack can be
// silenced and read back into one message.
#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/utf8.hpp"

namespace salonsim::hdf5 {

/// Owns one HDF5 identifier and closes it with the function that matches its kind.
class Handle {
 public:
  using Close = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Close close) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      close_ = other.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  /// Closes now and says whether closing succeeded (flushing a file can fail here).
  bool close() {
    const herr_t status = valid() ? close_(std::exchange(id_, H5I_INVALID_HID)) : 0;
    return status >= 0;
  }
  void reset() { close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Close close_ = nullptr;
};

/// HDF5 prints its error stack to stderr by default; we report errors as OutputError instead.
/// The setting is per thread in a thread-safe build, so every entry point calls this.
inline void silence_hdf5_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

/// The outermost and innermost descriptions on HDF5's error stack, then clears it.
inline std::string hdf5_error_details() {
  std::vector<std::string> descriptions;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
        if (error->desc != nullptr && *error->desc != '\0') {
          static_cast<std::vector<std::string>*>(data)->emplace_back(error->desc);
        }
        return 0;
      },
      &descriptions);
  H5Eclear2(H5E_DEFAULT);
  if (descriptions.empty()) return {};
  // A system error's description runs over lines (time, file name, buffer addresses, byte
  // counts); what it says is "file write failed" and the system's message.
  for (std::string& description : descriptions) {
    const std::size_t message = description.find("error message = '");
    if (message == std::string::npos) continue;
    const std::size_t start = message + 17, end = description.find('\'', start);
    description = description.substr(0, description.find(':')) + ": " +
                  description.substr(start, end == std::string::npos ? end : end - start);
  }
  std::string details = descriptions.front();
  if (descriptions.size() > 1 && descriptions.back() != descriptions.front()) {
    details += ": " + descriptions.back();
  }
  return details;
}

template <class T>
struct H5Type;
template <>
struct H5Type<std::uint8_t> {
  static hid_t file() { return H5T_STD_U8LE; }
  static hid_t memory() { return H5T_NATIVE_UINT8; }
};
template <>
struct H5Type<std::uint16_t> {
  static hid_t file() { return H5T_STD_U16LE; }
  static hid_t memory() { return H5T_NATIVE_UINT16; }
};
template <>
struct H5Type<std::int32_t> {
  static hid_t file() { return H5T_STD_I32LE; }
  static hid_t memory() { return H5T_NATIVE_INT32; }
};
template <>
struct H5Type<std::uint32_t> {
  static hid_t file() { return H5T_STD_U32LE; }
  static hid_t memory() { return H5T_NATIVE_UINT32; }
};
template <>
struct H5Type<std::int64_t> {
  static hid_t file() { return H5T_STD_I64LE; }
  static hid_t memory() { return H5T_NATIVE_INT64; }
};
template <>
struct H5Type<std::uint64_t> {
  static hid_t file() { return H5T_STD_U64LE; }
  static hid_t memory() { return H5T_NATIVE_UINT64; }
};
template <>
struct H5Type<float> {
  static hid_t file() { return H5T_IEEE_F32LE; }
  static hid_t memory() { return H5T_NATIVE_FLOAT; }
};
template <>
struct H5Type<double> {
  static hid_t file() { return H5T_IEEE_F64LE; }
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
};

/// Opens the group at `path` ("/a/b") below `file`, creating it and any missing parents with
/// `group_create_properties`. An invalid handle on failure; HDF5's error stack says why.
inline Handle open_or_create_group(hid_t file, const std::string& path,
                                   hid_t group_create_properties = H5P_DEFAULT) {
  Handle group(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
  std::size_t start = 0;
  while (group.valid() && start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string name = path.substr(start, end - start);
    start = end + 1;
    if (name.empty() || name == ".") continue;
    const htri_t exists = H5Lexists(group.get(), name.c_str(), H5P_DEFAULT);
    if (exists < 0) return {};
    group = Handle(exists > 0 ? H5Gopen2(group.get(), name.c_str(), H5P_DEFAULT)
                              : H5Gcreate2(group.get(), name.c_str(), H5P_DEFAULT,
                                           group_create_properties, H5P_DEFAULT),
                   H5Gclose);
  }
  return group;
}

/// Writes a text attribute (variable-length UTF-8: h5py reads it as str, and the text has no
/// 64 KiB limit as it lives in the global heap), replacing one of the same name. False on
/// failure; HDF5's error stack says why.
inline bool write_text_attribute(hid_t object, const char* name, std::string_view value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.get(), H5T_VARIABLE) < 0 ||
      H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
    return false;
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (!space.valid()) return false;
  if (H5Aexists(object, name) > 0 && H5Adelete(object, name) < 0) return false;
  Handle attribute(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose);
  if (!attribute.valid()) return false;
  const std::string text = valid_utf8(value);  // declared UTF-8: a path may not be
  const char* data = text.c_str();
  return H5Awrite(attribute.get(), type.get(), &data) >= 0;
}

/// Writes a scalar attribute of a C++ arithmetic type. False on failure.
template <class T>
bool write_scalar_attribute(hid_t object, const char* name, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (!space.valid()) return false;
  Handle attribute(
      H5Acreate2(object, name, H5Type<T>::file(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  return attribute.valid() && H5Awrite(attribute.get(), H5Type<T>::memory(), &value) >= 0;
}

/// The names of the links in a group, in creation order where it is tracked (else by name).
inline std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect, &names) < 0) {
    H5Eclear2(H5E_DEFAULT);  // no creation order tracked (a file from elsewhere)
    names.clear();
    H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names);
  }
  return names;
}

}  // namespace salonsim::hdf5
