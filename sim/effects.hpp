#pragma once
// Effects on residents that several mechanisms may have at once (an activity, a group, a
// prescription, poor access to something): each source registers what it contributes, every step,
// in a column of its own or as a function of a column it keeps anyway (a group's contacts and
// ratios follow its running attendance, so they are worked out where they are read, not stored);
// Health and Contacts read every source once. Hazard ratios multiply, contacts add, so no source
// overwrites another's effect, and removing one leaves the others.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/population.hpp"
#include "sim/rows_where.hpp"

namespace salonsim {

enum class Hazard { kCertification, kDeath };

class Effects {
 public:
  /// A hazard ratio that applies while a resident's flag is set (e.g. poor access).
  struct FlagRatio {
    std::string source;
    Column<std::uint8_t> flag;
    double ratio = 1;
  };
  /// A hazard ratio worked out from a rate a resident keeps, where it is read, instead of kept in a
  /// column of its own: 1 - max_reduction * r / (r + half_effect), with r the rate times
  /// scale_numerator / scale_denominator (a change of unit, e.g. 365.25 / 7 from a week to a
  /// year, in that order so it rounds as a source working it out itself would; both positive),
  /// and exactly 1 where r is 0. Rounded to float, as a column of ratios would hold it.
  struct SaturatingRatio {
    double scale_numerator = 1, scale_denominator = 1, max_reduction = 0, half_effect = 1;
    float operator()(float rate) const {
      // Most residents take no part: no division for them (r has the sign of the rate).
      if (rate <= 0.0f) return 1.0f;
      return of_positive(rate);
    }
    /// The ratio of a positive rate (no test: loops over many vectorise).
    float of_positive(float rate) const {
      const double r = static_cast<double>(rate) * scale_numerator / scale_denominator;
      return static_cast<float>(1.0 - max_reduction * r / (r + half_effect));
    }
  };
  /// A hazard ratio per resident (1: no effect), e.g. slower decline from recent attendance: the
  /// column's values, or (with of_rate) the ratio of the column's rate.
  struct RatioColumn {
    std::string source;
    Column<float> values;
    std::optional<SaturatingRatio> of_rate = {};
  };
  /// Contacts per week a resident gets from a source (0: none): the column's value times
  /// `per_unit`, worked out where it is read. A column of contacts a week has per_unit 1; a
  /// source whose contacts follow a rate it keeps anyway (sessions attended a week, times
  /// contacts per session) names that rate, so its contacts take no column of their own.
  struct ContactsColumn {
    std::string source;
    Column<float> values;
    double per_unit = 1.0;
  };

  void add_flag_ratio(Hazard hazard, FlagRatio source) {
    room_for(flag_ratios_[index(hazard)]);
    flag_ratios_[index(hazard)].push_back(std::move(source));
  }
  void add_ratio(Hazard hazard, RatioColumn source) {
    room_for(ratios_[index(hazard)]);
    ratios_[index(hazard)].push_back(std::move(source));
  }
  void add_contacts(ContactsColumn source) {
    room_for(contacts_);
    contacts_.push_back(std::move(source));
  }

  /// The most sources of one kind (flag ratios, ratio columns, contacts): views hold them in
  /// place, so a loop over residents keeps them in registers.
  static constexpr std::size_t kMaxSources = 16;

