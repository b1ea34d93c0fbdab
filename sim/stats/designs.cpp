#include "sim/stats/designs.hpp"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "sim/random.hpp"

namespace salonsim::stats {

namespace {

/// Largest double below 1: keeps a stratum's point inside [0, 1) after rounding.
constexpr double kBelowOne = 1.0 - 0x1.0p-53;

/// An index uniform on {0, ..., n - 1} from a uniform in [0, 1); the clamp guards against
/// u * n rounding up to n.
std::size_t uniform_index(double u, std::size_t n) {
  return std::min(static_cast<std::size_t>(u * static_cast<double>(n)), n - 1);
}

/// Fisher-Yates shuffle of 0..n-1 in place, draw i from stream.uniform(step, i, draw).
void shuffle_identity(std::vector<std::size_t>& order, const RandomStream& stream,
                      std::int64_t step, std::uint64_t draw) {
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = order.size(); i-- > 1;) {
    std::swap(order[i], order[uniform_index(stream.uniform(step, i, draw), i + 1)]);
  }
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

/// Designs hold at most this many values (8 GB): a larger one is a mistake, refused rather than
/// allocated (or, with sizes that overflow, written past its end).
constexpr std::size_t kMaxDesignValues = std::size_t{1} << 30;

/// rows x cols, refused when it overflows or exceeds kMaxDesignValues.
std::size_t checked_cells(std::size_t rows, std::size_t cols, const std::string& what) {
  require(cols == 0 || rows <= kMaxDesignValues / cols,
          what + ": the design would hold more than 2^30 values");
  return rows * cols;
}

/// a x b, refused when it overflows.
std::size_t checked_product(std::size_t a, std::size_t b, const std::string& what) {
  require(b == 0 || a <= std::numeric_limits<std::size_t>::max() / b, what + ": too many runs");
  return a * b;
}

}  // namespace

Design grid_design(const std::vector<std::vector<double>>& levels) {
  require(!levels.empty(), "grid_design: need at least one factor");
  std::size_t rows = 1;
  for (std::size_t c = 0; c < levels.size(); ++c) {
    const std::string factor = "grid_design: factor " + std::to_string(c);
    require(!levels[c].empty(), factor + " has no levels");
    for (double level : levels[c]) {
      require(level >= 0.0 && level <= 1.0, factor + " has a level outside [0, 1]");
    }
    require(rows <= std::numeric_limits<std::size_t>::max() / levels[c].size(),
            "grid_design: too many runs");
    rows *= levels[c].size();
  }
  Design design;
  design.rows = rows;
  design.cols = levels.size();
  design.values.resize(checked_cells(rows, design.cols, "grid_design"));
  // Mixed-radix counting with the last factor as the fastest digit.
  std::vector<std::size_t> digit(design.cols, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < design.cols; ++c) {
      design.values[r * design.cols + c] = levels[c][digit[c]];
    }
    for (std::size_t c = design.cols; c-- > 0;) {
      if (++digit[c] < levels[c].size()) break;
      digit[c] = 0;
    }
  }
  return design;
}

Design latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed) {
  require(n > 0, "latin_hypercube: need n > 0 points");
  require(k > 0, "latin_hypercube: need at least one factor");
  const RandomStream stream(seed, 0, "latin_hypercube");
  Design design;
  design.rows = n;
  design.cols = k;
  design.values.resize(checked_cells(n, k, "latin_hypercube"));
  std::vector<std::size_t> stratum(n);
  const double width = 1.0 / static_cast<double>(n);
  for (std::size_t c = 0; c < k; ++c) {
    shuffle_identity(stratum, stream, static_cast<std::int64_t>(c), 0);
    for (std::size_t r = 0; r < n; ++r) {
      const double position = stream.uniform(static_cast<std::int64_t>(c), r, 1);
      design.values[r * k + c] =
          std::min((static_cast<double>(stratum[r]) + position) * width, kBelowOne);
    }
  }
  return design;
}

