#pragma once
// The order of phases in one step, written in one place.
//
// A step is one `run.days_per_step` interval (a week by default). Within it:
//   1. demography     residents who reach the entry age this step enter the town and make
//                     their ties; ties form and fade
//   2. contacts       weekly contacts and isolation, from ties to residents alive at the start
//   3. transport      transport services hand out this step's seats, so the interventions and
//                     the access phase below see who can ride
//   4. interventions  activities meet, services visit, programmes act
//   5. access         what the step's activities gave: access to necessities and the effects
//                     (contacts, hazard ratios) that activities contribute (sim/effects.hpp)
//   6. health         functional decline, LTC certification; deaths are requested, not applied
//   7. apply deaths   (the schedule itself) the one place deaths happen and ties are removed
//   8. record         the timeseries of the step; a survey wave if one is due when the step is
//                     done (sim/survey.hpp; a wave at step 0 is taken at the end of init);
//                     then the step observer (if any)
// Modules in the same phase run in the order they were added. Which mechanism runs in which
// phase: docs/model.md.
#include <array>
#include <string_view>

namespace salonsim {

enum class Phase { kDemography, kContacts, kTransport, kInterventions, kAccess, kHealth };

inline constexpr std::array<Phase, 6> kPhaseOrder = {Phase::kDemography, Phase::kContacts,
                                                     Phase::kTransport,  Phase::kInterventions,
                                                     Phase::kAccess,     Phase::kHealth};

constexpr std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::kDemography:
      return "demography";
    case Phase::kContacts:
      return "contacts";
    case Phase::kTransport:
      return "transport";
    case Phase::kInterventions:
      return "interventions";
    case Phase::kAccess:
      return "access";
    case Phase::kHealth:
      return "health";
  }
  return "unknown";
}

}  // namespace salonsim
