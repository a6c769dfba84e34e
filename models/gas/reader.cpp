// Reads the `gas:` section of a study (keys documented in inputs/README.md):
//
//   gas:
//     fluid:       {specific_gravity | molar_mass, temperature, law, viscosity,
//                   normal_temperature, normal_pressure}
//     max_segment_length, friction, roughness        defaults for pipes
//     nodes:       [{name, height, initial_pressure, min_pressure, max_pressure}]
//     pipes:       [{name, from, to, length, diameter, roughness, friction, lambda,
//                    max_segment_length, profile}]
//     supplies:    [{name, node, pressure, max_flow}]
//     offtakes:    [{name, node, mass_flow}]
//     compressors: [{name, from, to, control, set_point, ratio_max, ratio_min, power_max,
//                    flow_max, polytropic_efficiency, isentropic_exponent, drive,
//                    drive_efficiency, fuel_lhv}]
//     valves:      [{name, from, to, kind, open, set_point, drag, diameter}]
#include "models/gas/reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "models/common/element_table.hpp"
#include "models/gas/boundary.hpp"
#include "models/gas/compressor.hpp"
#include "models/gas/network.hpp"
#include "models/gas/pipe.hpp"
#include "models/gas/valve.hpp"

namespace steppe::gas {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

GasProperties read_fluid(const Reader& f, ReadContext& ctx) {
  GasProperties g;
  if (f.has("molar_mass")) {
    if (f.has("specific_gravity")) f.error("give specific_gravity or molar_mass, not both");
    g.specific_gravity = f.quantity("molar_mass", dim::none) / 28.9647;  // g/mol
  } else {
    g.specific_gravity = f.quantity("specific_gravity", dim::none, g.specific_gravity);
  }
  g.temperature = f.quantity("temperature", dim::temperature, g.temperature);
  const std::string law = f.choice("law", {"ideal", "papay", "cnga"}, "ideal");
  g.law = law == "papay" ? GasLaw::Papay : law == "cnga" ? GasLaw::Cnga : GasLaw::Ideal;
  g.viscosity = f.quantity("viscosity", dim::dynamic_viscosity, g.viscosity);
  g.normal_temperature = f.quantity("normal_temperature", dim::temperature, 273.15);
  g.normal_pressure = f.quantity("normal_pressure", dim::pressure, 101325.0);
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

Friction read_friction(const Reader& item, const Friction& defaults, double diameter) {
  Friction fr = defaults;
  const std::string law =
      item.choice("friction", {"colebrook", "swamee_jain", "hofer", "nikuradse", "fixed"},
                  defaults.law == FrictionLaw::Fixed ? "fixed" : "");
  if (law == "colebrook") fr.law = FrictionLaw::Colebrook;
  if (law == "swamee_jain") fr.law = FrictionLaw::SwameeJain;
  if (law == "hofer") fr.law = FrictionLaw::Hofer;
  if (law == "nikuradse") fr.law = FrictionLaw::Nikuradse;
  if (item.has("lambda")) {
    fr.law = FrictionLaw::Fixed;
    fr.fixed_lambda = item.quantity("lambda", dim::none);
    item.check("lambda", fr.fixed_lambda > 0 && fr.fixed_lambda < 1, "must lie in (0, 1)");
    if (law != "" && law != "fixed")
      item.error_at_key("lambda", "a fixed lambda contradicts the friction law given");
  } else if (law == "fixed") {
    item.error_at_key("friction", "friction: fixed needs lambda");
  }
  const double eps = item.quantity("roughness", dim::length, defaults.relative_roughness);
  item.check("roughness", eps >= 0 && eps < 0.05, "must be ≥ 0 and below 5 cm");
  fr.relative_roughness = eps / diameter;
  if (fr.law == FrictionLaw::Nikuradse && eps <= 0)
    item.error_at_key("roughness", "Nikuradse's fully rough law needs a roughness > 0");
  return fr;
}

}  // namespace

void read_network(const Reader& section, System& system, const StudyOptions& options) {
  ReadContext& ctx = section.context();
  auto& network = system.emplace<GasNetwork>(read_fluid(section.child("fluid"), ctx));
  const GasProperties& gas = network.gas();

  const double default_dx = section.quantity("max_segment_length", dim::length, 5000.0);
  section.check("max_segment_length", default_dx > 0, "must be > 0");
  Friction default_friction;
  {
    const std::string law =
        section.choice("friction", {"colebrook", "swamee_jain", "hofer", "nikuradse"}, "colebrook");
    default_friction.law = law == "swamee_jain" ? FrictionLaw::SwameeJain
                           : law == "hofer"     ? FrictionLaw::Hofer
                           : law == "nikuradse" ? FrictionLaw::Nikuradse
                                                : FrictionLaw::Colebrook;
    // Stored as an absolute roughness here; read_friction divides by each diameter.
    default_friction.relative_roughness = section.quantity("roughness", dim::length, 1.2e-5);
  }

  ElementNames names;
  ElementTable<GasNode> nodes("node");
  Connectivity<GasNode> parts;
  const std::size_t errors_before_nodes = ctx.diagnostics.size();
  for (const Reader& item : section.map_items("nodes", "name: Beineu, initial_pressure: 70 bar")) {
    std::string name = names.claim(item, "nodes");
    const double p0 = item.quantity("initial_pressure", dim::pressure, 50e5);
    const double pmin = item.quantity("min_pressure", dim::pressure, 0.0);
    const double pmax = item.quantity("max_pressure", dim::pressure, kInf);
    const double h = item.quantity("height", dim::length, 0.0);
    item.check("initial_pressure", p0 > 0, "must be > 0 (absolute pressure)");
    item.check("max_pressure", pmax > pmin, "must be above min_pressure");
    item.finish();
    if (!name.empty())
      nodes.add(name, &system.emplace<GasNode>(name, gas, p0, pmin, pmax, h), item);
  }
  nodes.set_complete(ctx.diagnostics.size() == errors_before_nodes);

  // from/to of a two-node element; reports a loop on one node.
  auto ends = [&](const Reader& item) -> std::pair<GasNode*, GasNode*> {
    GasNode* from = nodes.find(item, "from");
    GasNode* to = nodes.find(item, "to");
    if (from && from == to) {
      item.error_at_key("to", "from and to are the same node");
      return {nullptr, nullptr};
    }
    return {from, to};
  };

  for (const Reader& item :
       section.map_items("pipes", "name: P1, from: A, to: B, length: 100 km, diameter: 1067 mm")) {
    std::string name = names.claim(item, "pipes");
    auto [from, to] = ends(item);
    PipeGeometry geo;
    geo.length = item.quantity("length", dim::length);
    geo.diameter = item.quantity("diameter", dim::length);
    item.check("length", geo.length > 0, "must be > 0");
    item.check("diameter", geo.diameter > 0, "must be > 0");
    const double dx = item.quantity("max_segment_length", dim::length, default_dx);
    item.check("max_segment_length", dx > 0, "must be > 0");
    Friction fr = read_friction(item, default_friction, geo.diameter > 0 ? geo.diameter : 1.0);
    const bool profile = item.flag("profile", false);
    item.finish();
    if (name.empty() || !from || !to || geo.length <= 0 || geo.diameter <= 0 || dx <= 0) continue;
    geo.segments = std::max(1, static_cast<int>(std::ceil(geo.length / dx - 1e-9)));
    network.add_pipe(system.emplace<GasPipe>(name, *from, *to, geo, fr, gas, profile));
    parts.join(from, to);
  }
  // What each supply can give and each offtake takes at the start, for the balance check.
  std::vector<std::pair<const GasNode*, double>> supply_limits;
  std::vector<std::pair<const GasNode*, double>> demands;
  std::vector<Reader> demand_items;
  for (const Reader& item :
       section.map_items("supplies", "name: Border, node: A, pressure: 75 bar")) {
    std::string name = names.claim(item, "supplies");
    GasNode* node = nodes.find(item, "node");
    Profile p = item.profile("pressure", dim::pressure);
    const double qmax = item.quantity("max_flow", dim::mass_flow, kInf);
    item.check("max_flow", qmax > 0, "must be > 0");
    item.finish();
    if (name.empty() || !node) continue;
    system.emplace<GasSupply>(name, *node, std::move(p), qmax);
    parts.mark(node);
    supply_limits.emplace_back(node, qmax);
  }
  for (const Reader& item :
       section.map_items("offtakes", "name: City, node: A, mass_flow: 100 kg/s")) {
    std::string name = names.claim(item, "offtakes");
    GasNode* node = nodes.find(item, "node");
    Profile q = item.profile("mass_flow", dim::mass_flow);
    item.finish();
    if (name.empty() || !node) continue;
    demands.emplace_back(node, q.value(0.0));
    demand_items.push_back(item);
    system.emplace<GasOfftake>(name, *node, std::move(q));
  }
  for (const Reader& item : section.map_items(
           "compressors", "name: CS1, from: A, to: B, control: discharge, set_point: 90 bar")) {
    std::string name = names.claim(item, "compressors");
    auto [from, to] = ends(item);
    CompressorSpec c;
    const std::string control =
        item.choice("control", {"discharge", "suction", "ratio", "flow"}, "discharge");
    c.control = control == "suction" ? CompressorControl::Suction
                : control == "ratio" ? CompressorControl::Ratio
                : control == "flow"  ? CompressorControl::Flow
                                     : CompressorControl::Discharge;
    const Dimension sp_dim = control == "ratio"  ? dim::none
                             : control == "flow" ? dim::mass_flow
                                                 : dim::pressure;
    c.set_point = item.profile("set_point", sp_dim);
    c.ratio_max = item.quantity("ratio_max", dim::none, kInf);
    c.ratio_min = item.quantity("ratio_min", dim::none, 1.0);
    c.power_max = item.quantity("power_max", dim::power, kInf);
    c.flow_max = item.quantity("flow_max", dim::mass_flow, kInf);
    c.polytropic_efficiency = item.quantity("polytropic_efficiency", dim::none, 0.82);
    c.isentropic_exponent = item.quantity("isentropic_exponent", dim::none, 1.3);
    const std::string drive = item.choice("drive", {"gas_turbine", "electric"}, "gas_turbine");
    c.drive = drive == "electric" ? CompressorDrive::Electric : CompressorDrive::GasTurbine;
    c.drive_efficiency =
        item.quantity("drive_efficiency", dim::none, drive == "electric" ? 0.95 : 0.34);
    c.fuel_lhv = item.quantity("fuel_lhv", dim::specific_energy, 47e6);
    c.control_time_constant = item.quantity("control_time_constant", dim::time, 1.0);
    item.check("control_time_constant", c.control_time_constant > 0, "must be > 0");
    item.check("ratio_max", c.ratio_max > 1, "must be > 1");
    item.check("ratio_min", c.ratio_min > 0 && c.ratio_min < c.ratio_max,
               "must be > 0 and below ratio_max");
    item.check("power_max", c.power_max > 0, "must be > 0");
    item.check("flow_max", c.flow_max > 0, "must be > 0");
    item.check("polytropic_efficiency", c.polytropic_efficiency > 0 && c.polytropic_efficiency <= 1,
               "must lie in (0, 1]");
    item.check("isentropic_exponent", c.isentropic_exponent > 1 && c.isentropic_exponent < 2,
               "must lie in (1, 2)");
    item.check("drive_efficiency", c.drive_efficiency > 0 && c.drive_efficiency <= 1,
               "must lie in (0, 1]");
    item.check("fuel_lhv", c.fuel_lhv > 0, "must be > 0");
    item.finish();
    if (name.empty() || !from || !to) continue;
    system.emplace<CompressorStation>(name, *from, *to, std::move(c), gas);
    parts.join(from, to);
  }
  for (const Reader& item :
       section.map_items("valves", "name: V1, from: A, to: B, kind: valve, open: 1")) {
    std::string name = names.claim(item, "valves");
    auto [from, to] = ends(item);
    ValveSpec v;
    const std::string kind = item.choice(
        "kind", {"valve", "check_valve", "control_valve", "short_pipe", "resistor"}, "valve");
    v.kind = kind == "check_valve"     ? ValveKind::CheckValve
             : kind == "control_valve" ? ValveKind::ControlValve
             : kind == "short_pipe"    ? ValveKind::ShortPipe
             : kind == "resistor"      ? ValveKind::Resistor
                                       : ValveKind::Valve;
    if (v.kind == ValveKind::Valve) {
      v.open = item.profile("open", dim::none, 1.0);
      item.check("open", v.open.interpolation() == Interpolation::Step || v.open.is_constant(),
                 "a valve's open profile must use interpolation: step (1 open, 0 closed)");
    }
    if (v.kind == ValveKind::ControlValve) v.set_point = item.profile("set_point", dim::pressure);
    if (v.kind == ValveKind::Resistor) {
      v.drag = item.quantity("drag", dim::none);
      v.diameter = item.quantity("diameter", dim::length);
      item.check("drag", v.drag > 0, "must be > 0");
      item.check("diameter", v.diameter > 0, "must be > 0");
    }
    item.finish();
    if (name.empty() || !from || !to) continue;
    system.emplace<GasValve>(name, *from, *to, std::move(v), gas);
    parts.join(from, to);
  }
  section.finish();

  if (options.steady_start && ctx.diagnostics.empty()) {
    for (const auto& [name, node] : nodes.elements())
      if (!parts.referenced(node)) {
        nodes.item(name).error_at_key(
            "name", fmt::format("node '{}' is in a part of the gas network with no supply "
                                "(pressure reference): the steady start has no unique solution",
                                name));
        break;
      }
    // In each connected part, supplies that all have flow limits must cover the demand.
    for (std::size_t k = 0; k < demands.size() && ctx.diagnostics.empty(); ++k) {
      const GasNode* root = parts.root(demands[k].first);
      double cap = 0.0, demand = 0.0;
      for (const auto& [n, q] : supply_limits)
        if (parts.root(n) == root) cap += q;
      for (const auto& [n, q] : demands)
        if (parts.root(n) == root) demand += q;
      if (std::isfinite(cap) && demand > cap)
        demand_items[k].error_at_key(
            "mass_flow",
            fmt::format("the initial demand of this part of the network, {:.6g} kg/s, exceeds "
                        "what its supplies may give (max_flow {:.6g} kg/s in all): no steady "
                        "state can balance",
                        demand, cap));
    }
  }
}

}  // namespace steppe::gas
