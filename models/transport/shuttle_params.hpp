#pragma once
// Parameters of transport support: a shuttle that takes eligible residents to salons and shops.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/params/schema.hpp"

namespace salonsim::models {

using params::Meta;

/// A district the shuttle serves, by name.
struct ServedDistrict {
  std::string name = "centre";
};

template <class V>
void visit(V& v, ServedDistrict& p) {
  v.text("name", p.name, {.doc = "name of a district of town.districts"});
}

/// Who may ride.
struct ShuttleEligibility {
  double min_age = 75;
  bool include_certified = true;
  bool without_car_only = true;
};

template <class V>
void visit(V& v, ShuttleEligibility& p) {
  v.number("min_age", p.min_age,
           {.unit = "years", .doc = "shuttle riders are at least this old", .min = 0, .max = 120});
  v.flag("include_certified", p.include_certified,
         {.doc = "LTC-certified residents may ride the shuttle"});
  v.flag("without_car_only", p.without_car_only,
         {.doc = "only residents who do not drive may ride the shuttle"});
}

/// The shuttle as a service: its name, when it runs and what it costs.
struct ShuttleService {
  std::string name = "shuttle";
  std::int32_t opens_step = 0;
  std::int32_t closes_step = -1;
  double yearly_cost_yen = 5'000'000;
};

template <class V>
void visit(V& v, ShuttleService& p) {
  v.text("name", p.name, {.doc = "service name, used in reports"});
  v.integer("opens_step", p.opens_step,
            {.unit = "step", .doc = "first step the shuttle runs", .min = 0});
  v.integer("closes_step", p.closes_step,
            {.unit = "step", .doc = "step from which it no longer runs; -1 never", .min = -1});
  v.rule("closes_step", p.closes_step < 0 || p.closes_step > p.opens_step,
         "must be after opens_step, or -1");
  v.number("yearly_cost_yen", p.yearly_cost_yen,
           {.unit = "yen/year",
            .doc = "cost of the shuttle while it runs (vehicle, driver, fuel)",
            .source = "assumption: a municipal demand-responsive shuttle with one vehicle costs a "
                      "few million yen a year",
            .min = 0});
}

/// One shuttle service (type: shuttle).
struct ShuttleParams {
  ShuttleService service;
  ShuttleEligibility eligibility;
  std::vector<ServedDistrict> districts;
  std::int32_t seats_per_trip = 10;
  double trips_per_week = 5;
  bool to_salons = true;
  bool to_stores = true;
};

template <class V>
void visit(V& v, ShuttleParams& p) {
  v.section("service", p.service);
  v.section("eligibility", p.eligibility);
  v.list("districts", p.districts,
         {.doc = "districts the shuttle serves (riders living there); none listed: all"});
  v.integer("seats_per_trip", p.seats_per_trip,
            {.unit = "seats", .doc = "riders one shuttle trip carries", .min = 1, .max = 1000});
  v.number("trips_per_week", p.trips_per_week,
           {.unit = "trips/week",
            .doc = "shuttle round trips a week (a rider takes at most one per step)",
            .min = 0,
            .min_exclusive = true,
            .max = 1000});
  v.flag("to_salons", p.to_salons,
         {.doc = "a shuttle seat takes the rider to their salon venue, whatever the distance"});
  v.flag("to_stores", p.to_stores,
         {.doc = "a shuttle seat takes the rider shopping (food access that step)"});
  v.rule("to_stores", p.to_salons || p.to_stores, "the shuttle must go to salons or stores");
}

}  // namespace salonsim::models
