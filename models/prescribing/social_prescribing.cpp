#include "models/prescribing/social_prescribing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>

#include "models/groups/groups.hpp"
#include "models/prescribing/screening.hpp"
#include "models/shops/mobile_shop.hpp"
#include "models/town/town_builder.hpp"
#include "models/transport/shuttle.hpp"
#include "sim/output/tables.hpp"
#include "sim/simulation.hpp"
#include "sim/spatial_grid.hpp"
#include "sim/spatial_order.hpp"

namespace salonsim::models {

namespace {
// Draws of the social-prescribing stream. At set-up, keyed by resident: trust, the first visit,
// when the first screen falls due;
// by clinic: its home, whether it screens; by worker: competence. In a step, keyed by resident:
// the next visit, which resources the worker finds (one per option), uptake (one per referral),
// relief by counselling.
constexpr std::uint64_t kTrustDraw = 0, kVisitDraw = 1, kClinicDraw = 2, kWorkerDraw = 3;
constexpr std::uint64_t kReliefDraw = 4, kFirstDueDraw = 5, kFoundDraw = 100, kUptakeDraw = 200;
constexpr std::size_t kBlock = 8192;
constexpr std::int32_t kForever = std::numeric_limits<std::int32_t>::max();
constexpr double kWeeksPerYear = 365.25 / 7.0;
}  // namespace

std::vector<PlacedClinic> place_clinics(const Clinics& clinics,
                                        const std::vector<District>& districts, const Population& p,
                                        const RandomStream& stream) {
  std::vector<PlacedClinic> placed;
  for (const Clinic& c : clinics.listed)
    placed.push_back({c.name, point_of(c.place, districts, "clinic '" + c.name + "'"), c.screens});
  if (!clinics.generate) return placed;
  std::vector<std::vector<ResidentId>> homes(districts.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] == 0) homes[p.district[i]].push_back(static_cast<ResidentId>(i));
  }
  const std::size_t first_generated = placed.size();
  for (std::size_t d = 0; d < districts.size(); ++d) {
    if (homes[d].empty()) continue;
    const auto count = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::llround(static_cast<double>(homes[d].size()) *
                                                 clinics.per_10k_residents / 1e4)));
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t index = placed.size();
      const double u = stream.uniform(kSetupStep, index, kClinicDraw);
      const ResidentId home = homes[d][std::min(
          homes[d].size() - 1, static_cast<std::size_t>(u * static_cast<double>(homes[d].size())))];
      placed.push_back({fmt::format("{} clinic {}", districts[d].name, k + 1),
                        {p.x_m[home], p.y_m[home]},
                        false,
                        static_cast<std::int32_t>(d)});
    }
  }
  // The screening share of the generated clinics: those with the smallest random keys.
  std::vector<std::pair<double, std::size_t>> keys;
  for (std::size_t c = first_generated; c < placed.size(); ++c)
    keys.emplace_back(stream.uniforms4(kSetupStep, c, kClinicDraw)[1], c);
  std::sort(keys.begin(), keys.end());
  const auto screening = static_cast<std::size_t>(
      std::llround(clinics.screening_share * static_cast<double>(keys.size())));
  for (std::size_t k = 0; k < screening && k < keys.size(); ++k)
    placed[keys[k].second].screens = true;
  return placed;
}

double visits_per_year(const Visits& visits, double age, double frailty) {
  const auto band = static_cast<std::size_t>(std::clamp((age - 65.0) / 5.0, 0.0, 5.0));
  return 12.0 * visits.per_month_by_age[band] * (1.0 + visits.per_frailty_increase * frailty);
}

double competence_at(const LinkWorkers& workers, double uniform) {
  const double m = workers.competence_mean, s = workers.competence_spread;
  if (s <= 0 || m <= 0 || m >= 1) return m;
  // Beta with mean m and variance s^2: a + b = m(1-m)/s^2 - 1.
  const double total = m * (1 - m) / (s * s) - 1;
  return boost::math::ibeta_inv(m * total, (1 - m) * total, uniform);
}

