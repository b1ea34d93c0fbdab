#pragma once
// Social prescribing: doctors at clinics screen their patients with the 4-item scale; link
// workers take the positive ones, as their caseloads allow, and refer them to what exists within
// their reach (referral.hpp); what a client takes up changes their life only through that
// resource: a group's sessions, the mobile shop, a shuttle seat, or welfare counselling that can
// end an episode of hardship.
//
// Each step, in the interventions phase (after the groups of the step have met, so a referral
// counts from the next step):
//   1. screening visits that fall in this step: a resident due for a screen (none in the past
//      interval_months) sees their doctor at the rate of their age and frailty; the visit is a
//      screen with probability_per_visit, and only if their nearest clinic screens and they can
//      get there (transport/reach.hpp). The next such visit is scheduled when one happens (a
//      thinned Poisson process), so no resident is drawn for in a step without one;
//   2. a positive screen joins the waiting list of the team serving the resident's district;
//   3. link workers take clients from the lists (caseload.hpp), match each need to a resource
//      and the client takes each referral up or not.
#include <tbb/enumerable_thread_specific.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "models/prescribing/caseload.hpp"
#include "models/prescribing/prescribing_params.hpp"
#include "models/prescribing/referral.hpp"
#include "models/prescribing/referral_book.hpp"
#include "models/shops/food_access.hpp"
#include "models/town/town_params.hpp"
#include "models/transport/reach.hpp"
#include "models/welfare/hardship.hpp"
#include "sim/module.hpp"
#include "sim/outcomes.hpp"

