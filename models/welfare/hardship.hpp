#pragma once
// Financial hardship: each resident moves in and out of episodes of hardship (trouble paying
// bills, money running out before pension day), more often with a low income. Episodes are
// scheduled, not redrawn each step: a resident's next change (start or end of an episode) is
// drawn when the last one happens, exponential with the rate of their income group (starts) or
// the mean episode length (ends). Residents start, and entrants enter, in the steady state.
// Welfare counselling (models/prescribing) ends an episode early.
#include <cstdint>
#include <limits>
#include <vector>

#include "models/welfare/hardship_params.hpp"
#include "sim/module.hpp"
#include "sim/outcomes.hpp"
#include "sim/population.hpp"
#include "sim/random.hpp"

namespace salonsim::models {

inline constexpr std::string_view kHardshipStream = "hardship";
/// Step value for "never" in the hardship columns.
inline constexpr std::int32_t kNeverStep = std::numeric_limits<std::int32_t>::min() / 2;

/// Each resident's hardship, registered by hardship and by the mechanisms that read it.
struct HardshipColumns {
  Column<std::uint8_t> in_hardship;  // now (surveyed)
  // Written, and steps before entry (a past episode), so not a StoredStep.
  Column<std::int32_t> last_step;      // last step in hardship (kNeverStep: not since entry)
  Column<StoredStep> next_change;      // step of the next start or end of an episode
  Column<std::uint16_t> episodes;      // episodes begun since entry (the one at entry too)
  Column<StoredStep> steps_in;         // steps in hardship, counted when an episode ends (a
                                       // count of a run's steps, so it fits as a step does)
  Column<StoredStep> episode_started;  // first step of the present episode
  static HardshipColumns registered_on(Population& p);
};

/// Steady-state share in hardship for an onset rate and a mean episode length: r D / (1 + r D).
double hardship_prevalence(double onset_per_year, double mean_episode_years);

/// Financial hardship outcomes (the share of person-years in hardship), counted by hardship.
std::vector<Outcome> hardship_outcomes();

/// Steps until an event `years` away (at least 1).
std::int32_t steps_until(double years, double years_per_step);

class FinancialHardship final : public Module {
 public:
  explicit FinancialHardship(HardshipParams params) : params_(params) {}
  std::string_view name() const override { return kHardshipStream; }
  Phase phase() const override { return Phase::kDemography; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  void finalize(Simulation& sim) override;
  bool reports_cost() const override { return false; }

  /// Ends a resident's episode at `step` (welfare counselling); nothing if they are not in one.
  /// Returns whether an episode ended.
  bool relieve(Population& p, ResidentId id, std::int64_t step, double years_per_step) const;
  const HardshipParams& params() const { return params_; }

 private:
  double onset_per_year(const Population& p, ResidentId id) const;
  /// The step of the next episode's start after one ends at `step`, from uniform `u`.
  std::int32_t next_onset(const Population& p, ResidentId id, std::int32_t step, double u,
                          double years_per_step) const;
  HardshipParams params_;
  HardshipColumns columns_;
  RandomStream stream_;
};

}  // namespace salonsim::models
