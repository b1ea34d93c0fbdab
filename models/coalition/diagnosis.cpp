#include "models/coalition/diagnosis.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

namespace salonsim::models {

double DistrictCounts::share(Indicator indicator) const {
  const std::int32_t of_whom =
      kIndicatorInfo[static_cast<std::size_t>(indicator)].of_men ? men : residents;
  return of_whom > 0 ? static_cast<double>(of(indicator)) / of_whom : 0.0;
}

DistrictCounts Diagnosis::total() const {
  DistrictCounts sum;
  for (const DistrictCounts& d : districts) {
    sum.residents += d.residents;
    sum.men += d.men;
    for (std::size_t k = 0; k < kIndicators; ++k) sum.count[k] += d.count[k];
  }
  return sum;
}

namespace {

std::vector<float> coordinate(const std::vector<std::array<double, 2>>& points, std::size_t k) {
  std::vector<float> out;
  for (const auto& point : points) out.push_back(static_cast<float>(point[k]));
  return out;
}

}  // namespace

VenueCoverage::VenueCoverage(std::vector<std::array<double, 2>> venues)
    : venues_(std::move(venues)),
      x_m_(coordinate(venues_, 0)),
      y_m_(coordinate(venues_, 1)),
      grid_(x_m_, y_m_, kCoverageRadiusM) {}

bool VenueCoverage::covers(double x_m, double y_m) const {
  bool covered = false;
  if (venues_.empty()) return covered;
  grid_.for_each_within(x_m, y_m, kCoverageRadiusM, [&](ResidentId v) {
    covered = covered || std::hypot(x_m - venues_[v][0], y_m - venues_[v][1]) <= kCoverageRadiusM;
  });
  return covered;
}

Diagnosis diagnose(const Population& p, const std::vector<District>& districts,
                   const DiagnosisInputs& inputs, std::int64_t step) {
  Diagnosis diagnosis;
  diagnosis.step = step;
  diagnosis.districts.assign(districts.size(), {});
  const VenueCoverage coverage(inputs.venues);
  // Serial and in id order: a sheet per municipality is cheap next to a step.
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) continue;
    DistrictCounts& d = diagnosis.districts.at(p.district[i]);
    const bool man = p.sex[i] == static_cast<std::uint8_t>(Sex::kMale);
    const bool member = in_any_group(inputs.member, i);
    const bool covered = coverage.covers(p.x_m[i], p.y_m[i]);
    const bool poor_food = inputs.poor_food_access != nullptr && inputs.poor_food_access[i] != 0;
    const auto add = [&d](Indicator indicator, bool yes) {
      d.count[static_cast<std::size_t>(indicator)] += yes ? 1 : 0;
    };
    ++d.residents;
    d.men += man;
    add(Indicator::kIsolated, p.isolated[i] != 0);
    add(Indicator::kAnyGroup, member);
    add(Indicator::kAnyGroupMen, man && member);
    add(Indicator::kAloneShoppingDifficulty, p.lives_alone[i] != 0 && poor_food);
    add(Indicator::kPoorFoodAccess, poor_food);
    add(Indicator::kCertified, p.certified[i] != 0);
    add(Indicator::kLowIncome, p.income_low[i] != 0);
    add(Indicator::kFrail,
        p.certified[i] == 0 && p.frailty(static_cast<ResidentId>(i)) >= kFrailIndex);
    add(Indicator::kUncovered, !covered);
    add(Indicator::kMenNotInGroup, man && !member);
    add(Indicator::kCoveredNonMembers, covered && !member);
    add(Indicator::kUncoveredNonMembers, !covered && !member);
    add(Indicator::kIsolatedIndependent, p.isolated[i] != 0 && p.certified[i] == 0);
  }
  return diagnosis;
}

DiagnosisTable diagnosis_table(const Diagnosis& diagnosis, const std::vector<District>& districts) {
  DiagnosisTable table;
  for (std::size_t k = 0; k < diagnosis.districts.size(); ++k) {
    const DistrictCounts& d = diagnosis.districts[k];
    const District& district = districts.at(k);
    table.district.push_back(static_cast<std::uint16_t>(k));
    table.x_m.push_back(static_cast<float>(district.centre_m.at(0)));
    table.y_m.push_back(static_cast<float>(district.centre_m.at(1)));
    table.radius_m.push_back(static_cast<float>(district.radius_m));
    table.residents.push_back(d.residents);
    table.men.push_back(d.men);
    for (std::size_t j = 0; j < kIndicators; ++j)
      table.shares[j].push_back(static_cast<float>(d.share(static_cast<Indicator>(j))));
  }
  return table;
}

OutputTable output_table(const DiagnosisTable& table, const std::vector<District>& districts) {
  OutputTable out{
      "diagnosis",
      "community diagnosis at baseline: one row per district (town.districts), shares of the "
      "residents alive then (of men for indicators of men)",
      {{"district", "index of the district in town.districts", column_view(table.district)},
       {"x_m", "district centre east coordinate, metres", column_view(table.x_m)},
       {"y_m", "district centre north coordinate, metres", column_view(table.y_m)},
       {"radius_m", "district radius, metres", column_view(table.radius_m)},
       {"residents", "residents alive at baseline", column_view(table.residents)},
       {"men", "men alive at baseline", column_view(table.men)}}};
  std::vector<std::string> names, indicators;
  for (const District& d : districts) names.push_back(d.name);
  for (std::size_t j = 0; j < kIndicators; ++j) {
    const IndicatorInfo& info = kIndicatorInfo[j];
    out.columns.push_back({info.key, info.label, column_view(table.shares[j]), "share"});
    if (info.shown) {
      indicators.push_back(fmt::format(R"({{"key": "{}", "label": "{}", "higher_is_worse": {}}})",
                                       info.key, info.label, info.higher_is_worse));
    }
  }
  out.attributes = {{"district_names", fmt::format("{}", fmt::join(names, "\n"))},
                    {"indicators", fmt::format("[{}]", fmt::join(indicators, ", "))}};
  return out;
}

}  // namespace salonsim::models
