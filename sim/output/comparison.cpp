#include "sim/output/comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "sim/output/csv.hpp"

namespace salonsim {

namespace {
double ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0.0;
}

GroupSummary group_of(const RunSummary& summary, int group) {
  return group < kGroups ? summary.groups[group] : summary.total();
}

std::vector<double> values_of(const ArmResults& arm, int group, const Outcome& outcome) {
  std::vector<double> values;
  for (const RunSummary& s : arm.replicates) values.push_back(outcome.value(group_of(s, group)));
  return values;
}
}  // namespace

const std::vector<Outcome>& comparison_outcomes() {
  static const std::vector<Outcome> outcomes{
      {"certifications", "new LTC certifications during the run",
       [](const GroupSummary& g) { return static_cast<double>(g.certifications); }},
      {"deaths", "deaths during the run",
       [](const GroupSummary& g) { return static_cast<double>(g.deaths); }},
      {"disability_free_years", "years lived alive and independent",
       [](const GroupSummary& g) { return g.disability_free_years; }},
      {"certifications_per_1000_py", "certifications per 1,000 disability-free person-years",
       [](const GroupSummary& g) {
         return 1000.0 * ratio(g.certifications, g.disability_free_years);
       }},
      {"cumulative_certification", "share of residents independent at entry certified by the end",
       [](const GroupSummary& g) { return ratio(g.certifications, g.independent_at_entry); }},
      {"cumulative_death", "share of residents who died by the end",
       [](const GroupSummary& g) { return ratio(g.deaths, g.residents); }},
      {"participation", "share of residents who ever attended a salon",
       [](const GroupSummary& g) { return ratio(g.salon_participants, g.residents); }},
      {"participation_without_car",
       "share of residents who did not drive at entry who ever attended a salon",
       [](const GroupSummary& g) {
         return ratio(g.salon_participants_without_car, g.residents_without_car);
       }},
      {"poor_food_access_at_entry", "share of residents with poor food access at entry",
       [](const GroupSummary& g) { return ratio(g.poor_food_access_at_entry, g.residents); }},
      {"poor_food_access_share", "share of person-years lived with poor food access",
       [](const GroupSummary& g) { return ratio(g.poor_food_access_years, g.person_years); }},
  };
  return outcomes;
}

std::string_view summary_group_name(int group) {
  return group < kGroups ? kGroupNames[group] : "all";
}

std::vector<ComparisonRow> compare_arms(const std::vector<ArmResults>& arms,
                                        std::size_t reference) {
  if (reference >= arms.size()) throw std::invalid_argument("compare_arms: no such reference arm");
  std::vector<ComparisonRow> rows;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    for (int group = kSummaryGroups - 1; group >= 0; --group) {  // "all" first
      for (const Outcome& outcome : comparison_outcomes()) {
        const std::vector<double> values = values_of(arms[a], group, outcome);
        ComparisonRow row{arms[a].name,
                          std::string(summary_group_name(group)),
                          std::string(outcome.name),
                          stats::mean_interval(values),
                          a == reference,
                          {}};
        if (a != reference)
          row.difference =
              stats::paired_difference(values, values_of(arms[reference], group, outcome));
        rows.push_back(row);
      }
    }
  }
  return rows;
}

stats::Interval equity_difference(const ArmResults& arm, const ArmResults& reference) {
  const Outcome& share = comparison_outcomes()[4];  // cumulative_certification
  std::vector<double> differences;
  for (std::size_t r = 0; r < arm.replicates.size(); ++r) {
    const auto effect = [&](int low_income) {
      GroupSummary a, b;
      for (int sex = 0; sex < 2; ++sex) {
        const GroupSummary& x = arm.replicates[r].groups[low_income * 2 + sex];
        const GroupSummary& y = reference.replicates[r].groups[low_income * 2 + sex];
        a.certifications += x.certifications;
        a.independent_at_entry += x.independent_at_entry;
        b.certifications += y.certifications;
        b.independent_at_entry += y.independent_at_entry;
      }
      return share.value(a) - share.value(b);
    };
    differences.push_back(effect(1) - effect(0));
  }
  return stats::mean_interval(differences);
}

std::string comparison_csv(const std::vector<ComparisonRow>& rows) {
  std::string text =
      "arm,group,outcome,mean,low,high,difference,difference_low,difference_high,"
      "se_common_random_numbers,se_independent_seeds,variance_reduction\n";
  for (const ComparisonRow& r : rows) {
    text += fmt::format("{},{},{},{},{},{},", csv_field(r.arm), csv_field(r.group),
                        csv_field(r.outcome), r.value.mean, r.value.low, r.value.high);
    if (r.is_reference) {
      text += ",,,,,\n";
    } else {
      const stats::PairedDifference& d = r.difference;
      text += fmt::format("{},{},{},{},{},{}\n", d.difference.mean, d.difference.low,
                          d.difference.high, d.difference.standard_error,
                          d.independent_standard_error, d.variance_reduction);
    }
  }
  return text;
}

