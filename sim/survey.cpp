#include "sim/survey.hpp"

#include <algorithm>
#include <string_view>

#include "sim/population.hpp"

namespace salonsim {

std::size_t SurveyWave::rows() const {
  if (columns.empty()) return 0;
  return std::visit([](const auto& values) { return values.size(); }, columns.front().values);
}

std::size_t SurveyWave::bytes() const {
  std::size_t total = 0;
  for (const SurveyColumn& column : columns) total += ColumnRegistry::bytes_of(column.values);
  return total;
}

void survey_columns(const Population& p, std::int64_t step, double years_per_step,
                    const SurveyColumnVisitor& outer_visit, std::span<const std::string> only) {
  const auto wanted = [only](std::string_view name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  const auto visit = [&](const ColumnSpec& spec, ColumnView values) {
    if (wanted(spec.name)) outer_visit(spec, values);
  };
  if (wanted("id"))
    visit({"id", "", "resident id: the row number of /agents"}, column_view(p.ids()));
  visit({"alive", "", "1 if entered and alive at the wave"}, column_view(p.alive));
  if (wanted("age")) {
    std::vector<float> age(p.size());
    for (std::size_t i = 0; i < p.size(); ++i)
      age[i] = p.age_at(static_cast<ResidentId>(i), step, years_per_step);
    visit({"age", "years", "age in years at the wave"}, column_view(age));
  }
  visit({"certified", "", "1 if LTC-certified at the wave"}, column_view(p.certified));
  visit({"isolated", "", "1 if isolated (contact < 1/week) at the wave"}, column_view(p.isolated));
  visit({"weekly_contacts", "1/week", "contacts a week with others outside the household"},
        column_view(p.weekly_contacts));
  for (const ColumnRegistry::Entry& entry : p.columns.entries()) {
    if (!entry.spec.surveyed || !wanted(entry.spec.name)) continue;
    if (!entry.compute) {
      visit(entry.spec, ColumnRegistry::view(entry));
      continue;
    }
    const ColumnRegistry::Data values = p.columns.values_of(entry, p.size());
    std::visit([&](const auto& v) { visit(entry.spec, column_view(v)); }, values);
  }
}

SurveyWave take_survey(const Population& p, std::int64_t step, double years_per_step,
                       std::span<const std::string> only) {
  SurveyWave wave;
  wave.step = step;
  wave.years = static_cast<double>(step) * years_per_step;
  survey_columns(
      p, step, years_per_step,
      [&wave](const ColumnSpec& spec, ColumnView values) {
        wave.columns.push_back({spec, std::visit(
                                          [](auto v) -> ColumnRegistry::Data {
                                            using T = typename decltype(v)::value_type;
                                            return std::vector<T>(v.begin(), v.end());
                                          },
                                          values)});
      },
      only);
  return wave;
}

}  // namespace salonsim
