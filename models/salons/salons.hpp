#pragma once
// Community salons (kayoinoba): venues meet on a schedule; residents who can reach their nearest
// open venue join, keep coming or drop out; attending gives contacts, new ties and slower
// functional decline (dose-response in recent attendance).
//
// Each session: (1) every resident whose venue meets decides, from their own random stream,
// whether they want to come (members: attend or not; others: join or not, with invitations and
// friends who attend); (2) each venue admits its candidates up to capacity, members first,
// then by a random priority; (3) attendees may befriend each other (ties added to the
// network). Everyone's running attendance then sets the contacts and decline effects, in the
// access phase (SalonActivity, models/salons/activity.hpp), shared with the drop-by salons.
#include <vector>

#include "models/salons/activity.hpp"
#include "models/salons/salon_params.hpp"
#include "models/town/town_params.hpp"
#include "models/transport/reach.hpp"
#include "sim/module.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

inline constexpr std::string_view kSalonsStream = "salons";
/// The registered column of venues within 350 m of home (the salon study's instrument).
inline constexpr std::string_view kSalonsWithin350mColumn = "salons_within_350m";

/// A venue as placed on the map.
struct PlacedVenue {
  Venue venue;
  double x_m = 0, y_m = 0;
};

/// The listed venues, then those placed by the rule ('gaps': greedy, each at the home of the
/// resident with most residents not yet within coverage_radius_m of a venue).
std::vector<PlacedVenue> place_venues(const SalonsParams& salons, const TownMap& map,
                                      const Population& population);

/// How readily a resident gets to a venue `distance_m` away, given the means that reaches it
/// (transport/reach.hpp, means_to): 1 within walking range or with a shuttle seat; by car
/// drives_access, with a lift (or a bus) lifts_access; and walking as far as it fades with the
/// distance beyond walking range, whichever is more.
double salon_access(const Participation& participation, Means means, double distance_m,
                    double walking_range_m);

/// Whether a venue meets during step `step` (days [step, step+1) * days_per_step).
bool meets_in_step(const Venue& venue, std::int64_t step, int days_per_step);

/// Odds that a non-member joins at a session, before access and invitation.
double join_odds(const Participation& participation, const Population& population, ResidentId id,
                 double age, int friends_attending, double fee_yen);

class Salons final : public Module {
 public:
  Salons(SalonsParams params, TownMap map, GettingAbout getting_about)
      : params_(std::move(params)), map_(std::move(map)), getting_about_(getting_about) {}
  Salons(SalonsParams params, const TownParams& town) : Salons(std::move(params), town, town) {}
  std::string_view name() const override { return kSalonsStream; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  void finalize(Simulation& sim) override;
  /// Each venue's yearly cost times the years it was open so far.
  double cost_yen(const Simulation& sim) const override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;

  const std::vector<PlacedVenue>& venues() const { return venues_; }

 private:
  void assign_venues(const Population& p, std::int64_t step);

  SalonsParams params_;
  TownMap map_;
  GettingAbout getting_about_;
  SalonAttendance attendance_;
  ShuttleSeats seats_;
  Column<std::uint16_t> within_350m_;  // venues within 350 m of home, over the whole run
  Column<float> nearest_m_;            // nearest venue of the whole run
  std::vector<PlacedVenue> venues_;
  std::vector<std::uint8_t> open_;  // per venue, at the last assignment
  // Per resident.
  std::vector<std::int32_t> venue_of_;   // nearest open venue, -1 none
  std::vector<float> venue_distance_m_;  // distance to it
  std::vector<std::uint8_t> member_;
  std::vector<std::uint8_t> candidate_;  // wants to come this session
  std::vector<float> propensity_;        // odds multiplier to join, drawn once
  RelativeLists relatives_;              // for lifts
  // Per venue.
  std::vector<std::vector<ResidentId>> candidates_;  // reused each session
  std::vector<std::int32_t> sessions_held_, attendance_total_, members_, eligible_;
  std::vector<float> x_m_, y_m_;
  std::vector<std::int32_t> capacity_, opens_step_, closes_step_;
  std::vector<std::uint8_t> schedule_;
};

}  // namespace salonsim::models
