// Reads the `gas:` section of a study (keys documented in inputs/README.md):
//
//   gas:
//     fluid:       {specific_gravity | molar_mass, temperature, law, viscosity,
//                   normal_temperature, normal_pressure}
//     max_segment_length, friction, roughness        defaults for pipes
//     nodes, pipes, supplies, …                       the element kinds (kinds.cpp), each
//                                                     read beside its model
// then checks what needs the whole network: a pressure reference in every connected part,
// and supplies that can carry the initial demand.
#include "models/gas/reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "models/gas/context.hpp"
#include "solver/study/constants.hpp"

namespace steppe::gas {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

GasProperties read_fluid(const Reader& f, ReadContext& ctx) {
  GasProperties g;
  if (f.has("molar_mass")) {
    if (f.has("specific_gravity")) f.error("give specific_gravity or molar_mass, not both");
    g.specific_gravity =
        f.quantity("molar_mass", dim::none) / (constants::kMolarMassAir * 1e3);  // g/mol
  } else {
    g.specific_gravity = f.quantity("specific_gravity", dim::none, g.specific_gravity);
  }
  g.temperature = f.quantity("temperature", dim::temperature, g.temperature);
  const std::string law = f.choice("law", {"ideal", "papay", "cnga"}, "ideal");
  g.law = law == "papay" ? GasLaw::Papay : law == "cnga" ? GasLaw::Cnga : GasLaw::Ideal;
  g.viscosity = f.quantity("viscosity", dim::dynamic_viscosity, g.viscosity);
  g.pseudo_critical_pressure = f.quantity("pseudo_critical_pressure", dim::pressure, 0.0);
  g.pseudo_critical_temperature = f.quantity("pseudo_critical_temperature", dim::temperature, 0.0);
  f.check("pseudo_critical_pressure", g.pseudo_critical_pressure >= 0, "must be > 0");
  f.check("pseudo_critical_temperature", g.pseudo_critical_temperature >= 0, "must be > 0");
  if ((g.pseudo_critical_pressure > 0) != (g.pseudo_critical_temperature > 0))
    f.error_at_key(
        g.pseudo_critical_pressure > 0 ? "pseudo_critical_pressure" : "pseudo_critical_temperature",
        "give both pseudo_critical_pressure and pseudo_critical_temperature");
  else if (g.pseudo_critical_pressure > 0 && g.law != GasLaw::Papay)
    f.error_at_key("pseudo_critical_pressure", "pseudo-critical data are used by law: papay only");
  g.normal_temperature =
      f.quantity("normal_temperature", dim::temperature, constants::kZeroCelsius);
  g.normal_pressure = f.quantity("normal_pressure", dim::pressure, constants::kStandardAtmosphere);
  f.check("specific_gravity", g.specific_gravity > 0.3 && g.specific_gravity < 2.0,
          "must lie between 0.3 and 2 (natural gas: about 0.55 to 0.7)");
  f.check("temperature", g.temperature > 150 && g.temperature < 500, "must lie in 150–500 K");
  f.check("viscosity", g.viscosity > 0, "must be > 0");
  f.finish();
  // Standard volumes ("10 bcm/yr") now mean this gas at its normal conditions, unless the
  // study stated a normal density itself.
  if (!ctx.normal_density) ctx.normal_density = g.normal_density();
  return g;
}

}  // namespace

void read_network(const Reader& section, System& system, const StudyOptions& options) {
  read_section(section, system, options, kinds());
}

void read_section(const Reader& section, System& system, const StudyOptions& options,
                  std::span<const ElementKind<Context>> kinds) {
  ReadContext& ctx = section.context();
  auto& network = system.emplace<GasNetwork>(read_fluid(section.child("fluid"), ctx));
  Context c(system, options, network);

  c.default_segment_length = section.quantity("max_segment_length", dim::length, 5000.0);
  section.check("max_segment_length", c.default_segment_length > 0, "must be > 0");
  {
    const std::string law =
        section.choice("friction", {"colebrook", "swamee_jain", "hofer", "nikuradse"}, "colebrook");
    c.default_friction.law = law == "swamee_jain" ? FrictionLaw::SwameeJain
                             : law == "hofer"     ? FrictionLaw::Hofer
                             : law == "nikuradse" ? FrictionLaw::Nikuradse
                                                  : FrictionLaw::Colebrook;
    // Stored as an absolute roughness here; each pipe's reader divides by its diameter.
    c.default_friction.relative_roughness = section.quantity("roughness", dim::length, 1.2e-5);
  }
  read_kinds(section, c, kinds);
  section.finish();

  if (options.steady_start && ctx.diagnostics.empty()) {
    for (const auto& [name, node] : c.nodes.elements())
      if (!c.parts.referenced(node)) {
        c.nodes.item(name).error_at_key(
            "name", fmt::format("node '{}' is in a part of the gas network with no supply "
                                "(pressure reference): the steady start has no unique solution",
                                name));
        break;
      }
    // In each connected part, supplies that all have flow limits must cover the demand.
    for (std::size_t k = 0; k < c.demands.size() && ctx.diagnostics.empty(); ++k) {
      const GasNode* root = c.parts.root(c.demands[k].first);
      double cap = 0.0, demand = 0.0;
      for (const auto& [n, q] : c.supply_limits)
        if (c.parts.root(n) == root) cap += q;
      for (const auto& [n, q] : c.demands)
        if (c.parts.root(n) == root) demand += q;
      if (std::isfinite(cap) && demand > cap)
        c.demand_items[k].error_at_key(
            "mass_flow",
            fmt::format("the initial demand of this part of the network, {:.6g} kg/s, exceeds "
                        "what its supplies may give (max_flow {:.6g} kg/s in all): no steady "
                        "state can balance",
                        demand, cap));
    }
  }
}

}  // namespace steppe::gas
