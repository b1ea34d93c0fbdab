#include "apps/web/town_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <variant>

#include "models/groups/activity.hpp"
#include "models/groups/groups.hpp"
#include "sim/output/tables.hpp"

namespace salonsim::web {

namespace {

using nlohmann::json;

/// A table's name as a label: "hobby_groups" reads "Hobby groups".
std::string label_of_table(std::string_view name) {
  if (name == "stores") return "Food stores";
  std::string label = readable_name(name);
  if (!label.empty()) label[0] = static_cast<char>(std::toupper(label[0]));
  return label;
}

const OutputColumn* column_named(const OutputTable& table, std::string_view name) {
  for (const OutputColumn& column : table.columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

double value_at(const OutputColumn& column, std::size_t row) {
  return std::visit([row](const auto& values) { return static_cast<double>(values[row]); },
                    column.values);
}

std::size_t rows_of(const OutputColumn& column) {
  return std::visit([](const auto& values) { return values.size(); }, column.values);
}

/// The tables the simulation's mechanisms write (venues, stops, usage over time).
std::vector<OutputTable> tables_of(const Simulation& simulation) {
  std::vector<OutputTable> tables;
  simulation.add_output_tables(tables);
  return tables;
}

/// Whether a table's rows are places on the map (it has x_m and y_m).
bool is_place_table(const OutputTable& table) {
  return column_named(table, "x_m") && column_named(table, "y_m");
}

/// The column counting a place's attendance (venues) or customers (stops), if any.
const OutputColumn* attendance_column(const OutputTable& table) {
  if (const OutputColumn* c = column_named(table, "attendance_total")) return c;
  return column_named(table, "customers_total");
}

const char* sex_word(const Population& p, ResidentId id) {
  return p.sex[id] == static_cast<std::uint8_t>(Sex::kFemale) ? "Woman" : "Man";
}

const char* transport_words(std::uint8_t transport) {
  switch (static_cast<Transport>(transport)) {
    case Transport::kDrives:
      return "drives";
    case Transport::kLifts:
      return "gets lifts from family";
    case Transport::kNone:
      return "no car and no lifts";
  }
  return "unknown";
}

/// What a column holding the step of a first event says happened, or "" if it holds another
/// kind of step (the last time, the next time).
std::string first_event_words(const std::string& description) {
  if (description.find("first") == std::string::npos) return "";
  std::string words = description;
  for (const std::string_view prefix : {"step of the ", "step "}) {
    if (words.rfind(prefix, 0) == 0) {
      words.erase(0, prefix.size());
      break;
    }
  }
  if (const std::size_t comma = words.find(", -1"); comma != std::string::npos) words.resize(comma);
  return readable_name(words);  // neighbourhood_association
}

/// Use of each service in one step, from the usage tables (one row per step and service or
/// stop): shuttle rides, mobile-shop customers. Labelled "Shuttle rides this week".
std::vector<std::pair<std::string, double>> services_in_step(const std::vector<OutputTable>& tables,
                                                             std::int64_t step) {
  std::vector<std::pair<std::string, double>> services;
  for (const OutputTable& table : tables) {
    const std::string_view suffix = "_usage";
    if (!table.name.ends_with(suffix)) continue;
    const OutputColumn* steps = column_named(table, "step");
    if (!steps) continue;
    for (const std::string_view used : {"rides", "customers"}) {
      const OutputColumn* column = column_named(table, used);
      if (!column) continue;
      double total = 0;
      for (std::size_t r = 0; r < rows_of(*steps); ++r) {
        if (static_cast<std::int64_t>(value_at(*steps, r)) == step) total += value_at(*column, r);
      }
      const std::string_view service =
          std::string_view(table.name).substr(0, table.name.size() - suffix.size());
      services.emplace_back(fmt::format("{} {} this week", label_of_table(service), used), total);
    }
  }
  return services;
}

}  // namespace

std::string readable_name(std::string_view name) {
  std::string words(name);
  std::replace(words.begin(), words.end(), '_', ' ');
  return words;
}

const std::vector<std::string>& resident_state_names() {
  static const std::vector<std::string> names = {"not in town yet", "independent", "isolated",
                                                 "takes part",      "certified",   "died"};
  return names;
}

json map_json(const Simulation& simulation, const models::Scenario& scenario) {
  const Population& p = simulation.population();
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
  json districts = json::array();
  for (const models::District& d : scenario.town.districts) {
    const double x = d.centre_m[0], y = d.centre_m[1];
    districts.push_back({{"name", d.name}, {"x", x}, {"y", y}, {"radius", d.radius_m}});
    x0 = std::min(x0, x - d.radius_m), x1 = std::max(x1, x + d.radius_m);
    y0 = std::min(y0, y - d.radius_m), y1 = std::max(y1, y + d.radius_m);
  }
  std::vector<std::int32_t> xs(p.size()), ys(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    xs[i] = static_cast<std::int32_t>(std::lround(p.x_m[i]));
    ys[i] = static_cast<std::int32_t>(std::lround(p.y_m[i]));
    x0 = std::min<double>(x0, xs[i]), x1 = std::max<double>(x1, xs[i]);
    y0 = std::min<double>(y0, ys[i]), y1 = std::max<double>(y1, ys[i]);
  }
  if (!(x0 <= x1)) x0 = y0 = -1000, x1 = y1 = 1000;
  return {{"bounds", {x0, y0, x1, y1}},
          {"districts", std::move(districts)},
          {"homes", {{"x", std::move(xs)}, {"y", std::move(ys)}}}};
}

ArmView::ArmView(Simulation& simulation, const models::Scenario& scenario)
    : simulation_(simulation), start_date_(scenario.run.start_date) {
  for (const models::District& d : scenario.town.districts) district_names_.push_back(d.name);
  const Population& p = simulation.population();
  // Taking part means belonging to a group an intervention runs (salons, groups it opens): the
  // town's standing groups are there in both arms, the background against which it acts.
  for (const models::CommunityGroups* groups :
       simulation.modules_of_type<models::CommunityGroups>()) {
    // Groups an intervention opens share their kind's sessions column: counted once.
    const std::string kind = readable_name(models::group_kind_name(groups->kind()));
    const Column<std::uint16_t> sessions =
        p.columns.find<std::uint16_t>(models::group_column(groups->kind(), "{}_sessions"));
    const bool seen = std::any_of(sessions_.begin(), sessions_.end(),
                                  [&](const auto& entry) { return entry.first == kind; });
    if (sessions.valid() && !seen) sessions_.emplace_back(kind, &p[sessions]);
    if (!groups->reports_cost()) continue;
    const Column<std::uint8_t> member =
        p.columns.find<std::uint8_t>(groups->own_column("{}_member"));
    if (member.valid()) membership_.push_back(&p[member]);
  }
  record_counts(simulation.current_step());
  simulation.set_observer(
      [this](const Simulation& sim, std::int64_t /*step*/) { record_counts(sim.current_step()); });
}

bool ArmView::takes_part(ResidentId id) const {
  for (const std::vector<std::uint8_t>* member : membership_) {
    if ((*member)[id]) return true;
  }
  return false;
}

ResidentState ArmView::state_of(ResidentId id) const {
  const Population& p = simulation_.population();
  if (p.death_step[id] != kNever) return ResidentState::kDied;
  if (!p.alive[id]) return ResidentState::kNotInTown;
  if (p.certified[id]) return ResidentState::kCertified;
  if (takes_part(id)) return ResidentState::kTakesPart;
  if (p.isolated[id]) return ResidentState::kIsolated;
  return ResidentState::kIndependent;
}

void ArmView::record_counts(std::int64_t week) {
  const Population& p = simulation_.population();
  std::array<std::int64_t, kGroups> alive{}, certified{}, isolated{}, grouped{};
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) continue;
    const auto id = static_cast<ResidentId>(i);
    const int g = p.group(id);
    ++alive[g];
    certified[g] += p.certified[i];
    isolated[g] += p.isolated[i];
    grouped[g] += takes_part(id);
  }
  pending_series_.push_back({{"week", week},
                             {"alive", alive},
                             {"certified", certified},
                             {"isolated", isolated},
                             {"in_group", grouped}});
  // This week's attendance: each place's total now less its total a step ago.
  const std::vector<OutputTable> tables = tables_of(simulation_);
  this_week_.clear();
  for (const OutputTable& table : tables) {
    const OutputColumn* column = is_place_table(table) ? attendance_column(table) : nullptr;
    if (!column) continue;
    std::vector<double>& last = last_totals_[table.name];
    std::vector<double>& now = this_week_[table.name];
    const std::size_t rows = rows_of(*column);
    last.resize(rows, 0.0);
    now.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      const double total = value_at(*column, r);
      now[r] = week == totals_week_ + 1 ? total - last[r] : 0.0;
      last[r] = total;
    }
  }
  totals_week_ = week;
  services_ = services_in_step(tables, week - 1);
}

