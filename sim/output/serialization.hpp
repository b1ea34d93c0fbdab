#pragma once
// Boost.Serialization of what runs hand back to the ensemble runner (run summaries, records for
// the analyses, survey waves), so the MPI back end can carry them between processes. Binary
// archives: every rank runs the same build.
#include <boost/serialization/array.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

#include <cstddef>
#include <stdexcept>
#include <utility>
#include <variant>

#include "sim/columns.hpp"
#include "sim/output/hazard_ratios.hpp"
#include "sim/output/summary.hpp"
#include "sim/survey.hpp"

namespace boost::serialization {

/// A std::variant as its index, then the alternative it holds.
template <class Archive, class... Types>
void save(Archive& archive, const std::variant<Types...>& value, unsigned /*version*/) {
  const std::size_t index = value.index();
  archive << index;
  std::visit([&](const auto& held) { archive << held; }, value);
}

template <std::size_t I, class Archive, class... Types>
void load_alternative(Archive& archive, std::variant<Types...>& value, std::size_t index) {
  if constexpr (I < sizeof...(Types)) {
    if (index == I) {
      std::variant_alternative_t<I, std::variant<Types...>> held;
      archive >> held;
      value = std::move(held);
      return;
    }
    load_alternative<I + 1>(archive, value, index);
  } else {
    throw std::runtime_error("a packed result holds an unknown variant alternative");
  }
}

template <class Archive, class... Types>
void load(Archive& archive, std::variant<Types...>& value, unsigned /*version*/) {
  std::size_t index = 0;
  archive >> index;
  load_alternative<0>(archive, value, index);
}

template <class Archive, class... Types>
void serialize(Archive& archive, std::variant<Types...>& value, unsigned version) {
  split_free(archive, value, version);
}

}  // namespace boost::serialization

namespace salonsim {

template <class Archive>
void serialize(Archive& archive, InterventionCost& cost, unsigned /*version*/) {
  archive& cost.module& cost.yen;
}

template <class Archive>
void serialize(Archive& archive, RunSummary& summary, unsigned /*version*/) {
  archive& summary.groups& summary.cost_yen& summary.years& summary.costs;
}

template <class Archive>
void serialize(Archive& archive, ColumnSpec& spec, unsigned /*version*/) {
  archive& spec.name& spec.unit& spec.description& spec.output& spec.surveyed;
}

template <class Archive>
void serialize(Archive& archive, SurveyColumn& column, unsigned /*version*/) {
  archive& column.spec& column.values;
}

template <class Archive>
void serialize(Archive& archive, SurveyWave& wave, unsigned /*version*/) {
  archive& wave.step& wave.years& wave.output& wave.columns;
}

template <class Archive>
void serialize(Archive& archive, RunRecord& record, unsigned /*version*/) {
  archive& record.steps& record.steps_per_year& record.entry_step& record.disability_step& record
      .death_step& record.age0& record.sex& record.income_low& record.isolated0& record
      .certified0& record.kept& record.waves;
}

}  // namespace salonsim
