#include "models/shops/food_access.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "models/town/town_builder.hpp"
#include "sim/output/tables.hpp"
#include "sim/rows_where.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

namespace {
constexpr float kInfinity = std::numeric_limits<float>::infinity();
constexpr double kStoreGridCellM = 500;
}  // namespace

FoodAccessColumns FoodAccessColumns::registered_on(Population& p) {
  // A survey asks about access now (the last step) and so far (surveyed).
  return {p.add_column<std::uint8_t>({.name = std::string(kPoorFoodAccessColumn),
                                      .unit = "",
                                      .description = "1 if no food was within reach this step",
                                      .output = false,
                                      .surveyed = true}),
          p.add_column<std::uint16_t>({.name = "poor_food_access_steps",
                                       .unit = "",
                                       .description = "steps alive with poor food access",
                                       .surveyed = true}),
          p.add_column<std::uint8_t>(
              {"food_access0", "",
               "1 if food was within reach at entry (store, mobile shop or shuttle)"}),
          p.add_column<float>({"nearest_store_m", "m",
                               "distance to the nearest store open at the last change of stores, "
                               "metres (inf: none open)"},
                              kInfinity)};
}

std::vector<Outcome> food_access_outcomes() {
  return {{.name = "poor_food_access_at_entry",
           .description = "share of residents with poor food access at entry",
           .numerator = "poor_food_access_at_entry",
           .denominator = "residents"},
          {.name = "poor_food_access_share",
           .description = "share of person-years lived with poor food access",
           .numerator = "poor_food_access_years",
           .denominator = "person_years",
           .table_heading = "poor food access, py %",
           .table_scale = 100}};
}

void FoodAccess::init(Simulation& sim) {
  Population& p = sim.population();
  columns_ = FoodAccessColumns::registered_on(p);
  shop_customers_ = MobileShopCustomers::registered_on(p);
  seats_ = ShuttleSeats::registered_on(p);
  sim.effects().add_flag_ratio(Hazard::kCertification, {std::string(kFoodAccessStream),
                                                        columns_.poor, hr_poor_food_access_});
  declare_timeseries(sim.timeseries(), p[columns_.poor].data());
  const std::uint8_t* at_entry = p[columns_.at_entry].data();
  const std::uint16_t* poor_steps = p[columns_.poor_steps].data();
  const double years_per_step = sim.clock().years_per_step();
  sim.tallies().add({"poor_food_access_at_entry", "residents with poor food access at entry",
                     [at_entry](ResidentId i) { return at_entry[i] ? 0.0 : 1.0; }});
  sim.tallies().add(
      {"poor_food_access_years", "person-years alive with poor food access",
       [poor_steps, years_per_step](ResidentId i) { return poor_steps[i] * years_per_step; }});
  stores_ = place_stores(shopping_, sim.stream(kTownStream));
  for (const PlacedStore& store : stores_) {
    store_x_m_.push_back(static_cast<float>(store.point.x_m));
    store_y_m_.push_back(static_cast<float>(store.point.y_m));
    store_opens_.push_back(store.opens_step);
    store_closes_.push_back(store.closes_step);
    store_district_.push_back(store.district);
  }
  store_open_.assign(stores_.size(), 0);
  // Each usable line's stops, and every resident's distance to the nearest stop of each line.
  for (const BusLine& line : shopping_.bus_lines) {
    if (line.trips_per_day < getting_about_.reach.bus_min_trips_per_day) continue;
    for (const BusStop& stop : line.stops) {
      usable_stops_.push_back(
          point_of(stop.place, shopping_.districts, "bus line '" + line.name + "'"));
      usable_stop_line_.push_back(static_cast<std::int32_t>(usable_lines_));
    }
    ++usable_lines_;
  }
  const std::size_t n = p.size();
  home_to_line_m_.assign(n * usable_lines_, kInfinity);
  tbb::parallel_for(std::size_t{0}, usable_lines_ == 0 ? 0 : n, [&](std::size_t i) {
    for (std::size_t k = 0; k < usable_stops_.size(); ++k) {
      float& to_line = home_to_line_m_[i * usable_lines_ + usable_stop_line_[k]];
      to_line = std::min(to_line, static_cast<float>(std::hypot(p.x_m[i] - usable_stops_[k].x_m,
                                                                p.y_m[i] - usable_stops_[k].y_m)));
    }
  });
  relatives_ = shared_relative_lists(sim);
  reach_store_.assign(n, ReachKnown::kAsk);
  next_entrant_ = 0;
  while (next_entrant_ < n && p.entry_step[next_entrant_] == 0) ++next_entrant_;
  // Without usable bus lines there is no bus leg to read in the step.
  bus_leg_.assign(usable_lines_ == 0 ? 0 : n, BusLeg{});
  line_to_store_m_.assign(usable_lines_, kInfinity);
}

