#pragma once
// ABC-SMC with adaptive tolerances (Beaumont et al. 2009, Biometrika 96:983; Del Moral et al.
// 2012; as pyabc): the first generation samples the priors; each later one proposes by
// perturbing particles of the last (picked by weight) with a Gaussian kernel of twice their
// weighted variance, and keeps those whose distance is within the tolerance, the given quantile
// of the last generation's distances; importance weights correct for the proposal.
//
// Parameters live on the unit cube: coordinate u of a parameter is the quantile of its prior
// (sweep::value_at maps u to the value), so every prior is uniform there and its density is 1
// inside the cube. The kernel is cut to the cube, and its normalising constant enters the
// weights.
//
// Deterministic whatever runs the simulations, and in what order: candidate j of generation t
// draws only from the counter-based stream keyed (seed, t, j); a generation keeps the first N
// accepted candidates in candidate order; batch sizes follow from counts alone. So an
// interrupted calibration replays to the same state from its stored results.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/calibration/calibration_params.hpp"
#include "sim/random.hpp"

namespace salonsim::calibration {

/// A proposed parameter set to simulate.
struct Candidate {
  std::size_t slot = 0;         // position in proposal order over every generation
  std::int32_t generation = 0;  // 0: drawn from the priors
  std::size_t index = 0;        // within its generation
  std::int64_t parent = -1;     // particle of the last generation it perturbs (-1: none)
  std::vector<double> unit;     // on the unit cube
};

struct Particle {
  std::size_t slot = 0;
  std::vector<double> unit;
  double weight = 0;  // normalised to sum to 1
  double distance = 0;
  std::vector<double> statistics;
};

struct Generation {
  std::int32_t index = 0;
  double tolerance = std::numeric_limits<double>::infinity();
  std::size_t proposed = 0;  // candidates up to and including the last one kept
  std::vector<Particle> particles;
  double acceptance_rate() const {
    return proposed > 0 ? static_cast<double>(particles.size()) / static_cast<double>(proposed)
                        : 0.0;
  }
  /// Effective sample size of the weights, (sum w)^2 / sum w^2.
  double effective_sample_size() const;
};

/// The weighted q-quantile of `values` (weights need not be normalised).
double weighted_quantile(std::vector<double> values, std::vector<double> weights, double q);

/// The Gaussian kernel cut to [0, 1]: density at x of N(center, sigma^2) renormalised to the
/// interval.
double cut_normal_density(double x, double center, double sigma);

class AbcSmc {
 public:
  /// `capacity`: how many candidates the budget allows (max_simulations / replicates).
  AbcSmc(const AbcParams& params, std::size_t dimensions, std::size_t capacity, std::uint64_t seed);

  /// The next candidates to simulate; empty once finished.
  std::vector<Candidate> next_batch();
  /// Results of the last batch, in its order: each candidate's distance (NaN: its run gave no
  /// statistic, which counts as rejected) and statistics.
  void record(const std::vector<double>& distances,
              const std::vector<std::vector<double>>& statistics);

  bool finished() const { return !stop_reason_.empty(); }
  /// Why it stopped: "generations", "tolerance", "acceptance" or "budget".
  const std::string& stop_reason() const { return stop_reason_; }
  /// The generations completed; the last is the posterior.
  const std::vector<Generation>& generations() const { return generations_; }
  /// Every candidate proposed so far, in slot order, with its distance (NaN until recorded).
  const std::vector<Candidate>& candidates() const { return candidates_; }
  const std::vector<double>& distances() const { return distances_; }
  /// Kernel standard deviations of the generation in progress (empty for the first).
  const std::vector<double>& kernel_sd() const { return sigma_; }

 private:
  Candidate propose(std::size_t index) const;
  void start_generation();
  void complete_generation();

  AbcParams params_;
  std::size_t dimensions_, capacity_;
  RandomStream stream_;
  std::vector<Generation> generations_;
  std::vector<Candidate> candidates_;
  std::vector<double> distances_;
  std::vector<std::vector<double>> statistics_;
  // The generation in progress.
  std::int32_t current_ = 0;
  double tolerance_ = std::numeric_limits<double>::infinity();
  std::size_t first_slot_ = 0;  // of the current generation
  std::size_t proposed_ = 0;    // candidates proposed in it so far
  std::vector<double> sigma_;
  std::vector<double> cumulative_weights_;  // of the last generation, for picking parents
  std::size_t batch_begin_ = 0, batch_end_ = 0;
  std::string stop_reason_;
};

}  // namespace salonsim::calibration
