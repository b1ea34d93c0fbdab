#include "sim/params/describer.hpp"

#include <fmt/format.h>

namespace salonsim::params {

std::string format_dictionary(const std::vector<DictionaryRow>& rows, bool markdown,
                              std::string_view prefix) {
  std::string text;
  if (markdown) {
    text += "| key | default | unit | valid values | meaning | source |\n";
    text += "|---|---|---|---|---|---|\n";
  }
  for (const DictionaryRow& row : rows) {
    if (row.path.compare(0, prefix.size(), prefix) != 0) continue;
    if (markdown) {
      text += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", row.path, row.default_value,
                          row.unit, row.range, row.doc, row.source);
      continue;
    }
    text += fmt::format("{} = {}{}\n", row.path, row.default_value,
                        row.unit.empty() ? "" : fmt::format("  [{}]", row.unit));
    if (!row.doc.empty()) text += fmt::format("    {}\n", row.doc);
    if (!row.range.empty()) text += fmt::format("    valid: {}\n", row.range);
    if (!row.source.empty()) text += fmt::format("    source: {}\n", row.source);
  }
  return text;
}

}  // namespace salonsim::params
