#pragma once
// The population store: one column per attribute (structure of arrays), indexed by a stable
// resident id. Residents who enter later in the run (people turning 65) have rows from the
// start, with alive = 0 until their entry step, so no column ever grows during a run.
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace salonsim {

using ResidentId = std::uint32_t;

enum class Sex : std::uint8_t { kMale = 0, kFemale = 1 };
enum class Transport : std::uint8_t { kDrives = 0, kLifts = 1, kNone = 2 };

/// Where a shuttle seat takes a resident (bits of Population::shuttle_destinations).
inline constexpr std::uint8_t kShuttleToSalons = 1, kShuttleToStores = 2;

/// Not-yet-happened event step.
inline constexpr std::int32_t kNever = -1;

struct Population {
  // Fixed at creation.
  std::vector<ResidentId> id;            // the row number, kept as a column for the output
  std::vector<std::uint8_t> sex;         // Sex
  std::vector<float> age0;               // age in years at entry_step
  std::vector<float> income;             // equivalised household income, million yen a year
  std::vector<std::uint8_t> income_low;  // income below the low-income threshold
  std::vector<std::int32_t> household;   // household id; spouses share one
  std::vector<std::int32_t> spouse;      // resident id of a spouse in the town, or -1
  std::vector<std::uint8_t> lives_alone;
  std::vector<std::uint16_t> district;
  std::vector<float> x_m, y_m;               // home location
  std::vector<std::uint8_t> transport;       // Transport
  std::vector<std::int32_t> entry_step;      // 0 for the starting population
  std::vector<float> kin_contacts_per_week;  // contact with family who are not residents (children)
  std::vector<float> reserve;                // functional reserve left at entry (Exp(1) threshold)
  std::vector<float> frailty0;               // frailty at entry, 0..1

  // State that changes during the run.
  std::vector<std::uint8_t> alive;      // entered and not dead
  std::vector<std::uint8_t> certified;  // LTC-certified (functional disability)
  std::vector<float> decline;           // cumulative hazard of certification since entry
  std::vector<float> weekly_contacts;   // contacts with others outside the household
  std::vector<std::uint8_t> isolated;   // weekly_contacts < 1
  std::vector<std::int32_t> disability_step;
  std::vector<std::int32_t> death_step;

  // Effects of interventions, read by the contacts and health mechanisms.
  std::vector<float> activity_contacts_per_week;  // contacts from activities (e.g. salons)
  std::vector<float> decline_factor;              // multiplies the certification hazard (1: none)

  // Salon participation record.
  std::vector<std::uint16_t> salon_sessions;   // sessions attended
  std::vector<std::int32_t> first_salon_step;  // -1 never
  std::vector<std::int32_t> last_salon_step;   // -1 never

  // Food access and transport support.
  std::vector<std::uint8_t> poor_food_access;         // this step: no food within reach
  std::vector<std::uint16_t> poor_food_access_steps;  // steps with poor food access
  std::vector<std::int32_t> mobile_shop_step;         // last step served by the mobile shop
  std::vector<std::uint16_t> mobile_shop_visits;      // times served by the mobile shop
  std::vector<std::int32_t> shuttle_step;             // last step with a shuttle seat
  std::vector<std::uint8_t> shuttle_destinations;     // at shuttle_step: kShuttleTo* bits
  std::vector<std::uint16_t> shuttle_trips;           // shuttle rides taken

  // Requests written by mechanisms during a step and applied by the schedule.
  std::vector<std::uint8_t> death_requested;

  // Recorded at the start (step 0, or entry for newcomers) for the output.
  std::vector<std::uint16_t> degree0;
  std::vector<std::uint8_t> isolated0;
  std::vector<std::uint8_t> certified0;
  std::vector<std::uint8_t> food_access0;  // food within reach at entry

  std::size_t size() const { return sex.size(); }
  /// Resizes every column to n rows (default values: not entered, never events).
  void resize(std::size_t n);

  /// Age in years at a step.
  float age_at(ResidentId id, std::int64_t step, double years_per_step) const {
    return age0[id] +
           static_cast<float>(static_cast<double>(step - entry_step[id]) * years_per_step);
  }
  /// Frailty at present: frailty at entry plus the share of the remaining reserve used up.
  float frailty(ResidentId id) const {
    if (certified[id]) return 1.0f;
    const float used = reserve[id] > 0 ? decline[id] / reserve[id] : 1.0f;
    return frailty0[id] + (1.0f - frailty0[id]) * (used < 1.0f ? used : 1.0f);
  }
  /// Group index for outcomes by income and sex: income_low * 2 + sex.
  int group(ResidentId id) const { return income_low[id] * 2 + sex[id]; }
  std::size_t bytes() const;
};

/// Number of income-by-sex groups: high-income men, high-income women, low-income men, women.
inline constexpr int kGroups = 4;
inline constexpr std::string_view kGroupNames[kGroups] = {"high_income_men", "high_income_women",
                                                          "low_income_men", "low_income_women"};

/// A read-only view of one output column.
using ColumnView = std::variant<std::span<const std::uint8_t>, std::span<const std::uint16_t>,
                                std::span<const std::int32_t>, std::span<const std::uint32_t>,
                                std::span<const float>, std::span<const double>>;

struct OutputColumn {
  std::string_view name;
  std::string_view description;
  ColumnView values;
};

}  // namespace salonsim
