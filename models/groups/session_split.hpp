#pragma once
// The first sort of a session's decisions: a part of the residents split, without a branch per
// resident, into the members who decide whether to come and the non-members who may try to join,
// with each venue's count of the non-members it could invite. Which residents are which follows
// no pattern a branch predictor could learn.
#include <bit>
#include <cstddef>
#include <cstdint>

#include "sim/population.hpp"
#include "sim/rows_where.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace salonsim::models {

/// A part of at most 65,536 residents first .. first + count: what split_for_session reads.
struct SessionPart {
  std::size_t first = 0, count = 0;
  const std::uint8_t* alive = nullptr;
  const std::uint8_t* member = nullptr;
  const StoredStep* next_try = nullptr;  // a non-member tries to join at a step at least this
  StoredStep step = 0;
  /// Each resident's record in the referral book (-1: none), or nullptr where nothing refers to
  /// the groups: a non-member with a record may have been referred, so is listed to be asked
  /// whether their next try has come or not.
  const std::int32_t* referral_record = nullptr;
};

/// Whether resident i has a record in the referral book (see SessionPart::referral_record).
inline bool has_referral_record(const SessionPart& part, std::size_t i) {
  return part.referral_record != nullptr && part.referral_record[i] >= 0;
}

/// How many offsets split_for_session wrote to each list.
struct SessionSplit {
  std::size_t members = 0, trying = 0;
};

/// One resident of the split, `here` if their venue meets (and they are alive).
inline void split_one(const SessionPart& part, std::size_t j, std::size_t slot, bool here,
                      std::int32_t* eligible, std::uint16_t* members, std::uint16_t* trying,
                      SessionSplit& split) {
  const std::size_t i = part.first + j;
  const bool in = part.member[i] != 0;
  members[split.members] = static_cast<std::uint16_t>(j);
  split.members += here & in;
  eligible[slot] += here & !in;
  trying[split.trying] = static_cast<std::uint16_t>(j);
  split.trying += here & !in & (has_referral_record(part, i) | (part.next_try[i] <= part.step));
}

/// The split for any venues: `slot_of(i)` is resident i's venue + 1 (0: none) and `meets[slot]`
/// whether it meets (meets[0] = 0). A resident whose venue meets is a member (offset i - first
/// listed in `members`) or a non-member (counted in eligible[slot], and listed in `trying` if
/// they have a referral record or their next try has come). The lists need room for count
/// offsets.
template <class SlotOf>
SessionSplit split_for_session(const SessionPart& part, SlotOf&& slot_of, const std::uint8_t* meets,
                               std::int32_t* eligible, std::uint16_t* members,
                               std::uint16_t* trying) {
  SessionSplit split;
  for (std::size_t j = 0; j < part.count; ++j) {
    const std::size_t slot = slot_of(part.first + j);
    split_one(part, j, slot, (part.alive[part.first + j] & meets[slot]) != 0, eligible, members,
              trying, split);
  }
  return split;
}

/// The same split where every venue meets (meets[slot] is 1 for every slot but 0) and slots are
/// two bytes: sixteen residents at a time, their tests made together, their offsets written by a
/// table and their eligible counts added a venue at a time where they have at most two. The lists
/// need room for count + kRowsWhereSlack offsets.
inline SessionSplit split_for_session_all_meet(const SessionPart& part, const std::uint16_t* slots,
                                               std::int32_t* eligible, std::uint16_t* members,
                                               std::uint16_t* trying) {
  SessionSplit split;
  std::size_t j = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  const __m128i step = _mm_set1_epi16(part.step);
  const __m128i no_record = _mm_set1_epi32(-1);
  for (; j + 16 <= part.count; j += 16) {
    const std::size_t i = part.first + j;
    const auto load = [](const void* at) {
      return _mm_loadu_si128(static_cast<const __m128i*>(at));
    };
    // Bytes of all ones where the test fails: dead, without a venue, a member, not yet due.
    const __m128i dead = _mm_cmpeq_epi8(load(part.alive + i), zero);
    const __m128i no_venue = _mm_packs_epi16(_mm_cmpeq_epi16(load(slots + i), zero),
                                             _mm_cmpeq_epi16(load(slots + i + 8), zero));
    const __m128i not_member = _mm_cmpeq_epi8(load(part.member + i), zero);
    const __m128i not_due = _mm_packs_epi16(_mm_cmpgt_epi16(load(part.next_try + i), step),
                                            _mm_cmpgt_epi16(load(part.next_try + i + 8), step));
    const int here = ~_mm_movemask_epi8(_mm_or_si128(dead, no_venue)) & 0xFFFF;
    const int outside = _mm_movemask_epi8(not_member);
    const int due = ~_mm_movemask_epi8(not_due) & 0xFFFF;
    // Those with a referral record (few): four int32 compares, packed to sixteen bytes.
    int recorded = 0;
    if (part.referral_record != nullptr) {
      const std::int32_t* record = part.referral_record + i;
      const auto has = [&](std::size_t k) { return _mm_cmpgt_epi32(load(record + k), no_record); };
      recorded = _mm_movemask_epi8(
          _mm_packs_epi16(_mm_packs_epi32(has(0), has(4)), _mm_packs_epi32(has(8), has(12))));
    }
    const int member_here = here & ~outside;
    const int eligible_here = here & outside;
    split.members = append_rows_of_mask(member_here, j, members, split.members);
    split.trying = append_rows_of_mask(eligible_here & (recorded | due), j, trying, split.trying);
    // Homes of a venue lie together in row order, so sixteen residents mostly share one venue,
    // or two: then each count is added at once (one at a time, a resident's addition would wait
    // on the one before's store to the same count).
    const std::uint32_t at_first = equal_mask_of_sixteen(slots + i, slots[i]);
    const std::uint32_t at_last = equal_mask_of_sixteen(slots + i, slots[i + 15]);
    if ((at_first | at_last) == 0xFFFF) {
      const auto counted = static_cast<std::uint32_t>(eligible_here);
      eligible[slots[i]] += std::popcount(counted & at_first);
      eligible[slots[i + 15]] += std::popcount(counted & at_last & ~at_first);
    } else {
      for (std::size_t k = 0; k < 16; ++k) eligible[slots[i + k]] += (eligible_here >> k) & 1;
    }
  }
#endif
  // The rest one at a time (every venue meets; slot 0, no venue, does not).
  for (; j < part.count; ++j) {
    const std::uint16_t slot = slots[part.first + j];
    split_one(part, j, slot, (part.alive[part.first + j] != 0) & (slot != 0), eligible, members,
              trying, split);
  }
  return split;
}

}  // namespace salonsim::models
