#pragma once
// Link workers' capacity: each worker takes caseload_per_year new clients a year, as credit added
// every step (unused credit keeps for at most four steps' worth, or one client). Positive
// patients wait in their team's list, first come first served; each step a team's workers take
// clients from the head of its list, the worker with most credit first (the lowest index among
// equals), while one has a whole client's credit. A client who waited longer than the limit drops
// off. Deterministic: no random draws.
#include <cstdint>
#include <deque>
#include <vector>

#include "sim/population.hpp"

namespace salonsim::models {

class Caseloads {
 public:
  /// `team_of_worker[w]`: the team of worker w (0 .. teams-1); `intake_per_step`: new clients a
  /// worker takes a step on average.
  Caseloads(std::vector<std::int32_t> team_of_worker, std::size_t teams, double intake_per_step);

  void enqueue(std::int32_t team, ResidentId id, std::int32_t step);

  /// One step: credit, drop-outs, intake. Clients for whom gone(id) holds (e.g. died) leave the
  /// list without using a place; dropped(id, since_step) is called for each client who waited
  /// more than `max_wait_steps`, then taken(id, worker, since_step) for each taken, in list
  /// order.
  template <class Gone, class Taken, class Dropped>
  void step(std::int32_t step, std::int32_t max_wait_steps, Gone&& gone, Taken&& taken,
            Dropped&& dropped) {
    for (double& c : credit_) c = std::min(c + intake_per_step_, cap_);
    for (std::size_t t = 0; t < lists_.size(); ++t) {
      std::deque<Waiting>& list = lists_[t];
      std::erase_if(list, [&](const Waiting& w) { return gone(w.id); });
      while (!list.empty() && step - list.front().since > max_wait_steps) {
        dropped(list.front().id, list.front().since);
        list.pop_front();
      }
      while (!list.empty()) {
        const std::int32_t w = best_worker(static_cast<std::int32_t>(t));
        if (w < 0) break;
        credit_[w] -= 1.0;
        taken(list.front().id, w, list.front().since);
        list.pop_front();
      }
    }
  }

  std::size_t waiting() const;
  std::size_t waiting_in(std::int32_t team) const { return lists_[team].size(); }
  double credit(std::int32_t worker) const { return credit_[worker]; }

 private:
  struct Waiting {
    ResidentId id;
    std::int32_t since;
  };
  /// The team's worker with most credit, if at least one client's; -1 if none.
  std::int32_t best_worker(std::int32_t team) const;

  std::vector<std::int32_t> team_of_worker_;
  std::vector<double> credit_;
  std::vector<std::deque<Waiting>> lists_;
  double intake_per_step_;
  double cap_;
};

}  // namespace salonsim::models
