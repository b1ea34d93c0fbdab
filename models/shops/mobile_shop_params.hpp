#pragma once
// Parameters of a mobile shop route: stops on the map visited on weekdays, how many customers a
// visit serves, and the drop-by lunch salon a stop can host for residents living alone.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/town/town_params.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::models {

struct MobileShopStop {
  std::string name = "stop";
  Place place;
  std::vector<double> weekdays{2};
  std::int32_t customers_per_visit = 30;
  bool lunch_salon = false;
  std::int32_t lunch_places = 20;
};

template <class V>
void visit(V& v, MobileShopStop& p) {
  v.text("name", p.name, {.doc = "stop name, used in reports"});
  visit_place(v, p.place, "mobile shop stop '" + p.name + "'");
  v.numbers(
      "weekdays", p.weekdays,
      {.doc = "days of the week the shop comes (0 = the weekday of step 0)", .min = 0, .max = 6});
  bool whole = !p.weekdays.empty();
  for (double day : p.weekdays) whole = whole && day == std::floor(day);
  v.rule("weekdays", whole, "expected one or more whole days 0-6");
  v.integer("customers_per_visit", p.customers_per_visit,
            {.unit = "people",
             .doc = "customers one visit can serve (stock and time at the stop)",
             .source = "assumption: a mobile supermarket truck serves a few dozen customers at a "
                       "stop",
             .min = 1,
             .max = 100000});
  v.flag("lunch_salon", p.lunch_salon,
         {.doc = "the stop hosts a drop-by lunch salon for residents living alone when the shop "
                 "comes"});
  v.integer(
      "lunch_places", p.lunch_places,
      {.unit = "people", .doc = "places at the lunch salon per visit", .min = 1, .max = 1000});
}

/// The route as a service: its name, when it runs and what it costs.
struct MobileShopRoute {
  std::string name = "mobile shop";
  std::int32_t opens_step = 0;
  std::int32_t closes_step = -1;
  double yearly_cost_yen = 4'000'000;
};

template <class V>
void visit(V& v, MobileShopRoute& p) {
  v.text("name", p.name, {.doc = "route name, used in reports"});
  v.integer("opens_step", p.opens_step,
            {.unit = "step", .doc = "first step the route runs", .min = 0});
  v.integer(
      "closes_step", p.closes_step,
      {.unit = "step", .doc = "step from which the route no longer runs; -1 never", .min = -1});
  v.rule("closes_step", p.closes_step < 0 || p.closes_step > p.opens_step,
         "must be after opens_step, or -1");
  v.number("yearly_cost_yen", p.yearly_cost_yen,
           {.unit = "yen/year",
            .doc = "public cost of the route while it runs (vehicle, driver, subsidy)",
            .source = "assumption: municipal support for a mobile supermarket route is a few "
                      "million yen a year",
            .min = 0});
}

/// One mobile shop route (type: mobile_shop).
struct MobileShopParams {
  MobileShopRoute route;
  std::vector<MobileShopStop> stops;
  double lunch_attend_probability = 0.3;
};

template <class V>
void visit(V& v, MobileShopParams& p) {
  v.section("route", p.route);
  v.list("stops", p.stops, {.doc = "stops of the mobile shop route", .min = 1});
  v.number("lunch_attend_probability", p.lunch_attend_probability,
           {.unit = "probability",
            .doc = "a resident living alone within walking range of a stop with a lunch salon "
                   "drops in when the shop comes",
            .source = "assumption",
            .min = 0,
            .max = 1});
}

}  // namespace salonsim::models
