#pragma once
// Community groups of every kind (sports, hobby, volunteer, senior club, neighbourhood
// association, and community salons): venues meet on a schedule; residents who can reach their
// nearest open venue of the kind join, keep coming or stop; attending gives contacts, new ties
// among co-members, slower functional decline and (for kinds with an effect on death) lower
// mortality, through the kind's GroupActivity (activity.hpp).
//
// Each session: (1) every resident whose venue meets decides, from their own random stream,
// whether they want to come (members: attend or not, and maybe stop; others: join or not, with
// invitations and friends who attend); (2) each venue admits its candidates up to capacity,
// members first, then by a random priority; (3) attendees may befriend each other (ties added
// to the network).
//
// Groups that already exist when the scenario starts (members_at_start: stationary) start in
// the steady state of joining and stopping: each resident belongs with the probability
// join / (join + stop) of their own per-session chances, friends who belong included; entrants
// draw the same way when they turn 65. A resident may belong to groups of several kinds; each
// kind is its own module with its own columns and effects.
#include <tbb/enumerable_thread_specific.h>
#include <boost/container/vector.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "models/groups/activity.hpp"
#include "models/groups/group_params.hpp"
#include "models/groups/venue_slots.hpp"
#include "models/groups/where_next.hpp"
#include "models/prescribing/referral_book.hpp"
#include "models/town/town_params.hpp"
#include "models/transport/reach.hpp"
#include "sim/admission.hpp"
#include "sim/module.hpp"
#include "sim/population.hpp"
#include "sim/row_boxes.hpp"

