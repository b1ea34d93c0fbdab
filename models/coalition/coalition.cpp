#include "models/coalition/coalition.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/groups/groups.hpp"
#include "models/shops/food_access.hpp"
#include "models/shops/mobile_shop.hpp"
#include "sim/simulation.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim::models {

namespace {

enum Draw : std::uint64_t { kMeetingDraw = 0, kEngagementDraw = 1, kOutreachDraw = 2 };
/// The sectors of a full coalition (capacity_gain_per_meeting is for all of them engaged).
constexpr int kFullSectors = 6;
/// Actions accrued and not yet decided, at most (a coalition does not bank a backlog).
constexpr double kMostPending = 4;
/// Candidate sites tried per district when placing something.
constexpr std::size_t kMostSites = 200;

std::int64_t months_to_steps(double months, double years_per_step) {
  return std::llround(months / 12.0 / years_per_step);
}

/// A period in steps, at least one.
std::int64_t at_least_a_step(double months, double years_per_step) {
  return std::max<std::int64_t>(1, months_to_steps(months, years_per_step));
}

}  // namespace

double capacity_after_meeting(double capacity, double gain_per_meeting, int engaged,
                              int sectors_in_full) {
  const double gain = std::min(1.0, gain_per_meeting * engaged / sectors_in_full);
  return capacity + gain * (1.0 - capacity);
}

CoalitionSupport::CoalitionSupport(CoalitionSupportParams params, const TownParams& town)
    : params_(std::move(params)),
      districts_(town.districts),
      meetings_(params_.arm == CoalitionArm::kSupported ? params_.process.supported
                                                        : params_.process.data_only),
      capacity_(params_.process.capacity_at_start) {}

void CoalitionSupport::init(Simulation& sim) {
  Population& p = sim.population();
  invited_until_ = p.add_column<StoredStep>(
      {std::string(kOutreachInvitedUntilColumn), "step",
       "last step to which outreach workers' invitation to the groups near home stands, -1 never"},
      kNever);
  groups_ = sim.modules_of_type<CommunityGroups>();
  const std::vector<MobileShop*> shops = sim.modules_of_type<MobileShop>();
  mobile_shop_ = shops.empty() ? nullptr : shops.front();
  const double dt = sim.clock().years_per_step();
  start_step_ = sim.clock().step_at(params_.process.starts_years);
  steps_per_month_ = at_least_a_step(1, dt);
}

void CoalitionSupport::start(Simulation& sim) {
  // Every group's membership and food access, registered by their modules' init.
  const Population& p = sim.population();
  for (const CommunityGroups* groups : groups_) {
    const Column<std::uint8_t> member =
        p.columns.find<std::uint8_t>(groups->own_column("{}_member"));
    if (member.valid()) member_.push_back(p[member].data());
  }
  const Column<std::uint8_t> poor = p.columns.find<std::uint8_t>(kPoorFoodAccessColumn);
  poor_food_access_ = poor.valid() ? p[poor].data() : nullptr;
}

void CoalitionSupport::take_diagnosis(const Simulation& sim, std::int64_t step) {
  const Population& p = sim.population();
  DiagnosisInputs inputs{member_, poor_food_access_, {}};
  for (const CommunityGroups* groups : groups_) {
    for (const PlacedVenue& venue : groups->venues()) {
      if (open_at(venue.venue.opens_step, venue.venue.closes_step, step))
        inputs.venues.push_back({venue.x_m, venue.y_m});
    }
  }
  diagnosis_ = diagnose(p, districts_, inputs, step);
  size_ = diagnosis_.total().residents;
  table_ = diagnosis_table(diagnosis_, districts_);
}

void CoalitionSupport::step(Simulation& sim, std::int64_t step) {
  // The baseline: the residents' state once the first step has set everything (food access
  // is first worked out in step 0).
  if (diagnosis_.step < 0 && step >= 1) take_diagnosis(sim, step);
  for (CoalitionDecision& decision : decisions_) {
    if (!decision.done && decision.effective_step <= step) take_effect(sim, decision, step);
  }
  run_outreach(sim, step);
  if (diagnosis_.step < 0 || step < start_step_) return;
  const double dt = sim.clock().years_per_step();
  const CoalitionProcess& q = params_.process;
  capacity_ *= std::exp(-q.capacity_loss_per_year * dt);
  pending_actions_ = std::min(kMostPending, pending_actions_ + q.actions_per_year_per_10k * size_ /
                                                                   10000.0 * capacity_ * dt);
  meet(sim, step);
}

