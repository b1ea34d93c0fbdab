// salonsim: the command-line program. Thin: parse, load, hand the runs to the engine's ensemble
// runner, write.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>
#include <tbb/parallel_for.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include "apps/salonsim/calibrate_command.hpp"
#include "apps/salonsim/cli_support.hpp"
#include "apps/salonsim/export_command.hpp"
#include "apps/salonsim/progress.hpp"
#include "apps/salonsim/serve_command.hpp"
#include "apps/salonsim/sweep_command.hpp"
#include "apps/salonsim/trial_command.hpp"
#include "models/build.hpp"
#include "models/region/region.hpp"
#include "models/scenario.hpp"
#include "sim/distributed/mpi_session.hpp"
#include "sim/ensemble.hpp"
#include "sim/output/comparison.hpp"
#include "sim/output/hazard_ratios.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/output/run_writes.hpp"
#include "sim/output/serialization.hpp"
#include "sim/output/summary.hpp"
#include "sim/output/survey_spool.hpp"
#include "sim/params/describer.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/version.hpp"

namespace {

using namespace salonsim;
using cli::kFailed;
using cli::kInvalidInput;
using cli::kOk;
using cli::report_scenario_error;

struct RunOptions {
  std::string scenario;
  std::string output;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  int replicates = 1;
  std::vector<std::string> overrides;
  bool quiet = false;
  bool timeseries_only = false;
};

/// Creates the output file in `output` now, so an unwritable path fails before any run.
bool open_output(std::optional<OutputFile>& output, const std::string& path) {
  try {
    output.emplace(path);
    cli::remove_on_interrupt(output->temporary_path());
    return true;
  } catch (const OutputError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return false;
  }
}

/// /meta of a run or comparison whose settings are those of `scenario`.
RunMetadata metadata_for(const models::Scenario& scenario, std::string scenario_file,
                         const std::string& invocation, int threads, int replicates) {
  RunMetadata meta;
  meta.scenario_yaml = models::to_yaml(scenario);
  meta.scenario_file = std::move(scenario_file);
  meta.command_line = invocation;
  meta.seed = scenario.run.seed;
  meta.threads = threads;
  meta.days_per_step = scenario.run.days_per_step;
  meta.start_date = scenario.run.start_date;
  meta.replicates = replicates;
  return meta;
}

/// A replicate's result: its summary, and what it writes.
struct ReplicateResult {
  RunSummary summary;
  RunWrites writes;
  template <class Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& summary& writes;
  }
};

/// An arm's replicate: its summary, its record for the analyses, and what it writes.
struct ArmRunResult {
  RunSummary summary;
  RunRecord record;
  RunWrites writes;
  template <class Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& summary& record& writes;
  }
};

/// Writes a finished run's tables, timeseries and survey waves into `group` (the waves spooled
/// as they were taken, see spool_surveys, and any held); with `timeseries_only`, the timeseries
/// alone (no table of residents, no waves: a national run's 36 million rows would fill a disk).
RunWrites run_writes(std::string group, const Simulation& sim, bool timeseries_only = false) {
  return RunWrites([group = std::move(group), &sim, timeseries_only](OutputFile& file) {
    if (timeseries_only) {
      file.write_run(group, {}, sim.timeseries(), sim.clock());
      return;
    }
    file.write_run(group, output_tables(sim), sim.timeseries(), sim.clock(), sim.survey_waves());
    if (const auto spool = std::dynamic_pointer_cast<const SurveySpool>(sim.survey_sink()))
      spool->copy_into(file, group);
  });
}

/// When this process writes the output, a run's survey waves for the output go as they are taken
/// into a scratch file beside it, and are copied in with the run's other writes: the run holds
/// none of them to its end. On an MPI rank that does not write the output they are held and
/// travel in the run's image as before.
void spool_surveys(Simulation& sim, const std::optional<OutputFile>& output) {
  if (!output) return;
  const std::filesystem::path& path = output->final_path();
  sim.set_survey_sink(
      std::make_shared<SurveySpool>(path.has_parent_path() ? path.parent_path() : "."));
}

/// Orders runs largest town first, so that no worker is left with a big one at the end (the order
/// of runs changes nothing in the results). `population` gives a run's scenario's residents.
void largest_first(std::vector<EnsembleRun>& runs,
                   const std::function<std::int64_t(std::size_t scenario)>& population) {
  std::stable_sort(runs.begin(), runs.end(), [&](const EnsembleRun& a, const EnsembleRun& b) {
    return population(a.scenario) > population(b.scenario);
  });
}

/// The sums of towns' summaries (a region's totals), in the towns' order.
RunSummary sum_of_towns(const std::vector<RunSummary>& towns) {
  RunSummary total;
  for (const RunSummary& s : towns) {
    for (std::size_t g = 0; g < s.groups.size(); ++g) total.groups[g] += s.groups[g];
    total.cost_yen += s.cost_yen;
    total.years = s.years;
    total.costs.insert(total.costs.end(), s.costs.begin(), s.costs.end());
  }
  return total;
}

