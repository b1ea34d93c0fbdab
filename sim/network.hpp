#pragma once
// The social network: compressed rows (CSR) with room to spare. Each resident's row holds its
// ties (both directions of every tie are stored, one in each end's row) followed by free slots;
// a row never moves, so the memory is fixed when the town is built. Ties change between steps:
// a removed tie's slot is freed (the row's last tie moves into it) and a new tie takes a free
// slot, so freed slots are reused and a resident can hold as many ties at once as its row has
// room for. (Boost.Graph's CSR graph cannot change a stored tie's target, which is why the rows
// are kept here.)
#include <boost/container/vector.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

enum class TieKind : std::uint8_t {
  kSpouse = 0,
  kRelative = 1,
  kNeighbour = 2,
  kFriend = 3,
  kAcquaintance = 4,  // made at a group that meets
  kRemoved = 255,
};
inline constexpr int kTieKinds = 5;
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

/// Allocates like std::allocator, but an element made without arguments (as `resize` makes
/// them) is left unwritten: for arrays of implicit-lifetime types such as UndirectedTie that
/// are filled in parallel, so that one thread does not write every value first (on some hosts
/// the first write to fresh memory costs more than the work). Every element must be written
/// before it is read.
template <class T>
struct UnwrittenAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UnwrittenAllocator<U>;
  };
  UnwrittenAllocator() = default;
  template <class U>
  UnwrittenAllocator(const UnwrittenAllocator<U>&) noexcept {}
  template <class U>
  void construct(U*) noexcept {}
  template <class U, class... Args>
  void construct(U* at, Args&&... args) {
    std::construct_at(at, std::forward<Args>(args)...);
  }
};
/// The ties the network builder makes, sized before they are written.
using TieList = std::vector<UndirectedTie, UnwrittenAllocator<UndirectedTie>>;

class Network {
 public:
  Network() = default;
  /// Rows for `residents` residents holding `ties` (duplicate pairs must already be removed),
  /// each with room for `spare[id]` more ties (`spare` is empty or has one entry a resident).
  Network(std::size_t residents, const std::vector<UndirectedTie>& ties,
          std::span<const std::uint32_t> spare);
  /// The same with `spare` free slots in every row.
  Network(std::size_t residents, const std::vector<UndirectedTie>& ties, std::uint32_t spare);
  /// The same from ties held anywhere in order (the network builder's are a TieList).
  static Network with_ties(std::size_t residents, std::span<const UndirectedTie> ties,
                           std::span<const std::uint32_t> spare);

  std::size_t residents() const { return count_.size(); }
  /// Slots in all rows together (used and free): the network's fixed size.
  std::size_t slots() const { return neighbours_.size(); }
  /// Ties in all rows together, each tie counted once in each end's row.
  std::size_t entries() const;

  /// Calls f(neighbour, tie) for every tie of `id`.
  template <class F>
  void for_each_tie(ResidentId id, F&& f) const {
    const std::size_t first = offset_[id], last = first + count_[id];
    for (std::size_t k = first; k < last; ++k) f(neighbours_[k], Tie{contacts_[k], kinds_[k]});
  }
  /// Number of ties of `id`.
  std::uint32_t degree(ResidentId id) const { return count_[id]; }
  /// Ties `id`'s row can hold at once.
  std::uint32_t capacity(ResidentId id) const { return offset_[id + 1] - offset_[id]; }
  /// Asks the processor to bring `id`'s ties into its cache, for a caller that will read them
  /// soon but has other work first (a hint only: it changes no result).
  void prefetch_ties(ResidentId id) const {
    __builtin_prefetch(neighbours_.data() + offset_[id]);
    __builtin_prefetch(kinds_.data() + offset_[id]);
  }
  /// The k-th tie of `id` (k < degree(id)); the order changes when ties are removed.
  ResidentId neighbour_at(ResidentId id, std::uint32_t k) const {
    return neighbours_[offset_[id] + k];
  }
  Tie tie_at(ResidentId id, std::uint32_t k) const {
    const std::size_t slot = offset_[id] + k;
    return {contacts_[slot], kinds_[slot]};
  }