namespace salonsim::models {

inline constexpr std::string_view kSalonsStream = "salons";
/// The stream shared by every kind for the resident's general inclination to join groups.
inline constexpr std::string_view kJoinersStream = "groups";
/// The registered column, when an outreach programme runs (models/coalition), of the last step
/// to which a resident counts as invited to the groups near them (-1: never invited).
inline constexpr std::string_view kOutreachInvitedUntilColumn = "outreach_invited_until_step";
/// "Within reach of home" for venues: the salon study's instrument (salons within 350 m,
/// Hikichi et al. 2015), and the diagnosis sheet's coverage.
inline constexpr double kNearVenueM = 350;
/// The registered column of venues within 350 m of home (the salon study's instrument).
inline constexpr std::string_view kSalonsWithin350mColumn = "salons_within_350m";

/// A venue as placed on the map.
struct PlacedVenue {
  Venue venue;
  double x_m = 0, y_m = 0;
};

/// The sites the gaps rule takes, in the order taken.
struct GapsOrder {
  std::vector<float> x_m, y_m;
  std::size_t bytes() const { return bytes_of(x_m) + bytes_of(y_m); }
};

/// The listed venues, then those placed by the rule ('gaps': greedy, each at the home of the
/// resident with most residents not yet within coverage_radius_m of a venue). With `sim`, a
/// gaps rule in a town with no venue yet takes its sites from an order the run's mechanisms
/// share (Simulation::shared; the same sites as without).
std::vector<PlacedVenue> place_venues(const GroupParams& groups, const TownMap& map,
                                      const Population& population, Simulation* sim = nullptr);
/// The listed venues, then each rule's in turn (a rule counts residents served by every venue
/// placed before it).
std::vector<PlacedVenue> place_venues(const std::vector<Venue>& listed,
                                      const std::vector<Placement>& rules, const TownMap& map,
                                      const Population& population, Simulation* sim = nullptr);

/// How readily a resident gets to a venue `distance_m` away, given the means that reaches it
/// (transport/reach.hpp, means_to): 1 within walking range or with a shuttle seat; by car
/// drives_access, with a lift (or a bus) lifts_access; and walking as far as it fades with the
/// distance beyond walking range, whichever is more.
double group_access(const Participation& participation, Means means, double distance_m,
                    double walking_range_m);

/// Whether a venue meets during step `step` (days [step, step+1) * days_per_step).
bool meets_in_step(const Venue& venue, std::int64_t step, int days_per_step);

/// What joining depends on that changes over a resident's life.
struct HealthAt {
  double age = 65;
  double frailty = 0;
  bool certified = false;
};

/// What a resident's own odds of joining depend on, besides frailty.
struct PersonalFactors {
  bool female = false, low_income = false, lives_alone = false, isolated = false, certified = false;
  double age = 65;
};
inline PersonalFactors personal_factors(const Population& p, ResidentId id, double age,
                                        bool certified) {
  return {.female = p.sex[id] == static_cast<std::uint8_t>(Sex::kFemale),
          .low_income = p.income_low[id] != 0,
          .lives_alone = p.lives_alone[id] != 0,
          .isolated = p.isolated[id] != 0,
          .certified = certified,
          .age = age};
}
/// The resident's own factors of the odds of joining (sex, income, living alone, isolation,
/// certification, age band), before frailty, friends and the venue's fee.
double personal_odds_before_frailty(const Participation& participation,
                                    const PersonalFactors& factors);
/// The same, for a resident at `at`.
double personal_odds_before_frailty(const Participation& participation,
                                    const Population& population, ResidentId id,
                                    const HealthAt& at);
/// personal_odds_before_frailty for each of the 96 combinations of its factors, worked out once
/// by the same products (so the same values): a look-up in the decisions of every session.
class PersonalOddsTable {
 public:
  PersonalOddsTable() = default;
  explicit PersonalOddsTable(const Participation& participation);
  double operator()(const PersonalFactors& f) const { return odds_[index(f)]; }
  /// The largest entry for a sex and income, over every age, certification, isolation and
  /// living alone: what the odds can reach over the resident's life.
  double most(bool female, bool low_income) const {
    const std::size_t first = index({.female = female, .low_income = low_income});
    double most = 0;
    for (std::size_t i = first; i < odds_.size(); i += 4) most = std::max(most, odds_[i]);
    return most;
  }
  /// The smallest and the largest entry for the resident's sex, income, living alone and
  /// isolation in any age band up to f.age's, certified only if f.certified: the range of the
  /// odds over the resident's life so far, if those four held throughout.
  std::pair<double, double> range_so_far(const PersonalFactors& f) const {
    double least = std::numeric_limits<double>::infinity(), most = 0;
    for (const double age : {65.0, 75.0, 85.0}) {
      if (age > f.age && age > 65.0) break;
      for (const bool certified : {false, f.certified}) {
        PersonalFactors then = f;
        then.age = age;
        then.certified = certified;
        least = std::min(least, odds_[index(then)]);
        most = std::max(most, odds_[index(then)]);
      }
    }
    return {least, most};
  }
  static std::size_t index(const PersonalFactors& f) {
    const std::size_t band = f.age >= 85 ? 2 : f.age >= 75 ? 1 : 0;
    return static_cast<std::size_t>(f.female) | static_cast<std::size_t>(f.low_income) << 1 |
           static_cast<std::size_t>(f.lives_alone) << 2 |
           static_cast<std::size_t>(f.isolated) << 3 | static_cast<std::size_t>(f.certified) << 4 |
           band << 5;
  }

