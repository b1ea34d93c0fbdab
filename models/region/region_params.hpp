#pragma once
// A region: many municipalities, each a town of its own, listed (each with its own settings, as
// --set overrides of the scenario) or generated from the scenario as a template with stated
// variation (each varied key drawn for each municipality, as a sweep draws a point).
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/params/schema.hpp"
#include "sim/sweep/sweep_params.hpp"

namespace salonsim::models {

struct ListedMunicipality {
  std::string name;
  std::vector<std::string> set;
};

template <class V>
void visit(V& v, ListedMunicipality& p) {
  v.text("name", p.name, {.doc = "municipality name (outputs are written under it)"});
  v.rule("name", !p.name.empty(), "every municipality needs a name");
  v.rule("name", p.name.empty() || params::is_output_name(p.name), params::kOutputNameRule);
  v.texts("set", p.set,
          {.doc = "this municipality's settings, as --set overrides of the scenario, e.g. "
                  "town.population=4000"});
}

struct RegionParams {
  std::vector<ListedMunicipality> municipalities;
  std::int32_t generate = 0;
  std::string name_prefix = "m";
  std::uint64_t seed = 0;
  std::vector<sweep::SweepParameter> vary;

  bool empty() const { return municipalities.empty() && generate == 0; }
  std::size_t size() const { return municipalities.size() + static_cast<std::size_t>(generate); }
};

template <class V>
void visit(V& v, RegionParams& p) {
  v.list("municipalities", p.municipalities,
         {.doc = "municipalities listed by name, each with its own settings (none by default)"});
  v.integer("generate", p.generate,
            {.doc = "municipalities generated from this scenario as a template, after the listed "
                    "ones, each with its own draw of the varied keys (0: none)",
             .min = 0,
             .max = 100000});
  v.text("name_prefix", p.name_prefix,
         {.doc = "generated municipalities are named <prefix>01, <prefix>02, ..."});
  v.rule("name_prefix", !p.name_prefix.empty() || p.generate == 0,
         "generated municipalities need a name prefix");
  v.rule("name_prefix", p.name_prefix.empty() || params::is_output_name(p.name_prefix),
         params::kOutputNameRule);
  v.integer("seed", p.seed,
            {.doc = "seed of the variation draws (0: run.seed), so that the region's towns stay "
                    "the same when the runs' seed changes"});
  v.list("vary", p.vary,
         {.doc = "keys varied across generated municipalities, each a distribution or a list of "
                 "values as in sweeps (key, min, max, distribution, integer, values)"});
  // Names must be unique: one pass with a set (a national region lists 1,741).
  std::set<std::string_view> names;
  for (std::size_t a = 0; a < p.municipalities.size(); ++a) {
    const bool first = names.insert(p.municipalities[a].name).second;
    if (!first)
      v.rule("municipalities" + params::index_key(a) + ".name", false,
             "two municipalities are named '" + p.municipalities[a].name + "'");
  }
}

}  // namespace salonsim::models
