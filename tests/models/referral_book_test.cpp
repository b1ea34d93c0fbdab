// The referral book: a record only for the residents referred, and the services' view of it.
#include "models/prescribing/referral_book.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/simulation.hpp"

namespace salonsim::models {
namespace {

constexpr std::int32_t kForever = std::numeric_limits<std::int32_t>::max();

Population four_residents() {
  Population p;
  p.resize(4);
  p.alive = {1, 1, 1, 1};
  return p;
}

TEST(ReferralBook, KeepsARecordOnlyForTheResidentsReferred) {
  Population p = four_residents();
  ReferralBook book;
  book.open(p, {"salons", "mobile_shop", "shuttle"});
  book.start(p);
  const auto& record = p.column<std::int32_t>(std::string(ReferralBook::kRecordColumn));
  EXPECT_EQ(record, (std::vector<std::int32_t>{-1, -1, -1, -1}));
  EXPECT_EQ(book.records(), 0u);
  EXPECT_EQ(book.service("shuttle"), 2u);
  EXPECT_FALSE(book.service("hobby_groups").has_value());

  // Resident 2 to the salons until step 10, then to the shuttle for good: one record.
  book.refer(p, 2, 0, 10);
  book.refer(p, 2, 2, kForever);
  EXPECT_EQ(book.records(), 1u);
  EXPECT_EQ(book.until(2, 0), 10);
  EXPECT_EQ(book.until(2, 1), kNever);
  EXPECT_EQ(book.until(2, 2), kForever);
  EXPECT_EQ(book.until(0, 0), kNever);

  // Resident 0 to the mobile shop: the second record.
  book.refer(p, 0, 1, 5);
  EXPECT_EQ(record, (std::vector<std::int32_t>{1, -1, 0, -1}));
  EXPECT_EQ(book.until(0, 1), 5);
  EXPECT_EQ(book.until(0, 0), kNever);
  EXPECT_EQ(book.until(2, 1), kNever);

  // A new referral replaces what was recorded, a later or an earlier step alike.
  book.refer(p, 2, 0, 4);
  EXPECT_EQ(book.until(2, 0), 4);
  EXPECT_EQ(book.records(), 2u);
  EXPECT_GE(book.bytes(), 6 * sizeof(std::int32_t));

  EXPECT_THROW(book.refer(p, 1, 3, 1), std::out_of_range);
  EXPECT_EQ(record[1], -1);  // nothing recorded for a bad service
}

/// A module that keeps a referral book, as social prescribing does.
class Referrer final : public Module, public ReferralSource {
 public:
  std::string_view name() const override { return "referrer"; }
  Phase phase() const override { return Phase::kInterventions; }
  void init(Simulation& sim) override { book_.open(sim.population(), {"salons", "mobile_shop"}); }
  void start(Simulation& sim) override {
    book_.start(sim.population());
    book_.refer(sim.population(), 3, 1, 5);
  }
  void step(Simulation&, std::int64_t) override {}
  const ReferralBook& referral_book() const override { return book_; }

 private:
  ReferralBook book_;
};

TEST(Referrals, AServiceSeesItsOwnReferralsUpToTheirLastStep) {
  Simulation sim({1, 0}, {7, 1}, four_residents(), Network(4, {}, 0));
  Referrals before_any;
  before_any.find(sim, "mobile_shop");  // no book yet: no one is referred
  EXPECT_FALSE(before_any.active(3, 0));

  sim.add_module(std::make_unique<Referrer>());
  sim.run();
  Referrals shop, salons, shuttle;
  shop.find(sim, "mobile_shop");
  salons.find(sim, "salons");
  shuttle.find(sim, "shuttle");  // not in the book
  EXPECT_TRUE(shop.active(3, 5));
  EXPECT_FALSE(shop.active(3, 6));
  EXPECT_FALSE(shop.active(2, 0));
  EXPECT_FALSE(salons.active(3, 0));
  EXPECT_FALSE(shuttle.active(3, 0));
  // Only resident 3 has a record: a range holds one only where it holds resident 3.
  EXPECT_FALSE(shop.any_record(0, 3));
  EXPECT_TRUE(shop.any_record(2, 2));
  EXPECT_TRUE(salons.any_record(0, 4));    // a record, whichever service it names
  EXPECT_FALSE(shuttle.any_record(0, 4));  // no book refers to the shuttle
  EXPECT_FALSE(before_any.any_record(0, 4));
}

TEST(ReferralBook, APopulationHasOneBook) {
  // A second would share the record column but not the records.
  Population p = four_residents();
  ReferralBook first, second;
  first.open(p, {"salons"});
  EXPECT_THROW(second.open(p, {"salons"}), std::logic_error);
}

}  // namespace
}  // namespace salonsim::models