/// `run` of a region: every municipality x replicate on the ensemble runner, each written under
/// /municipalities/<name>, and the region's totals (sums over municipalities) in /region.
int run_region_command(const RunOptions& options, const models::Scenario& region,
                       const std::string& invocation) {
  std::vector<models::Municipality> municipalities;
  try {
    municipalities = models::municipalities_of(options.scenario, region, options.overrides);
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e);
  }
  const std::uint64_t seed = options.seed.value_or(region.run.seed);
  const cli::ThreadLimit threads(options.threads);
  std::uint64_t largest = 0;
  for (const models::Municipality& m : municipalities)
    largest = std::max(largest, models::run_memory_bytes(m.scenario));
  const auto region_runs = municipalities.size() * static_cast<std::size_t>(options.replicates);
  if (!cli::fits_in_memory({.per_run = largest,
                            .at_once = std::min<std::uint64_t>(
                                static_cast<std::uint64_t>(int{threads}), region_runs)}))
    return kInvalidInput;
  EnsembleBackend& backend = process_backend();
  const bool speaks = backend.collects();
  std::optional<OutputFile> output;
  if (!backend.agree(!speaks || open_output(output, options.output))) return kFailed;
  const auto replicates = static_cast<std::size_t>(options.replicates);
  std::int64_t total_steps = 0;
  std::vector<EnsembleRun> runs;
  for (std::size_t r = 0; r < replicates; ++r) {
    for (std::size_t m = 0; m < municipalities.size(); ++m) {
      runs.push_back({m, {models::municipality_seed(seed, m), static_cast<std::uint32_t>(r)}});
      total_steps += municipalities[m].scenario.steps();
    }
  }
  largest_first(runs, [&](std::size_t m) { return municipalities[m].scenario.town.population; });
  cli::Progress progress(total_steps, speaks && !options.quiet && cli::stderr_is_terminal());
  std::vector<std::vector<RunSummary>> summaries(municipalities.size(),
                                                 std::vector<RunSummary>(replicates));
  const std::vector<EnsembleFailure> failures = run_ensemble<ReplicateResult>(
      runs,
      {.build =
           [&](const EnsembleRun& run) {
             auto sim =
                 models::build_simulation(municipalities[run.scenario].scenario, run.identity);
             if (!options.timeseries_only) spool_surveys(*sim, output);
             return sim;
           },
       .observer = [&progress](const Simulation&, std::int64_t) { progress.advance(); },
       .extract =
           [&](const EnsembleRun& run, Simulation& sim) {
             const std::size_t m = run.scenario, r = run.identity.replicate;
             std::string group = "/municipalities/" + municipalities[m].name;
             if (replicates > 1) group += replicate_group(static_cast<std::uint32_t>(r));
             return ReplicateResult{summarize(sim),
                                    run_writes(group, sim, options.timeseries_only)};
           },
       .collect =
           [&](std::size_t, const EnsembleRun& run, ReplicateResult& result) {
             summaries[run.scenario][run.identity.replicate] = std::move(result.summary);
             result.writes.write_into(*output);
           }},
      backend);
  progress.finish();
  if (!speaks) return kOk;
  // The region: each replicate's sums over its municipalities.
  std::vector<RunSummary> totals(replicates);
  for (std::size_t r = 0; r < replicates; ++r) {
    std::vector<RunSummary> of_replicate;
    for (const auto& of_municipality : summaries) of_replicate.push_back(of_municipality[r]);
    totals[r] = sum_of_towns(of_replicate);
  }
  const std::string summary = format_summary(totals, region.run.years, models::outcome_catalogue());
  try {
    if (!failures.empty()) throw std::runtime_error(failures.front().message);
    RunMetadata meta =
        metadata_for(region, options.scenario, invocation, threads, options.replicates);
    meta.seed = seed;
    output->write_meta(meta);
    // Each municipality's scenario as YAML, worked out in parallel: the emitter takes about
    // 10 ms a scenario, 17 s of one thread for the nation's 1,741.
    std::vector<std::string> yaml(municipalities.size());
    tbb::parallel_for(std::size_t{0}, municipalities.size(), [&](std::size_t m) {
      yaml[m] = models::to_yaml(municipalities[m].scenario);
    });
    std::string names;
    for (std::size_t m = 0; m < municipalities.size(); ++m) {
      names += (names.empty() ? "" : "\n") + municipalities[m].name;
      output->write_text("/municipalities/" + municipalities[m].name, "scenario_yaml", yaml[m]);
    }
    output->write_text(
        "/region", "description",
        "the region's municipalities (names, in run order) and its totals: sums over "
        "municipalities of every tally, as the summary table");
    output->write_text("/region", "municipalities", names);
    output->write_text("/region", "summary", summary);
    output->commit();
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: writing '{}' failed: {}\n", options.output, e.what());
    return kFailed;
  }
  if (!options.quiet) {
    std::int64_t residents = 0;
    for (const models::Municipality& m : municipalities) residents += m.scenario.town.population;
    fmt::print("{}: {} municipalities, {} residents at the start, seed {}; region totals:\n",
               region.name, municipalities.size(), residents, seed);
    fmt::print("{}", summary);
    fmt::print("wrote {} (each municipality under /municipalities/<name>)\n", options.output);
  }
  return kOk;
}

