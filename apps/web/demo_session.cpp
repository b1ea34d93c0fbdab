#include "apps/web/demo_session.hpp"

#include <fmt/format.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>

#include "models/build.hpp"
#include "sim/params/validator.hpp"

namespace salonsim::web {

namespace {

using nlohmann::json;

std::vector<std::string> problems_of(const params::Diagnostics& diagnostics) {
  std::vector<std::string> problems;
  for (const params::Issue& issue : diagnostics.issues()) {
    problems.push_back(issue.path.empty() ? issue.message : issue.path + ": " + issue.message);
  }
  return problems;
}

/// "salons and shuttle", for the arms' labels.
std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (k > 0) text += k + 1 == words.size() ? " and " : ", ";
    text += words[k];
  }
  return text;
}

/// The demo runs one town of bounded size: the problems if this scenario is not one.
std::vector<std::string> demo_limits(const models::Scenario& scenario) {
  std::vector<std::string> problems;
  if (!scenario.region.empty())
    problems.push_back("region: the teaching demo shows one town; this scenario is a region");
  if (static_cast<double>(scenario.town.population) > kMaxDemoPopulation) {
    problems.push_back(fmt::format(
        "town.population: the teaching demo runs towns of at most {} residents, got {} (set "
        "town.population lower)",
        kMaxDemoPopulation, scenario.town.population));
  }
  return problems;
}

}  // namespace

LessonFiles read_lesson(const Lesson& lesson) {
  auto files = std::make_shared<const models::ScenarioFiles>(lesson.scenario);
  const models::Scenario scenario = files->with(lesson.set);  // throws ScenarioError
  if (std::vector<std::string> problems = demo_limits(scenario); !problems.empty()) {
    throw RequestError(400, "lesson '" + lesson.id + "' cannot run in the demo",
                       std::move(problems));
  }
  return {lesson, std::move(files)};
}

DemoSession::DemoSession(std::string id, LessonFiles lesson)
    : id_(std::move(id)), lesson_(std::move(lesson)) {
  models::Scenario full;
  try {
    full = lesson_.files->with(lesson_.lesson.set);
  } catch (const params::ScenarioError& e) {
    throw RequestError(400, "the lesson's scenario has problems", problems_of(e.diagnostics()));
  }
  // The levers start at the scenario's own values, so the scenario is already what they give
  // (and read_lesson, which made `lesson`, checked it against the demo's limits).
  levers_ = levers_for(full);
  build(arms_of(full, levers_));
  touch();
}

models::Scenario DemoSession::scenario_of(const std::vector<Lever>& levers) const {
  std::vector<std::string> overrides = lesson_.lesson.set;
  for (std::string& o : overrides_of(levers)) overrides.push_back(std::move(o));
  models::Scenario full;
  try {
    full = lesson_.files->with(overrides);
  } catch (const params::ScenarioError& e) {
    throw RequestError(400, "the settings do not make a valid scenario",
                       problems_of(e.diagnostics()));
  }
  if (std::vector<std::string> problems = demo_limits(full); !problems.empty())
    throw RequestError(400, "the settings make a town the demo cannot run", std::move(problems));
  return full;
}

std::array<models::Scenario, 2> DemoSession::arms_of(const models::Scenario& full,
                                                     const std::vector<Lever>& levers) {
  models::Scenario with = full;
  with.interventions.clear();
  for (std::size_t k = 0; k < full.interventions.size(); ++k) {
    if (switched_on(levers, k)) with.interventions.push_back(full.interventions[k]);
  }
  // What is left must still be a valid scenario (an intervention may rely on another).
  params::Diagnostics diagnostics;
  params::Validator(diagnostics, {}).check(with);
  if (!diagnostics.ok()) {
    throw RequestError(400, "the interventions switched on do not work without the others",
                       problems_of(diagnostics));
  }
  models::Scenario without = full;
  without.interventions.clear();
  return {std::move(without), std::move(with)};
}