std::vector<Outcome> social_prescribing_outcomes() {
  std::vector<Outcome> outcomes = {
      {.name = "sp_screened",
       .description = "share of residents screened at a clinic at least once",
       .numerator = "sp_screened",
       .denominator = "residents",
       .summary_heading = "screened",
       .summary_as_count = true,
       .table_heading = "screened %",
       .table_scale = 100},
      {.name = "sp_positive",
       .description = "share of residents who screened positive at least once",
       .numerator = "sp_positive",
       .denominator = "residents",
       .summary_heading = "positive",
       .summary_as_count = true,
       .table_heading = "screened positive %",
       .table_scale = 100},
      {.name = "sp_linked",
       .description = "share of residents a link worker took as a client",
       .numerator = "sp_linked",
       .denominator = "residents",
       .summary_heading = "clients",
       .summary_as_count = true,
       .table_heading = "link-worker clients %",
       .table_scale = 100,
       .table_digits = 2},
      {.name = "sp_took_up_any",
       .description = "share of residents who took up a referral (the high-risk strategy's reach)",
       .numerator = "sp_took_up_any",
       .denominator = "residents",
       .summary_heading = "took up",
       .summary_as_count = true,
       .table_heading = "took up a referral %",
       .table_scale = 100,
       .table_digits = 2,
       .counts_reach = true},
  };
  for (int d = 0; d < kDestinations; ++d) {
    const std::string name(kDestinationNames[d]);
    outcomes.push_back({.name = "sp_referred_" + name,
                        .description = "share of residents referred to " + name,
                        .numerator = "sp_referred_" + name,
                        .denominator = "residents"});
    outcomes.push_back({.name = "sp_took_up_" + name,
                        .description = "share of residents who took up a referral to " + name,
                        .numerator = "sp_took_up_" + name,
                        .denominator = "residents",
                        .summary_heading = "up:" + name,
                        .summary_as_count = true,
                        .table_heading = "took up " + name + " %",
                        .table_scale = 100,
                        .table_digits = 2});
  }
  outcomes.push_back({.name = "sp_took_up_group_without_car",
                      .description = "share of residents who did not drive at entry who took up "
                                     "a referral to a group",
                      .numerator = "sp_took_up_group_without_car",
                      .denominator = "residents_without_car",
                      .table_heading = "no car: took up group %",
                      .table_scale = 100,
                      .table_digits = 2});
  outcomes.push_back({.name = "sp_nothing_near",
                      .description = "share of link-worker clients with a need and nothing "
                                     "suitable within reach",
                      .numerator = "sp_nothing_near",
                      .denominator = "sp_linked",
                      .table_heading = "clients: nothing near %",
                      .table_scale = 100});
  outcomes.push_back({.name = "sp_dropped",
                      .description = "share of residents who screened positive and dropped off "
                                     "the waiting list at least once (link workers full)",
                      .numerator = "sp_dropped",
                      .denominator = "sp_positive",
                      .table_heading = "positive: dropped off list %",
                      .table_scale = 100});
  outcomes.push_back({.name = "sp_wait_weeks",
                      .description = "mean weeks a link-worker client waited to be taken",
                      .numerator = "sp_waited_weeks",
                      .denominator = "sp_intakes",
                      .table_heading = "mean wait, weeks"});
  return outcomes;
}

