#include "sim/ensemble.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
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

TEST(Ensemble, RunsEveryRunOnceAndHandsEachOverFinished) {
  std::vector<EnsembleRun> runs;
  for (std::uint32_t r = 0; r < 12; ++r) runs.push_back({r % 3, {5, r}});
  std::mutex mutex;
  std::multiset<std::uint32_t> finished;
  std::atomic<int> observed{0};
  const auto failures = run_ensemble(
      runs, {.build = [](const EnsembleRun& run) { return small_run(run, 4 + run.scenario); },
             .observer = [&](const Simulation&, std::int64_t) { ++observed; },
             .finished =
                 [&](std::size_t index, const EnsembleRun& run, Simulation& sim) {
                   EXPECT_EQ(runs[index].identity.replicate, run.identity.replicate);
                   EXPECT_EQ(sim.current_step(), 4 + static_cast<std::int64_t>(run.scenario));
                   std::lock_guard lock(mutex);
                   finished.insert(run.identity.replicate);
                 }});
  EXPECT_TRUE(failures.empty());
  EXPECT_EQ(finished.size(), 12u);
  for (std::uint32_t r = 0; r < 12; ++r) EXPECT_EQ(finished.count(r), 1u);
  // Steps observed: 4 runs each of 4, 5 and 6 steps.
  EXPECT_EQ(observed.load(), 4 * (4 + 5 + 6));
}

/// A back end that runs in order on the calling thread: what an MPI back end plugs into.
class SerialBackend final : public EnsembleBackend {
 public:
  void for_each_run(std::size_t runs, const std::function<void(std::size_t)>& job) override {
    for (std::size_t k = 0; k < runs; ++k) {
      order.push_back(k);
      job(k);
    }
  }
  std::vector<std::size_t> order;
};

TEST(Ensemble, FailuresAreReportedInIndexOrderAndTheOtherRunsComplete) {
  std::vector<EnsembleRun> runs;
  for (std::uint32_t r = 0; r < 5; ++r) runs.push_back({r, {1, r}});
  SerialBackend backend;
  int done = 0;
  const auto failures = run_ensemble(runs,
                                     {.build =
                                          [](const EnsembleRun& run) {
                                            if (run.scenario == 3)
                                              throw std::invalid_argument("bad scenario 3");
                                            return small_run(run, 2);
                                          },
                                      .observer = {},
                                      .finished =
                                          [&](std::size_t index, const EnsembleRun&, Simulation&) {
                                            if (index == 1) throw std::runtime_error("disk full");
                                            ++done;
                                          }},
                                     backend);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].index, 1u);
  EXPECT_EQ(failures[0].message, "disk full");
  EXPECT_EQ(failures[1].index, 3u);
  EXPECT_EQ(failures[1].message, "bad scenario 3");
  EXPECT_EQ(done, 3);
  EXPECT_EQ(backend.order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
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
