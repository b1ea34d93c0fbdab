#pragma once
// Reads datasets and text attributes back from an HDF5 file in tests (HDF5 C API).
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace salonsim::testing {

/// A whole dataset converted to `memory_type` (e.g. H5T_NATIVE_DOUBLE); empty if it is missing.
template <class T>
std::vector<T> read_dataset(const std::string& file, const std::string& dataset,
                            hid_t memory_type) {
  std::vector<T> values;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return values;
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  if (d >= 0) {
    const hid_t space = H5Dget_space(d);
    values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    if (!values.empty()) H5Dread(d, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Sclose(space);
    H5Dclose(d);
  }
  H5Fclose(f);
  return values;
}

inline std::vector<double> read_doubles(const std::string& file, const std::string& dataset) {
  return read_dataset<double>(file, dataset, H5T_NATIVE_DOUBLE);
}

/// A variable-length text attribute of `object` ("/" or a group path); "" if missing.
inline std::string read_text(const std::string& file, const std::string& object,
                             const std::string& name) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::string text;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return text;
  const hid_t a = H5Aopen_by_name(f, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char* data = nullptr;
    if (H5Aread(a, type, &data) >= 0 && data != nullptr) {
      text = data;
      H5free_memory(data);
    }
    H5Tclose(type);
    H5Aclose(a);
  }
  H5Fclose(f);
  return text;
}

}  // namespace salonsim::testing
