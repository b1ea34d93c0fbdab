#include "sim/calendar.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace salonsim {

bool is_calendar_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (std::size_t i = starts[k]; i < starts[k] + lengths[k]; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      parts[k] = parts[k] * 10 + (text[i] - '0');
    }
  }
  using namespace std::chrono;
  return year_month_day{year{parts[0]}, month{static_cast<unsigned>(parts[1])},
                        day{static_cast<unsigned>(parts[2])}}
      .ok();
}

std::string date_after(const std::string& iso_date, std::int64_t days) {
  using namespace std::chrono;
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(iso_date.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return iso_date;
  const year_month_day date{sys_days{year{y} / month{m} / day{d}} + std::chrono::days{days}};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

}  // namespace salonsim
