// What an analysis asks a run to keep: registered columns and survey waves (steps from years);
// the hazard ratios from follow-up counts, which must equal the fit of the residents themselves.
#include "sim/output/hazard_ratios.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sim/simulation.hpp"

namespace salonsim {
namespace {

ArmAnalysis analysis(std::vector<double> survey_years, std::vector<std::string> columns = {}) {
  ArmAnalysis a;
  a.name = "test";
  a.columns = std::move(columns);
  a.survey_years = std::move(survey_years);
  return a;
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

// A wave in a run's record holds only the columns its analyses read; every column if one of them
// does not say which.
TEST(AnalysisSurveys, TheRecordKeepsTheWaveColumnsTheAnalysesRead) {
  const auto finished = [](const std::vector<ArmAnalysis>& analyses) {
    Population p;
    p.resize(2);
    p.alive = {1, 0};
    auto sim = std::make_unique<Simulation>(RunIdentity{1, 0}, Clock{7, 2}, std::move(p),
                                            Network(2, {}, 0));
    add_analysis_surveys(*sim, analyses);
    sim->run();
    return record_for(*sim, analyses);
  };
  ArmAnalysis reads_alive = analysis({0}), reads_age = analysis({7 / 365.25});
  reads_alive.survey_columns = {"alive"};
  reads_age.survey_columns = {"age"};
  RunRecord record = finished({reads_alive, reads_age});
  ASSERT_EQ(record.waves.size(), 2u);
  for (const SurveyWave& wave : record.waves) {
    ASSERT_EQ(wave.columns.size(), 2u) << "the union of the analyses' columns, in wave order";
    EXPECT_EQ(wave.columns[0].spec.name, "alive");
    EXPECT_EQ(wave.columns[1].spec.name, "age");
  }
  EXPECT_EQ(record.wave_at(0)->column<std::uint8_t>("alive"), (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(record.wave_at(1)->years, 7 / 365.25);
  EXPECT_FALSE(record.wave_at(1)->output);
  record = finished({reads_alive, analysis({1})});
  EXPECT_EQ(record.waves.front().columns.size(), std::size(kSurveyCoreColumns))
      << "an analysis that does not say which columns it reads keeps them all";
}

// Ten steps. 0: certified at step 3, dies at 5; 1: enters at 2, nothing happens; 2: certified at
// entry, dies at 9; 3: enters at 10, the end (not followed); 4: dies at 4, never certified.
RunRecord five_residents() {
  RunRecord r;
  r.steps = 10;
  r.steps_per_year = 52;
  r.entry_step = {0, 2, 0, 10, 0};
  r.disability_step = {3, -1, 0, -1, -1};
  r.death_step = {5, -1, 9, -1, 4};
  r.age0.assign(5, 70.0f);
  r.sex.assign(5, 0);
  r.income_low.assign(5, 0);
  r.isolated0.assign(5, 0);
  r.certified0 = {0, 0, 1, 0, 0};
  return r;
}

TEST(FollowUpCounts, CountsEachResidentByTheLengthOfFollowUpAndHowItEnded) {
  ArmFollowUp counts;
  counts.add(five_residents());
  // Certification: 0 after 4 steps (event), 1 after 8 (censored at the end), 4 after 5
  // (censored at death); 2 was certified at entry and 3 entered at the end.
  std::vector<std::int64_t> events(11, 0), censored(11, 0);
  events[4] = 1;
  censored[8] = 1;
  censored[5] = 1;
  EXPECT_EQ(counts.certification.events, events);
  EXPECT_EQ(counts.certification.censored, censored);
  // Death: 0 after 6 steps, 2 after 10 and 4 after 5 (events), 1 after 8 (censored).
  events.assign(11, 0);
  censored.assign(11, 0);
  events[6] = events[10] = events[5] = 1;
  censored[8] = 1;
  EXPECT_EQ(counts.death.events, events);
  EXPECT_EQ(counts.death.censored, censored);
  EXPECT_EQ(counts.death.steps_per_year, 52);
  // A second run adds to the same lengths.
  counts.add(five_residents());
  EXPECT_EQ(counts.death.events[10], 2);
}

TEST(FollowUpCounts, RunsOnAnotherClockAreNotPooled) {
  ArmFollowUp counts;
  counts.add(five_residents());
  RunRecord monthly = five_residents();
  monthly.steps_per_year = 12;
  EXPECT_THROW(counts.add(monthly), std::invalid_argument);
}

// Residents with a pattern of entries, events and deaths: one in `certified_every` is certified
// and one in `dies_every` dies; `shift` moves the pattern.
RunRecord many_residents(std::size_t n, std::int32_t shift, int certified_every, int dies_every) {
  RunRecord r;
  r.steps = 104;
  r.steps_per_year = 52;
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::int32_t>(i) + shift;
    r.entry_step.push_back(k % 9 == 0 ? k % 50 : 0);
    r.certified0.push_back(k % 13 == 0);
    const std::int32_t disability =
        k % certified_every == 0 ? r.entry_step.back() + (k * 7) % 90 : -1;
    const std::int32_t death = k % dies_every == 1 ? r.entry_step.back() + (k * 11) % 100 : -1;
    r.disability_step.push_back(disability < r.steps ? disability : -1);
    r.death_step.push_back(death < r.steps ? death : -1);
  }
  r.age0.assign(n, 70.0f);
  r.sex.assign(n, 0);
  r.income_low.assign(n, 0);
  r.isolated0.assign(n, 0);
  return r;
}

// The fit from counts against the fit of every resident as a subject (how comparisons fitted
// before they counted): the same partial likelihood, so the same estimates and standard errors
// to rounding.
TEST(ArmHazardRatios, FromCountsEqualTheFitOfTheResidentsThemselves) {
  const std::vector<RunRecord> arm{many_residents(700, 0, 4, 6), many_residents(650, 3, 4, 6)};
  const std::vector<RunRecord> reference{many_residents(700, 1, 3, 4),
                                         many_residents(650, 5, 3, 4)};
  const ArmHazardRatios from_counts = arm_hazard_ratios(arm, reference);
  for (const bool certification : {true, false}) {
    stats::CoxData data;
    data.names = {"arm"};
    data.covariates.assign(1, {});
    for (const bool is_arm : {true, false}) {
      for (const RunRecord& r : is_arm ? arm : reference) {
        for (std::size_t i = 0; i < r.entry_step.size(); ++i) {
          if (r.entry_step[i] >= r.steps || (certification && r.certified0[i])) continue;
          const std::int32_t event = certification ? r.disability_step[i] : r.death_step[i];
          std::int64_t end = r.death_step[i] >= 0 ? r.death_step[i] + 1 : r.steps;
          if (event >= 0) end = std::min<std::int64_t>(end, event + 1);
          data.time.push_back(static_cast<double>(end - r.entry_step[i]) / r.steps_per_year);
          data.event.push_back(event >= 0);
          data.covariates[0].push_back(is_arm ? 1.0 : 0.0);
        }
      }
    }
    const stats::CoxFit residents = stats::fit_cox(data);
    const stats::CoxFit& counts = certification ? from_counts.certification : from_counts.death;
    EXPECT_GT(std::abs(residents.coefficients[0]), 0.1) << "a contrast to compare";
    EXPECT_NEAR(counts.coefficients[0], residents.coefficients[0], 1e-12);
    EXPECT_NEAR(counts.standard_errors[0], residents.standard_errors[0], 1e-12);
    EXPECT_NEAR(counts.log_likelihood, residents.log_likelihood, 1e-9);
  }
}

}  // namespace
}  // namespace salonsim
