#include "sim/calibration/abc_smc.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace salonsim::calibration {

namespace {

/// Proposals outside the cube are drawn again; after this many tries the last is clamped (with
/// a kernel of at most about half the cube's width per side, a try lands inside with
/// probability above 2^-k).
constexpr int kMaxTries = 1000;
/// A kernel never narrower than this (a parameter whose particles all agree still moves).
constexpr double kMinSigma = 1e-4;

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

}  // namespace

double Generation::effective_sample_size() const {
  double sum = 0, squares = 0;
  for (const Particle& p : particles) {
    sum += p.weight;
    squares += p.weight * p.weight;
  }
  return squares > 0 ? sum * sum / squares : 0.0;
}

double weighted_quantile(std::vector<double> values, std::vector<double> weights, double q) {
  if (values.empty() || values.size() != weights.size())
    throw std::invalid_argument("weighted_quantile: values and weights must match");
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double cumulative = 0;
  for (std::size_t i : order) {
    cumulative += weights[i];
    if (cumulative >= q * total) return values[i];
  }
  return values[order.back()];
}

double cut_normal_density(double x, double center, double sigma) {
  const double z = (x - center) / sigma;
  const double density = std::exp(-0.5 * z * z) / (sigma * std::sqrt(2.0 * M_PI));
  const double mass = normal_cdf((1.0 - center) / sigma) - normal_cdf(-center / sigma);
  return density / std::max(mass, 1e-300);
}

AbcSmc::AbcSmc(const AbcParams& params, std::size_t dimensions, std::size_t capacity,
               std::uint64_t seed)
    : params_(params),
      dimensions_(dimensions),
      capacity_(capacity),
      stream_(seed, 0, "calibration") {}

Candidate AbcSmc::propose(std::size_t index) const {
  Candidate candidate;
  candidate.slot = candidates_.size();
  candidate.generation = current_;
  candidate.index = index;
  candidate.unit.assign(dimensions_, 0.0);
  const std::int64_t t = current_;
  if (current_ == 0) {
    for (std::size_t d = 0; d < dimensions_; ++d) candidate.unit[d] = stream_.uniform(t, index, d);
    return candidate;
  }
  const double pick = stream_.uniform(t, index, 0) * cumulative_weights_.back();
  const auto parent = static_cast<std::size_t>(
      std::upper_bound(cumulative_weights_.begin(), cumulative_weights_.end(), pick) -
      cumulative_weights_.begin());
  candidate.parent = static_cast<std::int64_t>(std::min(parent, cumulative_weights_.size() - 1));
  const std::vector<double>& center =
      generations_.back().particles[static_cast<std::size_t>(candidate.parent)].unit;
  for (int attempt = 0; attempt < kMaxTries; ++attempt) {
    bool inside = true;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const std::uint64_t draw = 1 + static_cast<std::uint64_t>(attempt) * dimensions_ + d;
      candidate.unit[d] = center[d] + sigma_[d] * stream_.normal(t, index, draw);
      inside = inside && candidate.unit[d] >= 0.0 && candidate.unit[d] <= 1.0;
    }
    if (inside) return candidate;
  }
  for (double& u : candidate.unit) u = std::clamp(u, 0.0, 1.0);
  return candidate;
}

std::vector<Candidate> AbcSmc::next_batch() {
  if (finished()) return {};
  const auto n = static_cast<std::size_t>(params_.particles);
  std::size_t accepted = 0;
  for (std::size_t s = first_slot_; s < candidates_.size(); ++s)
    if (std::isfinite(distances_[s]) && distances_[s] <= tolerance_) ++accepted;
  // The acceptance so far in this generation (at first: all for the priors, the quantile after)
  // sets how many more to propose.
  const double rate = proposed_ == 0 ? (current_ == 0 ? 1.0 : params_.quantile)
                                     : static_cast<double>(std::max<std::size_t>(accepted, 1)) /
                                           static_cast<double>(proposed_);
  const std::size_t wanted =
      static_cast<std::size_t>(std::ceil(static_cast<double>(n - accepted) / std::max(rate, 1e-6)));
  const std::size_t room = capacity_ - candidates_.size();
  const std::size_t size = std::min({std::max<std::size_t>(wanted, 1), 10 * n, room});
  if (size == 0) {
    stop_reason_ = "budget";
    return {};
  }
  batch_begin_ = candidates_.size();
  std::vector<Candidate> batch;
  for (std::size_t i = 0; i < size; ++i) {
    candidates_.push_back(propose(proposed_ + i));
    distances_.push_back(std::numeric_limits<double>::quiet_NaN());
    statistics_.emplace_back();
    batch.push_back(candidates_.back());
  }
  proposed_ += size;
  batch_end_ = candidates_.size();
  return batch;
}

