#include "models/salons/salons.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "models/salons/activity.hpp"
#include "models/town/town_builder.hpp"
#include "sim/admission.hpp"
#include "sim/output/tables.hpp"
#include "sim/simulation.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim::models {

namespace {

// Draw counters in the salons stream, per (step, resident).
constexpr std::uint64_t kDecisionDraw = 0;  // [0] come or join, [1] invited, [2] quit
constexpr std::uint64_t kPriorityDraw = 1;
constexpr std::uint64_t kTieDraw = 2;         // [0] befriend someone, [1] whom
constexpr std::uint64_t kPropensityDraw = 3;  // at set-up
constexpr std::uint8_t kWantsToCome = 1, kQuits = 2;
constexpr int kFriendsWindowDays = 28;  // "attended in the last four weeks"
constexpr double kWithinM = 350;

bool open_in_step(const Venue& venue, std::int64_t step) {
  return open_at(venue.opens_step, venue.closes_step, step);
}

}  // namespace

std::vector<PlacedVenue> place_venues(const SalonsParams& salons, const TownMap& town,
                                      const Population& p) {
  std::vector<PlacedVenue> placed;
  for (const Venue& venue : salons.venues) {
    const Point point = point_of({venue.location_m, venue.district}, town.districts,
                                 "salon venue '" + venue.name + "'");
    placed.push_back({venue, point.x_m, point.y_m});
  }
  const Placement& rule = salons.placement;
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
    std::size_t starting = 0;
    for (std::size_t i = 0; i < p.size(); ++i) starting += p.entry_step[i] == 0;
    const auto count = rule.count > 0
                           ? static_cast<std::size_t>(rule.count)
                           : static_cast<std::size_t>(std::llround(
                                 rule.venues_per_100k * static_cast<double>(starting) / 1e5));
    const SpatialGrid grid(p.x_m, p.y_m, rule.coverage_radius_m);
    std::vector<std::uint8_t> served(p.size(), 0);
    for (const PlacedVenue& v : placed) {
      grid.for_each_within(v.x_m, v.y_m, rule.coverage_radius_m,
                           [&](ResidentId id) { served[id] = 1; });
    }
    // Candidate sites: the homes of an evenly spaced sample of residents. Lazy greedy: gains only
    // fall as venues are added, so a candidate whose fresh gain still tops the queue is the best.
    const std::size_t stride = std::max<std::size_t>(1, p.size() / 3000);
    const std::size_t candidates = p.size() == 0 ? 0 : (p.size() - 1) / stride + 1;
    const auto gain_of = [&](std::size_t c) {
      const std::size_t site = c * stride;
      std::uint32_t unserved = 0;
      grid.for_each_within(p.x_m[site], p.y_m[site], rule.coverage_radius_m,
                           [&](ResidentId id) { unserved += served[id] == 0; });
      return unserved;
    };
    std::vector<std::uint32_t> initial(candidates);
    tbb::parallel_for(std::size_t{0}, candidates, [&](std::size_t c) { initial[c] = gain_of(c); });
    // Max-heap on (gain, then lower index first).
    using Entry = std::pair<std::uint32_t, std::int64_t>;
    std::priority_queue<Entry> queue;
    for (std::size_t c = 0; c < candidates; ++c)
      queue.emplace(initial[c], -static_cast<std::int64_t>(c));
    while (placed.size() < salons.venues.size() + count && !queue.empty()) {
      const auto [stale_gain, negative_index] = queue.top();
      queue.pop();
      const auto c = static_cast<std::size_t>(-negative_index);
      const std::uint32_t gain = gain_of(c);
      if (gain == 0) continue;  // nobody unserved near this site any more
      if (!queue.empty() && Entry(gain, negative_index) < queue.top()) {
        queue.emplace(gain, negative_index);
        continue;
      }
      const std::size_t site = c * stride;
      add_placed(p.x_m[site], p.y_m[site]);
      grid.for_each_within(p.x_m[site], p.y_m[site], rule.coverage_radius_m,
                           [&](ResidentId id) { served[id] = 1; });
    }
  }
  return placed;
}

