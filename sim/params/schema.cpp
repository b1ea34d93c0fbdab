#include "sim/params/schema.hpp"

#include <fmt/format.h>

#include <cmath>

namespace salonsim::params {

std::string index_key(std::size_t index) {
  return fmt::format("[{}]", index);
}

bool is_output_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (const char c : name)
    if (c == '/' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  return true;
}

std::string format_number(double value) {
  return fmt::format("{}", value);
}

std::string describe_range(const Meta& meta) {
  const bool has_min = std::isfinite(meta.min);
  const bool has_max = std::isfinite(meta.max);
  if (has_min && has_max) {
    return fmt::format("must be in {}{}, {}{}", meta.min_exclusive ? "(" : "[",
                       format_number(meta.min), format_number(meta.max),
                       meta.max_exclusive ? ")" : "]");
  }
  if (has_min)
    return fmt::format("must be {} {}", meta.min_exclusive ? ">" : ">=", format_number(meta.min));
  if (has_max)
    return fmt::format("must be {} {}", meta.max_exclusive ? "<" : "<=", format_number(meta.max));
  return "";
}

bool in_range(double value, const Meta& meta) {
  if (meta.optional && std::isnan(value)) return true;
  if (!std::isfinite(value)) return false;
  if (meta.min_exclusive ? !(value > meta.min) : !(value >= meta.min)) return false;
  if (meta.max_exclusive ? !(value < meta.max) : !(value <= meta.max)) return false;
  return true;
}

}  // namespace salonsim::params
