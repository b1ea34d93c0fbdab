#pragma once
// What the teaching page sees of a running simulation: the map (districts, homes, places), each
// resident's state as one character, the counts the live plots draw, this week's attendance at
// each place, and one resident's story. It reads the simulation generically: places are the
// output tables with coordinates, participation is membership of any group kind, events are the
// registered columns that hold a step.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "sim/calendar.hpp"
#include "sim/simulation.hpp"

namespace salonsim::web {

/// A resident's state on the map, one character each in a frame.
enum class ResidentState : char {
  kNotInTown = '0',  // not yet 65 (enters later in the run)
  kIndependent = '1',
  kIsolated = '2',   // independent, fewer than one contact a week outside the household
  kTakesPart = '3',  // independent, a member of a salon or of a group an intervention opened
  kCertified = '4',
  kDied = '5',
};

/// The names of the states, in code order.
const std::vector<std::string>& resident_state_names();

/// A code name as words: "neighbourhood_association" reads "neighbourhood association".
std::string readable_name(std::string_view name);

/// The map both arms share: bounds, districts and homes (the same residents in both arms).
nlohmann::json map_json(const Simulation& simulation, const models::Scenario& scenario);

/// One arm's view. It watches its simulation through the step observer, so that the counts of
/// every step a request advances reach the plots.
class ArmView {
 public:
  ArmView(Simulation& simulation, const models::Scenario& scenario);
  ArmView(const ArmView&) = delete;
  ArmView& operator=(const ArmView&) = delete;

  /// The places on the map, one layer per output table with coordinates.
  nlohmann::json layers() const;
  /// The arm's part of a frame: states, the counts of each step since the last frame, this
  /// week's attendance at each place, and the cost so far.
  nlohmann::json frame();
  /// One resident's story: who they are, what happened to them, their ties.
  nlohmann::json story(ResidentId id) const;
  ResidentState state_of(ResidentId id) const;

 private:
  void record_counts(std::int64_t week);
  bool takes_part(ResidentId id) const;

  Simulation& simulation_;
  std::vector<std::string> district_names_;
  std::string start_date_;
  std::vector<const std::vector<std::uint8_t>*> membership_;
  /// Sessions attended, by group kind (salon, sports, ...), for the stories.
  std::vector<std::pair<std::string, const std::vector<std::uint16_t>*>> sessions_;
  nlohmann::json pending_series_ = nlohmann::json::array();
  /// Attendance totals at each place of a layer when last seen, for this week's attendance.
  std::map<std::string, std::vector<double>> last_totals_;
  std::int64_t totals_week_ = -1;
  std::map<std::string, std::vector<double>> this_week_;
  /// This week's use of services that have no place on the map (shuttle rides): label, count.
  std::vector<std::pair<std::string, double>> services_;
};

}  // namespace salonsim::web
