#include "models/coalition/trial.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "models/coalition/coalition.hpp"
#include "sim/params/validator.hpp"
#include "sim/params/yaml_text.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"
#include "sim/stats/cox.hpp"
#include "sim/stats/intervals.hpp"
#include "sim/stats/logistic.hpp"

namespace salonsim::models {

namespace fs = std::filesystem;

namespace {

params::Location where(const params::Locations& locations, const std::string& key,
                       const std::string& file) {
  const auto it = locations.find(key);
  return it != locations.end() ? it->second : params::Location{file, 0, 0};
}

/// The characteristics the assignment and the propensity model use, per municipality.
std::vector<std::vector<double>> characteristics(const std::vector<MunicipalityTraits>& traits) {
  std::vector<std::vector<double>> columns(3);
  for (const MunicipalityTraits& t : traits) {
    columns[0].push_back(std::log(std::max(1.0, t.population)));
    columns[1].push_back(t.rural_share);
    columns[2].push_back(std::log(t.join_odds_ratio));
  }
  return columns;
}

double mean_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double sd_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

/// The estimate over replicates: the mean, and the 95% range of one trial's estimate (mean +-
/// 1.96 sd of the replicates).
struct Spread {
  double mean = 0, low = 0, high = 0;
};
Spread one_trial(const std::vector<double>& values) {
  const double m = mean_of(values), sd = sd_of(values);
  return {m, m - 1.96 * sd, m + 1.96 * sd};
}
/// The mean over replicates with its 95% confidence interval (Monte Carlo precision).
Spread of_mean(const std::vector<double>& values) {
  if (values.size() < 2) return {mean_of(values), mean_of(values), mean_of(values)};
  const stats::Interval interval = stats::mean_interval(values);
  return {interval.mean, interval.low, interval.high};
}

/// A row's estimate (the mean and one trial's range) and truth (the mean and its CI), from its
/// replicates.
void summarise(DidRow& row) {
  const Spread estimate = one_trial(row.replicates), truth = of_mean(row.truth_replicates);
  row.estimate = estimate.mean;
  row.low = estimate.low;
  row.high = estimate.high;
  row.truth = truth.mean;
  row.truth_low = truth.low;
  row.truth_high = truth.high;
}

// Groups of the panel: [sex][income_low] cells they take.
struct PanelGroup {
  std::string key, label;
  std::vector<std::pair<int, int>> cells;
};
const std::vector<PanelGroup>& panel_groups() {
  static const std::vector<PanelGroup> groups{
      {"men", "men", {{0, 0}, {0, 1}}},
      {"women", "women", {{1, 0}, {1, 1}}},
      {"all", "everyone", {{0, 0}, {0, 1}, {1, 0}, {1, 1}}},
      {"low_income_men", "low-income men", {{0, 1}}},
      {"high_income_men", "high-income men", {{0, 0}}},
      {"low_income_women", "low-income women", {{1, 1}}},
      {"high_income_women", "high-income women", {{1, 0}}},
  };
  return groups;
}

/// Weighted change in participation (share) of a group across municipalities of one arm.
struct Change {
  double before = 0, after = 0;
};
Change weighted_change(const std::vector<const TrialRunRecord*>& runs,
                       const std::vector<double>& weights, const PanelGroup& group) {
  double n = 0, before = 0, after = 0;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    for (const auto& [sex, low] : group.cells) {
      const TrialRunRecord::Cell& c = runs[k]->panel[sex][low];
      n += weights[k] * c.residents;
      before += weights[k] * c.before;
      after += weights[k] * c.after;
    }
  }
  return n > 0 ? Change{before / n, after / n} : Change{};
}

}  // namespace