void SocialPrescribing::init(Simulation& sim) {
  Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  stream_ = sim.stream(kSocialPrescribingStream);
  hardship_ = HardshipColumns::registered_on(p);
  food_ = FoodAccessColumns::registered_on(p);
  const auto never = [&p](const char* name, const char* unit, const char* description) {
    return p.add_column<StoredStep>({name, unit, description}, kNever);
  };
  columns_ = {
      p.add_column<std::uint16_t>({"sp_screens", "", "social-prescribing screens at a clinic"}),
      never("sp_last_screen_step", "step", "step of the last screen, -1 never"),
      p.add_column<std::uint8_t>(
          {"sp_answers", "",
           "the last screen's answers as bits: 1 trouble paying bills, 2 short before pension "
           "day, 4 rarely sees friends, 8 rarely sees family"}),
      never("sp_first_positive_step", "step", "step of the first positive screen, -1 never"),
      p.add_column<StoredStep>({.name = "sp_waiting_since_step",
                                .unit = "step",
                                .description = "step joined the waiting list, -1 not waiting",
                                .output = false},
                               kNever),
      never("sp_first_intake_step", "step", "step a link worker first took them, -1 never"),
      p.add_column<StoredStep>({.name = "sp_client_until_step",
                                .unit = "step",
                                .description = "last step of the present period as a client",
                                .output = false},
                               kNever),
      p.add_column<StoredStep>(
          {"sp_waited_steps", "", "steps waited for a link worker, until taken (every time)"}),
      p.add_column<std::uint16_t>({"sp_intakes", "", "times a link worker took them as a client"}),
      p.add_column<std::uint8_t>(
          {"sp_referred", "",
           "destinations ever referred to, bits: 1 group, 2 mobile shop, 4 shuttle, 8 welfare"}),
      p.add_column<std::uint8_t>(
          {"sp_took_up", "", "destinations ever taken up, bits as sp_referred"}),
      p.add_column<std::uint8_t>(
          {"sp_nothing_near", "",
           "needs with nothing suitable within reach, bits: 1 contact, 2 food, 4 money"}),
      p.add_column<std::uint8_t>({"sp_dropped", "", "times dropped off the waiting list"}),
      p.add_column<StoredStep>({.name = "sp_next_visit_step",
                                .unit = "step",
                                .description = "step of the next screening visit",
                                .output = false},
                               kNever),
      p.add_column<float>({"nearest_clinic_m", "m", "distance to the nearest clinic, metres"},
                          std::numeric_limits<float>::infinity()),
  };
  relatives_ = shared_relative_lists(sim);

  // Clinics, and each resident's nearest (their doctor).
  clinics_ = place_clinics(params_.clinics, map_.districts, p, stream_);
  for (const PlacedClinic& c : clinics_) {
    clinic_x_.push_back(static_cast<float>(c.point.x_m));
    clinic_y_.push_back(static_cast<float>(c.point.y_m));
    clinic_screening_.push_back(c.screens);
    clinic_district_.push_back(c.district);
  }
  const SpatialGrid grid(clinic_x_, clinic_y_, 1000.0);
  clinic_of_.assign(p.size(), -1);
  std::vector<float>& nearest = p[columns_.nearest_clinic_m];
  nearest_for_each_home(
      grid, clinics_.size(), p.x_m, p.y_m, clinics_.empty() ? 0.0 : clinic_x_[0],
      clinics_.empty() ? 0.0 : clinic_y_[0],
      [&](std::size_t i, ResidentId k) {
        return std::pair(p.x_m[i] - clinics_[k].point.x_m, p.y_m[i] - clinics_[k].point.y_m);
      },
      [&](std::size_t i, const NearestPoint& n) {
        clinic_of_[i] = n.index;
        nearest[i] = static_cast<float>(n.distance_m);
      });
  clinic_patients_.assign(clinics_.size(), 0);
  clinic_screens_.assign(clinics_.size(), 0);
  clinic_positives_.assign(clinics_.size(), 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] == 0 && clinic_of_[i] >= 0) ++clinic_patients_[clinic_of_[i]];
  }

  // Each row's first screening visit. The starting residents fall due at a uniform point of the
  // first interval from the opening (as each patient's yearly review comes round; all due at
  // once would make every later year a wave); entrants are due when they enter.
  const std::int32_t interval = steps_until(params_.screening.interval_months / 12.0, dt);
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    const auto id = static_cast<ResidentId>(i);
    const std::int64_t due =
        p.entry_step[i] > 0
            ? p.entry_step[i]
            : params_.opens_step + static_cast<std::int64_t>(
                                       stream_.uniform(kSetupStep, i, kFirstDueDraw) * interval);
    schedule_visit(p, id, due - 1, kSetupStep, dt);
  });

  // Teams, workers and their competence.
  const std::vector<LinkWorkerTeam>& teams = params_.link_workers.teams;
  team_of_district_.assign(map_.districts.size(), -1);
  for (std::size_t d = 0; d < map_.districts.size(); ++d) {
    for (std::size_t t = 0; t < teams.size() && team_of_district_[d] < 0; ++t) {
      const auto& names = teams[t].districts;
      if (names.empty() ||
          std::find(names.begin(), names.end(), map_.districts[d].name) != names.end())
        team_of_district_[d] = static_cast<std::int32_t>(t);
    }
  }
  for (std::size_t t = 0; t < teams.size(); ++t) {
    for (std::int32_t k = 0; k < teams[t].staff; ++k) {
      const std::size_t w = competence_.size();
      competence_.push_back(
          competence_at(params_.link_workers, stream_.uniform(kSetupStep, w, kWorkerDraw)));
      team_of_worker_.push_back(static_cast<std::int32_t>(t));
    }
  }
  caseloads_ = std::make_unique<Caseloads>(team_of_worker_, teams.size(),
                                           params_.link_workers.caseload_per_year * dt);
  worker_clients_.assign(competence_.size(), 0);
  worker_referrals_.assign(competence_.size(), 0);
  worker_uptakes_.assign(competence_.size(), 0);
  worker_waited_.assign(competence_.size(), 0);

  // The services a client can be referred to, numbered in the book: the groups (a group's number
  // is its place in groups_), the mobile shop, the shuttle. They find the book at start.
  std::vector<std::string> services;
  for (CommunityGroups* g : sim.modules_of_type<CommunityGroups>()) {
    groups_.push_back(g);
    services.emplace_back(g->name());
  }
  if (const auto shops = sim.modules_of_type<MobileShop>(); !shops.empty()) {
    shop_ = shops.front();
    shop_service_ = services.size();
    services.emplace_back(shop_->name());
  }
  if (const auto shuttles = sim.modules_of_type<Shuttle>(); !shuttles.empty()) {
    shuttle_ = shuttles.front();
    shuttle_service_ = services.size();
    services.emplace_back(shuttle_->name());
  }
  book_.open(p, std::move(services));
  if (const auto h = sim.modules_of_type<FinancialHardship>(); !h.empty())
    hardship_module_ = h.front();

  // What the run counts.
  const std::uint16_t* screens = p[columns_.screens].data();
  const StoredStep* positive = p[columns_.first_positive].data();
  const StoredStep* intake = p[columns_.first_intake].data();
  const std::uint8_t* referred = p[columns_.referred].data();
  const std::uint8_t* took_up = p[columns_.took_up].data();
  const std::uint8_t* nothing = p[columns_.unmet_nothing_near].data();
  const StoredStep* waited = p[columns_.waited_steps].data();
  const double weeks_per_step = sim.clock().days_per_step / 7.0;
  Tallies& tallies = sim.tallies();
  tallies.add({"sp_screened", "residents screened at least once",
               [screens](ResidentId i) { return screens[i] > 0 ? 1.0 : 0.0; }});
  tallies.add({"sp_positive", "residents who screened positive at least once",
               [positive](ResidentId i) { return positive[i] != kNever ? 1.0 : 0.0; }});
  tallies.add({"sp_linked", "residents a link worker took as a client",
               [intake](ResidentId i) { return intake[i] != kNever ? 1.0 : 0.0; }});
  tallies.add({"sp_took_up_any", "residents who took up a referral",
               [took_up](ResidentId i) { return took_up[i] != 0 ? 1.0 : 0.0; }});
  for (int d = 0; d < kDestinations; ++d) {
    const std::string name(kDestinationNames[d]);
    const std::uint8_t bit = destination_bit(static_cast<Destination>(d));
    tallies.add({"sp_referred_" + name, "residents referred to " + name,
                 [referred, bit](ResidentId i) { return referred[i] & bit ? 1.0 : 0.0; }});
    tallies.add({"sp_took_up_" + name, "residents who took up a referral to " + name,
                 [took_up, bit](ResidentId i) { return took_up[i] & bit ? 1.0 : 0.0; }});
  }
  const auto without_car = [&p](ResidentId i) { return without_car_at_entry(p, i); };
  tallies.add({"residents_without_car", "residents who did not drive at entry",
               [without_car](ResidentId i) { return without_car(i) ? 1.0 : 0.0; }});
  constexpr std::uint8_t group_bit = destination_bit(Destination::kGroup);
  tallies.add({"sp_took_up_group_without_car",
               "residents who did not drive at entry who took up a referral to a group",
               [took_up, without_car](ResidentId i) {
                 return without_car(i) && (took_up[i] & group_bit) ? 1.0 : 0.0;
               }});
  tallies.add({"sp_nothing_near", "clients with a need and nothing suitable within reach",
               [nothing](ResidentId i) { return nothing[i] != 0 ? 1.0 : 0.0; }});
  const std::uint16_t* intakes = p[columns_.intakes].data();
  tallies.add({"sp_intakes", "times residents were taken as clients",
               [intakes](ResidentId i) { return static_cast<double>(intakes[i]); }});
  const std::uint8_t* dropped = p[columns_.dropped].data();
  tallies.add({"sp_dropped", "residents who dropped off the waiting list at least once",
               [dropped](ResidentId i) { return dropped[i] > 0 ? 1.0 : 0.0; }});
  tallies.add({"sp_waited_weeks", "weeks clients waited for a link worker until taken",
               [waited, weeks_per_step](ResidentId i) { return waited[i] * weeks_per_step; }});
  const StoredStep* waiting = p[columns_.waiting_since].data();
  sim.timeseries().declare("sp_waiting", "residents waiting for a link worker",
                           [waiting](const Population& pop, ResidentId id, std::int64_t) {
                             return ((pop.alive[id] != 0) & (waiting[id] != kNever)) != 0;
                           });
  sim.timeseries().declare(
      "sp_clients", "residents who are link-worker clients now",
      [c = p[columns_.client_until].data()](const Population& pop, ResidentId id,
                                            std::int64_t step) {
        return ((pop.alive[id] != 0) & (c[id] != kNever) & (c[id] >= stored_step(step))) != 0;
      });
}

