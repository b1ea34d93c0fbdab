// Social prescribing: visit rates, clinic placement, competence, and a small town where the link
// worker's capacity, the screen, matching and uptake can be followed resident by resident.
#include "models/prescribing/social_prescribing.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "models/build.hpp"
#include "models/scenario.hpp"
#include "tests/support/scenario_checks.hpp"
#include "tests/support/small_town.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::models {
namespace {

TEST(ClinicVisits, RateByAgeBandAndFrailty) {
  const Visits visits;  // 2.2, 3.0, 3.2, 3.1, 2.7, 2.0 a month; 1 + frailty
  EXPECT_DOUBLE_EQ(visits_per_year(visits, 65, 0), 12 * 2.2);
  EXPECT_DOUBLE_EQ(visits_per_year(visits, 72, 0.2), 12 * 3.0 * 1.2);
  EXPECT_DOUBLE_EQ(visits_per_year(visits, 89.9, 0), 12 * 2.7);
  EXPECT_DOUBLE_EQ(visits_per_year(visits, 101, 0.5), 12 * 2.0 * 1.5);
}

TEST(LinkWorkerCompetence, BetaWithTheMeanAndSpread) {
  LinkWorkers workers;
  workers.competence_mean = 0.6;
  workers.competence_spread = 0;
  EXPECT_DOUBLE_EQ(competence_at(workers, 0.01), 0.6);
  workers.competence_mean = 0.5;
  workers.competence_spread = 0.1;
  EXPECT_NEAR(competence_at(workers, 0.5), 0.5, 1e-12);  // symmetric: the median is the mean
  EXPECT_LT(competence_at(workers, 0.05), 0.4);
  EXPECT_GT(competence_at(workers, 0.95), 0.6);
  // The mean of the quantiles over a fine grid is the mean.
  double sum = 0;
  for (int k = 0; k < 1000; ++k) sum += competence_at(workers, (k + 0.5) / 1000);
  EXPECT_NEAR(sum / 1000, 0.5, 1e-3);
}

TEST(ClinicPlacement, ByResidentsOfEachDistrictAtLeastOneWhereAnyLive) {
  std::vector<std::pair<float, float>> homes(190, {0, 0});
  Population p = testing::residents_at(homes);
  for (std::size_t i = 150; i < 190; ++i) p.district[i] = 1;  // 150, 40 and 0 residents
  const std::vector<District> districts{District{"a"}, District{"b"}, District{"c"}};
  Clinics clinics;
  clinics.per_10k_residents = 100;  // 1.5 and 0.4 clinics: 2 and (at least) 1
  clinics.screening_share = 0.5;    // of 3 generated: 2 (1.5 rounded away from zero)
  clinics.listed.push_back({"listed", Place{{5, 5}, ""}, false});
  const RandomStream stream(3, 0, kSocialPrescribingStream);
  const std::vector<PlacedClinic> placed = place_clinics(clinics, districts, p, stream);
  ASSERT_EQ(placed.size(), 4u);
  EXPECT_EQ(placed[0].name, "listed");
  EXPECT_FALSE(placed[0].screens);
  EXPECT_EQ(placed[1].district, 0);
  EXPECT_EQ(placed[2].district, 0);
  EXPECT_EQ(placed[3].district, 1);
  EXPECT_EQ(placed[3].name, "b clinic 1");
  int screening = 0;
  for (std::size_t c = 1; c < 4; ++c) screening += placed[c].screens;
  EXPECT_EQ(screening, 2);
  clinics.generate = false;
  EXPECT_EQ(place_clinics(clinics, districts, p, stream).size(), 1u);
}

/// A one-district town of 600 with a salon and one screening clinic at the centre, every visit
/// a screen (due again after a month), and one link worker who takes one client a week.
Scenario small_programme(const testing::TempDir& dir, const std::string& extra = "") {
  const std::string yaml = fmt::format(
      R"(extends: {}/scenarios/town.yaml
run:
  years: 1
town:
  population: 600
  districts:
    - {{name: only, centre_m: [0, 0], radius_m: 800, density: suburban}}
interventions:
  - type: salons
    venues:
      - {{name: hall, location_m: [0, 0], schedule: weekly, weekday: 2, capacity: 200}}
  - type: social_prescribing
    clinics:
      generate: false
      listed: [{{name: centre clinic, location_m: [0, 0]}}]
    screening: {{probability_per_visit: 1, positive_threshold: 1, interval_months: 1}}
    link_workers:
      teams: [{{name: town, staff: 1}}]
      caseload_per_year: {}
      competence_spread: 0
      max_wait_weeks: 60
{})",
      SALONSIM_SOURCE_DIR, 365.25 / 7, extra);
  return testing::load_ok(dir.write("programme.yaml", yaml));
}

