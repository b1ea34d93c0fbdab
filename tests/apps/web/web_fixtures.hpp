#pragma once
// Lessons and page files for the teaching demo's tests: small towns (1,500 residents, one year)
// from the shipped scenarios, and a stand-in web root, so no test needs npm.
#include <filesystem>
#include <fstream>
#include <string>

#include "apps/web/demo_server.hpp"
#include "apps/web/lessons.hpp"

namespace salonsim::testing {

/// Taketoyo's twelve salons placed in the gaps, in a town of 1,500 for one year.
inline web::Lesson small_salon_lesson() {
  return {.id = "salons",
          .title = "Salons",
          .summary = "small Taketoyo",
          .text = "for tests",
          .scenario = SALONSIM_SOURCE_DIR "/scenarios/taketoyo.yaml",
          .set = {"town.population=1500", "run.years=1"}};
}

/// The sparse rural district with its listed salons and a shuttle, 1,000 residents, one year.
inline web::Lesson small_shuttle_lesson() {
  return {.id = "shuttle",
          .title = "Shuttle",
          .summary = "small rural district",
          .text = "for tests",
          .scenario = SALONSIM_SOURCE_DIR "/scenarios/rural-sparse-shuttle.yaml",
          .set = {"town.population=1000", "run.years=1"}};
}

/// A web root holding a stand-in for each file the server hands out.
inline void write_web_root(const std::filesystem::path& root) {
  for (const web::StaticFile& file : web::static_files()) {
    const std::filesystem::path path = root / file.path;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << "stand-in for " << file.url << "\n";
  }
}

}  // namespace salonsim::testing
