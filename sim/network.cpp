#include "sim/network.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_scan.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "sim/memory.hpp"

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
                 std::span<const std::uint32_t> spare) {
  set_ties(residents, ties, spare);
}

Network Network::with_ties(std::size_t residents, std::span<const UndirectedTie> ties,
                           std::span<const std::uint32_t> spare) {
  Network network;
  network.set_ties(residents, ties, spare);
  return network;
}

void Network::set_ties(std::size_t residents, std::span<const UndirectedTie> ties,
                       std::span<const std::uint32_t> spare) {
  if (!spare.empty() && spare.size() != residents)
    throw std::invalid_argument("Network: spare slots must be given for every resident or none");
  if (residents >= std::numeric_limits<ResidentId>::max())
    throw std::length_error("network too large for 32-bit resident ids");
  // Each tie takes a slot in both rows: more ties than half the slot indices cannot fit (and so a
  // row's count below cannot overflow).
  if (ties.size() > std::numeric_limits<std::uint32_t>::max() / 2)
    throw std::length_error("network too large for 32-bit slot indices");
  constexpr std::size_t kGrain = std::size_t{1} << 14;
  // Every array below is written first by the threads that fill it (sim/memory.hpp).
  // The ties checked and each row's counted, in parallel (a count is the same in any order).
  boost::container::vector<std::uint32_t> degree;
  assign_in_parallel(degree, residents, std::uint32_t{0});
  std::atomic<bool> out_of_range{false};
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, ties.size(), kGrain), [&](const auto& r) {
    for (std::size_t k = r.begin(); k != r.end(); ++k) {
      const UndirectedTie& t = ties[k];
      if (t.a >= residents || t.b >= residents || t.a == t.b) {
        out_of_range.store(true, std::memory_order_relaxed);
        continue;
      }
      std::atomic_ref(degree[t.a]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref(degree[t.b]).fetch_add(1, std::memory_order_relaxed);
    }
  });
  if (out_of_range)
    throw std::invalid_argument("Network: a tie names a resident out of range or itself");
  // Each row's room (its ties and spare slots), then the rows' offsets as a running sum.
  std::atomic<bool> row_too_long{false};
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, residents, kGrain), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      const std::uint64_t room = std::uint64_t{degree[i]} + (spare.empty() ? 0 : spare[i]);
      if (room > std::numeric_limits<std::uint16_t>::max())
        row_too_long.store(true, std::memory_order_relaxed);
      degree[i] = static_cast<std::uint32_t>(room);
    }
  });
  if (row_too_long) throw std::length_error("Network: a row would hold more than 65535 ties");
  offset_.resize(residents + 1, boost::container::default_init);
  offset_[0] = 0;
  const std::uint64_t total = tbb::parallel_scan(
      tbb::blocked_range<std::size_t>(0, residents, kGrain), std::uint64_t{0},
      [&](const auto& r, std::uint64_t sum, bool final) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
          sum += degree[i];
          if (final) offset_[i + 1] = static_cast<std::uint32_t>(sum);
        }
        return sum;
      },
      std::plus<>());
  if (total > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("network too large for 32-bit slot indices");
  degree.clear();
  degree.shrink_to_fit();
  assign_in_parallel(count_, residents, std::uint16_t{0});
  // Each slot is written once below: by the ties placed in it, or as free.
  neighbours_.resize(total, boost::container::default_init);
  contacts_.resize(total, boost::container::default_init);
  kinds_.resize(total, boost::container::default_init);
  // Each tie's two entries take the next free slot of their rows in parallel, holding the tie's
  // index for now; then each row is sorted by those indices and given the ties. So every row
  // holds its ties in the order given, as one thread adding them in turn would, whatever the
  // threads did.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, ties.size(), kGrain), [&](const auto& r) {
    for (std::size_t k = r.begin(); k != r.end(); ++k) {
      for (const ResidentId row : {ties[k].a, ties[k].b}) {
        const std::uint16_t taken =
            std::atomic_ref(count_[row]).fetch_add(1, std::memory_order_relaxed);
        neighbours_[offset_[row] + taken] = static_cast<ResidentId>(k);
      }
    }
  });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, residents, kGrain), [&](const auto& r) {
    for (std::size_t row = r.begin(); row != r.end(); ++row) {
      const std::size_t first = offset_[row], last = first + count_[row];
      std::sort(neighbours_.begin() + static_cast<std::ptrdiff_t>(first),
                neighbours_.begin() + static_cast<std::ptrdiff_t>(last));
      for (std::size_t slot = first; slot < last; ++slot) {
        const UndirectedTie& t = ties[neighbours_[slot]];
        set_slot(slot, t.a == row ? t.b : t.a, t.tie);
      }
      for (std::size_t slot = last; slot < offset_[row + 1]; ++slot) set_slot(slot, 0, Tie{});
    }
  });
  assign_in_parallel(changed_flag_, residents, std::uint8_t{0});
}

Network::Network(std::size_t residents, const std::vector<UndirectedTie>& ties, std::uint32_t spare)
    : Network(residents, ties, std::vector<std::uint32_t>(residents, spare)) {}

