#include "solver/app/import/gaslib.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "solver/app/import/gaslib_stations.hpp"
#include "solver/app/import/gaslib_xml.hpp"
#include "solver/study/constants.hpp"
#include "solver/study/input_file.hpp"

namespace steppe::gas {

std::pair<int, int> line_column(std::string_view text, std::ptrdiff_t offset) {
  const std::size_t end =
      std::min(text.size(), static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, offset)));
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < end; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  return {line, static_cast<int>(end - line_start) + 1};
}

namespace {

using gaslib_xml::child;
using gaslib_xml::Doc;
using gaslib_xml::Kind;
using gaslib_xml::local_name;
using imported::bar;
using imported::kInf;

constexpr double kAtm = constants::kStandardAtmosphere;

struct GasData {  // at a source
  std::optional<double> temperature, norm_density, molar_mass, calorific, ppc, tpc;
};

class Converter {
 public:
  std::string run(const GaslibText& net, const std::vector<GaslibText>& scns, const GaslibText* cs,
                  const GaslibOptions& options);

 private:
  void read_nodes(const Doc& d);
  void read_links(const Doc& d);
  void read_scenario(const Doc& d, std::size_t period);
  void mix_gas();

  gaslib_xml::XmlReader x_;
  imported::Network net_;
  std::vector<GasData> gas_;            // per node
  std::vector<std::vector<double>> q_;  // per node, per period: m³(n)/s (empty: none)
  std::vector<double> flow_max_;        // per node, m³(n)/s
  std::vector<pugi::xml_node> node_xml_;
  std::vector<pugi::xml_node> link_xml_;
  double norm_density_ = 0.785;
  std::optional<double> calorific_;
  std::string title_;
  std::vector<std::string> scenario_ids_;
};

void Converter::read_nodes(const Doc& d) {
  const pugi::xml_node top = d.xml.document_element();
  const pugi::xml_node list = child(top, "nodes");
  if (!list) {
    x_.error(d, top, "the network has no <framework:nodes>");
    return;
  }
  if (pugi::xml_node info = child(top, "information"))
    title_ = child(info, "title").text().as_string();
  for (pugi::xml_node el = list.first_child(); el; el = el.next_sibling()) {
    if (el.type() != pugi::node_element) continue;
    imported::Node n;
    n.type = std::string(local_name(el));
    n.id = el.attribute("id").value();
    n.where = x_.where(d, el);
    if (n.type != "source" && n.type != "sink" && n.type != "innode") {
      x_.error(d, el,
               fmt::format("unknown node kind <{}> (GasLib has source, sink, innode)", el.name()));
      continue;
    }
    if (n.id.empty()) {
      x_.error(d, el, fmt::format("<{}> has no id", el.name()));
      continue;
    }
    if (net_.node_index.count(n.id)) {
      x_.error(d, el, fmt::format("node id \"{}\" is defined twice", n.id));
      continue;
    }
    n.height = x_.quantity(d, el, "height", Kind::Length).value_or(0.0);
    n.pmin = x_.quantity(d, el, "pressureMin", Kind::Pressure).value_or(0.0);
    n.pmax = x_.quantity(d, el, "pressureMax", Kind::Pressure).value_or(kInf);
    if (!(n.pmax > n.pmin))
      x_.error(d, el, fmt::format("node \"{}\": pressureMax ≤ pressureMin", n.id));
    GasData g;
    if (n.type == "source") {
      g.temperature = x_.quantity(d, el, "gasTemperature", Kind::Temperature);
      g.norm_density = x_.quantity(d, el, "normDensity", Kind::Density);
      g.molar_mass = x_.quantity(d, el, "molarMass", Kind::MolarMass);
      g.calorific = x_.quantity(d, el, "calorificValue", Kind::Calorific);
      g.ppc = x_.quantity(d, el, "pseudocriticalPressure", Kind::Pressure);
      g.tpc = x_.quantity(d, el, "pseudocriticalTemperature", Kind::Temperature);
    }
    flow_max_.push_back(x_.quantity(d, el, "flowMax", Kind::Flow).value_or(kInf));
    gas_.push_back(g);
    node_xml_.push_back(el);
    net_.add_node(std::move(n));
  }
  if (net_.nodes.empty() && x_.errors.empty()) x_.error(d, list, "the network has no nodes");
}

void Converter::read_links(const Doc& d) {
  const pugi::xml_node top = d.xml.document_element();
  const pugi::xml_node list = child(top, "connections");
  if (!list) {
    x_.error(d, top, "the network has no <framework:connections>");
    return;
  }
  std::set<std::string> ids;
  for (pugi::xml_node el = list.first_child(); el; el = el.next_sibling()) {
    if (el.type() != pugi::node_element) continue;
    imported::Link l;
    l.type = std::string(local_name(el));
    l.id = el.attribute("id").value();
    l.where = x_.where(d, el);
    static const std::set<std::string> kinds = {"pipe",     "shortPipe",    "valve",
                                                "resistor", "controlValve", "compressorStation"};
    if (!kinds.count(l.type)) {
      x_.error(d, el,
               fmt::format("unsupported GasLib connection <{}> (known: pipe, shortPipe, valve, "
                           "controlValve, resistor, compressorStation)",
                           el.name()));
      continue;
    }
    if (l.id.empty()) {
      x_.error(d, el, fmt::format("<{}> has no id", el.name()));
      continue;
    }
    if (!ids.insert(l.id).second || net_.node_index.count(l.id)) {
      x_.error(d, el, fmt::format("id \"{}\" is used twice", l.id));
      continue;
    }
    bool ends_ok = true;
    for (const char* end : {"from", "to"}) {
      const std::string ref = el.attribute(end).value();
      const auto it = net_.node_index.find(ref);
      if (it == net_.node_index.end()) {
        x_.error(d, el,
                 fmt::format("<{} id=\"{}\">: {}=\"{}\" is not a node of the network", el.name(),
                             l.id, end, ref));
        ends_ok = false;
      } else {
        (std::string(end) == "from" ? l.from : l.to) = it->second;
      }
    }
    if (ends_ok && l.from == l.to) {
      x_.error(d, el,
               fmt::format("<{} id=\"{}\"> joins node \"{}\" to itself", el.name(), l.id,
                           net_.nodes[std::size_t(l.from)].id));
      ends_ok = false;
    }
    // Flow bounds stay in m³(n)/s until the normal density is known (mix_gas).
    l.flow_max = x_.quantity(d, el, "flowMax", Kind::Flow).value_or(kInf);
    l.flow_min = x_.quantity(d, el, "flowMin", Kind::Flow).value_or(0.0);
    l.bidirectional = l.flow_min < 0;
    if (l.type == "pipe") {
      const auto len = x_.quantity(d, el, "length", Kind::Length, true);
      const auto dia = x_.quantity(d, el, "diameter", Kind::Length, true);
      const auto eps = x_.quantity(d, el, "roughness", Kind::Length, true);
      l.length = len.value_or(1.0), l.diameter = dia.value_or(1.0), l.roughness = eps.value_or(0.0);
      if (len && !(*len > 0))
        x_.error(d, child(el, "length"), fmt::format("pipe \"{}\": length must be > 0", l.id));
      if (dia && !(*dia > 0))
        x_.error(d, child(el, "diameter"), fmt::format("pipe \"{}\": diameter must be > 0", l.id));
      if (eps && !(*eps >= 0 && *eps < 0.05))
        x_.error(d, child(el, "roughness"),
                 fmt::format("pipe \"{}\": roughness {} m is outside [0, 5 cm)", l.id, *eps));
    } else if (l.type == "resistor") {
      const auto drag = x_.quantity(d, el, "dragFactor", Kind::None, true);
      const auto dia = x_.quantity(d, el, "diameter", Kind::Length, true);
      l.drag = drag.value_or(1.0), l.diameter = dia.value_or(1.0);
      if ((drag && !(*drag > 0)) || (dia && !(*dia > 0)))
        x_.error(d, el, fmt::format("resistor \"{}\": dragFactor and diameter must be > 0", l.id));
    } else if (l.type == "compressorStation" || l.type == "controlValve") {
      l.p_in_min = x_.quantity(d, el, "pressureInMin", Kind::Pressure).value_or(0.0);
      l.p_out_max = x_.quantity(d, el, "pressureOutMax", Kind::Pressure).value_or(kInf);
      l.p_out_min = x_.quantity(d, el, "pressureOutMin", Kind::Pressure).value_or(0.0);
    }
    if (l.type == "compressorStation") {
      const std::string fuel = el.attribute("fuelGasVertex").value();
      if (!fuel.empty()) {
        const auto it = net_.node_index.find(fuel);
        if (it == net_.node_index.end())
          x_.error(d, el,
                   fmt::format("<compressorStation id=\"{}\">: fuelGasVertex=\"{}\" is not a node "
                               "of the network",
                               l.id, fuel));
        else
          l.fuel_node = it->second;
      }
      l.bypass = std::string(el.attribute("internalBypassRequired").value()) == "1";
    }
    if (ends_ok) {
      link_xml_.push_back(el);
      net_.links.push_back(std::move(l));
    }
  }
}

void Converter::read_scenario(const Doc& d, std::size_t period) {
  const pugi::xml_node sc = child(d.xml.document_element(), "scenario");
  if (!sc) {
    x_.error(d, d.xml.document_element(), "the scenario file has no <scenario>");
    return;
  }
  scenario_ids_.push_back(sc.attribute("id").value());
  for (pugi::xml_node el = sc.first_child(); el; el = el.next_sibling()) {
    if (el.type() != pugi::node_element || local_name(el) != "node") continue;
    const std::string id = el.attribute("id").value(), type = el.attribute("type").value();
    const auto it = net_.node_index.find(id);
    if (it == net_.node_index.end()) {
      x_.error(d, el, fmt::format("scenario node \"{}\" is not a node of the network", id));
      continue;
    }
    const std::size_t ni = std::size_t(it->second);
    imported::Node& n = net_.nodes[ni];
    if (type != "entry" && type != "exit") {
      x_.error(d, el,
               fmt::format("scenario node \"{}\": type \"{}\" (expected entry or exit)", id, type));
      continue;
    }
    if ((type == "entry") != (n.type == "source") || (type == "exit") != (n.type == "sink"))
      x_.error(d, el,
               fmt::format("scenario node \"{}\" is an {} but the network has it as a <{}>", id,
                           type, n.type));
    std::optional<double> lower, upper;
    for (pugi::xml_node b = el.first_child(); b; b = b.next_sibling()) {
      if (b.type() != pugi::node_element) continue;
      const std::string_view what = local_name(b);
      if (what != "flow" && what != "pressure") continue;
      const std::optional<double> si =
          x_.value_of(d, b, what == "flow" ? Kind::Flow : Kind::Pressure);
      if (!si) continue;
      const std::string bound = b.attribute("bound").value();
      if (bound != "lower" && bound != "upper" && bound != "both") {
        x_.error(d, b,
                 fmt::format("<{}>: bound=\"{}\" (expected lower, upper or both)", what, bound));
        continue;
      }
      if (what == "pressure") {
        if (bound != "upper") n.pmin = std::max(n.pmin, *si);
        if (bound != "lower") n.pmax = std::min(n.pmax, *si);
      } else {
        if (bound != "upper") lower = *si;
        if (bound != "lower") upper = *si;
      }
    }
    if (!(n.pmax > n.pmin))
      x_.error(d, el,
               fmt::format("node \"{}\": the scenario's pressure bounds leave no range", id));
    if (lower || upper) {
      const double lo = lower.value_or(*upper), hi = upper.value_or(*lower);
      if (hi < lo) {
        x_.error(d, el, fmt::format("node \"{}\": flow upper bound below the lower bound", id));
        continue;
      }
      if (hi != lo)
        x_.notes.push_back(fmt::format(
            "node {}: the nomination gives a flow range; its midpoint {:.6g} × 1000 m³/h is used",
            id, (lo + hi) / 2 * 3.6));
      const double q = (lo + hi) / 2;
      if (q < 0) x_.error(d, el, fmt::format("node \"{}\": a negative nominated flow", id));
      q_[ni].resize(period + 1, 0.0);
      q_[ni][period] = q;
    }
  }
}

void Converter::mix_gas() {
  // The gas: flow-weighted (by standard volume, i.e. by moles) over the nominated entries and
  // all periods; plain means without nominated entry flow.
  double wsum = 0.0, rho = 0.0, mm = 0.0, t = 0.0, h = 0.0, ppc = 0.0, tpc = 0.0;
  bool all_h = true, all_pc = true;
  int with_data = 0;
  for (int pass = 0; pass < 2 && wsum <= 0; ++pass) {
    wsum = rho = mm = t = h = ppc = tpc = 0.0;
    all_h = all_pc = true;
    with_data = 0;
    for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
      const GasData& g = gas_[i];
      if (net_.nodes[i].type != "source" || !g.norm_density || !g.molar_mass || !g.temperature)
        continue;
      double w = 1.0;
      if (pass == 0) {
        w = 0.0;
        for (double q : q_[i]) w += q;
      }
      wsum += w, rho += w * *g.norm_density, mm += w * *g.molar_mass, t += w * *g.temperature;
      if (g.calorific)
        h += w * *g.calorific;
      else
        all_h = false;
      if (g.ppc && g.tpc)
        ppc += w * *g.ppc, tpc += w * *g.tpc;
      else
        all_pc = false;
      ++with_data;
    }
  }
  if (with_data > 0 && wsum > 0) {
    norm_density_ = rho / wsum, net_.molar_mass = mm / wsum, net_.temperature = t / wsum;
    if (all_h) calorific_ = h / wsum;
    if (all_pc)
      net_.pseudo_critical_pressure = ppc / wsum, net_.pseudo_critical_temperature = tpc / wsum;
  } else {
    net_.molar_mass = 18.0, net_.temperature = 283.15;
    x_.notes.push_back(
        "no source gives normDensity, molarMass and gasTemperature: normal density 0.785 kg/m³, "
        "molar mass 18 g/mol and 10 °C assumed");
  }
  net_.normal_density = norm_density_;
  if (calorific_) net_.fuel_lhv = *calorific_ / norm_density_;
  // Flows to mass: entries at their own normal density, exits at the mean.
  for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
    imported::Node& n = net_.nodes[i];
    const bool entry = n.type == "source";
    const double r = entry ? gas_[i].norm_density.value_or(norm_density_) : norm_density_;
    if (!q_[i].empty()) {
      q_[i].resize(std::size_t(net_.periods), 0.0);
      for (double q : q_[i]) n.flow.push_back(q * r);
      n.flow_note = fmt::format("{:.6g} × 1000 m³/h", q_[i][0] * 3.6);
    }
    if (std::isfinite(flow_max_[i])) n.max_supply = flow_max_[i] * r;
  }
  for (imported::Link& l : net_.links) {
    if (std::isfinite(l.flow_max)) l.flow_max *= norm_density_;
    l.flow_min *= norm_density_;
  }
}

