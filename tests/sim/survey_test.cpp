#include "sim/survey.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/simulation.hpp"
#include "tests/support/survey_residents.hpp"

namespace salonsim {
namespace {

// A tiny town by hand (tests/support/survey_residents.hpp); a test module that counts visits in
// a surveyed column, contacts, and kills resident 0 in step 1.
Population four_residents() {
  return testing::four_survey_residents();
}

class Visits final : public Module {
 public:
  std::string_view name() const override { return "visits"; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override {
    Population& p = sim.population();
    visits_ = p.add_column<std::uint16_t>(
        {.name = "visits", .unit = "", .description = "visits so far", .surveyed = true});
    last_ = p.add_column<std::int32_t>({.name = "last_visit_step",
                                        .unit = "step",
                                        .description = "step of the last visit",
                                        .output = false,
                                        .surveyed = true},
                                       -1);
    p.add_column<float>({"scratch", "", "not surveyed"}, 1.0f);
  }
  void step(Simulation& sim, std::int64_t step) override {
    Population& p = sim.population();
    // Demography by hand: resident 3 enters at step 2.
    if (step == 2) p.alive[3] = 1;
    // Resident 1 visits every step; resident 3 from its entry.
    for (const ResidentId i : {1u, 3u}) {
      if (!p.alive[i]) continue;
      ++p[visits_][i];
      p[last_][i] = static_cast<std::int32_t>(step);
    }
    p.weekly_contacts[1] += 1.0f;  // 0.5 -> 1.5 after step 0: no longer isolated
    p.isolated[1] = p.weekly_contacts[1] < 1.0f;
    if (step == 1) p.death_requested[0] = 1;
  }

 private:
  Column<std::uint16_t> visits_;
  Column<std::int32_t> last_;
};

std::unique_ptr<Simulation> tiny(std::int64_t steps, std::int32_t days_per_step = 7) {
  auto sim = std::make_unique<Simulation>(RunIdentity{1, 0}, Clock{days_per_step, steps},
                                          four_residents(), Network(4, {}, 0));
  sim->add_module(std::make_unique<Visits>());
  return sim;
}

TEST(SurveyWave, NoneWithoutSurveySteps) {
  auto sim = tiny(3);
  sim->run();
  EXPECT_TRUE(sim->survey_waves().empty());
}

TEST(SurveyWave, StepZeroIsTheStateAfterInitBeforeTheFirstStep) {
  auto sim = tiny(3);
  sim->add_survey_steps({0});
  sim->init();
  ASSERT_EQ(sim->survey_waves().size(), 1u);
  const SurveyWave& w = sim->survey_waves()[0];
  EXPECT_EQ(w.step, 0);
  EXPECT_EQ(w.years, 0.0);
  EXPECT_TRUE(w.output);
  EXPECT_EQ(w.column<std::uint32_t>("id"), (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(w.column<std::uint8_t>("alive"), (std::vector<std::uint8_t>{1, 1, 1, 0}));
  const std::vector<float>& age = w.column<float>("age");
  EXPECT_EQ(age[0], 70.0f);
  EXPECT_EQ(age[2], 90.0f);
  EXPECT_FLOAT_EQ(age[3], 65.0f - 14 / 365.25f) << "not entered yet: two steps before its entry";
  EXPECT_EQ(w.column<std::uint8_t>("certified"), (std::vector<std::uint8_t>{0, 0, 1, 0}));
  EXPECT_EQ(w.column<std::uint8_t>("isolated"), (std::vector<std::uint8_t>{0, 1, 0, 1}));
  EXPECT_EQ(w.column<float>("weekly_contacts"), (std::vector<float>{3.0f, 0.5f, 2.0f, 0.0f}));
  EXPECT_EQ(w.column<std::uint16_t>("visits"), (std::vector<std::uint16_t>{0, 0, 0, 0}));
  EXPECT_EQ(w.column<std::int32_t>("last_visit_step"), (std::vector<std::int32_t>{-1, -1, -1, -1}));
}

TEST(SurveyWave, HoldsTheCoreColumnsThenTheSurveyedOnesInOrder) {
  auto sim = tiny(1);
  sim->add_survey_steps({1});
  sim->run();
  ASSERT_EQ(sim->survey_waves().size(), 1u);
  std::vector<std::string> names;
  for (const SurveyColumn& c : sim->survey_waves()[0].columns) names.push_back(c.spec.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "alive", "age", "certified", "isolated",
                                             "weekly_contacts", "visits", "last_visit_step"}))
      << "an unsurveyed column (scratch) is left out; an unwritten surveyed one is kept";
  EXPECT_EQ(sim->survey_waves()[0].find("scratch"), nullptr);
  EXPECT_THROW(sim->survey_waves()[0].column<float>("visits"), std::out_of_range) << "wrong type";
  EXPECT_EQ(sim->survey_waves()[0].columns[2].spec.unit, "years");
}

// A computed column keeps no values: a wave works it out from the columns it reads, in its place
// among the surveyed columns.
TEST(SurveyWave, AComputedColumnIsWorkedOutWhenTheWaveIsTaken) {
  Population p = four_residents();
  const Column<std::uint16_t> visits = p.add_column<std::uint16_t>(
      {.name = "visits", .unit = "", .description = "visits so far", .surveyed = true});
  p.columns.add_computed<float>({"visits_halved", "", "half the visits"},
                                [visits](const ColumnRegistry& columns, std::vector<float>& out) {
                                  for (std::size_t i = 0; i < out.size(); ++i)
                                    out[i] = 0.5f * columns[visits][i];
                                });
  p.add_column<std::uint8_t>({.name = "later", .unit = "", .description = "", .surveyed = true});
  p[visits] = {4, 3, 0, 1};
  p.resize(5);  // a computed column is not resized: it holds nothing
  EXPECT_TRUE(p.column<float>("visits_halved").empty());
  EXPECT_THROW(p.columns.add_computed<float>({"visits", "", ""}, {}), std::logic_error);
  const SurveyWave wave = take_survey(p, 0, 7 / 365.25);
  std::vector<std::string> names;
  for (const SurveyColumn& c : wave.columns) names.push_back(c.spec.name);
  EXPECT_EQ(std::vector<std::string>(names.begin() + 6, names.end()),
            (std::vector<std::string>{"visits", "visits_halved", "later"}));
  EXPECT_EQ(wave.column<float>("visits_halved"),
            (std::vector<float>{2.0f, 1.5f, 0.0f, 0.5f, 0.0f}));
  EXPECT_FALSE(wave.find("visits_halved")->spec.output) << "never written to /agents";
}

// Step s means "when s steps are done": after the record of step s - 1.
TEST(SurveyWave, TakenWhenItsStepsAreDoneWithHandWorkedValues) {
  auto sim = tiny(4);
  sim->add_survey_steps({2, 4});
  sim->run();
  ASSERT_EQ(sim->survey_waves().size(), 2u);
  const double years_per_step = 7 / 365.25;
  const SurveyWave& two = sim->survey_waves()[0];
  EXPECT_EQ(two.step, 2);
  EXPECT_DOUBLE_EQ(two.years, 2 * years_per_step);
  // Resident 0 died in step 1; resident 3 has not entered (it enters in step 2).
  EXPECT_EQ(two.column<std::uint8_t>("alive"), (std::vector<std::uint8_t>{0, 1, 1, 0}));
  EXPECT_EQ(two.column<std::uint16_t>("visits"), (std::vector<std::uint16_t>{0, 2, 0, 0}));
  EXPECT_EQ(two.column<std::int32_t>("last_visit_step"),
            (std::vector<std::int32_t>{-1, 1, -1, -1}));
  EXPECT_EQ(two.column<float>("weekly_contacts")[1], 2.5f);
  EXPECT_EQ(two.column<std::uint8_t>("isolated")[1], 0);
  EXPECT_FLOAT_EQ(two.column<float>("age")[1], 80.0f + static_cast<float>(2 * years_per_step));
  const SurveyWave& four = sim->survey_waves()[1];
  EXPECT_EQ(four.step, 4);
  EXPECT_EQ(four.column<std::uint8_t>("alive"), (std::vector<std::uint8_t>{0, 1, 1, 1}));
  EXPECT_EQ(four.column<std::uint16_t>("visits"), (std::vector<std::uint16_t>{0, 4, 0, 2}));
  EXPECT_EQ(four.column<std::int32_t>("last_visit_step"),
            (std::vector<std::int32_t>{-1, 3, -1, 3}));
  EXPECT_EQ(four.column<float>("weekly_contacts")[1], 4.5f);
  EXPECT_FLOAT_EQ(four.column<float>("age")[3], 65.0f + static_cast<float>(2 * years_per_step));
  // A wave is a copy: the earlier one is unchanged by later steps.
  EXPECT_EQ(two.column<std::uint16_t>("visits")[1], 2);
  EXPECT_EQ(two.rows(), 4u);
  EXPECT_GT(sim->bytes(), two.bytes() + four.bytes());
}

TEST(SurveyWave, StepsAreMergedSortedAndWrittenIfAnyoneAsksToWriteThem) {
  auto sim = tiny(5);
  sim->add_survey_steps({3, 1}, /*output=*/false);
  sim->add_survey_steps({3, 0});
  sim->add_survey_steps({9});  // past the run: never reached
  sim->run();
  ASSERT_EQ(sim->survey_waves().size(), 3u);
  EXPECT_EQ(sim->survey_waves()[0].step, 0);
  EXPECT_TRUE(sim->survey_waves()[0].output);
  EXPECT_EQ(sim->survey_waves()[1].step, 1);
  EXPECT_FALSE(sim->survey_waves()[1].output) << "asked for by an analysis only";
  EXPECT_EQ(sim->survey_waves()[2].step, 3);
  EXPECT_TRUE(sim->survey_waves()[2].output);
}

// A sink takes each wave meant for the output as it is taken; the run holds only the waves an
// analysis asked for, marked not for output (the sink wrote the one asked for both ways).
class StepsSeen final : public SurveySink {
 public:
  void record(const Population& p, std::int64_t step, double) override {
    steps.push_back(step);
    alive.push_back(p.alive);
  }
  std::vector<std::int64_t> steps;
  std::vector<std::vector<std::uint8_t>> alive;
};

TEST(SurveyWave, ASinkTakesTheOutputWavesAndTheRunHoldsOnlyThoseForAnalyses) {
  auto sim = tiny(5);
  sim->add_survey_steps({3, 1}, /*output=*/false);
  sim->add_survey_steps({3, 0});
  const auto sink = std::make_shared<StepsSeen>();
  sim->set_survey_sink(sink);
  sim->run();
  EXPECT_EQ(sink->steps, (std::vector<std::int64_t>{0, 3}));
  EXPECT_EQ(sink->alive.front(), (std::vector<std::uint8_t>{1, 1, 1, 0}));
  EXPECT_EQ(sink->alive.back(), (std::vector<std::uint8_t>{0, 1, 1, 1}));
  ASSERT_EQ(sim->survey_waves().size(), 2u);
  EXPECT_EQ(sim->survey_waves()[0].step, 1);
  EXPECT_EQ(sim->survey_waves()[1].step, 3);
  EXPECT_FALSE(sim->survey_waves()[0].output);
  EXPECT_FALSE(sim->survey_waves()[1].output) << "written by the sink, not again";
  EXPECT_EQ(sim->survey_waves()[1].column<std::uint8_t>("alive"), sink->alive.back());
  EXPECT_THROW(sim->set_survey_sink(sink), std::logic_error) << "after the run started";
}

// A wave held only for analyses holds the columns they read (the union of those asked); one to
// be written at the end holds every column, and so does one an analysis asked for whole.
TEST(SurveyWave, AWaveHeldForAnalysesHoldsOnlyTheColumnsTheyRead) {
  const auto names = [](const SurveyWave& wave) {
    std::vector<std::string> found;
    for (const SurveyColumn& c : wave.columns) found.push_back(c.spec.name);
    return found;
  };
  auto sim = tiny(4);
  sim->add_survey_steps({1, 2}, /*output=*/false, {"visits"});
  sim->add_survey_steps({1}, /*output=*/false, {"alive"});
  sim->add_survey_steps({2});
  sim->add_survey_steps({3}, /*output=*/false);
  sim->run();
  ASSERT_EQ(sim->survey_waves().size(), 3u);
  EXPECT_EQ(names(sim->survey_waves()[0]), (std::vector<std::string>{"alive", "visits"}));
  EXPECT_EQ(sim->survey_waves()[0].column<std::uint16_t>("visits"),
            (std::vector<std::uint16_t>{0, 1, 0, 0}));
  EXPECT_EQ(names(sim->survey_waves()[1]).size(), 8u) << "written at the end: every column";
  EXPECT_EQ(names(sim->survey_waves()[2]).size(), 8u) << "an analysis that reads every column";

  // With a sink, the written wave is the sink's, and the one held for the analysis is cut down.
  auto sunk = tiny(4);
  sunk->add_survey_steps({2}, /*output=*/false, {"age"});
  sunk->add_survey_steps({2});
  sunk->set_survey_sink(std::make_shared<StepsSeen>());
  sunk->run();
  ASSERT_EQ(sunk->survey_waves().size(), 1u);
  EXPECT_EQ(names(sunk->survey_waves()[0]), (std::vector<std::string>{"age"}));
}

// A computed column no analysis reads is not worked out.
TEST(SurveyWave, AColumnNotAskedForIsNotWorkedOut) {
  Population p = four_residents();
  int computed = 0;
  p.columns.add_computed<float>(
      {"costly", "", "worked out when surveyed"},
      [&computed](const ColumnRegistry&, std::vector<float>&) { ++computed; });
  const std::vector<std::string> only{"alive"};
  EXPECT_EQ(take_survey(p, 0, 7 / 365.25, only).columns.size(), 1u);
  EXPECT_EQ(computed, 0);
  EXPECT_EQ(take_survey(p, 0, 7 / 365.25).columns.size(), 7u);
  EXPECT_EQ(computed, 1);
}

TEST(SurveyWave, StepsMustBeSetBeforeTheRunAndNotNegative) {
  auto sim = tiny(2);
  EXPECT_THROW(sim->add_survey_steps({-1}), std::invalid_argument);
  sim->init();
  EXPECT_THROW(sim->add_survey_steps({1}), std::logic_error);
}

TEST(Clock, StepAtRoundsYearsToTheNearestStep) {
  const Clock weekly{7, 261};
  EXPECT_EQ(weekly.step_at(0), 0);
  EXPECT_EQ(weekly.step_at(1), 52);           // 52.18 weeks
  EXPECT_EQ(weekly.step_at(3), 157);          // 156.54
  EXPECT_EQ(weekly.step_at(5), 261);          // 260.89
  EXPECT_EQ((Clock{1, 10}).step_at(1), 365);  // 365.25 days
}

}  // namespace
}  // namespace salonsim
