#include "sim/rows_where.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace salonsim {
namespace {

std::vector<std::uint16_t> rows_of(const std::vector<float>& values) {
  std::vector<std::uint16_t> rows(values.size() + kRowsWhereSlack, 0xFFFF);
  rows.resize(rows_where_positive(values.data(), values.size(), rows.data()));
  return rows;
}

TEST(RowsWherePositive, ListsThePositiveInOrderAcrossWholeFoursAndTheTail) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // Nine values: two whole fours and a tail of one. Zero, negatives, -0 and NaN do not pass.
  const std::vector<float> values = {0.0f, 1.0f, -1.0f, 2.0f, nan, 3.0f, -0.0f, 0.0f, 5.0f};
  EXPECT_EQ(rows_of(values), (std::vector<std::uint16_t>{1, 3, 5, 8}));
  EXPECT_EQ(rows_of({}), std::vector<std::uint16_t>{});
  EXPECT_EQ(rows_of({0.0f, 0.0f, 0.0f, 0.0f, 0.0f}), std::vector<std::uint16_t>{});
  // The least positive float passes, and so does infinity.
  EXPECT_EQ(rows_of({1e-45f, 7.0f, 7.0f, 7.0f, 7.0f, 7.0f}),
            (std::vector<std::uint16_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(rows_of({0.0f, std::numeric_limits<float>::infinity(), 0.0f}),
            std::vector<std::uint16_t>{1});
}

TEST(RowsWherePositive, EveryPatternOfFourAtEveryLengthIsTheOneAtATimeAnswer) {
  // Each of the 16 patterns of four at each position of runs of every length up to 23, against
  // the plain loop.
  for (std::size_t length = 0; length <= 23; ++length) {
    for (unsigned pattern = 0; pattern < 16; ++pattern) {
      std::vector<float> values(length);
      for (std::size_t j = 0; j < length; ++j)
        values[j] = ((pattern >> ((j * 3 + length) % 4)) & 1u) ? 0.5f + j : -0.5f * j;
      std::vector<std::uint16_t> expected;
      for (std::size_t j = 0; j < length; ++j)
        if (values[j] > 0.0f) expected.push_back(static_cast<std::uint16_t>(j));
      EXPECT_EQ(rows_of(values), expected) << "length " << length << ", pattern " << pattern;
    }
  }
}

TEST(RowsWherePositive, OffsetsReachTheLastOfSixtyFiveThousandFiveHundredAndThirtySix) {
  // The largest run it takes: the offsets of its last four do not carry into each other.
  std::vector<float> values(65536, 0.0f);
  values[0] = values[65532] = values[65533] = values[65535] = 1.0f;
  EXPECT_EQ(rows_of(values), (std::vector<std::uint16_t>{0, 65532, 65533, 65535}));
}

TEST(RowsWhereNonzero, ListsTheNonzeroBytesInOrderAcrossWholeSixteensAndTheTail) {
  // Thirty-five bytes: two whole sixteens and a tail of three.
  std::vector<std::uint8_t> values(35, 0);
  for (const std::size_t j : {0, 5, 15, 16, 17, 31, 33, 34}) values[j] = j == 5 ? 255 : 1;
  std::vector<std::uint16_t> rows(values.size() + kRowsWhereSlack, 0xFFFF);
  rows.resize(rows_where_nonzero(values.data(), values.size(), rows.data()));
  EXPECT_EQ(rows, (std::vector<std::uint16_t>{0, 5, 15, 16, 17, 31, 33, 34}));
  for (std::size_t length = 0; length <= 40; ++length) {
    std::vector<std::uint8_t> some(length);
    std::vector<std::uint16_t> expected;
    for (std::size_t j = 0; j < length; ++j) {
      some[j] = static_cast<std::uint8_t>((j * 7 + length) % 3 == 0 ? 0 : j);
      if (some[j] != 0) expected.push_back(static_cast<std::uint16_t>(j));
    }
    std::vector<std::uint16_t> found(length + kRowsWhereSlack);
    found.resize(rows_where_nonzero(some.data(), length, found.data()));
    EXPECT_EQ(found, expected) << "length " << length;
  }
}

TEST(RowsWhereEqual, ListsTheStepsEqualToOneInOrderAcrossWholeSixteensAndTheTail) {
  // Nineteen steps: a whole sixteen and a tail of three; the ends of the range among them.
  const std::vector<std::int16_t> steps = {7, -1, 7, 32767, 7, 0, -32768, 6, 8, 7,
                                           7, 1,  2, 3,     4, 7, 7,      5, 7};
  std::vector<std::uint16_t> rows(steps.size() + kRowsWhereSlack, 0xFFFF);
  rows.resize(rows_where_equal(steps.data(), 7, steps.size(), rows.data()));
  EXPECT_EQ(rows, (std::vector<std::uint16_t>{0, 2, 4, 9, 10, 15, 16, 18}));
  for (const std::int16_t value : {std::int16_t{-32768}, std::int16_t{32767}, std::int16_t{-1}}) {
    std::vector<std::uint16_t> at(steps.size() + kRowsWhereSlack);
    at.resize(rows_where_equal(steps.data(), value, steps.size(), at.data()));
    std::vector<std::uint16_t> expected;
    for (std::size_t j = 0; j < steps.size(); ++j)
      if (steps[j] == value) expected.push_back(static_cast<std::uint16_t>(j));
    EXPECT_EQ(at, expected) << value;
  }
  for (std::size_t length = 0; length <= 40; ++length) {
    for (unsigned pattern = 0; pattern < 16; ++pattern) {
      std::vector<std::int16_t> some(length);
      std::vector<std::uint16_t> expected;
      for (std::size_t j = 0; j < length; ++j) {
        const bool equal = ((pattern >> ((j * 3 + length) % 4)) & 1u) != 0;
        // Values that differ only in their high byte, as a pack of bytes would confuse.
        some[j] = static_cast<std::int16_t>(equal ? 300 : (j % 2 ? 300 + 256 : 44));
        if (equal) expected.push_back(static_cast<std::uint16_t>(j));
      }
      std::vector<std::uint16_t> found(length + kRowsWhereSlack);
      found.resize(rows_where_equal(some.data(), 300, length, found.data()));
      EXPECT_EQ(found, expected) << "length " << length << ", pattern " << pattern;
    }
  }
}

TEST(AppendRowsOfMask, AppendsTheSetBitsOffsetsAfterWhatIsThere) {
  std::vector<std::uint16_t> rows(40 + kRowsWhereSlack, 0xFFFF);
  rows[0] = 7;  // already found
  std::size_t found = append_rows_of_mask(0b1000'0000'0010'0001u, 16, rows.data(), 1);
  EXPECT_EQ(found, 4u);
  found = append_rows_of_mask(0, 32, rows.data(), found);
  EXPECT_EQ(found, 4u);
  found = append_rows_of_mask(0xFFFFu, 48, rows.data(), found);
  ASSERT_EQ(found, 20u);
  rows.resize(found);
  std::vector<std::uint16_t> expected = {7, 16, 21, 31};
  for (std::uint16_t k = 48; k < 64; ++k) expected.push_back(k);
  EXPECT_EQ(rows, expected);
}

}  // namespace
}  // namespace salonsim