void SocialPrescribing::start(Simulation& sim) {
  const Population& p = sim.population();
  friends_per_week_ = p.columns.find<float>("contacts_friends_per_week");
  family_per_week_ = p.columns.find<float>("contacts_family_per_week");
  if (!friends_per_week_.valid() || !family_per_week_.valid())
    throw std::logic_error("social prescribing needs the contacts mechanism's columns");
  book_.start(p);
}

void SocialPrescribing::schedule_visit(Population& p, ResidentId id, std::int64_t from,
                                       std::uint64_t key_step, double dt) {
  // Screening visits: visits at the resident's rate, each a screen with probability_per_visit
  // (thinning), drawn at their present age and frailty.
  const double age = p.age_at(id, std::max<std::int64_t>(from, p.entry_step[id]), dt);
  const double rate =
      visits_per_year(params_.visits, age, p.frailty(id)) * params_.screening.probability_per_visit;
  StoredStep& next = p[columns_.next_visit][id];
  // A resident whose doctor does not screen is never screened: no visit needs scheduling.
  const std::int32_t clinic = clinic_of_[id];
  if (rate <= 0 || clinic < 0 || !clinics_[clinic].screens) {
    next = stored_step(kForever);
    return;
  }
  const double years =
      -std::log1p(-stream_.uniform(static_cast<std::int64_t>(key_step), id, kVisitDraw)) / rate;
  next = stored_step(from + steps_until(years, dt));
}

