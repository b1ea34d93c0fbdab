#pragma once
// The one "can this resident reach that place": on foot (walking range from age and frailty),
// by car, with a lift from family, by bus, or on a shuttle seat; and the places they go to
// (stores, stops) put on the map. Food access asks whether a store is reached at all; salons
// ask by which means a venue is reached and grade their attendance by it.
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "models/town/town_params.hpp"
#include "sim/calendar.hpp"
#include "sim/memory.hpp"
#include "sim/network.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim {
class Simulation;
}

namespace salonsim::models {

/// Where a shuttle seat takes a resident (bits of ShuttleSeats::destinations).
inline constexpr std::uint8_t kShuttleToSalons = 1, kShuttleToStores = 2;

/// Seats on transport support (the shuttle) handed out in the transport phase of a step, read by
/// whatever the seat takes a resident to (salons, stores). Registered by the shuttle and by the
/// mechanisms that read seats, so they exist whenever either runs.
struct ShuttleSeats {
  Column<StoredStep> step;            // last step with a seat, -1 never
  Column<std::uint8_t> destinations;  // at that step: kShuttleTo* bits
  Column<std::uint16_t> trips;        // rides taken
  static ShuttleSeats registered_on(Population& p);

  /// The seats of one step, read in a loop over residents (column pointers taken once).
  struct InStep {
    const StoredStep* step_of;
    const std::uint8_t* destinations_of;
    StoredStep step;
    /// Whether a resident has a seat to `destination` (a kShuttleTo* bit) in this step.
    bool to(ResidentId id, std::uint8_t destination) const {
      return (step_of[id] == step) & ((destinations_of[id] & destination) != 0);
    }
  };
  InStep in_step(const Population& p, std::int64_t step) const {
    return {p[this->step].data(), p[destinations].data(), stored_step(step)};
  }
};

/// A point on the map.
struct Point {
  double x_m = 0, y_m = 0;
};

/// The point of a place: its location, or its district's centre. Throws std::invalid_argument
/// naming `what` when the district does not exist.
Point point_of(const Place& place, const std::vector<District>& districts, const std::string& what);

/// A store on the map, listed or generated.
struct PlacedStore {
  std::string name;
  Point point;
  std::int32_t opens_step = 0;
  std::int32_t closes_step = -1;
  std::int32_t district = -1;  // generated stores: their district; listed: -1
};

/// The listed stores, then (with generate_stores) each district's stores by store_density:
/// round(density * area) stores uniform in the district's disc, from the town's set-up stream.
std::vector<PlacedStore> place_stores(const Shopping& shopping, const RandomStream& town_stream);

/// How a resident gets about at present.
struct Mobility {
  double walking_range_m = 0;
  bool drives = false;     // drives and is not certified
  bool gets_lift = false;  // lifts from household, spouse or a relative who drives
};

/// One usable bus line, seen from a resident and a destination: the distance from home to the
/// line's nearest stop, and from the destination to the line's nearest stop.
struct BusLeg {
  double home_to_stop_m = std::numeric_limits<double>::infinity();
  double stop_to_place_m = std::numeric_limits<double>::infinity();
};

/// Whether a resident did not drive when they entered (no car of their own, or certified then):
/// the group outcomes about residents without a car count these.
inline bool without_car_at_entry(const Population& p, ResidentId id) {
  return p.transport[id] != static_cast<std::uint8_t>(Transport::kDrives) || p.certified0[id];
}

/// 1 if the resident does not drive at present (no car of their own, or certified), else 0: a
/// byte, without a branch, which loops over every resident combine with other 0/1 columns (they
/// vectorise; a bool's negation does not).
inline std::uint8_t not_driving_now(const Population& p, ResidentId id) {
  return static_cast<std::uint8_t>(
      (p.transport[id] != static_cast<std::uint8_t>(Transport::kDrives)) | p.certified[id]);
}

/// Whether a resident drives at present (a car of their own, not certified).
inline bool drives_now(const Population& p, ResidentId id) {
  return not_driving_now(p, id) == 0;
}

/// Whether a resident reaches a place `distance_m` from home: on foot within walking range, by
/// car within driving range, with a lift within lift range, or by a bus line whose stops lie
/// within walking range of both home and the place.
inline bool reaches(const ReachParams& reach, const Mobility& m, double distance_m,
                    std::span<const BusLeg> bus) {
  if (distance_m <= m.walking_range_m) return true;
  if (m.drives && distance_m <= reach.driving_range_m) return true;
  if (m.gets_lift && distance_m <= reach.lift_range_m) return true;
  for (const BusLeg& leg : bus) {
    if (leg.home_to_stop_m <= m.walking_range_m && leg.stop_to_place_m <= m.walking_range_m)
      return true;
  }
  return false;
}

/// A resident's mobility now: walking range at their age and frailty; certified residents do
/// not drive, and get lifts if they did; non-drivers get lifts with transport 'lifts', from a
/// spouse in the town who drives, or (lifts_from_relatives) from a relative tie who drives.
Mobility mobility_of(const GettingAbout& town, const Population& p, const Network& network,
                     ResidentId id, double age);

/// Who gives a non-driver lifts: `from` is kNone, kHousehold (transport 'lifts', or a certified
/// former driver with the household's car), kSpouse (a spouse in the town who drives), or the
/// index in `relatives` (their relative ties, with lifts_from_relatives) of the first who drives.
struct LiftSource {
  static constexpr std::int32_t kNone = -2, kHousehold = -1;
  static constexpr std::int32_t kSpouse = std::numeric_limits<std::int32_t>::max();
  std::int32_t from = kNone;
};
LiftSource lift_source(const GettingAbout& town, const Population& p, ResidentId id,
                       std::span<const ResidentId> relatives);

/// Whether a non-driver gets lifts: lift_source(...) is someone.
inline bool gets_lift(const GettingAbout& town, const Population& p, ResidentId id,
                      std::span<const ResidentId> relatives) {
  return lift_source(town, p, id, relatives).from != LiftSource::kNone;
}

/// The residents with a relative tie to `id`.
std::vector<ResidentId> relatives_of(const Network& network, ResidentId id);

/// Every resident's relatives in compressed-sparse-row form: those of resident i are
/// ids[offsets[i] .. offsets[i + 1]). Relative ties are fixed once the network is built (a run
/// only adds acquaintances, and a dead relative is skipped by `alive`), so this is built once.
struct RelativeLists {
  std::vector<std::uint32_t> offsets;
  std::vector<ResidentId> ids;
  std::span<const ResidentId> of(ResidentId id) const {
    return {ids.data() + offsets[id], ids.data() + offsets[id + 1]};
  }
  std::size_t bytes() const { return bytes_of(offsets) + bytes_of(ids); }
};
RelativeLists relative_lists(const Network& network, std::size_t residents);
/// The run's relative lists (of every row), built by the first mechanism that asks and shared by
/// the rest (food access, each kind of group, social prescribing: one copy, not one each).
std::shared_ptr<const RelativeLists> shared_relative_lists(Simulation& sim);

/// The means by which a resident reaches a place, the first of these that does.
enum class Means : std::uint8_t { kNone = 0, kShuttle, kCar, kFoot, kBus, kLift };

/// How a resident reaches a place `distance_m` from home: a shuttle seat to it this step, by
/// car, on foot, by bus, with a lift; kNone when nothing reaches. Evaluated lazily, cheapest
/// first (lifts, which read the relatives' rows, last): food access asks it of every resident
/// every step, so it is inline.
inline Means means_to(const GettingAbout& town, const Population& p, ResidentId id, double age,
                      double distance_m, std::span<const BusLeg> bus,
                      std::span<const ResidentId> relatives, bool shuttle_seat = false) {
  if (shuttle_seat) return Means::kShuttle;
  const bool drives = drives_now(p, id);
  if (drives && distance_m <= town.reach.driving_range_m) return Means::kCar;
  const Mobility m{walking_range_m(town.walking, age, p.frailty(id)), false, false};
  if (distance_m <= m.walking_range_m) return Means::kFoot;
  if (reaches(town.reach, m, distance_m, bus)) return Means::kBus;
  if (drives || distance_m > town.reach.lift_range_m) return Means::kNone;
  return gets_lift(town, p, id, relatives) ? Means::kLift : Means::kNone;
}

/// Whether a resident reaches a place by their own means (no shuttle seat): means_to(...) is not
/// kNone, i.e. reaches(town.reach, mobility_of(...), distance_m, bus).
inline bool reaches_from_home(const GettingAbout& town, const Population& p, ResidentId id,
                              double age, double distance_m, std::span<const BusLeg> bus,
                              std::span<const ResidentId> relatives) {
  return means_to(town, p, id, age, distance_m, bus, relatives) != Means::kNone;
}

/// Distance from (x, y) to the nearest point of `grid` (built over xs, ys) with `open[k]`
/// set; infinity if none. Searches outwards ring by ring, so it costs about the points nearby.
double nearest_open_m(const SpatialGrid& grid, std::span<const float> xs, std::span<const float> ys,
                      std::span<const std::uint8_t> open, double x, double y);

}  // namespace salonsim::models