TrialPlan plan_trial(const fs::path& path, std::optional<std::int32_t> replicates) {
  params::Diagnostics diagnostics;
  TrialPlan plan;
  plan.path = path;
  const std::string name = path.generic_string();
  const std::optional<params::YamlFile> read =
      params::read_yaml_file(path, "trial file", diagnostics);
  if (!read) throw params::ScenarioError(std::move(diagnostics));
  const YAML::Node root = read->root;
  params::Locations locations;
  params::YamlLoader loader(name, diagnostics, locations);
  loader.apply(root, plan.file);
  params::Validator validator(diagnostics, locations);
  validator.check(plan.file);
  if (!diagnostics.ok()) throw params::ScenarioError(std::move(diagnostics));
  TrialFile& file = plan.file;
  if (replicates) file.replicates = *replicates;

  plan.scenario_path = path.parent_path() / file.scenario;
  Scenario region;
  try {
    region = load_scenario(plan.scenario_path, file.set);
  } catch (const params::ScenarioError& e) {
    // The region's problems, and where the trial names it.
    const params::Location at = where(locations, "scenario", name);
    for (const params::Issue& issue : e.diagnostics().issues())
      diagnostics.error(
          issue.where, issue.path,
          issue.message + fmt::format(" (the region of trial {}:{})", at.source, at.line));
    throw params::ScenarioError(std::move(diagnostics));
  }
  // The coalition intervention whose arm the trial sets.
  std::size_t coalition = region.interventions.size();
  for (std::size_t k = 0; k < region.interventions.size(); ++k) {
    if (std::holds_alternative<CoalitionSupportParams>(region.interventions[k])) coalition = k;
  }
  const std::size_t count = region.region.empty() ? 1 : region.region.size();
  if (coalition == region.interventions.size()) {
    diagnostics.error(where(locations, "scenario", name), "scenario",
                      "the region '" + file.scenario +
                          "' has no coalition_support intervention for the trial to give its arms");
  }
  if (static_cast<std::size_t>(file.supported) >= count) {
    diagnostics.error(where(locations, "supported", name), "supported",
                      fmt::format("must leave at least one data-only municipality: the region has "
                                  "{} municipalit{}",
                                  count, count == 1 ? "y" : "ies"));
  }
  if (!diagnostics.ok()) throw params::ScenarioError(std::move(diagnostics));
  plan.municipalities = municipalities_of(plan.scenario_path, region, file.set);
  plan.seed = file.seed != 0 ? file.seed : region.run.seed;

  // Who is supported: each municipality's odds from its characteristics (centred), drawn
  // without replacement in proportion to them (Efraimidis-Spirakis keys u^(1/w)).
  const std::size_t m = plan.municipalities.size();
  for (const Municipality& mu : plan.municipalities) plan.traits.push_back(traits_of(mu.scenario));
  const std::vector<std::vector<double>> x = characteristics(plan.traits);
  const std::array<double, 3> beta{file.assignment.log_population, file.assignment.rural_share,
                                   file.assignment.log_join_odds_ratio};
  std::vector<double> odds(m, 0.0), keys(m, 0.0);
  const RandomStream draws(plan.seed, 0, "trial");
  const std::array<double, 3> centre{mean_of(x[0]), mean_of(x[1]), mean_of(x[2])};
  for (std::size_t i = 0; i < m; ++i) {
    double eta = 0;
    for (std::size_t j = 0; j < 3; ++j) eta += beta[j] * (x[j][i] - centre[j]);
    odds[i] = std::exp(eta);
    keys[i] = std::log(std::max(1e-300, draws.uniform(0, i, 0))) / odds[i];
  }
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] > keys[b]; });
  plan.supported.assign(m, 0);
  for (std::int32_t k = 0; k < file.supported; ++k)
    plan.supported[order[static_cast<std::size_t>(k)]] = 1;
  const double total_odds = std::accumulate(odds.begin(), odds.end(), 0.0);
  for (std::size_t i = 0; i < m; ++i)
    plan.assignment_propensity.push_back(
        std::min(1.0, odds[i] / total_odds * static_cast<double>(file.supported)));

  // Each municipality in its arm, run long enough for the follow-up survey and deaths.
  const double years =
      std::max(file.survey_years[1], file.survey_years[0] + file.follow_up_days / 365.25);
  const auto in_arm = [&](const Municipality& mu, CoalitionArm arm) {
    Scenario s = mu.scenario;
    std::get<CoalitionSupportParams>(s.interventions[coalition]).arm = arm;
    s.run.years = years;
    s.surveys.years = file.survey_years;
    return s;
  };
  for (std::size_t i = 0; i < m; ++i) {
    plan.scenarios.push_back(in_arm(plan.municipalities[i], plan.supported[i]
                                                                ? CoalitionArm::kSupported
                                                                : CoalitionArm::kDataOnly));
    plan.municipality_of.push_back(i);
    plan.counterfactual.push_back(0);
  }
  if (file.true_effect) {
    for (std::size_t i = 0; i < m; ++i) {
      if (!plan.supported[i]) continue;
      plan.scenarios.push_back(in_arm(plan.municipalities[i], CoalitionArm::kDataOnly));
      plan.municipality_of.push_back(i);
      plan.counterfactual.push_back(1);
    }
  }
  const Clock clock = plan.scenarios.front().clock();
  plan.baseline_step = clock.step_at(file.survey_years[0]);
  plan.follow_up_step = clock.step_at(file.survey_years[1]);
  for (std::int32_t r = 0; r < file.replicates; ++r) {
    for (std::size_t s = 0; s < plan.scenarios.size(); ++s) {
      plan.runs.push_back(
          {s,
           {municipality_seed(plan.seed, plan.municipality_of[s]), static_cast<std::uint32_t>(r)}});
    }
  }
  return plan;
}