void CoalitionSupport::meet(Simulation& sim, std::int64_t step) {
  const RandomStream stream = sim.stream(kCoalitionStream);
  const double dt = sim.clock().years_per_step();
  if (stream.uniform(step, 0, kMeetingDraw) >= 1.0 - std::exp(-meetings_.meetings_per_year * dt))
    return;
  int engaged = 0;
  for (std::int32_t k = 0; k < meetings_.sectors; ++k)
    engaged += stream.uniform(step, static_cast<std::uint64_t>(k), kEngagementDraw) <
               params_.process.engagement;
  capacity_ = capacity_after_meeting(capacity_, params_.process.capacity_gain_per_meeting, engaged,
                                     kFullSectors);
  if (engaged == 0) return;  // nobody came: nothing is decided
  while (pending_actions_ >= 1) {
    CoalitionDecision decision;
    if (!choose(decision, step)) break;
    decision.effective_step = step + months_to_steps(terms(decision.action).lag_months, dt);
    decision.reason += fmt::format(
        "; decided at a meeting on day {} with {} of {} sectors, "
        "capacity {:.2f}",
        step * sim.clock().days_per_step, engaged, meetings_.sectors, capacity_);
    decisions_.push_back(std::move(decision));
    pending_actions_ -= 1;
  }
}

const ActionTerms& CoalitionSupport::terms(CoalitionAction action) const {
  const CoalitionActions& a = params_.actions;
  switch (action) {
    case CoalitionAction::kNewGroup:
      return a.new_group.terms;
    case CoalitionAction::kMensGroup:
      return a.mens_group.terms;
    case CoalitionAction::kVolunteers:
      return a.volunteers.terms;
    case CoalitionAction::kOutreach:
      return a.outreach.terms;
    case CoalitionAction::kMobileShop:
      return a.mobile_shop.terms;
  }
  throw std::logic_error("unknown coalition action");
}

double CoalitionSupport::reach(CoalitionAction action) const {
  const CoalitionActions& a = params_.actions;
  switch (action) {
    case CoalitionAction::kNewGroup:
      return a.new_group.capacity;
    case CoalitionAction::kMensGroup:
      return a.mens_group.capacity;
    case CoalitionAction::kOutreach:
      return a.outreach.residents_per_month * a.outreach.duration_months;
    case CoalitionAction::kVolunteers:
    case CoalitionAction::kMobileShop:
      break;
  }
  return 0;  // once per district
}

