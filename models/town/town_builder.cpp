#include "models/town/town_builder.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <boost/container/vector.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <span>

#include "sim/spatial_order.hpp"

namespace salonsim::models {

namespace {

// Draw indices in the town stream, one counter per resident each.
enum TownDraw : std::uint64_t {
  kPlace = 0,
  kPerson = 1,
  kIncome = 2,
  kHealth = 3,
  kCouple = 4,
  kAge = 5
};

// Side of the cells along whose curve residents are stored. A storage choice, not part of the
// model: 100 m to 1 km ran bench-1m's steps equally fast.
constexpr double kStorageCellM = 250;

const TransportShares& shares_for(const TransportParams& transport, Density density) {
  switch (density) {
    case Density::kUrban:
      return transport.urban;
    case Density::kRural:
      return transport.rural;
    case Density::kSuburban:
      break;
  }
  return transport.suburban;
}

/// Index of the first cumulative weight above u * total.
std::size_t pick(const std::vector<double>& cumulative, double u) {
  const double target = u * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                               cumulative.size() - 1);
}

std::vector<double> cumulative_of(const std::vector<double>& weights) {
  std::vector<double> cumulative(weights.size());
  std::partial_sum(weights.begin(), weights.end(), cumulative.begin());
  return cumulative;
}

// `log_median`: std::log(income.median_million_yen), worked out once (a call to std::log may
// set errno, so the compiler cannot hoist it out of the loop over residents).
double log_income(const IncomeParams& income, double log_median, Sex sex, double age, double z) {
  return log_median + income.log_change_per_year_of_age * (age - 75.0) +
         (sex == Sex::kFemale ? income.log_change_women : 0.0) + income.sigma_log * z;
}

}  // namespace

int age_band(double age) {
  int band = 0;
  for (int b = 0; b < static_cast<int>(kAgeBandLower.size()); ++b) {
    if (age >= kAgeBandLower[b]) band = b;
  }
  return band;
}

double certified_share_at(const std::vector<double>& by_band, double age) {
  // Band shares placed at mid-band ages (92.5 for 90+), log-linear in between, extended below
  // with the first slope and flat above the last, so a 65-year-old entrant is not given the
  // mean share of 65-69.
  const auto mid = [](std::size_t band) { return kAgeBandLower[band] + 2.5; };
  const std::size_t last = by_band.size() - 1;
  if (age >= mid(last)) return by_band[last];
  std::size_t band = 0;
  while (band + 1 < last && age >= mid(band + 1)) ++band;
  const double lo = std::max(by_band[band], 1e-6), hi = std::max(by_band[band + 1], 1e-6);
  const double slope = (std::log(hi) - std::log(lo)) / (mid(band + 1) - mid(band));
  return std::min(1.0, lo * std::exp(slope * (age - mid(band))));
}

double drives_share(const TransportParams& transport, Density density, Sex sex, double age) {
  const TransportShares& shares = shares_for(transport, density);
  const double at_75 = sex == Sex::kMale ? shares.drives.men : shares.drives.women;
  const double age_factor =
      std::clamp(1.0 - transport.drives_age_slope_per_year * (age - 75.0), 0.0, 2.0);
  return std::clamp(at_75 * age_factor, 0.0, 1.0);
}

std::size_t entrant_count(const TownParams& town, std::int64_t steps, double years_per_step) {
  if (!town.entrants.enabled || steps <= 1) return 0;
  return static_cast<std::size_t>(
      std::llround(town.entrants.per_year_share * static_cast<double>(town.population) *
                   static_cast<double>(steps) * years_per_step));
}

