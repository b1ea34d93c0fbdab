#include "models/groups/groups.hpp"
#include "models/groups/where_next.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <tuple>

#include "models/groups/activity.hpp"
#include "models/groups/join_draw.hpp"
#include "models/groups/next_try.hpp"
#include "models/groups/session_split.hpp"
#include "models/town/town_builder.hpp"
#include "sim/admission.hpp"
#include "sim/distance.hpp"
#include "sim/output/tables.hpp"
#include "sim/simulation.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim::models {

namespace {

// Draw counters in the salons stream, per (step, resident).
constexpr std::uint64_t kDecisionDraw = 0;  // [0] come or join, [1] invited, [2] quit
constexpr std::uint64_t kPriorityDraw = 1;
constexpr std::uint64_t kTieDraw = 2;           // [0] befriend someone, [1] whom
constexpr std::uint64_t kPropensityDraw = 3;    // at set-up
constexpr std::uint64_t kStartDraw = 4;         // at set-up and at entry: a member from the start
constexpr std::uint64_t kJoinerDraw = 0;        // in the joiners stream, at set-up
constexpr std::uint64_t kStartTiesDraw = 5;     // at set-up: [0] how many co-member ties
constexpr std::uint64_t kReadinessDraw = 6;     // the next moment to try to join, afresh
constexpr std::uint64_t kStartPartnerDraw = 8;  // at set-up: partners, 4 per draw from here on
constexpr int kFriendsWindowDays = 28;          // "attended in the last four weeks"
constexpr double kEntryAge = 65;                // residents enter the town at 65
constexpr double kFrailestIndependent = 0.95;   // the town builder's cap below certification

bool open_in_step(const Venue& venue, std::int64_t step) {
  return open_at(venue.opens_step, venue.closes_step, step);
}

// Up to `count` sites of the gaps rule (greedy maximum coverage of the starting residents within
// `radius_m`), after the venues `placed` already.
GapsOrder gap_sites(const Population& p, std::size_t starting, double radius_m,
                    const std::vector<PlacedVenue>& placed, std::size_t count) {
  const SpatialGrid grid(std::span(p.x_m).first(starting), std::span(p.y_m).first(starting),
                         radius_m);
  std::vector<std::uint8_t> served(starting, 0);
  for (const PlacedVenue& v : placed)
    grid.for_each_within(v.x_m, v.y_m, radius_m, [&](ResidentId id) { served[id] = 1; });
  // Candidate sites: the homes of an evenly spaced sample of residents.
  const std::size_t stride = std::max<std::size_t>(1, starting / 3000);
  std::vector<float> cx, cy;
  for (std::size_t site = 0; site < starting; site += stride)
    cx.push_back(p.x_m[site]), cy.push_back(p.y_m[site]);
  GapsOrder sites;
  for (const std::size_t c : pick_sites(grid, cx, cy, radius_m, served, count))
    sites.x_m.push_back(cx[c]), sites.y_m.push_back(cy[c]);
  return sites;
}

// Adds the venues of one placement rule to `placed`, counting residents served by the venues
// already there.
void place_by_rule(const Placement& rule, const TownMap& town, const Population& p,
                   std::vector<PlacedVenue>& placed, Simulation* sim) {
  std::int32_t k = 0;
  const auto add_placed = [&](double x, double y) {
    PlacedVenue v{rule.template_venue, x, y};
    v.venue.name = rule.template_venue.name + " " + std::to_string(k + 1);
    v.venue.opens_step = rule.first_opens_step + k * rule.opening_interval_steps;
    placed.push_back(v);
    ++k;
  };
  if (rule.rule == PlacementRule::kDistrictCentres) {
    for (const District& d : town.districts) add_placed(d.centre_m[0], d.centre_m[1]);
  } else if (rule.rule == PlacementRule::kGaps) {
    // The starting residents only (entrants are the rows after them): where venues go does not
    // depend on who will enter.
    std::size_t starting = 0;
    while (starting < p.size() && p.entry_step[starting] == 0) ++starting;
    const auto count = rule.count > 0
                           ? static_cast<std::size_t>(rule.count)
                           : static_cast<std::size_t>(std::llround(
                                 rule.venues_per_100k * static_cast<double>(starting) / 1e5));
    const double radius_m = rule.coverage_radius_m;
    if (placed.empty() && sim != nullptr) {
      // In a town with no venue yet the greedy's picks depend only on the radius, and a smaller
      // count takes a prefix of them: the kinds that place venues with the same radius share
      // one order of every site it would take, worked out once a run.
      const std::shared_ptr<const GapsOrder> order =
          sim->shared<GapsOrder>(fmt::format("gaps_order radius_m={:.17g}", radius_m), [&] {
            return gap_sites(p, starting, radius_m, {}, std::numeric_limits<std::size_t>::max());
          });
      for (std::size_t k = 0; k < std::min(count, order->x_m.size()); ++k)
        add_placed(order->x_m[k], order->y_m[k]);
      return;
    }
    const GapsOrder sites = gap_sites(p, starting, radius_m, placed, count);
    for (std::size_t k = 0; k < sites.x_m.size(); ++k) add_placed(sites.x_m[k], sites.y_m[k]);
  }
}

}  // namespace

std::vector<PlacedVenue> place_venues(const GroupParams& groups, const TownMap& town,
                                      const Population& p, Simulation* sim) {
  return place_venues(groups.venues, {groups.placement}, town, p, sim);
}

std::vector<PlacedVenue> place_venues(const std::vector<Venue>& listed,
                                      const std::vector<Placement>& rules, const TownMap& town,
                                      const Population& p, Simulation* sim) {
  std::vector<PlacedVenue> placed;
  for (const Venue& venue : listed) {
    const Point point =
        point_of({venue.location_m, venue.district}, town.districts, "venue '" + venue.name + "'");
    placed.push_back({venue, point.x_m, point.y_m});
  }
  for (const Placement& rule : rules) place_by_rule(rule, town, p, placed, sim);
  return placed;
}

double group_access(const Participation& q, Means means, double distance_m,
                    double walking_range_m) {
  if (distance_m <= walking_range_m) return 1.0;
  const double walking = std::exp(-(distance_m - walking_range_m) / q.beyond_walking_decay_m);
  switch (means) {
    case Means::kShuttle:
    case Means::kFoot:
      return 1.0;
    case Means::kCar:
      return std::max(q.drives_access, walking);
    case Means::kBus:  // no bus legs are computed for venues yet; a bus would count as a lift
    case Means::kLift:
      return std::max(q.lifts_access, walking);
    case Means::kNone:
      break;
  }
  return walking;
}

bool meets_in_step(const Venue& venue, std::int64_t step, int days_per_step) {
  if (!open_in_step(venue, step)) return false;
  const std::int64_t period = schedule_period_days(venue.schedule);
  const std::int64_t first_day = step * days_per_step, end_day = first_day + days_per_step;
  // The first meeting day on or after first_day: days congruent to weekday modulo the period.
  const std::int64_t offset = ((venue.weekday - first_day) % period + period) % period;
  return first_day + offset < end_day;
}

GroupsSetting groups_setting(const TownParams& town, double acquaintance_fade_per_year) {
  return {town.frailty.increase_per_year, acquaintance_fade_per_year};
}

double steady_membership(double join_probability, double quit_probability) {
  if (join_probability <= 0) return 0.0;
  return join_probability / (join_probability + quit_probability);
}

double personal_join_odds(const Participation& q, const Population& p, ResidentId id,
                          const HealthAt& at) {
  return personal_odds_before_frailty(q, p, id, at) * std::exp(q.frailty_log_or * at.frailty);
}

