#pragma once
// The one lifecycle every mechanism shares: init once the town exists, step once per time
// step in its phase, finalize after the last step. Mechanisms talk only through the
// population's columns, the network and requests (e.g. death_requested) that the schedule
// applies.
#include <cstdint>
#include <string_view>

#include <vector>
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
  virtual void step(Simulation& sim, std::int64_t step) = 0;
  virtual void finalize(Simulation& /*sim*/) {}
  /// What this mechanism cost over the run so far, in yen (venues, staff, vehicles).
  virtual double cost_yen(const Simulation& /*sim*/) const { return 0.0; }
  /// Tables this mechanism adds to the output (e.g. one row per salon).
  virtual void add_output_tables(const Simulation& /*sim*/,
                                 std::vector<OutputTable>& /*tables*/) const {}
};

}  // namespace salonsim
