#include "apps/salonsim/calibrate_command.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "apps/salonsim/cli_support.hpp"
#include "apps/salonsim/progress.hpp"
#include "apps/salonsim/varied_parameters.hpp"
#include "models/build.hpp"
#include "models/scenario.hpp"
#include "sim/calibration/abc_smc.hpp"
#include "sim/calibration/calibration_plan.hpp"
#include "sim/ensemble.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/output/resumable_rows.hpp"
#include "sim/output/serialization.hpp"
#include "sim/params/describer.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace salonsim::cli {

namespace {

using calibration::AbcSmc;
using calibration::Candidate;
using calibration::Generation;
using calibration::LoadedCalibration;
using calibration::Target;

constexpr const char* kFormat = "salonsim-calibration-1";

/// Survey targets must name a column the waves hold, at a year within the run.
void check_targets(const LoadedCalibration& loaded, const models::Scenario& base,
                   const VariedScenario& varied, params::Diagnostics& diagnostics) {
  std::vector<std::string> columns;
  bool any_survey = false;
  for (const Target& target : loaded.file.targets) any_survey = any_survey || target.is_survey();
  if (!any_survey) return;
  // The columns a wave of this scenario holds: the core's and the mechanisms' surveyed ones.
  const std::unique_ptr<Simulation> probe = models::build_simulation(base, {base.run.seed, 0});
  for (const SurveyColumn& column :
       take_survey(probe->population(), 0, probe->clock().years_per_step()).columns)
    columns.push_back(column.spec.name);
  for (std::size_t i = 0; i < loaded.file.targets.size(); ++i) {
    const Target& target = loaded.file.targets[i];
    if (!target.is_survey()) continue;
    const std::string at = "targets" + params::index_key(i) + ".survey";
    if (!sweep::is_known(columns, target.survey.column))
      diagnostics.error(
          varied.location_of(at + ".column"), at + ".column",
          sweep::unknown_name_message("survey column", target.survey.column, columns));
    if (target.survey.year > base.run.years)
      diagnostics.error(varied.location_of(at + ".year"), at + ".year",
                        fmt::format("the wave at year {} comes after the run's {} years",
                                    target.survey.year, base.run.years));
  }
}

/// For tests of resuming: SALONSIM_CALIBRATION_KILL_AFTER_RUNS=N makes the process kill itself
/// (SIGKILL) once N runs have been written in this process.
long kill_after_runs() {
  const char* text = std::getenv("SALONSIM_CALIBRATION_KILL_AFTER_RUNS");
  return text != nullptr ? std::strtol(text, nullptr, 10) : 0;
}

/// The statistics of every run (rows x targets) and which are known, as every process sees
/// them: rank 0 reads and writes the store; the others learn rows by share().
struct RunTable {
  std::size_t columns = 0;
  std::vector<double> values;
  std::vector<std::uint8_t> done;

  /// Rows [begin, end) from the collecting process to every other (collective).
  void share(EnsembleBackend& backend, std::size_t begin, std::size_t end) {
    std::string bytes;
    if (backend.collects()) {
      bytes.resize((end - begin) * (columns * sizeof(double) + 1));
      std::memcpy(bytes.data(), values.data() + begin * columns,
                  (end - begin) * columns * sizeof(double));
      std::memcpy(bytes.data() + (end - begin) * columns * sizeof(double), done.data() + begin,
                  end - begin);
    }
    backend.share(bytes);
    if (backend.collects()) return;
    std::memcpy(values.data() + begin * columns, bytes.data(),
                (end - begin) * columns * sizeof(double));
    std::memcpy(done.data() + begin, bytes.data() + (end - begin) * columns * sizeof(double),
                end - begin);
  }
};

/// Weighted mean, sd and quantiles of one parameter over a population.
struct Marginal {
  double mean = 0, sd = 0, low = 0, median = 0, high = 0;
};

Marginal marginal(const std::vector<double>& values, const std::vector<double>& weights) {
  Marginal m;
  for (std::size_t i = 0; i < values.size(); ++i) m.mean += weights[i] * values[i];
  double variance = 0;
  for (std::size_t i = 0; i < values.size(); ++i)
    variance += weights[i] * (values[i] - m.mean) * (values[i] - m.mean);
  m.sd = std::sqrt(variance);
  m.low = calibration::weighted_quantile(values, weights, 0.025);
  m.median = calibration::weighted_quantile(values, weights, 0.5);
  m.high = calibration::weighted_quantile(values, weights, 0.975);
  return m;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : "\n") + item;
  return text;
}

}  // namespace

