#pragma once
// Community diagnosis: the sheet of social and health risks by district that JAGES gives
// municipalities (Haseda et al. 2019), taken from the residents' state at baseline. Coalitions
// choose where to act from it; the output draws it as risk maps (analysis/diagnosis_sheet.py).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/groups/groups.hpp"
#include "models/town/town_params.hpp"
#include "sim/output/tables.hpp"
#include "sim/population.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim::models {

/// An independent resident with a frailty index at or above this counts as frail (assumption:
/// about the most frail seventh of independent residents; the model's index runs from 0, robust,
/// to 1, certified, so the usual cut-offs of other indices do not carry over).
inline constexpr float kFrailIndex = 0.4f;
/// A group venue within this distance covers a resident (Hikichi et al. 2015 use 350 m).
inline constexpr double kCoverageRadiusM = kNearVenueM;

/// The indicators of the sheet, in order: counts per district, shares in the output.
enum class Indicator : std::uint8_t {
  kIsolated = 0,
  kAnyGroup,
  kAnyGroupMen,
  kAloneShoppingDifficulty,
  kPoorFoodAccess,
  kCertified,
  kLowIncome,
  kFrail,
  kUncovered,
  kMenNotInGroup,
  kCoveredNonMembers,
  kUncoveredNonMembers,
  kIsolatedIndependent,
};
inline constexpr std::size_t kIndicators = 13;

struct IndicatorInfo {
  std::string_view key;    // dataset name in the output
  std::string_view label;  // for the sheet
  bool higher_is_worse;
  bool of_men;  // a share of the district's men, not of its residents
  bool shown;   // on the sheet (the last two serve the coalition's choices)
};
inline constexpr std::array<IndicatorInfo, kIndicators> kIndicatorInfo{{
    {"isolated", "isolated (contact with others less than once a week)", true, false, true},
    {"any_group", "in a group of any kind", false, false, true},
    {"any_group_men", "men in a group of any kind", false, true, true},
    {"alone_shopping_difficulty", "living alone with poor food access", true, false, true},
    {"poor_food_access", "poor food access (no store within reach)", true, false, true},
    {"certified", "LTC-certified", true, false, true},
    {"low_income", "low income (below 2 million yen)", true, false, true},
    {"frail", "frail, not certified (frailty index 0.4 or more)", true, false, true},
    {"uncovered", "no group venue within 350 m", true, false, true},
    {"men_not_in_group", "men in no group", true, true, false},
    {"covered_non_members", "in no group though a venue is within 350 m", true, false, false},
    {"uncovered_non_members", "in no group and no venue within 350 m", true, false, false},
    {"isolated_independent", "isolated and not LTC-certified", true, false, false},
}};

/// One district's counts at baseline.
struct DistrictCounts {
  std::int32_t residents = 0, men = 0;
  std::array<std::int32_t, kIndicators> count{};
  /// The share: of men for indicators of men, of residents otherwise (0 with nobody).
  double share(Indicator indicator) const;
  std::int32_t of(Indicator indicator) const { return count[static_cast<std::size_t>(indicator)]; }
};

/// Whether a home has a group venue within kCoverageRadiusM (the sheet's "no group venue
/// within 350 m", and where a coalition places a group for those without one).
class VenueCoverage {
 public:
  explicit VenueCoverage(std::vector<std::array<double, 2>> venues);
  VenueCoverage(const VenueCoverage&) = delete;  // the grid views this object's coordinates
  VenueCoverage& operator=(const VenueCoverage&) = delete;
  bool covers(double x_m, double y_m) const;

 private:
  std::vector<std::array<double, 2>> venues_;
  std::vector<float> x_m_, y_m_;  // the grid keeps views of these
  SpatialGrid grid_;
};

/// Whether resident i belongs to a group of any kind, given each kind's membership column.
inline bool in_any_group(const std::vector<const std::uint8_t*>& member, std::size_t i) {
  for (const std::uint8_t* column : member)
    if (column[i] != 0) return true;
  return false;
}

/// What the diagnosis reads for each resident, beyond the core columns.
struct DiagnosisInputs {
  std::vector<const std::uint8_t*> member;         // each group kind's membership column
  const std::uint8_t* poor_food_access = nullptr;  // none: nobody counted
  std::vector<std::array<double, 2>> venues;       // every open group venue, any kind
};

/// The sheet: one row per district of the town, from the living residents' state now.
struct Diagnosis {
  std::int64_t step = -1;  // when taken (-1: not yet)
  std::vector<DistrictCounts> districts;
  DistrictCounts total() const;
};

Diagnosis diagnose(const Population& population, const std::vector<District>& districts,
                   const DiagnosisInputs& inputs, std::int64_t step);

/// The /diagnosis output table (docs/output.md).
struct DiagnosisTable {
  std::vector<std::uint16_t> district;
  std::vector<float> x_m, y_m, radius_m;
  std::vector<std::int32_t> residents, men;
  std::array<std::vector<float>, kIndicators> shares;
};
DiagnosisTable diagnosis_table(const Diagnosis& diagnosis, const std::vector<District>& districts);
OutputTable output_table(const DiagnosisTable& table, const std::vector<District>& districts);

}  // namespace salonsim::models