double salon_access(const Participation& q, Means means, double distance_m,
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

double join_odds(const Participation& q, const Population& p, ResidentId id, double age,
                 int friends_attending, double fee_yen) {
  double odds = q.join_odds;
  if (p.sex[id] == static_cast<std::uint8_t>(Sex::kFemale)) odds *= q.or_women;
  if (p.income_low[id]) odds *= q.or_low_income;
  if (p.lives_alone[id]) odds *= q.or_lives_alone;
  if (p.isolated[id]) odds *= q.or_isolated;
  if (p.certified[id]) odds *= q.or_certified;
  if (age >= 85) {
    odds *= q.or_age_85_plus;
  } else if (age >= 75) {
    odds *= q.or_age_75_84;
  }
  odds *= std::exp(q.frailty_log_or * p.frailty(id));
  odds *= std::pow(q.or_per_friend_attending, std::min(friends_attending, q.max_friends_counted));
  odds *= std::pow(q.or_per_100_yen, fee_yen / 100.0);
  return odds;
}

void Salons::init(Simulation& sim) {
  Population& p = sim.population();
  attendance_ = SalonAttendance::registered_on(p);
  seats_ = ShuttleSeats::registered_on(p);
  within_350m_ =
      p.add_column<std::uint16_t>({std::string(kSalonsWithin350mColumn), "",
                                   "salon venues within 350 m of home (all the run's venues)"});
  nearest_m_ =
      p.add_column<float>({"nearest_salon_m", "m", "distance to the nearest salon venue, metres"},
                          std::numeric_limits<float>::infinity());
  venues_ = place_venues(params_, map_, p);
  const std::size_t n = p.size(), v = venues_.size();
  venue_of_.assign(n, -1);
  venue_distance_m_.assign(n, 0.0f);
  member_.assign(n, 0);
  candidate_.assign(n, 0);
  propensity_.assign(n, 1.0f);
  relatives_ = relative_lists(sim.network(), n);
  const RandomStream stream = sim.stream(kSalonsStream);
  const double sd = params_.participation.propensity_sd;
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    propensity_[i] = static_cast<float>(
        std::exp(sd * stream.normal(kSetupStep, i, kPropensityDraw) - 0.5 * sd * sd));
  });
  candidates_.assign(v, {});
  sessions_held_.assign(v, 0);
  attendance_total_.assign(v, 0);
  members_.assign(v, 0);
  eligible_.assign(v, 0);
  open_.assign(v, 0);
  for (const PlacedVenue& venue : venues_) {
    x_m_.push_back(static_cast<float>(venue.x_m));
    y_m_.push_back(static_cast<float>(venue.y_m));
    capacity_.push_back(venue.venue.capacity);
    opens_step_.push_back(venue.venue.opens_step);
    closes_step_.push_back(venue.venue.closes_step);
    schedule_.push_back(static_cast<std::uint8_t>(venue.venue.schedule));
  }
  // Salons within 350 m and the nearest one, over every venue the scenario ever opens.
  std::vector<std::uint16_t>& within = p[within_350m_];
  std::vector<float>& nearest = p[nearest_m_];
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    for (const PlacedVenue& venue : venues_) {
      const double d = std::hypot(p.x_m[i] - venue.x_m, p.y_m[i] - venue.y_m);
      within[i] += d <= kWithinM;
      nearest[i] = std::min(nearest[i], static_cast<float>(d));
    }
  });
  sim.timeseries().declare(
      "salon_attendance", "residents who attended a salon this step",
      [last = p[attendance_.last_step].data()](const Population&, ResidentId i, std::int64_t step) {
        return last[i] == step;
      });
  sim.timeseries().declare("salon_ever",
                           "residents alive at the end of the step who have ever attended a salon",
                           [first = p[attendance_.first_step].data()](const Population& pop,
                                                                      ResidentId i, std::int64_t) {
                             return pop.alive[i] && first[i] >= 0;
                           });
}

