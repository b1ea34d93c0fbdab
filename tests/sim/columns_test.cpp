#include "sim/columns.hpp"

#include <gtest/gtest.h>

#include "sim/output/tables.hpp"
#include "sim/population.hpp"

namespace salonsim {
namespace {

TEST(ColumnRegistry, RegistersTypedColumnsFilledWithTheirInitialValue) {
  ColumnRegistry columns;
  const Column<std::int32_t> step = columns.add<std::int32_t>({"last_step", "step", "d"}, 3, -1);
  const Column<float> ratio = columns.add<float>({"ratio", "", "r", false}, 3, 1.0f);
  EXPECT_EQ(columns[step], (std::vector<std::int32_t>{-1, -1, -1}));
  EXPECT_EQ(columns[ratio], (std::vector<float>{1, 1, 1}));
  // New rows get the initial value too.
  columns[step][0] = 7;
  columns.resize(5);
  EXPECT_EQ(columns[step], (std::vector<std::int32_t>{7, -1, -1, -1, -1}));
  EXPECT_EQ(columns[ratio].size(), 5u);
  EXPECT_EQ(columns.bytes(), columns[step].capacity() * 4 + columns[ratio].capacity() * 4);
}

TEST(ColumnRegistry, ASecondRegistrationOfANameSharesTheColumn) {
  ColumnRegistry columns;
  const auto a = columns.add<std::uint16_t>({"visits", "", "times served"}, 2);
  const auto b = columns.add<std::uint16_t>({"visits", "", "times served"}, 2);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(columns.entries().size(), 1u);
  // The same name with another type is a programming error.
  EXPECT_THROW(columns.add<float>({"visits", "", ""}, 2), std::logic_error);
  EXPECT_EQ(columns.find<std::uint16_t>("visits").index, a.index);
  EXPECT_FALSE(columns.find<float>("visits").valid());
  EXPECT_FALSE(columns.find<std::uint16_t>("other").valid());
}

TEST(ColumnRegistry, StorageDoesNotMoveWhenAnotherColumnIsRegistered) {
  // Mechanisms keep pointers taken at set-up (timeseries predicates, effect sources).
  ColumnRegistry columns;
  const auto first = columns.add<double>({"first", "", ""}, 10);
  const double* data = columns[first].data();
  for (int k = 0; k < 100; ++k) {
    ColumnSpec spec;
    spec.name = std::to_string(k);
    columns.add<double>(spec, 10);
  }
  EXPECT_EQ(columns[first].data(), data);
}

TEST(Population, RegisteredColumnsAreSizedResizedAndWrittenToAgents) {
  Population p;
  p.resize(4);
  const auto sessions = p.add_column<std::uint16_t>({"sessions", "", "sessions attended"});
  const auto hidden = p.add_column<float>({"scratch", "", "not written", false}, 2.0f);
  EXPECT_EQ(p[sessions].size(), 4u);
  p[sessions][2] = 9;
  p.resize(6);
  EXPECT_EQ(p[hidden], (std::vector<float>(6, 2.0f)));
  EXPECT_EQ(p.column<std::uint16_t>("sessions")[2], 9);
  EXPECT_THROW(p.column<std::uint16_t>("scratch"), std::out_of_range);
  const OutputTable agents = agent_table(p);
  int found = 0;
  for (const OutputColumn& c : agents.columns) {
    found += c.name == "sessions";
    EXPECT_NE(c.name, "scratch");
    if (c.name == "x_m") {
      EXPECT_EQ(c.unit, "m");
    }
  }
  EXPECT_EQ(found, 1);
  EXPECT_EQ(agents.columns.back().name, "sessions");
}

}  // namespace
}  // namespace salonsim
