#include "sim/simulation.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace salonsim {

Simulation::Simulation(RunIdentity identity, Clock clock, Population population, Network network)
    : identity_(identity),
      clock_(clock),
      population_(std::move(population)),
      network_(std::move(network)) {
  if (clock_.steps > kMaxSteps)
    throw std::invalid_argument(fmt::format(
        "a run lasts at most {} steps (mechanisms keep steps in two bytes), this clock has {}",
        kMaxSteps, clock_.steps));
}

void Simulation::add_module(std::unique_ptr<Module> module) {
  modules_.push_back(std::move(module));
}

void Simulation::init() {
  if (initialised_) return;
  // Passes over the living stop at the rows entered (Population::entered_by).
  if (!std::is_sorted(population_.entry_step.begin(), population_.entry_step.end()))
    throw std::invalid_argument("the population's rows are not in order of entry");
  initialised_ = true;
  std::size_t part = 0;
  for_each_module([this, &part](Module& module) {
    timed(init_times_, part++, module.name(), [&] { module.init(*this); });
  });
  for_each_module([this, &part](Module& module) {
    timed(init_times_, part++, fmt::format("{} (start)", module.name()),
          [&] { module.start(*this); });
  });
  timeseries_.reserve(static_cast<std::size_t>(clock_.steps));
  timed(init_times_, part++, "surveys", [&] { take_due_survey(0); });
}

void Simulation::add_survey_steps(const std::vector<std::int64_t>& steps, bool output,
                                  const std::vector<std::string>& columns) {
  if (initialised_) throw std::logic_error("survey steps must be set before the run starts");
  for (const std::int64_t step : steps) {
    if (step < 0) throw std::invalid_argument("a survey step must be >= 0");
    auto at = std::lower_bound(
        survey_steps_.begin(), survey_steps_.end(), step,
        [](const SurveyStep& survey, std::int64_t value) { return survey.step < value; });
    if (at == survey_steps_.end() || at->step != step)
      at = survey_steps_.insert(at, {step, false, false, false, {}});
    (output ? at->output : at->analysed) = true;
    if (output) continue;
    at->every_column = at->every_column || columns.empty();
    at->columns.insert(at->columns.end(), columns.begin(), columns.end());
  }
}

void Simulation::set_survey_sink(std::shared_ptr<SurveySink> sink) {
  if (initialised_) throw std::logic_error("a survey sink must be set before the run starts");
  survey_sink_ = std::move(sink);
}

void Simulation::take_due_survey(std::int64_t steps_done) {
  if (next_survey_ >= survey_steps_.size() || survey_steps_[next_survey_].step != steps_done)
    return;
  const SurveyStep& due = survey_steps_[next_survey_++];
  const bool sunk = survey_sink_ && due.output;
  if (sunk) survey_sink_->record(population_, steps_done, clock_.years_per_step());
  if (sunk && !due.analysed) return;
  // Held to be written at the end: every column; held only for analyses: what they read.
  const bool written = due.output && !sunk;
  const bool whole = written || due.every_column;
  survey_waves_.push_back(take_survey(population_, steps_done, clock_.years_per_step(),
                                      whole ? std::span<const std::string>{} : due.columns));
  survey_waves_.back().output = written;
}

template <class F>
void Simulation::timed(std::vector<PartTime>& times, std::size_t index, std::string_view name,
                       F&& f) {
  if (!time_parts_) {
    f();
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  f();
  const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
  if (times.size() <= index) times.resize(index + 1);
  if (times[index].part.empty()) times[index].part = name;
  times[index].seconds += spent.count();
}

void Simulation::step() {
  const std::int64_t step = next_step_;
  if (step >= kMaxSteps)
    throw std::logic_error(
        fmt::format("step {} is beyond the longest run, {} steps", step, kMaxSteps));
  std::size_t part = 0;
  for_each_module([this, step, &part](Module& module) {
    timed(part_times_, part++, module.name(), [&] { module.step(*this, step); });
  });
  timed(part_times_, part++, "deaths", [&] { apply_deaths(step); });
  timed(part_times_, part++, "timeseries", [&] { timeseries_.record(population_, step); });
  ++next_step_;
  timed(part_times_, part++, "surveys", [&] { take_due_survey(next_step_); });
  if (observer_) observer_(*this, step);
}

void Simulation::apply_deaths(std::int64_t step) {
  // The rows asked to die are found in parallel, chunk by chunk (a full scan of the rows each
  // step, which held every other thread up while one did it); the deaths are then applied
  // serially in id order, as removing a resident's ties edits other residents' rows.
  constexpr std::size_t kChunk = std::size_t{1} << 14;
  const std::size_t n = population_.entered_by(step);  // only the living can die
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  if (dying_.size() < chunks) dying_.resize(chunks);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t chunk) {
    std::vector<ResidentId>& dying = dying_[chunk];
    dying.clear();
    const std::size_t last = std::min(n, (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < last; ++i) {
      if (!population_.death_requested[i]) continue;
      population_.death_requested[i] = 0;
      if (population_.alive[i]) dying.push_back(static_cast<ResidentId>(i));
    }
  });
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    for (const ResidentId i : dying_[chunk]) {
      population_.alive[i] = 0;
      population_.death_step[i] = stored_step(step);
      network_.remove_ties_of(i);
    }
  }
}

void Simulation::finalize() {
  if (finalised_) return;
  finalised_ = true;
  for_each_module([this](Module& module) { module.finalize(*this); });
  const double years = static_cast<double>(next_step_) * clock_.years_per_step();
  for (const ModuleCost& cost : module_costs())
    cost_per_year_yen_.push_back(years > 0 ? cost.yen / years : 0.0);
}

void Simulation::run(const std::function<void(std::int64_t, std::int64_t)>& on_step) {
  init();
  while (next_step_ < clock_.steps) {
    step();
    if (on_step) on_step(next_step_, clock_.steps);
  }
  finalize();
}

}  // namespace salonsim
