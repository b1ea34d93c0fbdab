#include "sim/sweep/sweep_store.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/output/hdf5_writer.hpp"

#include <algorithm>
#include <cmath>

namespace salonsim::sweep {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "salonsim-sweep-1";

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : "\n") + item;
  return text;
}

/// A number for JSON: null when unset (NaN) or not finite.
nlohmann::ordered_json json_number(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

/// The varied parameters as JSON (read by analysis/sweep_report.py with the standard library).
std::string parameters_json(const SweepFile& file) {
  auto list = nlohmann::ordered_json::array();
  for (const SweepParameter& p : file.parameters) {
    list.push_back({
        {"name", p.label()},
        {"key", p.key},
        {"values", p.values},
        {"distribution",
         p.is_discrete()
             ? std::string("values")
             : std::string(kDistributionChoices[static_cast<int>(p.distribution)].name)},
        {"min", json_number(p.min)},
        {"max", json_number(p.max)},
        {"mean", json_number(p.mean)},
        {"sd", json_number(p.sd)},
        {"integer", p.integer},
    });
  }
  // Invalid UTF-8 in a label or value is replaced (U+FFFD) rather than throwing.
  return list.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

/// The sweep's fixed parts: its inputs in /meta, the design, and what each run is.
void describe(ResumableFileBuilder& file, const SweepPlan& plan, const SweepMetadata& meta) {
  file.text("/meta", "sweep_yaml", meta.sweep_yaml);
  file.text("/meta", "sweep_file", meta.sweep_file);
  file.text("/meta", "base_scenario_yaml", meta.base_scenario_yaml);
  file.text("/meta", "command_line", meta.command_line);
  file.text("/meta", "name", plan.file.name);
  file.text("/meta", "description", plan.file.description);
  file.text("/meta", "design",
            std::string(kDesignChoices[static_cast<int>(plan.file.design.type)].name));
  file.text("/meta", "seeds",
            std::string(kSeedPolicyChoices[static_cast<int>(plan.file.seeds)].name));
  file.scalar<std::uint64_t>("/meta", "seed", plan.seed);
  file.scalar<std::int32_t>("/meta", "replicates", plan.file.replicates);
  file.scalar<std::uint64_t>("/meta", "points", plan.points());
  file.scalar<std::uint64_t>("/meta", "runs", plan.runs());
  file.scalar<std::uint64_t>("/meta", "design_seed", plan.file.design.seed);
  file.scalar<std::int32_t>("/meta", "bootstrap", plan.file.design.bootstrap);
  if (plan.file.design.type == DesignType::kMorris) {
    file.scalar<std::int32_t>("/meta", "morris_levels", plan.file.design.levels);
    file.scalar<std::int32_t>("/meta", "morris_trajectories", plan.file.design.trajectories);
  }
  if (plan.file.design.type == DesignType::kSobol)
    file.scalar<std::int32_t>("/meta", "sobol_base_samples", plan.file.design.samples);

  const std::uint64_t points = plan.points(), k = plan.parameters(), runs = plan.runs();
  std::vector<std::string> labels, keys;
  for (const SweepParameter& p : plan.file.parameters) {
    labels.push_back(p.label());
    keys.push_back(p.key);
  }
  file.text("/design", "description",
            "the design: one row per point, one column per varied parameter");
  file.text("/design", "parameters", joined(labels));
  file.text("/design", "keys", joined(keys));
  file.text("/design", "parameters_json", parameters_json(plan.file));
  file.array<double>("/design/unit", {points, k}, plan.design.values,
                     "design coordinates on the unit hypercube [0, 1]");
  file.array<double>("/design/values", {points, k}, plan.values,
                     "parameter values (a list parameter: the index of its value)");

  std::vector<std::int64_t> point(runs);
  std::vector<std::int32_t> replicate(runs);
  std::vector<std::uint32_t> streams(runs);
  std::vector<double> parameters(runs * k);
  for (std::size_t r = 0; r < runs; ++r) {
    const RunSpec spec = plan.run(r);
    point[r] = static_cast<std::int64_t>(spec.point);
    replicate[r] = static_cast<std::int32_t>(spec.replicate);
    streams[r] = spec.stream_replicate;
    for (std::size_t j = 0; j < k; ++j) parameters[r * k + j] = plan.value(spec.point, j);
  }
  file.text("/runs", "description",
            "one row per run (point x replicate); rows with done = 0 have not run yet");
  file.text("/runs", "columns", joined(plan.columns));
  file.text("/runs", "parameters", joined(labels));
  file.array<std::int64_t>("/runs/point", {runs}, point, "row of /design/values");
  file.array<std::int32_t>("/runs/replicate", {runs}, replicate, "replicate at this point");
  file.array<std::uint32_t>("/runs/stream_replicate", {runs}, streams,
                            "replicate index of the random streams (seeds: common: the replicate; "
                            "independent: the run)");
  file.array<double>("/runs/parameters", {runs, k}, parameters,
                     "parameter values of the run (as /design/values)");
}

}  // namespace

std::string sweep_fingerprint(const std::string& sweep_yaml,
                              const std::string& base_scenario_yaml) {
  return resumable_fingerprint({sweep_yaml, base_scenario_yaml});
}

SweepStore::SweepStore(fs::path final_path, const SweepPlan& plan, const SweepMetadata& meta,
                       bool restart)
    : rows_(std::move(final_path),
            {.format = kFormat,
             .what = "sweep",
             .fingerprint = meta.fingerprint,
             .rows = plan.runs(),
             .columns = plan.columns.size(),
             .columns_description = "outputs of the run, columns named in the 'columns' attribute"},
            restart, [&](ResumableFileBuilder& file) { describe(file, plan, meta); }) {}

SweepStore::~SweepStore() = default;

bool SweepStore::resumed() const {
  return rows_.resumed();
}
std::size_t SweepStore::damaged_count() const {
  return rows_.damaged_count();
}
const std::vector<std::uint8_t>& SweepStore::done() const {
  return rows_.done();
}
std::size_t SweepStore::done_count() const {
  return rows_.done_count();
}
const fs::path& SweepStore::partial_path() const {
  return rows_.partial_path();
}
fs::path SweepStore::finishing_path() const {
  return rows_.finishing_path();
}
void SweepStore::write_run(std::size_t run, const std::vector<double>& outputs) {
  rows_.write_row(run, outputs);
}
std::vector<double> SweepStore::outputs() const {
  return rows_.outputs();
}
void SweepStore::finish(const std::vector<ResultArray>& arrays,
                        const std::vector<TextAttribute>& texts) {
  if (done_count() != done().size())
    throw OutputError("sweep output: cannot finish: not every run is done");
  rows_.finish(arrays, texts);
}

std::string finished_fingerprint(const fs::path& path) {
  return salonsim::finished_fingerprint(path, kFormat);
}

}  // namespace salonsim::sweep
