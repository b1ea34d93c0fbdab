#include "sim/population.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace salonsim {
namespace {

// Four residents; 0 and 2 are a couple whose household is known by row 0.
Population four_residents() {
  Population p;
  p.resize(4);
  p.x_m = {0, 10, 20, 30};
  p.age0 = {70, 71, 72, 73};
  p.spouse = {2, -1, 0, -1};
  p.death_step = {kNever, 5, kNever, 7};
  return p;
}

TEST(StoredStep, KeepsEveryStepOfTheLongestRunAndStepsBeyondItAsKMaxSteps) {
  EXPECT_EQ(kMaxSteps, 32767);
  EXPECT_EQ(stored_step(kNever), -1);
  EXPECT_EQ(stored_step(0), 0);
  EXPECT_EQ(stored_step(kMaxSteps - 1), 32766);  // the last step of the longest run
  EXPECT_EQ(stored_step(kMaxSteps), 32767);
  // A next moment far ahead (2^30 steps) compares as it did: after every step of any run.
  EXPECT_EQ(stored_step(std::int64_t{1} << 30), 32767);
  EXPECT_GT(stored_step(std::int64_t{1} << 30), kMaxSteps - 1);
}

TEST(PopulationReorderRows, RowsMoveAndIdsFollowTheirResidents) {
  Population p = four_residents();
  // Row 0 takes the resident of row 2, row 1 that of row 3, row 2 that of row 0, row 3 that of
  // row 1.
  const std::vector<ResidentId> order{2, 3, 0, 1};
  p.reorder_rows(order);
  EXPECT_EQ(p.x_m, (std::vector<float>{20, 30, 0, 10}));
  EXPECT_EQ(p.age0, (std::vector<float>{72, 73, 70, 71}));
  EXPECT_EQ(p.death_step, (std::vector<StoredStep>{kNever, 7, kNever, 5}));
  // The couple is now rows 2 and 0: each row's spouse is the other's new row.
  EXPECT_EQ(p.spouse, (std::vector<std::int32_t>{2, -1, 0, -1}));
}

TEST(PopulationReorderRows, AColumnOfOneValueStaysAndZeroAndMinusZeroAreTwoValues) {
  // Columns of one value are not gathered (nothing would change); a column whose values are
  // equal but whose bits differ (0 and -0) is.
  Population p = four_residents();
  p.decline = {0.0f, 0.0f, -0.0f, 0.0f};
  p.reserve = {0.5f, 0.5f, 0.5f, 0.5f};
  const std::vector<ResidentId> order{2, 3, 0, 1};
  p.reorder_rows(order);
  EXPECT_TRUE(std::signbit(p.decline[0]));
  EXPECT_FALSE(std::signbit(p.decline[2]));
  EXPECT_EQ(p.reserve, (std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f}));
  EXPECT_EQ(p.alive, (std::vector<std::uint8_t>{0, 0, 0, 0}));
  EXPECT_EQ(p.x_m, (std::vector<float>{20, 30, 0, 10}));
}

TEST(PopulationResize, EveryColumnHasItsDefault) {
  Population p;
  p.resize(3);
  EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(p.spouse, (std::vector<std::int32_t>{-1, -1, -1}));
  EXPECT_EQ(p.disability_step, (std::vector<StoredStep>{kNever, kNever, kNever}));
  EXPECT_EQ(p.death_step, (std::vector<StoredStep>{kNever, kNever, kNever}));
  EXPECT_EQ(p.x_m, (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(p.alive, (std::vector<std::uint8_t>{0, 0, 0}));
}

TEST(PopulationEnteredBy, TheRowsWhoseEntryStepHasCome) {
  Population p;
  p.resize(5);
  p.entry_step = {0, 0, 3, 3, 7};  // in order of entry, as rows are
  EXPECT_EQ(p.entered_by(-1), 0u);
  EXPECT_EQ(p.entered_by(0), 2u);
  EXPECT_EQ(p.entered_by(2), 2u);
  EXPECT_EQ(p.entered_by(3), 4u);
  EXPECT_EQ(p.entered_by(6), 4u);
  EXPECT_EQ(p.entered_by(7), 5u);
  EXPECT_EQ(p.entered_by(1000), 5u);
  EXPECT_EQ(Population{}.entered_by(0), 0u);
}

TEST(PopulationHouseholdOf, TheSmallerRowOfACoupleOrTheResidentsOwn) {
  Population p = four_residents();
  EXPECT_EQ(p.household_of(0), 0u);
  EXPECT_EQ(p.household_of(2), 0u);  // married to row 0
  EXPECT_EQ(p.household_of(1), 1u);
  EXPECT_EQ(p.household_of(3), 3u);
}

TEST(PopulationReorderRows, OnlyAPermutationOfEveryRowBeforeAnyColumnIsRegistered) {
  Population p = four_residents();
  const std::vector<ResidentId> repeated{0, 1, 1, 3}, short_order{0, 1, 2}, beyond{0, 1, 2, 4};
  EXPECT_THROW(p.reorder_rows(repeated), std::invalid_argument);
  EXPECT_THROW(p.reorder_rows(short_order), std::invalid_argument);
  EXPECT_THROW(p.reorder_rows(beyond), std::invalid_argument);
  EXPECT_EQ(p.x_m, (std::vector<float>{0, 10, 20, 30}));  // untouched
  p.add_column<std::int32_t>({"someone", "", "a resident id a mechanism keeps"}, -1);
  const std::vector<ResidentId> order{1, 0, 2, 3};
  EXPECT_THROW(p.reorder_rows(order), std::logic_error);
}

}  // namespace
}  // namespace salonsim