bool CoalitionSupport::choose(CoalitionDecision& best, std::int64_t step) const {
  const CoalitionActions& a = params_.actions;
  double best_score = 0;
  bool found = false;
  for (const auto& choice : kCoalitionActionChoices) {
    const CoalitionAction action = choice.value;
    const ActionTerms& t = terms(action);
    if (!t.enabled || capacity_ < t.min_capacity || t.priority <= 0) continue;
    if (action == CoalitionAction::kMobileShop && mobile_shop_ == nullptr) continue;
    for (std::size_t d = 0; d < diagnosis_.districts.size(); ++d) {
      const auto district = static_cast<std::int32_t>(d);
      // Earlier actions of the kind here: groups and outreach have reached some of the need
      // (their places, the residents visited); volunteers and a mobile shop come once.
      const auto earlier = std::count_if(decisions_.begin(), decisions_.end(), [&](const auto& k) {
        return k.action == action && k.district == district;
      });
      if (earlier > 0 && reach(action) <= 0) continue;
      const DistrictCounts& c = diagnosis_.districts[d];
      Indicator indicator = Indicator::kIsolated;
      double min_share = 0;
      std::string_view whom;
      switch (action) {
        case CoalitionAction::kNewGroup:
          indicator = Indicator::kUncoveredNonMembers;
          min_share = a.new_group.min_share;
          whom = "residents belong to no group and have no venue within 350 m";
          break;
        case CoalitionAction::kMensGroup:
          indicator = Indicator::kMenNotInGroup;
          min_share = a.mens_group.min_share;
          whom = "men belong to no group";
          break;
        case CoalitionAction::kVolunteers:
          indicator = Indicator::kCoveredNonMembers;
          whom = "residents belong to no group though one meets within 350 m";
          break;
        case CoalitionAction::kOutreach:
          indicator = Indicator::kIsolatedIndependent;
          whom = "residents are isolated and not certified";
          break;
        case CoalitionAction::kMobileShop:
          indicator = Indicator::kAloneShoppingDifficulty;
          min_share = a.mobile_shop.min_share;
          whom = "residents live alone with poor food access";
          break;
      }
      const double need = c.of(indicator) - static_cast<double>(earlier) * reach(action);
      const double of_whom =
          kIndicatorInfo[static_cast<std::size_t>(indicator)].of_men ? c.men : c.residents;
      if (need <= 0 || of_whom <= 0 || need / of_whom < min_share) continue;
      const double score = t.priority * need;
      if (found && score <= best_score) continue;
      found = true;
      best_score = score;
      best.decided_step = step;
      best.action = action;
      best.district = district;
      best.need = need;
      best.reason = fmt::format("{}: {} {} ({:.0f}%){}, the greatest weighted need left",
                                districts_[d].name, c.of(indicator), whom, 100 * c.share(indicator),
                                earlier > 0 ? fmt::format("; {:.0f} after {} earlier action{}",
                                                          need, earlier, earlier == 1 ? "" : "s")
                                            : std::string());
    }
  }
  return found;
}

template <class Weight>
std::array<double, 2> CoalitionSupport::best_site(const Population& p, std::int32_t district,
                                                  Weight&& weight) const {
  // Who counts, in parallel (a pass over every row, made whenever a group opens), then listed.
  const std::size_t n = p.size();
  std::vector<std::uint8_t> include(n, 0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16384), [&](const auto& range) {
    // Through local pointers: a store of a byte may alias anything, so through the vectors every
    // store would reload their data pointers.
    const std::uint8_t* alive = p.alive.data();
    const auto* in_district = p.district.data();
    std::uint8_t* included = include.data();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      included[i] = alive[i] && in_district[i] == district && weight(static_cast<ResidentId>(i));
    }
  });
  std::vector<ResidentId> homes;
  for (std::size_t i = 0; i < n; ++i) {
    if (include[i]) homes.push_back(static_cast<ResidentId>(i));
  }
  const District& d = districts_.at(district);
  std::array<double, 2> best{d.centre_m.at(0), d.centre_m.at(1)};
  if (homes.empty()) return best;
  const SpatialGrid grid(p.x_m, p.y_m, include, kCoverageRadiusM);
  const std::size_t stride = std::max<std::size_t>(1, homes.size() / kMostSites);
  std::size_t most = 0;
  for (std::size_t k = 0; k < homes.size(); k += stride) {
    const ResidentId site = homes[k];
    std::size_t served = 0;
    grid.for_each_within(p.x_m[site], p.y_m[site], kCoverageRadiusM, [&](ResidentId j) {
      served += std::hypot(p.x_m[j] - p.x_m[site], p.y_m[j] - p.y_m[site]) <= kCoverageRadiusM;
    });
    if (served > most) {
      most = served;
      best = {p.x_m[site], p.y_m[site]};
    }
  }
  return best;
}

