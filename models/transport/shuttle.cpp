#include "models/transport/shuttle.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "models/transport/reach.hpp"
#include "sim/admission.hpp"
#include "sim/output/tables.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

int trips_in_step(double trips_per_week, std::int64_t step, int days_per_step) {
  const double per_day = trips_per_week / 7.0;
  const auto before = [&](std::int64_t s) {
    // A small tolerance keeps exact multiples (5 trips in a week of 7 days) from rounding down.
    return std::floor(per_day * static_cast<double>(s * days_per_step) + 1e-9);
  };
  return static_cast<int>(before(step + 1) - before(step));
}

namespace {

// One service's queue for seats at a step, as admit_lowest_in_blocks asks it, a block of
// residents at a time: who may queue is worked out for the whole block first, without a branch
// (which residents are eligible follows no pattern a branch predictor could learn), then the
// priorities of each four neighbours with one of them eligible come from one call of the
// generator (a block begins at a multiple of four).
class SeatQueue {
 public:
  SeatQueue(const ShuttleParams& service, const std::vector<std::uint8_t>& districts,
            const Population& p, const std::vector<StoredStep>& seat_step,
            const Referrals& referred, const RandomStream& stream, std::int64_t step, double dt,
            std::uint64_t draw)
      : service_(service),
        districts_(districts),
        p_(p),
        seat_step_(seat_step),
        referred_(referred),
        stream_(stream),
        step_(step),
        now_(stored_step(step)),
        dt_(dt),
        draw_(draw) {}

  void operator()(std::size_t first, std::size_t count, PriorityBlock& block) const {
    static_assert(PriorityBlock::kResidents % 4 == 0);
    // Residents seated by an earlier service this step do not queue again.
    for (std::size_t j = 0; j < count; ++j) {
      const auto id = static_cast<ResidentId>(first + j);
      block.queued[j] = static_cast<std::uint8_t>(
          (seat_step_[id] != now_) &
          shuttle_eligible(service_, districts_, p_, id, p_.age_at(id, step_, dt_)));
    }
    for (std::size_t j = 0; j < count; j += 4) {
      std::uint32_t any = 0;
      std::memcpy(&any, block.queued.data() + j, sizeof any);  // the four's flags at once
      if (any == 0) continue;
      const std::array<double, 4> draws = stream_.uniforms_by_four(step_, first + j, draw_);
      std::copy(draws.begin(), draws.end(), block.priority.begin() + j);
    }
    // Riders a link worker registered (social prescribing) are seated first. Only residents with
    // a record in the referral book can be (a few in a hundred): most blocks have none.
    if (!referred_.any_record(first, count)) return;
    for (std::size_t j = 0; j < count; ++j) {
      if (block.queued[j] && referred_.active(static_cast<ResidentId>(first + j), step_))
        block.priority[j] -= 1.0;
    }
  }

 private:
  const ShuttleParams& service_;
  const std::vector<std::uint8_t>& districts_;
  const Population& p_;
  const std::vector<StoredStep>& seat_step_;
  const Referrals& referred_;
  const RandomStream& stream_;
  std::int64_t step_;
  StoredStep now_;
  double dt_;
  std::uint64_t draw_;
};

}  // namespace

void Shuttle::init(Simulation& sim) {
  seats_ = ShuttleSeats::registered_on(sim.population());
  for (const ShuttleParams& service : services_) {
    std::vector<std::uint8_t> served;
    if (!service.districts.empty()) {
      served.assign(map_.districts.size(), 0);
      for (const ServedDistrict& wanted : service.districts) {
        bool found = false;
        for (std::size_t d = 0; d < map_.districts.size(); ++d) {
          if (map_.districts[d].name != wanted.name) continue;
          served[d] = 1;
          found = true;
        }
        if (!found) {
          throw std::invalid_argument("shuttle '" + service.service.name +
                                      "': no district named '" + wanted.name + "'");
        }
      }
    }
    served_districts_.push_back(std::move(served));
    seats_per_trip_.push_back(service.seats_per_trip);
    trips_per_week_.push_back(service.trips_per_week);
  }
  rides_total_.assign(services_.size(), 0);
}