TrialRunRecord extract_trial_run(const TrialPlan& plan, const Simulation& sim) {
  TrialRunRecord record;
  const SurveyWave* before = nullptr;
  const SurveyWave* after = nullptr;
  for (const SurveyWave& wave : sim.survey_waves()) {
    if (wave.step == plan.baseline_step) before = &wave;
    if (wave.step == plan.follow_up_step) after = &wave;
  }
  if (before == nullptr || after == nullptr)
    throw std::runtime_error("a trial run lacks its baseline or follow-up survey");
  const Population& p = sim.population();
  // In a group of any kind: any membership column the wave holds.
  const auto in_group = [](const SurveyWave& wave) {
    std::vector<std::uint8_t> any(wave.rows(), 0);
    for (const SurveyColumn& column : wave.columns) {
      const std::string& name = column.spec.name;
      if (name.size() < 7 || name.compare(name.size() - 7, 7, "_member") != 0) continue;
      const auto& values = std::get<std::vector<std::uint8_t>>(column.values);
      for (std::size_t i = 0; i < values.size(); ++i) any[i] |= values[i];
    }
    return any;
  };
  const std::vector<std::uint8_t> group0 = in_group(*before), group1 = in_group(*after);
  const auto& alive0 = before->column<std::uint8_t>("alive");
  const auto& alive1 = after->column<std::uint8_t>("alive");
  const auto& certified0 = before->column<std::uint8_t>("certified");
  const auto& certified1 = after->column<std::uint8_t>("certified");
  const double days_per_step = sim.clock().days_per_step;
  const double follow_up = plan.file.follow_up_days;
  for (std::size_t i = 0; i < before->rows(); ++i) {
    if (!alive0[i] || certified0[i]) continue;
    // The panel: independent at both surveys (JAGES surveys people without certification).
    if (alive1[i] && !certified1[i]) {
      TrialRunRecord::Cell& c = record.panel[p.sex[i]][p.income_low[i]];
      c.residents += 1;
      c.before += group0[i];
      c.after += group1[i];
    }
    // The mortality cohort: deaths within the follow-up from baseline (a death in a step
    // counts at the step's end).
    const std::int32_t death = p.death_step[i];
    const double days = death >= 0 ? (death - plan.baseline_step + 1) * days_per_step : follow_up;
    record.sex.push_back(p.sex[i]);
    record.income.push_back(p.income[i]);
    record.died.push_back(death >= 0 && days <= follow_up);
    record.days.push_back(static_cast<float>(std::min(days, follow_up)));
  }
  for (const CoalitionSupport* coalition : sim.modules_of_type<CoalitionSupport>()) {
    record.coalition_cost_yen += coalition->cost_yen(sim);
    const double dt = sim.clock().years_per_step();
    for (const CoalitionDecision& d : coalition->decisions()) {
      record.actions.push_back(
          {static_cast<std::int32_t>(d.decided_step * sim.clock().days_per_step),
           static_cast<std::int32_t>(d.effective_step * sim.clock().days_per_step), d.district,
           std::string(coalition_action_name(d.action)), d.reason, d.need,
           coalition->decision_cost_yen(d, sim.current_step(), dt)});
    }
  }
  return record;
}

