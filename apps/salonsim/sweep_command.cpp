#include "apps/salonsim/sweep_command.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "apps/salonsim/cli_support.hpp"
#include "apps/salonsim/progress.hpp"
#include "apps/salonsim/varied_parameters.hpp"
#include "models/build.hpp"
#include "models/scenario.hpp"
#include "sim/ensemble.hpp"
#include "sim/output/csv.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/output/serialization.hpp"
#include "sim/output/summary.hpp"
#include "sim/stats/sensitivity.hpp"
#include "sim/sweep/sweep_store.hpp"

namespace salonsim::cli {

namespace {

using sweep::DesignType;
using sweep::LoadedSweep;
using sweep::SweepPlan;

/// Every point's scenario must load; reports the first few that do not (values can combine into
/// an invalid scenario even when each is valid alone).
bool check_points(const LoadedSweep& sweep, const SweepPlan& plan, std::uint64_t& largest_run) {
  std::mutex mutex;
  std::vector<std::pair<std::size_t, std::string>> problems;
  largest_run = 0;
  // The base files are read once; each point only applies its overrides and validates.
  const models::ScenarioFiles base(sweep.scenario_path());
  tbb::parallel_for(std::size_t{0}, plan.points(), [&](std::size_t point) {
    try {
      const std::uint64_t bytes = models::run_memory_bytes(base.with(plan.overrides(point)));
      std::lock_guard lock(mutex);
      largest_run = std::max(largest_run, bytes);
    } catch (const params::ScenarioError& e) {
      std::lock_guard lock(mutex);
      problems.emplace_back(point, e.diagnostics().report());
    }
  });
  if (problems.empty()) return true;
  std::sort(problems.begin(), problems.end());
  fmt::print(stderr, "error: {} of {} design points give an invalid scenario:\n", problems.size(),
             plan.points());
  for (std::size_t i = 0; i < std::min<std::size_t>(problems.size(), 5); ++i)
    fmt::print(stderr, "  point {}: {}\n", problems[i].first, problems[i].second);
  return false;
}

std::string describe_plan(const SweepPlan& plan) {
  const auto& d = plan.file.design;
  std::string design(sweep::kDesignChoices[static_cast<int>(d.type)].name);
  if (d.type == DesignType::kMorris)
    design += fmt::format(" (r = {} trajectories, p = {} levels)", d.trajectories, d.levels);
  if (d.type == DesignType::kSobol) design += fmt::format(" (N = {} base samples)", d.samples);
  if (d.type == DesignType::kLatinHypercube) design += fmt::format(" ({} samples)", d.samples);
  std::string columns;
  for (const std::string& c : plan.columns) columns += (columns.empty() ? "" : ", ") + c;
  return fmt::format(
      "sweep {}: {} design, {} parameters, {} points x {} replicates = {} runs; seeds {} "
      "(seed {})\noutputs per run: {}\n",
      plan.file.name, design, plan.parameters(), plan.points(), plan.file.replicates, plan.runs(),
      sweep::kSeedPolicyChoices[static_cast<int>(plan.file.seeds)].name, plan.seed, columns);
}

/// For tests of resuming: SALONSIM_SWEEP_KILL_AFTER_RUNS=N makes the process kill itself
/// (SIGKILL, as kill -9) once N runs have been written in this process.
long kill_after_runs() {
  const char* text = std::getenv("SALONSIM_SWEEP_KILL_AFTER_RUNS");
  return text != nullptr ? std::strtol(text, nullptr, 10) : 0;
}

/// Derived results: per-point means over replicates and, per output column, the sensitivity
/// indices the design supports. Returns the text table printed at the end.
std::string analyse(const SweepPlan& plan, const std::vector<double>& outputs,
                    std::vector<sweep::ResultArray>& arrays,
                    std::vector<sweep::TextAttribute>& texts) {
  const std::size_t points = plan.points(), columns = plan.columns.size(),
                    replicates = static_cast<std::size_t>(plan.file.replicates),
                    k = plan.parameters();
  std::vector<double> mean(points * columns, 0.0), sd(points * columns, 0.0);
  for (std::size_t point = 0; point < points; ++point) {
    for (std::size_t c = 0; c < columns; ++c) {
      double sum = 0, sum_squares = 0;
      for (std::size_t r = 0; r < replicates; ++r) {
        const double v = outputs[(point * replicates + r) * columns + c];
        sum += v;
        sum_squares += v * v;
      }
      const double m = sum / static_cast<double>(replicates);
      mean[point * columns + c] = m;
      sd[point * columns + c] =
          replicates > 1 ? std::sqrt(std::max(
                               0.0, (sum_squares - sum * m) / static_cast<double>(replicates - 1)))
                         : 0.0;
    }
  }
  arrays.push_back({"/points/mean",
                    mean,
                    {points, columns},
                    "mean of each output over the point's replicates (columns as /runs)"});
  arrays.push_back({"/points/sd",
                    sd,
                    {points, columns},
                    "standard deviation over the point's replicates (0 with one replicate)"});

  std::vector<std::string> names;
  for (const sweep::SweepParameter& p : plan.file.parameters) names.push_back(p.label());
  const auto& d = plan.file.design;
  const auto bootstrap = static_cast<std::size_t>(d.bootstrap);
  std::string method = d.type == DesignType::kMorris  ? "morris"
                       : d.type == DesignType::kSobol ? "sobol"
                                                      : "prcc";
  std::string table, errors, csv = "output,parameter,index,estimate,low,high\n";
  const auto add = [&](const std::string& column, const std::string& name,
                       std::vector<double> values, const std::string& description) {
    arrays.push_back({"/sensitivity/" + column + "/" + name, std::move(values), {k}, description});
  };
  for (std::size_t c = 0; c < columns; ++c) {
    const std::string& column = plan.columns[c];
    std::vector<double> y(points);
    for (std::size_t point = 0; point < points; ++point) y[point] = mean[point * columns + c];
    table += fmt::format("\n{} ({}):\n", column, method);
    // One CSV line per parameter and index; an index without an interval leaves low and high
    // empty.
    const auto csv_line = [&](std::size_t j, std::string_view index, double estimate,
                              std::optional<std::pair<double, double>> interval = {}) {
      csv += fmt::format("{},{},{},{},", csv_field(column), csv_field(names[j]), index, estimate);
      csv += interval ? fmt::format("{},{}\n", interval->first, interval->second) : ",\n";
    };
    try {
      if (d.type == DesignType::kMorris) {
        const auto result = stats::morris_indices(plan.design, y, bootstrap, d.seed);
        std::vector<double> mu, mu_star, sigma, low, high;
        for (const auto& f : result.factors) {
          mu.push_back(f.mu);
          mu_star.push_back(f.mu_star);
          sigma.push_back(f.sigma);
          low.push_back(f.mu_star_low);
          high.push_back(f.mu_star_high);
        }
        for (std::size_t j = 0; j < k; ++j) {
          csv_line(j, "mu_star", mu_star[j], {{low[j], high[j]}});
          csv_line(j, "sigma", sigma[j]);
          csv_line(j, "mu", mu[j]);
        }
        add(column, "mu", mu, "Morris mean elementary effect (output per unit-cube range)");
        add(column, "mu_star", mu_star, "Morris mean absolute elementary effect");
        add(column, "mu_star_low", low, "95% bootstrap interval of mu_star, low end");
        add(column, "mu_star_high", high, "95% bootstrap interval of mu_star, high end");
        add(column, "sigma", sigma, "standard deviation of the elementary effects");
        table += stats::format_morris(result, names);
      } else if (d.type == DesignType::kSobol) {
        const auto result =
            stats::sobol_indices(y, static_cast<std::size_t>(d.samples), k, bootstrap, d.seed);
        std::vector<double> s1, s1_low, s1_high, st, st_low, st_high;
        for (const auto& f : result.factors) {
          s1.push_back(f.first_order);
          s1_low.push_back(f.first_low);
          s1_high.push_back(f.first_high);
          st.push_back(f.total);
          st_low.push_back(f.total_low);
          st_high.push_back(f.total_high);
        }
        for (std::size_t j = 0; j < k; ++j) {
          csv_line(j, "S1", s1[j], {{s1_low[j], s1_high[j]}});
          csv_line(j, "ST", st[j], {{st_low[j], st_high[j]}});
        }
        add(column, "S1", s1, "Sobol' first-order index");
        add(column, "S1_low", s1_low, "95% bootstrap interval of S1, low end");
        add(column, "S1_high", s1_high, "95% bootstrap interval of S1, high end");
        add(column, "ST", st, "Sobol' total-order index");
        add(column, "ST_low", st_low, "95% bootstrap interval of ST, low end");
        add(column, "ST_high", st_high, "95% bootstrap interval of ST, high end");
        table += stats::format_sobol(result, names);
      } else {
        const auto result = stats::prcc(plan.design, y);
        std::vector<double> coefficient, low, high, p_value;
        for (const auto& f : result.factors) {
          coefficient.push_back(f.coefficient);
          low.push_back(f.low);
          high.push_back(f.high);
          p_value.push_back(f.p_value);
        }
        for (std::size_t j = 0; j < k; ++j) {
          csv_line(j, "prcc", coefficient[j], {{low[j], high[j]}});
          csv_line(j, "p_value", p_value[j]);
        }
        add(column, "prcc", coefficient, "partial rank correlation coefficient");
        add(column, "prcc_low", low, "95% interval (Fisher z), low end");
        add(column, "prcc_high", high, "95% interval (Fisher z), high end");
        add(column, "p_value", p_value, "two-sided p-value of PRCC = 0");
        table += stats::format_prcc(result, names);
      }
    } catch (const std::exception& e) {
      table += fmt::format("  not computed: {}\n", e.what());
      errors += fmt::format("{}: {}\n", column, e.what());
    }
  }
  texts.push_back({"/sensitivity", "method", method});
  texts.push_back({"/sensitivity", "description",
                   "indices of each output column, computed from the per-point means over "
                   "replicates (/points/mean); Morris elementary effects are in output units per "
                   "whole range of the parameter (its unit interval in the design); Sobol' "
                   "indices are shares of the output variance; PRCC is a rank correlation"});
  texts.push_back({"/sensitivity", "errors", errors});
  texts.push_back({"/sensitivity", "columns", [&] {
                     std::string text;
                     for (const std::string& c : plan.columns)
                       text += (text.empty() ? "" : "\n") + c;
                     return text;
                   }()});
  texts.push_back({"/sensitivity", "table", table});
  texts.push_back({"/sensitivity", "csv", csv});
  return table;
}

}  // namespace

int sweep_command(const SweepOptions& options, const std::string& invocation) {
  LoadedSweep sweep;
  try {
    sweep = sweep::load_sweep(options.sweep, models::outcome_catalogue());
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e, "the sweep file");
  }
  // The base scenario and every varied key are checked before anything runs; all problems are
  // reported together.
  params::Diagnostics diagnostics;
  const VariedScenario varied{sweep.path,
                              sweep.locations,
                              sweep.file.scenario,
                              sweep.scenario_path(),
                              sweep.file.set,
                              sweep.file.parameters,
                              "sweep"};
  const std::optional<models::Scenario> base = load_base(varied, diagnostics);
  if (base) check_parameters(varied, diagnostics);
  if (!diagnostics.ok())
    return report_scenario_error(params::ScenarioError(diagnostics), "the sweep file");