void SocialPrescribing::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  const auto s = static_cast<std::int32_t>(step);
  const std::size_t n = p.entered_by(step);  // the living are among the rows entered
  // (1) Screening visits in this step, found block by block (in id order).
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  due_.resize(blocks);
  const StoredStep* next = p[columns_.next_visit].data();
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    due_[b].clear();
    for (std::size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
      if (next[i] == s && p.alive[i]) due_[b].push_back(static_cast<ResidentId>(i));
    }
  });
  // (1b) Each due resident screened in parallel (their own rows; counts are atomic sums); those
  // to be listed join the waiting lists afterwards, as the lists are shared, in the order of
  // their scrambled ids: rows lie in the order of homes, so id order would put one end of each
  // team's area first in the queue among those listed in the same step.
  listed_.resize(blocks);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    listed_[b].clear();
    for (ResidentId id : due_[b]) {
      const std::int32_t team = screen(sim, id, step);
      if (team >= 0) listed_[b].emplace_back(team, id);
    }
  });
  joining_.clear();
  for (const auto& block : listed_) {
    for (const auto& [team, id] : block) joining_.push_back({scrambled_id(id), team, id});
  }
  std::sort(joining_.begin(), joining_.end());
  for (const auto& [key, team, id] : joining_) caseloads_->enqueue(team, id, s);
  if (step < params_.opens_step) return;
  // (2)-(3) Link workers take clients from the waiting lists.
  const auto max_wait = static_cast<std::int32_t>(
      std::floor(params_.link_workers.max_wait_weeks / (dt * kWeeksPerYear)));
  caseloads_->step(
      s, max_wait,
      [&](ResidentId id) {
        // Died while waiting: off the list, no longer waiting.
        if (p.alive[id]) return false;
        p[columns_.waiting_since][id] = kNever;
        return true;
      },
      [&](ResidentId id, std::int32_t worker, std::int32_t since) {
        taken_.push_back({id, worker, since});
      },
      [&](ResidentId id, std::int32_t /*since*/) {
        p[columns_.waiting_since][id] = kNever;
        std::uint8_t& dropped = p[columns_.dropped][id];
        if (dropped < 255) ++dropped;
      });
  // The clients taken, in parallel in blocks (each reads and writes their own rows), then the
  // referrals they took up into the book in the order they were taken.
  const std::size_t intake_blocks = (taken_.size() + kIntakeBlock - 1) / kIntakeBlock;
  if (book_entries_.size() < intake_blocks) book_entries_.resize(intake_blocks);
  tbb::parallel_for(std::size_t{0}, intake_blocks, [&](std::size_t b) {
    IntakeScratch& scratch = intake_scratch_.local();
    book_entries_[b].clear();
    for (std::size_t k = b * kIntakeBlock; k < std::min(taken_.size(), (b + 1) * kIntakeBlock); ++k)
      take_client(sim, taken_[k], step, scratch, book_entries_[b]);
  });
  for (std::size_t b = 0; b < intake_blocks; ++b) {
    for (const BookEntry& entry : book_entries_[b])
      book_.refer(p, entry.id, entry.service, entry.until);
  }
  taken_.clear();
}