void FoodAccess::update_stores(Population& p, std::int64_t step) {
  std::vector<float>& nearest_store_m = p[columns_.nearest_store_m];
  // Other stores: everyone's reach is asked afresh.
  std::fill(reach_store_.begin(), reach_store_.end(), ReachKnown::kAsk);
  for (std::size_t k = 0; k < stores_.size(); ++k)
    store_open_[k] = open_at(store_opens_[k], store_closes_[k], step);
  const SpatialGrid grid(store_x_m_, store_y_m_, kStoreGridCellM);
  const auto nearest = [&](double x, double y) {
    return stores_.empty() ? std::numeric_limits<double>::infinity()
                           : nearest_open_m(grid, store_x_m_, store_y_m_, store_open_, x, y);
  };
  std::fill(line_to_store_m_.begin(), line_to_store_m_.end(), kInfinity);
  for (std::size_t k = 0; k < usable_stops_.size(); ++k) {
    float& to_store = line_to_store_m_[usable_stop_line_[k]];
    to_store =
        std::min(to_store, static_cast<float>(nearest(usable_stops_[k].x_m, usable_stops_[k].y_m)));
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, p.size(), 1024), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      nearest_store_m[i] = static_cast<float>(nearest(p.x_m[i], p.y_m[i]));
      // By bus, the walking needed is the longer of the two walks; keep the line needing least.
      BusLeg best;
      for (std::size_t line = 0; line < usable_lines_; ++line) {
        const BusLeg leg{home_to_line_m_[i * usable_lines_ + line], line_to_store_m_[line]};
        if (std::max(leg.home_to_stop_m, leg.stop_to_place_m) <
            std::max(best.home_to_stop_m, best.stop_to_place_m)) {
          best = leg;
        }
      }
      if (!bus_leg_.empty()) bus_leg_[i] = best;
    }
  });
}

// The distance and bus legs stay while the stores do: only the means can go.
// Inline where it is called, once a resident a step.
[[gnu::always_inline]] inline bool FoodAccess::holds_by_own_row(const Population& p, ResidentId id,
                                                                std::uint8_t known) {
  return ((known == ReachKnown::kByCar) & drives_now(p, id)) |
         (known == ReachKnown::kHouseholdLift);
}

bool FoodAccess::lift_still_given(const Population& p, ResidentId id, std::uint8_t known) const {
  const ResidentId giver = known == ReachKnown::kSpouseLift
                               ? static_cast<ResidentId>(p.spouse[id])
                               : relatives_->of(id)[known - ReachKnown::kRelativeLift];
  return p.alive[giver] && drives_now(p, giver);
}

void FoodAccess::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  bool changed = step == 0;
  for (std::size_t k = 0; k < stores_.size(); ++k)
    changed = changed || store_open_[k] != open_at(store_opens_[k], store_closes_[k], step);
  if (changed) update_stores(p, step);

  const double dt = sim.clock().years_per_step();
  const StoredStep now = stored_step(step);
  // The one way means can grow without a change of stores: a resident who enters (turns 65)
  // and drives gives lifts to their spouse and relatives. Ask those again. Rows are in order of
  // entry (see Demography).
  for (; next_entrant_ < p.size() && p.entry_step[next_entrant_] <= step; ++next_entrant_) {
    const auto entrant = static_cast<ResidentId>(next_entrant_);
    if (p.spouse[entrant] >= 0)
      reach_store_[static_cast<std::size_t>(p.spouse[entrant])] = ReachKnown::kAsk;
    for (ResidentId relative : relatives_->of(entrant)) reach_store_[relative] = ReachKnown::kAsk;
  }
  const ShuttleSeats::InStep seats = seats_.in_step(p, step);
  // Of the living, so of the rows entered.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, p.entered_by(step), 1024), [&](const auto& range) {
        // Local copies and pointers: a store of a byte may alias anything, so through references
        // and vectors every store would reload them.
        const ShuttleSeats::InStep seat = seats;
        std::uint8_t* poor = p[columns_.poor].data();
        std::uint16_t* poor_steps = p[columns_.poor_steps].data();
        std::uint8_t* at_entry = p[columns_.at_entry].data();
        const float* nearest_store_m = p[columns_.nearest_store_m].data();
        const StoredStep* served_step = p[shop_customers_.step].data();
        const std::uint8_t* alive = p.alive.data();
        const StoredStep* entry_step = p.entry_step.data();
        std::uint8_t* known = reach_store_.data();
        const BusLeg* bus_leg = bus_leg_.empty() ? nullptr : bus_leg_.data();
        // A part at a time, its living listed first: the dead (a fifth of the rows entered over
        // ten years) keep their columns as they were, so they are not worked on at all.
        constexpr std::size_t kPart = 256;
        std::array<std::uint16_t, kPart + kRowsWhereSlack> living;
        for (std::size_t first = range.begin(); first < range.end(); first += kPart) {
          const std::size_t count = std::min(kPart, range.end() - first);
          const std::size_t living_count = rows_where_nonzero(alive + first, count, living.data());
          for (std::size_t t = 0; t < living_count; ++t) {
            const std::size_t i = first + living[t];
            const auto id = static_cast<ResidentId>(i);
            // Which answer a resident has follows no pattern over residents, so the common ones
            // are settled without a branch: served this step by the mobile shop or a shuttle seat
            // to the shops, still driving, or lifts from the household (which stay).
            const std::uint8_t kept = known[i];
            bool food = (served_step[i] == now) | seat.to(id, kShuttleToStores) |
                        holds_by_own_row(p, id, kept);
            // The rest are asked: lifts from a spouse or a relative (their row read), and afresh
            // those walking or riding a bus, whose range falls with age and frailty, and drivers
            // who have stopped; not those known unable.
            if (!food & (kept != ReachKnown::kCannot)) {
              food = kept >= ReachKnown::kSpouseLift && lift_still_given(p, id, kept);
              if (!food) {
                const std::span<const ResidentId> relatives = relatives_->of(id);
                const Means means =
                    means_to(getting_about_, p, id, p.age_at(id, step, dt), nearest_store_m[i],
                             bus_leg == nullptr ? std::span<const BusLeg>{}
                                                : std::span<const BusLeg>{&bus_leg[i], 1},
                             relatives);
                food = means != Means::kNone;
                known[i] = known_reach(p, id, means, relatives);
              }
            }
            poor[i] = !food;
            at_entry[i] = entry_step[i] == now ? food : at_entry[i];
            // Saturates at the column's largest value.
            poor_steps[i] += static_cast<std::uint16_t>(
                !food & (poor_steps[i] < std::numeric_limits<std::uint16_t>::max()));
          }
        }
      });
}