  /// Read-only pointers to every source's column, taken once per step before a loop over
  /// residents (columns do not move during a step). Copy the view into the loop's scope: a local
  /// copy cannot alias the columns the loop writes.
  struct HazardView {
    struct Flag {
      const std::uint8_t* flag;
      // The factor without and with the flag: chosen by the flag, not by a branch (which flags
      // are set follows no pattern a branch predictor could learn); times 1 is exact.
      std::array<double, 2> factor;
    };
    struct Ratio {
      const float* values;
      bool of_rate;
      SaturatingRatio rate;
      float operator()(std::size_t i) const { return of_rate ? rate(values[i]) : values[i]; }
    };
    std::array<Flag, kMaxSources> flags{};
    std::array<Ratio, kMaxSources> ratios{};
    std::size_t flag_count = 0, ratio_count = 0;
    /// Product of the flag ratios that apply to resident i (exactly 1 when none does).
    double flag_ratio(std::size_t i) const {
      double product = 1.0;
      for (std::size_t k = 0; k < flag_count; ++k)
        product *= flags[k].factor[flags[k].flag[i] != 0];
      return product;
    }
    /// `value` times every per-resident ratio of resident i, in the order registered.
    double times_ratios(double value, std::size_t i) const {
      for (std::size_t k = 0; k < ratio_count; ++k) value *= ratios[k](i);
      return value;
    }
    /// The most residents times_ratios(values, first) takes at once.
    static constexpr std::size_t kChunk = 256;
    /// Which residents of a chunk have a positive rate, for each column of rates read so far:
    /// a column that is the rate of a source of both hazards (a kind of group's attendance slows
    /// decline and delays death) is read once for both. For one chunk (times_ratios starts
    /// afresh at another), while its columns do not change.
    struct RatesTaken {
      std::size_t first = ~std::size_t{0}, count = 0;  // the chunk
      std::size_t columns_read = 0;
      std::array<const float*, kMaxSources> column{};
      std::array<std::uint16_t, kMaxSources> taken{};
      std::array<std::array<std::uint16_t, kChunk + kRowsWhereSlack>, kMaxSources> rows;
    };
    /// values[j] = times_ratios(values[j], first + j) for each j, with the same result, a source
    /// at a time: a ratio of a rate is worked out only for the residents whose rate is positive
    /// (the others' ratio is exactly 1), found without a branch per resident (or in `rates`,
    /// found for the other hazard), and a column of ratios is a loop that vectorises. At most
    /// kChunk values.
    void times_ratios(std::span<double> values, std::size_t first, RatesTaken& rates) const {
      if (values.size() > kChunk) throw std::length_error("times_ratios: more than kChunk values");
      const std::size_t count = values.size();
      if (rates.first != first || rates.count != count) {
        rates.first = first;
        rates.count = count;
        rates.columns_read = 0;
      }
      for (std::size_t k = 0; k < ratio_count; ++k) {
        const Ratio& ratio = ratios[k];
        const float* column = ratio.values + first;
        if (!ratio.of_rate) {
          for (std::size_t j = 0; j < count; ++j) values[j] *= column[j];
          continue;
        }
        std::size_t read = 0;
        while (read < rates.columns_read && rates.column[read] != ratio.values) ++read;
        if (read == rates.columns_read) {
          // Read now, the rows kept in the next free slot (all full: what was read is forgotten).
          if (read == kMaxSources) read = rates.columns_read = 0;
          rates.column[read] = ratio.values;
          rates.taken[read] = static_cast<std::uint16_t>(
              rows_where_positive(column, count, rates.rows[read].data()));
          ++rates.columns_read;
        }
        // The rates of those taking part gathered, their ratios worked out in a loop that
        // vectorises (two divisions each, two residents at a time), then multiplied in.
        const std::array<std::uint16_t, kChunk + kRowsWhereSlack>& taking = rates.rows[read];
        const std::size_t taken = rates.taken[read];
        std::array<float, kChunk> factor;
        for (std::size_t t = 0; t < taken; ++t) factor[t] = column[taking[t]];
        const SaturatingRatio saturating = ratio.rate;
        for (std::size_t t = 0; t < taken; ++t) factor[t] = saturating.of_positive(factor[t]);
        for (std::size_t t = 0; t < taken; ++t) values[taking[t]] *= factor[t];
      }
    }
    void times_ratios(std::span<double> values, std::size_t first) const {
      RatesTaken rates;
      times_ratios(values, first, rates);
    }
  };
  HazardView hazard(Hazard hazard, const Population& p) const {
    HazardView view;
    for (const FlagRatio& f : flag_ratios_[index(hazard)])
      view.flags[view.flag_count++] = {p[f.flag].data(), {1.0, f.ratio}};
    for (const RatioColumn& r : ratios_[index(hazard)])
      view.ratios[view.ratio_count++] = view_of(r, p);
    return view;
  }
  /// One source's ratio of `hazard` for every resident (1 where the source has none, or for a
  /// source that does not act on it): for surveys and tests.
  std::vector<float> ratios_of(Hazard hazard, std::string_view source, const Population& p) const {
    std::vector<float> out(p.size(), 1.0f);
    for (const RatioColumn& r : ratios_[index(hazard)]) {
      if (r.source != source) continue;
      const HazardView::Ratio ratio = view_of(r, p);
      for (std::size_t i = 0; i < out.size(); ++i) out[i] *= ratio(i);
    }
    return out;
  }
  struct ContactsView {
    std::array<const float*, kMaxSources> sources{};
    std::array<double, kMaxSources> per_unit{};
    std::size_t count = 0;
    /// Contacts per week from every source, for resident i: each source's rounded to float (as
    /// a column of them would hold it), summed in the order registered.
    float operator()(std::size_t i) const {
      float sum = 0.0f;
      for (std::size_t k = 0; k < count; ++k)
        sum += static_cast<float>(sources[k][i] * per_unit[k]);
      return sum;
    }
    /// The same for residents first .. first + out.size() - 1 into `out`, a source at a time
    /// (loops over residents that vectorise; the same sums, in the same order).
    void sum_into(std::size_t first, std::span<float> out) const {
      std::fill(out.begin(), out.end(), 0.0f);
      for (std::size_t k = 0; k < count; ++k) {
        const float* values = sources[k] + first;
        const double unit = per_unit[k];
        for (std::size_t j = 0; j < out.size(); ++j) out[j] += static_cast<float>(values[j] * unit);
      }
    }
  };
  ContactsView contacts(const Population& p) const {
    ContactsView view;
    for (const ContactsColumn& c : contacts_) {
      view.sources[view.count] = p[c.values].data();
      view.per_unit[view.count++] = c.per_unit;
    }
    return view;
  }

  /// Names of every source, for the documentation and tests.
  std::vector<std::string> sources() const {
    std::vector<std::string> names;
    for (const auto& list : flag_ratios_)
      for (const FlagRatio& f : list) names.push_back(f.source);
    for (const auto& list : ratios_)
      for (const RatioColumn& r : list) names.push_back(r.source);
    for (const ContactsColumn& c : contacts_) names.push_back(c.source);
    return names;
  }

 private:
  static std::size_t index(Hazard hazard) { return static_cast<std::size_t>(hazard); }
  static HazardView::Ratio view_of(const RatioColumn& r, const Population& p) {
    return {p[r.values].data(), r.of_rate.has_value(), r.of_rate.value_or(SaturatingRatio{})};
  }
  template <class List>
  static void room_for(const List& list) {
    if (list.size() >= kMaxSources)
      throw std::length_error("more than 16 sources of one effect: raise Effects::kMaxSources");
  }
  std::vector<FlagRatio> flag_ratios_[2];
  std::vector<RatioColumn> ratios_[2];
  std::vector<ContactsColumn> contacts_;
};

}  // namespace salonsim