 private:
  std::array<double, 96> odds_{};
};
/// personal_odds_before_frailty times the factor of frailty: the odds without friends attending
/// and without a fee.
double personal_join_odds(const Participation& participation, const Population& population,
                          ResidentId id, const HealthAt& at);
/// Odds that a non-member joins at a session, before access and invitation, at `at`.
double join_odds(const Participation& participation, const Population& population, ResidentId id,
                 const HealthAt& at, int friends_attending, double fee_yen);
/// Odds that a non-member joins at a session, before access and invitation, as they are now.
double join_odds(const Participation& participation, const Population& population, ResidentId id,
                 double age, int friends_attending, double fee_yen);

/// What the groups need from the rest of the town's parameters.
struct GroupsSetting {
  /// How fast the town's frailty rises with age (town.frailty), for the start.
  double frailty_increase_per_year = FrailtyParams{}.increase_per_year;
  /// How fast ties made at groups fade (network.turnover; 0 when turnover is off), for the
  /// co-member ties of the start.
  double acquaintance_fade_per_year = 0;
};

/// The setting of a scenario's town and network.
GroupsSetting groups_setting(const TownParams& town, double acquaintance_fade_per_year);

/// The share of time a resident belongs, in the steady state of joining (chance per session
/// `join_probability`) and stopping (`quit_probability`): join / (join + quit).
double steady_membership(double join_probability, double quit_probability);

class CommunityGroups final : public Module {
 public:
  /// Groups of `kind` with `params`, and the venues that groups interventions open (`opened`).
  CommunityGroups(GroupKind kind, GroupParams params, TownMap map, GettingAbout getting_about,
                  std::vector<NewGroupsParams> opened = {}, GroupsSetting setting = {});
  CommunityGroups(GroupKind kind, GroupParams params, const TownParams& town,
                  std::vector<NewGroupsParams> opened = {}, GroupsSetting setting = {})
      : CommunityGroups(kind, std::move(params), town, town, std::move(opened), setting) {}
  std::string_view name() const override { return name_; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override;
  /// Finds the outreach invitations, if a programme registered them.
  void start(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  void finalize(Simulation& sim) override;
  /// Opens a venue during the run (a municipal process decided it): it meets from its
  /// opens_step, and residents are assigned to it at the next step. Salons' within-350 m counts
  /// keep the venues of the scenario only.
  void open_venue(const PlacedVenue& venue);
  /// Recruits `volunteers` more organisers for venue v (more invitations from the next session).
  void add_volunteers(std::size_t v, std::int32_t volunteers);
  /// Salons, and groups that interventions open, are interventions with a cost; the town's
  /// standing groups alone are not.
  bool reports_cost() const override { return kind_ == GroupKind::kSalon || !opened_.empty(); }
  /// Each venue's yearly cost times the years it was open so far.
  double cost_yen(const Simulation& sim) const override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;
  std::size_t bytes() const override;

  /// Groups of the kind that are not the town's own (e.g. those a coalition starts): `label`
  /// names their module, membership column (<label>_member), indicator and table, so that
  /// belonging to them is a membership of its own. Attendance and its effects are the kind's.
  /// Call before init.
  CommunityGroups& labelled(std::string label);
  /// The name of this module's column or indicator made from `pattern` ("{}_member").
  std::string own_column(std::string_view pattern) const;
  GroupKind kind() const { return kind_; }
  const GroupParams& params() const { return params_; }

  /// A resident's venue of this kind as a link worker sees it (models/prescribing): the nearest
  /// open venue, how readily they get there now without a shuttle seat, and its fee.
  struct VenueReach {
    std::int32_t venue = -1;  // -1: no venue open
    double access = 0;
    double fee_yen = 0;
  };
  VenueReach reach_of(const Population& p, ResidentId id, std::int64_t step, double dt) const;
  /// Whether a shuttle seat to salons takes a resident to this kind's venues.
  bool shuttle_goes() const { return kind_ == GroupKind::kSalon; }
  /// Whether a resident belongs to a group of this module.
  bool is_member(const Population& p, ResidentId id) const { return p[member_][id] != 0; }
  const std::vector<PlacedVenue>& venues() const { return venues_; }

  /// A starting resident's chance to belong, with `friends` members among their ties and an
  /// invitation with chance `invited`, and the bounds that settle most draws at the start
  /// without working it out (the resident's past year by year); 0 without a venue open. After
  /// init; for tests.
  struct Bounds {
    double least = 0, most = 1;
  };
  struct ChanceAtStart {
    double chance = 0;
    Bounds bounds;
  };
  ChanceAtStart chance_at_start(const Population& p, ResidentId id, double dt, int friends,
                                double invited) const;

 private:
  /// Appends a venue's row to every per-venue column (at init, and when one opens later).
  void add_venue_state(const PlacedVenue& venue);
  /// Assigns every resident the nearest venue open in `step` (venues_of_, their distances).
  void assign_venues(const Population& p, std::int64_t step);
  /// ... searching every open venue.
  void assign_nearest_venues(const Population& p);
  /// ... when the venues `opened` (increasing) have opened since the last assignment and none
  /// has closed: comparing each resident's venue with them.
  void assign_opened_venues(const Population& p, const std::vector<std::int32_t>& opened);
  /// The squared distance from resident i's home to venue v, as the quick test of
  /// assign_opened_venues and the blocks' reach both work it out.
  double squared_to_venue(const Population& p, std::size_t i, std::int32_t v) const;
  /// The squared distance from resident i's home within which the quick test of
  /// assign_opened_venues compares an opened venue with theirs (infinity without a venue).
  double compared_within_squared(const Population& p, std::size_t i) const;
  /// Each block of homes' reach (block_reach_), after every resident's venue was assigned.
  void measure_block_reach(const Population& p);
  /// Counts each venue's residents alive who could join (not members): whom its volunteers
  /// invite among.
  void count_eligible(const Population& p);
  /// Adds the threads' counts of eligible residents by venue (SessionDecisions) to eligible_.
  void add_threads_eligible();
  /// How readily the resident gets to their venue (1: as if walking), with a shuttle seat this
  /// step if `seats` (salons only).
  double access_of(const Population& p, ResidentId id, std::int64_t step, double dt,
                   const ShuttleSeats::InStep* seats) const;
  /// access_of for a resident who lives beyond walking range, or nearly (dx, dy to the venue).
  double access_from_afar(const Population& p, ResidentId id, double age, double walking, double dx,
                          double dy) const;
  /// Chance that a non-member joins at a session, with `friends` ties who take part and an
  /// invitation with probability `invited` (for the steady state and entrants).
  double join_chance(const Population& p, ResidentId id, const HealthAt& at, int friends,
                     double access, double invited) const;
  /// Chance that a volunteer of venue v invites a given eligible resident at a session.
  double invitation_chance(std::int32_t v) const;
  /// Sessions a week a member of venue v with this access attends on average.
  float usual_attendance_per_week(std::int32_t v, double access) const;
  /// Chance that a member stops at a session.
  double stop_chance(bool certified) const;
  /// Chance that a starting resident aged `age` belongs (see the .cpp).
  double membership_at_start(const Population& p, ResidentId id, double age, int friends,
                             double access, double invited) const;
  /// Bounds of membership_at_start: the steady states of the least and the most the resident
  /// could have joined at a session at any age up to `age`, with the most and the least they
  /// could have stopped. Each holds with a margin for rounding.
  Bounds membership_at_start_bounds(const Population& p, ResidentId id, double age, int friends,
                                    double access, double invited) const;
  void start_members(Simulation& sim);
  /// Ties among the starting members of each venue, as many as joining and fading keep.
  void start_co_member_ties(Simulation& sim);
  /// A member's ties with co-members of their venue (roster_), as many as joining and fading
  /// keep on average; `step` keys the draws (kSetupStep at the start).
  void make_co_member_ties(Simulation& sim, ResidentId id, std::int64_t step);
  void join_entrants(Simulation& sim, std::int64_t step);
  /// Each venue's candidates from the `blocks` blocks of scratch_->wanting, into
  /// scratch_->candidates.
  void gather_candidates(std::size_t blocks);

  GroupKind kind_;
  std::string label_;  // empty: the kind's own groups
  std::string name_;
  GroupParams params_;
  std::vector<NewGroupsParams> opened_;
  GroupsSetting setting_;
  TownMap map_;
  GettingAbout getting_about_;
  GroupAttendance attendance_;
  ShuttleSeats seats_;
  Column<std::uint8_t> member_;                // belongs to a group of the kind (surveyed)
  Column<std::uint16_t> within_350m_;          // salons: venues within 350 m of home, whole run
  Column<float> nearest_m_;                    // salons: nearest venue of the whole run
  const StoredStep* invited_until_ = nullptr;  // outreach invitations, when a programme runs
  Referrals referred_;                         // social prescribing referrals taken up
  std::vector<PlacedVenue> venues_;
  std::vector<std::uint8_t> open_;  // per venue, at the last assignment
  bool assigned_ = false;           // residents assigned to the open venues at least once
  // Per resident.
  // A value a resident: Boost's vectors, written first in parallel (sim/memory.hpp).
  VenueSlots venue_slots_;  // nearest open venue (-1 none), as a slot: venue + 1
  std::int32_t venue_of(std::size_t id) const { return venue_slots_.venue(id); }
  // Per block of consecutive rows (homes close together): the box of its homes, and the largest
  // compared_within_squared of its residents, beyond which a venue that opens is nearer to none.
  RowBoxes home_boxes_;
  std::vector<double> block_reach_;
  boost::container::vector<float> propensity_;      // odds multiplier to join, drawn once
  std::shared_ptr<const RelativeLists> relatives_;  // for lifts, shared
  // Per venue: members at the start and entrants who belonged (for co-member ties at entry).
  std::vector<std::vector<ResidentId>> roster_;
  std::size_t entered_ = 0;  // residents entered so far (entrants join at entry)
  // Per venue.
  static constexpr std::size_t kCandidateChunks = 16;
  std::vector<std::vector<std::pair<ResidentId, ResidentId>>> new_ties_;  // reused each session
  std::vector<std::vector<ResidentId>> tied_rows_;  // per venue: rows given a tie this session
  /// What one thread's share of a session's decisions found, gathered without a serial pass
  /// over every resident: who stops, and each venue's residents who could join. Kept between
  /// steps so that nothing is allocated in the step.
  struct SessionDecisions {
    std::vector<ResidentId> quitting;
    std::vector<std::int32_t> eligible;  // per venue
  };
  tbb::enumerable_thread_specific<SessionDecisions> decisions_;
  using Wanting = std::pair<std::int32_t, ResidentId>;  // (venue, resident)
  static constexpr std::size_t kWantingBlock = 4096;
  /// The lists a session's decisions and admission work in, used only within one step of one
  /// kind and kept between steps so that nothing is allocated in the step. The kinds of a run
  /// step one after another, never two at once, so they share one: it holds the largest kind's
  /// lists rather than every kind's (8 bytes a resident less on bench-1m's five kinds).
  struct SessionScratch {
    /// Who wants to come (venue, resident), per block of kWantingBlock residents in id order.
    std::vector<std::vector<Wanting>> wanting;
    /// Each venue's candidates (who wants to come), in id order: venue v's are
    /// candidates[candidate_start[v] .. candidate_start[v + 1]). Gathered from `wanting` by
    /// gather_candidates, which works out each chunk's places in chunk_places.
    std::vector<ResidentId> candidates;
    std::vector<std::uint32_t> candidate_start, chunk_places;
    std::size_t bytes() const;
  };
  std::shared_ptr<SessionScratch> scratch_;
  bool owns_scratch_ = false;  // the kind that made it counts its bytes
  // One per thread, for venues over capacity.
  tbb::enumerable_thread_specific<std::vector<Candidate>> admission_order_;
  tbb::enumerable_thread_specific<std::vector<std::uint32_t>> attendee_keys_;  // one per thread
  std::vector<std::int32_t> meeting_;  // the venues that meet this step
  std::vector<std::int32_t> sessions_held_, attendance_total_, members_, eligible_;
  std::vector<float> x_m_, y_m_;
  std::vector<std::int32_t> capacity_, opens_step_, closes_step_;
  std::vector<std::uint8_t> schedule_;
  /// Factors of the odds of joining worked out once: friends attending (0 to the most counted),
  /// each venue's fee, and the largest factors of friends and of frailty (for a quick bound).
  struct JoinOddsFactors {
    std::vector<double> friends, fee;
    double most_for_friends = 1, most_for_frailty = 1;
    PersonalOddsTable personal;
    /// Per venue: the fee's factor times the largest factors of frailty and friends.
    std::vector<double> most_at_venue;
    /// PersonalOddsTable::most for each sex and income (index female | low_income << 1), and
    /// the largest venue factor (fee, and for men the venue's odds ratio for men) over every
    /// venue, for women and for men.
    std::array<double, 4> most_personal{};
    double most_venue_women = 0, most_venue_men = 0;
  } odds_;
  /// Chance, at any step, of a moment at which a non-member may join: an upper bound of their
  /// chance to join at a session, over every state they can be in (see step()).
  double readiness_chance(const Population& p, ResidentId id) const;
  /// Per resident: the next step at which they try to join, if a non-member whose venue meets
  /// then (below the current step: not drawn yet); beyond the longest run, kMaxSteps.
  boost::container::vector<StoredStep> next_try_;
  std::vector<double> invitation_chance_;  // per venue, this step
  // Interventions' groups: who their venues reach at the end, and where one more would reach
  // most (made at finalize; models/groups/where_next.hpp).
  Coverage coverage_;
  static constexpr std::size_t kWhereNextSites = 5;
};

}  // namespace salonsim::models
