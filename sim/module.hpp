#pragma once
// The one lifecycle every mechanism shares: init once the town exists, step once per time
// step in its phase, finalize after the last step. Mechanisms talk only through the
// population's columns, the network and requests (e.g. death_requested) that the schedule
// applies.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/memory.hpp"  // bytes_of, for Module::bytes()
#include "sim/schedule.hpp"

namespace salonsim {

class Simulation;
struct OutputTable;

class Module {
 public:
  virtual ~Module() = default;
  /// Stable name; it also keys the module's random stream.
  virtual std::string_view name() const = 0;
  /// The phase of the step in which step() runs (see schedule.hpp).
  virtual Phase phase() const = 0;
  virtual void init(Simulation& /*sim*/) {}
  /// After every module's init (in phase order), before the first step: set-up that depends on
  /// what other mechanisms set up (e.g. isolation with every source of contacts).
  virtual void start(Simulation& /*sim*/) {}
  virtual void step(Simulation& sim, std::int64_t step) = 0;
  virtual void finalize(Simulation& /*sim*/) {}
  /// Whether the outputs report this module's cost as an intervention's (by default the modules
  /// of the transport and interventions phases).
  virtual bool reports_cost() const {
    return phase() == Phase::kTransport || phase() == Phase::kInterventions;
  }
  /// What this mechanism cost over the run so far, in yen (venues, staff, vehicles).
  virtual double cost_yen(const Simulation& /*sim*/) const { return 0.0; }
  /// Tables this mechanism adds to the output (e.g. one row per venue).
  virtual void add_output_tables(const Simulation& /*sim*/,
                                 std::vector<OutputTable>& /*tables*/) const {}
  /// Bytes of the state this mechanism keeps of its own (per-resident vectors, grids, queues),
  /// beyond the columns it registered: counted by Simulation::bytes() so that memory is
  /// accounted where it is held.
  virtual std::size_t bytes() const { return 0; }
};

/// Cost so far of something that costs `yearly_cost_yen` while open, from `opens_step` to
/// `closes_step` (-1: never closes), at step `now` (steps [opens, min(closes, now)) counted).
inline double running_cost_yen(double yearly_cost_yen, std::int64_t opens_step,
                               std::int64_t closes_step, std::int64_t now, double years_per_step) {
  const std::int64_t opened = std::min(opens_step, now);
  const std::int64_t closed = closes_step < 0 ? now : std::min(closes_step, now);
  return yearly_cost_yen * static_cast<double>(std::max<std::int64_t>(0, closed - opened)) *
         years_per_step;
}

}  // namespace salonsim
