#pragma once
// Experimental designs on the unit hypercube [0, 1]^k for parameter sweeps and sensitivity
// analysis: full grids, Latin hypercubes, Morris trajectories and Saltelli's Sobol'-sequence
// scheme. A design is a pure function of its arguments: every random choice comes from
// RandomStream(seed, 0, "<design name>"), so the same seed gives the same runs on any machine.
// Mapping a unit-cube column onto a parameter's real range is the caller's job.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace salonsim::stats {

/// How the rows of a Morris design are linked: each row after a trajectory's first moves one
/// factor by +-delta from the row before it.
struct MorrisLayout {
  std::size_t trajectories = 0;
  std::size_t levels = 0;  // p: the grid {0, 1/(p-1), ..., 1}
  double delta = 0;        // p / (2 (p - 1))
  /// Per row: the factor changed from the previous row, or kNone for a trajectory's first row.
  std::vector<std::size_t> moved_factor;
  /// Per row: the signed step (+delta or -delta) of moved_factor; 0 for a first row.
  std::vector<double> step;
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
};

/// Row layout of a Saltelli design: base sample j occupies rows j (k + 2) .. j (k + 2) + k + 1
/// as A_j, A_B^1_j, ..., A_B^k_j, B_j.
struct SaltelliLayout {
  std::size_t n_base = 0;
};

/// Runs (rows) by factors (columns), row-major, every value in [0, 1].
struct Design {
  std::vector<double> values;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::optional<MorrisLayout> morris;      // set by morris_design
  std::optional<SaltelliLayout> saltelli;  // set by saltelli_design

  double at(std::size_t row, std::size_t col) const { return values[row * cols + col]; }
  std::span<const double> row(std::size_t r) const { return {values.data() + r * cols, cols}; }
};

/// Cartesian product of each factor's levels (values in [0, 1], chosen by the caller), the
/// first factor varying slowest. Rows = product of the level counts.
Design grid_design(const std::vector<std::vector<double>>& levels);

/// Latin hypercube of n points in k factors: in every column each stratum [j/n, (j+1)/n)
/// holds exactly one point, placed uniformly inside it; strata are paired across columns by
/// an independent random permutation per column.
Design latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed);

/// Morris (1991) elementary-effects design: `trajectories` trajectories of k + 1 points on the
/// p-level grid {0, 1/(p-1), ..., 1} with step delta = p / (2 (p - 1)). p must be even and
/// >= 2, so that every level has exactly one neighbour at distance delta inside [0, 1] and the
/// levels stay equally likely (p = 4 is the usual choice). Each trajectory has a random base
/// point, a random order of factors and a random direction per factor; rows = r (k + 1).
Design morris_design(std::size_t trajectories, std::size_t k, std::size_t levels_p,
                     std::uint64_t seed);

/// Saltelli (2010) design for first-order and total Sobol' indices with n_base base samples:
/// A and B are the two halves of a 2k-dimensional Sobol' sequence (Joe-Kuo direction numbers,
/// boost::random::sobol, the initial point 0 skipped), each dimension XOR-shifted by a random
/// 53-bit digital shift drawn from the seed (a different design per seed, same low
/// discrepancy). A_B^i is A with column i taken from B. Rows = n_base (k + 2), laid out as in
/// SaltelliLayout. k is at most 1833 (the table holds 3667 dimensions).
Design saltelli_design(std::size_t n_base, std::size_t k, std::uint64_t seed);

}  // namespace salonsim::stats
