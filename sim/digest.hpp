#pragma once
// FNV-1a, 64 bits: a cheap digest of bytes for integrity checks and for telling two things apart
// (a sweep row's checksum, a run's residents). Not for security.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace salonsim {

inline constexpr std::uint64_t kFnv1a64Start = 14695981039346656037ull;

/// Continues `hash` over `bytes`.
constexpr std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = kFnv1a64Start) {
  for (const char c : bytes) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

/// Continues `hash` over the bytes of `count` objects at `data`.
template <class T>
std::uint64_t fnv1a64_of(const T* data, std::size_t count, std::uint64_t hash = kFnv1a64Start) {
  return fnv1a64(std::string_view(reinterpret_cast<const char*>(data), count * sizeof(T)), hash);
}

}  // namespace salonsim
