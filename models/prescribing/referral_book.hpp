#pragma once
// The referrals clients took up, by service: social prescribing writes them; the services it can
// refer to (each groups module, the mobile shop, the shuttle) read them to give a referred
// resident their place. Few residents are ever referred, so the book keeps a record only for
// those: a registered column holds each resident's record number (-1: none), and a record holds
// the last step to which the resident counts as referred to each service (-1: never). A column
// per service took four bytes a resident each (40 in bench-1m-full); the book takes four in all.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/population.hpp"

namespace salonsim {
class Simulation;
}

namespace salonsim::models {

class ReferralBook {
 public:
  /// The registered column of record numbers.
  static constexpr std::string_view kRecordColumn = "sp_referral_record";

  /// Registers the record column (at init) for referrals to `services`.
  void open(Population& p, std::vector<std::string> services);
  /// Finds the record column's values again (at start, once the population has its rows).
  void start(const Population& p);

  const std::vector<std::string>& services() const { return services_; }
  /// The number of a service referrals can go to, if they can.
  std::optional<std::size_t> service(std::string_view name) const;

  /// From now on resident `id` counts as referred to `service` up to step `until` (replacing what
  /// was recorded). One writer at a time: a link worker takes clients one by one.
  void refer(Population& p, ResidentId id, std::size_t service, std::int32_t until);
  /// The last step to which resident `id` counts as referred to `service` (kNever: never).
  std::int32_t until(ResidentId id, std::size_t service) const {
    const std::int32_t r = record_of_[id];
    return r < 0 ? kNever : until_[static_cast<std::size_t>(r) * services_.size() + service];
  }
  /// Each resident's record number (-1: none), the record column's values.
  const std::int32_t* record_numbers() const { return record_of_; }
  /// Residents with a record.
  std::size_t records() const { return services_.empty() ? 0 : until_.size() / services_.size(); }
  /// Bytes of the records (the record column is the population's).
  std::size_t bytes() const { return until_.capacity() * sizeof(std::int32_t); }

 private:
  std::vector<std::string> services_;
  Column<std::int32_t> record_column_;
  const std::int32_t* record_of_ = nullptr;
  std::vector<std::int32_t> until_;  // [record][service]
};

/// What keeps a referral book: social prescribing, when it runs.
class ReferralSource {
 public:
  virtual const ReferralBook& referral_book() const = 0;

 protected:
  ~ReferralSource() = default;
};

/// A service's view of the referrals taken up to it: none when nothing refers to it.
class Referrals {
 public:
  /// Finds the book that refers to `service`, if one does (at start).
  void find(const Simulation& sim, std::string_view service);
  /// Whether any referral can be taken up to the service (a book refers to it).
  bool any() const { return book_ != nullptr; }
  /// Whether the resident counts as referred to the service at `step`.
  bool active(ResidentId id, std::int64_t step) const {
    return book_ != nullptr && book_->until(id, service_) >= step;
  }
  /// Each resident's record number in the book (-1: none; only those with one can be active),
  /// nullptr when no book refers to the service.
  const std::int32_t* record_numbers() const {
    return book_ != nullptr ? book_->record_numbers() : nullptr;
  }
  /// Whether any of the residents first .. first + count - 1 has a record in the book (so could
  /// be active): without a branch per resident, for a loop over many that have none.
  bool any_record(std::size_t first, std::size_t count) const {
    const std::int32_t* record = record_numbers();
    if (record == nullptr) return false;
    std::uint8_t found = 0;
    for (std::size_t j = first; j < first + count; ++j)
      found |= static_cast<std::uint8_t>(record[j] >= 0);
    return found != 0;
  }

 private:
  const ReferralBook* book_ = nullptr;
  std::size_t service_ = 0;
};

}  // namespace salonsim::models
