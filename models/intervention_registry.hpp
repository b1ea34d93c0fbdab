#pragma once
// The machinery of the intervention registry. Each intervention type is a parameter struct
// (visited by the same tables as every other section) with a specialisation of
// InterventionType<Params> beside it, in its own folder: its name, documentation, the rules it
// checks against the rest of the scenario, the mechanisms it adds, its outcomes and analyses.
// The registry itself is one std::variant of the parameter structs (models/interventions.hpp);
// everything here works on any such variant, so a test can make a registry with a test-only
// type (tests/models/registry_test.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "sim/outcomes.hpp"
#include "sim/output/hazard_ratios.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/params/schema.hpp"
#include "sim/simulation.hpp"

namespace salonsim::models {

struct Scenario;

/// Specialised for each intervention type's parameter struct, with:
/// - kName, kDoc: the type's name in scenarios and its documentation;
/// - kMaxPerScenario (0: any number) and kLimitHint, added to the message when there are more;
/// - check(v, params, scenario, at): rules against the rest of the scenario;
/// - build(context, every intervention of the type): adds its mechanisms;
/// - outcomes(): what comparisons and sweeps can read;
/// - analyses(): what comparisons of arms with the type add.
template <class Params>
struct InterventionType;

/// An entry of the interventions list whose type is missing or unknown: kept until validation
/// reports it (a scenario with one never runs).
struct UnknownIntervention {
  std::string type;
};

/// What an intervention type's build() gets: the simulation being built, its scenario, and the
/// modules that several types share (added once, by whichever type asks first).
class BuildContext {
 public:
  BuildContext(Simulation& simulation, const Scenario& scenario)
      : simulation_(simulation), scenario_(scenario) {}
  Simulation& simulation() { return simulation_; }
  const Scenario& scenario() const { return scenario_; }
  /// The module of type M, made by `make` and added the first time it is asked for.
  template <class M, class Make>
  M& shared(Make&& make) {
    const std::type_index key(typeid(M));
    if (const auto it = shared_.find(key); it != shared_.end()) return *static_cast<M*>(it->second);
    std::unique_ptr<M> module = make();
    M* raw = module.get();
    simulation_.add_module(std::move(module));
    shared_.emplace(key, raw);
    return *raw;
  }

 private:
  Simulation& simulation_;
  const Scenario& scenario_;
  std::unordered_map<std::type_index, void*> shared_;
};

/// The message for an intervention type the registry does not know, with the nearest one.
std::string unknown_intervention_message(const std::string& type,
                                         const std::vector<std::string>& known);

template <class Variant>
struct Registry;

/// Everything the scenario, the build and the reports need from a registry of types. The
/// variant's first alternative is an entry whose type is missing or unknown (an error).
template <class... Types>
struct Registry<std::variant<UnknownIntervention, Types...>> {
  using Spec = std::variant<UnknownIntervention, Types...>;

