#include "sim/simulation.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace salonsim {
namespace {

/// Records when each lifecycle call happens.
class Recorder final : public Module {
 public:
  Recorder(std::string name, Phase phase, std::vector<std::string>& log)
      : name_(std::move(name)), phase_(phase), log_(log) {}
  std::string_view name() const override { return name_; }
  Phase phase() const override { return phase_; }
  void init(Simulation&) override { log_.push_back("init " + name_); }
  void step(Simulation& sim, std::int64_t step) override {
    log_.push_back(name_ + " " + std::to_string(step));
    if (name_ == "killer" && step == 1) {
      sim.population().death_requested[0] = 1;
      sim.population().death_requested[2] = 1;
    }
    if (name_ == "observer") {
      // Deaths requested in an earlier phase are not applied until the end of the step.
      log_.push_back("alive0=" + std::to_string(sim.population().alive[0]));
    }
  }
  void finalize(Simulation&) override { log_.push_back("finalize " + name_); }

 private:
  std::string name_;
  Phase phase_;
  std::vector<std::string>& log_;
};

Population three_alive() {
  Population p;
  p.resize(3);
  p.alive = {1, 1, 1};
  return p;
}

TEST(Simulation, RunsPhasesInScheduleOrderWhateverTheOrderOfAdding) {
  std::vector<std::string> log;
  Simulation sim({1, 0}, {7, 2}, three_alive(), Network(3, {}, 0));
  sim.add_module(std::make_unique<Recorder>("health", Phase::kHealth, log));
  sim.add_module(std::make_unique<Recorder>("salons", Phase::kInterventions, log));
  sim.add_module(std::make_unique<Recorder>("entry", Phase::kDemography, log));
  sim.add_module(std::make_unique<Recorder>("contacts", Phase::kContacts, log));
  sim.run();
  const std::vector<std::string> expected{
      "init entry",     "init contacts",     "init salons",     "init health",
      "entry 0",        "contacts 0",        "salons 0",        "health 0",
      "entry 1",        "contacts 1",        "salons 1",        "health 1",
      "finalize entry", "finalize contacts", "finalize salons", "finalize health"};
  EXPECT_EQ(log, expected);
  EXPECT_EQ(sim.current_step(), 2);
}

TEST(Simulation, AppliesRequestedDeathsOnceAtTheEndOfTheStep) {
  std::vector<std::string> log;
  Simulation sim(
      {1, 0}, {7, 3}, three_alive(),
      Network(3, {{0, 1, {1.0f, TieKind::kFriend}}, {1, 2, {1.0f, TieKind::kFriend}}}, 0));
  sim.add_module(std::make_unique<Recorder>("killer", Phase::kContacts, log));
  sim.add_module(std::make_unique<Recorder>("observer", Phase::kHealth, log));
  sim.run();
  const Population& p = sim.population();
  EXPECT_EQ(p.alive, (std::vector<std::uint8_t>{0, 1, 0}));
  EXPECT_EQ(p.death_step, (std::vector<StoredStep>{1, kNever, 1}));
  EXPECT_EQ(p.death_requested, (std::vector<std::uint8_t>{0, 0, 0}));
  EXPECT_EQ(sim.network().degree(1), 0u) << "ties of the dead are removed";
  // Step 1's observer (health phase) still saw resident 0 alive.
  // Log: init killer, init observer, then per step "killer s", "observer s", "alive0=...".
  ASSERT_EQ(log.size(), 2u + 3u * 3u + 2u);
  EXPECT_EQ(log[6], "observer 1");
  EXPECT_EQ(log[7], "alive0=1");
  EXPECT_EQ(log[10], "alive0=0");
}

TEST(Simulation, RefusesAClockLongerThanStepsKeptInTwoBytesAllow) {
  // Mechanisms keep steps as StoredStep: the run's last step must fit below kMaxSteps.
  EXPECT_THROW(Simulation({1, 0}, {1, kMaxSteps + 1}, three_alive(), Network(3, {}, 0)),
               std::invalid_argument);
  EXPECT_NO_THROW(Simulation({1, 0}, {1, kMaxSteps}, three_alive(), Network(3, {}, 0)));
}

TEST(Simulation, RefusesRowsThatAreNotInOrderOfEntry) {
  // Passes over the living stop at the rows entered (Population::entered_by).
  Population p = three_alive();
  p.entry_step = {0, 2, 1};
  p.alive = {1, 0, 0};
  Simulation sim({1, 0}, {1, 4}, std::move(p), Network(3, {}, 0));
  EXPECT_THROW(sim.init(), std::invalid_argument);
  Population in_order = three_alive();
  in_order.entry_step = {0, 1, 2};
  Simulation fine({1, 0}, {1, 4}, std::move(in_order), Network(3, {}, 0));
  EXPECT_NO_THROW(fine.init());
}

/// Asks for the deaths of the given rows at step 0.
class Killer final : public Module {
 public:
  explicit Killer(std::vector<ResidentId> rows) : rows_(std::move(rows)) {}
  std::string_view name() const override { return "killer"; }
  Phase phase() const override { return Phase::kHealth; }
  void step(Simulation& sim, std::int64_t step) override {
    if (step == 0)
      for (const ResidentId i : rows_) sim.population().death_requested[i] = 1;
  }