void Salons::assign_venues(const Population& p, std::int64_t step) {
  for (std::size_t v = 0; v < venues_.size(); ++v) open_[v] = open_in_step(venues_[v].venue, step);
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    std::int32_t best = -1;
    double best_distance = std::numeric_limits<double>::infinity();
    for (std::size_t v = 0; v < venues_.size(); ++v) {
      if (!open_[v]) continue;
      const double d = std::hypot(p.x_m[i] - venues_[v].x_m, p.y_m[i] - venues_[v].y_m);
      if (d < best_distance) {
        best_distance = d;
        best = static_cast<std::int32_t>(v);
      }
    }
    venue_of_[i] = best;
    venue_distance_m_[i] = static_cast<float>(best_distance);
    // A member whose venue closed has to join again elsewhere.
    if (best < 0) member_[i] = 0;
  });
  std::fill(eligible_.begin(), eligible_.end(), 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.alive[i] && venue_of_[i] >= 0 && !member_[i]) ++eligible_[venue_of_[i]];
  }
}

void Salons::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const RandomStream stream = sim.stream(kSalonsStream);
  const int days = sim.clock().days_per_step;
  const double dt = sim.clock().years_per_step();
  const Participation& q = params_.participation;
  const std::size_t n = p.size();
  const std::int64_t friends_window_steps = std::max(1, kFriendsWindowDays / days);
  const std::vector<std::int32_t>& last_session = p[attendance_.last_step];
  const ShuttleSeats::InStep seats = seats_.in_step(p, static_cast<std::int32_t>(step));

  bool open_changed = step == 0;
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    open_changed = open_changed || open_[v] != open_in_step(venues_[v].venue, step);
  }
  if (open_changed) assign_venues(p, step);
  std::vector<std::uint8_t> meets(venues_.size());
  for (std::size_t v = 0; v < venues_.size(); ++v)
    meets[v] = meets_in_step(venues_[v].venue, step, days);

  // (1) Decisions, each resident from their own draws; reads only the previous steps' state.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1024), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      candidate_[i] = 0;
      const std::int32_t v = venue_of_[i];
      if (!p.alive[i] || v < 0 || !meets[v]) continue;
      const auto id = static_cast<ResidentId>(i);
      const double age = p.age_at(id, step, dt);
      // How they get there: the one reach of transport/reach.hpp, with a shuttle seat this step
      // (handed out in the transport phase), on foot, by car, or with a lift.
      const double distance = venue_distance_m_[i];
      const double walking = walking_range_m(getting_about_.walking, age, p.frailty(id));
      const bool seat = seats.to(id, kShuttleToSalons);
      const double access =
          seat || distance <= walking
              ? 1.0
              : salon_access(q,
                             means_to(getting_about_, p, id, age, distance, {}, relatives_.of(id)),
                             distance, walking);
      const auto u = stream.uniforms4(step, i, kDecisionDraw);
      const Venue& venue = venues_[v].venue;
      if (member_[i]) {
        if (u[0] < q.attend_probability * access) candidate_[i] |= kWantsToCome;
        const double quit = q.quit_probability * (p.certified[i] ? q.quit_or_certified : 1.0);
        if (u[2] < quit) candidate_[i] |= kQuits;
        continue;
      }
      // Odds without friends first: counting attending ties is only needed when the draw could
      // fall below the chance with the most friends counted (the result is the same).
      double odds = join_odds(q, p, id, age, 0, venue.fee_yen) * propensity_[i] * access;
      const double invited =
          std::min(1.0, venue.volunteers * q.invitations_per_volunteer / std::max(1, eligible_[v]));
      if (u[1] < invited) odds *= q.or_invited;
      const double most = odds * std::pow(q.or_per_friend_attending, q.max_friends_counted);
      if (u[0] >= std::max(odds, most) / (1.0 + std::max(odds, most))) continue;
      int friends = 0;
      sim.network().for_each_tie(id, [&](ResidentId other, const Tie&) {
        friends += last_session[other] >= 0 && last_session[other] >= step - friends_window_steps;
      });
      odds *= std::pow(q.or_per_friend_attending, std::min(friends, q.max_friends_counted));
      if (u[0] < odds / (1.0 + odds)) candidate_[i] |= kWantsToCome;
    }
  });

  // (2) Admission up to capacity, venue by venue: members first, then by random priority.
  for (auto& list : candidates_) list.clear();
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    if (meets[v]) eligible_[v] = 0;  // recounted at this session; others keep their last count
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t v = venue_of_[i];
    if (!p.alive[i] || v < 0 || !meets[v]) continue;
    if (!member_[i]) ++eligible_[v];
    if (candidate_[i] & kWantsToCome) candidates_[v].push_back(static_cast<ResidentId>(i));
  }
  Network& network = sim.network();
  const auto step32 = static_cast<std::int32_t>(step);
  for (std::size_t v = 0; v < venues_.size(); ++v) {
    if (!meets[v]) continue;
    auto& list = candidates_[v];
    std::vector<Candidate> order;
    order.reserve(list.size());
    for (ResidentId id : list) {
      // Members sort before newcomers (priority below 0), each group by its random priority.
      order.emplace_back(stream.uniform(step, id, kPriorityDraw) - (member_[id] ? 1.0 : 0.0), id);
    }
    admit_by_priority(order, static_cast<std::size_t>(venues_[v].venue.capacity));
    list.clear();
    for (const auto& [priority, id] : order) list.push_back(id);
    std::sort(list.begin(), list.end());
    ++sessions_held_[v];
    attendance_total_[v] += static_cast<std::int32_t>(list.size());
    for (ResidentId id : list) {
      record_salon_session(p, attendance_, id, step32);
      member_[id] = 1;
    }
    // (3) New acquaintances among the attendees.
    befriend_attendees(network, stream, step, list, params_.effects, kTieDraw);
  }
  // Members who decided to quit stop after this session's admission. The effects of attendance
  // follow in the access phase (SalonActivity), once every salon of the step has met.
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    if (candidate_[i] & kQuits) member_[i] = 0;
  });
}

