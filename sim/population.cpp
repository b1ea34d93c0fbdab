#include "sim/population.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <numeric>

namespace salonsim {

namespace {
template <class... Columns>
void resize_all(std::size_t n, Columns&... columns) {
  (columns.resize(n), ...);
}
// Calls f on every core column, `id` included: the one list that reordering and the byte count
// go through, so that a column added to Population is added once.
template <class P, class F>
void for_each_core_column(P& p, F&& f) {
  const auto each = [&](auto&... columns) { (f(columns), ...); };
  each(p.sex, p.age0, p.income, p.income_low, p.spouse, p.lives_alone, p.district, p.x_m, p.y_m,
       p.transport, p.entry_step, p.kin_contacts_per_week, p.reserve, p.frailty0, p.alive,
       p.certified, p.decline, p.weekly_contacts, p.isolated, p.disability_step, p.death_step,
       p.death_requested, p.degree0, p.isolated0, p.certified0);
}
}  // namespace

void Population::resize(std::size_t n) {
  resize_all(n, sex, age0, income, income_low, lives_alone, district, x_m, y_m, transport,
             entry_step, kin_contacts_per_week, reserve, frailty0, alive, certified, decline,
             weekly_contacts, isolated, death_requested, degree0, isolated0, certified0);
  spouse.resize(n, -1);
  disability_step.resize(n, kNever);
  death_step.resize(n, kNever);
  columns.resize(n);
}

void Population::reorder_rows(std::span<const ResidentId> order) {
  if (!columns.entries().empty())
    throw std::logic_error("reorder_rows: mechanisms' columns are registered already");
  const std::size_t n = size();
  if (order.size() != n)
    throw std::invalid_argument("reorder_rows: the order has " + std::to_string(order.size()) +
                                " rows, the population " + std::to_string(n));
  // new_row[old] = its row after; a row given twice or out of range is not a permutation.
  std::vector<std::int32_t> new_row(n, -1);
  for (std::size_t j = 0; j < n; ++j) {
    if (order[j] >= n || new_row[order[j]] >= 0)
      throw std::invalid_argument("reorder_rows: the order is not a permutation of the rows");
    new_row[order[j]] = static_cast<std::int32_t>(j);
  }
  // The gathers in parallel: every column is read at scattered rows.
  for_each_core_column(*this, [&](auto& column) {
    const auto before = column;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& rows) {
      for (std::size_t j = rows.begin(); j != rows.end(); ++j) column[j] = before[order[j]];
    });
  });
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    if (spouse[i] >= 0) spouse[i] = new_row[spouse[i]];
  });
}

std::vector<ResidentId> Population::ids() const {
  std::vector<ResidentId> rows(size());
  std::iota(rows.begin(), rows.end(), ResidentId{0});
  return rows;
}

std::size_t Population::bytes() const {
  std::size_t total = columns.bytes();
  for_each_core_column(*this, [&](const auto& column) { total += bytes_of(column); });
  return total;
}

}  // namespace salonsim