 private:
  std::vector<ResidentId> rows_;
};

TEST(Simulation, DeathsFoundInParallelChunksLeaveTheRowsAsDeathsInIdOrderDo) {
  // 40,000 rows (three chunks of the parallel search); each resident tied to the next 3 and
  // to one far away, so a survivor's row loses several ties whose removal order decides the
  // order of what is left. Deaths in every chunk, one of a resident already dead.
  const std::size_t n = 40'000;
  std::vector<UndirectedTie> ties;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d : {1, 2, 3, 17'389})
      if (i + d < n)
        ties.push_back(
            {static_cast<ResidentId>(i), static_cast<ResidentId>(i + d), {1.0f, TieKind::kFriend}});
  }
  std::vector<ResidentId> dying;
  for (std::size_t i = 5; i < n; i += 7) dying.push_back(static_cast<ResidentId>(i));
  const Network built(n, ties, 0);
  Population p;
  p.resize(n);
  p.alive.assign(n, 1);
  p.alive[13] = 0;  // asked to die though dead already: left as it is
  dying.push_back(13);
  Simulation sim({1, 0}, {7, 1}, p, built);
  sim.add_module(std::make_unique<Killer>(dying));
  sim.run();
  // What deaths applied one by one in id order leave.
  Network expected = built;
  std::vector<std::uint8_t> dead(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (i % 7 == 5) dead[i] = 1, expected.remove_ties_of(static_cast<ResidentId>(i));
  const Population& after = sim.population();
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = static_cast<ResidentId>(i);
    ASSERT_EQ(after.alive[i], i == 13 ? 0 : !dead[i]) << i;
    ASSERT_EQ(after.death_step[i], dead[i] ? 0 : kNever) << i;
    ASSERT_EQ(after.death_requested[i], 0) << i;
    ASSERT_EQ(sim.network().degree(id), expected.degree(id)) << i;
    for (std::uint32_t k = 0; k < expected.degree(id); ++k)
      ASSERT_EQ(sim.network().neighbour_at(id, k), expected.neighbour_at(id, k)) << i << " " << k;
  }
}

TEST(Simulation, RecordsTheTimeseriesAfterDeaths) {
  std::vector<std::string> log;
  Simulation sim({1, 0}, {7, 3}, three_alive(), Network(3, {}, 0));
  sim.add_module(std::make_unique<Recorder>("killer", Phase::kContacts, log));
  sim.timeseries().declare(
      "alive", "", [](const Population& p, ResidentId i, std::int64_t) { return p.alive[i] != 0; });
  sim.run();
  const auto& values = sim.timeseries().find("alive")->values;
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0][0], 3);
  EXPECT_EQ(values[1][0], 1);
  EXPECT_EQ(values[2][0], 1);
}

TEST(Simulation, StreamsAreKeyedBySeedReplicateAndMechanism) {
  const Simulation a({5, 1}, {7, 1}, three_alive(), Network(3, {}, 0));
  EXPECT_EQ(a.stream("health").uniform(0, 0, 0), RandomStream(5, 1, "health").uniform(0, 0, 0));
  EXPECT_NE(a.stream("health").uniform(0, 0, 0), RandomStream(5, 0, "health").uniform(0, 0, 0));
}

// Data that several mechanisms derive the same way is built once and counted once.
struct Lists {
  std::vector<int> values;
  std::size_t bytes() const { return values.capacity() * sizeof(int); }
};

TEST(Simulation, SharedDataIsBuiltByTheFirstToAskAndCountedOnce) {
  Simulation sim({1, 0}, {7, 1}, three_alive(), Network(3, {}, 0));
  const std::size_t before = sim.bytes();
  int builds = 0;
  const auto build = [&builds] {
    ++builds;
    return Lists{std::vector<int>(100, 7)};
  };
  const std::shared_ptr<const Lists> first = sim.shared<Lists>("lists", build);
  const std::shared_ptr<const Lists> second = sim.shared<Lists>("lists", build);
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(sim.bytes(), before + 100 * sizeof(int));
  // Another name is other data; the same name with another type is a mistake.
  EXPECT_NE(sim.shared<Lists>("other", build).get(), first.get());
  EXPECT_EQ(builds, 2);
  EXPECT_THROW(sim.shared<int>("lists", [] { return 1; }), std::logic_error);
}

// A mechanism's own state is counted with the rest.
class Holder final : public Module {
 public:
  std::string_view name() const override { return "holder"; }
  Phase phase() const override { return Phase::kHealth; }
  void step(Simulation&, std::int64_t) override {}
  std::size_t bytes() const override { return bytes_of(values_) + bytes_of(lists_); }
  std::vector<double> values_ = std::vector<double>(10);
  std::vector<std::vector<float>> lists_ = {std::vector<float>(3), std::vector<float>(5)};
};

TEST(Simulation, CountsTheBytesEachMechanismHoldsOfItsOwn) {
  Simulation sim({1, 0}, {7, 1}, three_alive(), Network(3, {}, 0));
  const std::size_t before = sim.bytes();
  auto holder = std::make_unique<Holder>();
  // 10 doubles; two inner vectors of 3 and 5 floats, and the outer one's two headers.
  const std::size_t own = 10 * sizeof(double) + 2 * sizeof(std::vector<float>) + 8 * sizeof(float);
  EXPECT_EQ(holder->bytes(), own);
  sim.add_module(std::move(holder));
  EXPECT_EQ(sim.bytes(), before + own);
}

TEST(Clock, YearsPerStep) {
  EXPECT_DOUBLE_EQ((Clock{7, 10}).years_per_step(), 7 / 365.25);
}

}  // namespace
}  // namespace salonsim