TrialResults analyse_trial(const TrialPlan& plan,
                           const std::vector<std::vector<TrialRunRecord>>& records) {
  TrialResults results;
  const std::size_t m = plan.municipalities.size();
  const auto replicates = static_cast<std::size_t>(plan.file.replicates);
  // The propensity of support fitted on the municipalities' characteristics (as the study did),
  // with a light ridge: 32 municipalities can separate.
  const stats::LogisticFit fit =
      stats::fit_logistic(plan.supported, characteristics(plan.traits), 0.1);
  results.propensity = fit.fitted;
  results.weight.assign(m, 0);
  double sum_s = 0, sum_d = 0;
  std::size_t n_s = 0, n_d = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const double p = std::clamp(fit.fitted[i], 0.02, 0.98);
    results.weight[i] = plan.supported[i] ? 1.0 / p : 1.0 / (1.0 - p);
    (plan.supported[i] ? sum_s : sum_d) += results.weight[i];
    (plan.supported[i] ? n_s : n_d) += 1;
  }
  // Normalised to mean 1 within each arm.
  for (std::size_t i = 0; i < m; ++i)
    results.weight[i] *= plan.supported[i] ? n_s / sum_s : n_d / sum_d;

  // The factual and counterfactual scenario of each municipality.
  std::vector<std::size_t> factual(m), counterfactual(m, plan.scenarios.size());
  for (std::size_t s = 0; s < plan.scenarios.size(); ++s)
    (plan.counterfactual[s] ? counterfactual : factual)[plan.municipality_of[s]] = s;

  // Difference-in-differences per replicate, and the truth (supported municipalities with and
  // without support, unweighted: the effect on the supported).
  for (const PanelGroup& group : panel_groups()) {
    DidRow row;
    row.group = group.key;
    row.label = group.label;
    std::vector<double> truth;
    std::array<std::array<double, 2>, 2> levels{};  // [arm][before/after], summed over replicates
    for (std::size_t r = 0; r < replicates; ++r) {
      std::vector<const TrialRunRecord*> s_runs, d_runs, f_runs, c_runs;
      std::vector<double> s_w, d_w, ones;
      for (std::size_t i = 0; i < m; ++i) {
        const TrialRunRecord* run = &records[factual[i]][r];
        if (plan.supported[i]) {
          s_runs.push_back(run);
          s_w.push_back(results.weight[i]);
          if (counterfactual[i] < plan.scenarios.size()) {
            f_runs.push_back(run);
            c_runs.push_back(&records[counterfactual[i]][r]);
            ones.push_back(1.0);
          }
        } else {
          d_runs.push_back(run);
          d_w.push_back(results.weight[i]);
        }
      }
      const Change s = weighted_change(s_runs, s_w, group), d = weighted_change(d_runs, d_w, group);
      row.replicates.push_back(100 * ((s.after - s.before) - (d.after - d.before)));
      levels[0][0] += s.before;
      levels[0][1] += s.after;
      levels[1][0] += d.before;
      levels[1][1] += d.after;
      if (!f_runs.empty()) {
        const Change f = weighted_change(f_runs, ones, group),
                     c = weighted_change(c_runs, ones, group);
        truth.push_back(100 * ((f.after - f.before) - (c.after - c.before)));
      }
    }
    row.truth_replicates = truth;
    summarise(row);
    if (group.key == "men") {
      row.has_published = true;
      row.published = 2.5;  // Haseda et al. 2019: 10.4 against 7.8 points
      row.published_low = 0.6;
      row.published_high = 4.4;
    }
    const double rr = static_cast<double>(replicates);
    results.participation.push_back({group.key, "supported", levels[0][0] / rr, levels[0][1] / rr});
    results.participation.push_back({group.key, "data_only", levels[1][0] / rr, levels[1][1] / rr});
    results.did.push_back(std::move(row));
  }
  // Does the effect differ by income? Low minus high, replicate by replicate.
  for (const char* sex : {"men", "women"}) {
    const auto find = [&](const std::string& key) -> const DidRow& {
      return *std::find_if(results.did.begin(), results.did.end(),
                           [&](const DidRow& row) { return row.group == key; });
    };
    const DidRow& low = find(std::string("low_income_") + sex);
    const DidRow& high = find(std::string("high_income_") + sex);
    DidRow row;
    row.group = std::string("income_difference_") + sex;
    row.label = std::string("low- minus high-income ") + sex;
    for (std::size_t r = 0; r < replicates; ++r)
      row.replicates.push_back(low.replicates[r] - high.replicates[r]);
    for (std::size_t r = 0; r < low.truth_replicates.size(); ++r)
      row.truth_replicates.push_back(low.truth_replicates[r] - high.truth_replicates[r]);
    summarise(row);
    results.did.push_back(std::move(row));
  }

  // Mortality: a weighted Cox model per replicate (supported against data only), and the truth
  // (each supported municipality against itself without support, pooled over replicates).
  // Income tertiles: cut points of the pooled cohort of each replicate.
  struct MortalityGroup {
    std::string key, label;
    int sex;      // -1 both
    int tertile;  // -1 all
  };
  const std::vector<MortalityGroup> groups{{"men", "men", 0, -1},
                                           {"women", "women", 1, -1},
                                           {"income_tertile_1", "lowest income third", -1, 0},
                                           {"income_tertile_2", "middle income third", -1, 1},
                                           {"income_tertile_3", "highest income third", -1, 2}};
  std::vector<std::array<float, 2>> cuts(replicates);  // per replicate: the thirds' bounds
  for (std::size_t r = 0; r < replicates; ++r) {
    std::vector<float> incomes;
    for (std::size_t i = 0; i < m; ++i) {
      const auto& rec = records[factual[i]][r];
      incomes.insert(incomes.end(), rec.income.begin(), rec.income.end());
    }
    std::sort(incomes.begin(), incomes.end());
    if (!incomes.empty()) cuts[r] = {incomes[incomes.size() / 3], incomes[2 * incomes.size() / 3]};
  }
  for (const MortalityGroup& g : groups) {
    MortalityRow row;
    row.group = g.key;
    row.label = g.label;
    std::vector<double> log_hr;
    stats::CoxData truth;
    truth.names = {"supported"};
    truth.covariates.resize(1);
    stats::CoxFit last;
    for (std::size_t r = 0; r < replicates; ++r) {
      // Named copies, not a structured binding: clang 14 (the fuzz build) cannot capture those.
      const float cut1 = cuts[r][0], cut2 = cuts[r][1];
      const auto tertile = [&](float income) { return income < cut1 ? 0 : income < cut2 ? 1 : 2; };
      const auto include = [&](const TrialRunRecord& rec, std::size_t k) {
        return (g.sex < 0 || rec.sex[k] == g.sex) &&
               (g.tertile < 0 || tertile(rec.income[k]) == g.tertile);
      };
      stats::CoxData data;
      data.names = {"supported"};
      data.covariates.resize(1);
      for (std::size_t i = 0; i < m; ++i) {
        const TrialRunRecord& rec = records[factual[i]][r];
        for (std::size_t k = 0; k < rec.sex.size(); ++k) {
          if (!include(rec, k)) continue;
          data.time.push_back(rec.days[k]);
          data.event.push_back(rec.died[k]);
          data.covariates[0].push_back(plan.supported[i]);
          data.weights.push_back(results.weight[i]);
          (plan.supported[i] ? row.deaths_supported : row.deaths_data_only) += rec.died[k];
          row.residents += 1;
        }
        if (!plan.supported[i] || counterfactual[i] >= plan.scenarios.size()) continue;
        for (int arm = 0; arm < 2; ++arm) {
          const TrialRunRecord& run = arm == 0 ? rec : records[counterfactual[i]][r];
          for (std::size_t k = 0; k < run.sex.size(); ++k) {
            if (!include(run, k)) continue;
            truth.time.push_back(run.days[k]);
            truth.event.push_back(run.died[k]);
            truth.covariates[0].push_back(arm == 0 ? 1.0 : 0.0);
          }
        }
      }
      try {
        last = stats::fit_cox(data);
        log_hr.push_back(last.coefficients[0]);
      } catch (const std::exception&) {
        // No deaths in a small group of a replicate: it adds no estimate.
      }
    }
    if (log_hr.size() >= 2) {
      const Spread s = one_trial(log_hr);
      row.hr = std::exp(s.mean);
      row.low = std::exp(s.low);
      row.high = std::exp(s.high);
    } else if (log_hr.size() == 1) {
      row.hr = last.hazard_ratios[0];
      row.low = last.ci_low[0];
      row.high = last.ci_high[0];
    } else {
      row.hr = row.low = row.high = std::nan("");
    }
    try {
      const stats::CoxFit t = stats::fit_cox(truth);
      row.true_hr = t.hazard_ratios[0];
      row.true_low = t.ci_low[0];
      row.true_high = t.ci_high[0];
    } catch (const std::exception&) {
      row.true_hr = row.true_low = row.true_high = std::nan("");
    }
    const double rr = static_cast<double>(replicates);
    row.deaths_supported /= rr;
    row.deaths_data_only /= rr;
    row.residents /= rr;
    results.mortality.push_back(row);
  }
  // Costs per municipality, mean over replicates.
  double cost_s = 0, cost_d = 0;
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t r = 0; r < replicates; ++r)
      (plan.supported[i] ? cost_s : cost_d) += records[factual[i]][r].coalition_cost_yen;
  }
  results.cost_supported = n_s > 0 ? cost_s / static_cast<double>(n_s * replicates) : 0;
  results.cost_data_only = n_d > 0 ? cost_d / static_cast<double>(n_d * replicates) : 0;
  return results;
}

