#pragma once
// Ties that form and fade during the run, and the ties people make when they enter the town.
//
// Entry: a resident who turns 65 makes ties with residents present then, near home, as a
// starting resident of the same sociability has on average at set-up (half proposed by them,
// half by others), never with rows that have not entered.
//
// Turnover, once every `every_days`: each friendship, tie with a neighbour and tie made at a
// group fades at its kind's rate (faster when either end is certified); each resident makes new
// friendships and neighbour ties at the rate that replaces, on average, what fading and deaths
// take from a resident of their sociability (so the network at set-up is the one turnover
// keeps, while individuals gain and lose ties, and move in and out of isolation); and a tie's
// weekly contacts are drawn anew at contact_change_per_year (people see a friend more or less
// often over the years). New friends
// are found near home with the set-up's homophily, or among friends' friends. A certified
// resident makes and accepts new ties at certified_formation_ratio of the rate. Ties take free
// slots in the residents' rows (sim/network.hpp); a full row makes no more ties.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/health/life_table.hpp"
#include "models/network/network_params.hpp"
#include "sim/module.hpp"
#include "sim/network.hpp"
#include "sim/random.hpp"
#include "sim/spatial_grid.hpp"

namespace salonsim::models {

inline constexpr std::string_view kTieTurnoverStream = "tie_turnover";

/// Mean annual probability of death of the living residents at step 0 by the life table: the
/// rate at which an average resident loses ties to their partners' deaths.
double tie_loss_to_deaths_per_year(const Population& p, const LifeTable& table,
                                   double years_per_step);

/// The rate at which a resident makes new ties of a kind (per year), before the certified
/// ratio: half their expected ties times what fades and dies per year.
double formation_per_year(const TieFormation& formation, double fade_per_year,
                          double loss_to_deaths_per_year, Sex sex, double sociability);

class TieTurnover final : public Module {
 public:
  TieTurnover(NetworkParams params, const LifeTable& table)
      : params_(std::move(params)), table_(&table) {}
  std::string_view name() const override { return kTieTurnoverStream; }
  Phase phase() const override { return Phase::kDemography; }
  void init(Simulation& sim) override;
  void step(Simulation& sim, std::int64_t step) override;
  std::size_t bytes() const override {
    std::size_t entry = 0;
    for (const EntryBlock& block : entry_blocks_) {
      entry += bytes_of(block.entrants) + bytes_of(block.proposals_end) + bytes_of(block.proposals);
    }
    return (grid_ ? grid_->bytes() : 0) + bytes_of(chunk_changes_) + entry;
  }

  std::int64_t steps_between_updates() const { return interval_; }
  double loss_to_deaths_per_year() const { return loss_to_deaths_; }

 private:
  struct Change {
    enum class What : std::uint8_t { kRemove, kAdd, kContacts };
    ResidentId a = 0, b = 0;
    Tie tie;  // kAdd: the new tie; kContacts: its new contacts
    What what = What::kAdd;
  };
  // Entrants' ties in two passes (see make_entry_ties): what the first pass finds for each
  // proposal of an entrant, in a block of entrants.
  struct EntryProposal {
    std::uint32_t index = 0;     // kind * kMaxEntryTies + proposal: keys its draws
    std::uint8_t kind = 0;       // into nearby_kinds
    ResidentId partner = 0;      // the entrant themselves: nobody
    std::uint32_t found_at = 0;  // the attempt that found the partner
    float contacts = 0;          // the tie's weekly contacts, with a partner
  };
  struct EntryBlock {
    std::vector<ResidentId> entrants;
    std::vector<std::uint32_t> proposals_end;  // per entrant: the end of theirs in `proposals`
    std::vector<EntryProposal> proposals;
  };
  void make_entry_ties(Simulation& sim, std::int64_t step);
  void draw_entry_proposals(const Simulation& sim, std::int64_t step, EntryBlock& block) const;
  /// find_nearby for an entrant's proposal `index` of nearby kind `kind` (into nearby_kinds),
  /// from attempt `first` on, against the network as it is; `found_at` is set to the attempt
  /// that found the partner.
  ResidentId search_for_entrant(const Simulation& sim, std::int64_t step, ResidentId self,
                                std::size_t kind, std::uint32_t index, std::uint32_t first,
                                std::uint32_t& found_at) const;
  void turnover(Simulation& sim, std::int64_t step);
  /// The change resident i asks for this update (none, a fade, a new tie), from their draws
  /// `u` (kEventDraw).
  void propose(const Simulation& sim, std::int64_t step, ResidentId i,
               const std::array<double, 4>& u, std::vector<Change>& changes) const;

  /// What every resident's proposal in one update reads (set before the parallel pass).
  struct Update {
    RandomStream stream;
    const float* sociability = nullptr;
    double years_per_step = 0, dt = 0;
    std::array<std::array<double, 2>, 2> formation{};  // [sex][neighbours, friends] per year
    // By tie kind (its byte): the fading rate a year at the certified ratio, and whether its
    // contacts are drawn anew; looked up for every tie at every update. Row 1 for a tie the
    // resident considers, row 0 (all 0) for one they do not, so the sums need no branch.
    std::array<std::array<double, 256>, 2> fading_most{};
    std::array<std::array<std::uint8_t, 256>, 2> redrawable{};
    // The largest rate of events a tie of any kind has (fading and drawing anew): a bound on a
    // resident's rate from their number of ties alone.
    double most_per_tie = 0;

    /// Surely no event befalls the ties of a resident with `degree` ties this update when their
    /// gate `u` is at most 1 - a bound on their rate times dt: the bound from the number of ties
    /// alone, with a margin for the rounding of the sums.
    bool surely_no_event(double u, std::uint32_t degree) const {
      const double bound = most_per_tie * degree * (1.0 + 1e-9);
      return u <= (1.0 - bound * dt) * (1.0 - 1e-12);
    }
    /// A resident's rates a year of forming a tie with a neighbour and with a friend.
    std::array<double, 2> forming(std::uint8_t sex, bool certified, float sociability_of,
                                  double certified_ratio) const {
      const double scale = sociability_of * (certified ? certified_ratio : 1.0);
      return {formation[sex][0] * scale, formation[sex][1] * scale};
    }
    /// Surely no tie is formed at a rate `rate` a year when the gate `u` is at least rate * dt
    /// (more than 1 - exp(-rate dt)), with a margin for rounding.
    bool surely_none_formed(double u, double rate) const {
      return rate <= 0 || u >= rate * dt * (1.0 + 1e-12);
    }
  };

  NetworkParams params_;
  const LifeTable* table_;
  Update update_;
  std::optional<SpatialGrid> grid_;
  Column<float> sociability_;
  std::int64_t interval_ = 1;
  double loss_to_deaths_ = 0;
  std::size_t next_entrant_ = 0;
  std::vector<std::vector<Change>> chunk_changes_;  // reused every update
  std::vector<EntryBlock> entry_blocks_;            // reused every step with entrants
  // Ties of each nearby kind the starting residents have against the mean ties the parameters
  // ask for ([sex][relatives, neighbours, friends]): at set-up, two residents who propose each
  // other make one tie, and some find nobody who accepts. Entrants and new ties keep the network
  // as built, not as parametrised.
  std::array<std::array<double, 3>, 2> realised_{{{1, 1, 1}, {1, 1, 1}}};
};

}  // namespace salonsim::models
