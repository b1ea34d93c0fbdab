#include "sim/params/yaml_text.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>

#include "sim/utf8.hpp"

namespace salonsim::params {

namespace fs = std::filesystem;

namespace {

/// Line and column (1-based, in bytes) of `offset` in `text`.
TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition at{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

/// Whether a quote or block indicator at text[i] (on the line starting at line_start) begins a
/// value: it follows the start of the line, an indicator (- ? : , [ {), a key ("name:") or a tag
/// or anchor (!!str, &a). Elsewhere it is a character of plain text, as in "don't".
/// `word_start` is set to where the preceding word starts (i when there is none).
bool begins_value(std::string_view text, std::size_t line_start, std::size_t i,
                  std::size_t& word_start) {
  word_start = i;
  if (i > line_start) {
    const char before = text[i - 1];
    if (before == '[' || before == '{' || before == ',') return true;
    if (!is_space(before)) return false;
  }
  std::size_t end = i;
  while (end > line_start && is_space(text[end - 1])) --end;
  if (end == line_start) return true;  // first thing on the line
  std::size_t start = end;
  while (start > line_start && !is_space(text[start - 1])) --start;
  word_start = start;
  const std::string_view word = text.substr(start, end - start);
  const char last = word.back();
  return word == "-" || word == "?" || last == ':' || last == ',' || last == '[' || last == '{' ||
         word.front() == '!' || word.front() == '&';
}

std::size_t indentation(std::string_view text, std::size_t line_start) {
  std::size_t i = line_start;
  while (i < text.size() && text[i] == ' ') ++i;
  return i - line_start;
}

}  // namespace

std::optional<TextPosition> invalid_utf8(std::string_view text) {
  const std::optional<std::size_t> bad = first_invalid_utf8(text);
  if (!bad) return std::nullopt;
  return position_of(text, *bad);
}

std::optional<TextPosition> unterminated_quote(std::string_view text) {
  enum class State { kPlain, kDouble, kSingle };
  State state = State::kPlain;
  std::size_t opened = 0;      // where the open quote is
  std::size_t line_start = 0;  // of the current line
  // Inside a block scalar (| or >): its lines are indented deeper than `block_parent`.
  bool in_block = false;
  std::size_t block_parent = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == line_start && in_block && state == State::kPlain) {
      const std::size_t indent = indentation(text, i);
      const std::size_t end = text.find('\n', i);
      const bool blank = text.find_first_not_of(" \t\r", i) >= std::min(end, text.size());
      if (blank || indent > block_parent) {
        if (end == std::string_view::npos) break;
        i = end;
        line_start = end + 1;
        continue;
      }
      in_block = false;
    }
    if (c == '\n') {
      line_start = i + 1;
      continue;
    }
    switch (state) {
      case State::kDouble:
        if (c == '\\') {
          ++i;  // an escaped character, maybe a quote
        } else if (c == '"') {
          state = State::kPlain;
        }
        break;
      case State::kSingle:
        if (c == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;  // '' is a quote inside single quotes
          } else {
            state = State::kPlain;
          }
        }
        break;
      case State::kPlain: {
        if (c == '#' && (i == line_start || is_space(text[i - 1]))) {
          const std::size_t end = text.find('\n', i);
          if (end == std::string_view::npos) return std::nullopt;
          i = end;
          line_start = end + 1;
          break;
        }
        std::size_t word_start = i;
        if ((c == '"' || c == '\'') && begins_value(text, line_start, i, word_start)) {
          state = c == '"' ? State::kDouble : State::kSingle;
          opened = i;
        } else if ((c == '|' || c == '>') && begins_value(text, line_start, i, word_start)) {
          // A block scalar only if nothing but indicators and a comment follow on the line.
          std::size_t k = i + 1;
          while (k < text.size() &&
                 (text[k] == '+' || text[k] == '-' || (text[k] >= '0' && text[k] <= '9')))
            ++k;
          while (k < text.size() && is_space(text[k])) ++k;
          if (k == text.size() || text[k] == '\n' || text[k] == '\r' || text[k] == '#') {
            in_block = true;
            block_parent = word_start - line_start;
          }
        }
        break;
      }
    }
  }
  if (state == State::kPlain) return std::nullopt;
  return position_of(text, opened);
}

std::optional<YAML::Node> parse_yaml_text(std::string_view text, const std::string& source,
                                          Diagnostics& diagnostics) {
  if (const auto bad = invalid_utf8(text)) {
    diagnostics.error({source, bad->line, bad->column}, "",
                      "the file is not UTF-8 text (an invalid byte here); save it as UTF-8");
    return std::nullopt;
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    const TextPosition at = position_of(text, nul);
    diagnostics.error({source, at.line, at.column}, "",
                      "a NUL byte: the file is binary, not YAML text");
    return std::nullopt;
  }
  if (const auto quote = unterminated_quote(text)) {
    diagnostics.error({source, quote->line, quote->column}, "",
                      "YAML syntax: this quote is never closed, so the rest of the file would "
                      "be read as part of one value; close it");
    return std::nullopt;
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    diagnostics.error({source, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax: " + e.msg);
  } catch (const YAML::Exception& e) {
    diagnostics.error({source, 0, 0}, "", std::string("cannot read YAML: ") + e.what());
  }
  return std::nullopt;
}

std::optional<YamlFile> read_yaml_file(const fs::path& path, std::string_view kind,
                                       Diagnostics& diagnostics, const Location& referenced_from) {
  const std::string name = path.generic_string();
  const auto refuse = [&](const std::string& why) {
    diagnostics.error(referenced_from, "", fmt::format("cannot read {} '{}': {}", kind, name, why));
    return std::nullopt;
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return refuse("no such file");
  if (fs::is_directory(status)) return refuse("it is a directory");
  if (!fs::is_regular_file(status)) return refuse("it is a device, pipe or socket, not a file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxSettingsFileBytes) {
    return refuse(
        fmt::format("it is {} MB; a settings file is at most {} MB (is it a results file?)",
                    size >> 20, kMaxSettingsFileBytes >> 20));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return refuse("permission denied or unreadable");
  // Read in blocks with every error checked: some files (/proc, a failing disk) say their size
  // is 0, or fail part-way, and must not be taken for an empty scenario.
  YamlFile file;
  std::array<char, 65536> block{};
  try {
    while (in) {
      in.read(block.data(), block.size());
      file.text.append(block.data(), static_cast<std::size_t>(in.gcount()));
      if (file.text.size() > kMaxSettingsFileBytes)
        return refuse(fmt::format("it is over {} MB; a settings file is at most that",
                                  kMaxSettingsFileBytes >> 20));
    }
  } catch (const std::exception& e) {
    return refuse(std::string("read error: ") + e.what());
  }
  if (in.bad()) return refuse("read error");
  std::optional<YAML::Node> root = parse_yaml_text(file.text, name, diagnostics);
  if (!root) return std::nullopt;
  file.root = *root;
  return file;
}

std::string shortened(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t cut = limit;
  // Back up to the start of a UTF-8 character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("{}... ({} characters)", text.substr(0, cut), text.size());
}

}  // namespace salonsim::params