std::int32_t SocialPrescribing::screen(Simulation& sim, ResidentId id, std::int64_t step) {
  Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  const auto s = static_cast<std::int32_t>(step);
  const std::int32_t interval = steps_until(params_.screening.interval_months / 12.0, dt);
  const std::int32_t clinic = clinic_of_[id];
  const bool open = step >= params_.opens_step;
  const bool screens = open && clinic >= 0 && clinics_[clinic].screens;
  // Only a visit the resident can make is a screen: their doctor's clinic within reach.
  bool reached = false;
  if (screens) {
    const double age = p.age_at(id, step, dt);
    reached = means_to(getting_about_, p, id, age, p[columns_.nearest_clinic_m][id], {},
                       relatives_->of(id)) != Means::kNone;
  }
  if (!reached) {
    schedule_visit(p, id, step, static_cast<std::uint64_t>(step), dt);
    return -1;
  }
  // Screened: the next screening visit is due after the interval.
  schedule_visit(p, id, step + interval - 1, static_cast<std::uint64_t>(step), dt);
  ScreenInputs in;
  in.in_hardship = p[hardship_.in_hardship][id] != 0;
  in.hardship_in_past_year = p[hardship_.last_step][id] >= s - steps_until(1.0, dt);
  in.income_million_yen = p.income[id];
  in.friends_per_week = p[friends_per_week_][id];
  in.family_per_week = p[family_per_week_][id];
  const ScreenAnswers answers = screen_answers(params_.screening, hardship_params_, in);
  std::uint16_t& screens_done = p[columns_.screens][id];
  if (screens_done < 0xffff) ++screens_done;
  std::atomic_ref(screens_total_).fetch_add(1, std::memory_order_relaxed);
  std::atomic_ref(clinic_screens_[clinic]).fetch_add(1, std::memory_order_relaxed);
  const StoredStep now = stored_step(step);
  p[columns_.last_screen][id] = now;
  p[columns_.answers][id] = answers.bits();
  if (answers.score() < params_.screening.positive_threshold) return -1;
  std::atomic_ref(clinic_positives_[clinic]).fetch_add(1, std::memory_order_relaxed);
  if (p[columns_.first_positive][id] == kNever) p[columns_.first_positive][id] = now;
  // Already waiting or a client now: not listed again.
  if (p[columns_.waiting_since][id] != kNever || p[columns_.client_until][id] >= s) return -1;
  const std::int32_t team = team_of_district_[p.district[id]];
  if (team < 0) return -1;  // no team serves the district
  p[columns_.waiting_since][id] = now;
  return team;
}

void SocialPrescribing::options_for(const Simulation& sim, ResidentId id, std::uint8_t needs,
                                    std::int64_t step, std::vector<Option>& options) const {
  const Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  options.clear();
  if (needs & need_bit(Need::kContact)) {
    const bool shuttle_to_salons =
        shuttle_ != nullptr && shuttle_->would_take(p, id, step, dt, kShuttleToSalons);
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      if (groups_[g]->is_member(p, id)) continue;
      const CommunityGroups::VenueReach reach = groups_[g]->reach_of(p, id, step, dt);
      if (reach.venue < 0) continue;
      const auto target = static_cast<std::int32_t>(g);
      if (reach.access >= params_.uptake.min_access) {
        options.push_back(
            {Need::kContact, Destination::kGroup, target, reach.access, false, reach.fee_yen});
      }
      // A seat on the shuttle, where it is easier than the client's own way there.
      if (shuttle_to_salons && groups_[g]->shuttle_goes() &&
          reach.access < params_.uptake.or_shuttle) {
        options.push_back({Need::kContact, Destination::kGroup, target, params_.uptake.or_shuttle,
                           true, reach.fee_yen});
      }
    }
  }
  // The mobile shop: its drop-by lunch salon for a client living alone within walking range of
  // a stop that hosts one (contact); its stops for a client with poor food access (food).
  const MobileShop::StopReach stop =
      shop_ != nullptr && (needs & (need_bit(Need::kContact) | need_bit(Need::kFood)))
          ? shop_->stop_reach(p, id, step, dt)
          : MobileShop::StopReach{};
  if ((needs & need_bit(Need::kContact)) && stop.lunch && p.lives_alone[id])
    options.push_back({Need::kContact, Destination::kMobileShop, 0, 1.0, false, 0.0});
  if (needs & need_bit(Need::kFood)) {
    if (stop.within_walk)
      options.push_back({Need::kFood, Destination::kMobileShop, 0, 1.0, false, 0.0});
    if (shuttle_ != nullptr && shuttle_->would_take(p, id, step, dt, kShuttleToStores))
      options.push_back(
          {Need::kFood, Destination::kShuttle, 0, params_.uptake.or_shuttle, true, 0.0});
  }
  if ((needs & need_bit(Need::kMoney)) && params_.welfare_counselling.available)
    options.push_back({Need::kMoney, Destination::kWelfare, 0, 1.0, false, 0.0});
}

