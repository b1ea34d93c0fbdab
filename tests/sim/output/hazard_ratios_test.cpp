// What an analysis asks a run to keep: registered columns and survey waves (steps from years).
#include "sim/output/hazard_ratios.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "sim/simulation.hpp"

namespace salonsim {
namespace {

ArmAnalysis analysis(std::vector<double> survey_years, std::vector<std::string> columns = {}) {
  return {"test", std::move(columns), std::move(survey_years), {}};
}

TEST(AnalysisSurveys, StepsOfEveryAnalysisSortedAndOnce) {
  const Clock weekly{7, 400};
  EXPECT_EQ(survey_steps_for({analysis({1, 0}), analysis({3, 1})}, weekly),
            (std::vector<std::int64_t>{0, 52, 157}));
  EXPECT_TRUE(survey_steps_for({analysis({})}, weekly).empty());
}

TEST(AnalysisSurveys, TakenUnwrittenAndKeptInTheRecord) {
  Population p;
  p.resize(2);
  p.alive = {1, 1};
  p.add_column<float>({"kept", "", "a kept column"}, 0.5f);
  auto sim =
      std::make_unique<Simulation>(RunIdentity{1, 0}, Clock{7, 3}, std::move(p), Network(2, {}, 0));
  sim->add_survey_steps({3});  // the scenario's own wave
  const std::vector<ArmAnalysis> analyses{analysis({0, 7 / 365.25}, {"kept"})};
  add_analysis_surveys(*sim, analyses);
  sim->run();
  ASSERT_EQ(sim->survey_waves().size(), 3u);
  EXPECT_FALSE(sim->survey_waves()[0].output);
  EXPECT_FALSE(sim->survey_waves()[1].output);
  EXPECT_TRUE(sim->survey_waves()[2].output);
  const RunRecord record = record_for(*sim, analyses);
  ASSERT_EQ(record.waves.size(), 2u) << "only the analyses' waves";
  EXPECT_NE(record.wave_at(0), nullptr);
  EXPECT_NE(record.wave_at(1), nullptr);
  EXPECT_EQ(record.wave_at(3), nullptr);
  EXPECT_EQ(record.column("kept"), (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(record.wave_at(1)->column<std::uint8_t>("alive"), (std::vector<std::uint8_t>{1, 1}));
}

}  // namespace
}  // namespace salonsim