std::string format_trial(const TrialPlan& plan, const TrialResults& results) {
  std::size_t supported = 0;
  for (std::uint8_t s : plan.supported) supported += s;
  std::string text = fmt::format(
      "{}: {} supported and {} data-only municipalities, {} replicate{}, surveys at {} and {} "
      "years, deaths followed {} days\n\n",
      plan.file.name, supported, plan.supported.size() - supported, plan.file.replicates,
      plan.file.replicates == 1 ? "" : "s", plan.file.survey_years[0], plan.file.survey_years[1],
      plan.file.follow_up_days);
  text +=
      "Group participation (independent at both surveys; weighted by the inverse propensity "
      "of support)\n";
  text += fmt::format("{:<34} {:>9} {:>9} {:>9} {:>9}\n", "", "supported", "", "data only", "");
  text += fmt::format("{:<34} {:>9} {:>9} {:>9} {:>9}\n", "group", "baseline", "year 3", "baseline",
                      "year 3");
  for (std::size_t k = 0; k + 1 < results.participation.size(); k += 2) {
    const auto& s = results.participation[k];
    const auto& d = results.participation[k + 1];
    text += fmt::format("{:<34} {:>8.1f}% {:>8.1f}% {:>8.1f}% {:>8.1f}%\n", s.group,
                        100 * s.baseline, 100 * s.follow_up, 100 * d.baseline, 100 * d.follow_up);
  }
  text +=
      "\nDifference-in-differences, points (95% range of one trial over replicates; true "
      "effect with its 95% CI)\n";
  text +=
      fmt::format("{:<34} {:>24} {:>24} {:>18}\n", "group", "estimate", "true effect", "published");
  for (const DidRow& row : results.did) {
    text += fmt::format(
        "{:<34} {:>+7.2f} ({:+6.2f} to {:+6.2f}) {:>+7.2f} ({:+6.2f} to {:+6.2f}) {:>18}\n",
        row.label, row.estimate, row.low, row.high, row.truth, row.truth_low, row.truth_high,
        row.has_published ? fmt::format("{:+.1f} ({:.1f} to {:.1f})", row.published,
                                        row.published_low, row.published_high)
                          : std::string("-"));
  }
  text += fmt::format(
      "\nDeath over {} days from baseline: hazard ratio, supported against data "
      "only (no published target)\n",
      plan.file.follow_up_days);
  text += fmt::format("{:<24} {:>24} {:>24} {:>16}\n", "group", "estimate (IPW Cox)", "true effect",
                      "deaths S / D");
  for (const MortalityRow& row : results.mortality) {
    text += fmt::format(
        "{:<24} {:>6.3f} ({:.3f} to {:.3f}) {:>6.3f} ({:.3f} to {:.3f}) {:>7.1f} / {:.1f}\n",
        row.label, row.hr, row.low, row.high, row.true_hr, row.true_low, row.true_high,
        row.deaths_supported, row.deaths_data_only);
  }
  text += fmt::format(
      "\nCost per municipality over the run: supported {:.1f} million yen, data "
      "only {:.1f} million yen\n",
      results.cost_supported / 1e6, results.cost_data_only / 1e6);
  return text;
}

