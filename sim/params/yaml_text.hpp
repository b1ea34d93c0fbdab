#pragma once
// Reading a YAML settings file (scenario, sweep, trial, calibration) safely: the file is read
// here, checked for what yaml-cpp lets through, then parsed. yaml-cpp accepts a quote that is
// never closed (the rest of the file silently becomes part of one value) and text that is not
// UTF-8 (which would then be written into the output's UTF-8 attributes); these checks catch
// both with a position, as every other problem.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "sim/params/diagnostics.hpp"

namespace salonsim::params {

/// Settings files are small; a larger one is a mistake (a results file given as a scenario).
inline constexpr std::uintmax_t kMaxSettingsFileBytes = 16u << 20;

/// A position in a text (1-based), or none.
struct TextPosition {
  int line = 0;
  int column = 0;
};

/// Where the first byte that is not part of well-formed UTF-8 is, or nullopt when it all is.
std::optional<TextPosition> invalid_utf8(std::string_view text);

/// Where a quoted scalar ('...' or "...") opens and is never closed, or nullopt. Quotes inside
/// plain text (don't), comments and block scalars (| and >) are not quotes.
std::optional<TextPosition> unterminated_quote(std::string_view text);

/// Parses YAML `text` from `source` (named in messages). Problems go into `diagnostics` with
/// their position; returns nullopt when the text cannot be used.
std::optional<YAML::Node> parse_yaml_text(std::string_view text, const std::string& source,
                                          Diagnostics& diagnostics);

/// A settings file as read: its text and its YAML.
struct YamlFile {
  std::string text;
  YAML::Node root;
};

/// Reads and parses `path`. `kind` names it in messages ("scenario file"); `referenced_from` is
/// where it was named (the command line, or an `extends:` in another file). Refuses what is not
/// a regular file, and files over kMaxSettingsFileBytes. Returns nullopt after adding the
/// problems to `diagnostics`.
std::optional<YamlFile> read_yaml_file(const std::filesystem::path& path, std::string_view kind,
                                       Diagnostics& diagnostics,
                                       const Location& referenced_from = {"command line", 0, 0});

/// `text` cut to `limit` characters (at a UTF-8 boundary) with "..." when longer: for echoing
/// input in messages.
std::string shortened(std::string_view text, std::size_t limit = 80);

}  // namespace salonsim::params
