// The emulated study of community groups (models/groups/study.cpp): members at the baseline
// survey against the others, counted by hand on a small town, the same members' outcomes in a
// reference run, and the same study whatever order a comparison hands the runs over in.
#include "models/groups/study.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "models/groups/activity.hpp"
#include "sim/survey.hpp"

namespace salonsim::models {
namespace {

constexpr std::int32_t kYear = 52;
const std::vector<GroupKind> kKinds{GroupKind::kSports, GroupKind::kHobby};

bool sports(std::size_t i) {
  return i % 3 == 0;
}
bool hobby(std::size_t i) {
  return i % 4 == 1;
}

// 40 residents over four years: by i % 10, 0 is dead and 1 certified at baseline (not in the
// cohort); sports members i % 3 == 0, hobby members i % 4 == 1 (true ratios 0.8 and 0.9 for
// decline, 0.7 and 0.95 for death); certified i % 5 == 2, died i % 7 == 3; `shift` moves the
// events' steps.
RunRecord record(std::int32_t shift = 0) {
  const std::size_t n = 40;
  RunRecord r;
  r.steps = 4 * kYear;
  r.steps_per_year = kYear;
  r.entry_step.assign(n, 0);
  r.disability_step.assign(n, -1);
  r.death_step.assign(n, -1);
  r.age0.assign(n, 0.0f);
  r.sex.assign(n, 0);
  r.income_low.assign(n, 0);
  r.isolated0.assign(n, 0);
  r.certified0.assign(n, 0);
  std::vector<std::uint8_t> alive(n, 1), certified(n, 0), isolated(n, 0), sports_member(n, 0),
      hobby_member(n, 0);
  std::vector<float> age(n), sports_decline(n, 1.0f), sports_death(n, 1.0f), hobby_decline(n, 1.0f),
      hobby_death(n, 1.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::int32_t>(i);
    r.sex[i] = i % 2;
    r.income_low[i] = i % 6 == 0;
    age[i] = r.age0[i] = 65.0f + static_cast<float>(i % 13);
    isolated[i] = i % 8 == 0;
    if (i % 10 == 0) alive[i] = 0;
    if (i % 10 == 1) certified[i] = 1;
    if (sports(i)) {
      sports_member[i] = 1;
      sports_decline[i] = 0.8f;
      sports_death[i] = 0.7f;
    }
    if (hobby(i)) {
      hobby_member[i] = 1;
      hobby_decline[i] = 0.9f;
      hobby_death[i] = 0.95f;
    }
    if (i % 5 == 2) r.disability_step[i] = 10 + 4 * k + shift;
    if (i % 7 == 3) r.death_step[i] = 30 + 3 * k + shift;
  }
  SurveyWave w;
  w.step = 0;
  w.columns = {{{"alive", "", ""}, alive},
               {{"certified", "", ""}, certified},
               {{"age", "years", ""}, age},
               {{"isolated", "", ""}, isolated},
               {{group_column(GroupKind::kSports, "{}_member"), "", ""}, sports_member},
               {{group_column(GroupKind::kSports, "{}_decline_ratio"), "", ""}, sports_decline},
               {{group_column(GroupKind::kSports, "{}_death_ratio"), "", ""}, sports_death},
               {{group_column(GroupKind::kHobby, "{}_member"), "", ""}, hobby_member},
               {{group_column(GroupKind::kHobby, "{}_decline_ratio"), "", ""}, hobby_decline},
               {{group_column(GroupKind::kHobby, "{}_death_ratio"), "", ""}, hobby_death}};
  r.waves.push_back(w);
  return r;
}

bool in_cohort(std::size_t i) {
  return i % 10 != 0 && i % 10 != 1;
}

TEST(GroupStudy, CountsMembersAndTheirOutcomesByHand) {
  const RunRecord r = record();
  // The reference: the same residents; everyone whose index is odd is certified there, and
  // those with i % 4 == 3 die.
  RunRecord b = r;
  for (std::size_t i = 0; i < b.disability_step.size(); ++i) {
    b.disability_step[i] = i % 2 == 1 ? 50 : -1;
    b.death_step[i] = i % 4 == 3 ? 60 : -1;
  }
  const std::vector<RunRecord> reference{b};
  const GroupStudy study = group_study({r}, kKinds, &reference);
  ASSERT_EQ(study.rows.size(), 3u);
  double cohort = 0;
  for (std::size_t row = 0; row < 3; ++row) {
    double members = 0, others = 0, cert_m = 0, cert_o = 0, died_m = 0, decline = 0, cert_ref = 0,
           died_ref = 0;
    cohort = 0;
    for (std::size_t i = 0; i < 40; ++i) {
      if (!in_cohort(i)) continue;
      cohort += 1;
      const bool in = row == 0 ? sports(i) : row == 1 ? hobby(i) : sports(i) || hobby(i);
      const bool certified = i % 5 == 2, died = i % 7 == 3;
      (in ? members : others) += 1;
      (in ? cert_m : cert_o) += certified;
      if (!in) continue;
      died_m += died;
      decline += (row != 1 && sports(i) ? 0.8f : 1.0f) * (row != 0 && hobby(i) ? 0.9f : 1.0f);
      cert_ref += i % 2 == 1;
      died_ref += i % 4 == 3;
    }
    const GroupStudyRow& got = study.rows[row];
    EXPECT_EQ(got.members, static_cast<std::int64_t>(members)) << row;
    EXPECT_DOUBLE_EQ(got.certified_members, cert_m / members) << row;
    EXPECT_DOUBLE_EQ(got.certified_others, cert_o / others) << row;
    EXPECT_DOUBLE_EQ(got.died_members, died_m / members) << row;
    EXPECT_NEAR(got.true_decline_ratio, decline / members, 1e-7) << row;
    EXPECT_DOUBLE_EQ(got.certified_members_reference, cert_ref / members) << row;
    EXPECT_DOUBLE_EQ(got.died_members_reference, died_ref / members) << row;
    EXPECT_EQ(got.certification.coefficients.size(), 5u) << row;
  }
  EXPECT_EQ(study.cohort, static_cast<std::int64_t>(cohort));
  EXPECT_EQ(study.cohort, 32);
  EXPECT_DOUBLE_EQ(study.follow_up_years, 4.0);
  // Other residents in the reference: no paired figures.
  RunRecord other = b;
  other.sex[5] = !other.sex[5];
  const std::vector<RunRecord> elsewhere{other};
  EXPECT_EQ(group_study({r}, kKinds, &elsewhere).rows[0].certified_members_reference, -1.0);
}

TEST(GroupStudy, RunsAddedInAnyOrderGiveTheSameStudy) {
  const std::vector<RunRecord> arm{record(0), record(7), record(2)};
  const std::vector<RunRecord> reference{record(1), record(3), record(5)};
  const GroupStudy whole = group_study(arm, kKinds, &reference);
  GroupStudyData data(kKinds, 3);
  for (const std::size_t r : {2u, 0u, 1u}) data.add_arm_run(r, arm[r]);
  for (const std::size_t r : {1u, 2u, 0u}) data.add_reference_run(r, reference[r]);
  const GroupStudy pieces = data.fit();
  ASSERT_EQ(pieces.rows.size(), whole.rows.size());
  for (std::size_t row = 0; row < whole.rows.size(); ++row) {
    EXPECT_EQ(pieces.rows[row].certification.coefficients,
              whole.rows[row].certification.coefficients);
    EXPECT_EQ(pieces.rows[row].death.coefficients, whole.rows[row].death.coefficients);
    EXPECT_EQ(pieces.rows[row].certified_members_reference,
              whole.rows[row].certified_members_reference);
  }
  EXPECT_EQ(pieces.cohort, 3 * 32);
}

TEST(GroupStudy, TheComparisonsAnalysisSkipsFollowUpsShorterThanThreeYears) {
  RunRecord r = record();
  r.steps = 2 * kYear;
  const std::unique_ptr<ArmAnalysisState> state = group_study_analysis(kKinds).start(1);
  state->add_arm_run(0, r);
  EXPECT_FALSE(state->finish("short").has_value());
  RunRecord no_wave = record();
  no_wave.waves.clear();
  EXPECT_THROW(GroupStudyData(kKinds, 1).add_arm_run(0, no_wave), std::invalid_argument);
}

}  // namespace
}  // namespace salonsim::models
