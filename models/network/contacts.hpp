#pragma once
// Weekly contacts and isolation. Each resident's contacts this step are the contacts on ties
// to residents who are alive (spouses excluded: the JAGES measure counts people outside the
// household), fewer when either is certified, plus contact with family who are not residents
// and contacts from activities such as salons (activity_contacts_per_week).
// Reads only what the previous phases left, writes only its own row.
//
// The sums over a resident's ties change only when their ties change or when they or someone
// they are tied to enters, dies or is certified, so each step sums just those residents' ties
// again (the result is the same as summing everyone's; a test checks it); contacts from
// activities, which change every step for anyone who takes part, are added in the same pass.
#include <vector>

#include "models/network/network_params.hpp"
#include "sim/module.hpp"
#include "sim/network.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

/// What a tie to a resident contributes this step: nothing (not alive), reduced (certified) or
/// full. Read once per tie end, so it is packed into one byte per resident. contact_state()
/// works the values out by arithmetic, as does Contacts::recompute sixteen residents at a time:
/// keep them.
enum class ContactState : std::uint8_t { kAbsent = 0, kCertified = 1, kIndependent = 2 };

ContactState contact_state(const Population& population, ResidentId id);

/// Weekly contacts of one resident outside the household, split as the JAGES questions ask:
/// with family (relatives in the town and family who are not residents) and with friends and
/// others (neighbours, friends, acquaintances and activities).
struct WeeklyContacts {
  double family = 0;
  double friends = 0;
  double total() const { return family + friends; }
};

/// Weekly contacts of one resident with others outside the household, given every resident's
/// contact state and the resident's contacts from activities (every source's, summed).
WeeklyContacts weekly_contacts_by_kind(const NetworkParams& params, const Population& population,
                                       const Network& network,
                                       const std::vector<ContactState>& states, ResidentId id,
                                       float activity_contacts_per_week = 0.0f);
/// Their total.
double weekly_contacts(const NetworkParams& params, const Population& population,
                       const Network& network, const std::vector<ContactState>& states,
                       ResidentId id, float activity_contacts_per_week = 0.0f);

class Contacts final : public Module {
 public:
  /// `incremental` false recomputes everyone every step (slow; for checking the fast path).
  explicit Contacts(NetworkParams params, bool incremental = true)
      : params_(std::move(params)), incremental_(incremental) {}
  std::string_view name() const override { return "contacts"; }
  Phase phase() const override { return Phase::kContacts; }
  void init(Simulation& sim) override;
  /// Isolation again once every mechanism has set up its contacts (e.g. the groups that exist
  /// at the start), for the health model's start and the step-0 survey.
  void start(Simulation& sim) override { recompute(sim, 0, /*everyone=*/true); }
  void step(Simulation& sim, std::int64_t step) override;
  std::size_t bytes() const override {
    return bytes_of(states_) + bytes_of(from_ties_friends_) + bytes_of(dirty_) + bytes_of(changed_);
  }

 private:
  void recompute(Simulation& sim, std::int64_t step, bool everyone);
  NetworkParams params_;
  bool incremental_ = true;
  Column<float> family_contacts_;         // surveyed: weekly contacts with family
  Column<float> friend_contacts_;         // surveyed: weekly contacts with friends and others
  std::vector<ContactState> states_;      // at the last update (this step's, once updated)
  std::vector<float> from_ties_friends_;  // contacts on ties to friends and others
  std::vector<std::uint8_t> dirty_;       // the ties' sums must be made again
  static constexpr std::size_t kChunk = 1 << 16;
  std::vector<std::vector<ResidentId>> changed_;  // per chunk: residents whose state changed
};

}  // namespace salonsim::models
