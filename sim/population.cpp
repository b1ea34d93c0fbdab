#include "sim/population.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_group.h>

#include <array>
#include <atomic>
#include <bit>
#include <functional>
#include <numeric>
#include <tuple>
#include <type_traits>

#include "sim/memory.hpp"

namespace salonsim {

namespace {
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

// Whether every value of `column` has the bits of its first (bits, so that 0.0 and -0.0
// differ), read in parallel.
template <class T>
bool same_throughout(const std::vector<T>& column) {
  if (column.empty()) return true;
  const auto bits = [](T value) {
    return std::bit_cast<std::array<unsigned char, sizeof(T)>>(value);
  };
  const auto first = bits(column[0]);
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, column.size(), 1 << 16), true,
      [&](const auto& rows, bool same) {
        for (std::size_t i = rows.begin(); same && i != rows.end(); ++i)
          same = bits(column[i]) == first;
        return same;
      },
      std::logical_and<>());
}
}  // namespace

void Population::resize(std::size_t n) {
  // A column a task: a vector writes its values on the calling thread, and on some hosts the
  // first write to fresh memory costs more than the values, so the columns are written by every
  // thread at once rather than in turn.
  tbb::task_group group;
  const auto fill = [&](auto& column, auto value) {
    using Value = typename std::remove_reference_t<decltype(column)>::value_type;
    group.run([&column, n, value] { column.resize(n, static_cast<Value>(value)); });
  };
  const auto zeros = [&](auto&... each) { (fill(each, 0), ...); };
  zeros(sex, age0, income, income_low, lives_alone, district, x_m, y_m, transport, entry_step,
        kin_contacts_per_week, reserve, frailty0, alive, certified, decline, weekly_contacts,
        isolated, death_requested, degree0, isolated0, certified0);
  fill(spouse, -1);
  fill(disability_step, kNever);
  fill(death_step, kNever);
  group.run([&] { columns.resize(n); });
  group.wait();
}

void Population::reorder_rows(std::span<const ResidentId> order) {
  if (!columns.entries().empty())
    throw std::logic_error("reorder_rows: mechanisms' columns are registered already");
  const std::size_t n = size();
  if (order.size() != n)
    throw std::invalid_argument("reorder_rows: the order has " + std::to_string(order.size()) +
                                " rows, the population " + std::to_string(n));
  // new_row[old] = its row after, in parallel (each a row of its own when `order` is a
  // permutation); a row given twice or out of range is not a permutation.
  boost::container::vector<std::int32_t> new_row;
  assign_in_parallel(new_row, n, std::int32_t{-1});
  std::atomic<bool> permutation{true};
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& rows) {
    for (std::size_t j = rows.begin(); j != rows.end(); ++j) {
      const bool taken = order[j] >= n || std::atomic_ref<std::int32_t>(new_row[order[j]])
                                                  .exchange(static_cast<std::int32_t>(j),
                                                            std::memory_order_relaxed) >= 0;
      if (taken) permutation.store(false, std::memory_order_relaxed);
    }
  });
  if (!permutation)
    throw std::invalid_argument("reorder_rows: the order is not a permutation of the rows");
  // Each column gathered into a spare of its type, then swapped with it: the column's old
  // storage is the spare for the next column of that type. Memory the process has written once
  // is reused rather than fresh memory taken for each column (a first write to a fresh page
  // costs more than the gather on some hosts), and no column is copied.
  std::tuple<std::vector<std::uint8_t>, std::vector<std::uint16_t>, std::vector<std::int16_t>,
             std::vector<std::int32_t>, std::vector<float>>
      spares;
  for_each_core_column(*this, [&](auto& column) {
    // A column of one value throughout (many are before the mechanisms fill them: deaths,
    // contacts, reserves) stays as it is: read in order, which costs far less than a gather.
    if (same_throughout(column)) return;
    auto& gathered = std::get<std::remove_cvref_t<decltype(column)>>(spares);
    gathered.resize(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& rows) {
      for (std::size_t j = rows.begin(); j != rows.end(); ++j) gathered[j] = column[order[j]];
    });
    column.swap(gathered);
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
