// Reads the `gas:` section of a study (keys documented in inputs/README.md):
//
//   gas:
//     fluid:       {specific_gravity | molar_mass | composition, temperature, law,
//                   viscosity, heat_capacity, normal_temperature, normal_pressure}
//     energy:      {ground_temperature | ground_wave, heat_transfer_coefficient,
//                   burial_depth, soil_conductivity}     the energy equation (optional)
//     tracking:    composition tracking (optional)
//     max_segment_length, friction, roughness        defaults for pipes
//     nodes, pipes, supplies, …                       the element kinds (kinds.cpp), each
//                                                     read beside its model
// then checks what needs the whole network: a pressure reference in every connected part,
// and supplies that can carry the initial demand; tabulates the gas (GERG-2008, the
// energy equation, tracking) over the network's pressures, and gives every compressor and
// valve its companion that carries energy and composition (link_flow.cpp).
#include "models/gas/reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "models/gas/compressor.hpp"
#include "models/gas/context.hpp"
#include "models/gas/link_flow.hpp"
#include "models/gas/valve.hpp"
#include "solver/study/constants.hpp"

namespace steppe::gas {

namespace {

constexpr double kFractionTolerance = 1e-4;  // |Σ x − 1| allowed before normalising

// The mole fractions of a `composition` mapping ({methane: 0.9, ethane: 0.05, …}), checked
// and normalised; nullopt after reporting.
std::optional<gerg2008::Composition> read_composition(const Reader& parent,
                                                      const std::string& key) {
  const Reader r = parent.child(key);
  if (!r.is_map() || r.node().size() == 0) {
    parent.error_at_key(key,
                        "expected a mapping of component: mole fraction, e.g. "
                        "{methane: 0.9, ethane: 0.06, nitrogen: 0.04}");
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (int i = 0; i < gerg2008::kComponents; ++i) names.emplace_back(gerg2008::component_name(i));
  gerg2008::Composition x{};
  std::array<bool, gerg2008::kComponents> seen{};
  bool ok = true;
  for (const auto& kv : r.node()) {
    const std::string k = kv.first.as<std::string>();
    const int i = gerg2008::find_component(k);
    if (i < 0 || seen[std::size_t(i)]) {
      const std::string near = closest_match(k, names);
      r.error_at_key_name(
          k, i >= 0 ? fmt::format("'{}' is {} again: give each component once", k,
                                  gerg2008::component_name(i))
                    : fmt::format("unknown component '{}'{}; GERG-2008 has {}", k,
                                  near.empty() ? "" : " (did you mean '" + near + "'?)",
                                  fmt::join(names, ", ")));
      ok = false;
      continue;
    }
    seen[std::size_t(i)] = true;
    x[std::size_t(i)] = r.quantity(k, dim::none);
    r.check(k, x[std::size_t(i)] >= 0 && x[std::size_t(i)] <= 1,
            "a mole fraction lies in [0, 1] (write 0.9 or 90 %)");
    ok = ok && !r.has_error(k);
  }
  r.finish();
  if (!ok) return std::nullopt;
  double sum = 0.0;
  for (double v : x) sum += v;
  if (std::abs(sum - 1.0) > kFractionTolerance) {
    parent.error_at_key(key, fmt::format("the mole fractions sum to {:.8g}, not 1 (tolerance "
                                         "{:g}); percentages need a unit: 90 %",
                                         sum, kFractionTolerance));
    return std::nullopt;
  }
  for (double& v : x) v /= sum;
  return x;
}

// The gas of a composition: its mixture, and the specific gravity the laws use.
void set_composition(GasProperties& g, const gerg2008::Composition& x) {
  g.mixture = std::make_shared<const gerg2008::Mixture>(x);
  g.specific_gravity = g.mixture->molar_mass() / constants::kMolarMassAir;
}

GasProperties read_fluid(const Reader& f, ReadContext& ctx) {
  GasProperties g;
  if (f.has("composition")) {
    for (const char* k : {"molar_mass", "specific_gravity"})
      if (f.has(k))
        f.error_at_key(k, "give a composition or the gas's " + std::string(k) + ", not both");
    if (auto x = read_composition(f, "composition")) set_composition(g, *x);
  } else if (f.has("molar_mass")) {
    if (f.has("specific_gravity")) f.error("give specific_gravity or molar_mass, not both");
    g.specific_gravity =
        f.quantity("molar_mass", dim::none) / (constants::kMolarMassAir * 1e3);  // g/mol
  } else {
    g.specific_gravity = f.quantity("specific_gravity", dim::none, g.specific_gravity);
  }
  g.temperature = f.quantity("temperature", dim::temperature, g.temperature);
  const std::string law = f.choice("law", {"ideal", "papay", "cnga", "gerg2008"}, "ideal");
  g.law = law == "papay"      ? GasLaw::Papay
          : law == "cnga"     ? GasLaw::Cnga
          : law == "gerg2008" ? GasLaw::Gerg2008
                              : GasLaw::Ideal;
  if (g.law == GasLaw::Gerg2008 && !g.mixture) {
    if (!f.has("composition"))
      f.error_at_key("law", "gerg2008 needs fluid.composition (mole fractions of its components)");
    g.law = GasLaw::Ideal;  // reported; keeps the rest readable
  }
  g.heat_capacity = f.quantity("heat_capacity", dim::specific_energy / dim::temperature, 0.0);
  f.check("heat_capacity", g.heat_capacity >= 0, "must be > 0 (J/kg/K)");
  if (f.has("heat_capacity") && g.law == GasLaw::Gerg2008)
    f.error_at_key("heat_capacity", "GERG-2008 gives the heat capacity itself");
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
  f.check("specific_gravity", g.specific_gravity > kGravityMin && g.specific_gravity < kGravityMax,
          "must lie between 0.3 and 2 (natural gas: about 0.55 to 0.7)");
  f.check("temperature", g.temperature > kTemperatureMin && g.temperature < kTemperatureMax,
          "must lie in 150–500 K");
  f.check("viscosity", g.viscosity > 0, "must be > 0");
  if (g.law == GasLaw::Gerg2008)
    f.check("temperature", g.mixture->density(g.temperature, g.normal_pressure) > 0,
            "GERG-2008 finds no gas state of this composition at this temperature");
  f.finish();
  // Standard volumes ("10 bcm/yr") now mean this gas at its normal conditions, unless the
  // study stated a normal density itself (a gas that failed to read: a stand-in, so that
  // its error is the only one).
  if (!ctx.normal_density)
    ctx.normal_density = f.has_error("") || !(g.normal_density() > 0) ? 0.72 : g.normal_density();
  return g;
}

// The energy equation's settings (gas.energy): ground temperature and the pipes' defaults.
void read_energy(const Reader& e, const GasProperties& gas, const StudyOptions& options,
                 EnergyDefaults& d) {
  d.on = true;
  if (!e.is_map()) {
    e.error("expected a mapping such as {ground_temperature: 5 degC, burial_depth: 1.5 m}");
    return;
  }
  d.ground.profile = Profile(gas.temperature);
  if (e.has("ground_temperature")) {
    if (e.has("ground_wave"))
      e.error_at_key("ground_wave", "give ground_temperature or ground_wave, not both");
    d.ground.profile = e.profile("ground_temperature", dim::temperature);
  } else if (e.has("ground_wave")) {
    const Reader w = e.child("ground_wave");
    GroundTemperature& g = d.ground;
    g.annual_wave = true;
    g.mean = w.quantity("mean", dim::temperature);
    g.amplitude = w.quantity("amplitude", dim::temperature, 0.0);
    g.coldest_day = w.quantity("coldest_day", dim::none, 35.0);
    g.diffusivity = w.quantity("diffusivity", dim::area / dim::time, 0.05 / 86400.0) * 86400.0;
    w.check("amplitude", g.amplitude >= 0, "must be ≥ 0 (a temperature difference in K)");
    w.check("coldest_day", g.coldest_day >= 0 && g.coldest_day <= 366, "a day of the year, 0–366");
    w.check("diffusivity", g.diffusivity > 0, "must be > 0");
    w.finish();
    // Day of the year at t = 0, from the study's start (YYYY-MM-DD HH:MM:SS).
    int y = 0, mo = 1, da = 1, h = 0, mi = 0;
    double sec = 0;
    if (std::sscanf(options.start_iso.c_str(), "%d-%d-%d %d:%d:%lf", &y, &mo, &da, &h, &mi, &sec) >=
        3) {
      static const int kBefore[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
      const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      g.start_day = kBefore[std::clamp(mo, 1, 12) - 1] + (leap && mo > 2 ? 1 : 0) + da +
                    (h + mi / 60.0 + sec / 3600.0) / 24.0;
    }
  }
  const Dimension conductivity = dim::power / (dim::length * dim::temperature);
  const Dimension transfer = dim::power / (dim::area * dim::temperature);
  d.u = e.quantity("heat_transfer_coefficient", transfer, -1.0);
  e.check("heat_transfer_coefficient", !e.has("heat_transfer_coefficient") || d.u >= 0,
          "must be ≥ 0 (W/m²/K)");
  d.burial_depth = e.quantity("burial_depth", dim::length, 1.5);
  e.check("burial_depth", d.burial_depth > 0, "must be > 0");
  d.soil_conductivity = e.quantity("soil_conductivity", conductivity, 1.5);
  e.check("soil_conductivity", d.soil_conductivity > 0, "must be > 0");
  e.finish();
}

}  // namespace

int Context::read_source(const Reader& item, const std::string& name) {
  if (!flow.tracking) {
    item.error_at_key("composition",
                      "a supply's composition needs composition tracking "
                      "(gas.tracking: true)");
    return 0;
  }
  const auto x = read_composition(item, "composition");
  if (!x) return 0;
  FlowModel& fm = network.mutable_flow();
  for (std::size_t k = 0; k < fm.sources.size(); ++k)
    if (fm.sources[k].gas.mixture && fm.sources[k].gas.mixture->composition() == *x) return int(k);
  if (fm.sources.size() >= std::size_t(kMaxSources)) {
    item.error_at_key("composition",
                      fmt::format("at most {} distinct compositions (the fluid's included) "
                                  "can be tracked",
                                  kMaxSources));
    return 0;
  }
  GasProperties g = gas;
  set_composition(g, *x);
  fm.sources.push_back({name, g, nullptr, g.net_heating_value()});
  return int(fm.sources.size()) - 1;
}

void read_network(const Reader& section, System& system, const StudyOptions& options) {
  read_section(section, system, options, kinds());
}

void read_section(const Reader& section, System& system, const StudyOptions& options,
                  std::span<const ElementKind<Context>> kinds) {
  ReadContext& ctx = section.context();
  const GasProperties gas = read_fluid(section.child("fluid"), ctx);
  FlowModel flow;
  EnergyDefaults energy;
  flow.thermal = section.has("energy");
  if (flow.thermal) {
    read_energy(section.child("energy"), gas, options, energy);
    if (gas.law == GasLaw::Cnga)
      section.child("fluid").error_at_key(
          "law",
          "the CNGA law has no temperature dependence: with gas.energy use ideal, papay "
          "or gerg2008");
    if (gas.law == GasLaw::Cnga) flow.thermal = false;  // reported
  }
  flow.tracking = section.flag("tracking", false);
  if (flow.tracking && !gas.mixture)
    section.error_at_key("tracking",
                         "composition tracking needs fluid.composition (heating "
                         "values and densities follow from the compositions)");
  flow.sources.push_back({"fluid", gas, nullptr, gas.net_heating_value()});
  auto& network = system.emplace<GasNetwork>(gas, std::move(flow));
  Context c(system, options, network);
  c.energy = energy;

  c.default_segment_length = section.quantity("max_segment_length", dim::length, 5000.0);
  section.check("max_segment_length", c.default_segment_length > 0, "must be > 0");
  // Stand-ins for section values that failed: their error says it all, the pipes that
  // take them as defaults say nothing more.
  if (section.has_error("max_segment_length")) c.default_segment_length = 5000.0;
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
  // Monitored bounds on the line pack of all pipes (mass, or a standard volume).
  network.set_linepack_bounds(section.quantity("min_linepack", dim::mass, NAN),
                              section.quantity("max_linepack", dim::mass, NAN));
  read_kinds(section, c, kinds);
  section.finish();
  if (!ctx.diagnostics.empty()) return;

  // Tables over the network's pressures, and the companions of compressors and valves.
  double p_max = 150e5;
  for (const auto& [name, node] : c.nodes.elements()) {
    p_max = std::max(p_max, 1.5 * node->initial_pressure());
    if (std::isfinite(node->max_pressure())) p_max = std::max(p_max, 1.5 * node->max_pressure());
  }
  try {
    if (network.gas().law == GasLaw::Gerg2008) network.mutable_gas().set_table(p_max);
    if (network.flow().extended()) network.mutable_flow().build_tables(p_max);
  } catch (const std::runtime_error& e) {
    section.child("fluid").error_at_key("law", e.what());
    return;
  }
  if (network.flow().extended()) {
    std::vector<Component*> links;
    for (const auto& comp : system.components())
      if (dynamic_cast<CompressorStation*>(comp.get()) || dynamic_cast<GasValve*>(comp.get()))
        links.push_back(comp.get());
    for (Component* l : links) {
      if (auto* cs = dynamic_cast<CompressorStation*>(l)) {
        const CompressorSpec& sp = cs->spec();
        const double m =
            (sp.isentropic_exponent - 1.0) / (sp.isentropic_exponent * sp.polytropic_efficiency);
        system.emplace<LinkFlow>(*cs, cs->suction(), cs->discharge(), network.flow(), m);
      } else if (auto* v = dynamic_cast<GasValve*>(l)) {
        system.emplace<LinkFlow>(*v, v->from(), v->to(), network.flow(), 0.0);
      }
    }
  }

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
