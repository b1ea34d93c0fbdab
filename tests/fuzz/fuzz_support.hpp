#pragma once
// What the fuzz targets share. The loaders take a path, so each input is written to a file in a
// directory of this process's own (made once, removed at exit). The contract they check:
// params::ScenarioError is a loader's answer to bad input; any other exception escaping is a bug,
// reported on stderr before aborting, so libFuzzer keeps the input and fuzz_replay fails.
#include <cxxabi.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>

#include "sim/params/diagnostics.hpp"

namespace salonsim::fuzz {

/// The process's directory for inputs: a fresh one under the temporary directory (mkdtemp),
/// removed when the process exits normally.
class WorkDir {
 public:
  static const WorkDir& get() {
    static const WorkDir dir;
    return dir;
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;

  std::filesystem::path file(std::string_view name) const { return path_ / name; }
  /// Writes the bytes to `name` in the directory (replacing it) and returns its path.
  std::filesystem::path write(std::string_view name, const void* data, std::size_t size) const {
    const std::filesystem::path path = file(name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) fail("cannot write " + path.string());
    return path;
  }
  std::filesystem::path write(std::string_view name, std::string_view text) const {
    return write(name, text.data(), text.size());
  }

  /// Reports a problem of the harness itself (not of the code under test) and exits.
  [[noreturn]] static void fail(const std::string& message) {
    std::fprintf(stderr, "salonsim fuzz harness: %s\n", message.c_str());
    std::exit(2);
  }

 private:
  WorkDir() {
    std::error_code ec;
    std::filesystem::path temp = std::filesystem::temp_directory_path(ec);
    if (ec) temp = "/tmp";
    std::string name = (temp / "salonsim-fuzz-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) fail("cannot make a directory like " + name);
    path_ = name;
  }
  ~WorkDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  std::filesystem::path path_;
};

/// The readable name of the type of `e`.
inline std::string type_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && demangled ? demangled.get() : type.name();
}

/// Reports an exception the contract does not allow, then aborts.
[[noreturn]] inline void unexpected_exception(std::string_view stage, const std::string& type,
                                              const std::string& what) {
  std::fprintf(stderr, "salonsim fuzz: %.*s let %s escape: %s\n", static_cast<int>(stage.size()),
               stage.data(), type.c_str(), what.c_str());
  std::abort();
}

/// Runs `load`: returns true when it succeeds, false when it throws params::ScenarioError (the
/// loaders' answer to bad input), and aborts on any other exception.
template <class Load>
bool load_or_reject(std::string_view stage, Load&& load) {
  try {
    load();
    return true;
  } catch (const params::ScenarioError&) {
    return false;
  } catch (const std::exception& e) {
    unexpected_exception(stage, type_name(typeid(e)), e.what());
  } catch (...) {
    unexpected_exception(stage, "an exception of unknown type", "");
  }
}

// The targets' entry points (each target's source; LLVMFuzzerTestOneInput calls it there).
int scenario_one_input(const std::uint8_t* data, std::size_t size);
int sweep_one_input(const std::uint8_t* data, std::size_t size);
int overrides_one_input(const std::uint8_t* data, std::size_t size);

}  // namespace salonsim::fuzz
