#pragma once
// The order of phases in one step, written in one place.
//
// A step is one `run.days_per_step` interval (a week by default). Within it:
//   1. demography     residents who turn 65 this step enter the town
//   2. contacts       weekly contacts and isolation, from ties to residents alive at the start
//   3. interventions  salons, mobile shop, transport, social prescribing, coalitions
//   4. health         functional decline, LTC certification; deaths are requested, not applied
//   5. apply deaths   (the schedule itself) the one place deaths happen and ties are removed
//   6. record         the timeseries of the step
// Modules in the same phase run in the order they were added.
#include <array>
#include <string_view>

namespace salonsim {

enum class Phase { kDemography, kContacts, kInterventions, kHealth };

inline constexpr std::array<Phase, 4> kPhaseOrder = {Phase::kDemography, Phase::kContacts,
                                                     Phase::kInterventions, Phase::kHealth};

constexpr std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::kDemography:
      return "demography";
    case Phase::kContacts:
      return "contacts";
    case Phase::kInterventions:
      return "interventions";
    case Phase::kHealth:
      return "health";
  }
  return "unknown";
}

}  // namespace salonsim
