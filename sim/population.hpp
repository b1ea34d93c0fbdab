#pragma once
// The population store: one column per attribute (structure of arrays), indexed by a stable
// resident id. The core columns below are what every mechanism shares; a mechanism's own state
// lives in columns it registers (sim/columns.hpp). Residents who enter later in the run (people
// turning 65) have rows from the start, with alive = 0 until their entry step, so no column ever
// grows during a run.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/columns.hpp"

namespace salonsim {

using ResidentId = std::uint32_t;

enum class Sex : std::uint8_t { kMale = 0, kFemale = 1 };
enum class Transport : std::uint8_t { kDrives = 0, kLifts = 1, kNone = 2 };

/// Not-yet-happened event step.
inline constexpr std::int32_t kNever = -1;

/// A step as a mechanism's column keeps it: two bytes a resident where four were, for the many
/// "step of the first (last) session" columns, and the population's own entry, certification
/// and death steps. A run lasts at most kMaxSteps steps (Simulation refuses a longer clock; a
/// scenario says so when it is read), so each of its steps, and kNever, fits. The output widens
/// these columns to 32 bits, so files are as before.
using StoredStep = std::int16_t;
inline constexpr std::int64_t kMaxSteps = std::numeric_limits<StoredStep>::max();  // 32,767
/// A step to keep in a StoredStep column. A step beyond the longest run (the next moment of
/// something far ahead) is kept as kMaxSteps, which no step of a run reaches, so comparisons with
/// the steps of a run come out as they would have.
constexpr StoredStep stored_step(std::int64_t step) {
  return static_cast<StoredStep>(std::clamp<std::int64_t>(step, kNever, kMaxSteps));
}

// A resident's id is their row number; the output's id and household columns are worked out
// from the rows (household_of), not kept.
struct Population {
  // Fixed at creation.
  std::vector<std::uint8_t> sex;         // Sex
  std::vector<float> age0;               // age in years at entry_step
  std::vector<float> income;             // equivalised household income, million yen a year
  std::vector<std::uint8_t> income_low;  // income below the low-income threshold
  std::vector<std::int32_t> spouse;      // resident id of a spouse in the town, or -1
  std::vector<std::uint8_t> lives_alone;
  std::vector<std::uint16_t> district;
  std::vector<float> x_m, y_m;               // home location
  std::vector<std::uint8_t> transport;       // Transport
  std::vector<StoredStep> entry_step;        // 0 for the starting population
  std::vector<float> kin_contacts_per_week;  // contact with family who are not residents (children)
  std::vector<float> reserve;                // functional reserve left at entry (Exp(1) threshold)
  std::vector<float> frailty0;               // frailty at entry, 0..1

  // State that changes during the run.
  std::vector<std::uint8_t> alive;          // entered and not dead
  std::vector<std::uint8_t> certified;      // LTC-certified (functional disability)
  std::vector<float> decline;               // cumulative hazard of certification since entry
  std::vector<float> weekly_contacts;       // contacts with others outside the household
  std::vector<std::uint8_t> isolated;       // weekly_contacts < 1
  std::vector<StoredStep> disability_step;  // -1 none
  std::vector<StoredStep> death_step;       // -1 none

  // Requests written by mechanisms during a step and applied by the schedule.
  std::vector<std::uint8_t> death_requested;

  // Recorded at the start (step 0, or entry for newcomers) for the output.
  std::vector<std::uint16_t> degree0;
  std::vector<std::uint8_t> isolated0;
  std::vector<std::uint8_t> certified0;

  /// Columns registered by mechanisms.
  ColumnRegistry columns;
  /// Registers a mechanism's column (or finds the one of that name), sized to the population.
  template <class T>
  Column<T> add_column(ColumnSpec spec, T initial = T{}) {
    return columns.add<T>(std::move(spec), size(), initial);
  }
  template <class T>
  std::vector<T>& operator[](Column<T> column) {
    return columns[column];
  }
  template <class T>
  const std::vector<T>& operator[](Column<T> column) const {
    return columns[column];
  }
  /// A registered column by name, for tests and analyses (mechanisms keep their handles);
  /// throws std::out_of_range if no column of that name and type is registered.
  template <class T>
  const std::vector<T>& column(std::string_view name) const {
    const Column<T> found = columns.find<T>(name);
    if (!found.valid())
      throw std::out_of_range("no registered column '" + std::string(name) + "' of that type");
    return columns[found];
  }

