#include "models/shops/mobile_shop.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/groups/activity.hpp"
#include "models/town/town_builder.hpp"
#include "sim/admission.hpp"
#include "sim/output/tables.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

namespace {
// Draw counters in the mobile shop stream, per (step, resident).
constexpr std::uint64_t kPriorityDraw = 0;
constexpr std::uint64_t kLunchDraw = 1;  // [0] drops in, [1] priority
constexpr std::uint64_t kTieDraw = 2;
}  // namespace

MobileShopCustomers MobileShopCustomers::registered_on(Population& p) {
  return {
      p.add_column<StoredStep>(
          {"mobile_shop_step", "step", "last step served by the mobile shop, -1 never", false},
          kNever),
      p.add_column<std::uint16_t>({"mobile_shop_visits", "", "times served by the mobile shop"})};
}

int visits_in_step(const std::vector<double>& weekdays, std::int64_t step, int days_per_step) {
  int visits = 0;
  for (std::int64_t day = step * days_per_step; day < (step + 1) * days_per_step; ++day) {
    for (double weekday : weekdays) visits += day % 7 == static_cast<std::int64_t>(weekday);
  }
  return visits;
}

void MobileShop::add_stops(std::size_t r) {
  for (const MobileShopStop& stop : routes_[r].stops) {
    const Point point =
        point_of(stop.place, map_.districts, "mobile shop stop '" + stop.name + "'");
    stop_point_.push_back(point);
    stop_x_m_.push_back(static_cast<float>(point.x_m));
    stop_y_m_.push_back(static_cast<float>(point.y_m));
    stop_route_.push_back(static_cast<std::int32_t>(r));
    stop_capacity_.push_back(stop.customers_per_visit);
    stop_lunch_.push_back(stop.lunch_salon);
    stop_lunch_places_.push_back(stop.lunch_places);
    stop_weekdays_.push_back(stop.weekdays);
    visits_.push_back(0);
    customers_total_.push_back(0);
    lunch_total_.push_back(0);
    candidates_.emplace_back();
  }
}

void MobileShop::add_route(MobileShopParams route) {
  routes_.push_back(std::move(route));
  add_stops(routes_.size() - 1);
}

void MobileShop::start(Simulation& sim) {
  referred_.find(sim, name());
}

MobileShop::StopReach MobileShop::stop_reach(const Population& p, ResidentId id, std::int64_t step,
                                             double dt) const {
  StopReach reach;
  const double walking = walking_range_m(walking_, p.age_at(id, step, dt), p.frailty(id));
  for (std::size_t s = 0; s < stop_point_.size(); ++s) {
    const MobileShopParams& route = routes_[stop_route_[s]];
    if (!open_at(route.route.opens_step, route.route.closes_step, step)) continue;
    if (std::hypot(p.x_m[id] - stop_point_[s].x_m, p.y_m[id] - stop_point_[s].y_m) > walking)
      continue;
    reach.within_walk = true;
    reach.lunch = reach.lunch || stop_lunch_[s];
  }
  return reach;
}

void MobileShop::init(Simulation& sim) {
  Population& p = sim.population();
  customers_ = MobileShopCustomers::registered_on(p);
  lunch_attendance_ = GroupAttendance::registered_on(p, GroupKind::kSalon);
  for (std::size_t r = 0; r < routes_.size(); ++r) add_stops(r);
  stop_of_.assign(p.size(), -1);
  stop_distance_m_.assign(p.size(), 0.0f);
  homes_ = std::make_unique<SpatialGrid>(p.x_m, p.y_m, std::max(100.0, walking_.range_at_65_m));
  sim.timeseries().declare(
      "mobile_shop_customers", "residents served by the mobile shop this step",
      [served = p[customers_.step].data()](const Population&, ResidentId i, std::int64_t step) {
        return served[i] == stored_step(step);
      });
}