void Shuttle::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const RandomStream stream = sim.stream(kShuttleStream);
  const int days = sim.clock().days_per_step;
  const double dt = sim.clock().years_per_step();
  const auto step32 = static_cast<std::int32_t>(step);
  const StoredStep now = stored_step(step);
  std::vector<StoredStep>& seat_step = p[seats_.step];
  for (std::size_t k = 0; k < services_.size(); ++k) {
    const ShuttleParams& service = services_[k];
    if (!open_at(service.service.opens_step, service.service.closes_step, step)) continue;
    const std::size_t seats =
        static_cast<std::size_t>(service.seats_per_trip) *
        static_cast<std::size_t>(trips_in_step(service.trips_per_week, step, days));
    const auto eligible = static_cast<std::int32_t>(admit_lowest_in_blocks(
        p.entered_by(step), seats,  // the living are among the rows entered
        SeatQueue(service, served_districts_[k], p, seat_step, referred_, stream, step, dt, k),
        queues_, order_));
    const std::uint8_t destinations =
        (service.to_salons ? kShuttleToSalons : 0) | (service.to_stores ? kShuttleToStores : 0);
    for (const auto& [priority, id] : order_) {
      seat_step[id] = now;
      p[seats_.destinations][id] = destinations;
      std::uint16_t& trips = p[seats_.trips][id];
      if (trips < std::numeric_limits<std::uint16_t>::max()) ++trips;
    }
    rides_total_[k] += static_cast<std::int32_t>(order_.size());
    usage_step_.push_back(step32);
    usage_service_.push_back(static_cast<std::int32_t>(k));
    usage_eligible_.push_back(eligible);
    usage_seats_.push_back(static_cast<std::int32_t>(seats));
    usage_rides_.push_back(static_cast<std::int32_t>(order_.size()));
  }
}

void Shuttle::start(Simulation& sim) {
  referred_.find(sim, name());
}

bool Shuttle::would_take(const Population& p, ResidentId id, std::int64_t step, double dt,
                         std::uint8_t destination) const {
  for (std::size_t k = 0; k < services_.size(); ++k) {
    const ShuttleParams& service = services_[k];
    if (!open_at(service.service.opens_step, service.service.closes_step, step)) continue;
    const std::uint8_t goes =
        (service.to_salons ? kShuttleToSalons : 0) | (service.to_stores ? kShuttleToStores : 0);
    if ((goes & destination) &&
        shuttle_eligible(service, served_districts_[k], p, id, p.age_at(id, step, dt)))
      return true;
  }
  return false;
}

double Shuttle::cost_yen(const Simulation& sim) const {
  const std::int64_t now = sim.current_step();
  double cost = 0;
  for (const ShuttleParams& service : services_) {
    cost += running_cost_yen(service.service.yearly_cost_yen, service.service.opens_step,
                             service.service.closes_step, now, sim.clock().years_per_step());
  }
  return cost;
}

void Shuttle::add_output_tables(const Simulation&, std::vector<OutputTable>& tables) const {
  tables.push_back(
      {"shuttles",
       "one row per shuttle service, in the order listed",
       {{"seats_per_trip", "riders one trip carries", column_view(seats_per_trip_)},
        {"trips_per_week", "round trips a week", column_view(trips_per_week_)},
        {"rides_total", "rides given, summed over steps", column_view(rides_total_)}}});
  tables.push_back(
      {"shuttle_usage",
       "one row per step and running shuttle service: usage over time",
       {{"step", "step", column_view(usage_step_)},
        {"service", "row of the service in shuttles", column_view(usage_service_)},
        {"eligible", "eligible residents who did not already have a seat",
         column_view(usage_eligible_)},
        {"seats", "seats offered (seats_per_trip x trips in the step)", column_view(usage_seats_)},
        {"rides", "seats taken", column_view(usage_rides_)}}});
}

}  // namespace salonsim::models
