#include "sim/network.hpp"

#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/transform_iterator.hpp>

#include <limits>
#include <stdexcept>

namespace salonsim {

std::string_view tie_kind_name(TieKind kind) {
  switch (kind) {
    case TieKind::kSpouse:
      return "spouse";
    case TieKind::kRelative:
      return "relative";
    case TieKind::kNeighbour:
      return "neighbour";
    case TieKind::kFriend:
      return "friend";
    case TieKind::kAcquaintance:
      return "acquaintance";
    case TieKind::kRemoved:
      return "removed";
  }
  return "unknown";
}

Network::Network(std::size_t residents, const std::vector<UndirectedTie>& ties,
                 std::uint32_t added_tie_slots)
    : added_slots_(added_tie_slots) {
  if (residents > std::numeric_limits<ResidentId>::max() ||
      2 * ties.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("network too large for 32-bit resident and tie indices");
  }
  // Entry 2k is tie k from a to b, entry 2k+1 the same tie from b to a: both directions are
  // generated on the fly, so the edge list is never stored twice.
  const auto ends = [&ties](std::size_t entry) {
    const UndirectedTie& t = ties[entry / 2];
    return entry % 2 == 0 ? std::pair<ResidentId, ResidentId>{t.a, t.b}
                          : std::pair<ResidentId, ResidentId>{t.b, t.a};
  };
  const auto property = [&ties](std::size_t entry) { return ties[entry / 2].tie; };
  const boost::counting_iterator<std::size_t> first(0), last(2 * ties.size());
  graph_ = Graph(boost::edges_are_unsorted_multi_pass, boost::make_transform_iterator(first, ends),
                 boost::make_transform_iterator(last, ends),
                 boost::make_transform_iterator(first, property), residents);
  changed_flag_.assign(residents, 0);
}

std::uint32_t Network::degree(ResidentId id) const {
  std::uint32_t count = 0;
  for_each_tie(id, [&count](ResidentId, const Tie&) { ++count; });
  return count;
}

void Network::mark_removed(ResidentId from, ResidentId to) {
  const auto [first, last] = boost::out_edges(from, graph_);
  for (auto it = first; it != last; ++it) {
    if (boost::target(*it, graph_) == to) graph_[*it] = Tie{};
  }
  if (added_count_.empty()) return;
  const std::size_t base = std::size_t{from} * added_slots_;
  for (std::uint32_t k = 0; k < added_count_[from]; ++k) {
    if (added_neighbours_[base + k] == to) added_ties_[base + k] = Tie{};
  }
}

void Network::remove_ties_of(ResidentId id) {
  const auto [first, last] = boost::out_edges(id, graph_);
  for (auto it = first; it != last; ++it) {
    Tie& tie = graph_[*it];
    if (tie.kind == TieKind::kRemoved) continue;
    const auto other = static_cast<ResidentId>(boost::target(*it, graph_));
    mark_removed(other, id);
    note_change(other);
    tie = Tie{};
  }
  note_change(id);
  if (added_count_.empty()) return;
  const std::size_t base = std::size_t{id} * added_slots_;
  for (std::uint32_t k = 0; k < added_count_[id]; ++k) {
    Tie& tie = added_ties_[base + k];
    if (tie.kind == TieKind::kRemoved) continue;
    mark_removed(added_neighbours_[base + k], id);
    note_change(added_neighbours_[base + k]);
    tie = Tie{};
  }
}

bool Network::tied(ResidentId a, ResidentId b) const {
  bool found = false;
  for_each_tie(a, [&](ResidentId neighbour, const Tie&) { found = found || neighbour == b; });
  return found;
}

bool Network::add_tie(ResidentId a, ResidentId b, Tie tie) {
  if (added_slots_ == 0 || a == b || tie.kind == TieKind::kRemoved) return false;
  if (added_count_.empty()) {
    const std::size_t n = residents();
    added_count_.assign(n, 0);
    added_neighbours_.assign(n * added_slots_, 0);
    added_ties_.assign(n * added_slots_, Tie{});
  }
  if (added_count_[a] >= added_slots_ || added_count_[b] >= added_slots_ || tied(a, b))
    return false;
  for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    const std::size_t slot = std::size_t{from} * added_slots_ + added_count_[from]++;
    added_neighbours_[slot] = to;
    added_ties_[slot] = tie;
    note_change(from);
  }
  return true;
}

std::size_t Network::bytes() const {
  const std::size_t frozen = (residents() + 1) * sizeof(std::uint32_t) +
                             frozen_entries() * (sizeof(ResidentId) + sizeof(Tie));
  return frozen + changed_flag_.capacity() + changed_.capacity() * sizeof(ResidentId) +
         added_count_.capacity() + added_neighbours_.capacity() * sizeof(ResidentId) +
         added_ties_.capacity() * sizeof(Tie);
}

}  // namespace salonsim
