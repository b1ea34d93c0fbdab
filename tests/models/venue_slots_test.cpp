// VenueSlots: two bytes a resident while a kind has few enough venues, four beyond, the same
// venues either way.
#include "models/groups/venue_slots.hpp"

#include <gtest/gtest.h>

namespace salonsim::models {
namespace {

TEST(VenueSlots, NoVenueIsSlotZeroAndAVenueItsIndexPlusOne) {
  VenueSlots slots;
  slots.assign(4, 10);
  EXPECT_FALSE(slots.wide());
  EXPECT_EQ(slots.bytes(), 4 * sizeof(std::uint16_t));
  slots.set(1, 0);
  slots.set(2, 9);
  EXPECT_EQ(slots.venue(0), -1);
  EXPECT_EQ(slots.slot(0), 0u);
  EXPECT_EQ(slots.venue(1), 0);
  EXPECT_EQ(slots.slot(1), 1u);
  EXPECT_EQ(slots.venue(2), 9);
  slots.set(2, -1);
  EXPECT_EQ(slots.venue(2), -1);
}

TEST(VenueSlots, TheLastVenueTwoBytesHoldAndOneMoreWidensKeepingEveryonesVenue) {
  VenueSlots slots;
  constexpr auto kMost = static_cast<std::int32_t>(VenueSlots::kMostNarrow);
  slots.assign(3, VenueSlots::kMostNarrow);
  slots.set(0, kMost - 1);  // slot 65,534: the most two bytes hold (65,535 stays unused)
  slots.set(1, 7);
  EXPECT_EQ(slots.venue(0), kMost - 1);
  slots.widen_for(VenueSlots::kMostNarrow);  // still enough
  EXPECT_FALSE(slots.wide());
  slots.widen_for(VenueSlots::kMostNarrow + 1);
  EXPECT_TRUE(slots.wide());
  EXPECT_EQ(slots.bytes(), 3 * sizeof(std::uint32_t));
  EXPECT_EQ(slots.venue(0), kMost - 1);
  EXPECT_EQ(slots.venue(1), 7);
  EXPECT_EQ(slots.venue(2), -1);
  slots.set(2, kMost);  // a venue only four bytes can name
  EXPECT_EQ(slots.venue(2), kMost);
  EXPECT_EQ(slots.slot(2), VenueSlots::kMostNarrow + 1);
}

TEST(VenueSlots, ManyVenuesFromTheStartAreFourBytes) {
  VenueSlots slots;
  slots.assign(2, 100000);
  EXPECT_TRUE(slots.wide());
  slots.set(1, 99999);
  EXPECT_EQ(slots.venue(0), -1);
  EXPECT_EQ(slots.venue(1), 99999);
  slots.assign(2, 5);  // assigned again for few venues: two bytes, none with a venue
  EXPECT_FALSE(slots.wide());
  EXPECT_EQ(slots.venue(1), -1);
}

}  // namespace
}  // namespace salonsim::models
