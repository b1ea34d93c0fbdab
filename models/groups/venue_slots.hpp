#pragma once
// Each resident's venue of one kind of group, in two bytes while the town has few enough venues
// of the kind (nearly always: a town of a million has about a thousand), four beyond.
#include <boost/container/vector.hpp>
#include <cstddef>
#include <cstdint>

#include "sim/memory.hpp"

namespace salonsim::models {

/// Each resident's venue (an index into the kind's venues, -1 for none), kept as the venue's
/// slot: venue + 1, 0 for none. Two bytes a resident while there are at most kMostNarrow venues,
/// four once there are more.
class VenueSlots {
 public:
  static constexpr std::size_t kMostNarrow = 65534;

  /// `residents` residents, none with a venue yet, of `venues` venues.
  void assign(std::size_t residents, std::size_t venues) {
    wide_ = venues > kMostNarrow;
    narrow_.clear();
    narrow_.shrink_to_fit();
    wide_slots_.clear();
    wide_slots_.shrink_to_fit();
    if (wide_) {
      assign_in_parallel(wide_slots_, residents, std::uint32_t{0});
    } else {
      assign_in_parallel(narrow_, residents, std::uint16_t{0});
    }
  }
  /// Room for the slots of `venues` venues: four bytes a resident from then on if two are too few.
  void widen_for(std::size_t venues) {
    if (wide_ || venues <= kMostNarrow) return;
    wide_slots_.assign(narrow_.begin(), narrow_.end());
    narrow_.clear();
    narrow_.shrink_to_fit();
    wide_ = true;
  }

  std::size_t slot(std::size_t i) const { return wide_ ? wide_slots_[i] : narrow_[i]; }
  /// Every resident's slot, in row order, while they are two bytes (nullptr once wide).
  const std::uint16_t* narrow_slots() const { return wide_ ? nullptr : narrow_.data(); }
  std::int32_t venue(std::size_t i) const { return static_cast<std::int32_t>(slot(i)) - 1; }
  void set(std::size_t i, std::int32_t venue) {
    if (wide_) {
      wide_slots_[i] = static_cast<std::uint32_t>(venue + 1);
    } else {
      narrow_[i] = static_cast<std::uint16_t>(venue + 1);
    }
  }
  bool wide() const { return wide_; }
  std::size_t bytes() const { return bytes_of(narrow_) + bytes_of(wide_slots_); }

 private:
  bool wide_ = false;
  boost::container::vector<std::uint16_t> narrow_;
  boost::container::vector<std::uint32_t> wide_slots_;
};

}  // namespace salonsim::models
