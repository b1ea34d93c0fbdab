#pragma once
// The emulated observational studies of community groups, read from the baseline survey wave as
// a researcher reads the JAGES panel (Kanamori et al. 2014, Ashida et al. 2016, Takahashi et al.
// 2019): residents independent at the baseline survey (before the first step); exposure:
// belonging to a group of the kind at that survey; outcomes: certification and death followed
// to the end of the run; Cox adjusted for age, sex, income and isolation at baseline. One fit
// per kind and one for any group. Beside each, the truth the model knows: the hazard ratios
// the kind itself gave its members at baseline (the mean of their ratios), and, when the
// reference arm holds the same residents, what happened to the same members there (with the
// reference's groups' effects: e.g. the town with the effects of its groups set to 0, on common
// random numbers).
#include <cstdint>
#include <string>
#include <vector>

#include "models/groups/group_params.hpp"
#include "sim/output/hazard_ratios.hpp"
#include "sim/stats/cox.hpp"

namespace salonsim::models {

/// The published association a kind's emulated study is compared with ("" where none).
struct PublishedAssociation {
  std::string certification, death;
};
PublishedAssociation published_association(std::optional<GroupKind> kind);

struct GroupStudyRow {
  std::optional<GroupKind> kind;  // nullopt: any group
  std::int64_t members = 0;
  double certified_members = 0, certified_others = 0;  // shares with the event in follow-up
  double died_members = 0, died_others = 0;
  stats::CoxFit certification, death;                   // coefficient 0: member
  double true_decline_ratio = 1, true_death_ratio = 1;  // mean over members at baseline
  double certified_members_reference = -1, died_members_reference = -1;  // -1: no reference
};

struct GroupStudy {
  double follow_up_years = 0;
  std::int64_t cohort = 0;
  std::vector<GroupStudyRow> rows;  // one per kind, then any group
};

/// The study's data, gathered run by run as a comparison's runs finish (in any order): of each
/// replicate, its tallies and its cohort's rows (about 22 bytes a resident), and of the
/// reference's replicate, who was certified and who died (1 byte a resident), never whole runs.
/// The fit pools the replicates in their order, one kind at a time.
class GroupStudyData {
 public:
  GroupStudyData(std::vector<GroupKind> kinds, std::size_t replicates);
  /// Takes the arm's run of `replicate`; throws std::invalid_argument without the baseline wave.
  void add_arm_run(std::size_t replicate, const RunRecord& run);
  /// Takes the reference's run of `replicate`, for the same members' outcomes there.
  void add_reference_run(std::size_t replicate, const RunRecord& run);
  /// The study of every replicate added; the reference's figures only when each replicate's
  /// reference holds the same residents.
  GroupStudy fit() const;

 private:
  /// An arm's replicate: per kind (then any group) members' counts and sums of their true
  /// ratios, and the cohort (alive and independent at baseline) in resident order.
  struct Replicate {
    bool added = false;
    std::uint64_t residents = 0;  // residents_digest of the run
    std::int32_t steps_per_year = 0;
    double follow_up_years = 0;
    std::vector<std::int64_t> members, others, cert_members, cert_others, died_members, died_others;
    std::vector<double> decline, dying;  // sums over members of their true ratios
    std::vector<std::int32_t> index, cert_end, death_end;
    std::vector<std::uint8_t> disabled, died, female, low_income, isolated;
    std::vector<std::uint8_t> member;  // bit k: a member of kind k
    std::vector<float> age;
  };
  /// The reference's replicate: bit 0 certified during the run, bit 1 died.
  struct Reference {
    bool added = false;
    std::uint64_t residents = 0;
    std::vector<std::uint8_t> outcome;
  };
  std::vector<GroupKind> kinds_;
  std::vector<Replicate> arm_;
  std::vector<Reference> reference_;
};

/// The studies of `kinds` in an arm (needs its baseline wave), with the same members in
/// `reference` when it holds the same residents, replicate k paired with replicate k.
GroupStudy group_study(const std::vector<RunRecord>& arm, const std::vector<GroupKind>& kinds,
                       const std::vector<RunRecord>* reference = nullptr);

/// Text of the studies beside the published associations and the truth.
std::string format_group_study(const std::string& arm, const GroupStudy& study);

/// The studies as an analysis the comparison runs for arms with community groups (runs of at
/// least three years).
ArmAnalysis group_study_analysis(std::vector<GroupKind> kinds);

}  // namespace salonsim::models
