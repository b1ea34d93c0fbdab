#include "sim/effects.hpp"

#include <gtest/gtest.h>

#include <array>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace salonsim {
namespace {

struct TwoSources {
  Population p;
  Column<std::uint8_t> poor_access;
  Column<float> slower_decline, contacts_a, contacts_b;
  TwoSources() {
    p.resize(3);
    poor_access = p.add_column<std::uint8_t>({"poor_access", "", ""});
    slower_decline = p.add_column<float>({"slower_decline", "", ""}, 1.0f);
    contacts_a = p.add_column<float>({"contacts_a", "1/week", ""});
    contacts_b = p.add_column<float>({"contacts_b", "1/week", ""});
    p[poor_access] = {1, 0, 1};
    p[slower_decline] = {0.5f, 0.8f, 1.0f};
    p[contacts_a] = {1.0f, 0.0f, 0.25f};
    p[contacts_b] = {2.0f, 0.5f, 0.0f};
  }
};

TEST(Effects, HazardRatiosOfTwoSourcesMultiply) {
  TwoSources t;
  Effects effects;
  effects.add_flag_ratio(Hazard::kCertification, {"access", t.poor_access, 1.25});
  effects.add_ratio(Hazard::kCertification, {"activity", t.slower_decline});
  const Effects::HazardView view = effects.hazard(Hazard::kCertification, t.p);
  // Resident 0: 1.25 (poor access) x 0.5 (activity); 1: 0.8 alone; 2: 1.25 alone.
  EXPECT_DOUBLE_EQ(view.times_ratios(2.0 * view.flag_ratio(0), 0), 2.0 * 1.25 * 0.5);
  EXPECT_DOUBLE_EQ(view.times_ratios(2.0 * view.flag_ratio(1), 1), 2.0 * 0.8f);
  EXPECT_DOUBLE_EQ(view.times_ratios(2.0 * view.flag_ratio(2), 2), 2.0 * 1.25);
  // Death has no source: exactly 1.
  const Effects::HazardView death = effects.hazard(Hazard::kDeath, t.p);
  EXPECT_EQ(death.times_ratios(3.0 * death.flag_ratio(0), 0), 3.0);
  EXPECT_EQ(effects.sources(), (std::vector<std::string>{"access", "activity"}));
}

// A ratio worked out from a rate: 1 - 0.8 r / (r + 8) with r in sessions a year from sessions a
// week. 1/8 a week is 6.5223214 a year: 1 - 0.8 x 6.5223214 / 14.5223214 = 0.6407009; no
// attendance gives exactly 1.
TEST(Effects, ARatioOfARateIsWorkedOutWhereItIsRead) {
  TwoSources t;
  t.p[t.contacts_a] = {0.125f, 0.0f, 0.5f};  // read as a rate: sessions a week
  Effects effects;
  const Effects::SaturatingRatio slower{365.25, 7.0, 0.8, 8.0};
  effects.add_ratio(Hazard::kCertification, {"activity", t.slower_decline});
  effects.add_ratio(Hazard::kCertification, {"sessions", t.contacts_a, slower});
  EXPECT_NEAR(slower(0.125f), 0.6407008914847833, 1e-7);
  EXPECT_EQ(slower(0.0f), 1.0f);
  EXPECT_EQ(slower(0.125f),
            static_cast<float>(1.0 - 0.8 * (0.125 * 365.25 / 7.0) / (0.125 * 365.25 / 7.0 + 8.0)));
  const Effects::HazardView view = effects.hazard(Hazard::kCertification, t.p);
  // In the order registered: the column's 0.5, then the rate's ratio.
  EXPECT_EQ(view.times_ratios(1.0, 0), 0.5 * static_cast<double>(slower(0.125f)));
  EXPECT_EQ(view.times_ratios(1.0, 1), static_cast<double>(0.8f)) << "no sessions: 1";
  // One source alone, for surveys and tests: 1 wherever it has no effect.
  const std::vector<float> sessions = effects.ratios_of(Hazard::kCertification, "sessions", t.p);
  EXPECT_EQ(sessions, (std::vector<float>{slower(0.125f), 1.0f, slower(0.5f)}));
  EXPECT_NEAR(sessions[2], 1 - 0.8 * 26.089285714285715 / 34.089285714285715, 1e-7);
  EXPECT_EQ(effects.ratios_of(Hazard::kDeath, "sessions", t.p), std::vector<float>(3, 1.0f));
}

TEST(Effects, RatiosOfAChunkAreThoseOfEachResidentInTurn) {
  // 300 residents: a column of ratios and two rates, zero for most (as most residents take no
  // part in an activity), negative zero for some.
  Population p;
  p.resize(300);
  const Column<float> stored = p.add_column<float>({"stored", "", ""}, 1.0f);
  const Column<float> sessions = p.add_column<float>({"sessions", "", ""});
  const Column<float> visits = p.add_column<float>({"visits", "", ""});
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[stored][i] = 0.5f + static_cast<float>(i % 7) / 8.0f;
    p[sessions][i] = i % 3 == 0 ? static_cast<float>(i) / 97.0f : (i % 5 == 0 ? -0.0f : 0.0f);
    p[visits][i] = i % 4 == 1 ? 1.0f / static_cast<float>(i) : 0.0f;
  }
  Effects effects;
  effects.add_ratio(Hazard::kDeath,
                    {"sessions", sessions, Effects::SaturatingRatio{365.25, 7.0, 0.8, 8.0}});
  effects.add_ratio(Hazard::kDeath, {"stored", stored});
  effects.add_ratio(Hazard::kDeath, {"visits", visits, Effects::SaturatingRatio{52, 1, 0.3, 2}});
  const Effects::HazardView view = effects.hazard(Hazard::kDeath, p);
  // Chunks of 256 and 44 from resident 0, and 200 from resident 100: the same doubles, bit for
  // bit, as one resident at a time.
  for (const auto& [first, count] :
       {std::pair<std::size_t, std::size_t>{0, 256}, {256, 44}, {100, 200}}) {
    std::vector<double> chunk(count);
    for (std::size_t j = 0; j < count; ++j) chunk[j] = 1e-3 * static_cast<double>(first + j + 1);
    std::vector<double> one_by_one = chunk;
    for (std::size_t j = 0; j < count; ++j) one_by_one[j] = view.times_ratios(chunk[j], first + j);
    view.times_ratios(std::span<double>(chunk), first);
    EXPECT_EQ(chunk, one_by_one) << first;
  }
  // Resident 3: sessions 3/97 a week, the stored 7/8, visits 0 (ratio exactly 1).
  std::vector<double> three{2.0};
  view.times_ratios(std::span<double>(three), 3);
  const double r = 3.0 / 97.0 * 365.25 / 7.0;
  EXPECT_EQ(three[0], 2.0 * static_cast<float>(1.0 - 0.8 * r / (r + 8.0)) * 0.875f);
  std::vector<double> too_many(Effects::HazardView::kChunk + 1, 1.0);
  EXPECT_THROW(view.times_ratios(std::span<double>(too_many), 0), std::length_error);
}