void SocialPrescribing::take_client(Simulation& sim, const Intake& intake, std::int64_t step,
                                    IntakeScratch& scratch, std::vector<BookEntry>& book) {
  Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  const auto s = static_cast<std::int32_t>(step);
  const auto [id, worker, since] = intake;
  // Counts shared by every client: integer sums, the same in any order.
  const auto add = [](std::int32_t& count, std::int32_t value = 1) {
    std::atomic_ref(count).fetch_add(value, std::memory_order_relaxed);
  };
  p[columns_.waiting_since][id] = kNever;
  StoredStep& waited = p[columns_.waited_steps][id];
  waited = stored_step(waited + s - since);
  add(worker_waited_[worker], s - since);
  add(worker_clients_[worker]);
  if (p[columns_.first_intake][id] == kNever) p[columns_.first_intake][id] = stored_step(s);
  std::uint16_t& intakes = p[columns_.intakes][id];
  if (intakes < 0xffff) ++intakes;
  const std::int32_t follow_up =
      steps_until(params_.link_workers.contacts_per_client / kWeeksPerYear, dt);
  p[columns_.client_until][id] = stored_step(std::int64_t{s} + follow_up);
  // Needs: the screen's, and food access the first meeting finds.
  const ScreenAnswers answers = ScreenAnswers::from_bits(p[columns_.answers][id]);
  std::uint8_t needs = 0;
  if (answers.contact_need()) needs |= need_bit(Need::kContact);
  if (answers.money_need()) needs |= need_bit(Need::kMoney);
  if (p[food_.poor][id]) needs |= need_bit(Need::kFood);
  std::vector<Option>& options = scratch.options;
  std::vector<double>& found_draw = scratch.found_draw;
  options_for(sim, id, needs, step, options);
  found_draw.resize(options.size());
  for (std::size_t k = 0; k < options.size(); ++k)
    found_draw[k] = stream_.uniform(step, id, kFoundDraw + k);
  const double competence = competence_[worker];
  const Match match = match_needs(needs, options, found_draw, competence);
  p[columns_.unmet_nothing_near][id] |= match.unmet_nothing_near;
  const bool trusts =
      stream_.uniform(kSetupStep, id, kTrustDraw) < params_.uptake.trusts_doctor_share;
  for (std::size_t k = 0; k < match.referred.size(); ++k) {
    const Option& o = match.referred[k];
    const auto d = static_cast<std::size_t>(o.destination);
    p[columns_.referred][id] |= destination_bit(o.destination);
    add(referrals_[d]);
    add(worker_referrals_[worker]);
    if (o.by_shuttle && o.destination == Destination::kGroup) {
      p[columns_.referred][id] |= destination_bit(Destination::kShuttle);
      add(referrals_[static_cast<std::size_t>(Destination::kShuttle)]);
    }
    const double chance = uptake_probability(params_.uptake, competence, trusts, o);
    if (stream_.uniform(step, id, kUptakeDraw + k) >= chance) continue;
    p[columns_.took_up][id] |= destination_bit(o.destination);
    add(uptakes_[d]);
    add(worker_uptakes_[worker]);
    switch (o.destination) {
      case Destination::kGroup:
        book.push_back({id, static_cast<std::size_t>(o.target), s + follow_up});
        if (o.by_shuttle) {
          book.push_back({id, shuttle_service_, kForever});
          p[columns_.took_up][id] |= destination_bit(Destination::kShuttle);
          add(uptakes_[static_cast<std::size_t>(Destination::kShuttle)]);
        }
        break;
      case Destination::kMobileShop:
        book.push_back({id, shop_service_, kForever});
        break;
      case Destination::kShuttle:
        book.push_back({id, shuttle_service_, kForever});
        break;
      case Destination::kWelfare:
        add(welfare_cases_);
        if (hardship_module_ != nullptr &&
            stream_.uniform(step, id, kReliefDraw) <
                params_.welfare_counselling.relief_probability &&
            hardship_module_->relieve(p, id, step, dt))
          add(relieved_);
        break;
    }
  }
}

double SocialPrescribing::cost_yen(const Simulation& sim) const {
  const double workers = static_cast<double>(competence_.size());
  return running_cost_yen(workers * params_.link_workers.yearly_cost_yen, params_.opens_step, -1,
                          sim.current_step(), sim.clock().years_per_step()) +
         static_cast<double>(screens_total_) * params_.screening.cost_per_screen_yen +
         static_cast<double>(welfare_cases_) * params_.welfare_counselling.cost_per_case_yen;
}