std::size_t Network::entries() const {
  return std::accumulate(count_.begin(), count_.end(), std::size_t{0});
}

bool Network::erase_in_row(ResidentId from, ResidentId to) {
  const std::size_t first = offset_[from], last = first + count_[from];
  for (std::size_t k = first; k < last; ++k) {
    if (neighbours_[k] != to) continue;
    set_slot(k, neighbours_[last - 1], {contacts_[last - 1], kinds_[last - 1]});
    set_slot(last - 1, neighbours_[last - 1], Tie{});
    --count_[from];
    return true;
  }
  return false;
}

bool Network::set_contacts_in_row(ResidentId from, ResidentId to, float contacts_per_week) {
  const std::size_t first = offset_[from], last = first + count_[from];
  for (std::size_t k = first; k < last; ++k) {
    if (neighbours_[k] != to) continue;
    contacts_[k] = contacts_per_week;
    return true;
  }
  return false;
}

void Network::edit_ties(std::span<const TieEdit> edits) {
  // Each edit is two: one in each end's row. They are sorted, in the edits' order, into blocks
  // of rows; each block then applies its own in that order, so each row sees its edits in the
  // order given. A tie is in a's row exactly when it is in b's, so each end's test (is the other
  // in my row?) answers as remove_tie's and set_contacts' do.
  constexpr std::size_t kBlockRows = 4096;
  struct InRow {
    std::uint32_t edit;
    bool at_b;  // the edit in b's row (else in a's)
  };
  std::vector<std::vector<InRow>> blocks((residents() + kBlockRows - 1) / kBlockRows);
  for (std::size_t e = 0; e < edits.size(); ++e) {
    if (edits[e].a == edits[e].b) continue;  // no tie to oneself
    blocks[edits[e].a / kBlockRows].push_back({static_cast<std::uint32_t>(e), false});
    blocks[edits[e].b / kBlockRows].push_back({static_cast<std::uint32_t>(e), true});
  }
  std::vector<std::vector<ResidentId>> noted(blocks.size());
  tbb::parallel_for(std::size_t{0}, blocks.size(), [&](std::size_t block) {
    for (const InRow& in_row : blocks[block]) {
      const TieEdit& edit = edits[in_row.edit];
      const ResidentId row = in_row.at_b ? edit.b : edit.a;
      const ResidentId other = in_row.at_b ? edit.a : edit.b;
      const bool changed = edit.remove ? erase_in_row(row, other)
                                       : set_contacts_in_row(row, other, edit.contacts_per_week);
      if (changed) note_change_in(row, noted[block]);
    }
  });
  for (const std::vector<ResidentId>& ids : noted) note_changes(ids);
}

void Network::remove_ties_of(ResidentId id) {
  const std::size_t first = offset_[id];
  for (std::size_t k = first; k < first + count_[id]; ++k) erase_from_row(neighbours_[k], id);
  for (std::size_t k = first; k < first + count_[id]; ++k) set_slot(k, neighbours_[k], Tie{});
  count_[id] = 0;
  note_change(id);
}

bool Network::remove_tie(ResidentId a, ResidentId b) {
  if (a == b || !tied(a, b)) return false;
  erase_from_row(a, b);
  erase_from_row(b, a);
  return true;
}

bool Network::tied(ResidentId a, ResidentId b) const {
  // Search the shorter row.
  if (count_[b] < count_[a]) std::swap(a, b);
  const std::size_t first = offset_[a], last = first + count_[a];
  for (std::size_t k = first; k < last; ++k)
    if (neighbours_[k] == b) return true;
  return false;
}

bool Network::set_contacts(ResidentId a, ResidentId b, float contacts_per_week) {
  bool found = false;
  for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    if (!set_contacts_in_row(from, to, contacts_per_week)) continue;
    note_change(from);
    found = true;
  }
  return found;
}

bool Network::add_tie(ResidentId a, ResidentId b, Tie tie) {
  if (!add_in_rows(a, b, tie)) return false;
  note_change(a);
  note_change(b);
  return true;
}

bool Network::add_tie_in_own_rows(ResidentId a, ResidentId b, Tie tie,
                                  std::vector<ResidentId>& changed) {
  if (!add_in_rows(a, b, tie)) return false;
  note_change_in(a, changed);
  note_change_in(b, changed);
  return true;
}

bool Network::add_in_rows(ResidentId a, ResidentId b, Tie tie) {
  if (a == b || tie.kind == TieKind::kRemoved) return false;
  if (count_[a] >= capacity(a) || count_[b] >= capacity(b) || tied(a, b)) return false;
  for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    const std::size_t slot = offset_[from] + count_[from]++;
    set_slot(slot, to, tie);
  }
  return true;
}

std::size_t Network::bytes() const {
  return bytes_of(offset_) + bytes_of(count_) + bytes_of(neighbours_) + bytes_of(contacts_) +
         bytes_of(kinds_) + bytes_of(changed_flag_) + bytes_of(changed_);
}

}  // namespace salonsim
