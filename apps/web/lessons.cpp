#include "apps/web/lessons.hpp"

#include "sim/params/settings_file.hpp"

namespace salonsim::web {

namespace fs = std::filesystem;

std::vector<Lesson> load_lessons(const fs::path& file) {
  Lessons lessons;
  params::Locations locations;
  std::string text;
  params::load_settings_file(file, "lessons file", lessons, locations, text);
  for (Lesson& lesson : lessons.lessons) {
    lesson.scenario = (file.parent_path() / lesson.scenario).lexically_normal().string();
  }
  return std::move(lessons.lessons);
}

Lesson lesson_for_scenario(const fs::path& scenario, const std::vector<std::string>& overrides) {
  Lesson lesson;
  lesson.id = "scenario";
  lesson.title = scenario.filename().string();
  lesson.summary = "the scenario given to salonsim serve";
  lesson.text =
      "The scenario " + scenario.filename().string() +
      ", run twice on the same random numbers: as written, and without its interventions. "
      "What differs between the two maps is what the interventions did.";
  lesson.scenario = scenario.string();
  lesson.set = overrides;
  return lesson;
}

}  // namespace salonsim::web
