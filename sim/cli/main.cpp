// salonsim: the command-line front end. Thin: parse, load, run, write.
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>

#include "models/build.hpp"
#include "models/scenario.hpp"
#include "sim/cli/progress.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/output/summary.hpp"
#include "sim/params/describer.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/version.hpp"

namespace {

using namespace salonsim;

// Exit codes.
constexpr int kOk = 0;
constexpr int kFailed = 1;        // the run or its output failed
constexpr int kInvalidInput = 2;  // bad flags or scenario; nothing was run

struct RunOptions {
  std::string scenario;
  std::string output;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  int replicates = 1;
  std::vector<std::string> overrides;
  bool quiet = false;
};

// The temporary output file, removed if the run is interrupted (Ctrl-C, kill): the final name
// never holds a partial file, and no hidden partial file is left behind either.
char interrupted_output[4096] = {0};

extern "C" void remove_partial_output(int signal_number) {
  if (interrupted_output[0] != '\0') ::unlink(interrupted_output);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void remove_partial_output_on_interrupt(const std::filesystem::path& temporary) {
  const std::string text = temporary.string();
  if (text.size() >= sizeof(interrupted_output)) return;
  std::memcpy(interrupted_output, text.c_str(), text.size() + 1);
  std::signal(SIGINT, remove_partial_output);
  std::signal(SIGTERM, remove_partial_output);
  std::signal(SIGHUP, remove_partial_output);
}

int report_scenario_error(const params::ScenarioError& e) {
  const auto& issues = e.diagnostics().issues();
  fmt::print(stderr, "error: the scenario has {} problem{}:\n", issues.size(),
             issues.size() == 1 ? "" : "s");
  for (const auto& issue : issues) fmt::print(stderr, "  {}\n", params::format_issue(issue));
  return kInvalidInput;
}

std::string command_line(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += (i ? " " : "") + std::string(argv[i]);
  return text;
}

int run_command(const RunOptions& options, const std::string& invocation) {
  models::Scenario scenario;
  try {
    scenario = models::load_scenario(options.scenario, options.overrides);
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e);
  }
  if (options.seed) scenario.run.seed = *options.seed;
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(threads));

  std::optional<OutputFile> output;
  try {
    output.emplace(options.output);  // fails now, before any run, if the path is unwritable
    remove_partial_output_on_interrupt(output->temporary_path());
  } catch (const OutputError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kFailed;
  }

  const auto replicates = static_cast<std::size_t>(options.replicates);
  const std::int64_t steps = scenario.steps();
  cli::Progress progress(steps * static_cast<std::int64_t>(replicates),
                         !options.quiet && cli::stderr_is_terminal());
  std::vector<std::unique_ptr<Simulation>> runs(replicates);
  tbb::parallel_for(std::size_t{0}, replicates, [&](std::size_t r) {
    runs[r] =
        models::build_simulation(scenario, {scenario.run.seed, static_cast<std::uint32_t>(r)});
    runs[r]->run([&progress](std::int64_t, std::int64_t) { progress.advance(); });
  });
  progress.finish();

  try {
    RunMetadata meta;
    meta.scenario_yaml = models::to_yaml(scenario);
    meta.scenario_file = options.scenario;
    meta.command_line = invocation;
    meta.seed = scenario.run.seed;
    meta.threads = threads;
    meta.days_per_step = scenario.run.days_per_step;
    meta.start_date = scenario.run.start_date;
    meta.replicates = options.replicates;
    output->write_meta(meta);
    for (std::size_t r = 0; r < replicates; ++r) {
      const std::string group =
          replicates == 1 ? "/" : replicate_group(static_cast<std::uint32_t>(r));
      output->write_run(group, output_tables(*runs[r]), runs[r]->timeseries(),
                        scenario.run.days_per_step);
    }
    output->commit();
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: writing '{}' failed: {}\n", options.output, e.what());
    return kFailed;
  }

  std::vector<RunSummary> summaries;
  for (const auto& run : runs) summaries.push_back(summarize(*run));
  if (!options.quiet) {
    fmt::print("{}: {} residents at the start, {} steps of {} days, seed {}\n", scenario.name,
               scenario.town.population, steps, scenario.run.days_per_step, scenario.run.seed);
    fmt::print("{}", format_summary(summaries, scenario.run.years));
    fmt::print("wrote {}\n", options.output);
  }
  return kOk;
}

int validate_command(const std::string& file, const std::vector<std::string>& overrides) {
  try {
    const models::Scenario scenario = models::load_scenario(file, overrides);
    fmt::print("{}: ok ({} residents, {} years, {} steps of {} days, {} interventions)\n", file,
               scenario.town.population, scenario.run.years, scenario.steps(),
               scenario.run.days_per_step, scenario.interventions.size());
    return kOk;
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e);
  }
}

int describe_command(bool markdown, const std::string& prefix) {
  fmt::print("{}", params::format_dictionary(models::parameter_dictionary(), markdown, prefix));
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "salonsim: agent-based simulation of community interventions for older people "
      "(kayoinoba salons, mobile shops, transport, social prescribing)"};
  app.set_version_flag("--version", std::string("salonsim ") + kVersion + " (" + kGitCommit + ")");
  app.require_subcommand(1);

  RunOptions run;
  CLI::App* run_app = app.add_subcommand("run", "run a scenario and write the results to HDF5");
  run_app->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_app->add_option("-o,--output", run.output, "output HDF5 file")->required();
  run_app->add_option("--seed", run.seed, "seed (overrides run.seed)");
  run_app->add_option("--threads", run.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  run_app->add_option("--replicates", run.replicates, "independent replicates (seed, r)")
      ->check(CLI::Range(1, 100000));
  run_app->add_option("--set", run.overrides, "override a parameter: key.path=value (repeatable)");
  run_app->add_flag("-q,--quiet", run.quiet, "no progress bar and no summary");

  std::string validate_file;
  std::vector<std::string> validate_overrides;
  CLI::App* validate_app = app.add_subcommand("validate", "check a scenario without running it");
  validate_app->add_option("scenario", validate_file, "scenario YAML file")->required();
  validate_app->add_option("--set", validate_overrides, "override a parameter: key.path=value");

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
  try {
    if (*run_app) return run_command(run, command_line(argc, argv));
    if (*validate_app) return validate_command(validate_file, validate_overrides);
    if (*describe_app) return describe_command(markdown, prefix);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kFailed;
  }
  return kInvalidInput;
}