double personal_odds_before_frailty(const Participation& q, const PersonalFactors& f) {
  double odds = q.join_odds;
  if (f.female) odds *= q.or_women;
  if (f.low_income) odds *= q.or_low_income;
  if (f.lives_alone) odds *= q.or_lives_alone;
  if (f.isolated) odds *= q.or_isolated;
  if (f.certified) odds *= q.or_certified;
  if (f.age >= 85) {
    odds *= q.or_age_85_plus;
  } else if (f.age >= 75) {
    odds *= q.or_age_75_84;
  }
  return odds;
}

double personal_odds_before_frailty(const Participation& q, const Population& p, ResidentId id,
                                    const HealthAt& at) {
  return personal_odds_before_frailty(q, personal_factors(p, id, at.age, at.certified));
}

PersonalOddsTable::PersonalOddsTable(const Participation& q) {
  constexpr std::array<double, 3> kAgeInBand{70, 80, 90};
  for (std::size_t index = 0; index < odds_.size(); ++index) {
    odds_[index] = personal_odds_before_frailty(q, {.female = (index & 1) != 0,
                                                    .low_income = (index & 2) != 0,
                                                    .lives_alone = (index & 4) != 0,
                                                    .isolated = (index & 8) != 0,
                                                    .certified = (index & 16) != 0,
                                                    .age = kAgeInBand[index >> 5]});
  }
}

double join_odds(const Participation& q, const Population& p, ResidentId id, const HealthAt& at,
                 int friends_attending, double fee_yen) {
  return personal_join_odds(q, p, id, at) *
         std::pow(q.or_per_friend_attending, std::min(friends_attending, q.max_friends_counted)) *
         std::pow(q.or_per_100_yen, fee_yen / 100.0);
}

double join_odds(const Participation& q, const Population& p, ResidentId id, double age,
                 int friends_attending, double fee_yen) {
  return join_odds(q, p, id, {age, p.frailty(id), p.certified[id] != 0}, friends_attending,
                   fee_yen);
}

CommunityGroups::CommunityGroups(GroupKind kind, GroupParams params, TownMap map,
                                 GettingAbout getting_about, std::vector<NewGroupsParams> opened,
                                 GroupsSetting setting)
    : kind_(kind),
      name_(kind == GroupKind::kSalon ? std::string(kSalonsStream)
                                      : group_column(kind, "{}_groups")),
      params_(std::move(params)),
      opened_(std::move(opened)),
      setting_(setting),
      map_(std::move(map)),
      getting_about_(getting_about) {}

void CommunityGroups::init(Simulation& sim) {
  Population& p = sim.population();
  // The run's kinds share one SessionScratch: the first to init makes it.
  for (const CommunityGroups* other : sim.modules_of_type<CommunityGroups>()) {
    if (other != this && other->scratch_ != nullptr && scratch_ == nullptr)
      scratch_ = other->scratch_;
  }
  if (scratch_ == nullptr) {
    scratch_ = std::make_shared<SessionScratch>();
    owns_scratch_ = true;
  }
  attendance_ = GroupAttendance::registered_on(p, kind_);
  seats_ = ShuttleSeats::registered_on(p);
  const std::string word =
      kind_ == GroupKind::kSalon && label_.empty() ? "salon" : own_column("{} group");
  member_ = p.add_column<std::uint8_t>({.name = own_column("{}_member"),
                                        .unit = "",
                                        .description = "1 if a member of a " + word,
                                        .surveyed = true});
  if (kind_ == GroupKind::kSalon) {
    within_350m_ =
        p.add_column<std::uint16_t>({std::string(kSalonsWithin350mColumn), "",
                                     "salon venues within 350 m of home (all the run's venues)"});
    nearest_m_ =
        p.add_column<float>({"nearest_salon_m", "m", "distance to the nearest salon venue, metres"},
                            std::numeric_limits<float>::infinity());
  }
  std::vector<Venue> listed = params_.venues;
  std::vector<Placement> rules{params_.placement};
  for (const NewGroupsParams& opened : opened_) {
    listed.insert(listed.end(), opened.opens.venues.begin(), opened.opens.venues.end());
    rules.push_back(opened.opens.placement);
  }
  venues_ = place_venues(listed, rules, map_, p, &sim);
  assigned_ = false;
  const std::size_t n = p.size();
  venue_slots_.assign(n, venues_.size());
  propensity_.clear();
  propensity_.resize(n, boost::container::default_init);  // each drawn below
  relatives_ = shared_relative_lists(sim);
  const RandomStream stream = sim.stream(name_);
  const RandomStream joiners = sim.stream(kJoinersStream);
  const double sd = params_.participation.propensity_sd, w = params_.participation.joiner_weight;
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    // Part of the log propensity is the resident's general inclination to join (shared by
    // every kind), the rest this kind's own.
    double z = stream.normal(kSetupStep, i, kPropensityDraw);
    if (w > 0)
      z = std::sqrt(w) * joiners.normal(kSetupStep, i, kJoinerDraw) + std::sqrt(1.0 - w) * z;
    propensity_[i] = static_cast<float>(std::exp(sd * z - 0.5 * sd * sd));
  });
  const Participation& q = params_.participation;
  odds_ = {};
  for (std::int32_t k = 0; k <= std::max(0, q.max_friends_counted); ++k)
    odds_.friends.push_back(std::pow(q.or_per_friend_attending, k));
  odds_.most_for_friends = std::max(1.0, odds_.friends.back());
  odds_.most_for_frailty = std::max(1.0, std::exp(q.frailty_log_or));  // frailty lies in [0, 1]
  odds_.personal = PersonalOddsTable(q);
  for (std::size_t index = 0; index < odds_.most_personal.size(); ++index)
    odds_.most_personal[index] = odds_.personal.most((index & 1) != 0, (index & 2) != 0);
  assign_in_parallel(next_try_, n, StoredStep{-1});
  for (const PlacedVenue& venue : venues_) add_venue_state(venue);
  const std::uint8_t* member = p[member_].data();
  if (kind_ == GroupKind::kSalon) {
    // Salons within 350 m and the nearest one, over every venue the scenario ever opens: from a
    // grid of the venues searched around each home, the same counts and distances as comparing
    // every venue (the grid keeps float coordinates, off by millimetres: it is asked a metre
    // further, and each distance is the exact one).
    std::vector<std::uint16_t>& within = p[within_350m_];
    std::vector<float>& nearest = p[nearest_m_];
    const SpatialGrid grid(x_m_, y_m_, kNearVenueM);
    const auto offset = [&](std::size_t i, ResidentId v) {
      return std::pair(p.x_m[i] - venues_[v].x_m, p.y_m[i] - venues_[v].y_m);
    };
    nearest_for_each_home(
        grid, venues_.size(), p.x_m, p.y_m, venues_.empty() ? 0.0 : venues_[0].x_m,
        venues_.empty() ? 0.0 : venues_[0].y_m, offset,
        [&](std::size_t i, const NearestPoint& closest) {
          grid.for_each_within(p.x_m[i], p.y_m[i], kNearVenueM + 1.0, [&](ResidentId v) {
            const auto [dx, dy] = offset(i, v);
            within[i] += std::hypot(dx, dy) <= kNearVenueM;
          });
          if (closest.index >= 0) nearest[i] = static_cast<float>(closest.distance_m);
        });
    sim.timeseries().declare("salon_attendance", "residents who attended a salon this step",
                             [last = p[attendance_.last_step].data()](
                                 const Population&, ResidentId i, std::int64_t step) {
                               return last[i] == stored_step(step);
                             });
    sim.timeseries().declare(
        "salon_ever", "residents alive at the end of the step who have ever attended a salon",
        [first = p[attendance_.first_step].data()](const Population& pop, ResidentId i,
                                                   std::int64_t) {
          return ((pop.alive[i] != 0) & (first[i] >= 0)) != 0;  // & rather than &&: no branch
        });
  } else {
    sim.timeseries().declare(own_column("{}_members"),
                             "residents alive at the end of the step who belong to a " + word,
                             [member](const Population& pop, ResidentId i, std::int64_t) {
                               return (pop.alive[i] & member[i]) != 0;  // no branch
                             });
  }
  sim.tallies().add({own_column("{}_members"), "residents who belong to a " + word,
                     [&p, member](ResidentId i) { return p.alive[i] && member[i] ? 1.0 : 0.0; }});
  entered_ = 0;
  while (entered_ < n && p.entry_step[entered_] == 0) ++entered_;
  if (params_.members_at_start == MembersAtStart::kStationary) {
    start_members(sim);
    start_co_member_ties(sim);
  }
}