TEST(SocialPrescribingModule, OneClientAWeekAndEveryClientScreenedPositiveFirst) {
  testing::TempDir dir;
  const Scenario s = small_programme(dir);
  auto sim = build_simulation(s, {21, 0});
  sim->run();
  const Population& p = sim->population();
  const auto& screens = p.column<std::uint16_t>("sp_screens");
  const auto& positive = p.column<StoredStep>("sp_first_positive_step");
  const auto& intake = p.column<StoredStep>("sp_first_intake_step");
  const auto& intakes = p.column<std::uint16_t>("sp_intakes");
  const auto& waited = p.column<StoredStep>("sp_waited_steps");
  const auto& referred = p.column<std::uint8_t>("sp_referred");
  const auto& took_up = p.column<std::uint8_t>("sp_took_up");
  const auto& answers = p.column<std::uint8_t>("sp_answers");
  std::vector<const std::vector<StoredStep>*> last_session;
  for (const char* kind :
       {"salon", "sports", "hobby", "volunteer", "senior_club", "neighbourhood_association"})
    last_session.push_back(&p.column<StoredStep>(fmt::format("last_{}_step", kind)));
  int screened = 0, positives = 0, clients = 0, group_uptakes = 0, joined = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    screened += screens[i] > 0;
    positives += positive[i] != kNever;
    clients += intakes[i];
    // A positive screen is one with an item (threshold 1); the answers are kept.
    if (screens[i] > 0 && positive[i] == kNever) {
      EXPECT_EQ(answers[i], 0) << i;
    }
    if (intake[i] != kNever) {
      EXPECT_NE(positive[i], kNever) << i;
      EXPECT_LE(positive[i], intake[i]) << i;
      EXPECT_GE(waited[i], intake[i] - positive[i]) << i;
    }
    EXPECT_EQ(took_up[i] & ~referred[i], 0) << i;  // only what was referred is taken up
    if (took_up[i] & destination_bit(Destination::kGroup)) {
      ++group_uptakes;
      bool came = false;
      for (const auto* last : last_session) came = came || (*last)[i] >= intake[i];
      joined += came;
    }
  }
  // Visits about every 10 days at 70-75: most are screened in a year (not those who cannot walk
  // 800 m and have no lift).
  EXPECT_GT(screened, 450);
  ASSERT_GT(positives, 150);  // many more than the worker can take
  // One client a week from the first step (the list never empties: nobody waits 60 weeks in a
  // year): one intake a step.
  const std::int64_t steps = sim->clock().steps;
  EXPECT_EQ(clients, steps);
  // Those who took up a group referral came to a session of a group after their intake (the
  // link worker brings them; venues admit members first, then newcomers, up to capacity).
  EXPECT_GT(group_uptakes, 5);
  EXPECT_GE(joined, group_uptakes * 8 / 10);
  // Costs: one worker for a year, 1,000 yen a screen, 30,000 yen a welfare case.
  const auto* sp = sim->modules_of_type<SocialPrescribing>().at(0);
  double screens_done = 0;
  for (std::size_t i = 0; i < p.size(); ++i) screens_done += screens[i];
  const double welfare = [&] {
    double n = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
      n += (took_up[i] & destination_bit(Destination::kWelfare)) != 0;
    return n;
  }();
  EXPECT_NEAR(sp->cost_yen(*sim),
              5e6 * static_cast<double>(steps) * 7 / 365.25 + 1000 * screens_done + 30000 * welfare,
              1e-3);
}

TEST(SocialPrescribingModule, NoScreeningWhereTheClinicDoesNotScreenOrIsOutOfReach) {
  testing::TempDir dir;
  // The only clinic is 20 km away: beyond walking, lifts and (for some) driving.
  Scenario s = small_programme(dir);
  auto& sp = std::get<SocialPrescribingParams>(s.interventions[1]);
  sp.clinics.listed[0].place.location_m = {20000, 0};
  auto sim = build_simulation(s, {21, 0});
  sim->run();
  const auto& screens = sim->population().column<std::uint16_t>("sp_screens");
  for (std::size_t i = 0; i < screens.size(); ++i) EXPECT_EQ(screens[i], 0) << i;
  // A clinic next door whose doctors do not screen.
  sp.clinics.listed[0].place.location_m = {0, 0};
  sp.clinics.listed[0].screens = false;
  auto sim2 = build_simulation(s, {21, 0});
  sim2->run();
  for (std::uint16_t n : sim2->population().column<std::uint16_t>("sp_screens")) EXPECT_EQ(n, 0);
}

TEST(SocialPrescribingRules, UnknownDistrictsAndOneProgramme) {
  testing::TempDir dir;
  const auto issues = testing::issues_of(dir.write("s.yaml", R"(interventions:
  - type: social_prescribing
    clinics: {listed: [{name: c, district: nowhere}]}
    link_workers: {teams: [{name: t, districts: [elsewhere]}]}
  - type: social_prescribing
)"));
  bool clinic = false, team = false, two = false;
  for (const auto& issue : issues) {
    clinic = clinic || issue.message.find("clinic 'c' names no district") != std::string::npos;
    team = team || issue.message.find("team 't' names no district") != std::string::npos;
    two = two || issue.message.find("at most one social_prescribing") != std::string::npos;
  }
  EXPECT_TRUE(clinic);
  EXPECT_TRUE(team);
  EXPECT_TRUE(two);
}

}  // namespace
}  // namespace salonsim::models