  /// Removes every tie of `id`, in both directions. Call between steps.
  void remove_ties_of(ResidentId id);
  /// Removes the tie between a and b, in both directions; false if they are not tied.
  bool remove_tie(ResidentId a, ResidentId b);
  /// A removal of the tie between a and b, or a change of its weekly contacts.
  struct TieEdit {
    ResidentId a = 0;
    ResidentId b = 0;
    float contacts_per_week = 0;  // for a change of contacts
    bool remove = false;
  };
  /// Applies the edits as remove_tie and set_contacts called for each in turn would, leaving
  /// every row as they would (the same ties in the same slots), in parallel over rows: a row's
  /// edits depend only on its own earlier ones, as every tie is held in both its ends' rows.
  /// The residents whose ties changed are noted a block of rows at a time, not in the order of
  /// the edits. Call between steps.
  void edit_ties(std::span<const TieEdit> edits);
  /// Adds a tie between a and b, in both directions, if both rows have a free slot and they
  /// are not tied already. Returns whether it was added. Call between steps.
  bool add_tie(ResidentId a, ResidentId b, Tie tie);
  /// add_tie for callers that add ties in parallel, each in rows no other touches meanwhile (a
  /// group's attendees, who attend no other venue of the kind): the same ties in the same slots,
  /// but each row whose ties changed is noted in `changed` (once) instead of the network's list;
  /// hand them to note_changes afterwards. Call between steps.
  bool add_tie_in_own_rows(ResidentId a, ResidentId b, Tie tie, std::vector<ResidentId>& changed);
  /// Notes the rows add_tie_in_own_rows listed as changed (they are drained with the others).
  void note_changes(std::span<const ResidentId> rows) {
    changed_.insert(changed_.end(), rows.begin(), rows.end());
  }
  bool tied(ResidentId a, ResidentId b) const;
  /// Sets the weekly contacts on the tie between a and b, in both directions; false if they are
  /// not tied. Call between steps.
  bool set_contacts(ResidentId a, ResidentId b, float contacts_per_week);

  /// Calls f(id) once for every resident whose ties were added, removed or given other contacts
  /// since the last call, in the order they were noted (the order of the changes, but by blocks
  /// of rows for edit_ties), and forgets them. Call between steps.
  template <class F>
  void drain_changes(F&& f) {
    for (ResidentId id : changed_) {
      changed_flag_[id] = 0;
      f(id);
    }
    changed_.clear();
  }

  /// Frees the memory of the drained list of changes: after a burst of changes that no step
  /// repeats (the ties made while setting up), which would otherwise keep its room for good.
  void release_drained_changes() {
    if (changed_.empty()) changed_.shrink_to_fit();
  }

  std::size_t bytes() const;

 private:
  void set_ties(std::size_t residents, std::span<const UndirectedTie> ties,
                std::span<const std::uint32_t> spare);
  /// Frees the slot of `to` in `from`'s row (the row's last tie moves into it) and notes the
  /// change.
  void erase_from_row(ResidentId from, ResidentId to) {
    if (erase_in_row(from, to)) note_change(from);
  }
  /// The same without noting the change; false if `to` is not in the row.
  bool erase_in_row(ResidentId from, ResidentId to);
  /// add_tie without noting the changes.
  bool add_in_rows(ResidentId a, ResidentId b, Tie tie);
  /// Sets the contacts of the tie to `to` in `from`'s row; false if `to` is not in the row.
  bool set_contacts_in_row(ResidentId from, ResidentId to, float contacts_per_week);
  void set_slot(std::size_t slot, ResidentId to, Tie tie) {
    neighbours_[slot] = to;
    contacts_[slot] = tie.contacts_per_week;
    kinds_[slot] = tie.kind;
  }
  void note_change(ResidentId id) { note_change_in(id, changed_); }
  /// Notes row `id` as changed in `list` unless it is noted already (a block's or a caller's
  /// list, for changes made in parallel in rows nobody else touches, added to changed_ after).
  void note_change_in(ResidentId id, std::vector<ResidentId>& list) {
    if (!changed_flag_[id]) {
      changed_flag_[id] = 1;
      list.push_back(id);
    }
  }

  // Boost's vectors can be sized without writing a value, so that the threads that fill them
  // write them first (sim/network.cpp).
  // residents + 1: row k is [offset_[k], offset_[k+1])
  boost::container::vector<std::uint32_t> offset_;
  boost::container::vector<std::uint16_t> count_;  // ties in each row (the used prefix)
  // One slot each: the tie's other end, contacts and kind (apart, as a Tie would take 8 bytes with
  // its padding, not 5).
  boost::container::vector<ResidentId> neighbours_;
  boost::container::vector<float> contacts_;
  boost::container::vector<TieKind> kinds_;
  boost::container::vector<std::uint8_t> changed_flag_;  // per resident: in changed_
  std::vector<ResidentId> changed_;
};

}  // namespace salonsim
