// fuzz_replay: feeds inputs to the fuzz targets without libFuzzer, with any compiler, so the
// committed corpus is checked on every test run (CTest's Fuzz.CorpusReplays) and a finding can be
// reproduced in an ordinary build.
//
//   fuzz_replay CORPUS              every file of CORPUS/scenario, CORPUS/sweep, CORPUS/overrides
//   fuzz_replay TARGET PATH...      the files (or every file of the directories) given, for one
//                                   target: scenario, sweep or overrides
//
// Exit 0 when every input was handled as the contract says; a target that finds a bug aborts
// (the last "replaying" line names its input). Exit 2 on a usage error or an empty corpus.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_support.hpp"

namespace fs = std::filesystem;

namespace {

using Entry = int (*)(const std::uint8_t*, std::size_t);

struct Target {
  const char* name;
  Entry entry;
};

constexpr Target kTargets[] = {{"scenario", salonsim::fuzz::scenario_one_input},
                               {"sweep", salonsim::fuzz::sweep_one_input},
                               {"overrides", salonsim::fuzz::overrides_one_input}};

const Target* find_target(const std::string& name) {
  for (const Target& target : kTargets)
    if (name == target.name) return &target;
  return nullptr;
}

/// The files of `path` (itself when it is a file), in name order; hidden files are skipped.
std::vector<fs::path> inputs(const fs::path& path) {
  if (!fs::is_directory(path)) return {path};
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(path))
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

/// Feeds each file to the target; returns how many there were.
std::size_t replay(const Target& target, const std::vector<fs::path>& files) {
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) salonsim::fuzz::WorkDir::fail("cannot read " + file.string());
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
    std::printf("replaying %s %s\n", target.name, file.string().c_str());
    std::fflush(stdout);
    target.entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  return files.size();
}

int usage() {
  std::fprintf(stderr,
               "usage: fuzz_replay CORPUS          (CORPUS/scenario, CORPUS/sweep, "
               "CORPUS/overrides)\n"
               "       fuzz_replay TARGET PATH...  (TARGET: scenario, sweep or overrides)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2) {
    const fs::path corpus = argv[1];
    for (const Target& target : kTargets) {
      const fs::path directory = corpus / target.name;
      const std::vector<fs::path> files =
          fs::is_directory(directory) ? inputs(directory) : std::vector<fs::path>{};
      if (files.empty()) {
        std::fprintf(stderr, "fuzz_replay: no inputs in %s\n", directory.string().c_str());
        return 2;
      }
      const std::size_t count = replay(target, files);
      std::printf("fuzz_replay: %zu %s inputs, none a bug\n", count, target.name);
    }
    return 0;
  }
  if (argc < 3) return usage();
  const Target* target = find_target(argv[1]);
  if (target == nullptr) return usage();
  std::size_t count = 0;
  for (int i = 2; i < argc; ++i) count += replay(*target, inputs(argv[i]));
  std::printf("fuzz_replay: %zu %s inputs, none a bug\n", count, target->name);
  return 0;
}
