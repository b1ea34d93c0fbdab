#pragma once
// A running simulation: the state that changes (population, network, timeseries) and the
// mechanisms that change it, stepped in the order of schedule.hpp. It is self-contained: many
// simulations can run at once in one process (replicates, scenario comparisons, sweeps).
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "sim/effects.hpp"
#include "sim/module.hpp"
#include "sim/network.hpp"
#include "sim/outcomes.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"
#include "sim/survey.hpp"
#include "sim/timeseries.hpp"

namespace salonsim {

struct Clock {
  std::int32_t days_per_step = 7;
  std::int64_t steps = 0;
  std::string start_date = {};  // calendar date of day 0 (YYYY-MM-DD), "" if none
  double years_per_step() const { return days_per_step / 365.25; }
  /// The step nearest `years` since the start (surveys, analyses).
  std::int64_t step_at(double years) const { return std::llround(years / years_per_step()); }
};

/// What one module cost over a run.
struct ModuleCost {
  std::string_view module;
  double yen = 0;
};

struct RunIdentity {
  std::uint64_t seed = 1;
  std::uint32_t replicate = 0;
};

class Simulation;

/// Watches a running simulation: told after each step, from the thread running it (progress
/// bars, a live view for teaching). It must not change the simulation.
using StepObserver = std::function<void(const Simulation& simulation, std::int64_t step)>;

class Simulation {
 public:
  /// Throws std::invalid_argument if the clock has more than kMaxSteps steps.
  Simulation(RunIdentity identity, Clock clock, Population population, Network network);

  void add_module(std::unique_ptr<Module> module);
  /// The modules of type M, in the order added (a mechanism that acts through others, e.g. a
  /// municipal process that opens venues, finds them here).
  template <class M>
  std::vector<M*> modules_of_type() const {
    std::vector<M*> found;
    for (const auto& module : modules_) {
      if (auto* m = dynamic_cast<M*>(module.get())) found.push_back(m);
    }
    return found;
  }

  /// Initialises modules (once), then runs every remaining step; `on_step` is told after each.
  void run(const std::function<void(std::int64_t done, std::int64_t total)>& on_step = {});
  /// Watches every step from now on (see StepObserver).
  void set_observer(StepObserver observer) { observer_ = std::move(observer); }
  /// Wall time spent in each part of the steps so far: every module's step (by module name),
  /// then "deaths", "timeseries" and "surveys". For benchmarks (bench/scale_run.cpp): off
  /// unless turned on (before init to time it too), as it reads the clock around every part.
  struct PartTime {
    std::string part;
    double seconds = 0;
  };
  void time_parts(bool on) { time_parts_ = on; }
  const std::vector<PartTime>& part_times() const { return part_times_; }
  /// Wall time of init by part: each module's init, then each one's start ("<name> (start)"),
  /// then the survey wave at step 0.
  const std::vector<PartTime>& init_times() const { return init_times_; }
  /// One step: each phase in schedule order, then deaths, then the record, then a survey wave
  /// if one falls when the step is done. Throws std::logic_error past kMaxSteps steps.
  void step();
  void init();
  void finalize();