Population build_town(const TownParams& town, const RandomStream& stream, std::int64_t steps,
                      double years_per_step, const LifeTable& life_table) {
  const std::size_t starting = static_cast<std::size_t>(town.population);
  const std::size_t entrants = entrant_count(town, steps, years_per_step);
  const std::size_t n = starting + entrants;
  Population p;
  p.resize(n);

  std::vector<double> district_weights;
  for (const District& d : town.districts) district_weights.push_back(d.population_weight);
  const std::vector<double> district_cumulative = cumulative_of(district_weights);
  // Sex-by-age cells: men's bands, then women's.
  std::vector<double> cells(town.men_by_age);
  cells.insert(cells.end(), town.women_by_age.begin(), town.women_by_age.end());
  const std::vector<double> cell_cumulative = cumulative_of(cells);
  const std::size_t bands = kAgeBandLower.size();
  // Single years of age within each band by sex, weighted by the table's person-years.
  std::array<std::vector<std::vector<double>>, 2> year_cumulative;
  for (int sex = 0; sex < 2; ++sex) {
    for (std::size_t band = 0; band < bands; ++band) {
      const int first = static_cast<int>(kAgeBandLower[band]);
      const int last = band + 1 < bands ? first + 4 : life_table.last_age();
      std::vector<double> weights;
      for (int x = first; x <= last; ++x)
        weights.push_back(life_table.person_years(static_cast<Sex>(sex), first, x));
      year_cumulative[sex].push_back(cumulative_of(weights));
    }
  }
  const double male_share_65 =
      town.men_by_age[0] / std::max(1e-300, town.men_by_age[0] + town.women_by_age[0]);

  const double log_median_income = std::log(town.income.median_million_yen);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1024), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const auto place = stream.uniforms4(kSetupStep, i, kPlace);
      const auto person = stream.uniforms4(kSetupStep, i, kPerson);
      const auto health = stream.uniforms4(kSetupStep, i, kHealth);

      const std::size_t district = pick(district_cumulative, place[0]);
      const District& d = town.districts[district];
      const double radius = d.radius_m * std::sqrt(place[1]);
      const double angle = 2.0 * std::numbers::pi * place[2];
      p.district[i] = static_cast<std::uint16_t>(district);
      p.x_m[i] = static_cast<float>(d.centre_m[0] + radius * std::cos(angle));
      p.y_m[i] = static_cast<float>(d.centre_m[1] + radius * std::sin(angle));

      Sex sex;
      double age;
      if (i < starting) {
        const std::size_t cell = pick(cell_cumulative, person[0]);
        sex = cell < bands ? Sex::kMale : Sex::kFemale;
        const std::size_t band = cell % bands;
        const auto u = stream.uniforms4(kSetupStep, i, kAge);
        age = kAgeBandLower[band] +
              static_cast<double>(pick(year_cumulative[static_cast<int>(sex)][band], u[0])) + u[1];
        p.entry_step[i] = 0;
        p.alive[i] = 1;
      } else {
        // Entrants are spread evenly over steps 1 .. steps-1, in id order.
        const std::size_t k = i - starting;
        sex = person[0] < male_share_65 ? Sex::kMale : Sex::kFemale;
        age = 65.0;
        p.entry_step[i] = stored_step(static_cast<std::int64_t>(
            1 + (k * static_cast<std::size_t>(steps - 1)) / std::max<std::size_t>(1, entrants)));
        p.alive[i] = 0;
      }
      p.sex[i] = static_cast<std::uint8_t>(sex);
      p.age0[i] = static_cast<float>(age);
      p.lives_alone[i] =
          person[2] < (sex == Sex::kMale ? town.living_alone.men : town.living_alone.women);

      const double income = std::exp(log_income(town.income, log_median_income, sex, age,
                                                stream.normal(kSetupStep, i, kIncome)));
      p.income[i] = static_cast<float>(income);

      // The starting population takes its band's published share; an entrant the share at
      // exactly 65, below the 65-69 band's mean.
      const double certified_share = i < starting ? town.certified_by_age[age_band(age)]
                                                  : certified_share_at(town.certified_by_age, age);
      const bool certified = health[0] < certified_share;
      p.certified[i] = p.certified0[i] = certified;
      const double frailty_draw = town.frailty.mean_at_65 +
                                  town.frailty.increase_per_year * (age - 65.0) +
                                  town.frailty.sd * stream.normal(kSetupStep, i, kHealth + 16);
      p.frailty0[i] = certified ? 1.0f : static_cast<float>(std::clamp(frailty_draw, 0.0, 0.95));

      const double drives = certified ? 0.0 : drives_share(town.transport, d.density, sex, age);
      const double lifts = shares_for(town.transport, d.density).lifts_if_not_driving;
      p.transport[i] = static_cast<std::uint8_t>(
          health[1] < drives ? Transport::kDrives
                             : (health[2] < lifts ? Transport::kLifts : Transport::kNone));
    }
  });

  // Couples among the starting population, district by district: a share of the men who do
  // not live alone have a wife who is also a resident; wives are chosen among women who do not
  // live alone, and partners are paired by age rank. The wife moves to her husband's home.
  const std::size_t districts = town.districts.size();
  // Large arrays here are sized without values and written first by the threads that fill them.
  boost::container::vector<float> couple_draw(starting, boost::container::default_init);
  tbb::parallel_for(std::size_t{0}, starting, [&](std::size_t i) {
    couple_draw[i] = static_cast<float>(stream.uniform(kSetupStep, i, kCouple));
  });
  // Those who may be husbands and wives, by district in increasing id: gathered by chunks of
  // rows in parallel, the chunks joined in order.
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  const std::size_t chunks = (starting + kChunk - 1) / kChunk;
  std::vector<std::vector<ResidentId>> chunk_husbands(chunks * districts),
      chunk_wives(chunks * districts);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
    for (std::size_t i = c * kChunk; i < std::min(starting, (c + 1) * kChunk); ++i) {
      if (p.lives_alone[i]) continue;
      const std::size_t list = c * districts + p.district[i];
      if (p.sex[i] == static_cast<std::uint8_t>(Sex::kMale)) {
        if (couple_draw[i] < town.men_with_spouse_in_town)
          chunk_husbands[list].push_back(static_cast<ResidentId>(i));
      } else {
        chunk_wives[list].push_back(static_cast<ResidentId>(i));
      }
    }
  });
  const auto joined = [&](std::vector<std::vector<ResidentId>>& lists, std::size_t district) {
    std::vector<ResidentId> all;
    for (std::size_t c = 0; c < chunks; ++c) {
      std::vector<ResidentId>& part = lists[c * districts + district];
      all.insert(all.end(), part.begin(), part.end());
      part = {};
    }
    return all;
  };
  // Sort keys: a non-negative float's bits order as its value, so (value, id) packed into one
  // integer sorts as the pair, without looking the value up in each comparison.
  const auto key = [](float value, ResidentId id) {
    return std::uint64_t{std::bit_cast<std::uint32_t>(value)} << 32 | id;
  };
  const auto by_age = [&](std::vector<ResidentId>& ids) {
    boost::container::vector<std::uint64_t> keys(ids.size(), boost::container::default_init);
    tbb::parallel_for(std::size_t{0}, ids.size(),
                      [&](std::size_t k) { keys[k] = key(p.age0[ids[k]], ids[k]); });
    tbb::parallel_sort(keys.begin(), keys.end());
    tbb::parallel_for(std::size_t{0}, ids.size(),
                      [&](std::size_t k) { ids[k] = static_cast<ResidentId>(keys[k]); });
  };
  for (std::size_t district = 0; district < districts; ++district) {
    std::vector<ResidentId> men = joined(chunk_husbands, district);
    std::vector<ResidentId> women = joined(chunk_wives, district);
    // Which women are wives: those with the smallest couple draw (a random subset, ties broken
    // by id). Only which women matters, as they are ordered by age next, so a partition does
    // (linear, not a sort). Both orders below are total, so the sorts in parallel give one
    // answer.
    const std::size_t couples = std::min(men.size(), women.size());
    if (couples < women.size()) {
      boost::container::vector<std::uint64_t> keys(women.size(), boost::container::default_init);
      tbb::parallel_for(std::size_t{0}, women.size(),
                        [&](std::size_t k) { keys[k] = key(couple_draw[women[k]], women[k]); });
      std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(couples),
                       keys.end());
      for (std::size_t k = 0; k < couples; ++k) women[k] = static_cast<ResidentId>(keys[k]);
    }
    women.resize(couples);
    men.resize(couples);
    by_age(men);
    by_age(women);
    // Each resident is in one couple at most, so the couples are set in parallel.
    tbb::parallel_for(std::size_t{0}, couples, [&](std::size_t k) {
      const ResidentId husband = men[k], wife = women[k];
      p.spouse[husband] = static_cast<std::int32_t>(wife);
      p.spouse[wife] = static_cast<std::int32_t>(husband);
      p.x_m[wife] = p.x_m[husband];
      p.y_m[wife] = p.y_m[husband];
      // One household, one equivalised income: the geometric mean of the two draws.
      const float shared = std::sqrt(p.income[husband] * p.income[wife]);
      p.income[husband] = p.income[wife] = shared;
      if (p.transport[wife] == static_cast<std::uint8_t>(Transport::kNone) &&
          p.transport[husband] == static_cast<std::uint8_t>(Transport::kDrives)) {
        p.transport[wife] = static_cast<std::uint8_t>(Transport::kLifts);
      }
      if (p.transport[husband] == static_cast<std::uint8_t>(Transport::kNone) &&
          p.transport[wife] == static_cast<std::uint8_t>(Transport::kDrives)) {
        p.transport[husband] = static_cast<std::uint8_t>(Transport::kLifts);
      }
    });
  }
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    p.income_low[i] = p.income[i] < town.income.low_threshold_million_yen;
  });

  // The starting residents stored in the order of their homes along a space-filling curve, so
  // that neighbours' rows lie together in memory (entrants stay after them, by entry step).
  // Only which row, and so which random numbers, each resident has changes: who they are and
  // where they live do not.
  std::vector<ResidentId> order = spatial_order(std::span(p.x_m).first(starting),
                                                std::span(p.y_m).first(starting), kStorageCellM);
  for (std::size_t i = starting; i < n; ++i) order.push_back(static_cast<ResidentId>(i));
  p.reorder_rows(order);
  return p;
}

}  // namespace salonsim::models
