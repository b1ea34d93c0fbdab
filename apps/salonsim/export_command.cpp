#include "apps/salonsim/export_command.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "apps/salonsim/cli_support.hpp"
#include "sim/output/csv.hpp"
#include "sim/output/hdf5_support.hpp"

namespace salonsim::cli {

namespace {

namespace fs = std::filesystem;
using hdf5::Handle;

constexpr hsize_t kRowsPerBlock = 65536;  // rows read and written at a time

/// A problem with the input or the request (exit 2), or with writing (exit 1).
struct ExportError : std::runtime_error {
  ExportError(const std::string& message, int code) : std::runtime_error(message), code(code) {}
  int code;
};

[[noreturn]] void fail_reading(const std::string& what) {
  std::string message = what;
  if (const std::string details = hdf5::hdf5_error_details(); !details.empty())
    message += " (HDF5: " + details + ")";
  throw ExportError(message, kInvalidInput);
}

Handle open_object(hid_t parent, const std::string& name) {
  return Handle(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
}

/// The dimensions of a dataset.
std::vector<hsize_t> dims_of(hid_t dataset) {
  Handle space(H5Dget_space(dataset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

/// Cells [start, start + count) of a dataset, read in row-major order, as CSV text: numbers in
/// their shortest exact form, an enum's member names, text quoted where needed. A dataset of more
/// than one dimension gives count * (its row size) cells.
std::vector<std::string> read_cells(hid_t dataset, hsize_t start, hsize_t count,
                                    const std::string& path) {
  const std::vector<hsize_t> dims = dims_of(dataset);
  if (dims.empty()) fail_reading("cannot read '" + path + "': not an array");
  hsize_t row_size = 1;
  for (std::size_t d = 1; d < dims.size(); ++d) row_size *= dims[d];
  const hsize_t cells = count * row_size;
  std::vector<std::string> out(cells);
  if (cells == 0) return out;

  Handle file_space(H5Dget_space(dataset), H5Sclose);
  std::vector<hsize_t> offset(dims.size(), 0), block = dims;
  offset[0] = start, block[0] = count;
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, offset.data(), nullptr, block.data(),
                          nullptr) < 0)
    fail_reading("cannot select rows of '" + path + "'");
  Handle memory_space(H5Screate_simple(1, &cells, nullptr), H5Sclose);
  Handle type(H5Dget_type(dataset), H5Tclose);
  const auto read = [&](hid_t memory_type, void* buffer) {
    if (H5Dread(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, buffer) <
        0)
      fail_reading("cannot read '" + path + "'");
  };

  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER: {
      if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
        std::vector<unsigned long long> values(cells);
        read(H5T_NATIVE_ULLONG, values.data());
        for (hsize_t i = 0; i < cells; ++i) out[i] = fmt::format("{}", values[i]);
      } else {
        std::vector<long long> values(cells);
        read(H5T_NATIVE_LLONG, values.data());
        for (hsize_t i = 0; i < cells; ++i) out[i] = fmt::format("{}", values[i]);
      }
      break;
    }
    case H5T_FLOAT: {
      if (H5Tget_size(type.get()) <= sizeof(float)) {
        std::vector<float> values(cells);
        read(H5T_NATIVE_FLOAT, values.data());
        for (hsize_t i = 0; i < cells; ++i) out[i] = fmt::format("{}", values[i]);
      } else {
        std::vector<double> values(cells);
        read(H5T_NATIVE_DOUBLE, values.data());
        for (hsize_t i = 0; i < cells; ++i) out[i] = fmt::format("{}", values[i]);
      }
      break;
    }
    case H5T_ENUM: {
      // Read in the enum's own native type, then name each value by the member that has it.
      Handle native(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
      const std::size_t size = H5Tget_size(native.get());
      std::vector<unsigned char> raw(cells * size);
      read(native.get(), raw.data());
      std::vector<std::pair<std::vector<unsigned char>, std::string>> members;
      for (int m = 0; m < H5Tget_nmembers(native.get()); ++m) {
        std::vector<unsigned char> value(size);
        char* name = H5Tget_member_name(native.get(), static_cast<unsigned>(m));
        if (name == nullptr ||
            H5Tget_member_value(native.get(), static_cast<unsigned>(m), value.data()) < 0)
          fail_reading("cannot read the codes of '" + path + "'");
        members.emplace_back(std::move(value), name);
        H5free_memory(name);
      }
      for (hsize_t i = 0; i < cells; ++i) {
        const unsigned char* cell = raw.data() + i * size;
        const auto member = std::find_if(members.begin(), members.end(), [&](const auto& m) {
          return std::memcmp(m.first.data(), cell, size) == 0;
        });
        out[i] = member != members.end() ? csv_field(member->second) : std::string("?");
      }
      break;
    }
    case H5T_STRING: {
      if (H5Tis_variable_str(type.get()) > 0) {
        Handle memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(memory_type.get(), H5T_VARIABLE);
        H5Tset_cset(memory_type.get(), H5Tget_cset(type.get()));
        std::vector<char*> values(cells, nullptr);
        read(memory_type.get(), values.data());
        for (hsize_t i = 0; i < cells; ++i)
          out[i] = csv_field(values[i] != nullptr ? values[i] : "");
        H5Dvlen_reclaim(memory_type.get(), memory_space.get(), H5P_DEFAULT, values.data());
      } else {
        const std::size_t size = H5Tget_size(type.get());
        std::vector<char> raw(cells * size);
        read(type.get(), raw.data());
        for (hsize_t i = 0; i < cells; ++i) {
          const char* text = raw.data() + i * size;
          out[i] = csv_field(std::string(text, strnlen(text, size)));
        }
      }
      break;
    }
    default:
      fail_reading("cannot export '" + path + "': its type is not a number, a code or text");
  }
  return out;
}

/// Where a table sits: which arm and replicate it belongs to, and any other groups above it.
struct Keys {
  std::string arm, replicate, where;
};

/// A table found in the file (a group of 1-D datasets of one length), or a timeseries.
struct Found {
  std::string path;  // of its group
  Keys keys;
  std::vector<std::string> columns;  // for a timeseries: its indicators (3-D datasets)
  hsize_t rows = 0;                  // for a timeseries: steps
};

struct TableName {
  std::string name;  // the CSV's name
  bool timeseries = false;
  bool operator<(const TableName& o) const {
    return std::tie(name, timeseries) < std::tie(o.name, o.timeseries);
  }
};

/// Walks the file's groups, collecting its tables by name (file order within a name).
class Survey {
 public:
  explicit Survey(hid_t file) : file_(file) {}

  void walk(const std::string& path, const Keys& keys, const std::string& parent_name) {
    Handle group(H5Gopen2(file_, path.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid()) fail_reading("cannot open group '" + path + "'");
    const std::vector<std::string> names = hdf5::link_names(group.get());
    const std::string name = path == "/" ? "" : path.substr(path.rfind('/') + 1);

    std::vector<std::string> groups, one_d, three_d;
    hsize_t rows = 0;
    bool same_length = true;
    for (const std::string& child : names) {
      Handle object = open_object(group.get(), child);
      if (!object.valid()) fail_reading("cannot open '" + join(path, child) + "'");
      const H5I_type_t type = H5Iget_type(object.get());
      if (type == H5I_GROUP) {
        groups.push_back(child);
      } else if (type == H5I_DATASET) {
        const std::vector<hsize_t> dims = dims_of(object.get());
        if (dims.size() == 1) {
          if (one_d.empty()) rows = dims[0];
          same_length = same_length && dims[0] == rows;
          one_d.push_back(child);
        } else if (dims.size() == 3) {
          three_d.push_back(child);
        }
      }
    }
    if (name == "timeseries" && !three_d.empty() &&
        std::find(one_d.begin(), one_d.end(), "step") != one_d.end()) {
      Handle step(H5Dopen2(group.get(), "step", H5P_DEFAULT), H5Dclose);
      tables_[{"timeseries", true}].push_back({path, keys, three_d, dims_of(step.get())[0]});
    } else if (!one_d.empty() && same_length && groups.empty()) {
      const std::string table = parent_name == "surveys" ? "surveys_" + name : name;
      tables_[{table, false}].push_back({path, keys, one_d, rows});
    } else if (!one_d.empty() || !three_d.empty()) {
      skipped_.push_back(path);
    }

    for (const std::string& child : groups) {
      Keys inner = keys;
      if (name == "arms") {
        inner.arm = child;
      } else if (child == "arms") {
      } else if (child.rfind("replicate_", 0) == 0) {
        inner.replicate = child.substr(10);
      } else if (child != "surveys" && !is_table_like(group.get(), child)) {
        inner.where = keys.where.empty() ? child : keys.where + "/" + child;
      }
      walk(join(path, child), inner, name);
    }
  }

  const std::map<TableName, std::vector<Found>>& tables() const { return tables_; }
  const std::vector<std::string>& skipped() const { return skipped_; }

  static std::string join(const std::string& path, const std::string& name) {
    return path == "/" ? "/" + name : path + "/" + name;
  }

 private:
  /// Whether a child group holds datasets only (a table or a timeseries): its name is the table's,
  /// not a place.
  static bool is_table_like(hid_t group, const std::string& child) {
    Handle inner(H5Gopen2(group, child.c_str(), H5P_DEFAULT), H5Gclose);
    if (!inner.valid()) return false;
    const std::vector<std::string> names = hdf5::link_names(inner.get());
    return !names.empty() && std::all_of(names.begin(), names.end(), [&](const std::string& n) {
      Handle object = open_object(inner.get(), n);
      return object.valid() && H5Iget_type(object.get()) == H5I_DATASET;
    });
  }

  hid_t file_;
  std::map<TableName, std::vector<Found>> tables_;
  std::vector<std::string> skipped_;
};

/// The key columns some table of this name needs (arm, replicate, where), in that order.
std::vector<std::string> key_columns(const std::vector<Found>& found) {
  bool arm = false, replicate = false, where = false;
  for (const Found& f : found) {
    arm = arm || !f.keys.arm.empty();
    replicate = replicate || !f.keys.replicate.empty();
    where = where || !f.keys.where.empty();
  }
  std::vector<std::string> names;
  if (arm) names.emplace_back("arm");
  if (replicate) names.emplace_back("replicate");
  if (where) names.emplace_back("group");
  return names;
}

std::string key_cells(const std::vector<std::string>& key_names, const Keys& keys) {
  std::string text;
  for (const std::string& key : key_names) {
    const std::string& value = key == "arm"         ? keys.arm
                               : key == "replicate" ? keys.replicate
                                                    : keys.where;
    text += csv_field(value) + ",";
  }
  return text;
}

/// The union of the tables' columns, in the order first seen.
std::vector<std::string> union_of_columns(const std::vector<Found>& found) {
  std::vector<std::string> columns;
  for (const Found& f : found)
    for (const std::string& c : f.columns)
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  return columns;
}

void write_table(hid_t file, const std::vector<Found>& found, std::ofstream& out) {
  const std::vector<std::string> keys = key_columns(found), columns = union_of_columns(found);
  std::string header;
  for (const std::string& name : keys) header += name + ",";
  for (std::size_t c = 0; c < columns.size(); ++c)
    header.append(c ? "," : "").append(csv_field(columns[c]));
  out << header << '\n';
  for (const Found& f : found) {
    const std::string prefix = key_cells(keys, f.keys);
    for (hsize_t start = 0; start < f.rows; start += kRowsPerBlock) {
      const hsize_t count = std::min(kRowsPerBlock, f.rows - start);
      std::vector<std::vector<std::string>> cells(columns.size());
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (std::find(f.columns.begin(), f.columns.end(), columns[c]) == f.columns.end()) continue;
        const std::string path = Survey::join(f.path, columns[c]);
        Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
        if (!dataset.valid()) fail_reading("cannot open '" + path + "'");
        cells[c] = read_cells(dataset.get(), start, count, path);
      }
      std::string line;
      for (hsize_t r = 0; r < count; ++r) {
        line = prefix;
        for (std::size_t c = 0; c < columns.size(); ++c) {
          if (c) line += ',';
          if (!cells[c].empty()) line += cells[c][r];
        }
        out << line << '\n';
      }
    }
  }
}

/// One optional axis of a timeseries: its cells (names from its scale), or codes 0, 1.
std::vector<std::string> axis_cells(hid_t file, const std::string& path, hsize_t size) {
  Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (dataset.valid()) {
    const std::vector<hsize_t> dims = dims_of(dataset.get());
    if (dims.size() == 1 && dims[0] == size) return read_cells(dataset.get(), 0, size, path);
  }
  H5Eclear2(H5E_DEFAULT);
  std::vector<std::string> codes(size);
  for (hsize_t i = 0; i < size; ++i) codes[i] = fmt::format("{}", i);
  return codes;
}

/// Timeseries in long form: one row per step, income group and sex.
void write_timeseries(hid_t file, const std::vector<Found>& found, std::ofstream& out) {
  const std::vector<std::string> keys = key_columns(found), indicators = union_of_columns(found);
  bool dates = false;
  for (const Found& f : found)
    dates = dates || H5Lexists(file, Survey::join(f.path, "date").c_str(), H5P_DEFAULT) > 0;
  std::string header;
  for (const std::string& name : keys) header += name + ",";
  header += dates ? "step,day,date,income,sex" : "step,day,income,sex";
  for (const std::string& name : indicators) header.append(",").append(csv_field(name));
  out << header << '\n';
  for (const Found& f : found) {
    const std::string prefix = key_cells(keys, f.keys);
    const auto column = [&](const std::string& name) -> std::vector<std::string> {
      const std::string path = Survey::join(f.path, name);
      if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return {};
      Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
      if (!dataset.valid()) fail_reading("cannot open '" + path + "'");
      const std::vector<hsize_t> dims = dims_of(dataset.get());
      if (dims.empty() || dims[0] != f.rows)
        fail_reading("'" + path + "' does not have one row per step");
      return read_cells(dataset.get(), 0, f.rows, path);
    };
    const std::vector<std::string> step = column("step"), day = column("day"),
                                   date = dates ? column("date") : std::vector<std::string>{};
    const std::vector<std::string> income = axis_cells(file, Survey::join(f.path, "income_low"), 2),
                                   sex = axis_cells(file, Survey::join(f.path, "sex"), 2);
    std::vector<std::vector<std::string>> counts(indicators.size());
    for (std::size_t k = 0; k < indicators.size(); ++k) {
      if (std::find(f.columns.begin(), f.columns.end(), indicators[k]) == f.columns.end()) continue;
      counts[k] = column(indicators[k]);
      if (counts[k].size() != f.rows * 4)
        fail_reading("'" + Survey::join(f.path, indicators[k]) + "' is not [step, 2, 2]");
    }
    for (hsize_t s = 0; s < f.rows; ++s) {
      for (int g = 0; g < 4; ++g) {
        std::string line = prefix + step[s] + "," + (day.empty() ? "" : day[s]) + ",";
        if (dates) line += (date.empty() ? "" : date[s]) + ",";
        line += income[g / 2] + "," + sex[g % 2];
        for (std::size_t k = 0; k < indicators.size(); ++k)
          line.append(",").append(counts[k].empty() ? std::string() : counts[k][s * 4 + g]);
        out << line << '\n';
      }
    }
  }
}

/// A text attribute of an object, or "" when it has none.
std::string text_attribute(hid_t file, const char* object, const char* name) {
  if (H5Lexists(file, object, H5P_DEFAULT) <= 0 ||
      H5Aexists_by_name(file, object, name, H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return {};
  }
  Handle attribute(H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) <= 0) return {};
  Handle memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory_type.get(), H5T_VARIABLE);
  H5Tset_cset(memory_type.get(), H5T_CSET_UTF8);
  char* text = nullptr;
  if (H5Aread(attribute.get(), memory_type.get(), &text) < 0 || text == nullptr) return {};
  std::string value(text);
  H5free_memory(text);
  return value;
}

int run_export(const ExportOptions& options) {
  hdf5::silence_hdf5_errors();
  const fs::path input(options.input), dir(options.csv_dir);
  std::error_code error;
  if (!fs::exists(input, error)) throw ExportError("no such file: " + options.input, kInvalidInput);
  if (fs::is_directory(input, error))
    throw ExportError(options.input + " is a directory, not a salonsim output file", kInvalidInput);
  if (H5Fis_hdf5(options.input.c_str()) <= 0)
    throw ExportError(options.input + " is not an HDF5 file", kInvalidInput);
  if (fs::exists(dir, error) && !fs::is_directory(dir, error))
    throw ExportError("--csv " + options.csv_dir + " is a file, not a directory", kInvalidInput);

  Handle file(H5Fopen(options.input.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) fail_reading("cannot open " + options.input);
  const std::string format = text_attribute(file.get(), "/meta", "format");
  if (format.rfind("salonsim", 0) != 0) {
    throw ExportError(
        options.input + " is not a salonsim output file (its /meta has no salonsim format)",
        kInvalidInput);
  }
  Survey survey(file.get());
  survey.walk("/", {}, "");
  const std::string comparison = text_attribute(file.get(), "/comparison", "summary_csv");
  if (survey.tables().empty() && comparison.empty())
    throw ExportError(options.input + " holds no tables to export", kInvalidInput);

  if (!fs::exists(dir, error)) {
    fs::create_directories(dir, error);
    if (error)
      throw ExportError("cannot create " + options.csv_dir + ": " + error.message(), kFailed);
  }
  // Never write over the input (a CSV named like it in that directory).
  const auto refuse_input = [&](const fs::path& path) {
    if (fs::exists(path, error) && fs::equivalent(path, input, error))
      throw ExportError(path.string() + " is the input file; choose another --csv directory",
                        kInvalidInput);
  };
  std::vector<std::string> written;
  for (const auto& [table, found] : survey.tables()) refuse_input(dir / (table.name + ".csv"));
  for (const auto& [table, found] : survey.tables()) {
    WholeFile csv(dir / (table.name + ".csv"));
    if (table.timeseries)
      write_timeseries(file.get(), found, csv.out());
    else
      write_table(file.get(), found, csv.out());
    csv.commit();
    written.push_back(fmt::format("{}.csv ({} {})", table.name, found.size(),
                                  found.size() == 1 ? "table" : "tables"));
  }
  if (!comparison.empty()) {
    refuse_input(dir / "comparison.csv");
    WholeFile csv(dir / "comparison.csv");
    csv.out() << comparison;
    csv.commit();
    written.push_back("comparison.csv (the comparison's summary)");
  }
  fmt::print(stderr, "wrote {} files into {}: {}\n", written.size(), options.csv_dir,
             fmt::join(written, ", "));
  if (!survey.skipped().empty()) {
    fmt::print(stderr, "not exported (not tables of one row per item): {}\n",
               fmt::join(survey.skipped(), ", "));
  }
  return kOk;
}

}  // namespace

int export_command(const ExportOptions& options) {
  try {
    return run_export(options);
  } catch (const ExportError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return e.code;
  } catch (const std::runtime_error& e) {  // writing a CSV (WholeFile)
    fmt::print(stderr, "error: {}\n", e.what());
    return kFailed;
  }
}

}  // namespace salonsim::cli