std::size_t CommunityGroups::bytes() const {
  std::size_t per_thread = 0;
  for (const SessionDecisions& found : decisions_)
    per_thread += bytes_of(found.quitting) + bytes_of(found.eligible);
  return (owns_scratch_ ? scratch_->bytes() : 0) + venue_slots_.bytes() + bytes_of(propensity_) +
         bytes_of(next_try_) + bytes_of(roster_) + bytes_of(new_ties_) + bytes_of(tied_rows_) +
         bytes_of(venues_) + bytes_of(invitation_chance_) + home_boxes_.bytes() +
         bytes_of(block_reach_) + per_thread;
}

std::size_t CommunityGroups::SessionScratch::bytes() const {
  return bytes_of(wanting) + bytes_of(candidates) + bytes_of(candidate_start) +
         bytes_of(chunk_places);
}

CommunityGroups& CommunityGroups::labelled(std::string label) {
  label_ = std::move(label);
  name_ = own_column("{}_groups");
  return *this;
}

std::string CommunityGroups::own_column(std::string_view pattern) const {
  return label_.empty() ? group_column(kind_, pattern) : fmt::format(fmt::runtime(pattern), label_);
}

void CommunityGroups::start(Simulation& sim) {
  const Population& p = sim.population();
  const Column<StoredStep> invited = p.columns.find<StoredStep>(kOutreachInvitedUntilColumn);
  invited_until_ = invited.valid() ? p[invited].data() : nullptr;
  referred_.find(sim, name_);
}

CommunityGroups::VenueReach CommunityGroups::reach_of(const Population& p, ResidentId id,
                                                      std::int64_t step, double dt) const {
  const std::int32_t v = venue_of(id);
  if (v < 0) return {};
  return {v, access_of(p, id, step, dt, nullptr), venues_[v].venue.fee_yen};
}

void CommunityGroups::open_venue(const PlacedVenue& venue) {
  venues_.push_back(venue);
  add_venue_state(venue);
  if (!roster_.empty()) roster_.emplace_back();  // co-member rosters exist for started groups
}

void CommunityGroups::add_venue_state(const PlacedVenue& venue) {
  venue_slots_.widen_for(venues_.size());
  open_.push_back(0);  // not open yet: the next step's assignment opens it
  sessions_held_.push_back(0);
  attendance_total_.push_back(0);
  members_.push_back(0);
  eligible_.push_back(0);
  x_m_.push_back(static_cast<float>(venue.x_m));
  y_m_.push_back(static_cast<float>(venue.y_m));
  capacity_.push_back(venue.venue.capacity);
  opens_step_.push_back(venue.venue.opens_step);
  closes_step_.push_back(venue.venue.closes_step);
  schedule_.push_back(static_cast<std::uint8_t>(venue.venue.schedule));
  odds_.fee.push_back(std::pow(params_.participation.or_per_100_yen, venue.venue.fee_yen / 100.0));
  odds_.most_at_venue.push_back(odds_.fee.back() * odds_.most_for_frailty * odds_.most_for_friends);
  const double women = odds_.most_venue_women, men = odds_.most_venue_men;
  odds_.most_venue_women = std::max(women, odds_.fee.back());
  odds_.most_venue_men = std::max(men, odds_.fee.back() * venue.venue.join_or_men);
  // A venue that raises the bound makes the moments drawn with the old one too rare: draw
  // everyone's afresh (memoryless, so drawing again from now is the same process).
  if (odds_.most_venue_women > women || odds_.most_venue_men > men)
    std::fill(next_try_.begin(), next_try_.end(), -1);
  invitation_chance_.push_back(0);
}

void CommunityGroups::add_volunteers(std::size_t v, std::int32_t volunteers) {
  venues_.at(v).venue.volunteers += volunteers;
}

void CommunityGroups::start_co_member_ties(Simulation& sim) {
  // Members make ties at sessions (new_tie_probability each, with both ends counted) that fade
  // at the acquaintances' rate: in the steady state a member has 2 s a p / f such ties, with s
  // sessions a year, attendance a, tie probability p and fading f. Each starting member
  // proposes half of them to members of the same venue; serial, in id order.
  const std::vector<std::uint8_t>& member = sim.population()[member_];
  roster_.assign(venues_.size(), {});
  for (std::size_t i = 0; i < entered_; ++i)
    if (member[i] && venue_of(i) >= 0) roster_[venue_of(i)].push_back(static_cast<ResidentId>(i));
  for (std::size_t i = 0; i < entered_; ++i)
    if (member[i] && venue_of(i) >= 0)
      make_co_member_ties(sim, static_cast<ResidentId>(i), kSetupStep);
}

void CommunityGroups::make_co_member_ties(Simulation& sim, ResidentId id, std::int64_t step) {
  const GroupEffects& e = params_.effects;
  if (setting_.acquaintance_fade_per_year <= 0 || e.new_tie_probability <= 0) return;
  const Population& p = sim.population();
  const std::vector<std::uint8_t>& member = p[member_];
  const std::int32_t v = venue_of(id);
  const std::vector<ResidentId>& others = roster_[v];
  if (others.size() < 2) return;
  const double sessions = 365.25 / schedule_period_days(venues_[v].venue.schedule);
  const double half = sessions * params_.participation.attend_probability * e.new_tie_probability /
                      setting_.acquaintance_fade_per_year;
  const RandomStream stream = sim.stream(name_);
  constexpr std::uint32_t kMostTies = 16;
  const std::uint32_t ties =
      poisson_by_inversion(half, stream.uniform(step, id, kStartTiesDraw), kMostTies);
  for (std::uint32_t t = 0; t < ties; ++t) {
    const double u = stream.uniforms4(step, id, kStartPartnerDraw + t / 4)[t % 4];
    const std::size_t k = std::min(
        others.size() - 1, static_cast<std::size_t>(u * static_cast<double>(others.size())));
    const ResidentId other = others[k];
    // The roster keeps who belonged at the start and entrants who did: skip anyone who has died,
    // stopped or moved to another venue since (and oneself).
    if (other == id || !p.alive[other] || !member[other] || venue_of(other) != v) continue;
    sim.network().add_tie(
        id, other, {static_cast<float>(e.new_tie_contacts_per_week), TieKind::kAcquaintance});
  }
}