void CoalitionSupport::take_effect(Simulation& sim, CoalitionDecision& decision,
                                   std::int64_t step) {
  decision.done = true;
  const Population& p = sim.population();
  const double dt = sim.clock().years_per_step();
  const District& district = districts_.at(decision.district);
  switch (decision.action) {
    case CoalitionAction::kNewGroup:
    case CoalitionAction::kMensGroup: {
      const bool mens = decision.action == CoalitionAction::kMensGroup;
      const GroupAction& action = mens ? params_.actions.mens_group : params_.actions.new_group;
      const GroupKind kind = *group_kind_of(action.kind);  // the type's check names a kind
      CommunityGroups* target = nullptr;
      std::vector<std::array<double, 2>> venues;
      for (CommunityGroups* groups : groups_) {
        if (groups->own_column("{}") == coalition_group_label(kind)) target = groups;
        for (const PlacedVenue& v : groups->venues()) venues.push_back({v.x_m, v.y_m});
      }
      if (target == nullptr) return;  // the type's build adds the module: not reached
      std::array<double, 2> site;
      if (mens) {
        const std::uint8_t* sex = p.sex.data();
        site = best_site(p, decision.district, [&](ResidentId i) {
          return sex[i] == static_cast<std::uint8_t>(Sex::kMale) && !in_any_group(member_, i);
        });
      } else {
        const VenueCoverage coverage(std::move(venues));
        site = best_site(p, decision.district,
                         [&](ResidentId i) { return !coverage.covers(p.x_m[i], p.y_m[i]); });
      }
      PlacedVenue placed{target->params().placement.template_venue, site[0], site[1]};
      Venue& venue = placed.venue;
      venue.kind = kind;
      venue.name = fmt::format("{} {} ({})", mens ? "men's" : "new", action.kind, district.name);
      venue.location_m = {site[0], site[1]};
      venue.district.clear();
      venue.schedule = action.schedule;
      venue.capacity = action.capacity;
      venue.volunteers = action.volunteers;
      venue.join_or_men = action.join_or_men;
      venue.opens_step = static_cast<std::int32_t>(step);
      venue.closes_step = -1;
      venue.yearly_cost_yen = 0;  // the coalition's log counts it
      target->open_venue(placed);
      return;
    }
    case CoalitionAction::kVolunteers: {
      // Shared round-robin among the group venues in or near the district.
      std::vector<std::pair<CommunityGroups*, std::size_t>> venues;
      for (CommunityGroups* groups : groups_) {
        for (std::size_t v = 0; v < groups->venues().size(); ++v) {
          const PlacedVenue& placed = groups->venues()[v];
          if (std::hypot(placed.x_m - district.centre_m.at(0),
                         placed.y_m - district.centre_m.at(1)) <=
              district.radius_m + kCoverageRadiusM)
            venues.emplace_back(groups, v);
        }
      }
      if (venues.empty()) return;
      for (std::int32_t k = 0; k < params_.actions.volunteers.recruits; ++k) {
        const auto& [groups, v] = venues[static_cast<std::size_t>(k) % venues.size()];
        groups->add_volunteers(v, 1);
      }
      return;
    }
    case CoalitionAction::kOutreach:
      outreach_.push_back({decision.district, step,
                           step + at_least_a_step(params_.actions.outreach.duration_months, dt)});
      return;
    case CoalitionAction::kMobileShop: {
      if (mobile_shop_ == nullptr) return;
      const std::array<double, 2> site = best_site(p, decision.district, [&](ResidentId i) {
        return p.lives_alone[i] != 0 && poor_food_access_ != nullptr && poor_food_access_[i] != 0;
      });
      MobileShopParams route;
      route.route.name = "mobile shop (" + district.name + ")";
      route.route.opens_step = static_cast<std::int32_t>(step);
      route.route.yearly_cost_yen = 0;  // the coalition's log counts it
      MobileShopStop stop;
      stop.name = district.name;
      stop.place.location_m = {site[0], site[1]};
      stop.weekdays = {2};
      stop.customers_per_visit = params_.actions.mobile_shop.customers_per_visit;
      stop.lunch_salon = true;
      stop.lunch_places = params_.actions.mobile_shop.lunch_places;
      route.stops.push_back(stop);
      mobile_shop_->add_route(std::move(route));
      return;
    }
  }
}

