#include "sim/ensemble.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <set>
#include <stdexcept>

#include "../support/small_town.hpp"

namespace salonsim {
namespace {

/// A module that counts its steps, so a run's work is visible.
class Counter final : public Module {
 public:
  std::string_view name() const override { return "counter"; }
  Phase phase() const override { return Phase::kHealth; }
  void step(Simulation&, std::int64_t) override { ++steps; }
  int steps = 0;
};

std::unique_ptr<Simulation> small_run(const EnsembleRun& run, std::int64_t steps) {
  auto sim = testing::small_simulation(testing::residents_at({{0, 0}, {10, 0}}), steps, {},
                                       run.identity.seed);
  sim->add_module(std::make_unique<Counter>());
  return sim;
}

/// What the tests' runs hand back: the steps a run took and its replicate.
struct StepsTaken {
  std::int64_t steps = 0;
  std::uint32_t replicate = 0;
  template <class Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& steps& replicate;
  }
};

EnsembleJob<StepsTaken> counting_job(std::function<void(std::size_t, StepsTaken&)> collect) {
  return {.build = [](const EnsembleRun& run) { return small_run(run, 4 + run.scenario); },
          .observer = {},
          .extract =
              [](const EnsembleRun& run, Simulation& sim) {
                return StepsTaken{sim.current_step(), run.identity.replicate};
              },
          .collect = [collect](std::size_t index, const EnsembleRun&,
                               StepsTaken& result) { collect(index, result); }};
}

TEST(Ensemble, RunsEveryRunOnceAndCollectsEachResultOneAtATime) {
  std::vector<EnsembleRun> runs;
  for (std::uint32_t r = 0; r < 12; ++r) runs.push_back({r % 3, {5, r}});
  std::multiset<std::uint32_t> collected;
  std::atomic<int> observed{0}, collecting{0};
  EnsembleJob<StepsTaken> job = counting_job([&](std::size_t index, StepsTaken& result) {
    EXPECT_EQ(collecting.fetch_add(1), 0) << "two results collected at once";
    EXPECT_EQ(runs[index].identity.replicate, result.replicate);
    EXPECT_EQ(result.steps, 4 + static_cast<std::int64_t>(runs[index].scenario));
    collected.insert(result.replicate);
    collecting.fetch_sub(1);
  });
  job.observer = [&](const Simulation&, std::int64_t) { ++observed; };
  ThreadBackend threads;
  const auto failures = run_ensemble(runs, job, threads);
  EXPECT_TRUE(failures.empty());
  EXPECT_EQ(collected.size(), 12u);
  for (std::uint32_t r = 0; r < 12; ++r) EXPECT_EQ(collected.count(r), 1u);
  // Steps observed: 4 runs each of 4, 5 and 6 steps.
  EXPECT_EQ(observed.load(), 4 * (4 + 5 + 6));
}

/// A back end that runs in order on the calling thread and, like the MPI back end, packs every
/// result into bytes and unpacks it before collecting.
class PackingBackend final : public EnsembleBackend {
 public:
  std::vector<EnsembleFailure> run_all(std::size_t runs, const EnsembleWork& work) override {
    std::vector<EnsembleFailure> failures;
    for (std::size_t k = runs; k-- > 0;) {  // backwards: order must not matter
      order.push_back(k);
      try {
        std::string bytes;
        work.run(k, [&](RunResult& result) { bytes = result.pack(); });
        std::unique_ptr<RunResult> result = work.unpack(bytes);
        work.collect(k, *result);
      } catch (const std::exception& e) {
        failures.push_back({k, e.what()});
      }
    }
    return failures;
  }
  std::vector<std::size_t> order;
};

TEST(Ensemble, ResultsPackedIntoBytesArriveWhole) {
  std::vector<EnsembleRun> runs;
  for (std::uint32_t r = 0; r < 4; ++r) runs.push_back({r, {3, 10 + r}});
  std::vector<StepsTaken> results(4);
  PackingBackend backend;
  const auto failures = run_ensemble(
      runs, counting_job([&](std::size_t index, StepsTaken& result) { results[index] = result; }),
      backend);
  EXPECT_TRUE(failures.empty());
  for (std::uint32_t r = 0; r < 4; ++r) {
    EXPECT_EQ(results[r].steps, 4 + r);
    EXPECT_EQ(results[r].replicate, 10 + r);
  }
  EXPECT_EQ(backend.order, (std::vector<std::size_t>{3, 2, 1, 0}));
}

TEST(Ensemble, FailuresAreReportedInIndexOrderAndTheOtherRunsComplete) {
  std::vector<EnsembleRun> runs;
  for (std::uint32_t r = 0; r < 5; ++r) runs.push_back({r, {1, r}});
  PackingBackend backend;
  int done = 0;
  EnsembleJob<StepsTaken> job = counting_job([&](std::size_t index, StepsTaken&) {
    if (index == 1) throw std::runtime_error("disk full");
    ++done;
  });
  job.build = [](const EnsembleRun& run) {
    if (run.scenario == 3) throw std::invalid_argument("bad scenario 3");
    return small_run(run, 2);
  };
  const auto failures = run_ensemble(runs, job, backend);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].index, 1u);
  EXPECT_EQ(failures[0].message, "disk full");
  EXPECT_EQ(failures[1].index, 3u);
  EXPECT_EQ(failures[1].message, "bad scenario 3");
  EXPECT_EQ(done, 3);
}

TEST(Simulation, TheStepObserverSeesEveryStepAfterItIsRecorded) {
  auto sim = small_run({0, {1, 0}}, 3);
  std::vector<std::int64_t> seen;
  sim->set_observer([&](const Simulation& s, std::int64_t step) {
    EXPECT_EQ(s.current_step(), step + 1);
    seen.push_back(step);
  });
  sim->run();
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 1, 2}));
}

}  // namespace
}  // namespace salonsim
