#pragma once
// UTF-8 checks shared by what reads text (settings files) and what writes it (HDF5 attributes
// and text columns are declared UTF-8, so bytes that are not must not reach them).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace salonsim {

/// Length of the well-formed UTF-8 sequence at text[i], or 0 when it is not one (RFC 3629: no
/// overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

/// Offset of the first byte that is not part of well-formed UTF-8, or nullopt when all are.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

/// `text` with every ill-formed byte replaced by U+FFFD (the replacement character), so it can
/// be stored as UTF-8; unchanged when it is well formed.
std::string valid_utf8(std::string_view text);

}  // namespace salonsim
