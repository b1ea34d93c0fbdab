#pragma once
// When things happen: the one "is it open in this step" for anything with an opening and a
// closing step (venues, shops, routes, services), and the calendar date of a simulated day.
#include <cstdint>
#include <string>
#include <string_view>

namespace salonsim {

/// Whether something that opens at `opens_step` and closes at `closes_step` (-1: never) is open
/// in step `step`.
constexpr bool open_at(std::int64_t opens_step, std::int64_t closes_step, std::int64_t step) {
  return step >= opens_step && (closes_step < 0 || step < closes_step);
}

/// Whether `text` is a date that exists, written YYYY-MM-DD (2024-02-29 is; 2023-02-29 is not).
bool is_calendar_date(std::string_view text);

/// The date `days` after `iso_date` (YYYY-MM-DD), as YYYY-MM-DD; `iso_date` unchanged if it is
/// not a date.
std::string date_after(const std::string& iso_date, std::int64_t days);

}  // namespace salonsim