void CommunityGroups::assign_venues(const Population& p, std::int64_t step) {
  // Venues that open (and none that close) since the last assignment: each resident compares
  // their venue with the new ones only (many steps of a scenario whose venues open one by one).
  std::vector<std::int32_t> opened;
  bool only_openings = assigned_;
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    const auto now = static_cast<std::uint8_t>(open_in_step(venues_[v].venue, step));
    if (now != open_[v]) {
      if (now) opened.push_back(static_cast<std::int32_t>(v));
      only_openings = only_openings && now;
    }
    open_[v] = now;
  }
  if (only_openings && !opened.empty()) {
    assign_opened_venues(p, opened);
  } else {
    assign_nearest_venues(p);
  }
  assigned_ = true;
  count_eligible(p);
}

double CommunityGroups::squared_to_venue(const Population& p, std::size_t i, std::int32_t v) const {
  const double dx = p.x_m[i] - venues_[v].x_m, dy = p.y_m[i] - venues_[v].y_m;
  return dx * dx + dy * dy;
}

double CommunityGroups::compared_within_squared(const Population& p, std::size_t i) const {
  const std::int32_t v = venue_of(i);
  if (v < 0) return std::numeric_limits<double>::infinity();
  return squared_to_venue(p, i, v) * (1.0 + 1e-6) + 1e-6;
}

void CommunityGroups::measure_block_reach(const Population& p) {
  if (home_boxes_.rows() != p.size()) home_boxes_ = RowBoxes(p.x_m, p.y_m);
  block_reach_.resize(home_boxes_.blocks());
  tbb::parallel_for(std::size_t{0}, home_boxes_.blocks(), [&](std::size_t block) {
    double most = 0;
    for (std::size_t i = home_boxes_.first_row(block); i < home_boxes_.end_row(block); ++i)
      most = std::max(most, compared_within_squared(p, i));
    block_reach_[block] = most;
  });
}

void CommunityGroups::assign_opened_venues(const Population& p,
                                           const std::vector<std::int32_t>& opened) {
  // The same nearest venue as a search of every open venue (the lowest index among equals),
  // as only the opened venues can be nearer than each resident's. A quick test of squared
  // distances, with a margin far above their rounding, rules out most of them.
  const auto distance = [&](std::size_t i, std::int32_t v) {
    return std::hypot(p.x_m[i] - venues_[v].x_m, p.y_m[i] - venues_[v].y_m);
  };
  // Block by block of homes: a block whose box lies beyond its reach from every opened venue
  // holds nobody the quick test would not rule out, so its rows are not read (its box's squared
  // distance is at most each home's; the factor covers a fused multiply-add's rounding).
  tbb::parallel_for(std::size_t{0}, home_boxes_.blocks(), [&](std::size_t block) {
    const bool reached = std::any_of(opened.begin(), opened.end(), [&](std::int32_t v) {
      return home_boxes_.squared_distance(block, venues_[v].x_m, venues_[v].y_m) * (1.0 - 1e-9) <=
             block_reach_[block];
    });
    if (!reached) return;
    double reach = 0;
    for (std::size_t i = home_boxes_.first_row(block); i < home_boxes_.end_row(block); ++i) {
      std::int32_t best = venue_of(i);
      double best_distance = -1;  // worked out when needed
      const double within_squared = compared_within_squared(p, i);
      for (const std::int32_t v : opened) {
        if (best >= 0 && squared_to_venue(p, i, v) > within_squared) continue;
        if (best >= 0 && best_distance < 0) best_distance = distance(i, best);
        const double d = distance(i, v);
        if (best < 0 || d < best_distance || (d == best_distance && v < best)) {
          best = v;
          best_distance = d;
        }
      }
      if (best_distance >= 0) venue_slots_.set(i, best);  // otherwise no opened venue is nearer
      reach = std::max(reach, best_distance >= 0 ? compared_within_squared(p, i) : within_squared);
    }
    block_reach_[block] = reach;
  });
}

void CommunityGroups::assign_nearest_venues(const Population& p) {
  std::vector<std::uint8_t>& member = const_cast<Population&>(p)[member_];
  // The open venues in a grid, searched outward from each home: the nearest (the lowest index
  // among equals), at double precision as the venues were placed.
  std::vector<float> open_x, open_y;
  std::vector<std::int32_t> open_index;
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    if (!open_[v]) continue;
    open_x.push_back(x_m_[v]);
    open_y.push_back(y_m_[v]);
    open_index.push_back(static_cast<std::int32_t>(v));
  }
  const double cell =
      open_index.empty() ? 1000.0 : std::max(100.0, params_.placement.coverage_radius_m);
  const SpatialGrid grid(open_x, open_y, cell);
  nearest_for_each_home(
      grid, open_index.size(), p.x_m, p.y_m, open_index.empty() ? 0.0 : open_x[0],
      open_index.empty() ? 0.0 : open_y[0],
      [&](std::size_t i, ResidentId k) {
        const std::int32_t v = open_index[k];
        return std::pair(p.x_m[i] - venues_[v].x_m, p.y_m[i] - venues_[v].y_m);
      },
      [&](std::size_t i, const NearestPoint& nearest) {
        // Grid indices follow venue order, so the lowest grid index is the lowest venue index.
        const std::int32_t best = nearest.index < 0 ? -1 : open_index[nearest.index];
        venue_slots_.set(i, best);
        // A member whose venue closed has to join again elsewhere.
        if (best < 0) member[i] = 0;
      });
  measure_block_reach(p);
}

void CommunityGroups::count_eligible(const Population& p) {
  // In parallel, into the threads' counts by slot as a session's decisions count them (integer
  // sums: the same for any thread count), then summed.
  for (SessionDecisions& d : decisions_) d.eligible.assign(venues_.size() + 1, 0);
  const std::uint8_t* alive = p.alive.data();
  const std::uint8_t* member = p[member_].data();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, p.size(), 16384), [&](const auto& range) {
    std::vector<std::int32_t>& eligible = decisions_.local().eligible;
    if (eligible.size() != venues_.size() + 1) eligible.assign(venues_.size() + 1, 0);
    for (std::size_t i = range.begin(); i != range.end(); ++i)
      eligible[venue_slots_.slot(i)] += alive[i] & !member[i];  // slot 0: no venue
  });
  std::fill(eligible_.begin(), eligible_.end(), 0);
  add_threads_eligible();
}

void CommunityGroups::add_threads_eligible() {
  for (const SessionDecisions& d : decisions_) {
    for (std::size_t v = 0; v < venues_.size(); ++v) eligible_[v] += d.eligible[v + 1];
  }
}

double CommunityGroups::readiness_chance(const Population& p, ResidentId id) const {
  const bool female = p.sex[id] == static_cast<std::uint8_t>(Sex::kFemale);
  const double most = odds_.most_personal[static_cast<std::size_t>(female) |
                                          static_cast<std::size_t>(p.income_low[id] != 0) << 1] *
                      propensity_[id] * odds_.most_for_frailty * odds_.most_for_friends *
                      std::max(1.0, params_.participation.or_invited) *
                      (female ? odds_.most_venue_women : odds_.most_venue_men);
  if (!std::isfinite(most)) return 1.0;
  // The margin covers rounding: the chance of joining worked out at a session never exceeds it.
  return std::min(1.0, most / (1.0 + most) * (1.0 + 1e-12));
}