  std::size_t size() const { return sex.size(); }
  /// The rows entered by `step` (entry_step <= step). Rows are in order of entry (Simulation
  /// checks it), so every row after these is a resident yet to enter, not alive: a pass over the
  /// living at `step` need go no further.
  std::size_t entered_by(std::int64_t step) const {
    return static_cast<std::size_t>(
        std::upper_bound(entry_step.begin(), entry_step.end(), step,
                         [](std::int64_t value, StoredStep entry) { return value < entry; }) -
        entry_step.begin());
  }
  /// Resizes every column to n rows (default values: not entered, never events).
  void resize(std::size_t n);
  /// Puts the rows in another order: row j becomes the row that was `order[j]` (a permutation
  /// of every row). `spouse`, which holds resident ids, follows its residents. For the town as it
  /// is built, before any mechanism registers a column (those may hold ids it cannot know of):
  /// throws std::logic_error if one is registered, std::invalid_argument if `order` is not a
  /// permutation of the rows.
  void reorder_rows(std::span<const ResidentId> order);

  /// Every resident's id, the row number, in row order: the output's id column.
  std::vector<ResidentId> ids() const;
  /// The household's id: the smaller row of a couple's two, a resident's own row otherwise.
  ResidentId household_of(ResidentId id) const {
    return spouse[id] >= 0 ? std::min(id, static_cast<ResidentId>(spouse[id])) : id;
  }

  /// Age in years at a step.
  float age_at(ResidentId id, std::int64_t step, double years_per_step) const {
    return age0[id] +
           static_cast<float>(static_cast<double>(step - entry_step[id]) * years_per_step);
  }
  /// Steps a resident lived in a run of `steps` steps (from entry to death or the end), and of
  /// those the steps certified (after the step of certification, or all if certified at entry).
  struct StepsLived {
    std::int64_t alive = 0;
    std::int64_t certified = 0;
  };
  StepsLived steps_lived(ResidentId id, std::int64_t steps) const {
    const std::int64_t last = death_step[id] != kNever ? death_step[id] + 1 : steps;
    const std::int64_t certified_from = certified0[id] ? entry_step[id]
                                        : disability_step[id] != kNever
                                            ? std::min<std::int64_t>(last, disability_step[id] + 1)
                                            : last;
    return {last - entry_step[id], last - certified_from};
  }
  /// Frailty at present: frailty at entry plus the share of the remaining reserve used up; 1 once
  /// certified.
  float frailty(ResidentId id) const { return certified[id] ? 1.0f : frailty_if_independent(id); }
  /// frailty(id) as it would be were the resident not certified. Without a branch: loops over
  /// residents ask it in no pattern a branch predictor could learn.
  float frailty_if_independent(ResidentId id) const {
    // The share of the reserve used: none with no decline yet (also before Health draws the
    // reserves at set-up), all of it with no reserve once decline has begun, at most 1. A
    // reserve below the least float is taken as that least float: any decline over it is then
    // at least the whole reserve, as with none; every positive reserve is itself.
    const float used = std::min(std::max(0.0f, decline[id]) /
                                    std::max(reserve[id], std::numeric_limits<float>::denorm_min()),
                                1.0f);
    return frailty0[id] + (1.0f - frailty0[id]) * used;
  }
  /// Group index for outcomes by income and sex: income_low * 2 + sex.
  int group(ResidentId id) const { return group_of(income_low[id], sex[id]); }
  /// The group of a resident with these columns' values (for loops that read the columns
  /// through their own pointers).
  static int group_of(std::uint8_t low_income, std::uint8_t sex_code) {
    return low_income * 2 + sex_code;
  }
  std::size_t bytes() const;
};

/// Number of income-by-sex groups: high-income men, high-income women, low-income men, women.
inline constexpr int kGroups = 4;
inline constexpr std::string_view kGroupNames[kGroups] = {"high_income_men", "high_income_women",
                                                          "low_income_men", "low_income_women"};

}  // namespace salonsim
