// Link workers' capacity: credit, the waiting list, drop-outs and teams, worked by hand.
#include "models/prescribing/caseload.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace salonsim::models {
namespace {

struct Log {
  std::vector<std::tuple<ResidentId, std::int32_t, std::int32_t>> taken;  // id, worker, since
  std::vector<ResidentId> dropped;
};

void run_step(Caseloads& c, std::int32_t step, std::int32_t max_wait, Log& log,
              ResidentId gone = 1000) {
  c.step(
      step, max_wait, [gone](ResidentId id) { return id == gone; },
      [&](ResidentId id, std::int32_t worker, std::int32_t since) {
        log.taken.emplace_back(id, worker, since);
      },
      [&](ResidentId id, std::int32_t) { log.dropped.push_back(id); });
}

TEST(Caseloads, EachWorkerTakesTheirShareInListOrder) {
  // Two workers of one team, one client a step each.
  Caseloads c({0, 0}, 1, 1.0);
  for (ResidentId id : {7, 3, 9, 1, 5}) c.enqueue(0, id, 0);
  Log log;
  run_step(c, 0, 100, log);
  ASSERT_EQ(log.taken.size(), 2u);
  EXPECT_EQ(log.taken[0], std::make_tuple(ResidentId{7}, 0, 0));  // first come, worker 0
  EXPECT_EQ(log.taken[1], std::make_tuple(ResidentId{3}, 1, 0));  // then the other worker
  run_step(c, 1, 100, log);
  run_step(c, 2, 100, log);
  ASSERT_EQ(log.taken.size(), 5u);
  EXPECT_EQ(std::get<0>(log.taken[4]), 5u);
  EXPECT_EQ(c.waiting(), 0u);
}

TEST(Caseloads, FractionalCreditTakesOneEverySoManySteps) {
  // 0.4 clients a step: the credit reaches 1 at steps 2, 4 (1.2 - 1 + 0.8 = 1.0), 7, ...
  Caseloads c({0}, 1, 0.4);
  for (ResidentId id = 0; id < 10; ++id) c.enqueue(0, id, 0);
  Log log;
  std::vector<std::size_t> taken_by_step;
  for (std::int32_t s = 0; s < 8; ++s) {
    run_step(c, s, 100, log);
    taken_by_step.push_back(log.taken.size());
  }
  EXPECT_EQ(taken_by_step, (std::vector<std::size_t>{0, 0, 1, 1, 2, 2, 2, 3}));
}

TEST(Caseloads, UnusedCreditKeepsForFourStepsOnly) {
  // 1 a step, nobody waiting for 10 steps: the credit stops at 4, so 4 are taken at once.
  Caseloads c({0}, 1, 1.0);
  Log log;
  for (std::int32_t s = 0; s < 10; ++s) run_step(c, s, 100, log);
  EXPECT_DOUBLE_EQ(c.credit(0), 4.0);
  for (ResidentId id = 0; id < 6; ++id) c.enqueue(0, id, 10);
  run_step(c, 10, 100, log);
  EXPECT_EQ(log.taken.size(), 4u);  // 4 of credit (already at the cap, the step adds none)
}

TEST(Caseloads, ClientsWhoWaitedTooLongDropOff) {
  Caseloads c({0}, 1, 0.5);
  c.enqueue(0, 1, 0);
  c.enqueue(0, 2, 0);
  c.enqueue(0, 3, 2);
  Log log;
  // Step 0: credit 0.5. Step 1: 1.0, takes 1. Step 2: 0.5. Step 3: max wait 2: client 2 (since
  // 0) waited 3 and drops; credit 1.0 takes 3.
  for (std::int32_t s = 0; s < 4; ++s) run_step(c, s, 2, log);
  ASSERT_EQ(log.taken.size(), 2u);
  EXPECT_EQ(std::get<0>(log.taken[0]), 1u);
  EXPECT_EQ(std::get<0>(log.taken[1]), 3u);
  EXPECT_EQ(log.dropped, (std::vector<ResidentId>{2}));
}

TEST(Caseloads, ClientsWhoAreGoneLeaveWithoutUsingAPlace) {
  Caseloads c({0}, 1, 1.0);
  for (ResidentId id : {4, 5, 6}) c.enqueue(0, id, 0);
  Log log;
  run_step(c, 0, 100, log, /*gone=*/4);  // died while waiting
  ASSERT_EQ(log.taken.size(), 1u);
  EXPECT_EQ(std::get<0>(log.taken[0]), 5u);
  EXPECT_TRUE(log.dropped.empty());
  EXPECT_EQ(c.waiting(), 1u);
}

TEST(Caseloads, TeamsTakeOnlyTheirOwnLists) {
  Caseloads c({0, 1, 1}, 2, 1.0);
  for (ResidentId id = 0; id < 3; ++id) c.enqueue(0, id, 0);
  for (ResidentId id = 10; id < 13; ++id) c.enqueue(1, id, 0);
  Log log;
  run_step(c, 0, 100, log);
  ASSERT_EQ(log.taken.size(), 3u);  // team 0: one worker; team 1: two
  EXPECT_EQ(log.taken[0], std::make_tuple(ResidentId{0}, 0, 0));
  EXPECT_EQ(log.taken[1], std::make_tuple(ResidentId{10}, 1, 0));
  EXPECT_EQ(log.taken[2], std::make_tuple(ResidentId{11}, 2, 0));
  EXPECT_EQ(c.waiting_in(0), 2u);
  EXPECT_EQ(c.waiting_in(1), 1u);
}

}  // namespace
}  // namespace salonsim::models
