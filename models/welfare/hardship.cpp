#include "models/welfare/hardship.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "sim/rows_where.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

namespace {
// Draws of a resident's own stream: the state at entry; the next change after a change (keyed by
// the step of the change); after relief.
constexpr std::uint64_t kEntryDraw = 0, kChangeDraw = 1, kReliefDraw = 2;
}  // namespace

HardshipColumns HardshipColumns::registered_on(Population& p) {
  return {
      p.add_column<std::uint8_t>({.name = "in_hardship",
                                  .unit = "",
                                  .description = "1 if in an episode of financial hardship now",
                                  .surveyed = true}),
      p.add_column<std::int32_t>(
          {"hardship_last_step", "step",
           "last step in financial hardship (a large negative number: not since entry)"},
          kNeverStep),
      p.add_column<StoredStep>({.name = "hardship_next_change_step",
                                .unit = "step",
                                .description = "step of the next start or end of an episode",
                                .output = false}),
      p.add_column<std::uint16_t>(
          {"hardship_episodes", "", "episodes of financial hardship since entry"}),
      p.add_column<StoredStep>(
          {"hardship_steps", "", "steps in financial hardship (counted when episodes end)"}),
      p.add_column<StoredStep>({.name = "hardship_episode_started",
                                .unit = "step",
                                .description = "first step of the present episode",
                                .output = false}),
  };
}

std::vector<Outcome> hardship_outcomes() {
  return {{.name = "hardship_share",
           .description = "share of person-years lived in financial hardship",
           .numerator = "hardship_years",
           .denominator = "person_years",
           .table_heading = "hardship, py %",
           .table_scale = 100,
           .table_digits = 2}};
}

double hardship_prevalence(double onset_per_year, double mean_episode_years) {
  const double x = onset_per_year * mean_episode_years;
  return x / (1.0 + x);
}

std::int32_t steps_until(double years, double years_per_step) {
  const double steps = std::ceil(years / years_per_step);
  return static_cast<std::int32_t>(std::clamp(steps, 1.0, 1e9));
}

double FinancialHardship::onset_per_year(const Population& p, ResidentId id) const {
  return p.income_low[id] ? params_.onset_per_year_low_income : params_.onset_per_year_high_income;
}

std::int32_t FinancialHardship::next_onset(const Population& p, ResidentId id, std::int32_t step,
                                           double u, double years_per_step) const {
  const double rate = onset_per_year(p, id);
  return rate > 0 ? step + steps_until(-std::log1p(-u) / rate, years_per_step)
                  : std::numeric_limits<std::int32_t>::max();
}

void FinancialHardship::init(Simulation& sim) {
  Population& p = sim.population();
  columns_ = HardshipColumns::registered_on(p);
  stream_ = sim.stream(kHardshipStream);
  const double dt = sim.clock().years_per_step();
  std::vector<std::uint8_t>& in = p[columns_.in_hardship];
  std::vector<std::int32_t>& last = p[columns_.last_step];
  std::vector<StoredStep>& next = p[columns_.next_change];
  std::vector<std::uint16_t>& episodes = p[columns_.episodes];
  std::vector<StoredStep>& started = p[columns_.episode_started];
  // Every row, entrants too, gets the steady state at its entry step: in an episode with the
  // steady-state share; the time to the next change is exponential either way (memoryless), and
  // the time since the last episode of one not in hardship now is exponential with the onset rate
  // (the chain reversed in time), so the screen's "in the past year" holds at the start too.
  tbb::parallel_for(std::size_t{0}, p.size(), [&](std::size_t i) {
    const auto id = static_cast<ResidentId>(i);
    const double rate = onset_per_year(p, id);
    const auto u = stream_.uniforms4(kSetupStep, i, kEntryDraw);
    const std::int32_t entry = p.entry_step[i];
    const bool now = u[0] < hardship_prevalence(rate, params_.mean_episode_years);
    in[i] = now;
    episodes[i] = now;
    started[i] = stored_step(entry);
    const double to_next = now ? -std::log1p(-u[1]) * params_.mean_episode_years
                               : (rate > 0 ? -std::log1p(-u[1]) / rate : 1e12);
    next[i] = stored_step(std::int64_t{entry} + steps_until(to_next, dt));
    if (now) {
      last[i] = entry;
    } else if (rate > 0) {
      const double since = -std::log1p(-u[2]) / rate;
      last[i] = since < 1e6 ? entry - steps_until(since, dt) : kNeverStep;
    }
  });
  if (params_.hr_certification != 1.0) {
    sim.effects().add_flag_ratio(
        Hazard::kCertification,
        {std::string(kHardshipStream), columns_.in_hardship, params_.hr_certification});
  }
  const std::uint8_t* in_now = in.data();
  sim.timeseries().declare("in_hardship", "residents alive in an episode of financial hardship",
                           [in_now](const Population& pop, ResidentId id, std::int64_t) {
                             return (pop.alive[id] & in_now[id]) != 0;  // no branch
                           });
  const StoredStep* steps_in = p[columns_.steps_in].data();
  sim.tallies().add({"hardship_years", "person-years in financial hardship",
                     [steps_in, dt](ResidentId i) { return steps_in[i] * dt; }});
}