std::string Converter::run(const GaslibText& net_in, const std::vector<GaslibText>& scns,
                           const GaslibText* cs_in, const GaslibOptions& options) {
  Doc net, cs;
  std::vector<Doc> scn(scns.size());
  const bool net_ok = x_.parse(net, net_in, "network");
  bool scn_ok = true;
  for (std::size_t k = 0; k < scns.size(); ++k)
    scn_ok = x_.parse(scn[k], scns[k], "boundaryValue") && scn_ok;
  const bool cs_ok = cs_in && x_.parse(cs, *cs_in, "compressorStations");
  net_.periods = static_cast<int>(std::max<std::size_t>(1, scns.size()));
  if (net_ok) {
    read_nodes(net);
    read_links(net);
    q_.assign(net_.nodes.size(), {});
  }
  if (net_ok && scn_ok)
    for (std::size_t k = 0; k < scn.size(); ++k) read_scenario(scn[k], k);
  if (!x_.errors.empty()) throw GaslibError(x_.errors);
  mix_gas();
  std::vector<std::string> station_notes;
  if (net_ok && cs_ok) read_compressor_data(x_, cs, net_, options.maps);
  if (!x_.errors.empty()) throw GaslibError(x_.errors);
  imported::choose_controls(net_, x_.errors);
  if (!x_.errors.empty()) throw GaslibError(x_.errors);

  // The study's header and the GasLib-specific assumptions.
  net_.name =
      title_.empty()
          ? "GasLib"
          : title_ + (scenario_ids_.empty() || scns.size() > 1 ? "" : " " + scenario_ids_.front());
  net_.duration = fmt::format("{} d", net_.periods);
  net_.header.push_back("Steppe study imported from GasLib by `steppe import gaslib`.");
  net_.header.push_back(
      fmt::format("  network:  {}{}", net.in->path, title_.empty() ? "" : " (" + title_ + ")"));
  for (std::size_t k = 0; k < scns.size(); ++k)
    net_.header.push_back(fmt::format(
        "  {} {}{}", k == 0 ? "scenario:" : "          ", scns[k].path,
        scenario_ids_.size() > k && !scenario_ids_[k].empty() ? " (" + scenario_ids_[k] + ")"
                                                              : ""));
  net_.header.push_back(
      fmt::format("  compressor stations: {}", cs_in ? cs_in->path : "no .cs file read"));
  net_.header.push_back(
      "GasLib data: CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/), gaslib.zib.de.");
  net_.header.push_back(
      "Cite: Pfetsch et al. (2012), \"Validation of Nominations in Gas Network Optimization:");
  net_.header.push_back("  Models, Methods, and Solutions\", ZIB-Report 12-41.");
  auto& a = net_.assumptions;
  a.push_back(fmt::format(
      "flows: ṁ [kg/s] = q [1000 m³/h] · normDensity / 3.6; entries use their own normDensity, "
      "exits the entries' flow-weighted mean {:.6g} kg/m³ (normal_conditions.density); the "
      "supply's max_flow is its flowMax.",
      norm_density_));
  a.push_back(fmt::format(
      "gas: one isothermal gas, the entries' flow-weighted molar mass {:.6g} kg/kmol and "
      "temperature {:.2f} K, Papay compressibility {}, viscosity Steppe's default 1.1e-5 Pa·s "
      "(GasLib gives none). The gas law's own normal density ({:.4g} kg/m³ from the molar mass) "
      "differs from GasLib's normDensity.",
      net_.molar_mass, net_.temperature,
      net_.pseudo_critical_pressure
          ? fmt::format("with GasLib's pseudocriticalPressure {} and pseudocriticalTemperature "
                        "{:.2f} K (flow-weighted)",
                        bar(*net_.pseudo_critical_pressure), *net_.pseudo_critical_temperature)
          : std::string("(pseudo-critical data from the specific gravity, Standing)"),
      kAtm * net_.molar_mass * 1e-3 / (constants::kGasConstant * constants::kZeroCelsius)));
  a.push_back(
      "pipes: Colebrook–White friction (log10) from GasLib's roughness and diameter; grid "
      "max_segment_length 1 km.");
  a.push_back(
      "stations: with the .cs's turbo compressors, a compressor station of units on their maps "
      "(speed lines from the measured points or GasLib's fitted isolines, efficiency contours, "
      "speed limits, the gas turbine's energy rate and maximal power); else ratio_max = "
      "pressureOutMax/pressureInMin, flow_max = flowMax. fuel_node = fuelGasVertex; a station "
      "with internalBypassRequired has a two-way bypass (flow either way while its units are "
      "off)" +
      std::string(calorific_ ? fmt::format("; fuel_lhv = calorificValue/normDensity = {:.4g} "
                                           "MJ/kg (GasLib's calorific value taken as the heating "
                                           "value)",
                                           *net_.fuel_lhv / 1e6)
                             : "") +
      ". pressureLoss/dragFactor in and out and gas coolers are not modelled.");
  a.push_back(
      "valves are open; short pipes are lossless; resistors use dragFactor and diameter; "
      "min/max_pressure: the .net bounds intersected with the scenarios' (barg read as gauge, + "
      "1.01325 bar).");
  a.push_back(
      "ignored: heatTransferCoefficient, pipe pressureMax, flowMin/flowMax of nodes (but the "
      "supply's flowMax), pipes and valves, pressureDifferentialMin/Max, heat-capacity "
      "coefficients, coordinates.");
  for (const auto& [what, count] : x_.unitless)
    a.push_back(
        fmt::format("{} value{} without a unit attribute: {}", count, count == 1 ? "" : "s", what));
  for (const std::string& n : x_.notes) a.push_back(n);
  return imported::emit_study(net_);
}

}  // namespace

