#include "models/prescribing/caseload.hpp"

#include <algorithm>

namespace salonsim::models {

Caseloads::Caseloads(std::vector<std::int32_t> team_of_worker, std::size_t teams,
                     double intake_per_step)
    : team_of_worker_(std::move(team_of_worker)),
      credit_(team_of_worker_.size(), 0.0),
      lists_(teams),
      intake_per_step_(intake_per_step),
      cap_(std::max(1.0, 4.0 * intake_per_step)) {}

void Caseloads::enqueue(std::int32_t team, ResidentId id, std::int32_t step) {
  lists_[team].push_back({id, step});
}

std::size_t Caseloads::waiting() const {
  std::size_t n = 0;
  for (const auto& list : lists_) n += list.size();
  return n;
}

std::int32_t Caseloads::best_worker(std::int32_t team) const {
  std::int32_t best = -1;
  for (std::size_t w = 0; w < credit_.size(); ++w) {
    if (team_of_worker_[w] != team || credit_[w] < 1.0) continue;
    if (best < 0 || credit_[w] > credit_[best]) best = static_cast<std::int32_t>(w);
  }
  return best;
}

}  // namespace salonsim::models
