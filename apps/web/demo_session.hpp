#pragma once
// One page's demo: a lesson's town run twice on common random numbers (the same seed, so the
// same residents and the same draws), without and with its interventions, stepped a few weeks
// at a time as the page asks. The levers' values rebuild both arms at week 0.
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "apps/web/lessons.hpp"
#include "apps/web/levers.hpp"
#include "apps/web/town_view.hpp"
#include "models/scenario.hpp"
#include "sim/simulation.hpp"

namespace salonsim::web {

/// A request the demo refuses: its status (400, 404) and every problem found.
class RequestError : public std::runtime_error {
 public:
  RequestError(int status, std::string message, std::vector<std::string> problems = {})
      : std::runtime_error(std::move(message)), status_(status), problems_(std::move(problems)) {}
  int status() const { return status_; }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  int status_;
  std::vector<std::string> problems_;
};

/// A lesson's scenario files, read once and shared by every session of the lesson.
struct LessonFiles {
  Lesson lesson;
  std::shared_ptr<const models::ScenarioFiles> files;
};

/// Reads a lesson's scenario files and checks that the lesson's town runs in the demo; throws
/// params::ScenarioError or RequestError (400) with what is wrong.
LessonFiles read_lesson(const Lesson& lesson);

class DemoSession {
 public:
  /// Builds both arms at week 0; throws RequestError if the lesson's scenario does not validate
  /// or its town is too large for the demo.
  DemoSession(std::string id, LessonFiles lesson);

  const std::string& id() const { return id_; }
  /// Everything the page draws: lesson, levers, map, arms' places and the current frame.
  nlohmann::json state();
  /// Advances both arms `weeks` steps (fewer at the end of the run); the frame after.
  nlohmann::json step(int weeks);
  /// Back to week 0 with the same levers.
  nlohmann::json reset();
  /// Applies the levers' new values and rebuilds both arms at week 0; throws RequestError (400)
  /// with every problem, leaving the session as it was.
  nlohmann::json apply(const nlohmann::json& values);
  /// One resident's story in arm `arm`.
  nlohmann::json story(int arm, std::int64_t resident);
  /// Bytes the two simulations hold.
  std::size_t bytes();
  std::chrono::steady_clock::time_point last_used() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_used_.load()));
  }

 private:
  struct Arm {
    std::string name;
    std::string label;
    models::Scenario scenario;
    std::unique_ptr<Simulation> simulation;
    std::unique_ptr<ArmView> view;  // after simulation: destroyed first
  };
  /// The lesson's scenario with the levers' values; throws RequestError (400).
  models::Scenario scenario_of(const std::vector<Lever>& levers) const;
  /// The two arms of a scenario: without any intervention, and with those switched on; throws
  /// RequestError (400) if those do not work without the others.
  static std::array<models::Scenario, 2> arms_of(const models::Scenario& full,
                                                 const std::vector<Lever>& levers);
  void build(std::array<models::Scenario, 2> scenarios);
  nlohmann::json frame();
  nlohmann::json state_locked();
  void touch() { last_used_ = std::chrono::steady_clock::now().time_since_epoch().count(); }

  std::mutex mutex_;
  std::string id_;
  LessonFiles lesson_;
  std::vector<Lever> levers_;
  std::array<Arm, 2> arms_;
  nlohmann::json map_;
  std::atomic<std::chrono::steady_clock::rep> last_used_{0};  // read without the lock
};

}  // namespace salonsim::web
