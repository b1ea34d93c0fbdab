#include "apps/salonsim/cli_support.hpp"

#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "sim/params/yaml_text.hpp"

namespace salonsim::cli {

namespace {
// The file to remove if the process is interrupted (Ctrl-C, kill): the final name never holds a
// partial file, and no hidden partial file is left behind either.
char interrupted_output[4096] = {0};

extern "C" void remove_interrupted_output(int signal_number) {
  if (interrupted_output[0] != '\0') ::unlink(interrupted_output);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}
}  // namespace

int report_scenario_error(const params::ScenarioError& e, std::string_view what) {
  const params::Diagnostics& diagnostics = e.diagnostics();
  fmt::print(stderr, "error: {} has {} problem{}:\n{}", what, diagnostics.count(),
             diagnostics.count() == 1 ? "" : "s",
             params::format_issues(diagnostics.issues(), diagnostics.count(), "  "));
  return kInvalidInput;
}

bool fits_in_memory(const MemoryNeed& need) {
  const std::optional<std::uint64_t> available = available_memory_bytes();
  if (!available) return true;
  const std::string shortfall = memory_shortfall(need, *available);
  if (shortfall.empty()) return true;
  fmt::print(stderr, "error: {}\n", shortfall);
  return false;
}

WholeFile::WholeFile(std::filesystem::path path)
    : path_(std::move(path)),
      temporary_(path_.parent_path() /
                 fmt::format(".{}.{}.tmp", path_.filename().string(), ::getpid())) {
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    throw std::runtime_error("cannot write '" + path_.string() +
                             "': cannot create a file in its directory");
  }
}

WholeFile::~WholeFile() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(temporary_, ignored);
}

void WholeFile::commit() {
  out_.close();
  if (!out_) throw std::runtime_error("cannot write '" + path_.string() + "' (disk full?)");
  // Some file systems report a full disk only when the data reach it: make them reach it
  // before the file takes its final name.
  const int fd = ::open(temporary_.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) throw std::runtime_error("cannot write '" + path_.string() + "' (disk full?)");
  std::error_code error;
  std::filesystem::rename(temporary_, path_, error);
  if (error) throw std::runtime_error("cannot write '" + path_.string() + "': " + error.message());
  committed_ = true;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  WholeFile file(path);
  file.out() << text;
  file.commit();
}

std::vector<std::filesystem::path> input_files(const std::filesystem::path& file) {
  std::vector<std::filesystem::path> files;
  std::vector<std::filesystem::path> pending{file};
  while (!pending.empty() && files.size() < 64) {
    const std::filesystem::path next = pending.back();
    pending.pop_back();
    if (std::find(files.begin(), files.end(), next) != files.end()) continue;
    files.push_back(next);
    // The loaders' own reader: it refuses devices, pipes and huge files rather than blocking on
    // them (`extends: /dev/stdin`); what it cannot read, loading the file later reports.
    params::Diagnostics ignored;
    const std::optional<params::YamlFile> read = params::read_yaml_file(next, "file", ignored);
    if (!read || !read->root.IsMap()) continue;
    for (const char* key : {"extends", "scenario"}) {
      const YAML::Node named = read->root[key];
      if (named && named.IsScalar() && !named.Scalar().empty())
        pending.push_back(next.parent_path() / named.Scalar());
    }
  }
  return files;
}

std::string output_conflict(const std::filesystem::path& output,
                            const std::vector<std::filesystem::path>& companions,
                            const std::vector<std::filesystem::path>& inputs) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::vector<fs::path> outputs{output};
  outputs.insert(outputs.end(), companions.begin(), companions.end());
  for (const fs::path& path : outputs) {
    const fs::file_status status = fs::symlink_status(path, error);
    if (!fs::exists(status)) continue;
    const fs::file_status target = fs::status(path, error);
    if (fs::exists(target) && !fs::is_regular_file(target) && !fs::is_directory(target)) {
      return fmt::format("'{}' is a device, pipe or socket, not a file: give a file name",
                         path.string());
    }
    for (const fs::path& input : inputs) {
      if (fs::equivalent(path, input, error)) {
        return fmt::format(
            "'{}' is an input of this command ({}): writing there would replace it; "
            "give another output name",
            path.string(), input.string());
      }
    }
  }
  for (const fs::path& companion : companions) {
    if (fs::weakly_canonical(companion, error) == fs::weakly_canonical(output, error)) {
      return fmt::format(
          "'{}' would be written twice: this command writes '{}' beside it; give "
          "the output the extension .h5",
          output.string(), companion.string());
    }
  }
  return {};
}

void remove_on_interrupt(const std::filesystem::path& temporary) {
  const std::string text = temporary.string();
  if (text.size() >= sizeof(interrupted_output)) return;
  std::memcpy(interrupted_output, text.c_str(), text.size() + 1);
  // A signal the process was started ignoring stays ignored: under `nohup` (SIGHUP) or as a
  // background job of a script (SIGINT), the caller asked for the run to go on.
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
    std::signal(signal_number, remove_interrupted_output);
  }
}

std::string command_line(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) text += ' ';
    text += argv[i];
  }
  return text;
}

}  // namespace salonsim::cli
