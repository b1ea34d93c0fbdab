#include "models/prescribing/referral_book.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/simulation.hpp"

namespace salonsim::models {

void ReferralBook::open(Population& p, std::vector<std::string> services) {
  // One book a population: a second would share the record column but not the records.
  if (p.columns.find<std::int32_t>(kRecordColumn).valid())
    throw std::logic_error("a population has one referral book (one social prescribing programme)");
  services_ = std::move(services);
  record_column_ = p.add_column<std::int32_t>(
      {.name = std::string(kRecordColumn),
       .unit = "",
       .description = "record of the referrals taken up (social prescribing's book), -1 none",
       .output = false},
      -1);
}

void ReferralBook::start(const Population& p) {
  record_of_ = p[record_column_].data();
}

std::optional<std::size_t> ReferralBook::service(std::string_view name) const {
  const auto found = std::find(services_.begin(), services_.end(), name);
  if (found == services_.end()) return std::nullopt;
  return static_cast<std::size_t>(found - services_.begin());
}

void ReferralBook::refer(Population& p, ResidentId id, std::size_t service, std::int32_t until) {
  if (service >= services_.size()) throw std::out_of_range("no such referral service");
  std::int32_t& record = p[record_column_][id];
  if (record < 0) {
    record = static_cast<std::int32_t>(records());
    until_.resize(until_.size() + services_.size(), kNever);
  }
  until_[static_cast<std::size_t>(record) * services_.size() + service] = until;
}

void Referrals::find(const Simulation& sim, std::string_view service) {
  book_ = nullptr;
  for (const ReferralSource* source : sim.modules_of_type<ReferralSource>()) {
    if (const auto k = source->referral_book().service(service)) {
      book_ = &source->referral_book();
      service_ = *k;
      return;
    }
  }
}

}  // namespace salonsim::models
