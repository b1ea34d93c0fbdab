#pragma once
// Rows of people who live close together kept close together in memory: an order of points
// along a Hilbert curve over square cells. The network, a group's session and lifts from
// relatives read the rows of neighbours; stored in this order, those rows share cache lines and
// pages instead of lying anywhere in columns of millions.
#include <cstdint>
#include <span>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

/// Cells a side of the grid the curve fills: 2^16 (cells beyond it are clamped to its edge).
inline constexpr std::uint32_t kHilbertSide = std::uint32_t{1} << 16;

/// Position of cell (column, row) along the Hilbert curve that fills the kHilbertSide x
/// kHilbertSide grid from cell (0, 0). Consecutive positions are cells that share a side, and
/// the first 4^k positions fill the square of 2^k cells a side at the origin.
std::uint64_t hilbert_index(std::uint32_t column, std::uint32_t row);

/// The points' indices ordered by the Hilbert position of their cell (square cells of `cell_m`
/// metres from the least x and y), points of one cell by index: a permutation to give to
/// Population::reorder_rows.
std::vector<ResidentId> spatial_order(std::span<const float> x_m, std::span<const float> y_m,
                                      double cell_m);

/// A fixed bijection of resident ids that scatters neighbouring ids over all 32-bit values
/// (MurmurHash3's finalizer: each shift-xor and odd multiplication is invertible). Rows are
/// stored in the order of homes, so a rule that picks "the next resident by id" or breaks ties
/// by id would favour a corner of the town; it uses this key instead, which is as unrelated to
/// where residents live as ids were when rows were in no order.
constexpr std::uint32_t scrambled_id(ResidentId id) {
  std::uint32_t h = id;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

}  // namespace salonsim
