// salonsim_scale: an end-to-end scale run that measures the engine (no output file is written).
//
//   salonsim_scale [SCENARIO] [--threads N] [--set key=value]...
//
// Builds the scenario's simulation (town and network: the set-up), initialises its modules and
// runs every step, then prints the set-up time, the step rate in agent-steps per second, the
// peak resident set size and the simulation's own accounted bytes, per resident. See
// bench/README.md for what each number means.
//
// Survey waves meant for the output are written as they are taken to a scratch file in the
// temporary directory ($TMPDIR, else /tmp) that leaves nothing behind, as `salonsim run` writes
// them beside its output (sim/output/survey_spool.hpp); --hold-surveys holds them in memory to
// the end instead, as a run that writes no output does.
//
// Agent-steps are counted from the timeseries: the residents alive at the start of step s are
// those alive at the end of step s - 1 (the recorded `alive` count), and for step 0 those alive
// after init. Residents who enter during step s (in its demography phase) count from step s + 1.
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "models/build.hpp"
#include "models/network/network_builder.hpp"
#include "models/scenario.hpp"
#include "models/town/town_builder.hpp"
#include "sim/output/survey_spool.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/simulation.hpp"

namespace {

using namespace salonsim;
using WallClock = std::chrono::steady_clock;

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kInvalidInput = 2;

struct Options {
  std::filesystem::path scenario = "scenarios/bench-1m.yaml";
  int threads = 0;  // 0: TBB's default concurrency
  std::vector<std::string> overrides;
  bool setup_breakdown = false;
  bool setup_only = false;
  bool parts = false;
  bool memory = false;
  bool hold_surveys = false;
};

void print_usage() {
  fmt::print(
      "usage: salonsim_scale [SCENARIO] [--threads N] [--set key=value]... "
      "[--setup-breakdown | --setup-only] [--parts] [--memory] [--hold-surveys]\n"
      "  SCENARIO           scenario file (default scenarios/bench-1m.yaml)\n"
      "  --threads N        TBB threads (default: all cores)\n"
      "  --set key=value    override a scenario parameter (repeatable)\n"
      "  --setup-breakdown  after the measured run, build the town and the network again\n"
      "                     and time each alone\n"
      "  --setup-only       build the town and the network once, time each, print the peak\n"
      "                     memory and stop (no init, no steps)\n"
      "  --parts            time each part of the steps (every module, deaths, the record,\n"
      "                     the surveys) and of init (every module's init and start),\n"
      "                     and print where the time goes\n"
      "  --memory           after the run, print the accounted bytes a row of every\n"
      "                     registered column, the core columns and the network\n"
      "  --hold-surveys     hold the survey waves in memory to the end instead of writing\n"
      "                     each to a scratch file as it is taken\n");
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  bool scenario_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      print_usage();
      std::exit(kOk);
    } else if (arg == "--threads" && has_value) {
      options.threads = std::atoi(argv[++i]);
      if (options.threads < 1) return std::nullopt;
    } else if (arg == "--set" && has_value) {
      options.overrides.emplace_back(argv[++i]);
    } else if (arg == "--setup-breakdown") {
      options.setup_breakdown = true;
    } else if (arg == "--setup-only") {
      options.setup_only = true;
    } else if (arg == "--parts") {
      options.parts = true;
    } else if (arg == "--memory") {
      options.memory = true;
    } else if (arg == "--hold-surveys") {
      options.hold_surveys = true;
    } else if (!arg.starts_with("-") && !scenario_given) {
      options.scenario = arg;
      scenario_given = true;
    } else {
      return std::nullopt;
    }
  }
  // A relative default resolves against the source tree when not run from the repository root.
  if (!scenario_given && !std::filesystem::exists(options.scenario))
    options.scenario = std::filesystem::path(SALONSIM_SOURCE_DIR) / options.scenario;
  return options;
}

/// A "Vm..." line of /proc/self/status in bytes (0 when unavailable).
std::uint64_t proc_status_bytes(std::string_view key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == ':') {
      return std::stoull(line.substr(key.size() + 1)) * 1024;  // the kernel reports kB
    }
  }
  return 0;
}

/// CPU time of the whole process (every thread), in seconds.
double process_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

double seconds_since(WallClock::time_point start) {
  return std::chrono::duration<double>(WallClock::now() - start).count();
}

std::int64_t sum_groups(const GroupCounts& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
}

/// Residents alive at the start of each step, summed over the run (see the file comment).
std::int64_t agent_steps(const Simulation& sim, std::int64_t alive_at_start) {
  const Timeseries::Indicator* alive = sim.timeseries().find("alive");
  if (alive == nullptr) throw std::runtime_error("the timeseries has no 'alive' indicator");
  std::int64_t total = alive->values.empty() ? 0 : alive_at_start;
  for (std::size_t s = 0; s + 1 < alive->values.size(); ++s) total += sum_groups(alive->values[s]);
  return total;
}