void MobileShop::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const RandomStream stream = sim.stream(kMobileShopStream);
  const int days = sim.clock().days_per_step;
  const double dt = sim.clock().years_per_step();
  const auto step32 = static_cast<std::int32_t>(step);
  const StoredStep now = stored_step(step);
  const std::size_t stops = stop_point_.size();
  std::vector<int> visits(stops, 0);
  bool any = false;
  for (std::size_t s = 0; s < stops; ++s) {
    const MobileShopParams& route = routes_[stop_route_[s]];
    if (!open_at(route.route.opens_step, route.route.closes_step, step)) continue;
    visits[s] = visits_in_step(stop_weekdays_[s], step, days);
    any = any || visits[s] > 0;
  }
  if (!any) return;

  // Each resident within walking range of a visited stop goes to the nearest one (ties: the
  // first listed). Walking range never exceeds range_at_65_m, which bounds the search.
  touched_.clear();
  for (std::size_t s = 0; s < stops; ++s) {
    if (visits[s] == 0) continue;
    homes_->for_each_within(
        stop_point_[s].x_m, stop_point_[s].y_m, walking_.range_at_65_m, [&](ResidentId id) {
          if (!p.alive[id]) return;
          const double d =
              std::hypot(p.x_m[id] - stop_point_[s].x_m, p.y_m[id] - stop_point_[s].y_m);
          if (d > walking_range_m(walking_, p.age_at(id, step, dt), p.frailty(id))) return;
          if (stop_of_[id] < 0) {
            touched_.push_back(id);
          } else if (d >= stop_distance_m_[id]) {
            return;
          }
          stop_of_[id] = static_cast<std::int32_t>(s);
          stop_distance_m_[id] = static_cast<float>(d);
        });
  }
  std::sort(touched_.begin(), touched_.end());
  for (auto& list : candidates_) list.clear();
  for (ResidentId id : touched_) candidates_[stop_of_[id]].push_back(id);
  for (ResidentId id : touched_) stop_of_[id] = -1;

  Network& network = sim.network();
  std::vector<std::pair<double, ResidentId>> order;
  std::vector<ResidentId> lunch;
  for (std::size_t s = 0; s < stops; ++s) {
    if (visits[s] == 0) continue;
    const std::vector<ResidentId>& list = candidates_[s];
    ++visits_[s];
    // Customers up to capacity, by random priority; residents who drive come last, as they can
    // shop elsewhere.
    order.clear();
    // Customers a link worker registered (social prescribing) come first.
    for (ResidentId id : list) {
      order.emplace_back(stream.uniform(step, id, kPriorityDraw) + (drives_now(p, id) ? 1.0 : 0.0) -
                             (referred_.active(id, step) ? 2.0 : 0.0),
                         id);
    }
    admit_by_priority(order, static_cast<std::size_t>(stop_capacity_[s]) * visits[s]);
    for (const auto& [priority, id] : order) {
      p[customers_.step][id] = now;
      std::uint16_t& served = p[customers_.visits][id];
      if (served < std::numeric_limits<std::uint16_t>::max()) ++served;
    }
    customers_total_[s] += static_cast<std::int32_t>(order.size());
    const auto customers = static_cast<std::int32_t>(order.size());
    // The drop-by lunch salon: residents living alone, up to its places, by random priority.
    lunch.clear();
    if (stop_lunch_[s]) {
      const double attend = routes_[stop_route_[s]].lunch_attend_probability;
      order.clear();
      for (ResidentId id : list) {
        if (!p.lives_alone[id]) continue;
        const auto u = stream.uniforms4(step, id, kLunchDraw);
        // Referred residents come to the lunch salon whenever the shop calls, and first.
        if (referred_.active(id, step)) {
          order.emplace_back(u[1] - 1.0, id);
        } else if (u[0] < attend) {
          order.emplace_back(u[1], id);
        }
      }
      admit_by_priority(order, static_cast<std::size_t>(stop_lunch_places_[s]) * visits[s]);
      for (const auto& [priority, id] : order) lunch.push_back(id);
      std::sort(lunch.begin(), lunch.end());
      const GroupAttendance::Sessions sessions = lunch_attendance_.sessions_of(p);
      for (ResidentId id : lunch) record_session(sessions, id, now);
      befriend_attendees(network, stream, step, lunch, lunch_effects_, kTieDraw);
      lunch_total_[s] += static_cast<std::int32_t>(lunch.size());
    }
    usage_step_.push_back(step32);
    usage_stop_.push_back(static_cast<std::int32_t>(s));
    usage_within_range_.push_back(static_cast<std::int32_t>(list.size()));
    usage_customers_.push_back(customers);
    usage_lunch_.push_back(static_cast<std::int32_t>(lunch.size()));
  }
}

double MobileShop::cost_yen(const Simulation& sim) const {
  const std::int64_t now = sim.current_step();
  double cost = 0;
  for (const MobileShopParams& route : routes_) {
    cost += running_cost_yen(route.route.yearly_cost_yen, route.route.opens_step,
                             route.route.closes_step, now, sim.clock().years_per_step());
  }
  return cost;
}

void MobileShop::add_output_tables(const Simulation&, std::vector<OutputTable>& tables) const {
  tables.push_back(
      {"mobile_shop_stops",
       "one row per mobile shop stop, routes in the order listed",
       {{"route", "index of the route (mobile_shop intervention, in order)",
         column_view(stop_route_)},
        {"x_m", "stop east coordinate, metres", column_view(stop_x_m_)},
        {"y_m", "stop north coordinate, metres", column_view(stop_y_m_)},
        {"customers_per_visit", "customers one visit serves", column_view(stop_capacity_)},
        {"lunch_salon", "1 if the stop hosts a drop-by lunch salon", column_view(stop_lunch_)},
        {"visits", "steps in which the shop came", column_view(visits_)},
        {"customers_total", "customers served, summed over steps", column_view(customers_total_)},
        {"lunch_attendance_total", "lunch salon attendances, summed over steps",
         column_view(lunch_total_)}}});
  tables.push_back(
      {"mobile_shop_usage",
       "one row per step and visited stop: usage over time",
       {{"step", "step of the visit", column_view(usage_step_)},
        {"stop", "row of the stop in mobile_shop_stops", column_view(usage_stop_)},
        {"within_walking_range", "residents within walking range for whom it was the nearest",
         column_view(usage_within_range_)},
        {"customers", "customers served", column_view(usage_customers_)},
        {"lunch_attendees", "residents at the drop-by lunch salon", column_view(usage_lunch_)}}});
}

}  // namespace salonsim::models
