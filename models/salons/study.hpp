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

/// The study's data, gathered run by run as a comparison's runs finish (in any order): of each
/// replicate, its tallies and its cohort's rows (about 21 bytes a resident), and of the
/// reference's replicate, who was certified in follow-up (1 byte a resident), never whole runs.
/// The fit pools the replicates in their order.
class SalonStudyData {
 public:
  explicit SalonStudyData(std::size_t replicates);
  /// Takes the arm's run of `replicate`; throws std::invalid_argument when the run lacks what
  /// the design needs (salons, the two survey waves, six years).
  void add_arm_run(std::size_t replicate, const RunRecord& run);
  /// Takes the reference's run of `replicate`, for the true effect on the same participants.
  void add_reference_run(std::size_t replicate, const RunRecord& run);
  /// The study of every replicate added; the true effect only when each replicate's reference
  /// holds the same residents (arms that differ only in their interventions).
  SalonStudy fit() const;

 private:
  /// An arm's replicate: tallies over the residents alive at baseline, and the cohort (alive
  /// and independent at the year-1 survey), one entry per resident in resident order.
  struct Replicate {
    bool added = false;
    std::uint64_t residents = 0;  // residents_digest of the run
    std::int32_t steps_per_year = 0;
    std::int64_t starting = 0, attended = 0, ever = 0, participants_low = 0, others_low = 0,
                 others = 0, women = 0, cert_participants = 0, cert_others = 0,
                 cohort_participants = 0, cohort_others = 0;
    std::vector<std::int32_t> follow_up;  // steps from the survey to the event or censoring
    std::vector<std::uint8_t> event, participant, female, low_income, isolated;
    std::vector<float> age, salons_within_350m;   // salon counts are exact in a float
    std::vector<std::int32_t> participant_index;  // residents of the cohort who took part
  };
  /// The reference's replicate: who was certified within the follow-up.
  struct Reference {
    bool added = false;
    std::uint64_t residents = 0;
    std::int32_t steps_per_year = 0;
    std::vector<std::uint8_t> certified_in_follow_up;
  };
  std::vector<Replicate> arm_;
  std::vector<Reference> reference_;
};

/// The study of whole records, replicate k of `reference` paired with replicate k of `arm`.
SalonStudy salon_study(const std::vector<RunRecord>& arm,
                       const std::vector<RunRecord>* reference = nullptr);

/// Text of the study beside the truth.
std::string format_salon_study(const std::string& arm, const SalonStudy& study);

/// The study as an analysis the comparison runs for arms with salons.
ArmAnalysis salon_study_analysis();

}  // namespace salonsim::models
