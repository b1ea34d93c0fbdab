#pragma once
// The rows of a short run of values that pass a test, listed in order: loops over residents use it
// to work only on those it concerns (the members of a group, those with a positive rate) without
// a branch per resident, as who passes follows no pattern a branch predictor could learn.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace salonsim {

/// Room `rows` needs beyond the count of values: offsets are written four at a time.
inline constexpr std::size_t kRowsWhereSlack = 3;

namespace rows_where_detail {
// For each pattern of four tests (bit k: the k-th passed), the offsets of those that passed in
// order, packed as four 16-bit numbers (unused lanes 0), and how many passed.
struct Patterns {
  std::array<std::uint64_t, 16> offsets{};
  std::array<std::uint8_t, 16> passed{};
};
consteval Patterns make_patterns() {
  Patterns table;
  for (unsigned mask = 0; mask < 16; ++mask) {
    unsigned lane = 0;
    for (unsigned k = 0; k < 4; ++k) {
      if ((mask >> k) & 1u) table.offsets[mask] |= std::uint64_t{k} << (16 * lane++);
    }
    table.passed[mask] = static_cast<std::uint8_t>(lane);
  }
  return table;
}
inline constexpr Patterns kPatterns = make_patterns();
}  // namespace rows_where_detail

/// Appends to `rows` (from `found` on) the offsets base + k of the set bits k of a 16-bit `mask`,
/// in order, and returns the new count. `rows` must have room for kRowsWhereSlack beyond it, and
/// base + 15 must fit in 16 bits.
inline std::size_t append_rows_of_mask(std::uint32_t mask, std::size_t base, std::uint16_t* rows,
                                       std::size_t found) {
  if constexpr (std::endian::native != std::endian::little) {
    // The table's packed offsets are laid out for a little-endian machine: one at a time here.
    for (std::size_t k = 0; k < 16; ++k) {
      rows[found] = static_cast<std::uint16_t>(base + k);
      found += (mask >> k) & 1u;
    }
    return found;
  }
  using rows_where_detail::kPatterns;
  for (std::size_t quarter = 0; quarter < 4; ++quarter) {
    const std::uint32_t four = (mask >> (4 * quarter)) & 15u;
    const std::uint64_t offsets =
        kPatterns.offsets[four] + (base + 4 * quarter) * std::uint64_t{0x0001000100010001};
    std::memcpy(rows + found, &offsets, sizeof offsets);
    found += kPatterns.passed[four];
  }
  return found;
}

/// Writes to `rows` the offsets j < count (count at most 65,536) with values[j] > 0, in order, and
/// returns how many. `rows` must have room for count + kRowsWhereSlack: offsets are written four
/// at a time, those beyond the returned count being anything. A NaN does not pass, as with `>`.
inline std::size_t rows_where_positive(const float* values, std::size_t count,
                                       std::uint16_t* rows) {
  std::size_t found = 0, j = 0;
#if defined(__SSE2__)
  // Sixteen tests at once, four at a time.
  const __m128 zero = _mm_setzero_ps();
  const auto passed = [&](std::size_t at) {
    return static_cast<std::uint32_t>(
        _mm_movemask_ps(_mm_cmpgt_ps(_mm_loadu_ps(values + at), zero)));
  };
  for (; j + 16 <= count; j += 16) {
    const std::uint32_t mask =
        passed(j) | passed(j + 4) << 4 | passed(j + 8) << 8 | passed(j + 12) << 12;
    found = append_rows_of_mask(mask, j, rows, found);
  }
#endif
  for (; j < count; ++j) {
    rows[found] = static_cast<std::uint16_t>(j);
    found += values[j] > 0.0f;
  }
  return found;
}

/// Writes to `rows` the offsets j < count (count at most 65,536) with values[j] != 0, in order,
/// and returns how many; `rows` as for rows_where_positive.
inline std::size_t rows_where_nonzero(const std::uint8_t* values, std::size_t count,
                                      std::uint16_t* rows) {
  std::size_t found = 0, j = 0;
#if defined(__SSE2__)
  // Sixteen tests at once.
  const __m128i zero = _mm_setzero_si128();
  for (; j + 16 <= count; j += 16) {
    const __m128i sixteen = _mm_loadu_si128(reinterpret_cast<const __m128i*>(values + j));
    const int zeros = _mm_movemask_epi8(_mm_cmpeq_epi8(sixteen, zero));
    found = append_rows_of_mask(~static_cast<std::uint32_t>(zeros) & 0xFFFFu, j, rows, found);
  }
#endif
  for (; j < count; ++j) {
    rows[found] = static_cast<std::uint16_t>(j);
    found += values[j] != 0;
  }
  return found;
}

#if defined(__SSE2__)
/// A 16-bit mask whose bit k is set where values[k] == value, for sixteen two-byte values (eight
/// tests at a time).
template <class T>
inline std::uint32_t equal_mask_of_sixteen(const T* values, T value) {
  static_assert(sizeof(T) == 2 && std::is_integral_v<T>, "two-byte integers");
  const __m128i wanted = _mm_set1_epi16(static_cast<std::int16_t>(value));
  const auto eight = [&](const T* at) {
    return _mm_cmpeq_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), wanted);
  };
  return static_cast<std::uint32_t>(
      _mm_movemask_epi8(_mm_packs_epi16(eight(values), eight(values + 8))));
}
#endif

/// Writes to `rows` the offsets j < count (count at most 65,536) with values[j] == value, in
/// order, and returns how many; `rows` as for rows_where_positive.
inline std::size_t rows_where_equal(const std::int16_t* values, std::int16_t value,
                                    std::size_t count, std::uint16_t* rows) {
  std::size_t found = 0, j = 0;
#if defined(__SSE2__)
  for (; j + 16 <= count; j += 16)
    found = append_rows_of_mask(equal_mask_of_sixteen(values + j, value), j, rows, found);
#endif
  for (; j < count; ++j) {
    rows[found] = static_cast<std::uint16_t>(j);
    found += values[j] == value;
  }
  return found;
}

}  // namespace salonsim