namespace salonsim::models {

class CommunityGroups;
class MobileShop;
class Shuttle;

inline constexpr std::string_view kSocialPrescribingStream = "social_prescribing";

/// A clinic as placed on the map.
struct PlacedClinic {
  std::string name;
  Point point;
  bool screens = true;
  std::int32_t district = -1;  // generated clinics: their district; listed: -1
};

/// The listed clinics, then (generate) each district's: round(residents * per_10k / 10,000), at
/// least one where the district has starting residents, each at the home of a resident drawn
/// from the district's; screening_share of the generated ones (rounded) screen, chosen at random.
std::vector<PlacedClinic> place_clinics(const Clinics& clinics,
                                        const std::vector<District>& districts,
                                        const Population& population, const RandomStream& stream);

/// Outpatient visits a year at `age` with `frailty`.
double visits_per_year(const Visits& visits, double age, double frailty);

/// Social prescribing outcomes (screened, positive, referred, taken up by destination, wait).
std::vector<Outcome> social_prescribing_outcomes();

/// Link-worker competences: the quantiles of a beta distribution with the mean and spread at the
/// workers' uniforms (all the mean when the spread is 0).
double competence_at(const LinkWorkers& workers, double uniform);

class SocialPrescribing final : public Module, public ReferralSource {
 public:
  /// Clients taken in a step are met in parallel, this many to a task.
  static constexpr std::size_t kIntakeBlock = 16;
  SocialPrescribing(SocialPrescribingParams params, const TownParams& town)
      : params_(std::move(params)),
        map_(town),
        getting_about_(town),
        hardship_params_(town.hardship) {}
  std::string_view name() const override { return kSocialPrescribingStream; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override;
  void start(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  /// Who was reached (the reach table).
  void finalize(Simulation& sim) override;
  /// Link workers for the years so far, screens and counselling cases.
  double cost_yen(const Simulation& sim) const override;
  void add_output_tables(const Simulation& sim, std::vector<OutputTable>& tables) const override;
  std::size_t bytes() const override;

  const std::vector<PlacedClinic>& clinics() const { return clinics_; }
  const std::vector<float>& competence() const { return competence_; }
  /// The referrals clients took up, by service.
  const ReferralBook& referral_book() const override { return book_; }

  /// Rows of the reach table: residents by characteristic at entry.
  static constexpr std::size_t kReachRows = 8, kReachColumns = 6;
  static constexpr std::array<std::string_view, kReachRows> kReachRowNames{
      "all",   "low_income", "high_income",  "men",
      "women", "isolated",   "living_alone", "without_car"};

 private:
  struct Columns {
    Column<std::uint16_t> screens;
    // Steps in two bytes (sim/population.hpp's StoredStep).
    Column<StoredStep> last_screen;           // step of the last screen, -1 never
    Column<std::uint8_t> answers;             // bits of the last screen's answers (screening.hpp)
    Column<StoredStep> first_positive;        // step, -1 never
    Column<StoredStep> waiting_since;         // step joined the waiting list, -1 not waiting
    Column<StoredStep> first_intake;          // step a link worker first took them, -1 never
    Column<StoredStep> client_until;          // last step of the present period as a client
    Column<StoredStep> waited_steps;          // steps waited until taken, every time (a count
                                              // of a run's steps, so it fits as a step does)
    Column<std::uint16_t> intakes;            // times taken as a client
    Column<std::uint8_t> referred;            // destination bits ever referred to
    Column<std::uint8_t> took_up;             // destination bits ever taken up
    Column<std::uint8_t> unmet_nothing_near;  // need bits with nothing within reach
    Column<std::uint8_t> dropped;             // times dropped off the waiting list
    Column<StoredStep> next_visit;            // step of the next screening visit (not written)
    Column<float> nearest_clinic_m;
  };
  /// Schedules the next screening visit of resident i after step `from` (exclusive).
  void schedule_visit(Population& p, ResidentId id, std::int64_t from, std::uint64_t key_step,
                      double dt);
  /// Screens a resident whose visit is due (their own rows only, so residents can be screened in
  /// parallel): the team whose waiting list they should join, or -1.
  std::int32_t screen(Simulation& sim, ResidentId id, std::int64_t step);
  /// A client a link worker took this step, in the order taken.
  struct Intake {
    ResidentId id;
    std::int32_t worker, since;
  };
  /// A referral taken up, for the book (written in the order the clients were taken).
  struct BookEntry {
    ResidentId id;
    std::size_t service;
    std::int32_t until;
  };
  /// A thread's lists for one client at a time.
  struct IntakeScratch {
    std::vector<Option> options;
    std::vector<double> found_draw;
  };
  /// A link worker's first meeting with a client: needs, options, referrals and their uptake.
  /// Writes the client's own rows and adds to the counts atomically, so clients can be taken in
  /// parallel; the referrals taken up go to `book` for the book.
  void take_client(Simulation& sim, const Intake& intake, std::int64_t step, IntakeScratch& scratch,
                   std::vector<BookEntry>& book);
  /// Every resource within the client's reach that meets a need in `needs`.
  void options_for(const Simulation& sim, ResidentId id, std::uint8_t needs, std::int64_t step,
                   std::vector<Option>& options) const;

  SocialPrescribingParams params_;
  TownMap map_;
  GettingAbout getting_about_;
  HardshipParams hardship_params_;
  Columns columns_;
  HardshipColumns hardship_;
  FoodAccessColumns food_;
  Column<float> friends_per_week_, family_per_week_;
  RandomStream stream_;
  std::shared_ptr<const RelativeLists> relatives_;  // for lifts, shared
  std::vector<PlacedClinic> clinics_;
  std::vector<std::int32_t> clinic_of_;  // per resident: nearest clinic, -1 none
  std::vector<std::int32_t> team_of_district_;
  std::vector<float> competence_;  // per worker
  std::vector<std::int32_t> team_of_worker_;
  std::unique_ptr<Caseloads> caseloads_;
  // Services a client can be referred to (found at init), and the referrals taken up to them.
  std::vector<CommunityGroups*> groups_;
  MobileShop* shop_ = nullptr;
  Shuttle* shuttle_ = nullptr;
  std::size_t shop_service_ = 0, shuttle_service_ = 0;  // their numbers in the book
  ReferralBook book_;
  FinancialHardship* hardship_module_ = nullptr;
  // Per clinic: place, whether it screens, district, patients (nearest clinic at the start),
  // screens, positives.
  std::vector<float> clinic_x_, clinic_y_;
  std::vector<std::uint8_t> clinic_screening_;
  std::vector<std::int32_t> clinic_district_, clinic_patients_, clinic_screens_, clinic_positives_;
  // Per worker: clients, referrals, uptakes, steps their clients waited.
  std::vector<std::int32_t> worker_clients_, worker_referrals_, worker_uptakes_, worker_waited_;
  // Per destination: referrals and uptakes; counselling cases that ended hardship.
  std::vector<std::int32_t> referrals_ = std::vector<std::int32_t>(kDestinations, 0),
                            uptakes_ = std::vector<std::int32_t>(kDestinations, 0);
  std::array<std::vector<std::int32_t>, kReachColumns> reach_;  // [column][row]
  std::int32_t relieved_ = 0, welfare_cases_ = 0;
  std::int64_t screens_total_ = 0;
  // Reused each step.
  std::vector<std::vector<ResidentId>> due_;                              // per block of residents
  std::vector<std::vector<std::pair<std::int32_t, ResidentId>>> listed_;  // (team, resident)
  std::vector<std::tuple<std::uint32_t, std::int32_t, ResidentId>> joining_;  // (key, team, id)
  std::vector<Intake> taken_;
  std::vector<std::vector<BookEntry>> book_entries_;  // per block of clients taken
  tbb::enumerable_thread_specific<IntakeScratch> intake_scratch_;
};

}  // namespace salonsim::models
