#pragma once
// The social network. Ties are made once, at set-up, and frozen into a Boost.Graph
// compressed-sparse-row graph (both directions of every tie), which is what every step
// reads. Between steps ties can be removed (a resident died or withdrew: the tie is marked
// removed in place) and added (new acquaintances: a fixed number of extra slots per resident,
// allocated on first use), so the frozen rows are never rebuilt during a run.
#include <boost/graph/compressed_sparse_row_graph.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

enum class TieKind : std::uint8_t {
  kSpouse = 0,
  kRelative = 1,
  kNeighbour = 2,
  kFriend = 3,
  kAcquaintance = 4,  // made during the run (e.g. at a group that meets)
  kRemoved = 255,
};
std::string_view tie_kind_name(TieKind kind);

/// Properties of one direction of a tie.
struct Tie {
  float contacts_per_week = 0;
  TieKind kind = TieKind::kRemoved;
};

/// A tie between two residents, as made by the network builder.
struct UndirectedTie {
  ResidentId a = 0;
  ResidentId b = 0;
  Tie tie;
};

class Network {
 public:
  using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, Tie,
                                                   boost::no_property, ResidentId, std::uint32_t>;

  Network() = default;
  /// Freezes the ties among `residents` residents. Duplicate pairs must already be removed.
  Network(std::size_t residents, const std::vector<UndirectedTie>& ties,
          std::uint32_t added_tie_slots);

  std::size_t residents() const { return boost::num_vertices(graph_); }
  /// Number of directed tie entries (twice the ties) in the frozen rows, removed ones included.
  std::size_t frozen_entries() const { return boost::num_edges(graph_); }

  /// Calls f(neighbour, tie) for every tie of `id` that is not removed.
  template <class F>
  void for_each_tie(ResidentId id, F&& f) const {
    const auto [first, last] = boost::out_edges(id, graph_);
    for (auto it = first; it != last; ++it) {
      const Tie& tie = graph_[*it];
      if (tie.kind != TieKind::kRemoved)
        f(static_cast<ResidentId>(boost::target(*it, graph_)), tie);
    }
    if (added_count_.empty()) return;
    const std::size_t base = std::size_t{id} * added_slots_;
    for (std::uint32_t k = 0; k < added_count_[id]; ++k) {
      const Tie& tie = added_ties_[base + k];
      if (tie.kind != TieKind::kRemoved) f(added_neighbours_[base + k], tie);
    }
  }

  /// Number of ties of `id` that are not removed.
  std::uint32_t degree(ResidentId id) const;

  /// Removes every tie of `id`, in both directions. Call between steps.
  void remove_ties_of(ResidentId id);
  /// Adds a tie between a and b, in both directions, if both have a free added-tie slot and
  /// they are not tied already. Returns whether it was added. Call between steps.
  bool add_tie(ResidentId a, ResidentId b, Tie tie);
  bool tied(ResidentId a, ResidentId b) const;

  /// Calls f(id) for every resident whose ties were added or removed since the last call, in
  /// the order the changes happened, and forgets them. Call between steps.
  template <class F>
  void drain_changes(F&& f) {
    for (ResidentId id : changed_) {
      changed_flag_[id] = 0;
      f(id);
    }
    changed_.clear();
  }

  std::uint32_t added_tie_slots() const { return added_slots_; }
  std::size_t bytes() const;

 private:
  void mark_removed(ResidentId from, ResidentId to);
  void note_change(ResidentId id) {
    if (!changed_flag_[id]) {
      changed_flag_[id] = 1;
      changed_.push_back(id);
    }
  }

  Graph graph_;
  std::uint32_t added_slots_ = 0;
  std::vector<std::uint8_t> added_count_;  // per resident; empty until the first add_tie
  std::vector<ResidentId> added_neighbours_;
  std::vector<Tie> added_ties_;
  std::vector<std::uint8_t> changed_flag_;  // per resident: in changed_
  std::vector<ResidentId> changed_;
};

}  // namespace salonsim
