// Micro-benchmarks of the step kernels on a prepared town (see bench/README.md).
//
// Each benchmark reports items processed, so "items_per_second" reads as agent-steps per second
// for the step kernels (items = residents alive at the start of the step), residents per second
// for set-up, and draws per second for the random streams. The town is built once per benchmark
// (not once per iteration) from scenarios/town.yaml with town.population set to
// SALONSIM_BENCH_RESIDENTS (default 100000). Parallel kernels run once per thread count: 1 and
// TBB's default concurrency ("threads:N" in the name).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "models/build.hpp"
#include "models/health/health.hpp"
#include "models/network/contacts.hpp"
#include "models/network/network_builder.hpp"
#include "models/scenario.hpp"
#include "models/town/town_builder.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"
#include "sim/timeseries.hpp"

namespace {

using namespace salonsim;

/// scenarios/town.yaml from the working directory (the repository root), else from the source
/// tree this program was built from.
std::filesystem::path town_scenario_path() {
  const std::filesystem::path relative = "scenarios/town.yaml";
  if (std::filesystem::exists(relative)) return relative;
  return std::filesystem::path(SALONSIM_SOURCE_DIR) / relative;
}

std::int64_t bench_residents() {
  const char* text = std::getenv("SALONSIM_BENCH_RESIDENTS");
  return text ? std::atoll(text) : 100000;
}

const models::Scenario& bench_scenario() {
  static const models::Scenario scenario = models::load_scenario(
      town_scenario_path(), {"town.population=" + std::to_string(bench_residents())});
  return scenario;
}

RunIdentity bench_identity() {
  return {bench_scenario().run.seed, 0};
}

/// A simulation of the bench town, initialised and ready for step 0.
std::unique_ptr<Simulation> fresh_simulation() {
  auto sim = models::build_simulation(bench_scenario(), bench_identity());
  sim->init();
  return sim;
}

/// Residents alive before the next step: the last recorded `alive` count, or a count.
std::int64_t alive_now(const Simulation& sim) {
  if (const Timeseries::Indicator* alive = sim.timeseries().find("alive");
      alive != nullptr && !alive->values.empty()) {
    const GroupCounts& counts = alive->values.back();
    return std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  }
  const auto& column = sim.population().alive;
  return std::accumulate(column.begin(), column.end(), std::int64_t{0});
}

/// Thread-count arguments: 1 and the machine's default concurrency.
void thread_counts(benchmark::internal::Benchmark* b) {
  b->ArgName("threads")->Arg(1);
  const int all = tbb::info::default_concurrency();
  if (all > 1) b->Arg(all);
}

tbb::global_control limit_threads(const benchmark::State& state) {
  return tbb::global_control(tbb::global_control::max_allowed_parallelism,
                             static_cast<std::size_t>(state.range(0)));
}

// --- Whole step ----------------------------------------------------------------------------

/// Simulation::step: every phase, deaths and the record. The simulation carries on across
/// calls; when it reaches the end of the scenario it is rebuilt (untimed).
void BM_Step(benchmark::State& state) {
  const auto threads = limit_threads(state);
  static std::unique_ptr<Simulation> sim;
  std::int64_t agent_steps = 0;
  for (auto _ : state) {
    if (!sim || sim->current_step() >= sim->clock().steps) {
      state.PauseTiming();
      sim = fresh_simulation();
      state.ResumeTiming();
    }
    agent_steps += alive_now(*sim);
    sim->step();
  }
  state.SetItemsProcessed(agent_steps);
  state.counters["residents"] = static_cast<double>(sim->population().size());
}
BENCHMARK(BM_Step)->Apply(thread_counts)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- Single modules ------------------------------------------------------------------------

/// The health module's step alone (decline, certification, death requests). Deaths are
/// requested but never applied, so every iteration sees the same living population.
void BM_HealthStep(benchmark::State& state) {
  const auto threads = limit_threads(state);
  static const std::unique_ptr<Simulation> sim = fresh_simulation();
  models::Health health(bench_scenario().health);
  health.init(*sim);
  const std::int64_t alive = alive_now(*sim);
  std::int64_t step = 0;
  for (auto _ : state) {
    health.step(*sim, step);
    step = (step + 1) % sim->clock().steps;
  }
  state.SetItemsProcessed(alive * static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_HealthStep)->Apply(thread_counts)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The contacts module's update when nothing changed: the per-step scan of contact states that
/// finds who needs recomputing (the floor of the incremental update).
void BM_ContactsStepNoChange(benchmark::State& state) {
  const auto threads = limit_threads(state);
  static const std::unique_ptr<Simulation> sim = fresh_simulation();
  models::Contacts contacts(bench_scenario().network);
  contacts.init(*sim);
  const std::int64_t alive = alive_now(*sim);
  for (auto _ : state) contacts.step(*sim, 1);
  state.SetItemsProcessed(alive * static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ContactsStepNoChange)
    ->Apply(thread_counts)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// The contacts module's incremental update after one real step of deaths, entries and
/// certifications (the step itself is untimed). Fixed iterations: each one advances the run.
/// This module drains the network's change list after the simulation's own contacts module ran,
/// so the latter misses some tie removals and its isolation values drift; timing is unaffected.
void BM_ContactsStepAfterRealStep(benchmark::State& state) {
  const auto threads = limit_threads(state);
  std::unique_ptr<Simulation> sim = fresh_simulation();
  models::Contacts contacts(bench_scenario().network);
  contacts.init(*sim);
  std::int64_t agent_steps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    if (sim->current_step() >= sim->clock().steps) {
      sim = fresh_simulation();
      contacts.init(*sim);
    }
    const std::int64_t step = sim->current_step();
    sim->step();  // its own contacts module runs too; ours sees the same changes afterwards
    agent_steps += alive_now(*sim);
    state.ResumeTiming();
    contacts.step(*sim, step + 1);
  }
  state.SetItemsProcessed(agent_steps);
}
BENCHMARK(BM_ContactsStepAfterRealStep)
    ->Apply(thread_counts)
    ->Iterations(100)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// Every resident's contacts recomputed from their ties (what init does).
void BM_ContactsRecomputeAll(benchmark::State& state) {
  const auto threads = limit_threads(state);
  static const std::unique_ptr<Simulation> sim = fresh_simulation();
  models::Contacts contacts(bench_scenario().network);
  const std::int64_t alive = alive_now(*sim);
  for (auto _ : state) contacts.init(*sim);
  state.SetItemsProcessed(alive * static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ContactsRecomputeAll)
    ->Apply(thread_counts)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// Timeseries::record with the standard indicators, over every resident row.
void BM_TimeseriesRecord(benchmark::State& state) {
  const auto threads = limit_threads(state);
  static const std::unique_ptr<Simulation> sim = fresh_simulation();
  Timeseries timeseries;
  declare_core_indicators(timeseries);
  std::int64_t step = 0;
  for (auto _ : state) timeseries.record(sim->population(), step++);
  state.SetItemsProcessed(static_cast<std::int64_t>(sim->population().size()) *
                          static_cast<std::int64_t>(state.iterations()));
  state.counters["indicators"] = static_cast<double>(timeseries.indicators().size());
}
BENCHMARK(BM_TimeseriesRecord)->Apply(thread_counts)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- Random streams (one thread) -----------------------------------------------------------

constexpr std::uint64_t kDrawsPerIteration = 1 << 16;

void BM_RandomUniform(benchmark::State& state) {
  const RandomStream stream(1, 0, "bench");
  std::int64_t step = 0;
  for (auto _ : state) {
    double sum = 0;
    for (std::uint64_t agent = 0; agent < kDrawsPerIteration; ++agent)
      sum += stream.uniform(step, agent, 0);
    benchmark::DoNotOptimize(sum);
    ++step;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(kDrawsPerIteration) *
                          static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RandomUniform);

/// Four uniforms per call; items are single uniforms, so the rate compares with uniform().
void BM_RandomUniforms4(benchmark::State& state) {
  const RandomStream stream(1, 0, "bench");
  std::int64_t step = 0;
  for (auto _ : state) {
    double sum = 0;
    for (std::uint64_t agent = 0; agent < kDrawsPerIteration; ++agent) {
      const auto u = stream.uniforms4(step, agent, 0);
      sum += u[0] + u[1] + u[2] + u[3];
    }
    benchmark::DoNotOptimize(sum);
    ++step;
  }
  state.SetItemsProcessed(4 * static_cast<std::int64_t>(kDrawsPerIteration) *
                          static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RandomUniforms4);

// --- Set-up --------------------------------------------------------------------------------

/// build_town per resident row (starting population and entrants).
void BM_BuildTown(benchmark::State& state) {
  const auto threads = limit_threads(state);
  const models::Scenario& scenario = bench_scenario();
  const Clock clock = scenario.clock();
  const RandomStream stream(scenario.run.seed, 0, models::kTownStream);
  std::int64_t rows = 0;
  for (auto _ : state) {
    const Population population =
        models::build_town(scenario.town, stream, clock.steps, clock.years_per_step());
    rows += static_cast<std::int64_t>(population.size());
  }
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_BuildTown)->Apply(thread_counts)->Unit(benchmark::kMillisecond)->UseRealTime();

/// build_network (kin contacts, tie formation, freezing into CSR) per resident row.
void BM_BuildNetwork(benchmark::State& state) {
  const auto threads = limit_threads(state);
  const models::Scenario& scenario = bench_scenario();
  const Clock clock = scenario.clock();
  static Population population =
      models::build_town(scenario.town, RandomStream(scenario.run.seed, 0, models::kTownStream),
                         clock.steps, clock.years_per_step());
  const RandomStream stream(scenario.run.seed, 0, models::kNetworkStream);
  std::size_t entries = 0;
  for (auto _ : state) {
    const Network network = models::build_network(scenario.network, population, stream);
    entries = network.entries();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(population.size()) *
                          static_cast<std::int64_t>(state.iterations()));
  state.counters["ties_per_resident"] =
      static_cast<double>(entries) / static_cast<double>(population.size());
}
BENCHMARK(BM_BuildNetwork)->Apply(thread_counts)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
