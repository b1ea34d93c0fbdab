#pragma once
// Analyses of individual outcomes pooled over replicates: hazard ratios of an arm against the
// reference, and the emulated observational study of salon participants (Hikichi et al. 2015)
// beside the true effect from the paired counterfactual.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/stats/cox.hpp"

namespace salonsim {

class Simulation;

/// The columns of one finished run that the analyses need (kept after the run is freed).
struct RunRecord {
  std::int64_t steps = 0;
  int steps_per_year = 52;
  std::vector<std::int32_t> entry_step, disability_step, death_step, first_salon_step;
  std::vector<float> age0;
  std::vector<std::uint8_t> sex, income_low, isolated0, certified0;
  std::vector<std::uint16_t> salons_within_350m;  // empty without salons
};
RunRecord record_of(const Simulation& simulation);

/// Cox hazard ratios of arm against reference (pooled residents of all replicates, arm as the
/// only covariate): certification among residents independent at entry, and death.
struct ArmHazardRatios {
  stats::CoxFit certification, death;
};
ArmHazardRatios arm_hazard_ratios(const std::vector<RunRecord>& arm,
                                  const std::vector<RunRecord>& reference);

/// The emulated study: residents independent at the start and still alive and independent at the
/// survey at the end of year 1; participants attended a salon in year 1; certification followed
/// for five years from the survey; Cox adjusted for age, sex, income and isolation. The true
/// effect: the same participants' certification in the paired arm without salons (reported only
/// when `reference` holds the same residents, replicate by replicate).
struct SalonStudy {
  double attended_year1 = 0, ever_5y = 0;
  double low_income_participants = 0, low_income_others = 0, women_participants = 0;
  double cert_participants = 0, cert_others = 0;
  double cert_participants_without = -1;  // in the reference arm (-1 without one)
  stats::CoxFit cox;                      // coefficient 0: participant
  /// Instrumental-variable estimate (two-stage residual inclusion, salons within 350 m of home
  /// as the instrument): first-stage coefficient of the instrument, and the Cox fit with the
  /// first-stage residual (coefficient 0: participant).
  double first_stage_coefficient = 0;
  stats::CoxFit iv_cox;
  std::int64_t cohort = 0, participants = 0;
};
SalonStudy salon_study(const std::vector<RunRecord>& arm,
                       const std::vector<RunRecord>* reference = nullptr);

/// Text of the hazard ratios and, where there are salons, the emulated study beside the truth.
std::string format_arm_analyses(const std::string& arm, const std::string& reference,
                                const ArmHazardRatios& ratios, const SalonStudy* study);

}  // namespace salonsim