int run_command(const RunOptions& options, const std::string& invocation) {
  models::Scenario scenario;
  try {
    scenario = models::load_scenario(options.scenario, options.overrides);
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e);
  }
  if (!scenario.region.empty()) return run_region_command(options, scenario, invocation);
  if (options.seed) scenario.run.seed = *options.seed;
  const cli::ThreadLimit threads(options.threads);
  if (!cli::fits_in_memory(
          {.per_run = models::run_memory_bytes(scenario),
           .at_once = std::min<std::uint64_t>(static_cast<std::uint64_t>(int{threads}),
                                              static_cast<std::uint64_t>(options.replicates))}))
    return kInvalidInput;
  EnsembleBackend& backend = process_backend();
  const bool speaks = backend.collects();
  std::optional<OutputFile> output;
  if (!backend.agree(!speaks || open_output(output, options.output))) return kFailed;

  const auto replicates = static_cast<std::size_t>(options.replicates);
  const std::int64_t steps = scenario.steps();
  cli::Progress progress(steps * static_cast<std::int64_t>(replicates),
                         speaks && !options.quiet && cli::stderr_is_terminal());
  std::vector<EnsembleRun> runs;
  for (std::size_t r = 0; r < replicates; ++r)
    runs.push_back({0, {scenario.run.seed, static_cast<std::uint32_t>(r)}});
  std::vector<RunSummary> summaries(replicates);
  // Each replicate is written and freed as soon as it finishes.
  const std::vector<EnsembleFailure> failures = run_ensemble<ReplicateResult>(
      runs,
      {.build =
           [&](const EnsembleRun& run) {
             auto sim = models::build_simulation(scenario, run.identity);
             if (!options.timeseries_only) spool_surveys(*sim, output);
             return sim;
           },
       .observer = [&progress](const Simulation&, std::int64_t) { progress.advance(); },
       .extract =
           [&](const EnsembleRun& run, Simulation& sim) {
             const std::string group =
                 replicates == 1 ? "/" : replicate_group(run.identity.replicate);
             return ReplicateResult{summarize(sim),
                                    run_writes(group, sim, options.timeseries_only)};
           },
       .collect =
           [&](std::size_t r, const EnsembleRun&, ReplicateResult& result) {
             summaries[r] = std::move(result.summary);
             result.writes.write_into(*output);
           }},
      backend);
  progress.finish();
  if (!speaks) return kOk;

  try {
    if (!failures.empty()) throw std::runtime_error(failures.front().message);
    output->write_meta(
        metadata_for(scenario, options.scenario, invocation, threads, options.replicates));
    output->commit();
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: writing '{}' failed: {}\n", options.output, e.what());
    return kFailed;
  }

  if (!options.quiet) {
    fmt::print("{}: {} residents at the start, {} steps of {} days, seed {}\n", scenario.name,
               scenario.town.population, steps, scenario.run.days_per_step, scenario.run.seed);
    fmt::print("{}", format_summary(summaries, scenario.run.years, models::outcome_catalogue()));
    fmt::print("wrote {}\n", options.output);
  }
  return kOk;
}

struct CompareOptions {
  std::vector<std::string> scenarios;
  std::string output;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  int replicates = 10;
  std::string reference;
  std::vector<std::string> overrides;
  bool quiet = false;
};