  static std::vector<std::string> names() {
    return {std::string(InterventionType<Types>::kName)...};
  }
  static std::string_view name_of(const Spec& spec) {
    return std::visit(
        [](const auto& p) -> std::string_view {
          using P = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<P, UnknownIntervention>) {
            return p.type;
          } else {
            return InterventionType<P>::kName;
          }
        },
        spec);
  }
  /// Makes `spec` the default parameters of the type named `name`; false if there is none.
  static bool make(std::string_view name, Spec& spec) {
    bool made = false;
    ((!made && InterventionType<Types>::kName == name ? (spec = Types{}, made = true) : false),
     ...);
    return made;
  }
  /// "salons, mobile_shop or shuttle".
  static std::string names_text(std::string_view last_joiner = " or ") {
    const std::vector<std::string> all = names();
    std::string text;
    for (std::size_t k = 0; k < all.size(); ++k)
      text += (k == 0 ? "" : k + 1 == all.size() ? std::string(last_joiner) : ", ") + all[k];
    return text;
  }
  /// "salons (community salons...); mobile_shop (...); shuttle (...)": each type with its doc.
  static std::string types_text() {
    std::string text;
    const auto one = [&]<class T>(std::type_identity<T>) {
      text += fmt::format("{}{} ({})", text.empty() ? "" : "; ", InterventionType<T>::kName,
                          InterventionType<T>::kDoc);
    };
    (one(std::type_identity<Types>{}), ...);
    return text;
  }
  /// Calls f(Params*) for a default-constructed value of every type, in registry order.
  template <class F>
  static void for_each_default(F&& f) {
    const auto one = [&]<class T>(std::type_identity<T>) {
      T value{};
      f(value);
    };
    (one(std::type_identity<Types>{}), ...);
  }
  /// Outcomes of every type, in registry order.
  static std::vector<Outcome> outcomes() {
    std::vector<Outcome> all;
    const auto one = [&]<class T>(std::type_identity<T>) {
      for (Outcome& o : InterventionType<T>::outcomes()) all.push_back(std::move(o));
    };
    (one(std::type_identity<Types>{}), ...);
    return all;
  }
  /// Analyses of the types a list of interventions has.
  static std::vector<ArmAnalysis> analyses(const std::vector<Spec>& specs) {
    std::vector<ArmAnalysis> all;
    const auto one = [&]<class T>(std::type_identity<T>) {
      if (count<T>(specs) == 0) return;
      for (ArmAnalysis& a : InterventionType<T>::analyses()) all.push_back(std::move(a));
    };
    (one(std::type_identity<Types>{}), ...);
    return all;
  }
  template <class P>
  static std::size_t count(const std::vector<Spec>& specs) {
    std::size_t n = 0;
    for (const Spec& spec : specs) n += std::holds_alternative<P>(spec);
    return n;
  }
  /// Adds the mechanisms of every intervention: type by type in registry order, each type's
  /// build() given all of its interventions at once.
  static void build(BuildContext& context, const std::vector<Spec>& specs) {
    const auto one = [&]<class T>(std::type_identity<T>) {
      std::vector<const T*> of_type;
      for (const Spec& spec : specs) {
        if (const T* p = std::get_if<T>(&spec)) of_type.push_back(p);
      }
      if (!of_type.empty()) InterventionType<T>::build(context, of_type);
    };
    (one(std::type_identity<Types>{}), ...);
  }
  /// Rules across sections: each type's own checks, and how many of a type a scenario may have.
  template <class V, class S>
  static void check(V& v, const std::vector<Spec>& specs, const S& scenario) {
    const auto one = [&]<class T>(std::type_identity<T>) {
      constexpr int most = InterventionType<T>::kMaxPerScenario;
      if (most > 0) {
        v.rule("interventions", count<T>(specs) <= static_cast<std::size_t>(most),
               fmt::format("at most {} {} intervention{}{}",
                           most == 1 ? std::string("one") : std::to_string(most),
                           InterventionType<T>::kName, most == 1 ? "" : "s",
                           InterventionType<T>::kLimitHint));
      }
      for (std::size_t k = 0; k < specs.size(); ++k) {
        if (const T* p = std::get_if<T>(&specs[k]))
          InterventionType<T>::check(v, *p, scenario, fmt::format("interventions[{}]", k));
      }
    };
    (one(std::type_identity<Types>{}), ...);
  }
};

/// The YAML of one entry of an interventions list: `type`, and that type's fields beside it.
/// An unknown type is reported once, not with every field beside it: its fields are read as the
/// nearest known type's.
template <class V, class... Types>
void visit(V& v, std::variant<UnknownIntervention, Types...>& spec) {
  using R = Registry<std::variant<UnknownIntervention, Types...>>;
  const std::string doc = "intervention type: " + R::types_text();
  if constexpr (params::kVisitsAllAlternatives<V>) {
    // The dictionary documents every type's fields; an entry has no default type.
    std::string type;
    v.text("type", type, {.doc = doc});
    R::for_each_default([&](auto& params) { visit(v, params); });
  } else {
    std::string type(R::name_of(spec));
    v.text("type", type, {.doc = doc});
    const std::vector<std::string> known = R::names();
    const bool is_known = std::find(known.begin(), known.end(), type) != known.end();
    v.rule("type", is_known, unknown_intervention_message(type, known));
    if (is_known) {
      if (std::holds_alternative<UnknownIntervention>(spec) || type != R::name_of(spec))
        R::make(type, spec);
      std::visit(
          [&](auto& params) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(params)>, UnknownIntervention>)
              visit(v, params);
          },
          spec);
      return;
    }
    // Its fields are read as the nearest known type's, into a value thrown away, so they are not
    // reported as unknown keys too.
    spec = UnknownIntervention{type};
    const std::string nearest = params::nearest_key(type, known);
    typename R::Spec likeliest;
    R::make(nearest.empty() ? known.front() : nearest, likeliest);
    std::visit(
        [&](auto& params) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(params)>, UnknownIntervention>)
            visit(v, params);
        },
        likeliest);
  }
}

}  // namespace salonsim::models