int calibrate_command(const CalibrateOptions& options, const std::string& invocation) {
  const std::vector<Outcome> outcomes = models::outcome_catalogue();
  LoadedCalibration loaded;
  try {
    loaded = calibration::load_calibration(options.calibration, outcomes);
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e, "the calibration file");
  }
  const calibration::CalibrationFile& file = loaded.file;
  params::Diagnostics diagnostics;
  const VariedScenario varied{loaded.path, loaded.locations, file.scenario, loaded.scenario_path(),
                              file.set,    file.parameters,  "calibration"};
  const std::optional<models::Scenario> base = load_base(varied, diagnostics);
  if (base) {
    check_parameters(varied, diagnostics);
    if (diagnostics.ok()) check_targets(loaded, *base, varied, diagnostics);
  }
  if (!diagnostics.ok())
    return report_scenario_error(params::ScenarioError(diagnostics), "the calibration file");

  const ThreadLimit threads(options.threads);
  if (!fits_in_memory({.per_run = models::run_memory_bytes(*base),
                       .at_once = static_cast<std::uint64_t>(int{threads})}))
    return kInvalidInput;
  const std::uint64_t seed = file.seed != 0 ? file.seed : base->run.seed;
  const auto replicates = static_cast<std::size_t>(file.replicates);
  const std::size_t capacity = static_cast<std::size_t>(file.abc.max_simulations) / replicates;
  const auto predictive = static_cast<std::size_t>(file.posterior_predictive);
  const std::size_t k = file.parameters.size(), m = file.targets.size();
  std::vector<std::string> parameter_names, parameter_keys, target_names;
  for (const sweep::SweepParameter& p : file.parameters) {
    parameter_names.push_back(p.label());
    parameter_keys.push_back(p.key);
  }
  for (const Target& t : file.targets) target_names.push_back(t.label());
  if (capacity < static_cast<std::size_t>(file.abc.particles)) {
    fmt::print(stderr,
               "error: abc.max_simulations ({}) allows {} particles of {} replicates, fewer than "
               "one generation of abc.particles ({})\n",
               file.abc.max_simulations, capacity, replicates, file.abc.particles);
    return kInvalidInput;
  }
  if (options.dry_run) {
    fmt::print(
        "calibration {}: {} parameters, {} targets; ABC-SMC with {} particles, at most {} "
        "generations and {} simulations ({} replicates per particle), then {} posterior "
        "predictive draws; seed {}\nparameters: {}\ntargets: {}\n",
        file.name, k, m, file.abc.particles, file.abc.generations, file.abc.max_simulations,
        replicates, predictive, seed, fmt::join(parameter_names, ", "),
        fmt::join(target_names, ", "));
    return kOk;
  }

  // The store: one row per simulation, slot x replicate; the candidates' slots first, then the
  // posterior predictive draws'.
  const std::string base_yaml = models::to_yaml(*base);
  const std::string fingerprint = resumable_fingerprint({loaded.text, base_yaml});
  const std::size_t rows = (capacity + predictive) * replicates;
  EnsembleBackend& backend = process_backend();
  const bool speaks = backend.collects();
  std::optional<ResumableRows> store;
  RunTable table{m, std::vector<double>(rows * m, std::nan("")), std::vector<std::uint8_t>(rows)};
  enum class Next : char { kRun = 'r', kNothingToDo = 'n', kFailed = 'f' };
  std::string decision(1, static_cast<char>(Next::kRun));
  if (speaks) {
    std::error_code error;
    if (!options.restart && !std::filesystem::exists(options.output + ".partial", error) &&
        finished_fingerprint(options.output, kFormat) == fingerprint) {
      if (!options.quiet)
        fmt::print("{} already holds this calibration; nothing to do (--restart runs it again)\n",
                   options.output);
      decision[0] = static_cast<char>(Next::kNothingToDo);
    } else {
      try {
        store.emplace(
            options.output,
            ResumableRows::Layout{.format = kFormat,
                                  .what = "calibration",
                                  .fingerprint = fingerprint,
                                  .rows = rows,
                                  .columns = m,
                                  .columns_description =
                                      "each target's statistic in the simulation (row: slot x "
                                      "replicates + replicate), columns named in 'columns'"},
            options.restart, [&](ResumableFileBuilder& f) {
              f.text("/meta", "calibration_yaml", loaded.text);
              f.text("/meta", "calibration_file", options.calibration);
              f.text("/meta", "base_scenario_yaml", base_yaml);
              f.text("/meta", "command_line", invocation);
              f.text("/meta", "name", file.name);
              f.text("/meta", "description", file.description);
              f.scalar<std::uint64_t>("/meta", "seed", seed);
              f.scalar<std::int32_t>("/meta", "replicates", file.replicates);
              f.text("/runs", "description",
                     "one row per simulation: candidate slot x replicates + replicate; rows with "
                     "done = 0 have not run");
              f.text("/runs", "columns", joined(target_names));
            });
        table.values = store->outputs();
        table.done = store->done();
      } catch (const OutputError& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        decision[0] = static_cast<char>(Next::kFailed);
      }
    }
  }
  backend.share(decision);
  if (decision[0] == static_cast<char>(Next::kNothingToDo)) return kOk;
  if (decision[0] == static_cast<char>(Next::kFailed)) return kFailed;
  table.share(backend, 0, rows);
  if (speaks && store->damaged_count() > 0) {
    fmt::print(stderr,
               "warning: {} simulations in {} were marked done but their rows do not match their "
               "checksums (the file was damaged); they run again\n",
               store->damaged_count(), store->partial_path().string());
  }
  if (speaks && !options.quiet) {
    const auto already =
        static_cast<std::size_t>(std::count(table.done.begin(), table.done.end(), std::uint8_t{1}));
    if (store->resumed())
      fmt::print("resuming {}: {} simulations already done\n", store->partial_path().string(),
                 already);
    else
      fmt::print(
          "calibration {}: writing simulations to {} as they finish (if interrupted, run "
          "the same command again to resume)\n",
          file.name, store->partial_path().string());
  }

  // Runs: a row's scenario is its slot's parameters; its random streams are its own (replicate
  // = row), so no two simulations share random numbers.
  std::vector<std::vector<double>> slot_units(capacity + predictive);
  std::vector<std::int64_t> target_steps, survey_steps;  // per target (-1: none); the waves
  // The columns the waves' statistics read (target_statistic): a wave holds only these.
  std::vector<std::string> survey_columns{"alive", "certified"};
  for (const Target& t : file.targets) {
    target_steps.push_back(t.is_survey() ? base->clock().step_at(t.survey.year) : -1);
    if (!t.is_survey()) continue;
    survey_steps.push_back(target_steps.back());
    survey_columns.push_back(t.survey.column);
  }
  const long kill_after = kill_after_runs();
  long written = 0;
  std::string failure;
  const auto run_rows = [&](std::size_t first_slot, std::size_t end_slot) -> bool {
    std::vector<EnsembleRun> runs;
    for (std::size_t slot = first_slot; slot < end_slot; ++slot)
      for (std::size_t r = 0; r < replicates; ++r) {
        const std::size_t row = slot * replicates + r;
        if (!table.done[row]) runs.push_back({row, {seed, static_cast<std::uint32_t>(row)}});
      }
    const std::vector<EnsembleFailure> failures = run_ensemble<std::vector<double>>(
        runs,
        {.build =
             [&](const EnsembleRun& run) {
               models::Scenario scenario = models::load_scenario(
                   loaded.scenario_path(),
                   calibration::overrides(file, slot_units[run.scenario / replicates]));
               scenario.run.seed = seed;
               scenario.surveys.years.clear();
               auto sim = models::build_simulation(scenario, run.identity);
               sim->add_survey_steps(survey_steps, false, survey_columns);
               return sim;
             },
         .observer = {},
         .extract =
             [&](const EnsembleRun&, Simulation& sim) {
               const RunSummary summary = summarize(sim);
               std::vector<double> statistics;
               for (std::size_t i = 0; i < m; ++i) {
                 const SurveyWave* wave = nullptr;
                 for (const SurveyWave& w : sim.survey_waves())
                   if (w.step == target_steps[i]) wave = &w;
                 statistics.push_back(calibration::target_statistic(file.targets[i], summary, wave,
                                                                    sim.population(), outcomes));
               }
               return statistics;
             },
         .collect =
             [&](std::size_t, const EnsembleRun& run, std::vector<double>& statistics) {
               try {
                 store->write_row(run.scenario, statistics);
               } catch (const std::exception& e) {
                 if (failure.empty()) failure = e.what();
                 return;
               }
               std::copy(statistics.begin(), statistics.end(),
                         table.values.begin() + static_cast<std::ptrdiff_t>(run.scenario * m));
               table.done[run.scenario] = 1;
               if (kill_after > 0 && ++written == kill_after) std::raise(SIGKILL);
             }},
        backend);
    if (failure.empty() && !failures.empty())
      failure = fmt::format("simulation {} failed: {}", runs[failures.front().index].scenario,
                            failures.front().message);
    if (!backend.agree(failure.empty())) return false;
    table.share(backend, first_slot * replicates, end_slot * replicates);
    return true;
  };
  // A slot's statistics: the means over its replicates (NaN if any is).
  const auto slot_statistics = [&](std::size_t slot) {
    std::vector<double> mean(m, 0.0);
    for (std::size_t r = 0; r < replicates; ++r)
      for (std::size_t i = 0; i < m; ++i)
        mean[i] += table.values[(slot * replicates + r) * m + i] / static_cast<double>(replicates);
    return mean;
  };
  const auto failed = [&] {
    if (speaks)
      fmt::print(stderr,
                 "error: {}\nthe finished simulations are kept in {}; run the command again to "
                 "resume\n",
                 failure.empty() ? "a process failed" : failure, store->partial_path().string());
    return kFailed;
  };

  AbcSmc abc(file.abc, k, capacity, seed);
  for (std::vector<Candidate> batch = abc.next_batch(); !batch.empty(); batch = abc.next_batch()) {
    for (const Candidate& c : batch) slot_units[c.slot] = c.unit;
    if (!run_rows(batch.front().slot, batch.back().slot + 1)) return failed();
    std::vector<double> distances;
    std::vector<std::vector<double>> statistics;
    for (const Candidate& c : batch) {
      statistics.push_back(slot_statistics(c.slot));
      distances.push_back(calibration::distance(file.targets, statistics.back()));
    }
    const std::size_t generations = abc.generations().size();
    abc.record(distances, statistics);
    if (speaks && !options.quiet && abc.generations().size() > generations) {
      const Generation& g = abc.generations().back();
      fmt::print("generation {}: tolerance {:.4g}, {} proposed, acceptance {:.3f}, ESS {:.0f}\n",
                 g.index, g.tolerance, g.proposed, g.acceptance_rate(), g.effective_sample_size());
    }
  }
  if (abc.generations().empty()) {
    if (speaks)
      fmt::print(stderr,
                 "error: abc.max_simulations ran out before the first generation was complete "
                 "(too many runs without a statistic?)\n");
    return kFailed;
  }
  const Generation& posterior = abc.generations().back();

  // The posterior predictive: particles drawn by weight, each run again on new random numbers.
  std::vector<std::size_t> drawn;
  {
    const RandomStream stream(seed, 0, "calibration-predictive");
    std::vector<double> cumulative;
    double sum = 0;
    for (const calibration::Particle& p : posterior.particles)
      cumulative.push_back(sum += p.weight);
    for (std::size_t d = 0; d < predictive; ++d) {
      const double pick = stream.uniform(0, d, 0) * sum;
      const auto i = static_cast<std::size_t>(
          std::upper_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin());
      drawn.push_back(std::min(i, cumulative.size() - 1));
      slot_units[capacity + d] = posterior.particles[drawn.back()].unit;
    }
  }
  if (predictive > 0 && !run_rows(capacity, capacity + predictive)) return failed();
  if (!speaks) return kOk;

  // Results.
  std::vector<ResultArray> arrays;
  std::vector<TextAttribute> texts;
  const std::size_t n = posterior.particles.size();
  std::vector<double> unit(n * k), values(n * k), weights(n), distances(n), statistics(n * m);
  for (std::size_t i = 0; i < n; ++i) {
    const calibration::Particle& p = posterior.particles[i];
    const std::vector<double> v = calibration::parameter_values(file, p.unit);
    std::copy(p.unit.begin(), p.unit.end(), unit.begin() + static_cast<std::ptrdiff_t>(i * k));
    std::copy(v.begin(), v.end(), values.begin() + static_cast<std::ptrdiff_t>(i * k));
    weights[i] = p.weight;
    distances[i] = p.distance;
    std::copy(p.statistics.begin(), p.statistics.end(),
              statistics.begin() + static_cast<std::ptrdiff_t>(i * m));
  }
  arrays.push_back({"/posterior/unit", unit, {n, k}, "particles on the unit cube of the priors"});
  arrays.push_back({"/posterior/values",
                    values,
                    {n, k},
                    "particles' parameter values (a list parameter: its value's index)"});
  arrays.push_back({"/posterior/weights", weights, {n}, "importance weights, summing to 1"});
  arrays.push_back({"/posterior/distances", distances, {n}, "each particle's distance"});
  arrays.push_back({"/posterior/statistics",
                    statistics,
                    {n, m},
                    "each particle's target statistics (means over its replicates)"});
  std::vector<double> mean(k), sd(k), low(k), median(k), high(k), prior_low(k), prior_high(k);
  std::string table_text = fmt::format(
      "\ncalibration {}: posterior after {} generation{} (stopped: {}), {} particles, ESS {:.0f}\n"
      "{:<28} {:>12} {:>12} {:>25} {:>25}\n",
      file.name, abc.generations().size(), abc.generations().size() == 1 ? "" : "s",
      abc.stop_reason(), n, posterior.effective_sample_size(), "parameter", "mean", "median",
      "95% interval", "prior 95%");
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> column(n);
    for (std::size_t i = 0; i < n; ++i) column[i] = values[i * k + j];
    const Marginal g = marginal(column, weights);
    mean[j] = g.mean;
    sd[j] = g.sd;
    low[j] = g.low;
    median[j] = g.median;
    high[j] = g.high;
    prior_low[j] = sweep::value_at(file.parameters[j], 0.025);
    prior_high[j] = sweep::value_at(file.parameters[j], 0.975);
    table_text += fmt::format("{:<28} {:>12.5g} {:>12.5g} {:>25} {:>25}\n", parameter_names[j],
                              mean[j], median[j], fmt::format("{:.5g} to {:.5g}", low[j], high[j]),
                              fmt::format("{:.5g} to {:.5g}", prior_low[j], prior_high[j]));
  }
  arrays.push_back({"/posterior/mean", mean, {k}, "weighted posterior mean of each parameter"});
  arrays.push_back({"/posterior/sd", sd, {k}, "weighted posterior standard deviation"});
  arrays.push_back({"/posterior/low", low, {k}, "2.5% weighted posterior quantile"});
  arrays.push_back({"/posterior/median", median, {k}, "weighted posterior median"});
  arrays.push_back({"/posterior/high", high, {k}, "97.5% weighted posterior quantile"});
  arrays.push_back({"/posterior/prior_low", prior_low, {k}, "2.5% quantile of the prior"});
  arrays.push_back({"/posterior/prior_high", prior_high, {k}, "97.5% quantile of the prior"});

  // Generations and every candidate.
  const auto& gens = abc.generations();
  std::vector<double> tolerance, proposed, acceptance, ess;
  for (const Generation& g : gens) {
    tolerance.push_back(g.tolerance);
    proposed.push_back(static_cast<double>(g.proposed));
    acceptance.push_back(g.acceptance_rate());
    ess.push_back(g.effective_sample_size());
  }
  const std::size_t G = gens.size();
  arrays.push_back({"/generations/tolerance",
                    tolerance,
                    {G},
                    "tolerance of each generation (infinite for the first, from the priors)"});
  arrays.push_back(
      {"/generations/proposed", proposed, {G}, "candidates proposed up to the last one kept"});
  arrays.push_back({"/generations/acceptance_rate", acceptance, {G}, "particles / proposed"});
  arrays.push_back({"/generations/ess", ess, {G}, "effective sample size of the weights"});
  const auto& candidates = abc.candidates();
  const std::size_t C = candidates.size();
  std::vector<double> c_generation(C), c_parent(C), c_unit(C * k), c_values(C * k), c_distance(C);
  for (std::size_t s = 0; s < C; ++s) {
    c_generation[s] = candidates[s].generation;
    c_parent[s] = static_cast<double>(candidates[s].parent);
    const std::vector<double> v = calibration::parameter_values(file, candidates[s].unit);
    for (std::size_t j = 0; j < k; ++j) {
      c_unit[s * k + j] = candidates[s].unit[j];
      c_values[s * k + j] = v[j];
    }
    c_distance[s] = abc.distances()[s];
  }
  arrays.push_back({"/candidates/generation", c_generation, {C}, "generation of each candidate"});
  arrays.push_back({"/candidates/parent",
                    c_parent,
                    {C},
                    "particle of the previous generation perturbed (-1: drawn from the priors)"});
  arrays.push_back({"/candidates/unit", c_unit, {C, k}, "candidate on the unit cube"});
  arrays.push_back({"/candidates/values", c_values, {C, k}, "candidate's parameter values"});
  arrays.push_back({"/candidates/distance",
                    c_distance,
                    {C},
                    "distance of the candidate's statistics (rows of /runs: slot x replicates)"});

  // Targets and the posterior predictive fit.
  std::vector<double> observed, target_sd, p_mean(m), p_low(m), p_high(m), p_stats(predictive * m);
  for (std::size_t d = 0; d < predictive; ++d) {
    const std::vector<double> s = slot_statistics(capacity + d);
    std::copy(s.begin(), s.end(), p_stats.begin() + static_cast<std::ptrdiff_t>(d * m));
  }
  table_text += fmt::format("\n{:<28} {:>12} {:>10} {:>12} {:>25}\n", "target", "observed", "sd",
                            "predictive", "95% of predictive draws");
  for (std::size_t i = 0; i < m; ++i) {
    observed.push_back(file.targets[i].observed);
    target_sd.push_back(file.targets[i].sd);
    std::vector<double> column;
    for (std::size_t d = 0; d < predictive; ++d)
      if (std::isfinite(p_stats[d * m + i])) column.push_back(p_stats[d * m + i]);
    if (!column.empty()) {
      const Marginal g = marginal(column, std::vector<double>(column.size(), 1.0 / column.size()));
      p_mean[i] = g.mean;
      p_low[i] = g.low;
      p_high[i] = g.high;
    } else {
      p_mean[i] = p_low[i] = p_high[i] = std::nan("");
    }
    table_text +=
        fmt::format("{:<28} {:>12.5g} {:>10.3g} {:>12.5g} {:>25}\n", target_names[i], observed[i],
                    target_sd[i], p_mean[i], fmt::format("{:.5g} to {:.5g}", p_low[i], p_high[i]));
  }
  arrays.push_back({"/targets/observed", observed, {m}, "observed value of each target"});
  arrays.push_back({"/targets/sd", target_sd, {m}, "uncertainty (sd) of each observed value"});
  arrays.push_back({"/targets/predictive_mean",
                    p_mean,
                    {m},
                    "mean of the target over the posterior predictive draws"});
  arrays.push_back({"/targets/predictive_low", p_low, {m}, "2.5% of the predictive draws"});
  arrays.push_back({"/targets/predictive_high", p_high, {m}, "97.5% of the predictive draws"});
  std::vector<double> drawn_index(drawn.begin(), drawn.end());
  arrays.push_back({"/predictive/particle",
                    drawn_index,
                    {predictive},
                    "posterior particle each draw ran (row of /posterior)"});
  arrays.push_back({"/predictive/statistics",
                    p_stats,
                    {predictive, m},
                    "each draw's target statistics, on new random numbers"});

  auto parameters_json = nlohmann::ordered_json::array();
  for (const sweep::SweepParameter& p : file.parameters)
    parameters_json.push_back({{"name", p.label()}, {"key", p.key}, {"values", p.values}});
  auto targets_json = nlohmann::ordered_json::array();
  for (const Target& t : file.targets)
    targets_json.push_back({{"name", t.label()},
                            {"outcome", t.outcome},
                            {"survey_column", t.survey.column},
                            {"survey_year", t.survey.year},
                            {"group", t.group}});
  const auto dump = [](const nlohmann::ordered_json& json) {
    return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  };
  texts.push_back({"/posterior", "parameters", joined(parameter_names)});
  texts.push_back({"/posterior", "keys", joined(parameter_keys)});
  texts.push_back({"/posterior", "parameters_json", dump(parameters_json)});
  texts.push_back({"/targets", "names", joined(target_names)});
  texts.push_back({"/targets", "targets_json", dump(targets_json)});
  texts.push_back({"/calibration", "stop_reason", abc.stop_reason()});
  texts.push_back({"/calibration", "table", table_text});
  texts.push_back({"/calibration", "description",
                   "ABC-SMC with adaptive tolerances: /posterior (the last generation), "
                   "/generations, /candidates (every proposal), /targets and /predictive (the "
                   "posterior predictive fit); distances are root mean squares of "
                   "(statistic - observed) / sd"});
  try {
    remove_on_interrupt(store->finishing_path());
    store->finish(arrays, texts);
    remove_on_interrupt({});
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kFailed;
  }
  if (!options.quiet) fmt::print("{}\nwrote {}\n", table_text, options.output);
  return kOk;
}

}  // namespace salonsim::cli