int compare_command(const CompareOptions& options, const std::string& invocation) {
  // Every arm is loaded and checked before anything runs; all their problems are reported.
  std::vector<models::Scenario> arms;
  bool invalid = false;
  for (const std::string& file : options.scenarios) {
    try {
      arms.push_back(models::load_scenario(file, options.overrides));
    } catch (const params::ScenarioError& e) {
      report_scenario_error(e);
      invalid = true;
    }
  }
  if (invalid) return kInvalidInput;
  // Arms are towns, or regions of municipalities (a region's totals are sums over them); not
  // a mix, whose totals would not be comparable.
  const bool regions = !arms.front().region.empty();
  for (std::size_t a = 0; a < arms.size(); ++a) {
    if (arms[a].region.empty() != regions) continue;
    fmt::print(stderr,
               "error: '{}' is {} but '{}' is {}: compare towns with towns, regions with "
               "regions\n",
               options.scenarios[a], regions ? "a town" : "a region", options.scenarios.front(),
               regions ? "a region" : "a town");
    return kInvalidInput;
  }
  // Arm names: the scenarios' names, made unique with their position if two share one.
  std::vector<std::string> names;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    std::string name = arms[a].name;
    for (std::size_t b = 0; b < arms.size(); ++b) {
      if (b != a && arms[b].name == arms[a].name) name += fmt::format("-{}", a + 1);
    }
    names.push_back(name);
  }
  // Made-unique names can still meet another arm's ("a", "a", "a-2"): refuse before running.
  for (std::size_t a = 0; a < names.size(); ++a) {
    for (std::size_t b = 0; b < a; ++b) {
      if (names[a] != names[b]) continue;
      fmt::print(stderr,
                 "error: arms {} ('{}') and {} ('{}') would both be written as '{}'; give the "
                 "scenarios distinct names (name: in each file)\n",
                 b + 1, options.scenarios[b], a + 1, options.scenarios[a], names[a]);
      return kInvalidInput;
    }
  }
  std::size_t reference = 0;
  if (!options.reference.empty()) {
    const auto it = std::find(names.begin(), names.end(), options.reference);
    if (it == names.end()) {
      fmt::print(stderr, "error: --reference '{}' is not an arm; arms: {}\n", options.reference,
                 fmt::join(names, ", "));
      return kInvalidInput;
    }
    reference = static_cast<std::size_t>(it - names.begin());
  }
  // Replicate r of every arm uses the same seed: common random numbers. In regions, each
  // municipality's seed follows from it and the municipality's place, as in `run`.
  const std::uint64_t seed = options.seed.value_or(arms[reference].run.seed);
  for (models::Scenario& arm : arms) arm.run.seed = seed;
  std::vector<std::vector<models::Municipality>> towns(arms.size());
  for (std::size_t a = 0; a < arms.size(); ++a) {
    if (!regions) {
      towns[a].push_back({names[a], {}, arms[a]});
      continue;
    }
    try {
      towns[a] = models::municipalities_of(options.scenarios[a], arms[a], options.overrides);
    } catch (const params::ScenarioError& e) {
      return report_scenario_error(e);
    }
  }
  const auto town_seed = [&](std::size_t m) {
    return regions ? models::municipality_seed(seed, m) : seed;
  };
  // The analyses each arm's mechanisms add (e.g. the salons' emulated study) where its runs are
  // long enough for their design. Not for regions: their residents are not pooled into one study.
  const auto analyses_for = [&](std::size_t a) {
    std::vector<ArmAnalysis> analyses;
    if (a == reference || regions) return analyses;
    for (ArmAnalysis& analysis : models::arm_analyses(arms[a]))
      if (arms[a].run.years >= analysis.minimum_years) analyses.push_back(std::move(analysis));
    return analyses;
  };
  const cli::ThreadLimit threads(options.threads);
  {
    // Every town's runs, each with the record it hands to the analyses; what the analyses keep
    // of every replicate until the end, and the most one uses while it fits.
    MemoryNeed need;
    std::uint64_t runs_in_all = 0;
    double fit_bytes = 0;
    for (std::size_t a = 0; a < arms.size(); ++a) {
      const std::vector<ArmAnalysis> analyses = analyses_for(a);
      for (const models::Municipality& town : towns[a]) {
        need.per_run = std::max(need.per_run, models::run_memory_bytes(town.scenario) +
                                                  models::kept_record_bytes(town.scenario));
        runs_in_all += static_cast<std::uint64_t>(options.replicates);
        const double residents = models::residents_at_most(town.scenario) * options.replicates;
        for (const ArmAnalysis& analysis : analyses) {
          need.kept += static_cast<std::uint64_t>(analysis.kept_bytes_per_resident * residents);
          fit_bytes = std::max(fit_bytes, analysis.fit_bytes_per_resident * residents);
        }
      }
    }
    need.kept += static_cast<std::uint64_t>(fit_bytes);
    need.at_once = std::min<std::uint64_t>(static_cast<std::uint64_t>(int{threads}), runs_in_all);
    if (!cli::fits_in_memory(need)) return kInvalidInput;
  }
  EnsembleBackend& backend = process_backend();
  const bool speaks = backend.collects();
  std::optional<OutputFile> output;
  if (!backend.agree(!speaks || open_output(output, options.output))) return kFailed;

  const auto replicates = static_cast<std::size_t>(options.replicates);
  std::vector<ArmResults> results(arms.size());
  for (std::size_t a = 0; a < arms.size(); ++a) {
    results[a].name = names[a];
    results[a].replicates.resize(replicates);
  }
  // Each arm's runs take the survey waves and keep the registered columns its analyses need.
  std::vector<std::vector<ArmAnalysis>> analyses_of(arms.size());
  for (std::size_t a = 0; a < arms.size(); ++a) analyses_of[a] = analyses_for(a);
  // The analyses take each run as it is collected and keep only what their estimates need, so
  // that memory does not grow with whole runs: the hazard ratios' follow-up counts of every arm,
  // and each analysed arm's analyses (given the reference's runs too, for the true effects).
  std::vector<ArmFollowUp> follow_up(arms.size());
  std::vector<std::string> follow_up_failure(arms.size());
  std::vector<std::vector<std::unique_ptr<ArmAnalysisState>>> states(arms.size());
  std::vector<std::vector<std::string>> analysis_failure(arms.size());
  for (std::size_t a = 0; a < arms.size(); ++a) {
    for (const ArmAnalysis& analysis : analyses_of[a])
      states[a].push_back(analysis.start(replicates));
    analysis_failure[a].resize(analyses_of[a].size());
  }
  // A failure of an analysis stops that analysis only, not the runs (it is reported with it).
  const auto analyse_run = [&](std::size_t a, std::size_t r, const RunRecord& record) {
    try {
      follow_up[a].add(record);
    } catch (const std::exception& e) {
      if (follow_up_failure[a].empty()) follow_up_failure[a] = e.what();
    }
    const auto feed = [&](std::size_t b, bool as_reference) {
      for (std::size_t i = 0; i < states[b].size(); ++i) {
        if (!states[b][i]) continue;
        try {
          if (as_reference)
            states[b][i]->add_reference_run(r, record);
          else
            states[b][i]->add_arm_run(r, record);
        } catch (const std::exception& e) {
          analysis_failure[b][i] = e.what();
          states[b][i].reset();
        }
      }
    };
    feed(a, false);
    if (a == reference)
      for (std::size_t b = 0; b < arms.size(); ++b) feed(b, true);
  };
  // One run per arm, replicate and town (the arm itself, or each of its municipalities).
  std::vector<std::pair<std::size_t, std::size_t>> cells;  // (arm, town)
  std::vector<std::vector<std::vector<RunSummary>>> town_summaries(arms.size());
  std::vector<EnsembleRun> runs;
  std::int64_t total_steps = 0;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    town_summaries[a].assign(replicates, std::vector<RunSummary>(towns[a].size()));
    for (std::size_t m = 0; m < towns[a].size(); ++m) {
      cells.emplace_back(a, m);
      for (std::size_t r = 0; r < replicates; ++r) {
        runs.push_back({cells.size() - 1, {town_seed(m), static_cast<std::uint32_t>(r)}});
        total_steps += towns[a][m].scenario.steps();
      }
    }
  }
  largest_first(runs, [&](std::size_t cell) {
    const auto& [a, m] = cells[cell];
    return towns[a][m].scenario.town.population;
  });
  cli::Progress progress(total_steps, speaks && !options.quiet && cli::stderr_is_terminal());
  // Arms, replicates and towns run in parallel; each finished run is written and freed at once.
  const std::vector<EnsembleFailure> failures = run_ensemble<ArmRunResult>(
      runs,
      {.build =
           [&](const EnsembleRun& run) {
             const auto& [a, m] = cells[run.scenario];
             auto sim = models::build_simulation(towns[a][m].scenario, run.identity);
             add_analysis_surveys(*sim, analyses_of[a]);
             if (!regions) spool_surveys(*sim, output);
             return sim;
           },
       .observer = [&progress](const Simulation&, std::int64_t) { progress.advance(); },
       .extract =
           [&](const EnsembleRun& run, Simulation& sim) {
             const auto& [a, m] = cells[run.scenario];
             const std::size_t r = run.identity.replicate;
             std::string group = fmt::format("/arms/{}/replicate_{}", names[a], r);
             // A region writes each municipality's timeseries only: a national comparison's
             // tables of residents would fill a disk.
             if (regions) group += "/municipalities/" + towns[a][m].name;
             return ArmRunResult{summarize(sim),
                                 regions ? RunRecord{} : record_for(sim, analyses_of[a]),
                                 run_writes(group, sim, regions)};
           },
       .collect =
           [&](std::size_t, const EnsembleRun& run, ArmRunResult& result) {
             const auto& [a, m] = cells[run.scenario];
             const std::size_t r = run.identity.replicate;
             town_summaries[a][r][m] = std::move(result.summary);
             if (!regions) analyse_run(a, r, result.record);
             result.writes.write_into(*output);
           }},
      backend);
  progress.finish();
  if (!speaks) return kOk;
  // Each arm's replicate: the sums over its towns, in town order (the same sums whatever order
  // the runs finished in).
  for (std::size_t a = 0; a < arms.size(); ++a)
    for (std::size_t r = 0; r < replicates; ++r)
      results[a].replicates[r] = sum_of_towns(town_summaries[a][r]);
  const std::string write_error = failures.empty() ? "" : failures.front().message;

  const std::vector<Outcome> outcomes = models::outcome_catalogue();
  const std::vector<ComparisonRow> rows = compare_arms(results, reference, outcomes);
  const std::string csv = comparison_csv(rows);
  // Hazard ratios against the reference, then what each arm's mechanisms add (for arms with
  // salons and six years or more, the emulated observational study beside the true effect).
  std::string analyses;
  std::vector<std::array<std::string, 3>> estimates;  // group, attribute, value (full precision)
  if (regions)
    analyses =
        "\nHazard ratios and the emulated studies are not computed for regions (their "
        "residents are not pooled into one study).\n";
  for (std::size_t a = 0; a < arms.size() && !regions; ++a) {
    if (a == reference) continue;
    const std::string group = "/comparison/" + names[a];
    try {
      for (const std::size_t b : {a, reference})
        if (!follow_up_failure[b].empty()) throw std::invalid_argument(follow_up_failure[b]);
      const ArmHazardRatios ratios = arm_hazard_ratios(follow_up[a], follow_up[reference]);
      analyses += format_arm_hazard_ratios(names[a], names[reference], ratios);
      const auto precise = [](double value) { return fmt::format("{:.17g}", value); };
      estimates.push_back(
          {group, "log_hr_certification", precise(ratios.certification.coefficients[0])});
      estimates.push_back({group, "log_hr_death", precise(ratios.death.coefficients[0])});
    } catch (const std::exception& e) {
      analyses += fmt::format("\n{}: the hazard-ratio analysis failed: {}\n", names[a], e.what());
    }
    for (std::size_t i = 0; i < states[a].size(); ++i) {
      std::string failure = analysis_failure[a][i];
      if (failure.empty()) {
        try {
          const std::optional<ArmAnalysisResult> result = states[a][i]->finish(names[a]);
          states[a][i].reset();  // free what it kept before the next one fits
          if (!result) continue;
          analyses += result->text;
          for (const auto& [name, value] : result->estimates)
            estimates.push_back({group, name, value});
        } catch (const std::exception& e) {
          failure = e.what();
        }
      }
      if (!failure.empty())
        analyses += fmt::format("\n{}: the analysis '{}' failed: {}\n", names[a],
                                analyses_of[a][i].name, failure);
    }
  }
  const std::filesystem::path csv_path =
      std::filesystem::path(options.output).replace_extension(".csv");
  try {
    if (!write_error.empty()) throw OutputError(write_error);
    output->write_meta(metadata_for(arms[reference],
                                    fmt::format("{}", fmt::join(options.scenarios, " ")),
                                    invocation, threads, options.replicates));
    for (std::size_t a = 0; a < arms.size(); ++a) {
      output->write_text("/arms/" + names[a], "scenario_yaml", models::to_yaml(arms[a]));
      output->write_text("/arms/" + names[a], "scenario_file", options.scenarios[a]);
    }
    output->write_text("/comparison", "reference", names[reference]);
    output->write_text("/comparison", "arms", fmt::format("{}", fmt::join(names, "\n")));
    output->write_text("/comparison", "summary_csv", csv);
    output->write_text("/comparison", "analyses", analyses);
    output->write_text("/comparison", "table",
                       format_comparison(rows, results, reference, outcomes));
    for (const auto& [group, name, value] : estimates) output->write_text(group, name, value);
    output->commit();
    cli::write_text_file(csv_path, csv);  // the CSV beside it, also written whole
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: writing '{}' failed: {}\n", options.output, e.what());
    return kFailed;
  }
  if (!options.quiet) {
    fmt::print("{}{}", format_comparison(rows, results, reference, outcomes), analyses);
    fmt::print("wrote {} and {}\n", options.output, csv_path.string());
  }
  return kOk;
}

