#include "sim/calendar.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace salonsim {

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