json ArmView::layers() const {
  json layers = json::array();
  for (const OutputTable& table : tables_of(simulation_)) {
    if (!is_place_table(table)) continue;
    const OutputColumn& x = *column_named(table, "x_m");
    const OutputColumn& y = *column_named(table, "y_m");
    const OutputColumn* opens = column_named(table, "opens_step");
    const OutputColumn* closes = column_named(table, "closes_step");
    const OutputColumn* route = column_named(table, "route");
    const OutputColumn* capacity = column_named(table, "capacity");
    json places = json::array();
    for (std::size_t r = 0; r < rows_of(x); ++r) {
      json place = {{"x", value_at(x, r)},
                    {"y", value_at(y, r)},
                    {"opens_step", opens ? value_at(*opens, r) : 0.0},
                    {"closes_step", closes ? value_at(*closes, r) : -1.0}};
      if (route) place["route"] = value_at(*route, r);
      if (capacity) place["capacity"] = value_at(*capacity, r);
      places.push_back(std::move(place));
    }
    const std::string shape = route ? "stop" : attendance_column(table) ? "venue" : "store";
    layers.push_back({{"name", table.name},
                      {"label", label_of_table(table.name)},
                      {"shape", shape},
                      {"route", route != nullptr},
                      {"places", std::move(places)}});
  }
  return layers;
}