std::string format_comparison(const std::vector<ComparisonRow>& rows,
                              const std::vector<ArmResults>& arms, std::size_t reference) {
  const auto find = [&](const std::string& arm, std::string_view group,
                        std::string_view outcome) -> const ComparisonRow& {
    for (const ComparisonRow& r : rows) {
      if (r.arm == arm && r.group == group && r.outcome == outcome) return r;
    }
    throw std::logic_error("comparison row missing");
  };
  const auto interval = [](const stats::Interval& i, double scale, int digits) {
    // Adding 0.0 turns -0.0 into 0.0, so an exact zero never prints as "-0.0".
    return fmt::format("{:.{}f} ({:.{}f} to {:.{}f})", scale * i.mean + 0.0, digits,
                       scale * i.low + 0.0, digits, scale * i.high + 0.0, digits);
  };
  const std::size_t replicates = arms[reference].replicates.size();
  std::string text =
      fmt::format("Per arm, mean over {} replicates (95% interval), all residents:\n", replicates);
  text += fmt::format("{:<22} {:>26} {:>26} {:>26} {:>22}\n", "arm", "certifications/1000 py",
                      "certified by end %", "died by end %", "ever at a salon %");
  for (const ArmResults& arm : arms) {
    text += fmt::format("{:<22} {:>26} {:>26} {:>26} {:>22}\n", arm.name,
                        interval(find(arm.name, "all", "certifications_per_1000_py").value, 1, 1),
                        interval(find(arm.name, "all", "cumulative_certification").value, 100, 2),
                        interval(find(arm.name, "all", "cumulative_death").value, 100, 2),
                        interval(find(arm.name, "all", "participation").value, 100, 1));
  }
  text += fmt::format("\n{:<22} {:>26} {:>26} {:>36}\n", "arm", "salon, no car: ever %",
                      "poor food access, py %", "costs per year (million yen)");
  for (const ArmResults& arm : arms) {
    // Mean yearly cost of each intervention module over the replicates.
    std::vector<InterventionCost> per_year;
    for (const RunSummary& s : arm.replicates) {
      for (const InterventionCost& c : s.costs) {
        auto it = std::find_if(per_year.begin(), per_year.end(),
                               [&](const InterventionCost& x) { return x.module == c.module; });
        if (it == per_year.end()) it = per_year.insert(per_year.end(), {c.module, 0.0});
        it->yen +=
            (s.years > 0 ? c.yen / s.years : 0.0) / static_cast<double>(arm.replicates.size());
      }
    }
    std::string costs;
    for (const InterventionCost& c : per_year)
      costs += fmt::format("{}{} {:.2f}", costs.empty() ? "" : ", ", c.module, c.yen / 1e6);
    text += fmt::format("{:<22} {:>26} {:>26} {:>36}\n", arm.name,
                        interval(find(arm.name, "all", "participation_without_car").value, 100, 1),
                        interval(find(arm.name, "all", "poor_food_access_share").value, 100, 1),
                        costs.empty() ? std::string("-") : costs);
  }
  for (std::size_t a = 0; a < arms.size(); ++a) {
    if (a == reference) continue;
    const std::string& name = arms[a].name;
    text += fmt::format("\n{} against {} (paired over replicates; common random numbers):\n", name,
                        arms[reference].name);
    text += fmt::format("{:<20} {:>30} {:>26} {:>32} {:>14}\n", "group", "certifications averted",
                        "deaths averted", "disability-free years gained", "reached/averted");
    for (int group = kSummaryGroups - 1; group >= 0; --group) {
      const std::string_view g = summary_group_name(group);
      const auto negated = [](stats::Interval i) {
        return stats::Interval{-i.mean, -i.high, -i.low, i.standard_error};
      };
      const ComparisonRow& certifications = find(name, g, "certifications");
      const double averted = -certifications.difference.difference.mean;
      double reached = 0;
      for (const RunSummary& s : arms[a].replicates)
        reached += group_of(s, group).salon_participants;
      reached /= static_cast<double>(arms[a].replicates.size());
      text +=
          fmt::format("{:<20} {:>30} {:>26} {:>32} {:>14}\n", g,
                      interval(negated(certifications.difference.difference), 1, 1),
                      interval(negated(find(name, g, "deaths").difference.difference), 1, 1),
                      interval(find(name, g, "disability_free_years").difference.difference, 1, 0),
                      averted > 0 ? fmt::format("{:.1f}", reached / averted) : std::string("-"));
    }
    const stats::PairedDifference& d = find(name, "all", "certifications").difference;
    text += fmt::format(
        "standard error of the difference in certifications: {:.2f} with common random numbers, "
        "{:.2f} "
        "with independent seeds (variance reduction {:.1f}x)\n",
        d.difference.standard_error, d.independent_standard_error, d.variance_reduction);
    std::vector<double> extra_cost;
    for (std::size_t r = 0; r < arms[a].replicates.size(); ++r) {
      extra_cost.push_back(arms[a].replicates[r].cost_yen - arms[reference].replicates[r].cost_yen);
    }
    const double cost = stats::mean_interval(extra_cost).mean;
    const double averted = -find(name, "all", "certifications").difference.difference.mean;
    const double gained = find(name, "all", "disability_free_years").difference.difference.mean;
    if (cost > 0) {
      text += fmt::format(
          "cost: {:.1f} million yen more over the run; {} per certification averted, {} per "
          "disability-free year gained\n",
          cost / 1e6, averted > 0 ? fmt::format("{:.2f} million yen", cost / averted / 1e6) : "-",
          gained > 0 ? fmt::format("{:.0f} thousand yen", cost / gained / 1e3) : "-");
    }
    text += fmt::format(
        "salon participation among residents without a car: {} points; person-years with poor "
        "food access: {} points\n",
        interval(find(name, "all", "participation_without_car").difference.difference, 100, 1),
        interval(find(name, "all", "poor_food_access_share").difference.difference, 100, 1));
    const stats::Interval equity = equity_difference(arms[a], arms[reference]);
    text += fmt::format(
        "equity: effect on the certified share, low minus high income: {} points (negative: larger "
        "reduction for low income)\n",
        interval(equity, 100, 2));
  }
  return text;
}

}  // namespace salonsim