// Inline where it is called: most calls return at the walking range, and the call would cost
// as much as the answer.
[[gnu::always_inline]] inline double CommunityGroups::access_of(
    const Population& p, ResidentId id, std::int64_t step, double dt,
    const ShuttleSeats::InStep* seats) const {
  const double age = p.age_at(id, step, dt);
  // How they get there: the one reach of transport/reach.hpp, with a shuttle seat this step
  // (handed out in the transport phase; salons only), on foot, by car, or with a lift.
  const std::int32_t v = venue_of(id);
  const double walking = walking_range_m(getting_about_.walking, age, p.frailty(id));
  const bool seat =
      seats != nullptr && kind_ == GroupKind::kSalon && seats->to(id, kShuttleToSalons);
  if (seat) return 1.0;
  // Most members live within walking range: a squared distance well inside it (by more than a
  // float's rounding of the distance) answers without the exact distance (a hypot).
  const double dx = p.x_m[id] - venues_[v].x_m, dy = p.y_m[id] - venues_[v].y_m;
  if (walking > 0 && dx * dx + dy * dy < walking * walking * (1.0 - 1e-5)) return 1.0;
  return access_from_afar(p, id, age, walking, dx, dy);
}

double CommunityGroups::access_from_afar(const Population& p, ResidentId id, double age,
                                         double walking, double dx, double dy) const {
  // The distance the nearest-venue search found, rounded to float as a kept column would be
  // (worked out here, not kept: 4 bytes a resident a kind).
  const double distance = distance_as_float(dx, dy);
  if (distance <= walking) return 1.0;
  return group_access(params_.participation,
                      means_to(getting_about_, p, id, age, distance, {}, relatives_->of(id)),
                      distance, walking);
}

void CommunityGroups::start_members(Simulation& sim) {
  // Each starting resident belongs with the steady-state probability of their own chances to
  // join and to stop at a session; friends who belong raise the chance to join, so the draw is
  // repeated with the members of the round before (the same uniform each round).
  Population& p = sim.population();
  assign_venues(p, 0);
  const RandomStream stream = sim.stream(name_);
  const double dt = sim.clock().years_per_step();
  std::vector<std::uint8_t>& member = p[member_];
  std::vector<float>& per_week = p[attendance_.per_week];
  std::vector<std::uint8_t> before(p.size(), 0);
  // Written first by every thread (sim/memory.hpp): 0 for those without a venue or not entered.
  boost::container::vector<double> access(p.size(), boost::container::default_init);
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    access[i] = i < entered_ && p.alive[i] && venue_of(i) >= 0
                    ? access_of(p, static_cast<ResidentId>(i), 0, dt, nullptr)
                    : 0.0;
  });
  // The chance depends on friends only up to the most counted: a resident whose count is the
  // same as in the round before keeps that round's answer (the same uniform, the same chance).
  // Most residents' uniform lies above anything they could belong with even with the most
  // friends counted: they are settled in the first round, without their past year by year (a
  // pow a year of age) or their friends in the rounds after.
  constexpr std::int8_t kSettled = -2;
  const int most_friends = params_.participation.max_friends_counted;
  boost::container::vector<std::int8_t> counted;
  assign_in_parallel(counted, p.size(), std::int8_t{-1});
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    before = member;
    tbb::parallel_for(std::size_t{0}, entered_, [&](std::size_t i) {
      if (!p.alive[i] || venue_of(i) < 0 || counted[i] == kSettled) return;
      const auto id = static_cast<ResidentId>(i);
      int friends = 0;
      if (round > 0) {
        sim.network().for_each_tie(id,
                                   [&](ResidentId other, const Tie&) { friends += before[other]; });
      }
      friends = std::min(friends, most_friends);
      if (counted[i] == friends) return;
      // Nobody belongs yet: assign_venues counted every resident of a venue as eligible.
      const double invited = invitation_chance(venue_of(i));
      const double u = stream.uniform(kSetupStep, i, kStartDraw);
      const double age = p.age_at(id, 0, dt);
      if (round == 0 &&
          u >= membership_at_start_bounds(p, id, age, most_friends, access[i], invited).most) {
        counted[i] = kSettled;
        member[i] = 0;
        return;
      }
      counted[i] = static_cast<std::int8_t>(friends);
      const Bounds bounds = membership_at_start_bounds(p, id, age, friends, access[i], invited);
      member[i] =
          u < bounds.least ||
          (u < bounds.most && u < membership_at_start(p, id, age, friends, access[i], invited));
    });
  }
  // Members at the start attend at their usual rate from step 0 (the activity's running mean).
  for (std::size_t i = 0; i < entered_; ++i) {
    if (!member[i]) continue;
    per_week[i] = usual_attendance_per_week(venue_of(i), access[i]);
  }
  // The non-members each venue's volunteers invite among, now that the members are drawn.
  count_eligible(p);
}

double CommunityGroups::join_chance(const Population& p, ResidentId id, const HealthAt& at,
                                    int friends, double access, double invited) const {
  const Participation& q = params_.participation;
  const std::int32_t v = venue_of(id);
  const Venue& venue = venues_[v].venue;
  // join_odds, with the factors of friends and fee worked out once.
  double odds = personal_join_odds(q, p, id, at) *
                odds_.friends[std::min(friends, q.max_friends_counted)] * odds_.fee[v] *
                propensity_[id] * access;
  if (p.sex[id] == static_cast<std::uint8_t>(Sex::kMale)) odds *= venue.join_or_men;
  const double invited_odds = odds * q.or_invited;
  return invited * invited_odds / (1.0 + invited_odds) + (1.0 - invited) * odds / (1.0 + odds);
}

double CommunityGroups::invitation_chance(std::int32_t v) const {
  const Venue& venue = venues_[v].venue;
  return std::min(1.0, venue.volunteers * params_.participation.invitations_per_volunteer /
                           std::max(1, eligible_[v]));
}

float CommunityGroups::usual_attendance_per_week(std::int32_t v, double access) const {
  return static_cast<float>(params_.participation.attend_probability * access *
                            (7.0 / schedule_period_days(venues_[v].venue.schedule)));
}

double CommunityGroups::stop_chance(bool certified) const {
  const Participation& q = params_.participation;
  return std::min(1.0, q.quit_probability * (certified ? q.quit_or_certified : 1.0));
}

double CommunityGroups::membership_at_start(const Population& p, ResidentId id, double age,
                                            int friends, double access, double invited) const {
  // The chance of belonging now follows the resident's past: from 65, when they belonged as
  // entrants do (the steady state of that age), year by year through the rates of each age,
  // with frailty rising as the town's does with age (certified residents only in their last
  // year). Joining and stopping relax towards the year's steady state at rate join + stop per
  // session.
  const Venue& venue = venues_[venue_of(id)].venue;
  const double sessions_per_year = 365.25 / schedule_period_days(venue.schedule);
  const bool certified = p.certified[id] != 0;
  const double frailty_now = certified ? kFrailestIndependent : p.frailty(id);
  const auto rates_at = [&](double at_age, bool certified_then) {
    const double frailty =
        std::max(0.0, frailty_now - setting_.frailty_increase_per_year * (age - at_age));
    return std::pair(
        join_chance(p, id, {at_age, frailty, certified_then}, friends, access, invited),
        stop_chance(certified_then));
  };
  const double first_age = std::min(age, kEntryAge);
  auto [join, stop] = rates_at(first_age, certified && age - first_age < 1.0);
  double belongs = steady_membership(join, stop);
  for (double from = first_age; from < age; from += 1.0) {
    const double years = std::min(1.0, age - from);
    std::tie(join, stop) = rates_at(from + 0.5 * years, certified && age - from <= 1.0);
    const double steady = steady_membership(join, stop);
    belongs = steady + (belongs - steady) *
                           std::pow(std::max(0.0, 1.0 - join - stop), sessions_per_year * years);
  }
  return belongs;
}

