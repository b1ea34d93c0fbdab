#pragma once
// A test-only intervention type, to show the registry: this folder and one line in the test's
// registry (tests/models/registry_test.cpp) are all it takes. From `opens_step` on, every
// resident aged at least `min_age` is "nudged": a column of its own records it, the nudge is a
// source of a hazard ratio on certification (combined with every other source), and an outcome
// counts who was nudged.
#include <memory>
#include <string>
#include <vector>

#include "models/intervention_registry.hpp"
#include "sim/module.hpp"
#include "sim/simulation.hpp"

namespace salonsim::testing {

struct NudgeParams {
  std::int32_t opens_step = 0;
  double min_age = 65;
  double hr_certification = 0.5;
};

template <class V>
void visit(V& v, NudgeParams& p) {
  v.integer("opens_step", p.opens_step,
            {.unit = "step", .doc = "first step of the nudge", .min = 0});
  v.number("min_age", p.min_age, {.unit = "years", .doc = "youngest age nudged", .min = 65});
  v.number("hr_certification", p.hr_certification,
           {.doc = "hazard ratio of certification while nudged",
            .source = "assumption: a test-only type",
            .min = 0,
            .max = 10});
}

class Nudge final : public Module {
 public:
  explicit Nudge(NudgeParams params) : params_(params) {}
  std::string_view name() const override { return "nudge"; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override {
    Population& p = sim.population();
    nudged_ = p.add_column<std::uint8_t>({"nudged", "", "1 once nudged"});
    ratio_ = p.add_column<float>({"nudge_ratio", "", "hazard ratio from the nudge", false}, 1.0f);
    sim.effects().add_ratio(Hazard::kCertification, {"nudge", ratio_});
    const std::uint8_t* nudged = p[nudged_].data();
    sim.tallies().add(
        {"nudged", "residents nudged", [nudged](ResidentId i) { return nudged[i] ? 1.0 : 0.0; }});
  }
  void step(Simulation& sim, std::int64_t step) override {
    if (step < params_.opens_step) return;
    Population& p = sim.population();
    const double dt = sim.clock().years_per_step();
    for (std::size_t i = 0; i < p.size(); ++i) {
      const bool on =
          p.alive[i] && p.age_at(static_cast<ResidentId>(i), step, dt) >= params_.min_age;
      p[nudged_][i] |= on;
      p[ratio_][i] = on ? static_cast<float>(params_.hr_certification) : 1.0f;
    }
  }

 private:
  NudgeParams params_;
  Column<std::uint8_t> nudged_;
  Column<float> ratio_;
};

}  // namespace salonsim::testing

namespace salonsim::models {

template <>
struct InterventionType<testing::NudgeParams> {
  static constexpr std::string_view kName = "nudge";
  static constexpr std::string_view kDoc = "a test-only nudge that slows decline";
  static constexpr int kMaxPerScenario = 1;
  static constexpr std::string_view kLimitHint = "";
  template <class V, class S>
  static void check(V& v, const testing::NudgeParams& p, const S&, const std::string& at) {
    v.rule(at + ".min_age", p.min_age < 120, "min_age must be below 120");
  }
  static void build(BuildContext& context, const std::vector<const testing::NudgeParams*>& all) {
    context.simulation().add_module(std::make_unique<testing::Nudge>(*all.front()));
  }
  static std::vector<Outcome> outcomes() {
    return {{.name = "nudged_share",
             .description = "share of residents nudged",
             .numerator = "nudged",
             .denominator = "residents"}};
  }
  static std::vector<ArmAnalysis> analyses() { return {}; }
};

}  // namespace salonsim::models