void AbcSmc::record(const std::vector<double>& distances,
                    const std::vector<std::vector<double>>& statistics) {
  if (distances.size() != batch_end_ - batch_begin_ || statistics.size() != distances.size())
    throw std::invalid_argument("AbcSmc::record: results do not match the batch");
  for (std::size_t i = 0; i < distances.size(); ++i) {
    distances_[batch_begin_ + i] = distances[i];
    statistics_[batch_begin_ + i] = statistics[i];
  }
  complete_generation();
}

void AbcSmc::complete_generation() {
  const auto n = static_cast<std::size_t>(params_.particles);
  Generation generation;
  generation.index = current_;
  generation.tolerance = tolerance_;
  for (std::size_t s = first_slot_; s < candidates_.size() && generation.particles.size() < n;
       ++s) {
    if (!(std::isfinite(distances_[s]) && distances_[s] <= tolerance_)) continue;
    generation.particles.push_back({s, candidates_[s].unit, 0.0, distances_[s], statistics_[s]});
    generation.proposed = s - first_slot_ + 1;
  }
  if (generation.particles.size() < n) return;  // more candidates needed

  // Importance weights: the prior (1 on the cube) over the proposal's density, a mixture of the
  // last generation's cut kernels.
  double total = 0;
  for (Particle& p : generation.particles) {
    if (current_ == 0) {
      p.weight = 1.0;
    } else {
      double proposal = 0;
      for (const Particle& q : generations_.back().particles) {
        double kernel = q.weight;
        for (std::size_t d = 0; d < dimensions_; ++d)
          kernel *= cut_normal_density(p.unit[d], q.unit[d], sigma_[d]);
        proposal += kernel;
      }
      p.weight = proposal > 0 ? 1.0 / proposal : 0.0;
    }
    total += p.weight;
  }
  for (Particle& p : generation.particles) p.weight /= total;
  generations_.push_back(std::move(generation));

  const Generation& done = generations_.back();
  if (static_cast<std::int32_t>(generations_.size()) >= params_.generations) {
    stop_reason_ = "generations";
  } else if (current_ > 0 && params_.tolerance > 0 && done.tolerance <= params_.tolerance) {
    stop_reason_ = "tolerance";
  } else if (done.acceptance_rate() < params_.min_acceptance) {
    stop_reason_ = "acceptance";
  } else {
    start_generation();
  }
}

void AbcSmc::start_generation() {
  const Generation& last = generations_.back();
  std::vector<double> distances, weights;
  for (const Particle& p : last.particles) {
    distances.push_back(p.distance);
    weights.push_back(p.weight);
  }
  tolerance_ = weighted_quantile(distances, weights, params_.quantile);
  // Twice the weighted variance of the particles, per parameter (Beaumont et al. 2009).
  sigma_.assign(dimensions_, 0.0);
  for (std::size_t d = 0; d < dimensions_; ++d) {
    double mean = 0, variance = 0;
    for (const Particle& p : last.particles) mean += p.weight * p.unit[d];
    for (const Particle& p : last.particles)
      variance += p.weight * (p.unit[d] - mean) * (p.unit[d] - mean);
    sigma_[d] = std::max(std::sqrt(2.0 * variance), kMinSigma);
  }
  cumulative_weights_.clear();
  double cumulative = 0;
  for (const Particle& p : last.particles) cumulative_weights_.push_back(cumulative += p.weight);
  ++current_;
  first_slot_ = candidates_.size();
  proposed_ = 0;
}

}  // namespace salonsim::calibration