  Population& population() { return population_; }
  const Population& population() const { return population_; }
  Network& network() { return network_; }
  const Network& network() const { return network_; }
  Timeseries& timeseries() { return timeseries_; }
  /// Every source of an effect on hazards and contacts (see effects.hpp).
  Effects& effects() { return effects_; }
  /// Every quantity the run's summary counts beyond the core's (see outcomes.hpp).
  Tallies& tallies() { return tallies_; }
  const Tallies& tallies() const { return tallies_; }
  const Effects& effects() const { return effects_; }
  const Timeseries& timeseries() const { return timeseries_; }
  const Clock& clock() const { return clock_; }
  /// Takes a survey wave (sim/survey.hpp) when each of `steps` steps are done: 0 after init,
  /// s after the record of step s - 1. `output`: the waves are written to /surveys; false for
  /// waves taken only for an analysis (a step asked for both ways is taken once, and written).
  /// Steps past the run are never reached. Call before the run starts; throws after init.
  /// `columns`: for an analysis's waves, the columns it reads (empty: every column); a wave that
  /// is held only for analyses holds the columns they read.
  void add_survey_steps(const std::vector<std::int64_t>& steps, bool output = true,
                        const std::vector<std::string>& columns = {});
  /// Hands each wave meant for the output to `sink` as it is taken, instead of holding it until
  /// the run ends (a wave is a copy of every surveyed column: about 100 bytes a resident). A wave
  /// also asked for by an analysis is kept as well, marked not for output (the sink wrote it).
  /// Call before the run starts; throws after init.
  void set_survey_sink(std::shared_ptr<SurveySink> sink);
  const std::shared_ptr<SurveySink>& survey_sink() const { return survey_sink_; }
  /// The waves kept so far, in step order: every wave taken, or with a survey sink those an
  /// analysis asked for.
  const std::vector<SurveyWave>& survey_waves() const { return survey_waves_; }
  const RunIdentity& identity() const { return identity_; }
  std::int64_t current_step() const { return next_step_; }
  /// Read-only data that several mechanisms derive the same way from the set-up (say, each
  /// resident's relatives): `build()` makes it for the first that asks for `name`, and the rest
  /// share that copy, so a run holds it once. Asking for a name with another type is a
  /// programming error and throws.
  template <class T, class Build>
  std::shared_ptr<const T> shared(std::string_view name, Build&& build) {
    for (const SharedData& held : shared_) {
      if (held.name != name) continue;
      if (held.type != std::type_index(typeid(T)))
        throw std::logic_error("shared data '" + held.name + "' is held with another type");
      return std::static_pointer_cast<const T>(held.data);
    }
    auto data = std::make_shared<const T>(build());
    std::size_t bytes = 0;
    if constexpr (requires(const T& t) { t.bytes(); }) bytes = data->bytes();
    shared_.push_back({std::string(name), std::type_index(typeid(T)), data, bytes});
    return data;
  }
  /// The random stream of a mechanism in this run.
  RandomStream stream(std::string_view mechanism) const {
    return RandomStream(identity_.seed, identity_.replicate, mechanism);
  }
  /// Asks each module for the output tables it adds.
  void add_output_tables(std::vector<OutputTable>& tables) const {
    for (const auto& module : modules_) module->add_output_tables(*this, tables);
  }
  /// Cost of all mechanisms over the run so far, in yen.
  double cost_yen() const {
    double total = 0;
    for (const auto& module : modules_) total += module->cost_yen(*this);
    return total;
  }
  /// Cost of each intervention module (Module::reports_cost) over the run so far.
  std::vector<ModuleCost> module_costs() const {
    std::vector<ModuleCost> costs;
    for (const auto& module : modules_) {
      if (module->reports_cost()) costs.push_back({module->name(), module->cost_yen(*this)});
    }
    return costs;
  }
  /// Yen per year of each of module_costs(), fixed when the run is finalised (for the output).
  const std::vector<double>& cost_per_year_yen() const { return cost_per_year_yen_; }
  std::size_t bytes() const {
    std::size_t total = population_.bytes() + network_.bytes();
    for (const SurveyWave& wave : survey_waves_) total += wave.bytes();
    for (const SharedData& held : shared_) total += held.bytes;
    for (const auto& module : modules_) total += module->bytes();
    return total;
  }

 private:
  void apply_deaths(std::int64_t step);
  /// Takes the wave due when `steps_done` steps are done, if any.
  void take_due_survey(std::int64_t steps_done);
  /// Calls f on every module, phase by phase in schedule order, then in the order added.
  template <class F>
  void for_each_module(F&& f) {
    for (Phase phase : kPhaseOrder) {
      for (auto& module : modules_) {
        if (module->phase() == phase) f(*module);
      }
    }
  }

  RunIdentity identity_;
  Clock clock_;
  Population population_;
  Network network_;
  Timeseries timeseries_;
  Effects effects_;
  Tallies tallies_;
  std::vector<std::unique_ptr<Module>> modules_;
  std::int64_t next_step_ = 0;
  bool initialised_ = false;
  bool finalised_ = false;
  std::vector<double> cost_per_year_yen_;
  StepObserver observer_;
  bool time_parts_ = false;
  std::vector<PartTime> part_times_;
  std::vector<PartTime> init_times_;
  /// Rows whose death was asked for this step, found chunk by chunk in parallel (kept between
  /// steps, so the step allocates nothing once they have grown).
  std::vector<std::vector<ResidentId>> dying_;
  /// Runs f, adding its wall time to times[index] (named `name` the first time) when timing.
  template <class F>
  void timed(std::vector<PartTime>& times, std::size_t index, std::string_view name, F&& f);
  struct SurveyStep {
    std::int64_t step;
    bool output;                // written to /surveys
    bool analysed;              // asked for by an analysis (add_survey_steps with output false)
    bool every_column = false;  // an analysis reads every column
    std::vector<std::string> columns;  // otherwise, the columns the analyses read
  };
  std::vector<SurveyStep> survey_steps_;  // increasing
  std::size_t next_survey_ = 0;           // first of survey_steps_ not yet taken
  std::vector<SurveyWave> survey_waves_;
  std::shared_ptr<SurveySink> survey_sink_;
  struct SharedData {
    std::string name;
    std::type_index type;
    std::shared_ptr<const void> data;
    std::size_t bytes;  // from T::bytes() where T has one
  };
  std::vector<SharedData> shared_;
};

}  // namespace salonsim