Design morris_design(std::size_t trajectories, std::size_t k, std::size_t levels_p,
                     std::uint64_t seed) {
  require(trajectories > 0, "morris_design: need at least one trajectory");
  require(k > 0, "morris_design: need at least one factor");
  require(levels_p >= 2 && levels_p % 2 == 0,
          "morris_design: levels p must be even and >= 2, got " + std::to_string(levels_p));
  const RandomStream stream(seed, 0, "morris_design");
  const std::size_t half = levels_p / 2;  // delta in grid steps
  const double grid_step = 1.0 / static_cast<double>(levels_p - 1);

  Design design;
  design.rows = checked_product(trajectories, k + 1, "morris_design");
  design.cols = k;
  design.values.resize(checked_cells(design.rows, k, "morris_design"));
  MorrisLayout layout;
  layout.trajectories = trajectories;
  layout.levels = levels_p;
  layout.delta = static_cast<double>(half) * grid_step;
  layout.moved_factor.resize(design.rows, MorrisLayout::kNone);
  layout.step.resize(design.rows, 0.0);

  std::vector<std::size_t> order(k), level(k);
  std::vector<int> direction(k);
  for (std::size_t t = 0; t < trajectories; ++t) {
    const auto step = static_cast<std::int64_t>(t);
    shuffle_identity(order, stream, step, 0);
    // With delta = p/2 grid steps, levels 0..p/2-1 can only move up and p/2..p-1 only down,
    // so a random direction and a random lower-half level give a uniform base level
    // (Morris 1991; Campolongo et al. 2007, B* = J x* + delta/2 [(2B - J) D* + J]).
    for (std::size_t i = 0; i < k; ++i) {
      direction[i] = stream.uniform(step, i, 1) < 0.5 ? 1 : -1;
      const std::size_t lower = uniform_index(stream.uniform(step, i, 2), half);
      level[i] = direction[i] > 0 ? lower : lower + half;
    }
    const std::size_t first = t * (k + 1);
    for (std::size_t m = 0; m <= k; ++m) {
      if (m > 0) {
        const std::size_t i = order[m - 1];
        level[i] = direction[i] > 0 ? level[i] + half : level[i] - half;
        layout.moved_factor[first + m] = i;
        layout.step[first + m] = direction[i] * layout.delta;
      }
      // Values from integer levels, so every point is exactly on the grid and inside [0, 1].
      for (std::size_t c = 0; c < k; ++c) {
        design.values[(first + m) * k + c] = static_cast<double>(level[c]) * grid_step;
      }
    }
  }
  design.morris = std::move(layout);
  return design;
}

Design saltelli_design(std::size_t n_base, std::size_t k, std::uint64_t seed) {
  require(n_base > 0, "saltelli_design: need n_base > 0 base samples");
  require(k > 0, "saltelli_design: need at least one factor");
  require(k <= 1833, "saltelli_design: at most 1833 factors (Sobol' table of 3667 dimensions)");
  const RandomStream stream(seed, 0, "saltelli_design");
  std::vector<std::uint64_t> shift(2 * k);
  for (std::size_t d = 0; d < 2 * k; ++d) {
    shift[d] = static_cast<std::uint64_t>(stream.uniform(0, d, 0) * 0x1.0p53);
  }
  // boost's sobol already skips the all-zero first point; its outputs fill 64 bits.
  boost::random::sobol sequence(2 * k);
  std::vector<double> point(2 * k);

  Design design;
  design.rows = checked_product(n_base, k + 2, "saltelli_design");
  design.cols = k;
  design.values.resize(checked_cells(design.rows, k, "saltelli_design"));
  for (std::size_t j = 0; j < n_base; ++j) {
    for (std::size_t d = 0; d < 2 * k; ++d) {
      point[d] = static_cast<double>((sequence() >> 11) ^ shift[d]) * 0x1.0p-53;
    }
    const double* a = point.data();
    const double* b = point.data() + k;
    double* block = design.values.data() + j * (k + 2) * k;
    std::copy(a, a + k, block);  // A_j
    for (std::size_t i = 0; i < k; ++i) {
      double* row = block + (i + 1) * k;  // A_B^i_j: A_j with column i from B_j
      std::copy(a, a + k, row);
      row[i] = b[i];
    }
    std::copy(b, b + k, block + (k + 1) * k);  // B_j
  }
  design.saltelli = SaltelliLayout{n_base};
  return design;
}

}  // namespace salonsim::stats
