// The emulated salon study reads its residents from survey waves: the baseline (step 0) and the
// survey at the end of year 1. Hand-built records whose cohort is known resident by resident.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/groups/activity.hpp"
#include "models/groups/groups.hpp"
#include "models/salons/study.hpp"
#include "sim/output/hazard_ratios.hpp"
#include "sim/survey.hpp"

namespace salonsim::models {
namespace {

constexpr std::int32_t kYear = 52;

// Takes part in year 1 (among the cohort): more often with salons near (i % 3, the instrument).
bool takes_part(std::size_t i) {
  return (i % 3 == 2 && i % 4 != 0) || i % 7 == 3;
}
// Certified in the five years of follow-up (among the cohort).
bool certified_later(std::size_t i) {
  return i % 4 == 0 || i % 9 == 4;
}

SurveyWave wave(std::int64_t step, std::vector<std::uint8_t> alive,
                std::vector<std::uint8_t> certified, std::vector<float> age,
                std::vector<std::uint8_t> isolated, std::vector<std::uint16_t> sessions) {
  SurveyWave w;
  w.step = step;
  w.columns = {{{"alive", "", ""}, std::move(alive)},
               {{"age", "years", ""}, std::move(age)},
               {{"certified", "", ""}, std::move(certified)},
               {{"isolated", "", ""}, std::move(isolated)},
               {{std::string(kSalonSessionsColumn), "", ""}, std::move(sessions)}};
  return w;
}

// 60 residents, by i % 10: 0 enters in year 1 (not at baseline), 1 is certified in year 1, 2 dies
// in year 1; the rest (42) are the cohort. Participants (sessions in year 1): takes_part among
// them. Certified in follow-up: certified_later; some others die in year 2.
RunRecord record() {
  const std::size_t n = 60;
  RunRecord r;
  r.steps = 6 * kYear;
  r.steps_per_year = kYear;
  r.entry_step.assign(n, 0);
  r.disability_step.assign(n, -1);
  r.death_step.assign(n, -1);
  r.age0.assign(n, 70.0f);
  r.sex.assign(n, 0);
  r.income_low.assign(n, 0);
  r.isolated0.assign(n, 0);
  r.certified0.assign(n, 0);
  std::vector<double> first(n, -1), within(n, 0);
  std::vector<std::uint8_t> alive0(n, 1), alive1(n, 1), certified0(n, 0), certified1(n, 0);
  std::vector<std::uint8_t> isolated0(n, 0), isolated1(n, 0);
  std::vector<float> age0(n), age1(n);
  std::vector<std::uint16_t> none(n, 0), sessions(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    r.sex[i] = i % 2;
    r.income_low[i] = i % 5 == 0;
    age0[i] = 65.0f + static_cast<float>(i % 17);
    age1[i] = age0[i] + 1.0f;
    isolated0[i] = i % 7 == 0;
    isolated1[i] = i % 2 == 0;  // not what the study adjusts for: it reads the baseline
    within[i] = static_cast<double>(i % 3);
    if (i % 10 == 0) {
      r.entry_step[i] = 10;
      alive0[i] = 0;
    } else if (i % 10 == 1) {
      r.disability_step[i] = 10;
      certified1[i] = 1;
    } else if (i % 10 == 2) {
      r.death_step[i] = 20;
      alive1[i] = 0;
    } else {
      if (takes_part(i)) {
        sessions[i] = 5;
        first[i] = 3;
      }
      if (certified_later(i)) r.disability_step[i] = kYear + static_cast<std::int32_t>(i) * 3;
      if (i % 11 == 5 && !certified_later(i))
        r.death_step[i] = 2 * kYear + static_cast<std::int32_t>(i);
    }
  }
  r.kept[std::string(kFirstSalonStepColumn)] = first;
  r.kept[std::string(kSalonsWithin350mColumn)] = within;
  r.waves.push_back(wave(0, alive0, certified0, age0, isolated0, none));
  r.waves.push_back(wave(kYear, alive1, certified1, age1, isolated1, sessions));
  return r;
}

TEST(SalonStudy, TakesItsCohortAndParticipantsFromTheWaves) {
  const RunRecord r = record();
  std::int64_t cohort = 0, participants = 0, starting = 0, attended = 0;
  double cert_participants = 0, cert_others = 0;
  for (std::size_t i = 0; i < r.entry_step.size(); ++i) {
    if (i % 10 == 0) continue;
    ++starting;
    const bool participant = i % 10 > 2 && takes_part(i);
    attended += participant;
    if (i % 10 <= 2) continue;
    ++cohort;
    participants += participant;
    const bool event = certified_later(i);
    (participant ? cert_participants : cert_others) += event;
  }
  const SalonStudy study = salon_study({r});
  EXPECT_EQ(study.cohort, cohort);
  EXPECT_EQ(study.cohort, 42);
  EXPECT_EQ(study.participants, participants);
  EXPECT_DOUBLE_EQ(study.attended_year1, static_cast<double>(attended) / starting);
  EXPECT_DOUBLE_EQ(study.cert_participants, cert_participants / participants);
  EXPECT_DOUBLE_EQ(study.cert_others, cert_others / (cohort - participants));
  EXPECT_EQ(study.cert_participants_without, -1.0) << "no reference";
}

TEST(SalonStudy, AdjustsForIsolationAtTheBaselineSurvey) {
  const RunRecord r = record();
  RunRecord other_year1 = r;
  // Isolation at the year-1 survey does not enter the model; at the baseline it does.
  auto& isolated1 = std::get<std::vector<std::uint8_t>>(other_year1.waves[1].columns[3].values);
  for (auto& value : isolated1) value = !value;
  RunRecord other_baseline = r;
  auto& isolated0 = std::get<std::vector<std::uint8_t>>(other_baseline.waves[0].columns[3].values);
  for (std::size_t i = 0; i < isolated0.size(); ++i) isolated0[i] = i % 5 == 1;
  const SalonStudy study = salon_study({r});
  EXPECT_EQ(salon_study({other_year1}).cox.coefficients, study.cox.coefficients);
  EXPECT_NE(salon_study({other_baseline}).cox.coefficients, study.cox.coefficients);
}

TEST(SalonStudy, NeedsTheBaselineAndTheYearOneWaves) {
  RunRecord r = record();
  r.waves.pop_back();
  try {
    salon_study({r});
    FAIL() << "no wave at the end of year 1";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "the salon study needs a survey wave at step 52 (its analysis asks for one)");
  }
  EXPECT_EQ(salon_study_analysis().survey_years, (std::vector<double>{0.0, 1.0}));
}

// A reference run of the same residents: `certified` tells who is certified in follow-up there.
RunRecord reference_of(const RunRecord& arm, bool (*certified)(std::size_t)) {
  RunRecord b = arm;
  for (std::size_t i = 0; i < b.disability_step.size(); ++i)
    b.disability_step[i] = certified(i) ? 2 * kYear + static_cast<std::int32_t>(i) : -1;
  return b;
}

bool every_third(std::size_t i) {
  return i % 3 == 0;
}

// The true effect: the same participants' certification in the reference, by hand.
TEST(SalonStudy, TheTrueEffectCountsTheSameParticipantsInTheReference) {
  const RunRecord r = record();
  const RunRecord b = reference_of(r, every_third);
  double participants = 0, certified_there = 0;
  for (std::size_t i = 0; i < r.entry_step.size(); ++i) {
    if (i % 10 <= 2 || !takes_part(i)) continue;  // the cohort's participants
    participants += 1;
    certified_there += every_third(i);
  }
  ASSERT_GT(certified_there, 0);
  const std::vector<RunRecord> reference{b};
  const SalonStudy study = salon_study({r}, &reference);
  EXPECT_EQ(study.participants, static_cast<std::int64_t>(participants));
  EXPECT_DOUBLE_EQ(study.cert_participants_without, certified_there / participants);
  // Another town in the reference (other residents): no true effect.
  RunRecord other = b;
  other.age0[7] += 1.0f;
  const std::vector<RunRecord> elsewhere{other};
  EXPECT_EQ(salon_study({r}, &elsewhere).cert_participants_without, -1.0);
}

// A comparison hands over runs as they finish: any order gives the study of the whole records,
// to the last bit, and what it keeps is not the runs.
TEST(SalonStudy, RunsAddedInAnyOrderGiveTheSameStudy) {
  RunRecord r1 = record();
  for (std::int32_t& step : r1.disability_step)
    if (step >= kYear) step += 5;
  const std::vector<RunRecord> arm{record(), r1};
  const std::vector<RunRecord> reference{reference_of(arm[0], every_third),
                                         reference_of(arm[1], takes_part)};
  const SalonStudy whole = salon_study(arm, &reference);
  SalonStudyData data(2);
  data.add_reference_run(1, reference[1]);
  data.add_arm_run(1, arm[1]);
  data.add_arm_run(0, arm[0]);
  data.add_reference_run(0, reference[0]);
  const SalonStudy pieces = data.fit();
  EXPECT_EQ(pieces.cox.coefficients, whole.cox.coefficients);
  EXPECT_EQ(pieces.cox.standard_errors, whole.cox.standard_errors);
  EXPECT_EQ(pieces.iv_cox.coefficients, whole.iv_cox.coefficients);
  EXPECT_EQ(pieces.cert_participants_without, whole.cert_participants_without);
  EXPECT_EQ(pieces.cohort, 2 * 42);
  SalonStudyData missing(2);
  missing.add_arm_run(0, arm[0]);
  EXPECT_THROW(missing.fit(), std::logic_error) << "a replicate never added";
}

TEST(SalonStudy, TheComparisonsAnalysisSkipsRunsShorterThanItsDesign) {
  RunRecord r = record();
  r.steps = 5 * kYear;
  const std::unique_ptr<ArmAnalysisState> state = salon_study_analysis().start(1);
  state->add_reference_run(0, r);
  state->add_arm_run(0, r);
  EXPECT_FALSE(state->finish("short").has_value());
  const std::unique_ptr<ArmAnalysisState> full = salon_study_analysis().start(1);
  full->add_arm_run(0, record());
  full->add_reference_run(0, reference_of(record(), every_third));
  const std::optional<ArmAnalysisResult> result = full->finish("town");
  ASSERT_TRUE(result.has_value());
  EXPECT_NE(result->text.find("Study emulation in town"), std::string::npos);
  EXPECT_EQ(result->estimates.at(0).first, "study_log_hr_participant");
}

}  // namespace
}  // namespace salonsim::models