/// The accounted bytes a row of each registered column, the core columns, the network and each
/// mechanism's own state (Module::bytes), largest first: where a resident's memory goes, by
/// name.
void print_memory(const Simulation& sim) {
  const Population& p = sim.population();
  const auto rows = static_cast<double>(std::max<std::size_t>(p.size(), 1));
  std::vector<std::pair<double, std::string>> parts;
  for (const ColumnRegistry::Entry& entry : p.columns.entries())
    parts.emplace_back(static_cast<double>(ColumnRegistry::bytes_of(entry.data)) / rows,
                       entry.spec.name);
  parts.emplace_back(static_cast<double>(p.bytes() - p.columns.bytes()) / rows,
                     "(core population columns)");
  parts.emplace_back(static_cast<double>(sim.network().bytes()) / rows, "(network)");
  std::size_t waves = 0;
  for (const SurveyWave& wave : sim.survey_waves()) waves += wave.bytes();
  if (waves > 0)
    parts.emplace_back(static_cast<double>(waves) / rows,
                       fmt::format("({} survey waves)", sim.survey_waves().size()));
  for (const Module* module : sim.modules_of_type<Module>()) {
    if (module->bytes() > 0)
      parts.emplace_back(static_cast<double>(module->bytes()) / rows,
                         fmt::format("({}'s own)", module->name()));
  }
  std::sort(parts.begin(), parts.end(), std::greater<>());
  fmt::print("accounted bytes a row, by column ({} registered) and mechanism:\n",
             p.columns.entries().size());
  for (const auto& [bytes, name] : parts) fmt::print("  {:>7.1f}  {}\n", bytes, name);
}