void DemoSession::build(std::array<models::Scenario, 2> scenarios) {
  std::vector<std::string> names;
  for (const models::InterventionSpec& spec : scenarios[1].interventions) {
    const std::string name = readable_name(models::Interventions::name_of(spec));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  const std::string what = names.empty() ? "interventions" : joined(names);
  std::array<Arm, 2> arms;
  arms[0].name = "without";
  arms[0].label = "Without " + what;
  arms[1].name = "with";
  arms[1].label = names.empty() ? "With nothing switched on" : "With " + what;
  // The same seed and replicate: common random numbers, so the difference is the effect.
  const auto build_arm = [&](std::size_t k) {
    Arm& arm = arms[k];
    arm.scenario = std::move(scenarios[k]);
    arm.simulation = models::build_simulation(arm.scenario, {arm.scenario.run.seed, 0});
    arm.simulation->init();
    arm.view = std::make_unique<ArmView>(*arm.simulation, arm.scenario);
  };
  tbb::parallel_invoke([&] { build_arm(0); }, [&] { build_arm(1); });
  map_ = map_json(*arms[0].simulation, arms[0].scenario);
  arms_ = std::move(arms);
}

json DemoSession::frame() {
  const Simulation& first = *arms_[0].simulation;
  const std::int64_t week = first.current_step();
  json arms = json::array();
  for (Arm& arm : arms_) arms.push_back(arm.view->frame());
  return {
      {"week", week},
      {"date", date_after(arms_[0].scenario.run.start_date, week * first.clock().days_per_step)},
      {"done", week >= first.clock().steps},
      {"arms", std::move(arms)}};
}

json DemoSession::state_locked() {
  json current = frame();
  json levers = json::array();
  for (const Lever& lever : levers_) levers.push_back(to_json(lever));
  json arms = json::array();
  for (const Arm& arm : arms_) {
    arms.push_back({{"name", arm.name}, {"label", arm.label}, {"layers", arm.view->layers()}});
  }
  const Simulation& first = *arms_[0].simulation;
  return {
      {"session", id_},
      {"lesson",
       {{"id", lesson_.lesson.id}, {"title", lesson_.lesson.title}, {"text", lesson_.lesson.text}}},
      {"levers", std::move(levers)},
      {"week", current["week"]},
      {"weeks", first.clock().steps},
      {"days_per_step", first.clock().days_per_step},
      {"start_date", arms_[0].scenario.run.start_date},
      {"date", current["date"]},
      {"population", first.population().size()},
      {"arms", std::move(arms)},
      {"groups", {"high-income men", "high-income women", "low-income men", "low-income women"}},
      {"states", resident_state_names()},
      {"map", map_},
      {"frame", std::move(current)}};
}

json DemoSession::state() {
  std::lock_guard lock(mutex_);
  touch();
  return state_locked();
}

json DemoSession::step(int weeks) {
  std::lock_guard lock(mutex_);
  touch();
  const auto advance = [weeks](Arm& arm) {
    Simulation& sim = *arm.simulation;
    for (int k = 0; k < weeks && sim.current_step() < sim.clock().steps; ++k) sim.step();
  };
  tbb::parallel_invoke([&] { advance(arms_[0]); }, [&] { advance(arms_[1]); });
  return frame();
}

json DemoSession::reset() {
  std::lock_guard lock(mutex_);
  touch();
  build({arms_[0].scenario, arms_[1].scenario});
  return state_locked();
}

json DemoSession::apply(const json& values) {
  std::lock_guard lock(mutex_);
  touch();
  std::vector<Lever> levers = levers_;
  if (std::vector<std::string> problems = apply_values(levers, values); !problems.empty())
    throw RequestError(400, "some values cannot be used", std::move(problems));
  build(arms_of(scenario_of(levers), levers));  // throws before anything changes
  levers_ = std::move(levers);
  return state_locked();
}

json DemoSession::story(int arm, std::int64_t resident) {
  std::lock_guard lock(mutex_);
  touch();
  if (arm < 0 || arm > 1) throw RequestError(400, "arm must be 0 (without) or 1 (with)");
  const Population& p = arms_[static_cast<std::size_t>(arm)].simulation->population();
  if (resident < 0 || static_cast<std::size_t>(resident) >= p.size()) {
    throw RequestError(
        404, fmt::format("no resident {}: residents are numbered 0 to {}", resident, p.size() - 1));
  }
  json story = arms_[static_cast<std::size_t>(arm)].view->story(static_cast<ResidentId>(resident));
  story["arm"] = arm;
  return story;
}

std::size_t DemoSession::bytes() {
  std::lock_guard lock(mutex_);
  return arms_[0].simulation->bytes() + arms_[1].simulation->bytes();
}

}  // namespace salonsim::web