json ArmView::frame() {
  const Population& p = simulation_.population();
  std::string state(p.size(), '0');
  for (std::size_t i = 0; i < p.size(); ++i)
    state[i] = static_cast<char>(state_of(static_cast<ResidentId>(i)));
  json attendance = json::object();
  for (const auto& [name, values] : this_week_) attendance[name] = values;
  json out = {{"state", std::move(state)},
              {"series", std::move(pending_series_)},
              {"attendance", std::move(attendance)},
              {"cost_yen", std::round(simulation_.cost_yen())}};
  json services = json::array();
  for (const auto& [label, value] : services_)
    services.push_back({{"label", label}, {"value", value}});
  out["services"] = std::move(services);
  pending_series_ = json::array();
  return out;
}

json ArmView::story(ResidentId id) const {
  const Population& p = simulation_.population();
  const std::int64_t week = simulation_.current_step();
  const double years_per_step = simulation_.clock().years_per_step();
  const std::int64_t days_per_step = simulation_.clock().days_per_step;
  const bool entered = p.entry_step[id] <= week;
  const std::int64_t age_week = p.death_step[id] != kNever ? p.death_step[id] : week;
  const int age =
      static_cast<int>(std::floor(entered ? p.age_at(id, age_week, years_per_step) : p.age0[id]));

  std::string title = fmt::format("{}, {}", sex_word(p, id), age);
  title += p.income_low[id] ? ", low income" : ", higher income";
  if (p.lives_alone[id]) title += ", lives alone";

  json facts = json::array();
  const auto fact = [&facts](std::string label, std::string value) {
    facts.push_back({{"label", std::move(label)}, {"value", std::move(value)}});
  };
  fact("now",
       resident_state_names()[static_cast<std::size_t>(static_cast<char>(state_of(id)) - '0')]);
  fact("age", entered ? fmt::format("{}", age)
                      : fmt::format("{} (turns 65 in week {})", age, p.entry_step[id]));
  fact("income", fmt::format("{:.1f} million yen a year{}", p.income[id],
                             p.income_low[id] ? " (low income)" : ""));
  fact("household", p.lives_alone[id]   ? "lives alone"
                    : p.spouse[id] >= 0 ? "lives with their spouse"
                                        : "lives with family");
  fact("transport", transport_words(p.transport[id]));
  if (p.district[id] < district_names_.size()) fact("district", district_names_[p.district[id]]);
  fact("ties", fmt::format("{} in town (at the start: {})", simulation_.network().degree(id),
                           p.degree0[id]));
  fact("contacts", fmt::format("{:.1f} a week outside the household{}", p.weekly_contacts[id],
                               p.isolated[id] ? " (isolated)" : ""));
  fact("frailty", fmt::format("{:.2f} (0 robust, 1 certified)", p.frailty(id)));
  std::string attended;
  for (const auto& [kind, sessions] : sessions_) {
    if ((*sessions)[id] == 0) continue;
    attended += fmt::format("{}{} {}", attended.empty() ? "" : ", ", kind, (*sessions)[id]);
  }
  fact("sessions attended", attended.empty() ? "none" : attended);

  json events = json::array();
  const auto event = [&](std::int64_t at, std::string what) {
    if (at < 0 || at > week) return;
    events.push_back({{"week", at},
                      {"date", date_after(start_date_, at * days_per_step)},
                      {"what", std::move(what)}});
  };
  if (p.entry_step[id] > 0) event(p.entry_step[id], "turned 65: joined the town's older residents");
  if (p.certified0[id]) event(p.entry_step[id], "certified for long-term care already");
  event(p.disability_step[id], "certified for long-term care (functional disability)");
  event(p.death_step[id], "died");
  json columns = json::array();
  for (const ColumnRegistry::Entry& entry : p.columns.entries()) {
    if (!entry.spec.output) continue;
    const ColumnView view = ColumnRegistry::view(entry);
    const double value =
        std::visit([id](const auto& values) { return static_cast<double>(values[id]); }, view);
    // A column that holds the step something first happened is an event once it has (the first
    // salon session, the first positive screen): "step of the first salon session attended, -1
    // never" reads "first salon session attended".
    if (entry.spec.unit == "step" &&
        (std::holds_alternative<std::span<const std::int32_t>>(view) ||
         std::holds_alternative<std::span<const std::int16_t>>(view))) {
      if (const std::string what = first_event_words(entry.spec.description); !what.empty())
        event(static_cast<std::int64_t>(value), what);
    }
    columns.push_back({{"name", entry.spec.name},
                       {"value", value},
                       {"unit", entry.spec.unit},
                       {"description", entry.spec.description}});
  }
  std::stable_sort(events.begin(), events.end(), [](const json& a, const json& b) {
    return a["week"].get<std::int64_t>() < b["week"].get<std::int64_t>();
  });

  json ties = json::array();
  simulation_.network().for_each_tie(id, [&](ResidentId other, const Tie& tie) {
    ties.push_back({{"id", other},
                    {"x", p.x_m[other]},
                    {"y", p.y_m[other]},
                    {"kind", tie_kind_name(tie.kind)},
                    {"contacts_per_week", tie.contacts_per_week},
                    {"state", std::string(1, static_cast<char>(state_of(other)))}});
  });
  return {{"id", id},
          {"title", std::move(title)},
          {"facts", std::move(facts)},
          {"events", std::move(events)},
          {"ties", std::move(ties)},
          {"columns", std::move(columns)}};
}

}  // namespace salonsim::web