std::uint8_t FoodAccess::known_reach(const Population& p, ResidentId id, Means means,
                                     std::span<const ResidentId> relatives) const {
  switch (means) {
    case Means::kNone:
      return ReachKnown::kCannot;
    case Means::kCar:
      return ReachKnown::kByCar;
    case Means::kLift: {
      const LiftSource lift = lift_source(getting_about_, p, id, relatives);
      if (lift.from == LiftSource::kHousehold) return ReachKnown::kHouseholdLift;
      if (lift.from == LiftSource::kSpouse) return ReachKnown::kSpouseLift;
      if (lift.from >= 0 && lift.from <= ReachKnown::kMostRelatives)
        return static_cast<std::uint8_t>(ReachKnown::kRelativeLift + lift.from);
      return ReachKnown::kAsk;
    }
    default:  // on foot or by bus, whose range falls with age and frailty: asked every step
      return ReachKnown::kAsk;
  }
}

void FoodAccess::declare_timeseries(Timeseries& ts, const std::uint8_t* poor_column) {
  // Predicates combine 0/1 columns with & rather than &&: branch-free, as they are asked of
  // every resident every step and the columns' values are unpredictable.
  using P = const Population&;
  ts.declare("poor_food_access",
             "residents alive at the end of the step who had no food within reach this step",
             [poor = poor_column](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & poor[i]) != 0;
             });
  ts.declare("lives_alone", "residents alive at the end of the step who live alone",
             [](P p, ResidentId i, std::int64_t) { return (p.alive[i] & p.lives_alone[i]) != 0; });
  ts.declare("poor_food_access_alone", "of those living alone, poor food access this step",
             [poor = poor_column](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & p.lives_alone[i] & poor[i]) != 0;
             });
  ts.declare("alone_no_car",
             "residents alive at the end of the step who live alone and do not drive",
             [](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & p.lives_alone[i] & not_driving_now(p, i)) != 0;
             });
  ts.declare("poor_food_access_alone_no_car",
             "of those living alone who do not drive, poor food access this step",
             [poor = poor_column](P p, ResidentId i, std::int64_t) {
               return (p.alive[i] & p.lives_alone[i] & poor[i] & not_driving_now(p, i)) != 0;
             });
}

void FoodAccess::add_output_tables(const Simulation&, std::vector<OutputTable>& tables) const {
  tables.push_back(
      {"stores",
       "one row per food store: listed stores first, then generated ones",
       {{"x_m", "store east coordinate, metres", column_view(store_x_m_)},
        {"y_m", "store north coordinate, metres", column_view(store_y_m_)},
        {"opens_step", "first step it is open", column_view(store_opens_)},
        {"closes_step", "step it closes, -1 never", column_view(store_closes_)},
        {"district", "district it was generated in, -1 listed", column_view(store_district_)}}});
}

}  // namespace salonsim::models