CommunityGroups::ChanceAtStart CommunityGroups::chance_at_start(const Population& p, ResidentId id,
                                                                double dt, int friends,
                                                                double invited) const {
  if (venue_of(id) < 0) return {.chance = 0, .bounds = {.least = 0, .most = 0}};  // none open
  const double age = p.age_at(id, 0, dt);
  const double access = access_of(p, id, 0, dt, nullptr);
  return {.chance = membership_at_start(p, id, age, friends, access, invited),
          .bounds = membership_at_start_bounds(p, id, age, friends, access, invited)};
}

CommunityGroups::Bounds CommunityGroups::membership_at_start_bounds(const Population& p,
                                                                    ResidentId id, double age,
                                                                    int friends, double access,
                                                                    double invited) const {
  // join_chance with the resident's least and most personal odds at any age up to `age`
  // (certified then only if certified now) and the least and most factor of frailty (it rises
  // with age to frailty_now). membership_at_start starts at one year's steady state and moves
  // towards each next year's by a weight in [0, 1], so it stays between the least and the most
  // of them.
  const Participation& q = params_.participation;
  const std::int32_t v = venue_of(id);
  const bool certified = p.certified[id] != 0;
  const double frailty_now = certified ? kFrailestIndependent : p.frailty(id);
  const auto [least_personal, most_personal] =
      odds_.personal.range_so_far(personal_factors(p, id, age, certified));
  double shared = odds_.friends[std::min(friends, q.max_friends_counted)] * odds_.fee[v] *
                  propensity_[id] * access;
  if (p.sex[id] == static_cast<std::uint8_t>(Sex::kMale)) shared *= venues_[v].venue.join_or_men;
  const double frailty_factor = std::exp(q.frailty_log_or * frailty_now);
  const auto join_with = [&](double odds) {
    const double invited_odds = odds * q.or_invited;
    return invited * invited_odds / (1.0 + invited_odds) + (1.0 - invited) * odds / (1.0 + odds);
  };
  const double least_odds = least_personal * std::min(1.0, frailty_factor) * shared;
  const double most_odds = most_personal * std::max(1.0, frailty_factor) * shared;
  if (!std::isfinite(most_odds * std::max(1.0, q.or_invited))) return {};
  const double least_stop =
      certified ? std::min(stop_chance(false), stop_chance(true)) : stop_chance(false);
  const double most_stop =
      certified ? std::max(stop_chance(false), stop_chance(true)) : stop_chance(false);
  // The margins cover rounding: the factors multiply in another order here, and a year's mix
  // may round a little beyond its ends. The absolute part covers a chance so small that one
  // order of the products underflows to 0 and the other does not.
  constexpr double kRelative = 1e-9, kAbsolute = 1e-300;
  return {
      .least = steady_membership(join_with(least_odds), most_stop) * (1.0 - kRelative) - kAbsolute,
      .most = steady_membership(join_with(most_odds), least_stop) * (1.0 + kRelative) + kAbsolute};
}

void CommunityGroups::join_entrants(Simulation& sim, std::int64_t step) {
  // Residents who turn 65 this step (entered by Demography, their ties made by TieTurnover)
  // belong as the starting residents did: from the steady state, friends who belong counted.
  Population& p = sim.population();
  const RandomStream stream = sim.stream(name_);
  const double dt = sim.clock().years_per_step();
  std::vector<std::uint8_t>& member = p[member_];
  std::vector<float>& per_week = p[attendance_.per_week];
  for (; entered_ < p.size() && p.entry_step[entered_] <= step; ++entered_) {
    const auto id = static_cast<ResidentId>(entered_);
    if (!p.alive[id] || venue_of(id) < 0) continue;
    int friends = 0;
    sim.network().for_each_tie(id, [&](ResidentId other, const Tie&) { friends += member[other]; });
    const double access = access_of(p, id, step, dt, nullptr);
    const std::int32_t v = venue_of(id);
    const double join =
        join_chance(p, id, {p.age_at(id, step, dt), p.frailty(id), p.certified[id] != 0}, friends,
                    access, invitation_chance(v));
    member[id] = stream.uniform(step, id, kStartDraw) <
                 steady_membership(join, stop_chance(p.certified[id] != 0));
    if (member[id]) {
      per_week[id] = usual_attendance_per_week(v, access);
      // They belonged before turning 65: their co-members are among their acquaintances.
      if (!roster_.empty()) {
        roster_[v].push_back(id);
        make_co_member_ties(sim, id, step);
      }
    }
  }
}

void CommunityGroups::gather_candidates(std::size_t blocks) {
  // A counting sort by venue, in parallel: chunks of blocks (in id order) count their wanting
  // residents by venue, each chunk's places for a venue follow the chunks before it, and each
  // chunk writes its residents to its places in id order. The result does not depend on the
  // number of chunks, nor on the threads.
  SessionScratch& scratch = *scratch_;
  const std::size_t venues = venues_.size();
  const std::size_t chunks = std::min(blocks, kCandidateChunks);
  const auto blocks_of = [&](std::size_t c) {
    return std::pair(c * blocks / chunks, (c + 1) * blocks / chunks);
  };
  scratch.chunk_places.assign(chunks * venues, 0);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
    std::uint32_t* count = scratch.chunk_places.data() + c * venues;
    const auto [first, end] = blocks_of(c);
    for (std::size_t block = first; block < end; ++block) {
      for (const auto& [v, id] : scratch.wanting[block]) ++count[v];
    }
  });
  scratch.candidate_start.resize(venues + 1);
  std::uint32_t total = 0;
  for (std::size_t v = 0; v < venues; ++v) {
    scratch.candidate_start[v] = total;
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::uint32_t count = scratch.chunk_places[c * venues + v];
      scratch.chunk_places[c * venues + v] = total;  // the chunk's first place for the venue
      total += count;
    }
  }
  scratch.candidate_start[venues] = total;
  if (scratch.candidates.size() < total) scratch.candidates.resize(total);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
    std::uint32_t* place = scratch.chunk_places.data() + c * venues;
    const auto [first, end] = blocks_of(c);
    for (std::size_t block = first; block < end; ++block) {
      for (const auto& [v, id] : scratch.wanting[block]) scratch.candidates[place[v]++] = id;
    }
  });
}

