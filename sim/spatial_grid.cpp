#include "sim/spatial_grid.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
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

void SpatialGrid::refresh(std::span<const std::uint8_t> include, std::size_t first_new) {
  if (include.size() != x_.size())
    throw std::invalid_argument("SpatialGrid::refresh: one include flag a point");
  const std::size_t cells = start_.size() - 1;
  // The points that left, dropped cell by cell: the rest move forward, in their order.
  std::uint32_t kept = 0;
  for (std::size_t c = 0; c < cells; ++c) {
    const std::uint32_t first = start_[c], last = start_[c + 1];
    start_[c] = kept;
    for (std::uint32_t k = first; k < last; ++k) {
      const ResidentId id = ids_[k];
      ids_[kept] = id;
      kept += include[id] != 0;
    }
  }
  start_[cells] = kept;
  // The points that joined, by cell and then id: each goes after its cell's points, which all
  // lie below first_new. Cells are moved from the last, so no point is overwritten unread.
  std::vector<std::pair<std::uint32_t, ResidentId>> joined;
  for (std::size_t i = first_new; i < include.size(); ++i) {
    if (include[i])
      joined.emplace_back(static_cast<std::uint32_t>(cell_index_of(i)), static_cast<ResidentId>(i));
  }
  if (joined.empty()) {
    ids_.resize(kept);
    return;
  }
  std::sort(joined.begin(), joined.end());
  ids_.resize(kept + joined.size());
  std::size_t shift = joined.size();  // points joined in this cell and the cells before it
  std::size_t next = joined.size();   // joined[next, ...) are in cells after this one
  for (std::size_t c = cells; c-- > 0;) {
    const std::uint32_t first = start_[c], last = start_[c + 1];
    std::size_t here = next;
    while (here > 0 && joined[here - 1].first == c) --here;
    // This cell's joined points go last, then its kept points move `shift` less those.
    for (std::size_t k = next; k-- > here;) ids_[last + shift - (next - k)] = joined[k].second;
    shift -= next - here;
    if (shift > 0)
      std::copy_backward(ids_.begin() + first, ids_.begin() + last, ids_.begin() + last + shift);
    start_[c + 1] = static_cast<std::uint32_t>(last + shift + (next - here));
    next = here;
  }
}

}  // namespace salonsim
