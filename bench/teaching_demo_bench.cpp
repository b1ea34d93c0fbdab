// The teaching demo's speed: weeks a second a page can animate. One iteration is what one
// request of the page costs the server: both arms of a session advanced one week, the frame
// built, and its JSON written. The goal (teaching-demo issue): 20 weeks a second for a town of
// 10,000 residents on 2 cores.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <filesystem>

#include "apps/web/demo_session.hpp"
#include "apps/web/lessons.hpp"

namespace {

namespace fs = std::filesystem;
using salonsim::web::DemoSession;

/// The first lesson of web/lessons.yaml (Taketoyo's salons, 10,000 residents).
salonsim::web::LessonFiles first_lesson() {
  fs::path lessons = "web/lessons.yaml";
  if (!fs::exists(lessons)) lessons = fs::path(SALONSIM_SOURCE_DIR) / "web/lessons.yaml";
  return salonsim::web::read_lesson(salonsim::web::load_lessons(lessons).front());
}

void BM_DemoWeek(benchmark::State& state) {
  const tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                                    static_cast<std::size_t>(state.range(0)));
  DemoSession session("bench", first_lesson());
  const std::int64_t weeks = session.state()["weeks"].get<std::int64_t>();
  std::int64_t week = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    if (++week > weeks) {
      state.PauseTiming();
      session.reset();
      week = 1;
      state.ResumeTiming();
    }
    const std::string frame = session.step(1).dump();
    bytes += frame.size();
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetItemsProcessed(state.iterations());  // weeks
  state.counters["frame_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DemoWeek)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// A page's first request: both arms built at week 0, and the state with the map.
void BM_DemoSessionStart(benchmark::State& state) {
  const salonsim::web::LessonFiles lesson = first_lesson();
  for (auto _ : state) {
    DemoSession session("bench", lesson);
    benchmark::DoNotOptimize(session.state().dump().size());
  }
}
BENCHMARK(BM_DemoSessionStart)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
