#include "sim/outcomes.hpp"

#include <gtest/gtest.h>

#include "../support/small_town.hpp"
#include "sim/output/summary.hpp"

namespace salonsim {
namespace {

TEST(Outcome, IsARatioOfTalliesOrATally) {
  GroupSummary g;
  g.at("certifications") = 6;
  g.at("disability_free_years") = 300;
  const Outcome rate{.name = "rate",
                     .description = "",
                     .numerator = "certifications",
                     .denominator = "disability_free_years",
                     .scale = 1000};
  EXPECT_DOUBLE_EQ(rate.value(g), 20.0);
  const Outcome count{.name = "n", .description = "", .numerator = "certifications"};
  EXPECT_EQ(count.value(g), 6.0);
  // A tally the run did not count is 0, and a share of nothing is 0.
  const Outcome missing{
      .name = "m", .description = "", .numerator = "participants", .denominator = "residents"};
  EXPECT_EQ(missing.value(g), 0.0);
  EXPECT_EQ(g["participants"], 0.0);
}

TEST(GroupSummary, SumsTallyByTally) {
  GroupSummary a, b;
  a.at("deaths") = 2;
  b.at("deaths") = 3;
  b.at("participants") = 4;
  a += b;
  EXPECT_EQ(a["deaths"], 5);
  EXPECT_EQ(a["participants"], 4);
}

TEST(Summary, CountsTheCoreAndRegisteredTalliesByGroup) {
  // Four residents, one per income-by-sex group, over 52 weekly steps; resident 1 dies at step
  // 9, resident 2 is certified at step 25; resident 3 enters at step 60, after the run.
  Population p = testing::residents_at({{0, 0}, {1, 0}, {2, 0}, {3, 0}});
  p.sex = {0, 1, 0, 1};
  p.income_low = {0, 0, 1, 1};
  p.entry_step = {0, 0, 0, 60};
  p.alive = {1, 0, 1, 0};
  p.death_step = {kNever, 9, kNever, kNever};
  p.disability_step = {kNever, kNever, 25, kNever};
  const auto visits = p.add_column<std::uint16_t>({"visits", "", ""});
  p[visits] = {3, 0, 1, 5};
  auto sim = testing::small_simulation(std::move(p), 52);
  const std::uint16_t* v = sim->population()[visits].data();
  sim->tallies().add(
      {"visitors", "residents who visited", [v](ResidentId i) { return v[i] > 0 ? 1.0 : 0.0; }});
  while (sim->current_step() < 52) sim->step();
  const RunSummary s = summarize(*sim);
  const double dt = 7 / 365.25;
  EXPECT_EQ(s.groups[0]["residents"], 1);
  EXPECT_EQ(s.groups[3]["residents"], 0);  // never entered
  EXPECT_EQ(s.groups[1]["deaths"], 1);
  EXPECT_DOUBLE_EQ(s.groups[1]["person_years"], 10 * dt);
  EXPECT_EQ(s.groups[2]["certifications"], 1);
  EXPECT_DOUBLE_EQ(s.groups[2]["disability_free_years"], 26 * dt);
  EXPECT_DOUBLE_EQ(s.groups[0]["disability_free_years"], 52 * dt);
  EXPECT_EQ(s.groups[0]["visitors"], 1);
  EXPECT_EQ(s.groups[1]["visitors"], 0);
  EXPECT_EQ(s.total()["visitors"], 2);  // resident 3 never entered
  EXPECT_EQ(s.total()["residents"], 3);
}

}  // namespace
}  // namespace salonsim