std::string trial_csv(const TrialResults& results) {
  std::string csv = "kind,group,estimate,low,high,true,true_low,true_high\n";
  const auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  for (const DidRow& row : results.did)
    csv +=
        fmt::format("did_points,{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}\n", quoted(row.group),
                    row.estimate, row.low, row.high, row.truth, row.truth_low, row.truth_high);
  for (const MortalityRow& row : results.mortality)
    csv += fmt::format("death_hazard_ratio,{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}\n",
                       quoted(row.group), row.hr, row.low, row.high, row.true_hr, row.true_low,
                       row.true_high);
  return csv;
}

std::string trial_json(const TrialPlan& plan, const TrialResults& results,
                       const std::vector<std::vector<TrialRunRecord>>& records) {
  using nlohmann::json;
  const auto number = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
  json j;
  j["name"] = plan.file.name;
  j["description"] = plan.file.description;
  j["replicates"] = plan.file.replicates;
  j["seed"] = plan.seed;
  j["follow_up_days"] = plan.file.follow_up_days;
  j["survey_years"] = plan.file.survey_years;
  j["municipalities"] = json::array();
  for (std::size_t i = 0; i < plan.municipalities.size(); ++i) {
    const MunicipalityTraits& t = plan.traits[i];
    j["municipalities"].push_back({{"name", plan.municipalities[i].name},
                                   {"arm", plan.supported[i] ? "supported" : "data_only"},
                                   {"population", t.population},
                                   {"districts", t.districts},
                                   {"rural_share", t.rural_share},
                                   {"income_median_million_yen", t.income_median},
                                   {"participation_odds_ratio", t.join_odds_ratio},
                                   {"propensity", results.propensity[i]},
                                   {"weight", results.weight[i]}});
  }
  j["participation"] = json::array();
  for (const auto& level : results.participation)
    j["participation"].push_back({{"group", level.group},
                                  {"arm", level.arm},
                                  {"baseline", level.baseline},
                                  {"follow_up", level.follow_up}});
  j["did"] = json::array();
  for (const DidRow& row : results.did) {
    json r{{"group", row.group},
           {"label", row.label},
           {"estimate", number(row.estimate)},
           {"low", number(row.low)},
           {"high", number(row.high)},
           {"true", number(row.truth)},
           {"true_low", number(row.truth_low)},
           {"true_high", number(row.truth_high)},
           {"replicates", row.replicates}};
    r["published"] = row.has_published ? json(row.published) : json(nullptr);
    r["published_low"] = row.has_published ? json(row.published_low) : json(nullptr);
    r["published_high"] = row.has_published ? json(row.published_high) : json(nullptr);
    j["did"].push_back(r);
  }
  j["mortality"] = json::array();
  for (const MortalityRow& row : results.mortality)
    j["mortality"].push_back({{"group", row.group},
                              {"label", row.label},
                              {"hr", number(row.hr)},
                              {"low", number(row.low)},
                              {"high", number(row.high)},
                              {"true_hr", number(row.true_hr)},
                              {"true_low", number(row.true_low)},
                              {"true_high", number(row.true_high)},
                              {"deaths_supported", row.deaths_supported},
                              {"deaths_data_only", row.deaths_data_only},
                              {"residents", row.residents}});
  // The actions of replicate 0, and how many each arm took on average.
  j["actions"] = json::array();
  std::map<std::pair<std::string, std::string>, double> counts;
  for (std::size_t s = 0; s < plan.scenarios.size(); ++s) {
    if (plan.counterfactual[s]) continue;
    const std::size_t i = plan.municipality_of[s];
    const std::string arm = plan.supported[i] ? "supported" : "data_only";
    const auto& districts = plan.scenarios[s].town.districts;
    for (std::size_t r = 0; r < records[s].size(); ++r) {
      for (const TrialAction& a : records[s][r].actions) {
        counts[{arm, a.action}] += 1;
        if (r != 0) continue;
        const auto d = static_cast<std::size_t>(a.district);
        j["actions"].push_back({{"municipality", plan.municipalities[i].name},
                                {"replicate", r},
                                {"arm", arm},
                                {"decided_day", a.decided_day},
                                {"effective_day", a.effective_day},
                                {"action", a.action},
                                {"district", d < districts.size() ? districts[d].name : "?"},
                                {"need", a.need},
                                {"reason", a.reason},
                                {"cost_yen", a.cost_yen}});
      }
    }
  }
  std::size_t supported = 0;
  for (std::uint8_t s : plan.supported) supported += s;
  const double reps = plan.file.replicates;
  j["action_counts"] = json::array();
  for (const auto& [key, n] : counts) {
    const double arms = key.first == "supported"
                            ? static_cast<double>(supported)
                            : static_cast<double>(plan.supported.size() - supported);
    j["action_counts"].push_back(
        {{"arm", key.first}, {"action", key.second}, {"per_municipality", n / (arms * reps)}});
  }
  j["costs"] = {{"supported_yen_per_municipality", results.cost_supported},
                {"data_only_yen_per_municipality", results.cost_data_only}};
  return j.dump(1);
}

}  // namespace salonsim::models