double Salons::cost_yen(const Simulation& sim) const {
  const std::int64_t now = sim.current_step();
  double cost = 0;
  for (const PlacedVenue& v : venues_) {
    cost += running_cost_yen(v.venue.yearly_cost_yen, v.venue.opens_step, v.venue.closes_step, now,
                             sim.clock().years_per_step());
  }
  return cost;
}

void Salons::finalize(Simulation& sim) {
  const Population& p = sim.population();
  std::fill(members_.begin(), members_.end(), 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.alive[i] && member_[i] && venue_of_[i] >= 0) ++members_[venue_of_[i]];
  }
}

void Salons::add_output_tables(const Simulation&, std::vector<OutputTable>& tables) const {
  tables.push_back(
      {"salons",
       "one row per salon venue: listed venues first, then placed ones",
       {{"x_m", "venue east coordinate, metres", column_view(x_m_)},
        {"y_m", "venue north coordinate, metres", column_view(y_m_)},
        {"capacity", "places per session", column_view(capacity_)},
        {"schedule", "0 weekly, 1 fortnightly, 2 monthly (every 4 weeks)", column_view(schedule_)},
        {"opens_step", "first step it can meet", column_view(opens_step_)},
        {"closes_step", "step it stops meeting, -1 never", column_view(closes_step_)},
        {"sessions_held", "sessions held", column_view(sessions_held_)},
        {"attendance_total", "attendances summed over sessions", column_view(attendance_total_)},
        {"members_at_end", "members at the end of the run", column_view(members_)}}});
}

}  // namespace salonsim::models
