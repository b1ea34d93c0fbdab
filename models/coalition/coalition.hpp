#pragma once
// Coalition support: a municipality's process that turns community-diagnosis data into action
// (Haseda et al. 2019; coalition action theory). Both arms of the trial get the diagnosis,
// taken from the residents' state after the first step (the baseline survey). From the start
// of support, meetings come as a Poisson process (supported municipalities meet more often,
// with more sectors). Each meeting builds community capacity in proportion to the sectors
// whose members take part; capacity fades slowly. Capacity accrues actions (in proportion to
// the municipality's size), which meetings decide: each the action and district with the
// greatest weighted need left on the baseline sheet (residents the action is for, less those
// that earlier actions of the kind there reached; volunteers and a mobile shop once a district). An
// action takes effect after its lag, through the mechanisms it uses: venues opened in the town's
// groups, volunteers added to them, outreach invitations the groups read, a mobile-shop route with
// a lunch salon. Everything decided is logged (what, where, when, why) in /coalition_actions.
#include <cstdint>
#include <string>
#include <vector>

#include "models/coalition/coalition_params.hpp"
#include "models/coalition/diagnosis.hpp"
#include "models/town/town_params.hpp"
#include "sim/admission.hpp"
#include "sim/module.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

class CommunityGroups;
class MobileShop;

inline constexpr std::string_view kCoalitionStream = "coalition";

/// The label of the groups of a kind that a coalition starts (their module, membership column
/// <label>_member, indicator and table): new groups, joined beside the town's own.
inline std::string coalition_group_label(GroupKind kind) {
  return "coalition_" + std::string(group_kind_name(kind));
}

/// One action the coalition decided.
struct CoalitionDecision {
  std::int64_t decided_step = 0, effective_step = 0;
  CoalitionAction action = CoalitionAction::kNewGroup;
  std::int32_t district = 0;
  double need = 0;  // residents the action is for in the district, at baseline
  std::string reason;
  bool done = false;  // has taken effect
};

/// The capacity of a coalition after a meeting where `engaged` of `sectors_in_full` sectors
/// took part: the share of the capacity still missing that the meeting adds.
double capacity_after_meeting(double capacity, double gain_per_meeting, int engaged,
                              int sectors_in_full);

class CoalitionSupport final : public Module {
 public:
  CoalitionSupport(CoalitionSupportParams params, const TownParams& town);
  std::string_view name() const override { return kCoalitionStream; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override;
  /// Finds every group's membership column and food access, registered at their init.
  void start(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  void finalize(Simulation& sim) override;
  double cost_yen(const Simulation& sim) const override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;

  const Diagnosis& diagnosis() const { return diagnosis_; }
  const std::vector<CoalitionDecision>& decisions() const { return decisions_; }
  double capacity() const { return capacity_; }
  /// What a decision cost up to step `now`: one-off plus running cost while it lasted.
  double decision_cost_yen(const CoalitionDecision& decision, std::int64_t now,
                           double years_per_step) const;

 private:
  void take_diagnosis(const Simulation& sim, std::int64_t step);
  /// A meeting in this step (or none): capacity, then the actions it decides.
  void meet(Simulation& sim, std::int64_t step);
  /// The best action and district to take now, or false when nothing qualifies.
  bool choose(CoalitionDecision& decision, std::int64_t step) const;
  void take_effect(Simulation& sim, CoalitionDecision& decision, std::int64_t step);
  void run_outreach(Simulation& sim, std::int64_t step);
  /// The home in `district` with most weight within 350 m (weight(i) for living residents).
  template <class Weight>
  std::array<double, 2> best_site(const Population& p, std::int32_t district,
                                  Weight&& weight) const;
  const ActionTerms& terms(CoalitionAction action) const;
  /// Residents one action of the kind reaches (places, residents visited); 0: once per district.
  double reach(CoalitionAction action) const;

  CoalitionSupportParams params_;
  std::vector<District> districts_;
  CoalitionMeetings meetings_;
  std::vector<CommunityGroups*> groups_;
  MobileShop* mobile_shop_ = nullptr;
  Column<StoredStep> invited_until_;
  std::vector<const std::uint8_t*> member_;         // each group module's membership
  const std::uint8_t* poor_food_access_ = nullptr;  // none without food access
  Diagnosis diagnosis_;
  DiagnosisTable table_;
  std::int64_t start_step_ = 0;
  std::int64_t steps_per_month_ = 4;
  double capacity_ = 0;
  double size_ = 0;             // residents at baseline: actions scale with the municipality
  double pending_actions_ = 0;  // accrued from capacity, decided at meetings
  std::vector<CoalitionDecision> decisions_;
  struct Outreach {
    std::int32_t district = 0;
    std::int64_t from_step = 0, until_step = 0;
  };
  std::vector<Outreach> outreach_;
  AdmissionQueues outreach_queues_;        // reused each month
  std::vector<Candidate> outreach_order_;  // this month's visits
  // The log as output columns (filled at finalize).
  std::vector<std::int32_t> log_decided_, log_effective_;
  std::vector<std::uint8_t> log_action_;
  std::vector<std::uint16_t> log_district_;
  std::vector<float> log_need_, log_cost_;
};

}  // namespace salonsim::models