std::string gaslib_to_yaml(const GaslibText& net, const std::vector<GaslibText>& scns,
                           const GaslibText* cs, const GaslibOptions& options) {
  Converter c;
  return c.run(net, scns, cs, options);
}

std::string gaslib_to_yaml(const GaslibText& net, const GaslibText& scn, const GaslibText* cs) {
  return gaslib_to_yaml(net, std::vector<GaslibText>{scn}, cs);
}

GaslibText read_text(const std::string& path, std::vector<std::string>& errors) {
  GaslibText t{path, {}};
  std::string why;
  // GasLib's largest network (GasLib-4197) is a few MB of XML.
  if (auto text = read_input_file(path, std::size_t{256} << 20, why))
    t.text = std::move(*text);
  else
    errors.push_back(fmt::format("{}: error: cannot open the file: {}", path, why));
  return t;
}

std::string import_gaslib(const std::string& net_path, const std::vector<std::string>& scn_paths,
                          const std::string& cs_path, const GaslibOptions& options) {
  std::vector<std::string> errors;
  const GaslibText net = read_text(net_path, errors);
  std::vector<GaslibText> scns;
  for (const auto& p : scn_paths) scns.push_back(read_text(p, errors));
  GaslibText cs;
  if (!cs_path.empty()) cs = read_text(cs_path, errors);
  if (!errors.empty()) throw GaslibError(errors);
  return gaslib_to_yaml(net, scns, cs_path.empty() ? nullptr : &cs, options);
}

std::string import_gaslib(const std::string& net_path, const std::string& scn_path,
                          const std::string& cs_path) {
  return import_gaslib(net_path, std::vector<std::string>{scn_path}, cs_path);
}

}  // namespace steppe::gas