  const ThreadLimit threads(options.threads);
  SweepPlan plan;
  try {
    plan = sweep::make_plan(sweep.file, base->run.seed);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "error: cannot build the design: {}\n", e.what());
    return kInvalidInput;
  }
  std::uint64_t largest_run = 0;
  if (!check_points(sweep, plan, largest_run)) return kInvalidInput;
  if (!fits_in_memory({.per_run = largest_run,
                       .at_once = std::min<std::uint64_t>(static_cast<std::uint64_t>(int{threads}),
                                                          plan.runs())}))
    return kInvalidInput;
  if (options.dry_run) {
    fmt::print("{}\n{}", describe_plan(plan), sweep::format_design(plan, 1000));
    return kOk;
  }

  sweep::SweepMetadata meta;
  meta.sweep_yaml = sweep.text;
  meta.sweep_file = options.sweep;
  meta.base_scenario_yaml = models::to_yaml(*base);
  meta.command_line = invocation;
  meta.fingerprint = sweep::sweep_fingerprint(meta.sweep_yaml, meta.base_scenario_yaml);
  // Rank 0 (or this process) opens the store and says which runs are missing; under MPI every
  // rank learns it, so all hand the same list to the ensemble runner.
  EnsembleBackend& backend = process_backend();
  const bool speaks = backend.collects();
  enum class Next : char { kRun = 'r', kNothingToDo = 'n', kFailed = 'f' };
  std::optional<sweep::SweepStore> store;
  std::string decision(1, static_cast<char>(Next::kRun));
  std::vector<std::size_t> missing;
  if (speaks) {
    const std::filesystem::path partial = options.output + ".partial";
    std::error_code error;
    if (!options.restart && !std::filesystem::exists(partial, error) &&
        sweep::finished_fingerprint(options.output) == meta.fingerprint) {
      if (!options.quiet)
        fmt::print(
            "{} already holds this sweep's {} runs; nothing to do (--restart runs it again)\n",
            options.output, plan.runs());
      decision[0] = static_cast<char>(Next::kNothingToDo);
    } else {
      try {
        store.emplace(options.output, plan, meta, options.restart);
        for (std::size_t run = 0; run < plan.runs(); ++run)
          if (!store->done()[run]) missing.push_back(run);
        for (std::size_t run : missing) decision += std::to_string(run) + ",";
      } catch (const OutputError& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        decision[0] = static_cast<char>(Next::kFailed);
      }
    }
  }
  backend.share(decision);
  if (decision[0] == static_cast<char>(Next::kNothingToDo)) return kOk;
  if (decision[0] == static_cast<char>(Next::kFailed)) return kFailed;
  if (!speaks) {
    for (std::size_t at = 1; at < decision.size();) {
      const std::size_t comma = decision.find(',', at);
      missing.push_back(std::stoull(decision.substr(at, comma - at)));
      at = comma + 1;
    }
  }
  if (speaks && store->damaged_count() > 0) {
    fmt::print(stderr,
               "warning: {} runs in {} were marked done but their rows do not match their "
               "checksums (the file was damaged); they run again\n",
               store->damaged_count(), store->partial_path().string());
  }
  if (speaks && !options.quiet) {
    fmt::print("{}", describe_plan(plan));
    if (store->resumed())
      fmt::print("resuming {}: {} of {} runs already done\n", store->partial_path().string(),
                 store->done_count(), plan.runs());
    else
      fmt::print(
          "writing runs to {} as they finish (if interrupted, run the same command again "
          "to resume)\n",
          store->partial_path().string());
    if (backend.processes() > 1)
      fmt::print("on {} MPI processes of {} thread{} each\n", backend.processes(),
                 static_cast<int>(threads), threads == 1 ? "" : "s");
  }

  Progress progress(static_cast<std::int64_t>(plan.runs()),
                    speaks && !options.quiet && stderr_is_terminal(), "runs",
                    static_cast<std::int64_t>(plan.runs() - missing.size()));
  std::string failure;
  const long kill_after = kill_after_runs();
  long written = 0;
  const std::vector<Outcome> outcomes = models::outcome_catalogue();
  // Runs are independent simulations: the ensemble runner builds, runs, hands over and frees
  // each, so memory does not grow with the number of runs. A run is one of the missing ones.
  std::vector<EnsembleRun> runs;
  for (std::size_t m = 0; m < missing.size(); ++m) {
    const sweep::RunSpec spec = plan.run(missing[m]);
    runs.push_back({missing[m], {spec.seed, spec.stream_replicate}});
  }
  const std::vector<EnsembleFailure> failures = run_ensemble<std::vector<double>>(
      runs,
      {.build =
           [&](const EnsembleRun& run) {
             const sweep::RunSpec spec = plan.run(run.scenario);
             models::Scenario scenario =
                 models::load_scenario(sweep.scenario_path(), plan.overrides(spec.point));
             scenario.run.seed = spec.seed;
             // A sweep stores outputs per run, never survey waves: take none.
             scenario.surveys.years.clear();
             return models::build_simulation(scenario, run.identity);
           },
       .observer = {},
       .extract =
           [&](const EnsembleRun&, Simulation& sim) {
             return sweep::run_outputs(plan.file, summarize(sim), outcomes);
           },
       .collect =
           [&](std::size_t, const EnsembleRun& run, std::vector<double>& outputs) {
             try {
               store->write_run(run.scenario, outputs);
             } catch (const std::exception& e) {
               if (failure.empty()) failure = e.what();
               return;
             }
             progress.advance();
             if (kill_after > 0 && ++written == kill_after) std::raise(SIGKILL);
           }},
      backend);
  progress.finish();
  if (!speaks) return kOk;
  if (failure.empty() && !failures.empty()) {
    failure =
        fmt::format("run {} failed: {}", plan.run(runs[failures.front().index].scenario).index,
                    failures.front().message);
  }
  if (!failure.empty()) {
    fmt::print(stderr,
               "error: {}\nthe finished runs are kept in {}; run the command again to "
               "resume\n",
               failure, store->partial_path().string());
    return kFailed;
  }

  std::vector<sweep::ResultArray> arrays;
  std::vector<sweep::TextAttribute> texts;
  std::string table;
  try {
    table = analyse(plan, store->outputs(), arrays, texts);
    remove_on_interrupt(store->finishing_path());
    store->finish(arrays, texts);
    remove_on_interrupt({});
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kFailed;
  }
  if (!options.quiet) fmt::print("{}\nwrote {}\n", table, options.output);
  return kOk;
}

}  // namespace salonsim::cli
