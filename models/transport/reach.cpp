#include "models/transport/reach.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "models/town/town_builder.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

ShuttleSeats ShuttleSeats::registered_on(Population& p) {
  return {p.add_column<StoredStep>(
              {"shuttle_step", "step", "last step with a shuttle seat, -1 never", false}, kNever),
          p.add_column<std::uint8_t>({"shuttle_destinations", "",
                                      "where the seat at shuttle_step went: 1 salons, 2 stores "
                                      "(bits)",
                                      false}),
          p.add_column<std::uint16_t>({"shuttle_trips", "", "shuttle rides taken"})};
}

namespace {
// Generated stores draw from the town's set-up stream with their own draw index (residents use
// 0..4 and 19), keyed by agent = district * kStoreSlots + k.
constexpr std::uint64_t kStoreDraw = 64;
constexpr std::uint64_t kStoreSlots = std::uint64_t{1} << 32;
}  // namespace

Point point_of(const Place& place, const std::vector<District>& districts,
               const std::string& what) {
  if (place.location_m.size() == 2) return {place.location_m[0], place.location_m[1]};
  for (const District& d : districts) {
    if (d.name == place.district) return {d.centre_m[0], d.centre_m[1]};
  }
  throw std::invalid_argument(what + ": no district named '" + place.district + "'");
}

std::vector<PlacedStore> place_stores(const Shopping& town, const RandomStream& stream) {
  std::vector<PlacedStore> stores;
  for (const Store& store : town.stores) {
    stores.push_back({store.name,
                      point_of(store.place, town.districts, "store '" + store.name + "'"),
                      store.opens_step, store.closes_step, -1});
  }
  if (!town.generate_stores) return stores;
  for (std::size_t d = 0; d < town.districts.size(); ++d) {
    const District& district = town.districts[d];
    const double per_km2 = district.density == Density::kUrban      ? town.store_density.urban
                           : district.density == Density::kSuburban ? town.store_density.suburban
                                                                    : town.store_density.rural;
    const double area_km2 = std::numbers::pi * district.radius_m * district.radius_m / 1e6;
    const auto count = static_cast<std::uint64_t>(std::llround(per_km2 * area_km2));
    for (std::uint64_t k = 0; k < count; ++k) {
      const auto u = stream.uniforms4(kSetupStep, d * kStoreSlots + k, kStoreDraw);
      const double radius = district.radius_m * std::sqrt(u[0]);
      const double angle = 2.0 * std::numbers::pi * u[1];
      stores.push_back({district.name + " store " + std::to_string(k + 1),
                        {district.centre_m[0] + radius * std::cos(angle),
                         district.centre_m[1] + radius * std::sin(angle)},
                        0,
                        -1,
                        static_cast<std::int32_t>(d)});
    }
  }
  return stores;
}

LiftSource lift_source(const GettingAbout& town, const Population& p, ResidentId id,
                       std::span<const ResidentId> relatives) {
  const auto transport = static_cast<Transport>(p.transport[id]);
  // A certified former driver keeps the household's car, driven by someone else.
  if (transport == Transport::kLifts || transport == Transport::kDrives)
    return {LiftSource::kHousehold};
  const std::int32_t spouse = p.spouse[id];
  if (spouse >= 0 && p.alive[spouse] && drives_now(p, static_cast<ResidentId>(spouse)))
    return {LiftSource::kSpouse};
  if (!town.reach.lifts_from_relatives) return {};
  const auto driver = std::find_if(relatives.begin(), relatives.end(), [&](ResidentId other) {
    return p.alive[other] && drives_now(p, other);
  });
  if (driver == relatives.end()) return {};
  return {static_cast<std::int32_t>(driver - relatives.begin())};
}

std::vector<ResidentId> relatives_of(const Network& network, ResidentId id) {
  std::vector<ResidentId> relatives;
  network.for_each_tie(id, [&](ResidentId other, const Tie& tie) {
    if (tie.kind == TieKind::kRelative) relatives.push_back(other);
  });
  return relatives;
}

RelativeLists relative_lists(const Network& network, std::size_t residents) {
  RelativeLists lists;
  lists.offsets.assign(residents + 1, 0);
  for (std::size_t i = 0; i < residents; ++i) {
    std::uint32_t count = 0;
    network.for_each_tie(static_cast<ResidentId>(i), [&](ResidentId, const Tie& tie) {
      count += tie.kind == TieKind::kRelative;
    });
    lists.offsets[i + 1] = lists.offsets[i] + count;
  }
  lists.ids.resize(lists.offsets[residents]);
  for (std::size_t i = 0; i < residents; ++i) {
    std::uint32_t next = lists.offsets[i];
    network.for_each_tie(static_cast<ResidentId>(i), [&](ResidentId other, const Tie& tie) {
      if (tie.kind == TieKind::kRelative) lists.ids[next++] = other;
    });
  }
  return lists;
}

std::shared_ptr<const RelativeLists> shared_relative_lists(Simulation& sim) {
  return sim.shared<RelativeLists>(
      "relative_lists", [&sim] { return relative_lists(sim.network(), sim.population().size()); });
}

Mobility mobility_of(const GettingAbout& town, const Population& p, const Network& network,
                     ResidentId id, double age) {
  Mobility m;
  m.walking_range_m = walking_range_m(town.walking, age, p.frailty(id));
  m.drives = drives_now(p, id);
  if (!m.drives) m.gets_lift = gets_lift(town, p, id, relatives_of(network, id));
  return m;
}

double nearest_open_m(const SpatialGrid& grid, std::span<const float> xs, std::span<const float> ys,
                      std::span<const std::uint8_t> open, double x, double y) {
  if (std::find(open.begin(), open.end(), std::uint8_t{1}) == open.end())
    return std::numeric_limits<double>::infinity();
  // The grid spans at most columns x rows cells; a radius beyond its diagonal plus the distance
  // to it finds every point.
  const double extent = grid.cell_m() * (grid.columns() + grid.rows() + 2);
  double best = std::numeric_limits<double>::infinity();
  for (double radius = grid.cell_m();; radius *= 2) {
    grid.for_each_within(x, y, radius, [&](ResidentId k) {
      if (open[k]) best = std::min(best, std::hypot(xs[k] - x, ys[k] - y));
    });
    if (best <= radius) return best;
    if (radius > extent + std::abs(x - xs[0]) + std::abs(y - ys[0])) return best;
  }
}

}  // namespace salonsim::models
