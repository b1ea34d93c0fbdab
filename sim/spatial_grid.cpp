#include "sim/spatial_grid.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

namespace salonsim {

SpatialGrid::SpatialGrid(std::span<const float> x, std::span<const float> y, double cell_m,
                         std::size_t max_cells)
    : SpatialGrid(x, y, {}, cell_m, max_cells) {}

SpatialGrid::SpatialGrid(std::span<const float> x, std::span<const float> y,
                         std::span<const std::uint8_t> include, double cell_m,
                         std::size_t max_cells) {
  rebuild(x, y, include, cell_m, max_cells);
}

void SpatialGrid::rebuild(std::span<const float> x, std::span<const float> y,
                          std::span<const std::uint8_t> include, double cell_m,
                          std::size_t max_cells) {
  x_ = x;
  y_ = y;
  cell_m_ = cell_m;
  min_x_ = min_y_ = 0;
  const auto included = [&](std::size_t i) { return include.empty() || include[i] != 0; };
  double max_x = 0, max_y = 0;
  if (!x.empty()) {
    // Bounds in parallel (grids are rebuilt during runs, e.g. as residents enter).
    using Bounds = std::array<float, 4>;  // min x, max x, min y, max y
    const float inf = std::numeric_limits<float>::infinity();
    const Bounds bounds = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, x.size(), 1 << 14), Bounds{inf, -inf, inf, -inf},
        [&](const tbb::blocked_range<std::size_t>& range, Bounds b) {
          for (std::size_t i = range.begin(); i != range.end(); ++i) {
            b[0] = std::min(b[0], x[i]), b[1] = std::max(b[1], x[i]);
            b[2] = std::min(b[2], y[i]), b[3] = std::max(b[3], y[i]);
          }
          return b;
        },
        [](Bounds a, const Bounds& b) {
          return Bounds{std::min(a[0], b[0]), std::max(a[1], b[1]), std::min(a[2], b[2]),
                        std::max(a[3], b[3])};
        });
    min_x_ = bounds[0];
    max_x = bounds[1];
    min_y_ = bounds[2];
    max_y = bounds[3];
  }
  const double width = max_x - min_x_, height = max_y - min_y_;
  while ((std::floor(width / cell_m_) + 1) * (std::floor(height / cell_m_) + 1) >
         static_cast<double>(max_cells)) {
    cell_m_ *= 2;
  }
  columns_ = static_cast<int>(std::floor(width / cell_m_)) + 1;
  rows_ = static_cast<int>(std::floor(height / cell_m_)) + 1;
  const std::size_t cells = static_cast<std::size_t>(columns_) * rows_;

  // Counting sort of points by cell; ids within a cell stay in increasing order. A point's cell
  // is worked out in both passes below rather than kept (integer work, and no array of n).
  // The points in K chunks of rows, each counted into its own cells' counts, then each chunk's
  // points placed after those of the chunks before it in each cell: the same order as one pass
  // over the rows, for any K. K is at most the threads, and small enough that the counts (K a
  // cell) are not more work than the points.
  const std::size_t n = x.size();
  const auto threads = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  const std::size_t chunks =
      std::max<std::size_t>(1, std::min(threads, n / std::max<std::size_t>(cells, 1)));
  const std::size_t chunk_rows = (n + chunks - 1) / chunks;
  std::vector<std::uint32_t> counts(chunks * cells);  // chunk-major: counts[k * cells + c]
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t k) {
    std::uint32_t* count = counts.data() + k * cells;
    std::fill(count, count + cells, 0u);
    for (std::size_t i = k * chunk_rows; i < std::min(n, (k + 1) * chunk_rows); ++i)
      if (included(i)) ++count[cell_index_of(i)];
  });
  start_.assign(cells + 1, 0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, cells, 1 << 14), [&](const auto& range) {
    for (std::size_t c = range.begin(); c != range.end(); ++c) {
      for (std::size_t k = 0; k < chunks; ++k) start_[c + 1] += counts[k * cells + c];
    }
  });
  for (std::size_t c = 0; c < cells; ++c) start_[c + 1] += start_[c];
  // Each chunk's first position in each cell.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, cells, 1 << 14), [&](const auto& range) {
    for (std::size_t c = range.begin(); c != range.end(); ++c) {
      std::uint32_t position = start_[c];
      for (std::size_t k = 0; k < chunks; ++k) {
        const std::uint32_t in_chunk = counts[k * cells + c];
        counts[k * cells + c] = position;
        position += in_chunk;
      }
    }
  });
  ids_.resize(start_[cells]);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t k) {
    std::uint32_t* next = counts.data() + k * cells;
    for (std::size_t i = k * chunk_rows; i < std::min(n, (k + 1) * chunk_rows); ++i)
      if (included(i)) ids_[next[cell_index_of(i)]++] = static_cast<ResidentId>(i);
  });
}