int validate_command(const std::string& file, const std::vector<std::string>& overrides) {
  try {
    const models::Scenario scenario = models::load_scenario(file, overrides);
    if (!scenario.region.empty()) {
      const std::vector<models::Municipality> municipalities =
          models::municipalities_of(file, scenario, overrides);
      std::int64_t residents = 0;
      for (const models::Municipality& m : municipalities) residents += m.scenario.town.population;
      fmt::print("{}: ok (a region of {} municipalities, {} residents, {} years)\n", file,
                 municipalities.size(), residents, scenario.run.years);
      return kOk;
    }
    fmt::print("{}: ok ({} residents, {} years, {} steps of {} days, {} intervention{})\n", file,
               scenario.town.population, scenario.run.years, scenario.steps(),
               scenario.run.days_per_step, scenario.interventions.size(),
               scenario.interventions.size() == 1 ? "" : "s");
    return kOk;
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e);
  }
}

int describe_command(bool markdown, const std::string& prefix) {
  const std::vector<params::DictionaryRow> rows = models::parameter_dictionary();
  const bool any = std::any_of(rows.begin(), rows.end(), [&](const params::DictionaryRow& row) {
    return row.path.rfind(prefix, 0) == 0;
  });
  if (!any) {
    // Every key and every section ("health.", "town.districts[].") is a candidate.
    std::set<std::string> candidates;
    for (const params::DictionaryRow& row : rows) {
      candidates.insert(row.path);
      for (std::size_t dot = row.path.find('.'); dot != std::string::npos;
           dot = row.path.find('.', dot + 1))
        candidates.insert(row.path.substr(0, dot + 1));
    }
    const std::string nearest =
        params::nearest_key(prefix, std::vector<std::string>(candidates.begin(), candidates.end()));
    fmt::print(stderr, "error: no parameter starts with '{}'{}\n", prefix,
               nearest.empty() ? "; `salonsim describe` lists them all"
                               : "; did you mean '" + nearest + "'?");
    return kInvalidInput;
  }
  fmt::print("{}", params::format_dictionary(rows, markdown, prefix));
  return kOk;
}

}  // namespace

