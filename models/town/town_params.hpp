#pragma once
// Parameters of the synthetic town: districts, who lives there (age, sex, income, household,
// transport) and their health at the start. Each default names its source.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/welfare/hardship_params.hpp"
#include "sim/params/schema.hpp"

namespace salonsim::models {

using params::Choice;
using params::Meta;

/// A pair of values for men and women.
struct BySex {
  double men = 0;
  double women = 0;
};

/// A BySex value with the documentation and range that apply to both of its numbers.
struct SexSpecific {
  BySex& value;
  Meta meta;
};

template <class V>
void visit(V& v, SexSpecific& field) {
  v.number("men", field.value.men, field.meta);
  v.number("women", field.value.women, field.meta);
}

/// Visits `key` as a section with a `men` and a `women` value.
template <class V>
void by_sex(V& v, std::string_view key, BySex& value, const Meta& meta) {
  SexSpecific field{value, meta};
  v.section(key, field);
}

enum class Density : std::uint8_t { kUrban = 0, kSuburban = 1, kRural = 2 };
inline constexpr std::array<Choice<Density>, 3> kDensityChoices{
    {{"urban", Density::kUrban}, {"suburban", Density::kSuburban}, {"rural", Density::kRural}}};

struct District {
  std::string name = "centre";
  std::vector<double> centre_m{0.0, 0.0};
  double radius_m = 1500;
  Density density = Density::kSuburban;
  double population_weight = 1;
};

/// Whether the town has a district of this name.
inline bool has_district(const std::vector<District>& districts, const std::string& name) {
  for (const District& d : districts) {
    if (d.name == name) return true;
  }
  return false;
}

/// The scenario rule of anything placed by location or by district (stores, bus stops, venues,
/// mobile-shop stops): a location, or no district (the thing's own rule asks for one), or a
/// district the town has.
inline bool names_a_district(const std::vector<District>& districts,
                             const std::vector<double>& location_m, const std::string& district) {
  return !location_m.empty() || district.empty() || has_district(districts, district);
}

template <class V>
void visit(V& v, District& p) {
  v.text("name", p.name, {.doc = "district name, used in reports"});
  v.numbers("centre_m", p.centre_m, {.unit = "m", .doc = "centre [x, y] on the town map"}, 2);
  v.number("radius_m", p.radius_m,
           {.unit = "m",
            .doc = "residents live uniformly within this radius of the centre",
            .min = 0,
            .min_exclusive = true});
  v.choice("density", p.density, kDensityChoices,
           {.doc = "density class; sets the transport shares used for its residents"});
  v.number("population_weight", p.population_weight,
           {.doc = "relative share of the town's residents living here",
            .min = 0,
            .min_exclusive = true});
}

/// Shares of residents who drive, and who get lifts when they do not drive, in one density class.
struct TransportShares {
  BySex drives{0.6, 0.25};
  double lifts_if_not_driving = 0.35;
};

template <class V>
void visit(V& v, TransportShares& p) {
  by_sex(v, "drives", p.drives,
         {.unit = "share",
          .doc = "share who drive, at age 75",
          .source = "assumption: NPA licence statistics (most men and a minority of women 65+ "
                    "hold licences; more in rural areas)",
          .min = 0,
          .max = 1});
  v.number("lifts_if_not_driving", p.lifts_if_not_driving,
           {.unit = "share",
            .doc = "share of non-drivers who can get lifts from family or others",
            .source = "assumption",
            .min = 0,
            .max = 1});
}

struct TransportParams {
  TransportShares urban{{0.45, 0.12}, 0.30};
  TransportShares suburban{{0.65, 0.25}, 0.35};
  TransportShares rural{{0.80, 0.35}, 0.45};
  double drives_age_slope_per_year = 0.03;
};

template <class V>
void visit(V& v, TransportParams& p) {
  v.section("urban", p.urban);
  v.section("suburban", p.suburban);
  v.section("rural", p.rural);
  v.number("drives_age_slope_per_year", p.drives_age_slope_per_year,
           {.unit = "1/year",
            .doc = "driving share falls by this fraction of its value per year of age above 75 "
                   "(and rises below)",
            .source = "assumption: licence holding falls steeply with age (NPA licence statistics)",
            .min = 0,
            .max = 0.1});
}

struct IncomeParams {
  double median_million_yen = 2.15;
  double sigma_log = 0.6;
  double log_change_per_year_of_age = -0.01;
  double log_change_women = -0.08;
  double low_threshold_million_yen = 2.0;
};

template <class V>
void visit(V& v, IncomeParams& p) {
  v.number("median_million_yen", p.median_million_yen,
           {.unit = "million yen/year",
            .doc = "median equivalised household income of men aged 75",
            .source = "calibrated: 46-53% below 2M yen (Hikichi et al., WCE 2014, Taketoyo)",
            .min = 0,
            .min_exclusive = true});
  v.number("sigma_log", p.sigma_log,
           {.doc = "standard deviation of log income", .source = "assumption", .min = 0, .max = 3});
  v.number("log_change_per_year_of_age", p.log_change_per_year_of_age,
           {.unit = "log/year",
            .doc = "change in log income per year of age above 75",
            .source = "assumption: older cohorts have lower pensions",
            .min = -0.2,
            .max = 0.2});
  v.number("log_change_women", p.log_change_women,
           {.unit = "log",
            .doc = "difference in log income for women",
            .source = "assumption: widows' lower pensions",
            .min = -2,
            .max = 2});
  v.number("low_threshold_million_yen", p.low_threshold_million_yen,
           {.unit = "million yen/year",
            .doc = "below this a resident is low-income",
            .source = "JAGES definition (Hikichi et al., WCE 2014)",
            .min = 0,
            .min_exclusive = true});
}

struct WalkingParams {
  double range_at_65_m = 1000;
  double decline_per_year = 0.02;
  double frailty_reduction = 0.7;
  double minimum_fraction = 0.1;
};

template <class V>
void visit(V& v, WalkingParams& p) {
  v.number("range_at_65_m", p.range_at_65_m,
           {.unit = "m",
            .doc = "how far a robust 65-year-old will walk to a destination",
            .source = "assumption: the 500 m food-access standard (MAFF) is a comfortable walk",
            .min = 0});
  v.number("decline_per_year", p.decline_per_year,
           {.unit = "1/year",
            .doc = "fraction of the range lost per year of age above 65",
            .source = "assumption",
            .min = 0,
            .max = 0.1});
  v.number("frailty_reduction", p.frailty_reduction,
           {.doc = "fraction of the range lost at frailty 1 (certification)",
            .source = "assumption",
            .min = 0,
            .max = 1});
  v.number("minimum_fraction", p.minimum_fraction,
           {.doc = "the age decline never takes the range below this fraction",
            .source = "assumption",
            .min = 0,
            .max = 1});
}

struct FrailtyParams {
  double mean_at_65 = 0.10;
  double increase_per_year = 0.015;
  double sd = 0.08;
};

template <class V>
void visit(V& v, FrailtyParams& p) {
  v.number("mean_at_65", p.mean_at_65,
           {.doc = "mean frailty index (0 robust, 1 certified) of independent 65-year-olds",
            .source = "assumption",
            .min = 0,
            .max = 1});
  v.number("increase_per_year", p.increase_per_year,
           {.unit = "1/year",
            .doc = "rise of the mean frailty index per year of age",
            .source = "assumption",
            .min = 0,
            .max = 0.1});
  v.number("sd", p.sd,
           {.doc = "spread of frailty at a given age", .source = "assumption", .min = 0, .max = 1});
}

struct EntrantParams {
  bool enabled = false;
  double per_year_share = 0.05;
};

template <class V>
void visit(V& v, EntrantParams& p) {
  v.flag("enabled", p.enabled,
         {.doc = "residents turning 65 enter each year (off: a closed cohort)"});
  v.number("per_year_share", p.per_year_share,
           {.unit = "1/year",
            .doc = "entrants a year, as a share of the starting population",
            .source = "Statistics Bureau population estimates: about 1.8M turn 65 a year, 36M "
                      "aged 65+",
            .min = 0,
            .max = 0.5});
}

/// A point on the map: `location_m`, or the centre of `district` when location_m is [].
struct Place {
  std::vector<double> location_m;
  std::string district;
};

/// Visits a place's two keys; `what` names the thing placed in the documentation.
template <class V>
void visit_place(V& v, Place& p, std::string_view what) {
  v.numbers("location_m", p.location_m,
            {.unit = "m", .doc = "[x, y] on the town map; [] to use the district centre"});
  v.rule("location_m", p.location_m.empty() || p.location_m.size() == 2,
         "expected [x, y] or [] (then district is used)");
  v.text("district", p.district,
         {.doc = "name of the district whose centre is used if location_m is []"});
  v.rule("district", !p.location_m.empty() || !p.district.empty(),
         std::string(what) + " needs location_m or district");
}

/// A food store (supermarket, grocery, convenience store) on the map.
struct Store {
  std::string name = "store";
  Place place;
  std::int32_t opens_step = 0;
  std::int32_t closes_step = -1;
};

template <class V>
void visit(V& v, Store& p) {
  v.text("name", p.name, {.doc = "store name, used in reports"});
  visit_place(v, p.place, "store '" + p.name + "'");
  v.integer("opens_step", p.opens_step,
            {.unit = "step", .doc = "first step the store is open", .min = 0});
  v.integer("closes_step", p.closes_step,
            {.unit = "step", .doc = "step from which it is closed; -1 never", .min = -1});
  v.rule("closes_step", p.closes_step < 0 || p.closes_step > p.opens_step,
         "must be after opens_step, or -1");
}

/// Stores generated in each district, per km2 of its disc, by density class.
struct StoreDensity {
  double urban = 1.5;
  double suburban = 0.4;
  double rural = 0.02;
};

template <class V>
void visit(V& v, StoreDensity& p) {
  const auto density = [&](std::string_view key, double& value, std::string_view doc) {
    v.number(key, value,
             {.unit = "stores/km2",
              .doc = doc,
              .source = "calibrated: 25% of residents aged 65+ with poor food access on the "
                        "national mix of scenarios/town.yaml (MAFF/PRIMAFF: 25.6% of 65+ in "
                        "2020; 33.2% of 75+ in 2015); the model gives about 18% urban, 23% "
                        "suburban, 42% rural, 36% of 75+",
              .min = 0,
              .max = 1000});
  };
  density("urban", p.urban, "food stores per km2 in urban districts");
  density("suburban", p.suburban, "food stores per km2 in suburban districts");
  density("rural", p.rural, "food stores per km2 in rural districts");
}

/// A bus stop of a line.
struct BusStop {
  Place place;
};

template <class V>
void visit(V& v, BusStop& p) {
  visit_place(v, p.place, "bus stop");
}

/// A bus line: a resident within walking range of one of its stops reaches whatever lies within
/// walking range of another, if the line runs often enough.
struct BusLine {
  std::string name = "bus";
  std::vector<BusStop> stops;
  double trips_per_day = 8;
};

template <class V>
void visit(V& v, BusLine& p) {
  v.text("name", p.name, {.doc = "line name, used in reports"});
  v.list("stops", p.stops, {.doc = "stops of the line", .min = 1});
  v.number("trips_per_day", p.trips_per_day,
           {.unit = "trips/day", .doc = "departures a day in each direction", .min = 0});
}

/// How far residents get by their own means: on foot (town.walking), by car, with a lift, by bus.
struct ReachParams {
  double driving_range_m = 15000;
  double lift_range_m = 3000;
  bool lifts_from_relatives = true;
  double bus_min_trips_per_day = 4;
};

template <class V>
void visit(V& v, ReachParams& p) {
  v.number("driving_range_m", p.driving_range_m,
           {.unit = "m",
            .doc = "a resident who drives (and is not certified) reaches places this far",
            .source = "assumption: older drivers shop within about a quarter of an hour's drive",
            .min = 0});
  v.number("lift_range_m", p.lift_range_m,
           {.unit = "m",
            .doc = "a resident who gets lifts (transport 'lifts', a spouse in the town who drives, "
                   "or a relative tie who drives) reaches places this far",
            .source = "assumption: family lifts serve nearby errands; with the store densities "
                      "this gives MAFF's 25.6% poor food access",
            .min = 0});
  // A driver who is certified stops driving and gets lifts instead; reach must not grow then
  // (food access relies on means only shrinking).
  v.rule("lift_range_m", p.lift_range_m <= p.driving_range_m,
         "must not exceed driving_range_m (a certified driver would reach further by lift)");
  v.flag("lifts_from_relatives", p.lifts_from_relatives,
         {.doc = "a non-driver with a relative tie in the town who drives gets lifts"});
  v.number("bus_min_trips_per_day", p.bus_min_trips_per_day,
           {.unit = "trips/day",
            .doc = "a bus line running less often than this does not count for reach",
            .source = "assumption: a line with a few departures a day is usable for shopping",
            .min = 0});
}

/// Lower age of each band in age_structure and certified_share: 65-69, ..., 85-89, 90+.
inline constexpr std::array<double, 6> kAgeBandLower{65, 70, 75, 80, 85, 90};

struct TownParams {
  std::int64_t population = 10000;
  std::vector<District> districts{District{}};
  std::vector<double> men_by_age{3600, 4347, 3119, 2230, 1377, 575};
  std::vector<double> women_by_age{3803, 4843, 3781, 3170, 2523, 1725};
  BySex living_alone{0.150, 0.221};
  double men_with_spouse_in_town = 0.70;
  IncomeParams income;
  TransportParams transport;
  WalkingParams walking;
  FrailtyParams frailty;
  std::vector<double> certified_by_age{0.028, 0.055, 0.124, 0.264, 0.481, 0.727};
  EntrantParams entrants;
  std::vector<Store> stores;
  bool generate_stores = true;
  StoreDensity store_density;
  std::vector<BusLine> bus_lines;
  ReachParams reach;
  HardshipParams hardship;
};

template <class V>
void visit(V& v, TownParams& p) {
  v.integer(
      "population", p.population,
      {.unit = "residents", .doc = "residents aged 65+ at the start", .min = 1, .max = 50'000'000});
  v.list("districts", p.districts, {.doc = "districts of the town map", .min = 1, .max = 65535});
  v.numbers("men_by_age", p.men_by_age,
            {.unit = "relative",
             .doc = "men by age band 65-69, 70-74, 75-79, 80-84, 85-89, 90+ "
                    "(with women_by_age: the age-sex structure)",
             .source = "Statistics Bureau of Japan, 2020 Population Census (thousands, rounded)",
             .min = 0},
            6);
  v.numbers("women_by_age", p.women_by_age,
            {.unit = "relative",
             .doc = "women by the same age bands",
             .source = "Statistics Bureau of Japan, 2020 Population Census (thousands, rounded)",
             .min = 0},
            6);
  double total = 0;
  for (double x : p.men_by_age) total += x;
  for (double x : p.women_by_age) total += x;
  v.rule("women_by_age", total > 0, "men_by_age and women_by_age must not all be zero");
  by_sex(v, "living_alone", p.living_alone,
         {.unit = "share",
          .doc = "share of residents living alone",
          .source = "Cabinet Office, Annual Report on the Ageing Society 2024 (2020: men 15.0%, "
                    "women 22.1%)",
          .min = 0,
          .max = 1});
  v.number("men_with_spouse_in_town", p.men_with_spouse_in_town,
           {.unit = "share",
            .doc = "share of men not living alone whose wife is also a resident",
            .source = "assumption: about 80% of men 65+ are married (2020 Census), some wives "
                      "are under 65",
            .min = 0,
            .max = 1});
  v.section("income", p.income);
  v.section("transport", p.transport);
  v.section("walking", p.walking);
  v.section("frailty", p.frailty);
  v.numbers("certified_by_age", p.certified_by_age,
            {.unit = "share",
             .doc = "share LTC-certified at the start, by the age bands above",
             .source = "MHLW, Survey of Long-term Care Benefit Expenditures (2020)",
             .min = 0,
             .max = 1},
            6);
  v.section("entrants", p.entrants);
  v.list("stores", p.stores,
         {.doc = "food stores listed by place (in addition to generated ones)"});
  v.flag("generate_stores", p.generate_stores,
         {.doc = "place stores in each district at random, by store_density (off: only the listed "
                 "stores)"});
  v.section("store_density", p.store_density);
  v.list("bus_lines", p.bus_lines, {.doc = "bus lines (none by default)"});
  v.section("reach", p.reach);
  v.section("hardship", p.hardship, {.optional = true});
  for (std::size_t k = 0; k < p.stores.size(); ++k) {
    v.rule("stores[" + std::to_string(k) + "].district",
           names_a_district(p.districts, p.stores[k].place.location_m, p.stores[k].place.district),
           "store '" + p.stores[k].name + "' names no district of town.districts: '" +
               p.stores[k].place.district + "'");
  }
  for (std::size_t l = 0; l < p.bus_lines.size(); ++l) {
    for (std::size_t k = 0; k < p.bus_lines[l].stops.size(); ++k) {
      const Place& place = p.bus_lines[l].stops[k].place;
      v.rule("bus_lines[" + std::to_string(l) + "].stops[" + std::to_string(k) + "].district",
             names_a_district(p.districts, place.location_m, place.district),
             "bus stop names no district of town.districts: '" + place.district + "'");
    }
  }
}

// What the mechanisms take of the town: each module keeps only the part it uses. A town gives
// each part (the constructors from TownParams are implicit on purpose).

/// Getting about: walking range, and how far cars, lifts and buses reach (transport/reach.hpp).
struct GettingAbout {
  WalkingParams walking;
  ReachParams reach;
  GettingAbout() = default;
  GettingAbout(const TownParams& town) : walking(town.walking), reach(town.reach) {}  // NOLINT
};

/// The map's districts, where places placed by district stand.
struct TownMap {
  std::vector<District> districts;
  TownMap() = default;
  TownMap(const TownParams& town) : districts(town.districts) {}  // NOLINT
};

/// Where food is sold and how to get there without a car: the districts, the listed and
/// generated stores, and the bus lines.
struct Shopping {
  std::vector<District> districts;
  std::vector<Store> stores;
  bool generate_stores = true;
  StoreDensity store_density;
  std::vector<BusLine> bus_lines;
  Shopping() = default;
  Shopping(const TownParams& town)  // NOLINT
      : districts(town.districts),
        stores(town.stores),
        generate_stores(town.generate_stores),
        store_density(town.store_density),
        bus_lines(town.bus_lines) {}
};

/// Walking range in metres at an age and frailty.
inline double walking_range_m(const WalkingParams& walking, double age, double frailty) {
  const double age_factor = std::max(walking.minimum_fraction,
                                     1.0 - walking.decline_per_year * std::max(0.0, age - 65.0));
  return walking.range_at_65_m * age_factor * (1.0 - walking.frailty_reduction * frailty);
}

}  // namespace salonsim::models