void SocialPrescribing::finalize(Simulation& sim) {
  // Who was reached, by characteristics at entry (rows of kReachRows).
  const Population& p = sim.population();
  const std::int64_t steps = sim.clock().steps;
  for (auto& column : reach_) column.assign(kReachRows, 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.entry_step[i] >= steps) continue;
    const auto id = static_cast<ResidentId>(i);
    const std::array<bool, kReachRows> in_row = {true,
                                                 p.income_low[i] != 0,
                                                 p.income_low[i] == 0,
                                                 p.sex[i] == static_cast<std::uint8_t>(Sex::kMale),
                                                 p.sex[i] != static_cast<std::uint8_t>(Sex::kMale),
                                                 p.isolated0[i] != 0,
                                                 p.lives_alone[i] != 0,
                                                 without_car_at_entry(p, id)};
    const std::array<bool, kReachColumns> counts = {
        true,
        p[columns_.screens][id] > 0,
        p[columns_.first_positive][id] != kNever,
        p[columns_.first_intake][id] != kNever,
        p[columns_.took_up][id] != 0,
        (p[columns_.took_up][id] & destination_bit(Destination::kGroup)) != 0};
    for (std::size_t r = 0; r < kReachRows; ++r) {
      if (!in_row[r]) continue;
      for (std::size_t c = 0; c < kReachColumns; ++c) reach_[c][r] += counts[c];
    }
  }
}

std::size_t SocialPrescribing::bytes() const {
  std::size_t total = bytes_of(clinic_of_) + bytes_of(due_) + bytes_of(listed_) +
                      bytes_of(joining_) + bytes_of(taken_) + bytes_of(book_entries_) +
                      book_.bytes();
  for (const IntakeScratch& scratch : intake_scratch_)
    total += bytes_of(scratch.options) + bytes_of(scratch.found_draw);
  for (const std::vector<std::int32_t>& column : reach_) total += bytes_of(column);
  return total;
}

void SocialPrescribing::add_output_tables(const Simulation& sim,
                                          std::vector<OutputTable>& tables) const {
  (void)sim;
  std::string names;
  for (const PlacedClinic& c : clinics_) {
    if (!names.empty()) names += '\n';
    names += c.name;
  }
  tables.push_back(
      {"social_prescribing_clinics",
       "clinics: place, whether they screen, their patients at the start, screens "
       "and positive screens",
       {{"x_m", "x on the map", column_view(clinic_x_), "m"},
        {"y_m", "y on the map", column_view(clinic_y_), "m"},
        {"district", "district of a generated clinic, -1 listed", column_view(clinic_district_)},
        {"screens", "1 if its doctors screen", column_view(clinic_screening_)},
        {"patients", "starting residents whose nearest clinic it is",
         column_view(clinic_patients_)},
        {"screened", "screens done", column_view(clinic_screens_)},
        {"positive", "positive screens", column_view(clinic_positives_)}},
       {{"names", names}}});
  tables.push_back(
      {"social_prescribing_link_workers",
       "link workers: team, competence, clients taken, referrals made and taken up, "
       "steps their clients waited",
       {{"team", "team (index into the scenario's link_workers.teams)",
         column_view(team_of_worker_)},
        {"competence", "competence (0-1)", column_view(competence_)},
        {"clients", "clients taken", column_view(worker_clients_)},
        {"referrals", "referrals made", column_view(worker_referrals_)},
        {"uptakes", "referrals taken up", column_view(worker_uptakes_)},
        {"waited_steps", "steps their clients waited, summed", column_view(worker_waited_)}}});
  const std::string destinations = fmt::format("{}", fmt::join(kDestinationNames, ","));
  tables.push_back({"social_prescribing_destinations",
                    "referrals and uptakes by destination (a group reached by the shuttle counts "
                    "for the shuttle too); welfare cases and those whose hardship counselling "
                    "ended",
                    {{"referrals", "referrals made", column_view(referrals_)},
                     {"uptakes", "referrals taken up", column_view(uptakes_)}},
                    {{"destinations", destinations},
                     {"welfare_cases", std::to_string(welfare_cases_)},
                     {"welfare_cases_relieved", std::to_string(relieved_)}}});
  const std::string rows = fmt::format("{}", fmt::join(kReachRowNames, ","));
  tables.push_back({"social_prescribing_reach",
                    "who the programme reached: residents entered during the run by "
                    "characteristic at entry (rows in the attribute 'rows'), and how many were "
                    "screened, screened positive, became clients, took up any referral, took up "
                    "a group",
                    {{"residents", "residents", column_view(reach_[0])},
                     {"screened", "screened at least once", column_view(reach_[1])},
                     {"positive", "screened positive", column_view(reach_[2])},
                     {"clients", "link-worker clients", column_view(reach_[3])},
                     {"took_up", "took up a referral", column_view(reach_[4])},
                     {"took_up_group", "took up a group", column_view(reach_[5])}},
                    {{"rows", rows}}});
}

}  // namespace salonsim::models
