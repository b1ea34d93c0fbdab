#pragma once
// The emulated observational study of salon participants (Hikichi et al. 2015), read from two
// survey waves as a researcher reads the JAGES panel: residents at the baseline survey (before
// the first step) who are alive and independent at the survey at the end of year 1;
// participants attended a salon in year 1 (sessions so far at that survey); certification
// followed for five years from the survey; Cox adjusted for age and isolation at baseline, sex
// and income. Beside it, the true effect: the same
// participants' certification in the paired arm without salons (reported only when the
// reference holds the same residents, replicate by replicate), and an instrumental-variable
// estimate (two-stage residual inclusion, salons within 350 m of home as the instrument).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/groups/activity.hpp"
#include "models/groups/groups.hpp"
#include "sim/output/hazard_ratios.hpp"
#include "sim/stats/cox.hpp"

namespace salonsim::models {

struct SalonStudy {
  double attended_year1 = 0, ever_5y = 0;
  double low_income_participants = 0, low_income_others = 0, women_participants = 0;
  double cert_participants = 0, cert_others = 0;
  double cert_participants_without = -1;  // in the reference arm (-1 without one)
  stats::CoxFit cox;                      // coefficient 0: participant
  /// First-stage coefficient of the instrument, and the Cox fit with the first-stage residual
  /// (coefficient 0: participant).
  double first_stage_coefficient = 0;
  stats::CoxFit iv_cox;
  std::int64_t cohort = 0, participants = 0;
};
SalonStudy salon_study(const std::vector<RunRecord>& arm,
                       const std::vector<RunRecord>* reference = nullptr);

/// Text of the study beside the truth.
std::string format_salon_study(const std::string& arm, const SalonStudy& study);

/// The study as an analysis the comparison runs for arms with salons.
ArmAnalysis salon_study_analysis();

}  // namespace salonsim::models
