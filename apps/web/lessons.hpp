#pragma once
// The teaching demo's lessons: each is a town (a scenario file, with overrides) and a short text
// for the class. Read from a YAML file (web/lessons.yaml) with the same strict loader as
// scenarios, so a typo in a lesson is reported with its line and column.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/params/schema.hpp"

namespace salonsim::web {

struct Lesson {
  std::string id;
  std::string title;
  std::string summary;
  std::string text;
  std::string scenario;          // relative to the lessons file
  std::vector<std::string> set;  // overrides, key.path=value
};

template <class V>
void visit(V& v, Lesson& p) {
  v.text("id", p.id, {.doc = "short name, used in the page's address and the API"});
  v.text("title", p.title, {.doc = "the question the lesson asks"});
  v.text("summary", p.summary, {.doc = "one sentence for the lesson picker"});
  v.text("text", p.text, {.doc = "a few paragraphs for the class (blank lines between them)"});
  v.text("scenario", p.scenario,
         {.doc = "scenario file of the arm with the interventions, relative to the lessons file; "
                 "the other arm is the same town without them"});
  v.texts("set", p.set, {.doc = "overrides, key.path=value, as with --set"});
  v.rule("id", !p.id.empty(), "must not be empty");
  v.rule("title", !p.title.empty(), "must not be empty");
  v.rule("scenario", !p.scenario.empty(), "must name a scenario file");
}

struct Lessons {
  std::vector<Lesson> lessons;
};

template <class V>
void visit(V& v, Lessons& p) {
  v.list("lessons", p.lessons, {.doc = "the lessons, in the order the picker shows them"});
  v.rule("lessons", !p.lessons.empty(), "must list at least one lesson");
  for (std::size_t i = 0; i < p.lessons.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (p.lessons[i].id == p.lessons[j].id) {
        v.rule("lessons" + params::index_key(i) + ".id", false,
               "'" + p.lessons[i].id + "' is already the id of lessons" + params::index_key(j));
        break;
      }
    }
  }
}

/// Reads a lessons file; scenario paths are made absolute (relative to the file). Throws
/// params::ScenarioError listing every problem.
std::vector<Lesson> load_lessons(const std::filesystem::path& file);

/// A lesson of its own for a scenario given on the command line.
Lesson lesson_for_scenario(const std::filesystem::path& scenario,
                           const std::vector<std::string>& overrides);

}  // namespace salonsim::web
