#pragma once
// Key paths such as town.districts[2].radius_m: how --set, sweeps, calibrations and the teaching
// demo name a parameter. Parsed in one linear pass (std::regex recursed once per character and
// overflowed the stack on long paths).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace salonsim::params {

/// Paths longer than this are refused (the longest parameter path is under 100 characters).
inline constexpr std::size_t kMaxKeyPathLength = 512;

/// One part of a key path: a key (name), or a list index (name empty).
struct KeyPathPart {
  std::string name;
  std::size_t index = 0;
  bool is_index() const { return name.empty(); }
};

/// The parts of `path` (keys are [A-Za-z_][A-Za-z0-9_]*, each followed by any number of [i]),
/// or nullopt when it is malformed or longer than kMaxKeyPathLength.
std::optional<std::vector<KeyPathPart>> parse_key_path(std::string_view path);

/// `path` with every index written [], as in the parameter dictionary.
std::string generic_key_path(std::string_view path);

}  // namespace salonsim::params
