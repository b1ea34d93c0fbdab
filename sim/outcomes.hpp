#pragma once
// Outcomes are declared, not hard-coded. A tally is a per-resident quantity summed by income
// group and sex at the end of a run (deaths, person-years, participants of an activity...); the
// core and each mechanism register the tallies they can count. An outcome is a named ratio of two
// tallies (or one tally), and the list of outcomes is what run summaries, comparisons, sweeps
// and reports all read. A tally a run did not register counts 0 (a run without an activity has no
// participants in it).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {

/// A per-resident quantity, summed over the residents who entered during the run.
struct Tally {
  std::string name;
  std::string description;
  std::function<double(ResidentId id)> value;
};

/// The tallies a simulation can count, registered by the core and by mechanisms at set-up.
class Tallies {
 public:
  /// Registers a tally (a second one of the same name replaces nothing and is ignored: two
  /// mechanisms that share a record register its tallies alike).
  void add(Tally tally) {
    for (const Tally& t : tallies_) {
      if (t.name == tally.name) return;
    }
    tallies_.push_back(std::move(tally));
  }
  const std::vector<Tally>& all() const { return tallies_; }

 private:
  std::vector<Tally> tallies_;
};

/// The sums of one group (or of several groups together), by tally name.
class GroupSummary {
 public:
  /// The sum of a tally; 0 for a tally the run did not count.
  double operator[](std::string_view tally) const {
    const auto it = sums_.find(tally);
    return it == sums_.end() ? 0.0 : it->second;
  }
  double& at(const std::string& tally) { return sums_[tally]; }
  GroupSummary& operator+=(const GroupSummary& other) {
    for (const auto& [name, value] : other.sums_) sums_[name] += value;
    return *this;
  }
  const std::map<std::string, double, std::less<>>& sums() const { return sums_; }

  /// For Boost.Serialization (sim/output/serialization.hpp): a summary crosses processes.
  template <class Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& sums_;
  }

 private:
  std::map<std::string, double, std::less<>> sums_;
};

/// An outcome of a run: numerator / denominator * scale (0 when the denominator is 0), or the
/// numerator alone when there is no denominator.
struct Outcome {
  std::string name;
  std::string description;
  std::string numerator;
  std::string denominator = {};  // "" for a count or a sum
  double scale = 1.0;
  /// Column heading in the printed run summary ("" to leave it out); shown only for runs that
  /// counted the numerator.
  std::string summary_heading = {};
  /// Show the numerator in the printed run summary as a count (residents per run), not a share.
  bool summary_as_count = false;
  /// In the comparison's per-arm table: heading ("" to leave it out), scale (100 for a share
  /// shown in %) and digits.
  std::string table_heading = {};
  double table_scale = 1.0;
  int table_digits = 1;
  /// The numerator counts residents an intervention reached (shown per certification averted).
  bool counts_reach = false;

  double value(const GroupSummary& group) const {
    const double numerator_value = group[numerator];
    if (denominator.empty()) return numerator_value;
    const double denominator_value = group[denominator];
    return scale * (denominator_value > 0 ? numerator_value / denominator_value : 0.0);
  }
};

/// The core's tallies (what every run counts: residents, deaths, certifications, isolation,
/// person-years, disability-free years).
namespace tally {
inline constexpr std::string_view kResidents = "residents";
inline constexpr std::string_view kIndependentAtEntry = "independent_at_entry";
inline constexpr std::string_view kDeaths = "deaths";
inline constexpr std::string_view kCertifications = "certifications";
inline constexpr std::string_view kIsolatedAtEntry = "isolated_at_entry";
inline constexpr std::string_view kAliveAtEnd = "alive_at_end";
inline constexpr std::string_view kIsolatedAtEnd = "isolated_at_end";
inline constexpr std::string_view kPersonYears = "person_years";
inline constexpr std::string_view kDisabilityFreeYears = "disability_free_years";
/// Long-term-care benefits paid for certified person-years (yen), counted by the health
/// mechanism; comparisons net it off interventions' costs.
inline constexpr std::string_view kLtcBenefitsYen = "ltc_benefits_yen";
}  // namespace tally

/// The core's outcomes: certifications, deaths, disability-free years and their rates.
std::vector<Outcome> core_outcomes();

/// The outcome of that name in a list; nullptr if there is none.
const Outcome* find_outcome(const std::vector<Outcome>& outcomes, std::string_view name);

}  // namespace salonsim
