#pragma once
// CSV fields quoted per RFC 4180, for the CSV texts written to the output files.
#include <string>
#include <string_view>

namespace salonsim {

/// The text as one CSV field: wrapped in double quotes, with each quote doubled, when it contains
/// a comma, a double quote, CR or LF; otherwise unchanged.
std::string csv_field(std::string_view text);

}  // namespace salonsim