void CommunityGroups::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const RandomStream stream = sim.stream(name_);
  const int days = sim.clock().days_per_step;
  const double dt = sim.clock().years_per_step();
  const Participation& q = params_.participation;
  const std::size_t n = p.size();
  const std::int64_t friends_window_steps = std::max(1, kFriendsWindowDays / days);
  const std::vector<StoredStep>& last_session = p[attendance_.last_step];
  std::vector<std::uint8_t>& member = p[member_];
  const ShuttleSeats::InStep seats = seats_.in_step(p, step);

  bool open_changed = !assigned_;
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    open_changed = open_changed || open_[v] != open_in_step(venues_[v].venue, step);
  }
  if (open_changed) assign_venues(p, step);
  if (params_.members_at_start == MembersAtStart::kStationary) {
    join_entrants(sim, step);
  } else {
    while (entered_ < n && p.entry_step[entered_] <= step) ++entered_;
  }
  // Whether each venue meets, at venue + 1: slot 0 stands for no venue, so that the sorting
  // below reads it and counts into it without a branch.
  std::vector<std::uint8_t> meets(venues_.size() + 1);
  bool any_meets = false, all_meet = true;
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    meets[v + 1] = meets_in_step(venues_[v].venue, step, days);
    if (meets[v + 1]) invitation_chance_[v] = invitation_chance(static_cast<std::int32_t>(v));
    any_meets = any_meets || meets[v + 1];
    all_meet = all_meet && meets[v + 1];
  }
  // No session this step (a kind that meets fortnightly or monthly, on one weekday): nobody
  // decides anything, as nobody's venue meets, so the pass over residents is skipped.
  if (!any_meets) return;

  // (1) Decisions, each resident from their own draws; reads only the previous steps' state.
  // Each thread gathers who wants to come, who stops and the venues' eligible counts; the order
  // in which they are gathered does not matter (admission sorts by priority and resident id).
  for (SessionDecisions& d : decisions_) {
    d.quitting.clear();
    d.eligible.assign(venues_.size() + 1, 0);
  }
  // Who wants to come is gathered block by block of residents, each block in id order, so that
  // joined in block order each venue's candidates are in id order without a sort. Of the
  // living, so of the rows entered.
  const std::size_t rows = p.entered_by(step);
  const std::size_t blocks = (rows + kWantingBlock - 1) / kWantingBlock;
  std::vector<std::vector<Wanting>>& wanting_lists = scratch_->wanting;
  if (wanting_lists.size() < blocks) wanting_lists.resize(blocks);
  const std::int32_t* referral_record = referred_.record_numbers();
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t block) {
    SessionDecisions& found = decisions_.local();
    if (found.eligible.size() != venues_.size() + 1) found.eligible.assign(venues_.size() + 1, 0);
    std::int32_t* eligible = found.eligible.data();  // at venue + 1, as `meets`
    const std::uint8_t* alive = p.alive.data();
    const std::uint8_t* is_member = member.data();
    std::vector<Wanting>& wanting = wanting_lists[block];
    wanting.clear();
    const std::size_t block_end = std::min(rows, (block + 1) * kWantingBlock);
    // A part at a time, the residents whose venue meets are first sorted, without a branch,
    // into members and non-members who may try to join (a referral, or a moment of readiness
    // come): session_split.hpp. Then each list is worked through, and the two lists of who
    // wants to come merged in id order.
    constexpr std::size_t kPart = 256;
    std::array<std::uint16_t, kPart + kRowsWhereSlack> members, trying;
    std::array<Wanting, kPart> members_wanting, others_wanting;
    const std::uint16_t* narrow_slots = venue_slots_.narrow_slots();
    for (std::size_t first = block * kWantingBlock; first < block_end; first += kPart) {
      const SessionPart part{.first = first,
                             .count = std::min(kPart, block_end - first),
                             .alive = alive,
                             .member = is_member,
                             .next_try = next_try_.data(),
                             .step = stored_step(step),
                             .referral_record = referral_record};
      std::size_t members_wanting_count = 0, others_wanting_count = 0;
      const SessionSplit split =
          all_meet && narrow_slots != nullptr
              ? split_for_session_all_meet(part, narrow_slots, eligible, members.data(),
                                           trying.data())
              : split_for_session(
                    part, [&](std::size_t i) { return venue_slots_.slot(i); }, meets.data(),
                    eligible, members.data(), trying.data());
      const std::size_t member_count = split.members, trying_count = split.trying;
      // The members' draws first, together: one's rounds of the generator need not wait on
      // another's.
      std::array<std::array<double, 4>, kPart> draws;
      for (std::size_t k = 0; k < member_count; ++k)
        draws[k] = stream.uniforms4(step, first + members[k], kDecisionDraw);
      for (std::size_t k = 0; k < member_count; ++k) {
        const std::size_t i = first + members[k];
        const auto id = static_cast<ResidentId>(i);
        const std::int32_t v = venue_of(i);
        // Access (at most 1) is worked out only when the draw could fall below the chance with
        // access 1: most residents' decisions need none of it (the result is the same).
        const auto& u = draws[k];
        if (u[0] < q.attend_probability &&
            u[0] < q.attend_probability * access_of(p, id, step, dt, &seats))
          members_wanting[members_wanting_count++] = {v, id};
        if (u[2] < stop_chance(p.certified[i] != 0)) found.quitting.push_back(id);
      }
      for (std::size_t k = 0; k < trying_count; ++k) {
        const std::size_t i = first + trying[k];
        const auto id = static_cast<ResidentId>(i);
        const std::int32_t v = venue_of(i);
        const Venue& venue = venues_[v].venue;
        // A referral taken up (social prescribing): the link worker brings them to a session.
        if (referred_.active(id, step)) {
          others_wanting[others_wanting_count++] = {v, id};
          continue;
        }
        // Joining is tried only at the resident's moments of readiness: a Bernoulli process over
        // steps with a chance `ready` at least their chance to join at any session. At such a
        // moment they join with their chance now divided by `ready` (w below is uniform on
        // [0, ready)), so the chance per session is the same as trying every session, without a
        // random draw for every non-member at every session.
        StoredStep& next = next_try_[i];
        if (next > step) continue;
        const double ready = readiness_chance(p, id);
        if (next < step) {
          next = next_try_step(step, ready, stream.uniform(step, i, kReadinessDraw));
          if (next != step) continue;
        }
        const auto u = stream.uniforms4(step, i, kDecisionDraw);
        next = next_try_step(step + 1, ready, u[3]);
        const double w = u[0] * ready;
        const double age = p.age_at(id, step, dt);
        const bool man = p.sex[i] == static_cast<std::uint8_t>(Sex::kMale);
        // Outreach workers' invitations stand in for a volunteer's.
        const double invited =
            invited_until_ != nullptr && invited_until_[i] >= step ? 1.0 : invitation_chance_[v];
        const double invitation_or = u[1] < invited ? q.or_invited : 1.0;
        const double men_or = man ? venue.join_or_men : 1.0;
        // Most draws fall above the chance of joining: a bound with the largest factors of
        // frailty (it lies in [0, 1]) and of friends rules them out first, without an exponential
        // or a division. Its margin covers rounding, so a draw ruled out here is one the exact
        // test below rules out too.
        const bool certified = p.certified[i] != 0;
        const double before_frailty = odds_.personal(personal_factors(p, id, age, certified));
        const double loose =
            before_frailty * propensity_[i] * odds_.most_at_venue[v] * men_or * invitation_or;
        if (w * (1.0 + loose) >= loose * (1.0 + 1e-9)) continue;
        // Odds without friends: counting attending ties is only needed when the draw could fall
        // below the chance with the most friends counted (the result is the same).
        const double base = before_frailty * std::exp(q.frailty_log_or * p.frailty(id)) *
                            odds_.fee[v] * propensity_[i];
        const double bound = base * men_or * invitation_or * odds_.most_for_friends;
        if (w >= bound / (1.0 + bound)) continue;
        double odds = base * access_of(p, id, step, dt, &seats);
        if (man) odds *= venue.join_or_men;
        if (u[1] < invited) odds *= q.or_invited;
        const double most = odds * odds_.friends.back();
        if (w >= std::max(odds, most) / (1.0 + std::max(odds, most))) continue;
        // Below the chance with the friends' least factor (none attending, or the most counted
        // if friends lowered the odds), they join however many attend: the ties need not be read.
        if (joins_whatever_friends(w, std::min(odds, most))) {
          others_wanting[others_wanting_count++] = {v, id};
          continue;
        }
        int friends = 0;
        sim.network().for_each_tie(id, [&](ResidentId other, const Tie&) {
          friends += last_session[other] >= 0 && last_session[other] >= step - friends_window_steps;
        });
        odds *= odds_.friends[std::min(friends, q.max_friends_counted)];
        if (joins_at_odds(w, odds)) others_wanting[others_wanting_count++] = {v, id};
      }
      std::merge(members_wanting.begin(), members_wanting.begin() + members_wanting_count,
                 others_wanting.begin(), others_wanting.begin() + others_wanting_count,
                 std::back_inserter(wanting),
                 [](const Wanting& a, const Wanting& b) { return a.second < b.second; });
    }
  });

  // (2) Admission up to capacity, members first, then by random priority. The threads' findings
  // first: the eligible counts and each venue's candidates.
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    if (meets[v + 1]) eligible_[v] = 0;  // recounted at this session; others keep their last count
  }
  add_threads_eligible();
  gather_candidates(blocks);
  // Then each venue that meets, in parallel (each resident has one venue of the kind, so venues
  // share no rows).
  meeting_.clear();
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    if (meets[v + 1]) meeting_.push_back(static_cast<std::int32_t>(v));
  }
  const StoredStep now = stored_step(step);
  const GroupAttendance::Sessions sessions = attendance_.sessions_of(p);
  Network& network = sim.network();
  new_ties_.resize(venues_.size());
  tied_rows_.resize(venues_.size());
  tbb::parallel_for(std::size_t{0}, meeting_.size(), [&](std::size_t k) {
    const std::int32_t v = meeting_[k];
    const std::uint32_t* start = scratch_->candidate_start.data();
    const std::span<ResidentId> candidates(scratch_->candidates.data() + start[v],
                                           start[v + 1] - start[v]);
    std::span<const ResidentId> list = candidates;  // in id order as gathered
    const auto capacity = static_cast<std::size_t>(venues_[v].venue.capacity);
    if (candidates.size() > capacity) {  // otherwise everyone is admitted: no priorities needed
      std::vector<Candidate>& order = admission_order_.local();
      order.clear();
      for (ResidentId id : candidates) {
        // Members sort before newcomers (priority below 0), each group by its random priority.
        order.emplace_back(stream.uniform(step, id, kPriorityDraw) - (member[id] ? 1.0 : 0.0), id);
      }
      keep_lowest(order, capacity);  // who is admitted, in no order
      for (std::size_t k = 0; k < capacity; ++k) candidates[k] = order[k].second;
      std::sort(candidates.begin(), candidates.begin() + capacity);
      list = candidates.first(capacity);
    }
    ++sessions_held_[v];
    attendance_total_[v] += static_cast<std::int32_t>(list.size());
    for (ResidentId id : list) {
      record_session(sessions, id, now);
      member[id] = 1;
    }
    // Who befriends whom at this session, added in its order. Only this venue's attendees' rows
    // change, and they attend no other venue of the kind, so venues add theirs side by side.
    draw_session_ties(stream, step, list, params_.effects, kTieDraw, attendee_keys_.local(),
                      new_ties_[v]);
    std::vector<ResidentId>& tied = tied_rows_[v];
    tied.clear();
    for (const auto& [self, other] : new_ties_[v])
      network.add_tie_in_own_rows(self, other, new_acquaintance(params_.effects), tied);
  });
  // (3) The rows whose ties changed, noted for contacts (in any order: they are marked).
  for (const std::int32_t v : meeting_) network.note_changes(tied_rows_[v]);
  // Members who decided to stop do so after this session's admission. The effects of
  // attendance follow in the access phase (GroupActivity), once every group of the step has met.
  for (const SessionDecisions& found : decisions_) {
    for (ResidentId id : found.quitting) member[id] = 0;
  }
}

