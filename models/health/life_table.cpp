#include "models/health/life_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace salonsim::models {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

template <class T>
bool parse_number(std::string_view text, T& value) {
  text = trim(text);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

LifeTable LifeTable::parse(std::string_view csv, std::string_view source) {
  LifeTable table;
  bool header_seen = false;
  int line_number = 0;
  const auto fail = [&](const std::string& what) {
    throw std::runtime_error(std::string(source) + ":" + std::to_string(line_number) + ": " + what);
  };
  while (!csv.empty()) {
    ++line_number;
    const std::size_t end = csv.find('\n');
    const std::string_view line = trim(csv.substr(0, end));
    csv.remove_prefix(end == std::string_view::npos ? csv.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    if (!header_seen) {
      header_seen = true;
      if (line != "age,male_qx,female_qx") fail("expected the header 'age,male_qx,female_qx'");
      continue;
    }
    std::array<std::string_view, 3> fields;
    std::string_view rest = line;
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const std::size_t comma = rest.find(',');
      if ((comma == std::string_view::npos) != (k + 1 == fields.size()))
        fail("expected 3 comma-separated fields");
      fields[k] = rest.substr(0, comma);
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
    int age = 0;
    if (!parse_number(fields[0], age)) fail("age is not an integer");
    if (table.q_[0].empty()) {
      table.first_age_ = age;
    } else if (age != table.last_age() + 1) {
      fail("ages must be consecutive: expected " + std::to_string(table.last_age() + 1));
    }
    for (int sex = 0; sex < 2; ++sex) {
      double q = 0;
      if (!parse_number(fields[1 + sex], q) || !(q > 0.0 && q <= 1.0))
        fail("q(x) must be a number in (0, 1]");
      table.q_[sex].push_back(q);
    }
  }
  if (table.q_[0].empty()) {
    line_number = 0;
    fail("no rows");
  }
  return table;
}

double LifeTable::probability(Sex sex, double age) const {
  const std::vector<double>& q = q_[static_cast<int>(sex)];
  const double row = std::floor(age) - first_age_;
  return q[static_cast<std::size_t>(std::clamp(row, 0.0, static_cast<double>(q.size() - 1)))];
}

double LifeTable::hazard(Sex sex, double age) const {
  return -std::log1p(-std::min(probability(sex, age), 1.0 - 1e-6));
}

double LifeTable::survival(Sex sex, int from, int to) const {
  double alive = 1.0;
  for (int x = from; x < to; ++x) alive *= 1.0 - probability(sex, x);
  return alive;
}

double LifeTable::person_years(Sex sex, int from, int x) const {
  const double at_x = survival(sex, from, x);
  return 0.5 * (at_x + at_x * (1.0 - probability(sex, x)));
}

double LifeTable::life_expectancy(Sex sex, int age) const {
  double years = 0;
  for (int x = age; x <= last_age(); ++x) years += person_years(sex, age, x);
  return years;
}

const LifeTable& built_in_life_table(LifeTableName name) {
  switch (name) {
    case LifeTableName::kJapan2020:
      break;
  }
  static const LifeTable table =
      LifeTable::parse(japan_2020_life_table_csv(), "models/health/life_table_japan_2020.csv");
  return table;
}

const LifeTable& built_in_life_table(std::string_view name) {
  for (const auto& choice : kLifeTableChoices) {
    if (choice.name == name) return built_in_life_table(choice.value);
  }
  throw std::invalid_argument("unknown life table '" + std::string(name) + "'");
}

}  // namespace salonsim::models