/// HDF5 closes itself at exit and crashes doing so after a write failed (a full disk leaves the
/// file it could not flush half-closed in its tables). So the library is closed here instead,
/// and only when no file is left open; otherwise the process just exits.
class Hdf5Shutdown {
 public:
  Hdf5Shutdown() { H5dont_atexit(); }
  ~Hdf5Shutdown() {
    if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0) H5close();
  }
  Hdf5Shutdown(const Hdf5Shutdown&) = delete;
  Hdf5Shutdown& operator=(const Hdf5Shutdown&) = delete;
};

int main(int argc, char** argv) {
  const Hdf5Shutdown hdf5_shutdown;
  // Under mpirun every rank runs this program; rank 0 speaks and writes (sim/distributed).
  std::optional<distributed::MpiSession> mpi;
  try {
    mpi.emplace(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kInvalidInput;
  }
  CLI::App app{
      "salonsim: agent-based simulation of community interventions for older people "
      "(kayoinoba salons and community groups, mobile shops, transport, social prescribing, "
      "coalition support), with a teaching demo in the browser"};
  app.set_version_flag("--version", std::string("salonsim ") + kVersion + " (" + kGitCommit + ")");
  app.require_subcommand(1);

  // A seed is a whole number from 0: "-1" must not wrap round to 2^64 - 1.
  const CLI::Validator seed_digits(
      [](std::string& text) -> std::string {
        if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return {};
        return "a seed is a whole number from 0 to 18446744073709551615, got '" + text + "'";
      },
      "SEED");
  RunOptions run;
  CLI::App* run_app = app.add_subcommand("run", "run a scenario and write the results to HDF5");
  run_app->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_app->add_option("-o,--output", run.output, "output HDF5 file")->required();
  run_app->add_option("--seed", run.seed, "seed (overrides run.seed)")->check(seed_digits);
  run_app->add_option("--threads", run.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  run_app->add_option("--replicates", run.replicates, "independent replicates (seed, r)")
      ->check(CLI::Range(1, 100000));
  run_app->add_option("--set", run.overrides, "override a parameter: key.path=value (repeatable)");
  run_app->add_flag("-q,--quiet", run.quiet, "no progress bar and no summary");
  run_app->add_flag("--timeseries-only", run.timeseries_only,
                    "write each run's timeseries and the summary, not its table of residents or "
                    "survey waves (for national runs)");

  std::string validate_file;
  std::vector<std::string> validate_overrides;
  CLI::App* validate_app = app.add_subcommand("validate", "check a scenario without running it");
  validate_app->add_option("scenario", validate_file, "scenario YAML file")->required();
  validate_app->add_option("--set", validate_overrides, "override a parameter: key.path=value");

  CompareOptions compare;
  CLI::App* compare_app = app.add_subcommand(
      "compare", "run scenarios side by side on common random numbers and compare their outcomes");
  compare_app->add_option("scenarios", compare.scenarios, "two or more scenario YAML files (arms)")
      ->required()
      ->expected(2, CLI::detail::expected_max_vector_size);
  compare_app
      ->add_option("-o,--output", compare.output, "output HDF5 file (a CSV is written beside it)")
      ->required();
  compare_app->add_option("--replicates", compare.replicates, "replicates per arm (paired seeds)")
      ->check(CLI::Range(2, 100000));
  compare_app->add_option("--reference", compare.reference,
                          "name of the reference arm (default: the first)");
  compare_app
      ->add_option("--seed", compare.seed, "seed of every arm (default: the reference's run.seed)")
      ->check(seed_digits);
  compare_app->add_option("--threads", compare.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  compare_app->add_option("--set", compare.overrides,
                          "override a parameter in every arm: key.path=value");
  compare_app->add_flag("-q,--quiet", compare.quiet, "no progress bar and no table");

  cli::SweepOptions sweep;
  CLI::App* sweep_app = app.add_subcommand(
      "sweep",
      "run a sensitivity sweep (grid, Latin hypercube, Morris or Sobol' design) into a resumable "
      "HDF5 file, then report sensitivity indices");
  sweep_app->add_option("sweep", sweep.sweep, "sweep YAML file")->required();
  sweep_app->add_option("-o,--output", sweep.output, "output HDF5 file")->required();
  sweep_app->add_option("--threads", sweep.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  sweep_app->add_flag("--dry-run", sweep.dry_run,
                      "check the sweep, print the design and the number of runs, run nothing");
  sweep_app->add_flag("--restart", sweep.restart,
                      "discard the runs of an unfinished sweep with this output and start again");
  sweep_app->add_flag("-q,--quiet", sweep.quiet, "no progress bar and no tables");

  cli::TrialOptions trial;
  CLI::App* trial_app = app.add_subcommand(
      "trial",
      "run the multi-municipality trial of coalition support (supported against data-only "
      "municipalities), emulating its analysis beside the true effect");
  trial_app->add_option("trial", trial.trial, "trial YAML file")->required();
  trial_app
      ->add_option("-o,--output", trial.output, "output HDF5 file (a CSV is written beside it)")
      ->required();
  trial_app->add_option("--replicates", trial.replicates, "replicates (overrides the trial file's)")
      ->check(CLI::Range(1, 10000));
  trial_app->add_option("--threads", trial.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  trial_app->add_flag("-q,--quiet", trial.quiet, "no progress bar and no table");

  cli::CalibrateOptions calibrate;
  CLI::App* calibrate_app = app.add_subcommand(
      "calibrate",
      "fit uncertain parameters to observed targets (ABC-SMC) into a resumable HDF5 file, with "
      "the posterior and its predictive fit");
  calibrate_app->add_option("calibration", calibrate.calibration, "calibration YAML file")
      ->required();
  calibrate_app->add_option("-o,--output", calibrate.output, "output HDF5 file")->required();
  calibrate_app->add_option("--threads", calibrate.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  calibrate_app->add_flag("--dry-run", calibrate.dry_run,
                          "check the calibration file, print what it would do, run nothing");
  calibrate_app->add_flag(
      "--restart", calibrate.restart,
      "discard the simulations of an unfinished calibration with this output and start again");
  calibrate_app->add_flag("-q,--quiet", calibrate.quiet, "no progress and no tables");

  cli::ServeOptions serve;
  CLI::App* serve_app = app.add_subcommand(
      "serve",
      "the teaching demo: a local web page that runs a town week by week, with and without an "
      "intervention, with sliders and live plots (Ctrl+C stops it)");
  serve_app->add_option("scenario", serve.scenario,
                        "scenario YAML file to show first (default: the lessons only)");
  serve_app->add_option("--set", serve.overrides,
                        "override a parameter of the scenario: key.path=value (repeatable)");
  serve_app->add_option("--port", serve.port, "port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535));
  serve_app->add_option("--host", serve.host,
                        "address to listen on (default 127.0.0.1: this machine only)");
  serve_app->add_option("--lessons", serve.lessons, "lessons file (default: web/lessons.yaml)");
  serve_app->add_option("--web-root", serve.web_root,
                        "folder of the page (default: web/ of the source tree)");
  serve_app
      ->add_option("--max-sessions", serve.max_sessions,
                   "pages served at once; the least recently used closes first")
      ->check(CLI::Range(1, 64));
  serve_app->add_option("--threads", serve.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));

  cli::ExportOptions export_options;
  CLI::App* export_app = app.add_subcommand(
      "export",
      "write the tables (agents, venues, districts, survey waves) and timeseries of a results "
      "file as CSV, one file per table with the rows of every arm and replicate");
  export_app
      ->add_option("file", export_options.input, "results file (.h5) of run, compare or trial")
      ->required();
  export_app->add_option("--csv", export_options.csv_dir, "directory for the CSV files (created)")
      ->required();

  bool markdown = false;
  std::string prefix;
  CLI::App* describe_app = app.add_subcommand("describe",
                                              "print the parameter dictionary (key, default, unit, "
                                              "meaning, source)");
  describe_app->add_flag("--markdown", markdown, "as a Markdown table");
  describe_app->add_option("prefix", prefix, "only keys starting with this, e.g. health.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kInvalidInput;
  }
  // Outputs are HDF5 files written under a temporary name and renamed: "-" cannot be one.
  for (const auto& [command, output] :
       {std::pair{run_app, &run.output}, std::pair{compare_app, &compare.output},
        std::pair{sweep_app, &sweep.output}, std::pair{trial_app, &trial.output},
        std::pair{calibrate_app, &calibrate.output}}) {
    if (*command && *output == "-") {
      fmt::print(stderr,
                 "error: -o -: salonsim writes its results to an HDF5 file, not to standard "
                 "output; give a file name (e.g. -o out/{}.h5)\n",
                 command->get_name());
      return kInvalidInput;
    }
  }
  // One output-path policy, before any work: an output never replaces an input (a scenario, the
  // files it extends, a sweep's or trial's base), a device, or a companion file it writes.
  {
    namespace fs = std::filesystem;
    const auto csv_beside = [](const std::string& output) {
      return std::vector<fs::path>{fs::path(output).replace_extension(".csv")};
    };
    const std::vector<
        std::tuple<CLI::App*, std::string, std::vector<std::string>, std::vector<fs::path>>>
        planned{{run_app, run.output, {run.scenario}, {}},
                {compare_app, compare.output, compare.scenarios, csv_beside(compare.output)},
                {sweep_app, sweep.output, {sweep.sweep}, {}},
                {trial_app, trial.output, {trial.trial}, csv_beside(trial.output)},
                {calibrate_app, calibrate.output, {calibrate.calibration}, {}}};
    for (const auto& [command, output, given, companions] : planned) {
      if (!*command) continue;
      std::vector<fs::path> inputs;
      for (const std::string& file : given)
        for (const fs::path& read : cli::input_files(file)) inputs.push_back(read);
      if (const std::string conflict = cli::output_conflict(output, companions, inputs);
          !conflict.empty()) {
        fmt::print(stderr, "error: -o {}\n", conflict);
        return kInvalidInput;
      }
    }
  }
  try {
    if (*run_app) return run_command(run, cli::command_line(argc, argv));
    if (*validate_app) return validate_command(validate_file, validate_overrides);
    if (*compare_app) return compare_command(compare, cli::command_line(argc, argv));
    if (*sweep_app) return cli::sweep_command(sweep, cli::command_line(argc, argv));
    if (*trial_app) return cli::trial_command(trial, cli::command_line(argc, argv));
    if (*calibrate_app) return cli::calibrate_command(calibrate, cli::command_line(argc, argv));
    if (*serve_app) return cli::serve_command(serve, argv[0]);
    if (*describe_app) return describe_command(markdown, prefix);
    if (*export_app) return cli::export_command(export_options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    // A rank failing on its own would leave the others waiting for it.
    mpi->abort(e.what(), kFailed);
    return kFailed;
  }
  return kInvalidInput;
}