/// Builds the town and the network once more and times each. `alone`: nothing else ran in the
/// process, so its peak memory is theirs.
void setup_breakdown(const models::Scenario& scenario, bool alone) {
  const salonsim::Clock clock = scenario.clock();
  const RunIdentity identity{scenario.run.seed, 0};
  auto start = WallClock::now();
  Population population =
      models::build_town(scenario.town, RandomStream(identity.seed, 0, models::kTownStream),
                         clock.steps, clock.years_per_step());
  const double town_s = seconds_since(start);
  start = WallClock::now();
  const Network network = models::build_network(
      scenario.network, population, RandomStream(identity.seed, 0, models::kNetworkStream));
  const double network_s = seconds_since(start);
  fmt::print("set-up breakdown:     town {:.3f} s, network {:.3f} s ({} tie entries)\n", town_s,
             network_s, network.entries());
  if (!alone) {
    fmt::print("SETUP town_s={:.4f} network_s={:.4f}\n", town_s, network_s);
    return;
  }
  const std::uint64_t peak = proc_status_bytes("VmHWM");
  const auto rows = static_cast<double>(population.size());
  fmt::print("peak RSS (VmHWM):     {} bytes, {:.1f} per resident\n", peak,
             static_cast<double>(peak) / rows);
  fmt::print("SETUP residents={} town_s={:.4f} network_s={:.4f} peak_bytes_per_resident={:.1f}\n",
             population.size(), town_s, network_s, static_cast<double>(peak) / rows);
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> options = parse(argc, argv);
  if (!options) {
    print_usage();
    return kInvalidInput;
  }
  models::Scenario scenario;
  try {
    scenario = models::load_scenario(options->scenario, options->overrides);
  } catch (const params::ScenarioError& e) {
    fmt::print(stderr, "error: the scenario has problems:\n");
    for (const auto& issue : e.diagnostics().issues())
      fmt::print(stderr, "  {}\n", params::format_issue(issue));
    return kInvalidInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kInvalidInput;
  }
  const int threads = options->threads > 0 ? options->threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(threads));

  if (options->setup_only) {
    try {
      setup_breakdown(scenario, /*alone=*/true);
    } catch (const std::exception& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      return kFailed;
    }
    return kOk;
  }
  try {
    const std::uint64_t rss_before = proc_status_bytes("VmRSS");
    auto start = WallClock::now();
    const std::unique_ptr<Simulation> sim =
        models::build_simulation(scenario, {scenario.run.seed, 0});
    const double setup_s = seconds_since(start);
    std::shared_ptr<SurveySpool> spool;
    if (!options->hold_surveys) {
      spool = std::make_shared<SurveySpool>(std::filesystem::temp_directory_path());
      sim->set_survey_sink(spool);
    }
    const std::uint64_t peak_after_setup = proc_status_bytes("VmHWM");

    sim->time_parts(options->parts);
    start = WallClock::now();
    sim->init();
    const double init_s = seconds_since(start);
    const std::uint64_t peak_after_init = proc_status_bytes("VmHWM");
    const auto& alive_column = sim->population().alive;
    const std::int64_t alive_at_start =
        std::accumulate(alive_column.begin(), alive_column.end(), std::int64_t{0});

    const std::int64_t steps = sim->clock().steps;
    start = WallClock::now();
    const double cpu_before = process_cpu_s();
    while (sim->current_step() < steps) sim->step();
    const double step_s = seconds_since(start);
    const double step_cpu_s = process_cpu_s() - cpu_before;
    sim->finalize();

    const std::uint64_t peak = proc_status_bytes("VmHWM");
    const std::uint64_t rss_end = proc_status_bytes("VmRSS");
    const std::int64_t total_agent_steps = agent_steps(*sim, alive_at_start);
    const auto rows = static_cast<double>(sim->population().size());
    const double rate = static_cast<double>(total_agent_steps) / step_s;
    const auto accounted = static_cast<double>(sim->bytes());

    fmt::print("scenario:             {} ({})\n", scenario.name, options->scenario.string());
    fmt::print("residents:            {} at the start, {} ever simulated (with entrants)\n",
               alive_at_start, sim->population().size());
    fmt::print("steps:                {} of {} days\n", steps, scenario.run.days_per_step);
    fmt::print("threads:              {}\n", threads);
    fmt::print("set-up (town+network):{:>10.3f} s\n", setup_s);
    fmt::print("init (modules):       {:>10.3f} s\n", init_s);
    fmt::print("steps:                {:>10.3f} s ({:.2f} ms a step)\n", step_s,
               1e3 * step_s / static_cast<double>(steps));
    fmt::print("agent-steps:          {} ({:.3g} per second)\n", total_agent_steps, rate);
    fmt::print("CPU in steps:         {:.3f} s ({:.2f} cores busy; {:.3g} agent-steps per CPU-s)\n",
               step_cpu_s, step_cpu_s / step_s,
               static_cast<double>(total_agent_steps) / step_cpu_s);
    fmt::print(
        "peak RSS (VmHWM):     {} bytes, {:.1f} per resident (after set-up {:.1f}, after init "
        "{:.1f})\n",
        peak, static_cast<double>(peak) / rows, static_cast<double>(peak_after_setup) / rows,
        static_cast<double>(peak_after_init) / rows);
    fmt::print("RSS at start / end:   {} / {} bytes\n", rss_before, rss_end);
    fmt::print("accounted (bytes()):  {:.0f} bytes, {:.1f} per resident\n", accounted,
               accounted / rows);
    fmt::print("survey waves:         {} written as taken (a scratch file), {} held\n",
               spool ? spool->waves() : 0, sim->survey_waves().size());
    if (options->memory) print_memory(*sim);
    fmt::print(
        "RESULT residents={} rows={} steps={} threads={} setup_s={:.4f} init_s={:.4f} "
        "step_s={:.4f} step_cpu_s={:.4f} agent_steps={} agent_steps_per_s={:.4g} "
        "agent_steps_per_cpu_s={:.4g} peak_rss_bytes={} "
        "peak_bytes_per_resident={:.1f} accounted_bytes_per_resident={:.1f}\n",
        alive_at_start, sim->population().size(), steps, threads, setup_s, init_s, step_s,
        step_cpu_s, total_agent_steps, rate, static_cast<double>(total_agent_steps) / step_cpu_s,
        peak, static_cast<double>(peak) / rows, accounted / rows);
    if (options->parts) {
      // Largest first; the parts' sum is a little below step_s (the clock reads themselves).
      std::vector<Simulation::PartTime> parts = sim->part_times();
      std::sort(parts.begin(), parts.end(),
                [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
      for (const auto& part : parts) {
        fmt::print("PART {:<32} {:>9.3f} s {:>8.2f} ms a step {:>5.1f} %\n", part.part,
                   part.seconds, 1e3 * part.seconds / static_cast<double>(steps),
                   100 * part.seconds / step_s);
      }
      parts = sim->init_times();
      std::sort(parts.begin(), parts.end(),
                [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
      for (const auto& part : parts) {
        if (part.seconds < 0.0005) continue;
        fmt::print("INIT {:<40} {:>9.3f} s {:>5.1f} %\n", part.part, part.seconds,
                   100 * part.seconds / init_s);
      }
    }
    std::fflush(stdout);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kFailed;
  }

  if (options->setup_breakdown) setup_breakdown(scenario, /*alone=*/false);
  return kOk;
}
