#include "sim/params/key_path.hpp"

#include <charconv>

namespace salonsim::params {

namespace {

bool starts_key(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool continues_key(char c) {
  return starts_key(c) || (c >= '0' && c <= '9');
}

}  // namespace

std::optional<std::vector<KeyPathPart>> parse_key_path(std::string_view path) {
  if (path.empty() || path.size() > kMaxKeyPathLength) return std::nullopt;
  std::vector<KeyPathPart> parts;
  std::size_t i = 0;
  while (true) {
    if (i >= path.size() || !starts_key(path[i])) return std::nullopt;
    const std::size_t start = i;
    while (i < path.size() && continues_key(path[i])) ++i;
    parts.push_back({std::string(path.substr(start, i - start)), 0});
    while (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      std::size_t index = 0;
      const char* first = path.data() + i + 1;
      const char* last = path.data() + close;
      const auto [end, error] = std::from_chars(first, last, index);
      if (error != std::errc{} || end != last) return std::nullopt;
      parts.push_back({"", index});
      i = close + 1;
    }
    if (i == path.size()) return parts;
    if (path[i] != '.') return std::nullopt;
    ++i;
  }
}

std::string generic_key_path(std::string_view path) {
  std::string generic;
  generic.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    generic += path[i];
    if (path[i] != '[') continue;
    const std::size_t close = path.find(']', i);
    if (close == std::string_view::npos) continue;
    generic += ']';
    i = close;
  }
  return generic;
}

}  // namespace salonsim::params
