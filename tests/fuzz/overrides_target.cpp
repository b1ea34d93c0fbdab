// Fuzz target of the --set overrides: scenarios/town.yaml loaded with models::load_scenario and
// the input's lines as overrides ("key.path=value"; the first 8 lines, a final newline ending
// the last one). Contract: it loads, or throws params::ScenarioError; anything else is a bug
// (fuzz_support.hpp).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace salonsim::fuzz {
namespace {

/// The input's lines, at most `max_lines`; a final newline ends the last line rather than
/// starting an empty one.
std::vector<std::string> input_lines(std::string_view text, std::size_t max_lines) {
  std::vector<std::string> lines;
  while (!text.empty() && lines.size() < max_lines) {
    const std::size_t end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return lines;
}

}  // namespace

int overrides_one_input(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path town = [] {
    const auto path = std::filesystem::path(SALONSIM_SOURCE_DIR) / "scenarios" / "town.yaml";
    if (!std::filesystem::is_regular_file(path)) WorkDir::fail("no scenario " + path.string());
    return path;
  }();
  const std::vector<std::string> overrides =
      input_lines({reinterpret_cast<const char*>(data), size}, 8);
  load_or_reject("load_scenario with overrides",
                 [&] { (void)models::load_scenario(town, overrides); });
  return 0;
}

}  // namespace salonsim::fuzz

#ifndef SALONSIM_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return salonsim::fuzz::overrides_one_input(data, size);
}
#endif
