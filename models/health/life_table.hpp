#pragma once
// A complete life table: the annual probability of death q(x) between exact ages x and x+1, by
// sex and single year of age. The default is Japan's 2020 complete life table (MHLW), compiled
// in from models/health/life_table_japan_2020.csv. Mortality, and the ages of the oldest
// residents at the start, both come from it.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "models/health/health_params.hpp"
#include "sim/population.hpp"

namespace salonsim::models {

class LifeTable {
 public:
  /// Parses "age,male_qx,female_qx" rows (lines starting with '#' are comments; a header row
  /// follows them). Ages must be consecutive; q in (0, 1]. Throws std::runtime_error naming
  /// `source` and the line.
  static LifeTable parse(std::string_view csv, std::string_view source);

  int first_age() const { return first_age_; }
  int last_age() const { return first_age_ + static_cast<int>(q_[0].size()) - 1; }
  /// q(x) at the single year of age containing `age` (the first or last row outside the table).
  double probability(Sex sex, double age) const;
  /// Hazard over the year of age containing `age`: -log(1 - q), with q = 1 read as 1 - 1e-6.
  double hazard(Sex sex, double age) const;
  /// Survivors l(x) / l(from) at exact age `to` of those alive at exact age `from` (integers).
  double survival(Sex sex, int from, int to) const;
  /// Person-years lived between exact ages x and x+1 per survivor at `from`: (l(x)+l(x+1))/2.
  double person_years(Sex sex, int from, int x) const;
  /// Expected remaining years of life at exact age `age` (to the end of the table).
  double life_expectancy(Sex sex, int age) const;

 private:
  int first_age_ = 0;
  std::array<std::vector<double>, 2> q_;  // [sex][age - first_age_]
};

/// The built-in table a scenario chose (health.mortality.life_table).
const LifeTable& built_in_life_table(LifeTableName name);
/// The built-in table of that name (one of kLifeTableChoices); throws std::invalid_argument
/// for another name.
const LifeTable& built_in_life_table(std::string_view name);
/// The CSV text of the Japan 2020 table (generated from the data file at build time).
std::string_view japan_2020_life_table_csv();

}  // namespace salonsim::models