TEST(Effects, RatesReadForOneHazardAreUsedForTheOtherWithTheSameResults) {
  // Attendance slows decline and delays death, each by its own ratio of the same rate; visits
  // act on death alone. With the residents who take part read once (RatesTaken) the products are
  // those of each hazard alone, bit for bit, chunk after chunk; a chunk elsewhere reads afresh.
  Population p;
  p.resize(600);
  const Column<float> sessions = p.add_column<float>({"sessions", "", ""});
  const Column<float> visits = p.add_column<float>({"visits", "", ""});
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[sessions][i] = i % 3 == 0 ? static_cast<float>(i % 11) / 5.0f : 0.0f;
    p[visits][i] = i % 4 == 1 ? 0.5f : 0.0f;
  }
  Effects effects;
  effects.add_ratio(Hazard::kCertification,
                    {"groups", sessions, Effects::SaturatingRatio{365.25, 7.0, 0.4, 20.0}});
  effects.add_ratio(Hazard::kDeath, {"visits", visits, Effects::SaturatingRatio{52, 1, 0.3, 2}});
  effects.add_ratio(Hazard::kDeath,
                    {"groups", sessions, Effects::SaturatingRatio{365.25, 7.0, 0.3, 20.0}});
  const Effects::HazardView certification = effects.hazard(Hazard::kCertification, p);
  const Effects::HazardView death = effects.hazard(Hazard::kDeath, p);
  Effects::HazardView::RatesTaken rates;
  for (const auto& [first, count] :
       {std::pair<std::size_t, std::size_t>{0, 256}, {256, 256}, {512, 88}, {100, 200}}) {
    std::vector<double> declines(count, 1.0), deaths(count, 2.0);
    std::vector<double> declines_alone = declines, deaths_alone = deaths;
    certification.times_ratios(std::span<double>(declines), first, rates);
    death.times_ratios(std::span<double>(deaths), first, rates);
    EXPECT_EQ(rates.columns_read, 2u) << "sessions once, visits once";
    certification.times_ratios(std::span<double>(declines_alone), first);
    death.times_ratios(std::span<double>(deaths_alone), first);
    EXPECT_EQ(declines, declines_alone) << first;
    EXPECT_EQ(deaths, deaths_alone) << first;
    // Resident 3 of the first chunk: 3/5 a session a week, no visits.
    if (first == 0) {
      const double r = 0.6f * 365.25 / 7.0;
      EXPECT_EQ(deaths[3], 2.0 * static_cast<float>(1.0 - 0.3 * r / (r + 20.0)));
      EXPECT_EQ(declines[1], 1.0) << "resident 1 takes no part";
    }
  }
}