void CoalitionSupport::run_outreach(Simulation& sim, std::int64_t step) {
  if (outreach_.empty()) return;
  Population& p = sim.population();
  std::vector<StoredStep>& until = p[invited_until_];
  const RandomStream stream = sim.stream(kCoalitionStream);
  const OutreachAction& action = params_.actions.outreach;
  const std::int64_t lasts =
      at_least_a_step(action.invitation_months, sim.clock().years_per_step());
  for (const Outreach& programme : outreach_) {
    if (step < programme.from_step || step >= programme.until_step ||
        (step - programme.from_step) % steps_per_month_ != 0)
      continue;
    // This month's visits: isolated independent residents of the district (certified residents
    // have care managers) not invited now, by random priority from their own draws.
    admit_lowest(
        p.entered_by(step), static_cast<std::size_t>(action.residents_per_month),
        [&](std::size_t i, double& priority) {
          if (!(p.alive[i] && p.isolated[i] && !p.certified[i] &&
                p.district[i] == programme.district && until[i] < step))
            return false;
          priority = stream.uniform(step, i, kOutreachDraw);
          return true;
        },
        outreach_queues_, outreach_order_);
    for (const auto& [priority, id] : outreach_order_) until[id] = stored_step(step + lasts);
  }
}

void CoalitionSupport::finalize(Simulation& sim) {
  if (diagnosis_.step < 0) take_diagnosis(sim, sim.current_step());
  const double dt = sim.clock().years_per_step();
  const std::int64_t now = sim.current_step();
  log_decided_.clear();
  log_effective_.clear();
  log_action_.clear();
  log_district_.clear();
  log_need_.clear();
  log_cost_.clear();
  for (const CoalitionDecision& d : decisions_) {
    log_decided_.push_back(static_cast<std::int32_t>(d.decided_step));
    log_effective_.push_back(static_cast<std::int32_t>(d.effective_step));
    log_action_.push_back(static_cast<std::uint8_t>(d.action));
    log_district_.push_back(static_cast<std::uint16_t>(d.district));
    log_need_.push_back(static_cast<float>(d.need));
    log_cost_.push_back(static_cast<float>(decision_cost_yen(d, now, dt)));
  }
}

double CoalitionSupport::decision_cost_yen(const CoalitionDecision& decision, std::int64_t now,
                                           double years_per_step) const {
  if (!decision.done || decision.effective_step > now) return 0;
  const ActionTerms& t = terms(decision.action);
  std::int64_t closes = -1;
  if (decision.action == CoalitionAction::kOutreach) {
    closes = decision.effective_step +
             at_least_a_step(params_.actions.outreach.duration_months, years_per_step);
  }
  return t.setup_cost_yen +
         running_cost_yen(t.yearly_cost_yen, decision.effective_step, closes, now, years_per_step);
}

double CoalitionSupport::cost_yen(const Simulation& sim) const {
  const double dt = sim.clock().years_per_step();
  const std::int64_t now = sim.current_step();
  double cost = 0;
  if (params_.arm == CoalitionArm::kSupported)
    cost += running_cost_yen(params_.process.support_yearly_cost_yen, start_step_, -1, now, dt);
  for (const CoalitionDecision& d : decisions_) cost += decision_cost_yen(d, now, dt);
  return cost;
}

void CoalitionSupport::add_output_tables(const Simulation&,
                                         std::vector<OutputTable>& tables) const {
  tables.push_back(output_table(table_, districts_));
  std::vector<std::string> names, reasons;
  for (const auto& choice : kCoalitionActionChoices) names.emplace_back(choice.name);
  for (const CoalitionDecision& d : decisions_) reasons.push_back(d.reason);
  OutputTable log{
      "coalition_actions",
      "one row per action the coalition decided, in the order decided (what, where, when, why)",
      {{"decided_step", "step of the meeting that decided it", column_view(log_decided_)},
       {"effective_step", "step it takes effect (after its lag); may lie beyond the run",
        column_view(log_effective_)},
       {"action", "what: the code of the action (attribute action_names, line = code)",
        column_view(log_action_)},
       {"district", "where: index of the district in town.districts", column_view(log_district_)},
       {"need", "why: residents the action is for in the district on the baseline sheet",
        column_view(log_need_)},
       {"cost_yen", "cost over the run: one-off plus running cost while it lasted",
        column_view(log_cost_), "yen"}}};
  log.attributes = {{"action_names", fmt::format("{}", fmt::join(names, "\n"))},
                    {"reasons", fmt::format("{}", fmt::join(reasons, "\n"))}};
  tables.push_back(std::move(log));
}

}  // namespace salonsim::models
