#include "sim/sweep/sweep_plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace salonsim::sweep {
namespace {

using testing::TempDir;

std::vector<params::Issue> sweep_issues(const std::string& file) {
  try {
    load_sweep(file, core_outcomes());
  } catch (const params::ScenarioError& e) {
    return e.diagnostics().issues();
  }
  ADD_FAILURE() << file << " loaded without problems";
  return {};
}

std::string report(const std::vector<params::Issue>& issues) {
  std::string text;
  for (const params::Issue& issue : issues) text += params::format_issue(issue) + "\n";
  return text;
}

SweepParameter uniform(double min, double max) {
  SweepParameter p;
  p.key = "a.b";
  p.min = min;
  p.max = max;
  return p;
}

// ---- Reading sweep files ----------------------------------------------------------------------

TEST(SweepFileTest, ReadsEveryField) {
  TempDir dir;
  const std::string file = dir.write("s.yaml", R"(name: s
scenario: base.yaml
set: [run.years=2]
design: {type: sobol, samples: 16, seed: 5, bootstrap: 200}
replicates: 3
seeds: independent
seed: 9
parameters:
  - {key: health.certification.rate_at_65, min: 0.003, max: 0.005}
  - {key: "interventions[0].placement.rule", values: [gaps, district_centres]}
  - {key: town.population, distribution: log_uniform, min: 1000, max: 4000, integer: true}
  - {key: x.y, name: why, distribution: normal, mean: 1, sd: 0.5}
outputs: [deaths, cost_yen]
groups: [all, women]
)");
  const LoadedSweep sweep = load_sweep(file, core_outcomes());
  const SweepFile& s = sweep.file;
  EXPECT_EQ(s.name, "s");
  EXPECT_EQ(sweep.scenario_path(), dir.path() / "base.yaml");
  EXPECT_EQ(s.set, std::vector<std::string>{"run.years=2"});
  EXPECT_EQ(s.design.type, DesignType::kSobol);
  EXPECT_EQ(s.design.samples, 16);
  EXPECT_EQ(s.design.bootstrap, 200);
  EXPECT_EQ(s.replicates, 3);
  EXPECT_EQ(s.seeds, SeedPolicy::kIndependent);
  EXPECT_EQ(s.seed, 9u);
  ASSERT_EQ(s.parameters.size(), 4u);
  EXPECT_EQ(s.parameters[1].values, (std::vector<std::string>{"gaps", "district_centres"}));
  EXPECT_TRUE(s.parameters[2].integer);
  EXPECT_EQ(s.parameters[2].distribution, Distribution::kLogUniform);
  EXPECT_EQ(s.parameters[0].label(), "rate_at_65");
  EXPECT_EQ(s.parameters[3].label(), "why");
  EXPECT_EQ(output_columns(s),
            (std::vector<std::string>{"deaths.all", "deaths.women", "cost_yen"}));
  EXPECT_NE(sweep.text.find("name: s"), std::string::npos);
}

TEST(SweepFileTest, ReportsEveryProblemAtOnceWithPositions) {
  TempDir dir;
  const std::string file = dir.write("bad.yaml", R"(scenario: base.yaml
desing: {type: morris}
design: {type: morriss, levels: 3}
parameters:
  - {key: a.b, min: 2, max: 1}
  - {key: a.b, min: 1, max: 2}
  - {key: c.d, distribution: log_uniform, min: 0, max: 1}
  - {key: e.f, values: [1, 2], min: 0}
  - {key: g.h}
outputs: [deaths, certificatons_per_1000_py]
groups: [all, low_incme]
)");
  const auto issues = sweep_issues(file);
  const std::string text = report(issues);
  EXPECT_NE(text.find(file + ":2:1: desing: unknown key 'desing'; did you mean 'design'?"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(":3:16: design.type: 'morriss' is not one of {grid, latin_hypercube, "
                      "morris, sobol}; did you mean 'morris'?"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("parameters[0].max: max must be greater than min"), std::string::npos)
      << text;
  EXPECT_NE(text.find("parameters[1].key: key 'a.b' is varied twice"), std::string::npos) << text;
  EXPECT_NE(text.find("parameters[2].min: a log_uniform range must be positive"), std::string::npos)
      << text;
  EXPECT_NE(text.find("parameters[3].values: give either values or a distribution"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(":9:5: parameters[4].min: needs min and max (or a list of values)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("outputs[1]: unknown output 'certificatons_per_1000_py'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("did you mean 'certifications_per_1000_py'?"), std::string::npos) << text;
  EXPECT_NE(text.find("groups[1]: unknown group 'low_incme'"), std::string::npos) << text;
  EXPECT_GE(issues.size(), 9u) << text;
}

TEST(SweepFileTest, MorrisNeedsEvenLevelsAndANormalWithEnds) {
  TempDir dir;
  const std::string file = dir.write("m.yaml", R"(scenario: base.yaml
design: {type: morris, levels: 3}
parameters:
  - {key: a.b, distribution: normal, mean: 1, sd: 1}
)");
  const std::string text = report(sweep_issues(file));
  EXPECT_NE(text.find("design.levels: morris needs an even number of levels"), std::string::npos)
      << text;
  EXPECT_NE(text.find("parameters[0].distribution: a normal in a grid or morris design needs min "
                      "and max"),
            std::string::npos)
      << text;
}

TEST(SweepFileTest, AnIntegerRangeWithNoWholeNumberIsRefused) {
  TempDir dir;
  const std::string file = dir.write("i.yaml", R"(scenario: base.yaml
parameters:
  - {key: a.b, min: 4.2, max: 4.8, integer: true}
  - {key: a.c, min: 4.2, max: 5.0, integer: true}
)");
  const std::vector<params::Issue> issues = sweep_issues(file);
  ASSERT_EQ(issues.size(), 1u) << report(issues);
  EXPECT_EQ(issues[0].path, "parameters[0].integer");
  EXPECT_EQ(issues[0].message, "no whole number lies between min and max");
}

TEST(SweepFileTest, ADesignTooLargeIsRefusedWithItsSizeBeforeItIsBuilt) {
  TempDir dir;
  std::string text = "scenario: base.yaml\ndesign: {type: sobol, samples: 10000000}\nparameters:\n";
  for (int j = 0; j < 50; ++j) text += "  - {key: a.p" + std::to_string(j) + ", min: 0, max: 1}\n";
  const std::string report_text = report(sweep_issues(dir.write("big.yaml", text)));
  // N (k + 2) = 1e7 x 52 points.
  EXPECT_NE(report_text.find("the design has 5.2e+08 points x 1 replicates = 5.2e+08 runs, more "
                             "than the 1e+07 a sweep may have"),
            std::string::npos)
      << report_text;
  EXPECT_NE(report_text.find("5.2e+08 points x 50 parameters = 2.6e+10 values"), std::string::npos)
      << report_text;
}

TEST(SweepFileTest, AKeyVariedTwiceIsReportedOncePerRepeat) {
  TempDir dir;
  const std::string file = dir.write("twice.yaml", R"(scenario: base.yaml
parameters:
  - {key: a.b, min: 0, max: 1}
  - {key: a.b, min: 0, max: 1}
  - {key: a.b, min: 0, max: 1}
)");
  EXPECT_EQ(sweep_issues(file).size(), 2u);
}

TEST(SweepFileTest, MissingFileAndSyntaxErrorsAreReported) {
  TempDir dir;
  EXPECT_NE(report(sweep_issues(dir.file("none.yaml"))).find("no such file"), std::string::npos);
  const std::string file = dir.write("syntax.yaml", "scenario: [a\n");
  EXPECT_NE(report(sweep_issues(file)).find("YAML syntax"), std::string::npos);
}

// ---- From the unit interval to parameter values -----------------------------------------------

TEST(SweepValueTest, UniformAndLogUniformQuantiles) {
  const SweepParameter p = uniform(2, 6);
  EXPECT_DOUBLE_EQ(value_at(p, 0.0), 2.0);
  EXPECT_DOUBLE_EQ(value_at(p, 0.25), 3.0);
  EXPECT_DOUBLE_EQ(value_at(p, 1.0), 6.0);
  SweepParameter log = uniform(0.001, 0.1);
  log.distribution = Distribution::kLogUniform;
  EXPECT_NEAR(value_at(log, 0.5), 0.01, 1e-15);  // geometric mean of the ends
  EXPECT_NEAR(value_at(log, 1.0), 0.1, 1e-15);
}

TEST(SweepValueTest, IntegersAreEquallyLikely) {
  SweepParameter p = uniform(4, 7);  // 4, 5, 6, 7: a quarter of the interval each
  p.integer = true;
  EXPECT_EQ(value_at(p, 0.0), 4);
  EXPECT_EQ(value_at(p, 0.2499), 4);
  EXPECT_EQ(value_at(p, 0.25), 5);
  EXPECT_EQ(value_at(p, 0.74), 6);
  EXPECT_EQ(value_at(p, 0.75), 7);
  EXPECT_EQ(value_at(p, 1.0), 7);
  EXPECT_EQ(value_text(p, 7.0), "7");
}

TEST(SweepValueTest, NormalIsCutToItsRange) {
  SweepParameter p;
  p.key = "a";
  p.distribution = Distribution::kNormal;
  p.mean = 10;
  p.sd = 2;
  EXPECT_NEAR(value_at(p, 0.5), 10.0, 1e-12);
  EXPECT_NEAR(value_at(p, 0.975), 10 + 1.959963984540054 * 2, 1e-9);
  p.min = 10;  // the upper half only: u = 0.5 is the median of the upper half
  p.max = 100;
  EXPECT_DOUBLE_EQ(value_at(p, 0.0), 10.0);
  EXPECT_NEAR(value_at(p, 0.5), 10 + 0.6744897501960817 * 2, 1e-9);
}

TEST(SweepValueTest, ListValuesArePickedByCell) {
  SweepParameter p;
  p.key = "a";
  p.values = {"gaps", "none", "district_centres"};
  EXPECT_EQ(value_at(p, 0.0), 0);
  EXPECT_EQ(value_at(p, 0.34), 1);
  EXPECT_EQ(value_at(p, 1.0), 2);
  EXPECT_EQ(value_text(p, 2), "district_centres");
  EXPECT_EQ(grid_levels(p, 5), (std::vector<double>{1.0 / 6, 0.5, 5.0 / 6}));
  EXPECT_EQ(grid_levels(uniform(0, 1), 3), (std::vector<double>{0, 0.5, 1}));
  EXPECT_EQ(grid_levels(uniform(0, 1), 1), (std::vector<double>{0.5}));
}

// ---- Plans ------------------------------------------------------------------------------------

SweepFile two_parameters(DesignType type) {
  SweepFile file;
  file.scenario = "base.yaml";
  file.design.type = type;
  file.design.samples = 6;
  file.design.trajectories = 3;
  file.design.levels = 4;
  file.replicates = 2;
  file.parameters = {uniform(0, 1), uniform(10, 20)};
  file.parameters[0].key = "x.p";
  file.parameters[1].key = "x.q";
  file.parameters[1].levels = 2;
  return file;
}

TEST(SweepPlanTest, SizesOfEachDesign) {
  // Grid: 4 default levels x 2 levels; Latin hypercube: samples; Morris: r (k + 1); Sobol:
  // N (k + 2). Runs are points x replicates.
  EXPECT_EQ(make_plan(two_parameters(DesignType::kGrid), 1).points(), 8u);
  EXPECT_EQ(make_plan(two_parameters(DesignType::kLatinHypercube), 1).points(), 6u);
  EXPECT_EQ(make_plan(two_parameters(DesignType::kMorris), 1).points(), 9u);
  const SweepPlan sobol = make_plan(two_parameters(DesignType::kSobol), 1);
  EXPECT_EQ(sobol.points(), 24u);
  EXPECT_EQ(sobol.runs(), 48u);
}

TEST(SweepPlanTest, DesignSizeIsKnownBeforeTheDesignIsBuilt) {
  for (DesignType type :
       {DesignType::kGrid, DesignType::kLatinHypercube, DesignType::kMorris, DesignType::kSobol}) {
    const SweepFile file = two_parameters(type);
    EXPECT_EQ(design_points(file), static_cast<double>(make_plan(file, 1).points()));
  }
  // A grid's size is the product of its levels, however large.
  SweepFile grid = two_parameters(DesignType::kGrid);
  for (SweepParameter& p : grid.parameters) p.levels = 10000;
  EXPECT_EQ(design_points(grid), 1e8);
}

TEST(SweepPlanTest, GridValuesAndOverrides) {
  const SweepPlan plan = make_plan(two_parameters(DesignType::kGrid), 77);
  EXPECT_EQ(plan.seed, 77u);  // seed 0 in the file: the base scenario's
  // First factor slowest: (0, 10), (0, 20), (1/3, 10), ...
  EXPECT_DOUBLE_EQ(plan.value(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(plan.value(0, 1), 10.0);
  EXPECT_DOUBLE_EQ(plan.value(1, 1), 20.0);
  EXPECT_DOUBLE_EQ(plan.value(7, 0), 1.0);
  EXPECT_EQ(plan.overrides(1), (std::vector<std::string>{"x.p=0", "x.q=20"}));
}

TEST(SweepPlanTest, RunsAndTheirRandomStreams) {
  SweepFile file = two_parameters(DesignType::kLatinHypercube);
  const SweepPlan common = make_plan(file, 1);
  // Run 5 is point 2, replicate 1; with common random numbers it draws replicate 1's numbers.
  EXPECT_EQ(common.run(5).point, 2u);
  EXPECT_EQ(common.run(5).replicate, 1u);
  EXPECT_EQ(common.run(5).stream_replicate, 1u);
  file.seeds = SeedPolicy::kIndependent;
  file.seed = 3;
  const SweepPlan independent = make_plan(file, 1);
  EXPECT_EQ(independent.run(5).stream_replicate, 5u);
  EXPECT_EQ(independent.run(5).seed, 3u);
}

TEST(SweepPlanTest, SameFileSamePlan) {
  const SweepPlan a = make_plan(two_parameters(DesignType::kLatinHypercube), 1);
  const SweepPlan b = make_plan(two_parameters(DesignType::kLatinHypercube), 1);
  EXPECT_EQ(a.values, b.values);
  SweepFile other = two_parameters(DesignType::kLatinHypercube);
  other.design.seed = 2;
  EXPECT_NE(make_plan(other, 1).values, a.values);
  EXPECT_NE(format_design(a, 2).find("... 4 more points"), std::string::npos);
}

// ---- Outputs of a run -------------------------------------------------------------------------

TEST(SweepOutputsTest, GroupsAndOutcomesByHand) {
  RunSummary summary;
  // Groups: high-income men, high-income women, low-income men, low-income women.
  for (int g = 0; g < kGroups; ++g) {
    summary.groups[g].at("residents") = 100 * (g + 1);
    summary.groups[g].at("deaths") = g + 1;
    summary.groups[g].at("certifications") = 2 * (g + 1);
    summary.groups[g].at("disability_free_years") = 100.0 * (g + 1);
  }
  summary.cost_yen = 5e6;
  EXPECT_EQ(group_summary(summary, "all")["deaths"], 10);
  EXPECT_EQ(group_summary(summary, "men")["deaths"], 1 + 3);
  EXPECT_EQ(group_summary(summary, "women")["deaths"], 2 + 4);
  EXPECT_EQ(group_summary(summary, "low_income")["deaths"], 3 + 4);
  EXPECT_EQ(group_summary(summary, "high_income")["deaths"], 1 + 2);
  EXPECT_EQ(group_summary(summary, "low_income_women")["deaths"], 4);

  SweepFile file;
  file.outputs = {"deaths", "certifications_per_1000_py", "cost_yen"};
  file.groups = {"all", "low_income"};
  // Certifications per 1,000 disability-free years: 20 / 1000 and 14 / 700, times 1000.
  EXPECT_EQ(run_outputs(file, summary, core_outcomes()), (std::vector<double>{10, 7, 20, 20, 5e6}));
}

}  // namespace
}  // namespace salonsim::sweep