void FinancialHardship::step(Simulation& sim, std::int64_t step) {
  Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  std::vector<std::uint8_t>& in = p[columns_.in_hardship];
  std::vector<std::int32_t>& last = p[columns_.last_step];
  std::vector<StoredStep>& next = p[columns_.next_change];
  std::vector<std::uint16_t>& episodes = p[columns_.episodes];
  std::vector<StoredStep>& steps_in = p[columns_.steps_in];
  std::vector<StoredStep>& started = p[columns_.episode_started];
  const auto s = static_cast<std::int32_t>(step);
  const StoredStep now = stored_step(step);
  // Of the rows entered: an entrant's episode starts at entry.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, p.entered_by(step), 8192), [&](const auto& range) {
        // A part at a time: first who is in hardship this step, then the few whose episode starts
        // or ends now, listed without a branch per resident (who they are follows no pattern).
        constexpr std::size_t kPart = 256;
        std::array<std::uint16_t, kPart + kRowsWhereSlack> changing;
        std::int32_t* last_in = last.data();
        const std::uint8_t* in_now = in.data();
        const std::uint8_t* alive = p.alive.data();
        for (std::size_t first = range.begin(); first < range.end(); first += kPart) {
          const std::size_t count = std::min(kPart, range.end() - first);
          // In hardship during this step (for the screen's past year); the dead's last step in
          // hardship is that of their death, the last they lived.
          for (std::size_t i = first; i < first + count; ++i)
            last_in[i] = (in_now[i] & alive[i]) != 0 ? s : last_in[i];
          const std::size_t changes =
              rows_where_equal(next.data() + first, now, count, changing.data());
          for (std::size_t t = 0; t < changes; ++t) {
            const std::size_t i = first + changing[t];
            if (!alive[i]) continue;
            const double u = stream_.uniform(step, i, kChangeDraw);
            if (in[i]) {  // the episode ends
              in[i] = 0;
              steps_in[i] = stored_step(steps_in[i] + s - started[i]);
              next[i] = stored_step(next_onset(p, static_cast<ResidentId>(i), s, u, dt));
            } else {  // an episode starts
              in[i] = 1;
              last[i] = s;
              started[i] = now;
              episodes[i] = static_cast<std::uint16_t>(std::min(0xffff, episodes[i] + 1));
              next[i] = stored_step(std::int64_t{s} +
                                    steps_until(-std::log1p(-u) * params_.mean_episode_years, dt));
            }
          }
        }
      });
}

bool FinancialHardship::relieve(Population& p, ResidentId id, std::int64_t step,
                                double years_per_step) const {
  std::vector<std::uint8_t>& in = p[columns_.in_hardship];
  if (!in[id]) return false;
  const auto s = static_cast<std::int32_t>(step);
  in[id] = 0;
  StoredStep& steps_in = p[columns_.steps_in][id];
  steps_in = stored_step(steps_in + s - p[columns_.episode_started][id]);
  p[columns_.next_change][id] =
      stored_step(next_onset(p, id, s, stream_.uniform(step, id, kReliefDraw), years_per_step));
  return true;
}

void FinancialHardship::finalize(Simulation& sim) {
  // Episodes still open at death or at the end count up to then.
  Population& p = sim.population();
  const auto end = static_cast<std::int32_t>(sim.clock().steps);
  std::vector<StoredStep>& steps_in = p[columns_.steps_in];
  const std::vector<StoredStep>& started = p[columns_.episode_started];
  const std::vector<std::uint8_t>& in = p[columns_.in_hardship];
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!in[i] || p.entry_step[i] >= end) continue;
    const std::int32_t stop = p.death_step[i] >= 0 ? p.death_step[i] : end;
    steps_in[i] = stored_step(steps_in[i] + std::max(0, stop - started[i]));
  }
}

}  // namespace salonsim::models