void SpatialGrid::refresh(std::span<const std::uint8_t> include, std::size_t first_new,
                          std::size_t end_new) {
  if (include.size() != x_.size())
    throw std::invalid_argument("SpatialGrid::refresh: one include flag a point");
  const std::size_t cells = start_.size() - 1;
  // The points that joined, by cell and then id: each goes after its cell's points, which all
  // lie below first_new.
  std::vector<std::pair<std::uint32_t, ResidentId>> joined;
  for (std::size_t i = first_new; i < std::min(end_new, include.size()); ++i) {
    if (include[i])
      joined.emplace_back(static_cast<std::uint32_t>(cell_index_of(i)), static_cast<ResidentId>(i));
  }
  std::sort(joined.begin(), joined.end());
  // The cells in groups, each group's ids a range of ids_. (1) In parallel, each group drops the
  // points that left, the rest moving forward within the group's range, in their order; start_
  // then holds, for each cell, the points kept before it in its group.
  const std::size_t per_group =
      std::max<std::size_t>(1, (cells + kRefreshGroups - 1) / kRefreshGroups);
  const std::size_t groups = (cells + per_group - 1) / per_group;
  const auto first_cell = [&](std::size_t g) { return std::min(cells, g * per_group); };
  struct Group {
    std::uint32_t old_first = 0, kept = 0, new_first = 0;
    std::size_t joined_first = 0, joined_end = 0;  // its cells' points in `joined`
  };
  std::vector<Group> group(groups + 1);
  for (std::size_t g = 0; g <= groups; ++g) group[g].old_first = start_[first_cell(g)];
  tbb::parallel_for(std::size_t{0}, groups, [&](std::size_t g) {
    const std::size_t end_cell = first_cell(g + 1);
    const std::uint32_t base = group[g].old_first;
    std::uint32_t kept = 0;
    for (std::size_t c = first_cell(g); c < end_cell; ++c) {
      // A cell's end is the next cell's start, that of the next group's first cell as it was.
      const std::uint32_t first = start_[c],
                          last = c + 1 < end_cell ? start_[c + 1] : group[g + 1].old_first;
      start_[c] = kept;
      for (std::uint32_t k = first; k < last; ++k) {
        const ResidentId id = ids_[k];
        ids_[base + kept] = id;
        kept += include[id] != 0;
      }
    }
    group[g].kept = kept;
  });
  // (2) Where each group's points go: after those of the groups before it, kept and joined.
  std::size_t next_joined = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    group[g].joined_first = next_joined;
    while (next_joined < joined.size() && joined[next_joined].first < first_cell(g + 1))
      ++next_joined;
    group[g].joined_end = next_joined;
    group[g + 1].new_first = group[g].new_first + group[g].kept +
                             static_cast<std::uint32_t>(next_joined - group[g].joined_first);
  }
  const std::uint32_t total = group[groups].new_first;
  if (total > ids_.size()) ids_.resize(total);
  // (3) Each group's points to their place, its cells' joined points after each cell's kept
  // ones, without overwriting a point not yet moved: the groups that move towards the end first,
  // from the last, then those that move towards the start (or stay), from the first. Serial: the
  // moves are copies of long runs of cells, not a pass over every point's flag.
  const auto move_group = [&](std::size_t g) {
    const Group& at = group[g];
    const std::size_t end_cell = first_cell(g + 1);
    // The group's cells in runs that move by as much: each run ends at a cell with joined points
    // (they go after its kept ones), the last at the group's end. Their bounds are read before
    // any start_ is overwritten.
    runs_.clear();
    std::size_t first = first_cell(g), j = at.joined_first;
    std::uint32_t before = 0;
    while (first < end_cell) {
      std::size_t end = end_cell, j_end = j;
      if (j < at.joined_end) {
        while (j_end < at.joined_end && joined[j_end].first == joined[j].first) ++j_end;
        end = joined[j].first + std::size_t{1};
      }
      runs_.push_back({.first_cell = first,
                       .end_cell = end,
                       .kept_first = start_[first],
                       .kept_end = end < end_cell ? start_[end] : at.kept,
                       .before = before,
                       .joined_first = j,
                       .joined_end = j_end});
      before += static_cast<std::uint32_t>(j_end - j);
      j = j_end;
      first = end;
    }
    const auto move_run = [&](const Run& run) {
      const std::uint32_t to = at.new_first + run.kept_first + run.before;
      std::memmove(ids_.data() + to, ids_.data() + at.old_first + run.kept_first,
                   (run.kept_end - run.kept_first) * sizeof(ResidentId));
      std::uint32_t next = to + (run.kept_end - run.kept_first);
      for (std::size_t k = run.joined_first; k < run.joined_end; ++k)
        ids_[next++] = joined[k].second;
      const std::uint32_t add = at.new_first + run.before;
      for (std::size_t c = run.first_cell; c < run.end_cell; ++c) start_[c] += add;
    };
    // The runs that move towards the end (the later ones: a run moves by more the more points
    // joined before it), from the last; then the others, from the first.
    const auto shift_before = static_cast<std::int64_t>(at.new_first) - at.old_first;
    std::size_t split = 0;
    while (split < runs_.size() && shift_before + runs_[split].before <= 0) ++split;
    for (std::size_t k = runs_.size(); k-- > split;) move_run(runs_[k]);
    for (std::size_t k = 0; k < split; ++k) move_run(runs_[k]);
  };
  for (std::size_t g = groups; g-- > 0;) {
    if (group[g].new_first > group[g].old_first) move_group(g);
  }
  for (std::size_t g = 0; g < groups; ++g) {
    if (group[g].new_first <= group[g].old_first) move_group(g);
  }
  start_[cells] = total;
  ids_.resize(total);
}

}  // namespace salonsim
