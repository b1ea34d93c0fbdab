// Fuzz target of the sweep loader: the input is a sweep file, loaded with sweep::load_sweep
// against the outcome catalogue; a sweep that loads is then planned (sweep::make_plan) when its
// design is small. Contract: load_sweep loads or throws params::ScenarioError, make_plan plans
// or throws std::invalid_argument; anything else is a bug (fuzz_support.hpp).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/scenario.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace salonsim::fuzz {
namespace {

constexpr std::size_t kMany = std::numeric_limits<std::size_t>::max();

/// a * b, or kMany when it overflows.
std::size_t times(std::size_t a, std::size_t b) {
  return a != 0 && b > kMany / a ? kMany : a * b;
}

std::size_t count(std::int64_t n) {
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

/// The values make_plan's design holds (points x parameters), computed from the file without
/// building it (kMany when it overflows).
std::size_t design_values(const sweep::SweepFile& file) {
  const sweep::DesignParams& d = file.design;
  const std::size_t k = file.parameters.size();
  std::size_t points = 0;
  switch (d.type) {
    case sweep::DesignType::kGrid:
      points = 1;
      for (const sweep::SweepParameter& p : file.parameters)
        points = times(
            points, p.is_discrete() ? p.values.size() : count(p.levels > 0 ? p.levels : d.levels));
      break;
    case sweep::DesignType::kLatinHypercube:
      points = count(d.samples);
      break;
    case sweep::DesignType::kMorris:
      points = times(count(d.trajectories), k + 1);
      break;
    case sweep::DesignType::kSobol:
      points = times(count(d.samples), k + 2);
      break;
  }
  return times(points, std::max<std::size_t>(k, 1));
}

// Larger designs are valid but only slow the fuzzer down (and take memory): the loader is to
// bound them itself.
constexpr std::size_t kMaxDesignValues = 20000;

}  // namespace

int sweep_one_input(const std::uint8_t* data, std::size_t size) {
  static const std::vector<Outcome> outcomes = models::outcome_catalogue();
  const auto file = WorkDir::get().write("sweep.yaml", data, size);
  sweep::LoadedSweep loaded;
  if (!load_or_reject("load_sweep", [&] { loaded = sweep::load_sweep(file, outcomes); })) return 0;
  (void)loaded.scenario_path();
  if (design_values(loaded.file) > kMaxDesignValues) return 0;
  try {
    const sweep::SweepPlan plan = sweep::make_plan(loaded.file, 1);
    for (std::size_t point = 0; point < std::min<std::size_t>(plan.points(), 4); ++point)
      (void)plan.overrides(point);
    if (plan.runs() > 0) (void)plan.run(plan.runs() - 1);
  } catch (const std::invalid_argument&) {
    // make_plan's answer to a design it cannot build.
  } catch (const std::exception& e) {
    unexpected_exception("make_plan", type_name(typeid(e)), e.what());
  } catch (...) {
    unexpected_exception("make_plan", "an exception of unknown type", "");
  }
  return 0;
}

}  // namespace salonsim::fuzz

#ifndef SALONSIM_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return salonsim::fuzz::sweep_one_input(data, size);
}
#endif
