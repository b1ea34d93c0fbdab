#include "sim/survey.hpp"

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

SurveyWave take_survey(const Population& p, std::int64_t step, double years_per_step) {
  SurveyWave wave;
  wave.step = step;
  wave.years = static_cast<double>(step) * years_per_step;
  std::vector<float> age(p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    age[i] = p.age_at(static_cast<ResidentId>(i), step, years_per_step);
  wave.columns = {
      {{"id", "", "resident id: the row number of /agents"}, p.id},
      {{"alive", "", "1 if entered and alive at the wave"}, p.alive},
      {{"age", "years", "age in years at the wave"}, std::move(age)},
      {{"certified", "", "1 if LTC-certified at the wave"}, p.certified},
      {{"isolated", "", "1 if isolated (contact < 1/week) at the wave"}, p.isolated},
      {{"weekly_contacts", "1/week", "contacts a week with others outside the household"},
       p.weekly_contacts},
  };
  for (const ColumnRegistry::Entry& entry : p.columns.entries()) {
    if (entry.spec.surveyed)
      wave.columns.push_back({entry.spec, p.columns.values_of(entry, p.size())});
  }
  return wave;
}

}  // namespace salonsim
