#include "sim/output/comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "sim/output/csv.hpp"

namespace salonsim {

GroupSummary group_of(const RunSummary& summary, int group) {
  return group < kGroups ? summary.groups[group] : summary.total();
}

namespace {
std::vector<double> values_of(const ArmResults& arm, int group, const Outcome& outcome) {
  std::vector<double> values;
  for (const RunSummary& s : arm.replicates) values.push_back(outcome.value(group_of(s, group)));
  return values;
}
}  // namespace

std::string_view summary_group_name(int group) {
  return group < kGroups ? kGroupNames[group] : "all";
}

std::vector<ComparisonRow> compare_arms(const std::vector<ArmResults>& arms, std::size_t reference,
                                        const std::vector<Outcome>& outcomes) {
  if (reference >= arms.size()) throw std::invalid_argument("compare_arms: no such reference arm");
  std::vector<ComparisonRow> rows;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    for (int group = kSummaryGroups - 1; group >= 0; --group) {  // "all" first
      for (const Outcome& outcome : outcomes) {
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
  const std::vector<Outcome> core = core_outcomes();
  const Outcome& share = *find_outcome(core, "cumulative_certification");
  std::vector<double> differences;
  for (std::size_t r = 0; r < arm.replicates.size(); ++r) {
    const auto effect = [&](int low_income) {
      GroupSummary a, b;
      for (int sex = 0; sex < 2; ++sex) {
        a += arm.replicates[r].groups[low_income * 2 + sex];
        b += reference.replicates[r].groups[low_income * 2 + sex];
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
                              const std::vector<ArmResults>& arms, std::size_t reference,
                              const std::vector<Outcome>& outcomes) {
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
  // The outcomes the per-arm tables show: the core's rates, then the mechanisms' (participation,
  // access...), four to a table; the interventions' costs end the last table.
  // An outcome no arm counted (e.g. screens where no arm screens) is left out.
  const auto counted_in = [](const ArmResults& arm, const Outcome& outcome) {
    for (const RunSummary& s : arm.replicates) {
      if (s.total()[outcome.numerator] != 0) return true;
    }
    return false;
  };
  const auto counted = [&](const Outcome& outcome) {
    return std::any_of(arms.begin(), arms.end(),
                       [&](const ArmResults& arm) { return counted_in(arm, outcome); });
  };
  std::vector<const Outcome*> shown;
  for (const Outcome& outcome : outcomes) {
    if (!outcome.table_heading.empty() && counted(outcome)) shown.push_back(&outcome);
  }
  const std::vector<Outcome> core = core_outcomes();
  const std::size_t core_shown =
      static_cast<std::size_t>(std::count_if(shown.begin(), shown.end(), [&](const Outcome* o) {
        return find_outcome(core, o->name) != nullptr;
      }));
  constexpr std::size_t kPerTable = 4;
  const std::size_t replicates = arms[reference].replicates.size();
  std::string text =
      fmt::format("Per arm, mean over {} replicates (95% interval), all residents:\n", replicates);
  for (std::size_t first = 0; first <= shown.size(); first += kPerTable) {
    const std::size_t last = std::min(shown.size(), first + kPerTable);
    const bool with_costs = last - first < kPerTable;
    if (first > 0) text += "\n";
    text += fmt::format("{:<22}", "arm");
    for (std::size_t k = first; k < last; ++k)
      text += fmt::format(" {:>26}", shown[k]->table_heading);
    if (with_costs) text += fmt::format(" {:>36}", "costs per year (million yen)");
    text += "\n";
    for (const ArmResults& arm : arms) {
      text += fmt::format("{:<22}", arm.name);
      for (std::size_t k = first; k < last; ++k) {
        text += fmt::format(" {:>26}", interval(find(arm.name, "all", shown[k]->name).value,
                                                shown[k]->table_scale, shown[k]->table_digits));
      }
      if (with_costs) {
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
        text += fmt::format(" {:>36}", costs.empty() ? std::string("-") : costs);
      }
      text += "\n";
    }
  }
  // Each arm's reach, effect and cost against the reference in one table: how a planner weighs
  // strategies (e.g. one for everyone against one for those at high risk).
  const auto net_costs = [&](std::size_t a) {
    std::vector<double> extra, avoided, net;
    for (std::size_t r = 0; r < arms[a].replicates.size(); ++r) {
      const RunSummary& here = arms[a].replicates[r];
      const RunSummary& there = arms[reference].replicates[r];
      extra.push_back(here.cost_yen - there.cost_yen);
      avoided.push_back(there.total()[tally::kLtcBenefitsYen] -
                        here.total()[tally::kLtcBenefitsYen]);
      net.push_back(extra.back() - avoided.back());
    }
    return std::array<stats::Interval, 3>{stats::mean_interval(extra),
                                          stats::mean_interval(avoided), stats::mean_interval(net)};
  };
  if (arms.size() > 1) {
    text += fmt::format(
        "\nReach, effect and cost against {} over the run (mean per replicate, 95% interval):\n",
        arms[reference].name);
    std::size_t width = 22;
    for (const ArmResults& arm : arms) width = std::max(width, arm.name.size());
    text += fmt::format("{:<{}} {:>10} {:>9} {:>26} {:>22} {:>22} {:>22}\n", "arm", width,
                        "reached", "reached%", "certifications averted", "cost, million yen",
                        "care saved, million", "net cost, million yen");
    for (std::size_t a = 0; a < arms.size(); ++a) {
      if (a == reference) continue;
      // Reach beyond the reference's, paired replicate by replicate (an intervention both arms
      // have reaches the same residents in both).
      double reached = 0, residents = 0;
      for (std::size_t r = 0; r < arms[a].replicates.size(); ++r) {
        const GroupSummary here = arms[a].replicates[r].total();
        const GroupSummary there = arms[reference].replicates[r].total();
        residents += here[tally::kResidents];
        for (const Outcome& outcome : outcomes) {
          if (outcome.counts_reach) reached += here[outcome.numerator] - there[outcome.numerator];
        }
      }
      const auto r = static_cast<double>(arms[a].replicates.size());
      const stats::Interval averted =
          find(arms[a].name, "all", "certifications").difference.difference;
      const auto costs = net_costs(a);
      text += fmt::format(
          "{:<{}} {:>10.0f} {:>8.1f}% {:>26} {:>22} {:>22} {:>22}\n", arms[a].name, width,
          reached / r, residents > 0 ? 100.0 * reached / residents : 0.0,
          interval({-averted.mean, -averted.high, -averted.low, averted.standard_error}, 1, 1),
          interval(costs[0], 1e-6, 1), interval(costs[1], 1e-6, 1), interval(costs[2], 1e-6, 1));
    }
    text +=
        "reached: residents the arm's interventions reached (the outcomes that count reach, "
        "summed over its interventions) beyond those the reference's reached; care saved: "
        "long-term-care benefits for the certified person-years avoided (health.care_costs); "
        "net cost: cost minus care saved\n";
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
      // Residents the arm's interventions reached (e.g. ever took part), per certification
      // averted.
      double reached = 0;
      for (const RunSummary& s : arms[a].replicates) {
        for (const Outcome& outcome : outcomes)
          reached += outcome.counts_reach ? group_of(s, group)[outcome.numerator] : 0.0;
      }
      reached /= static_cast<double>(arms[a].replicates.size());
      text += fmt::format(
          "{:<20} {:>30} {:>26} {:>32} {:>14}\n", g,
          interval(negated(certifications.difference.difference), 1, 1),
          interval(negated(find(name, g, "deaths").difference.difference), 1, 1),
          interval(find(name, g, "disability_free_years").difference.difference, 1, 0),
          averted > 0 && reached > 0 ? fmt::format("{:.1f}", reached / averted) : std::string("-"));
    }
    const stats::PairedDifference& d = find(name, "all", "certifications").difference;
    text += fmt::format(
        "standard error of the difference in certifications: {:.2f} with common random numbers, "
        "{:.2f} "
        "with independent seeds (variance reduction {:.1f}x)\n",
        d.difference.standard_error, d.independent_standard_error, d.variance_reduction);
    const auto costs = net_costs(a);  // extra cost, care benefits avoided, net cost
    const double cost = costs[0].mean;
    const double averted = -find(name, "all", "certifications").difference.difference.mean;
    const double gained = find(name, "all", "disability_free_years").difference.difference.mean;
    if (cost > 0) {
      text += fmt::format(
          "cost: {:.1f} million yen more over the run; {} per certification averted, {} per "
          "disability-free year gained\n",
          cost / 1e6, averted > 0 ? fmt::format("{:.2f} million yen", cost / averted / 1e6) : "-",
          gained > 0 ? fmt::format("{:.0f} thousand yen", cost / gained / 1e3) : "-");
    }
    if (cost != 0 || costs[1].mean != 0) {
      text += fmt::format(
          "long-term-care benefits avoided: {} million yen; net cost: {} million yen over the run "
          "(negative: saves money)\n",
          interval(costs[1], 1e-6, 1), interval(costs[2], 1e-6, 1));
    }
    // The mechanisms' outcomes in the tables, as differences.
    for (std::size_t k = core_shown; k < shown.size(); ++k) {
      if (!counted_in(arms[a], *shown[k]) && !counted_in(arms[reference], *shown[k])) continue;
      text += fmt::format("{}: {} {}\n", shown[k]->description,
                          interval(find(name, "all", shown[k]->name).difference.difference,
                                   shown[k]->table_scale, shown[k]->table_digits),
                          shown[k]->table_scale == 100 ? "points" : "");
    }
    const stats::Interval equity = equity_difference(arms[a], arms[reference]);
    text += fmt::format(
        "equity: effect on the certified share, low minus high income: {} points (negative: larger "
        "reduction for low income)\n",
        interval(equity, 100, 2));
  }
  return text;
}

}  // namespace salonsim