double CommunityGroups::cost_yen(const Simulation& sim) const {
  const std::int64_t now = sim.current_step();
  double cost = 0;
  for (const PlacedVenue& v : venues_) {
    cost += running_cost_yen(v.venue.yearly_cost_yen, v.venue.opens_step, v.venue.closes_step, now,
                             sim.clock().years_per_step());
  }
  return cost;
}

void CommunityGroups::finalize(Simulation& sim) {
  const Population& p = sim.population();
  const std::vector<std::uint8_t>& member = p[member_];
  std::fill(members_.begin(), members_.end(), 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.alive[i] && member[i] && venue_of(i) >= 0) ++members_[venue_of(i)];
  }
  // An intervention's groups: who its venues open at the end reach, and where next.
  if (reports_cost()) {
    const std::int64_t last = sim.clock().steps - 1;
    std::vector<std::uint8_t> open_at_end(venues_.size());
    for (std::size_t v = 0; v < venues_.size(); ++v)
      open_at_end[v] = open_in_step(venues_[v].venue, last);
    coverage_ = coverage_of(p, x_m_, y_m_, open_at_end, params_.placement.coverage_radius_m,
                            map_.districts.size(), kWhereNextSites);
  }
}

void CommunityGroups::add_output_tables(const Simulation&, std::vector<OutputTable>& tables) const {
  const bool salons = kind_ == GroupKind::kSalon && label_.empty();
  const std::string table = salons ? std::string("salons") : own_column("{}_groups");
  const std::pair<std::string, std::string> radius_attribute{
      "coverage_radius_m", fmt::format("{}", params_.placement.coverage_radius_m)};
  tables.push_back(
      {table,
       salons ? "one row per salon venue: listed venues first, then placed ones"
              : "one row per " + own_column("{} group") +
                    " venue: listed venues first, then placed ones",
       {{"x_m", "venue east coordinate, metres", column_view(x_m_), "m"},
        {"y_m", "venue north coordinate, metres", column_view(y_m_), "m"},
        {"capacity", "places per session", column_view(capacity_)},
        {"schedule", "0 weekly, 1 fortnightly, 2 monthly (every 4 weeks)", column_view(schedule_),
         "", "weekly,fortnightly,monthly"},
        {"opens_step", "first step it can meet", column_view(opens_step_), "step"},
        {"closes_step", "step it stops meeting, -1 never", column_view(closes_step_), "step"},
        {"sessions_held", "sessions held", column_view(sessions_held_)},
        {"attendance_total", "attendances summed over sessions", column_view(attendance_total_)},
        {"members_at_end", "members at the end of the run", column_view(members_)}},
       {radius_attribute}});
  if (!reports_cost() || coverage_.at_need.empty()) return;
  const Coverage& c = coverage_;
  const std::string radius = fmt::format("{:g} m", params_.placement.coverage_radius_m);
  tables.push_back(
      {table + "_coverage",
       "one row per district (as /districts): residents at need at the end of the run (alive, not "
       "certified) and whether a venue open at the end lies within " +
           radius + " of their home",
       {{"at_need", "residents alive and not certified at the end", column_view(c.at_need),
         "residents"},
        {"covered", "of them, with a venue within the radius", column_view(c.covered), "residents"},
        {"uncovered_low_income", "not covered and low-income", column_view(c.uncovered_low_income),
         "residents"},
        {"uncovered_alone", "not covered and living alone", column_view(c.uncovered_alone),
         "residents"},
        {"uncovered_no_car", "not covered and not driving", column_view(c.uncovered_no_car),
         "residents"}},
       {radius_attribute}});
  tables.push_back(
      {table + "_where_next",
       "where one more venue would reach the most residents at need not covered (within " + radius +
           "), best first: the gaps placement rule applied to the end of the run; each site counts "
           "only those the sites before it do not reach",
       {{"rank", "1 for the best site", column_view(c.next_rank)},
        {"x_m", "site east coordinate (a home of a resident not covered), metres",
         column_view(c.next_x_m), "m"},
        {"y_m", "site north coordinate, metres", column_view(c.next_y_m), "m"},
        {"district", "district of the site (row of /districts)", column_view(c.next_district)},
        {"reached", "residents at need not covered whom it would reach",
         column_view(c.next_reached), "residents"},
        {"low_income", "of them, low-income", column_view(c.next_low_income), "residents"},
        {"alone", "of them, living alone", column_view(c.next_alone), "residents"},
        {"no_car", "of them, not driving", column_view(c.next_no_car), "residents"}},
       {radius_attribute}});
}

}  // namespace salonsim::models
