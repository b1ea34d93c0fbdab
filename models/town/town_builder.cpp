#include "models/town/town_builder.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace salonsim::models {

namespace {

// Draw indices in the town stream, one counter per resident each.
enum TownDraw : std::uint64_t { kPlace = 0, kPerson = 1, kIncome = 2, kHealth = 3, kCouple = 4 };

constexpr double kMaxAge = 105;

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

double log_income(const IncomeParams& income, Sex sex, double age, double z) {
  return std::log(income.median_million_yen) + income.log_change_per_year_of_age * (age - 75.0) +
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
                      double years_per_step) {
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
  const double male_share_65 =
      town.men_by_age[0] / std::max(1e-300, town.men_by_age[0] + town.women_by_age[0]);

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
        age = band + 1 < bands
                  ? kAgeBandLower[band] + 5.0 * person[1]
                  : std::min(kMaxAge, kAgeBandLower[band] -
                                          town.mean_years_over_90 * std::log1p(-person[1]));
        p.entry_step[i] = 0;
        p.alive[i] = 1;
      } else {
        // Entrants are spread evenly over steps 1 .. steps-1, in id order.
        const std::size_t k = i - starting;
        sex = person[0] < male_share_65 ? Sex::kMale : Sex::kFemale;
        age = 65.0;
        p.entry_step[i] = static_cast<std::int32_t>(1 + (k * static_cast<std::size_t>(steps - 1)) /
                                                            std::max<std::size_t>(1, entrants));
        p.alive[i] = 0;
      }
      p.sex[i] = static_cast<std::uint8_t>(sex);
      p.age0[i] = static_cast<float>(age);
      p.lives_alone[i] =
          person[2] < (sex == Sex::kMale ? town.living_alone.men : town.living_alone.women);

      const double income =
          std::exp(log_income(town.income, sex, age, stream.normal(kSetupStep, i, kIncome)));
      p.income[i] = static_cast<float>(income);

      const int band = age_band(age);
      const bool certified = health[0] < town.certified_by_age[band];
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
      p.household[i] = static_cast<std::int32_t>(i);
    }
  });

  // Couples among the starting population, district by district: a share of the men who do
  // not live alone have a wife who is also a resident; wives are chosen among women who do not
  // live alone, and partners are paired by age rank. The wife moves to her husband's home.
  std::vector<std::vector<ResidentId>> husbands(town.districts.size()),
      wives(town.districts.size());
  std::vector<float> couple_draw(starting);
  tbb::parallel_for(std::size_t{0}, starting, [&](std::size_t i) {
    couple_draw[i] = static_cast<float>(stream.uniform(kSetupStep, i, kCouple));
  });
  for (std::size_t i = 0; i < starting; ++i) {
    if (p.lives_alone[i]) continue;
    if (p.sex[i] == static_cast<std::uint8_t>(Sex::kMale)) {
      if (couple_draw[i] < town.men_with_spouse_in_town)
        husbands[p.district[i]].push_back(static_cast<ResidentId>(i));
    } else {
      wives[p.district[i]].push_back(static_cast<ResidentId>(i));
    }
  }
  for (std::size_t district = 0; district < town.districts.size(); ++district) {
    auto& men = husbands[district];
    auto& women = wives[district];
    // Which women are wives: those with the smallest couple draw (a random subset).
    const std::size_t couples = std::min(men.size(), women.size());
    std::sort(women.begin(), women.end(), [&](ResidentId a, ResidentId b) {
      return couple_draw[a] != couple_draw[b] ? couple_draw[a] < couple_draw[b] : a < b;
    });
    women.resize(couples);
    men.resize(couples);
    const auto by_age = [&](ResidentId a, ResidentId b) {
      return p.age0[a] != p.age0[b] ? p.age0[a] < p.age0[b] : a < b;
    };
    std::sort(men.begin(), men.end(), by_age);
    std::sort(women.begin(), women.end(), by_age);
    for (std::size_t k = 0; k < couples; ++k) {
      const ResidentId husband = men[k], wife = women[k];
      p.spouse[husband] = static_cast<std::int32_t>(wife);
      p.spouse[wife] = static_cast<std::int32_t>(husband);
      const auto household = static_cast<std::int32_t>(std::min(husband, wife));
      p.household[husband] = p.household[wife] = household;
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
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    p.income_low[i] = p.income[i] < town.income.low_threshold_million_yen;
  }
  return p;
}

}  // namespace salonsim::models