TEST(Effects, MoreColumnsOfRatesThanRatesTakenHoldsAreReadAgainWithTheSameResults) {
  // Ten rates act on certification and ten others on death: twenty columns, more than the
  // sixteen RatesTaken keeps, so some are forgotten and read again. The products are still those
  // of each hazard alone.
  Population p;
  p.resize(256);
  std::vector<Column<float>> rates;
  Effects effects;
  for (int c = 0; c < 20; ++c) {
    rates.push_back(p.add_column<float>({"rate" + std::to_string(c), "", ""}));
    for (std::size_t i = 0; i < p.size(); ++i)
      p[rates.back()][i] = (i + static_cast<std::size_t>(c)) % 5 == 0 ? 0.25f * (c + 1) : 0.0f;
    effects.add_ratio(c < 10 ? Hazard::kCertification : Hazard::kDeath,
                      {"source" + std::to_string(c), rates.back(),
                       Effects::SaturatingRatio{365.25, 7.0, 0.02 * (c + 1), 10.0}});
  }
  const Effects::HazardView certification = effects.hazard(Hazard::kCertification, p);
  const Effects::HazardView death = effects.hazard(Hazard::kDeath, p);
  Effects::HazardView::RatesTaken kept;
  std::vector<double> declines(256, 1.0), deaths(256, 1.0);
  std::vector<double> declines_alone = declines, deaths_alone = deaths;
  certification.times_ratios(std::span<double>(declines), 0, kept);
  death.times_ratios(std::span<double>(deaths), 0, kept);
  certification.times_ratios(std::span<double>(declines_alone), 0);
  death.times_ratios(std::span<double>(deaths_alone), 0);
  EXPECT_EQ(declines, declines_alone);
  EXPECT_EQ(deaths, deaths_alone);
  EXPECT_EQ(kept.columns_read, 4u) << "sixteen read, forgotten, then the last four";
  // Certification again, its columns forgotten: read afresh, the same products.
  std::vector<double> again(256, 1.0);
  certification.times_ratios(std::span<double>(again), 0, kept);
  EXPECT_EQ(again, declines_alone);
  EXPECT_LT(declines[0], 1.0) << "resident 0 takes part in source 0";
}

TEST(Effects, RemovingOneSourceLeavesTheOther) {
  TwoSources t;
  Effects only_activity;
  only_activity.add_ratio(Hazard::kCertification, {"activity", t.slower_decline});
  const Effects::HazardView view = only_activity.hazard(Hazard::kCertification, t.p);
  EXPECT_DOUBLE_EQ(view.times_ratios(view.flag_ratio(0), 0), 0.5);
  EXPECT_DOUBLE_EQ(view.times_ratios(view.flag_ratio(2), 2), 1.0);
  Effects only_access;
  only_access.add_flag_ratio(Hazard::kCertification, {"access", t.poor_access, 1.25});
  const Effects::HazardView access = only_access.hazard(Hazard::kCertification, t.p);
  EXPECT_DOUBLE_EQ(access.times_ratios(access.flag_ratio(0), 0), 1.25);
  EXPECT_DOUBLE_EQ(access.times_ratios(access.flag_ratio(1), 1), 1.0);
}

TEST(Effects, ContactsOfTwoSourcesAdd) {
  TwoSources t;
  Effects both;
  both.add_contacts({"a", t.contacts_a});
  both.add_contacts({"b", t.contacts_b});
  const Effects::ContactsView view = both.contacts(t.p);
  EXPECT_EQ(view(0), 3.0f);
  EXPECT_EQ(view(1), 0.5f);
  EXPECT_EQ(view(2), 0.25f);
  Effects one;
  one.add_contacts({"b", t.contacts_b});
  EXPECT_EQ(one.contacts(t.p)(0), 2.0f);
  EXPECT_EQ(Effects{}.contacts(t.p)(0), 0.0f);
}

TEST(Effects, ContactsOfARateAreTheRateTimesContactsPerUnit) {
  TwoSources t;
  Effects effects;
  // Source a is a rate (say sessions a week) worth 4 contacts each; b holds contacts a week.
  effects.add_contacts({"a", t.contacts_a, 4.0});
  effects.add_contacts({"b", t.contacts_b});
  const Effects::ContactsView view = effects.contacts(t.p);
  EXPECT_EQ(view(0), 1.0f * 4 + 2.0f);   // 6
  EXPECT_EQ(view(1), 0.0f * 4 + 0.5f);   // 0.5
  EXPECT_EQ(view(2), 0.25f * 4 + 0.0f);  // 1
  // A block of residents at a time, a source at a time: the same sums.
  std::array<float, 3> all{};
  view.sum_into(0, all);
  EXPECT_EQ(all, (std::array<float, 3>{6.0f, 0.5f, 1.0f}));
  std::array<float, 2> last_two{9.0f, 9.0f};  // overwritten, not added to
  view.sum_into(1, last_two);
  EXPECT_EQ(last_two, (std::array<float, 2>{0.5f, 1.0f}));
  // Each source's contacts are worked out in double and rounded to float, as a column of them
  // held them: 1/3 as a float is 0.3333333433..., times 3 is 1.0000000298..., which rounds to 1.
  t.p[t.contacts_a] = {1.0f / 3.0f, 0.0f, 0.0f};
  Effects thirds;
  thirds.add_contacts({"a", t.contacts_a, 3.0});
  EXPECT_EQ(thirds.contacts(t.p)(0), 1.0f);
}

}  // namespace
}  // namespace salonsim
