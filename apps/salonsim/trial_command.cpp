#include "apps/salonsim/trial_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "apps/salonsim/cli_support.hpp"
#include "apps/salonsim/progress.hpp"
#include "models/build.hpp"
#include "models/coalition/trial.hpp"
#include "sim/ensemble.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/output/run_writes.hpp"
#include "sim/output/serialization.hpp"

namespace salonsim::cli {

namespace {

/// A trial run's result: its record for the analysis, and (factual runs) what it writes.
struct TrialRunResult {
  models::TrialRunRecord record;
  RunWrites writes;
  template <class Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& record& writes;
  }
};

}  // namespace

int trial_command(const TrialOptions& options, const std::string& invocation) {
  const auto started = std::chrono::steady_clock::now();
  models::TrialPlan plan;
  try {
    plan = models::plan_trial(options.trial, options.replicates);
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e, "the trial");
  }
  const ThreadLimit threads(options.threads);
  {
    MemoryNeed need;
    for (const models::Scenario& scenario : plan.scenarios)
      need.per_run = std::max(need.per_run, models::run_memory_bytes(scenario));
    need.at_once =
        std::min<std::uint64_t>(static_cast<std::uint64_t>(int{threads}), plan.runs.size());
    if (!fits_in_memory(need)) return kInvalidInput;
  }
  EnsembleBackend& backend = process_backend();
  const bool speaks = backend.collects();
  std::optional<OutputFile> output;
  bool opened = true;
  if (speaks) {
    try {
      output.emplace(options.output);
      remove_on_interrupt(output->temporary_path());
    } catch (const OutputError& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      opened = false;
    }
  }
  if (!backend.agree(opened)) return kFailed;

  std::int64_t total_steps = 0;
  for (const EnsembleRun& run : plan.runs) total_steps += plan.scenarios[run.scenario].steps();
  Progress progress(total_steps, speaks && !options.quiet && stderr_is_terminal());
  const auto replicates = static_cast<std::size_t>(plan.file.replicates);
  std::vector<std::vector<models::TrialRunRecord>> records(
      plan.scenarios.size(), std::vector<models::TrialRunRecord>(replicates));
  // Each finished run leaves its small record; the factual runs write their coalition's log and
  // timeseries (and replicate 0 its baseline diagnosis sheet); then the run is freed.
  const std::vector<EnsembleFailure> failures = run_ensemble<TrialRunResult>(
      plan.runs,
      {.build =
           [&](const EnsembleRun& run) {
             return models::build_simulation(plan.scenarios[run.scenario], run.identity);
           },
       .observer = [&progress](const Simulation&, std::int64_t) { progress.advance(); },
       .extract =
           [&](const EnsembleRun& run, Simulation& sim) {
             const std::size_t s = run.scenario, r = run.identity.replicate;
             TrialRunResult result{models::extract_trial_run(plan, sim), {}};
             if (plan.counterfactual[s]) return result;
             const std::string& name = plan.municipalities[plan.municipality_of[s]].name;
             result.writes = RunWrites([&sim, name, r](OutputFile& file) {
               const std::string group = "/municipalities/" + name;
               std::vector<OutputTable> tables;
               sim.add_output_tables(tables);
               std::vector<OutputTable> log, diagnosis;
               for (OutputTable& table : tables) {
                 if (table.name == "coalition_actions") log.push_back(std::move(table));
                 if (table.name == "diagnosis") diagnosis.push_back(std::move(table));
               }
               for (OutputTable& table : diagnosis)
                 table.attributes.emplace_back("municipality", name);
               file.write_run(group + "/replicate_" + std::to_string(r), log, sim.timeseries(),
                              sim.clock());
               if (r == 0) file.write_tables(group, diagnosis);
             });
             return result;
           },
       .collect =
           [&](std::size_t, const EnsembleRun& run, TrialRunResult& result) {
             records[run.scenario][run.identity.replicate] = std::move(result.record);
             result.writes.write_into(*output);
           }},
      backend);
  progress.finish();
  if (!speaks) return kOk;
  if (!failures.empty()) {
    fmt::print(stderr, "error: a trial run failed: {}\n", failures.front().message);
    return kFailed;
  }
  models::TrialResults results;
  try {
    results = models::analyse_trial(plan, records);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: the trial analysis failed: {}\n", e.what());
    return kFailed;
  }
  const double runtime_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string table = models::format_trial(plan, results);
  const std::string csv = models::trial_csv(results);
  const std::filesystem::path csv_path =
      std::filesystem::path(options.output).replace_extension(".csv");
  try {
    RunMetadata meta;
    meta.scenario_yaml = models::to_yaml(plan.scenarios.front());
    meta.scenario_file = options.trial;
    meta.command_line = invocation;
    meta.seed = plan.seed;
    meta.threads = threads;
    meta.days_per_step = plan.scenarios.front().run.days_per_step;
    meta.start_date = plan.scenarios.front().run.start_date;
    meta.replicates = plan.file.replicates;
    output->write_meta(meta);
    for (std::size_t i = 0; i < plan.municipalities.size(); ++i) {
      const std::string group = "/municipalities/" + plan.municipalities[i].name;
      output->write_text(group, "arm", plan.supported[i] ? "supported" : "data_only");
      output->write_text(group, "scenario_yaml", models::to_yaml(plan.scenarios[i]));
    }
    output->write_text("/trial", "description",
                       "the emulated coalition trial: results_json (every estimate, for the "
                       "report), table (as printed), csv (the estimates), runtime_s (seconds)");
    output->write_text("/trial", "results_json", models::trial_json(plan, results, records));
    output->write_text("/trial", "runtime_s", fmt::format("{:.1f}", runtime_s));
    output->write_text("/trial", "table", table);
    output->write_text("/trial", "csv", csv);
    output->commit();
    write_text_file(csv_path, csv);  // the CSV beside it, also written whole
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: writing '{}' failed: {}\n", options.output, e.what());
    return kFailed;
  }
  if (!options.quiet) {
    fmt::print("{}", table);
    fmt::print("ran in {:.0f} s; wrote {} and {}\n", runtime_s, options.output, csv_path.string());
  }
  return kOk;
}

}  // namespace salonsim::cli
