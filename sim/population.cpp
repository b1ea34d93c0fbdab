#include "sim/population.hpp"

namespace salonsim {

namespace {
template <class... Columns>
void resize_all(std::size_t n, Columns&... columns) {
  (columns.resize(n), ...);
}
template <class... Columns>
std::size_t total_bytes(const Columns&... columns) {
  return (bytes_of(columns) + ...);
}
}  // namespace

void Population::resize(std::size_t n) {
  resize_all(n, sex, age0, income, income_low, lives_alone, district, x_m, y_m, transport,
             entry_step, kin_contacts_per_week, reserve, frailty0, alive, certified, decline,
             weekly_contacts, isolated, death_requested, degree0, isolated0, certified0);
  const std::size_t old_size = id.size();
  id.resize(n);
  for (std::size_t i = old_size; i < n; ++i) id[i] = static_cast<ResidentId>(i);
  household.resize(n, -1);
  spouse.resize(n, -1);
  disability_step.resize(n, kNever);
  death_step.resize(n, kNever);
  columns.resize(n);
}

std::size_t Population::bytes() const {
  return total_bytes(id, sex, age0, income, income_low, household, spouse, lives_alone, district,
                     x_m, y_m, transport, entry_step, kin_contacts_per_week, reserve, frailty0,
                     alive, certified, decline, weekly_contacts, isolated, disability_step,
                     death_step, death_requested, degree0, isolated0, certified0) +
         columns.bytes();
}

}  // namespace salonsim
