// Fuzz target of the scenario loader: the input is a scenario file, loaded with
// models::load_scenario beside a small valid base.yaml that it may extend (`extends: base.yaml`).
// Contract: it loads, or throws params::ScenarioError; anything else is a bug (fuzz_support.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "models/scenario.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace salonsim::fuzz {
namespace {

// A town like scenarios/town.yaml (its districts, so inputs made from the shipped scenarios
// that extend it resolve their district references), but smaller.
constexpr std::string_view kBase = R"(name: base
description: A small suburban town for the fuzz target's extends.
run:
  seed: 20260401
  years: 2
  days_per_step: 7
  start_date: "2025-04-01"
town:
  population: 2000
  districts:
    - name: station
      centre_m: [0, 0]
      radius_m: 900
      density: urban
      population_weight: 3
    - name: hillside
      centre_m: [2200, 600]
      radius_m: 1400
      density: suburban
      population_weight: 4
    - name: farmland
      centre_m: [-2500, 2800]
      radius_m: 2200
      density: rural
      population_weight: 2
groups:
  kinds: [sports, hobby, volunteer, senior_club, neighbourhood_association]
interventions: []
)";

}  // namespace

int scenario_one_input(const std::uint8_t* data, std::size_t size) {
  static const WorkDir& dir = []() -> const WorkDir& {
    const WorkDir& made = WorkDir::get();
    made.write("base.yaml", kBase);
    return made;
  }();
  const auto file = dir.write("scenario.yaml", data, size);
  load_or_reject("load_scenario", [&] { (void)models::load_scenario(file, {}); });
  return 0;
}

}  // namespace salonsim::fuzz

#ifndef SALONSIM_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return salonsim::fuzz::scenario_one_input(data, size);
}
#endif
