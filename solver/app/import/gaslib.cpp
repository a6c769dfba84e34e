#include "solver/app/import/gaslib.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "solver/study/constants.hpp"
#include "solver/study/input_file.hpp"
#include "solver/study/units.hpp"

namespace steppe::gas {

GaslibError::GaslibError(std::vector<std::string> messages)
    : std::runtime_error(messages.empty() ? std::string("GasLib import failed") : messages.front()),
      messages_(std::move(messages)) {}

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

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kAtm = constants::kStandardAtmosphere;           // Pa: barg → bar(a)
constexpr double kZoneFraction = 0.75;       // supply pressure in its zone's range
constexpr double kDischargeFraction = 0.95;  // discharge set points in their zone's range
constexpr double kValveFraction = 0.1;       // control-valve set points in their range
constexpr double kRatio = 1.2;               // set point of ratio-controlled stations

enum class Kind { Length, Pressure, Flow, Temperature, Density, MolarMass, Calorific, None };

struct Unit {
  const char* name;
  Kind kind;
  double factor;  // to SI: value·factor + offset
  double offset;
};

// SI: m, Pa, m³(n)/s, K, kg/m³, g/mol (as the study's molar_mass), J/m³(n).
constexpr Unit kUnits[] = {
    {"m", Kind::Length, 1.0, 0.0},
    {"meter", Kind::Length, 1.0, 0.0},
    {"km", Kind::Length, 1000.0, 0.0},
    {"cm", Kind::Length, 0.01, 0.0},
    {"mm", Kind::Length, 0.001, 0.0},
    {"bar", Kind::Pressure, 1e5, 0.0},
    {"barg", Kind::Pressure, 1e5, kAtm},
    {"mbar", Kind::Pressure, 100.0, 0.0},
    {"Pa", Kind::Pressure, 1.0, 0.0},
    {"kPa", Kind::Pressure, 1e3, 0.0},
    {"MPa", Kind::Pressure, 1e6, 0.0},
    {"1000m_cube_per_hour", Kind::Flow, 1000.0 / 3600.0, 0.0},
    {"m_cube_per_hour", Kind::Flow, 1.0 / 3600.0, 0.0},
    {"m_cube_per_second", Kind::Flow, 1.0, 0.0},
    {"Celsius", Kind::Temperature, 1.0, constants::kZeroCelsius},
    {"K", Kind::Temperature, 1.0, 0.0},
    {"Kelvin", Kind::Temperature, 1.0, 0.0},
    {"kg_per_m_cube", Kind::Density, 1.0, 0.0},
    {"kg_per_kmol", Kind::MolarMass, 1.0, 0.0},
    {"g_per_mol", Kind::MolarMass, 1.0, 0.0},
    {"MJ_per_m_cube", Kind::Calorific, 1e6, 0.0},
    {"kJ_per_m_cube", Kind::Calorific, 1e3, 0.0},
    {"kWh_per_m_cube", Kind::Calorific, 3.6e6, 0.0},
};

const char* default_unit(Kind k) {
  switch (k) {
    case Kind::Length:
      return "m";
    case Kind::Pressure:
      return "bar";
    case Kind::Flow:
      return "1000m_cube_per_hour";
    case Kind::Temperature:
      return "K";
    case Kind::Density:
      return "kg_per_m_cube";
    case Kind::MolarMass:
      return "kg_per_kmol";
    case Kind::Calorific:
      return "MJ_per_m_cube";
    case Kind::None:
      break;
  }
  return "";
}

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view s = n.name();
  const auto colon = s.find(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  return {};
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string bar(double pa) {
  return fmt::format("{:.6g} bar", pa / 1e5);
}

struct Doc {
  const GaslibText* in = nullptr;
  pugi::xml_document xml;
  bool ok = false;
};

struct GasData {  // at a source
  std::optional<double> temperature, norm_density, molar_mass, calorific;
};

struct Node {
  std::string id, type;  // source, sink, innode
  pugi::xml_node xml;
  double height = 0.0, pmin = 0.0, pmax = kInf;
  GasData gas;
  double flow_max = kInf;  // m³(n)/s
  bool nominated = false;
  double q = 0.0;  // nominated flow, m³(n)/s (entries and exits positive)
  int zone = -1;
};

struct Link {
  std::string id, type;
  pugi::xml_node xml;
  int from = -1, to = -1;
  double length = 0.0, diameter = 0.0, roughness = 0.0, drag = 0.0;
  double flow_min = 0.0, flow_max = kInf;  // m³(n)/s
  double p_in_min = 0.0, p_out_max = kInf, p_out_min = 0.0;
  // Chosen for compressors and control valves.
  std::string control, comment;
  double set_point = 0.0, ratio_max = kInf;
  std::string drive = "gas_turbine";
};

struct Zone {
  double lo = 0.0, hi = kInf;  // the pressure range common to its nodes
  std::optional<double> level;
};

class Converter {
 public:
  std::string run(const GaslibText& net, const GaslibText* scn, const GaslibText* cs);

 private:
  std::string where(const Doc& d, const pugi::xml_node& n) const {
    // pugixml points at an element's name: step back to its '<'.
    std::ptrdiff_t at = n ? n.offset_debug() : 0;
    if (at > 0 && static_cast<std::size_t>(at) <= d.in->text.size() &&
        d.in->text[std::size_t(at - 1)] == '<')
      --at;
    const auto [line, col] = line_column(d.in->text, at);
    return fmt::format("{}:{}:{}", d.in->path, line, col);
  }
  void error(const Doc& d, const pugi::xml_node& n, const std::string& msg) {
    errors_.push_back(fmt::format("{}: error: {}", where(d, n), msg));
  }
  bool parse(Doc& d, const GaslibText& in, const char* root);
  std::optional<double> number(const Doc& d, const pugi::xml_node& el, const char* attr);
  // The quantity in child element `name` of parent, in SI; nullopt if absent (an error if
  // required) or malformed (an error).
  std::optional<double> quantity(const Doc& d, const pugi::xml_node& parent, const char* name,
                                 Kind kind, bool required = false);
  void read_nodes(const Doc& d);
  void read_links(const Doc& d);
  void read_scenario(const Doc& d);
  void read_stations(const Doc& d);
  void choose_controls();
  std::string emit(const Doc& net, const Doc* scn, const Doc* cs);
  double zone_target(const Zone& z, double fraction, double lo = 0.0, double hi = kInf) const {
    const double a = std::max(z.lo, lo), b = std::min(z.hi, hi);
    if (!(b > a) || !std::isfinite(b)) return std::isfinite(b) ? b : a + 50e5;
    return a + fraction * (b - a);
  }

  const Doc* net_ = nullptr;
  std::vector<std::string> errors_, notes_;
  std::map<std::string, int> unitless_;  // "element/quantity → unit": count
  std::vector<Node> nodes_;
  std::map<std::string, int> node_index_;
  std::vector<Link> links_;
  std::vector<Zone> zones_;
  int supply_ = -1;
  double supply_pressure_ = 0.0;
  double norm_density_ = 0.785, molar_mass_ = 18.0, temperature_ = 283.15;
  std::optional<double> calorific_;
  std::string title_, scenario_id_;
};

bool Converter::parse(Doc& d, const GaslibText& in, const char* root) {
  d.in = &in;
  const pugi::xml_parse_result r = d.xml.load_buffer(in.text.data(), in.text.size());
  if (!r) {
    const auto [line, col] = line_column(in.text, r.offset);
    errors_.push_back(
        fmt::format("{}:{}:{}: error: malformed XML: {}", in.path, line, col, r.description()));
    return false;
  }
  pugi::xml_node top = d.xml.document_element();
  if (local_name(top) != root) {
    error(d, top,
          fmt::format("expected a GasLib <{}> document, found <{}>", root, top ? top.name() : ""));
    return false;
  }
  d.ok = true;
  return true;
}

std::optional<double> Converter::number(const Doc& d, const pugi::xml_node& el, const char* attr) {
  const pugi::xml_attribute a = el.attribute(attr);
  if (!a) {
    error(d, el, fmt::format("<{}> has no '{}' attribute", el.name(), attr));
    return std::nullopt;
  }
  const char* s = a.value();
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  while (end && (*end == ' ' || *end == '\t')) ++end;
  if (end == s || !end || *end != '\0' || !std::isfinite(v)) {
    error(d, el, fmt::format("<{}> {}=\"{}\" is not a number", el.name(), attr, s));
    return std::nullopt;
  }
  return v;
}

std::optional<double> Converter::quantity(const Doc& d, const pugi::xml_node& parent,
                                          const char* name, Kind kind, bool required) {
  const pugi::xml_node el = child(parent, name);
  if (!el) {
    if (required)
      error(d, parent,
            fmt::format("<{} id=\"{}\"> has no <{}>", parent.name(), parent.attribute("id").value(),
                        name));
    return std::nullopt;
  }
  const std::optional<double> v = number(d, el, "value");
  if (!v || kind == Kind::None) return v;
  std::string unit = el.attribute("unit").value();
  if (unit.empty()) {
    unit = default_unit(kind);
    ++unitless_[fmt::format("<{}> in <{}>: read in {}", name, parent.name(), unit)];
  }
  for (const Unit& u : kUnits)
    if (u.kind == kind && unit == u.name) {
      // Only what a network can hold: the study's plausible ranges (solver/study/units.hpp).
      const double si = *v * u.factor + u.offset;
      const Dimension& dim = kind == Kind::Length        ? dim::length
                             : kind == Kind::Pressure    ? dim::pressure
                             : kind == Kind::Flow        ? dim::std_volume_flow
                             : kind == Kind::Temperature ? dim::temperature
                             : kind == Kind::Density     ? dim::density
                                                         : dim::none;
      if (kind == Kind::Temperature && si < 0) {
        error(d, el, fmt::format("<{}> {} {} is below absolute zero", name, *v, unit));
        return std::nullopt;
      }
      if (!(std::abs(si) <= plausible_limit(dim))) {
        error(d, el,
              fmt::format("<{}> {} {} is beyond any plausible value (the magnitude must not "
                          "exceed {:g} {})",
                          name, *v, unit, plausible_limit(dim), si_units(dim)));
        return std::nullopt;
      }
      return si;
    }
  std::string known;
  for (const Unit& u : kUnits)
    if (u.kind == kind) known += std::string(known.empty() ? "" : ", ") + u.name;
  error(d, el, fmt::format("<{}>: unit \"{}\" is not known here (known: {})", name, unit, known));
  return std::nullopt;
}

void Converter::read_nodes(const Doc& d) {
  const pugi::xml_node top = d.xml.document_element();
  const pugi::xml_node list = child(top, "nodes");
  if (!list) {
    error(d, top, "the network has no <framework:nodes>");
    return;
  }
  if (pugi::xml_node info = child(top, "information"))
    title_ = child(info, "title").text().as_string();
  for (pugi::xml_node el = list.first_child(); el; el = el.next_sibling()) {
    if (el.type() != pugi::node_element) continue;
    Node n;
    n.type = std::string(local_name(el));
    n.xml = el;
    n.id = el.attribute("id").value();
    if (n.type != "source" && n.type != "sink" && n.type != "innode") {
      error(d, el,
            fmt::format("unknown node kind <{}> (GasLib has source, sink, innode)", el.name()));
      continue;
    }
    if (n.id.empty()) {
      error(d, el, fmt::format("<{}> has no id", el.name()));
      continue;
    }
    if (node_index_.count(n.id)) {
      error(d, el, fmt::format("node id \"{}\" is defined twice", n.id));
      continue;
    }
    n.height = quantity(d, el, "height", Kind::Length).value_or(0.0);
    n.pmin = quantity(d, el, "pressureMin", Kind::Pressure).value_or(0.0);
    n.pmax = quantity(d, el, "pressureMax", Kind::Pressure).value_or(kInf);
    if (!(n.pmax > n.pmin))
      error(d, el, fmt::format("node \"{}\": pressureMax ≤ pressureMin", n.id));
    n.flow_max = quantity(d, el, "flowMax", Kind::Flow).value_or(kInf);
    if (n.type == "source") {
      n.gas.temperature = quantity(d, el, "gasTemperature", Kind::Temperature);
      n.gas.norm_density = quantity(d, el, "normDensity", Kind::Density);
      n.gas.molar_mass = quantity(d, el, "molarMass", Kind::MolarMass);
      n.gas.calorific = quantity(d, el, "calorificValue", Kind::Calorific);
    }
    node_index_[n.id] = static_cast<int>(nodes_.size());
    nodes_.push_back(std::move(n));
  }
  if (nodes_.empty() && errors_.empty()) error(d, list, "the network has no nodes");
}

void Converter::read_links(const Doc& d) {
  const pugi::xml_node top = d.xml.document_element();
  const pugi::xml_node list = child(top, "connections");
  if (!list) {
    error(d, top, "the network has no <framework:connections>");
    return;
  }
  std::set<std::string> ids;
  for (pugi::xml_node el = list.first_child(); el; el = el.next_sibling()) {
    if (el.type() != pugi::node_element) continue;
    Link l;
    l.type = std::string(local_name(el));
    l.xml = el;
    l.id = el.attribute("id").value();
    static const std::set<std::string> kinds = {"pipe",     "shortPipe",    "valve",
                                                "resistor", "controlValve", "compressorStation"};
    if (!kinds.count(l.type)) {
      error(d, el,
            fmt::format("unsupported GasLib connection <{}> (known: pipe, shortPipe, valve, "
                        "controlValve, resistor, compressorStation)",
                        el.name()));
      continue;
    }
    if (l.id.empty()) {
      error(d, el, fmt::format("<{}> has no id", el.name()));
      continue;
    }
    if (!ids.insert(l.id).second || node_index_.count(l.id)) {
      error(d, el, fmt::format("id \"{}\" is used twice", l.id));
      continue;
    }
    bool ends_ok = true;
    for (const char* end : {"from", "to"}) {
      const std::string ref = el.attribute(end).value();
      const auto it = node_index_.find(ref);
      if (it == node_index_.end()) {
        error(d, el,
              fmt::format("<{} id=\"{}\">: {}=\"{}\" is not a node of the network", el.name(), l.id,
                          end, ref));
        ends_ok = false;
      } else {
        (std::string(end) == "from" ? l.from : l.to) = it->second;
      }
    }
    if (ends_ok && l.from == l.to) {
      error(d, el,
            fmt::format("<{} id=\"{}\"> joins node \"{}\" to itself", el.name(), l.id,
                        nodes_[std::size_t(l.from)].id));
      ends_ok = false;
    }
    l.flow_max = quantity(d, el, "flowMax", Kind::Flow).value_or(kInf);
    l.flow_min = quantity(d, el, "flowMin", Kind::Flow).value_or(0.0);
    if (l.type == "pipe") {
      const auto len = quantity(d, el, "length", Kind::Length, true);
      const auto dia = quantity(d, el, "diameter", Kind::Length, true);
      const auto eps = quantity(d, el, "roughness", Kind::Length, true);
      l.length = len.value_or(1.0), l.diameter = dia.value_or(1.0), l.roughness = eps.value_or(0.0);
      if (len && !(*len > 0))
        error(d, child(el, "length"), fmt::format("pipe \"{}\": length must be > 0", l.id));
      if (dia && !(*dia > 0))
        error(d, child(el, "diameter"), fmt::format("pipe \"{}\": diameter must be > 0", l.id));
      if (eps && !(*eps >= 0 && *eps < 0.05))
        error(d, child(el, "roughness"),
              fmt::format("pipe \"{}\": roughness {} m is outside [0, 5 cm)", l.id, *eps));
    } else if (l.type == "resistor") {
      const auto drag = quantity(d, el, "dragFactor", Kind::None, true);
      const auto dia = quantity(d, el, "diameter", Kind::Length, true);
      l.drag = drag.value_or(1.0), l.diameter = dia.value_or(1.0);
      if ((drag && !(*drag > 0)) || (dia && !(*dia > 0)))
        error(d, el, fmt::format("resistor \"{}\": dragFactor and diameter must be > 0", l.id));
    } else if (l.type == "compressorStation" || l.type == "controlValve") {
      l.p_in_min = quantity(d, el, "pressureInMin", Kind::Pressure).value_or(0.0);
      l.p_out_max = quantity(d, el, "pressureOutMax", Kind::Pressure).value_or(kInf);
      l.p_out_min = quantity(d, el, "pressureOutMin", Kind::Pressure).value_or(0.0);
    }
    if (ends_ok) links_.push_back(std::move(l));
  }
}

void Converter::read_scenario(const Doc& d) {
  const pugi::xml_node sc = child(d.xml.document_element(), "scenario");
  if (!sc) {
    error(d, d.xml.document_element(), "the scenario file has no <scenario>");
    return;
  }
  scenario_id_ = sc.attribute("id").value();
  for (pugi::xml_node el = sc.first_child(); el; el = el.next_sibling()) {
    if (el.type() != pugi::node_element || local_name(el) != "node") continue;
    const std::string id = el.attribute("id").value(), type = el.attribute("type").value();
    const auto it = node_index_.find(id);
    if (it == node_index_.end()) {
      error(d, el, fmt::format("scenario node \"{}\" is not a node of the network", id));
      continue;
    }
    Node& n = nodes_[std::size_t(it->second)];
    if (type != "entry" && type != "exit") {
      error(d, el,
            fmt::format("scenario node \"{}\": type \"{}\" (expected entry or exit)", id, type));
      continue;
    }
    if ((type == "entry") != (n.type == "source") || (type == "exit") != (n.type == "sink"))
      error(d, el,
            fmt::format("scenario node \"{}\" is an {} but the network has it as a <{}>", id, type,
                        n.type));
    std::optional<double> lower, upper;
    for (pugi::xml_node b = el.first_child(); b; b = b.next_sibling()) {
      if (b.type() != pugi::node_element) continue;
      const std::string_view what = local_name(b);
      if (what != "flow" && what != "pressure") continue;
      const Kind kind = what == "flow" ? Kind::Flow : Kind::Pressure;
      std::string unit = b.attribute("unit").value();
      const std::optional<double> v = number(d, b, "value");
      if (!v) continue;
      if (unit.empty()) {
        unit = default_unit(kind);
        ++unitless_[fmt::format("<{}> in the scenario: read in {}", what, unit)];
      }
      const Unit* u = nullptr;
      for (const Unit& c : kUnits)
        if (c.kind == kind && unit == c.name) u = &c;
      if (!u) {
        error(d, b, fmt::format("<{}>: unit \"{}\" is not known here", what, unit));
        continue;
      }
      const double si = *v * u->factor + u->offset;
      const std::string bound = b.attribute("bound").value();
      if (bound != "lower" && bound != "upper" && bound != "both") {
        error(d, b, fmt::format("<{}>: bound=\"{}\" (expected lower, upper or both)", what, bound));
        continue;
      }
      if (kind == Kind::Pressure) {
        if (bound != "upper") n.pmin = std::max(n.pmin, si);
        if (bound != "lower") n.pmax = std::min(n.pmax, si);
      } else {
        if (bound != "upper") lower = si;
        if (bound != "lower") upper = si;
      }
    }
    if (!(n.pmax > n.pmin))
      error(d, el, fmt::format("node \"{}\": the scenario's pressure bounds leave no range", id));
    if (lower || upper) {
      const double lo = lower.value_or(*upper), hi = upper.value_or(*lower);
      if (hi < lo) {
        error(d, el, fmt::format("node \"{}\": flow upper bound below the lower bound", id));
        continue;
      }
      if (hi != lo)
        notes_.push_back(fmt::format(
            "node {}: the nomination gives a flow range; its midpoint {:.6g} × 1000 m³/h is used",
            id, (lo + hi) / 2 * 3.6));
      n.nominated = true;
      n.q = (lo + hi) / 2;
      if (n.q < 0) error(d, el, fmt::format("node \"{}\": a negative nominated flow", id));
    }
  }
}

void Converter::read_stations(const Doc& d) {
  std::map<std::string, Link*> stations;
  for (Link& l : links_)
    if (l.type == "compressorStation") stations[l.id] = &l;
  for (pugi::xml_node st = d.xml.document_element().first_child(); st; st = st.next_sibling()) {
    if (st.type() != pugi::node_element || local_name(st) != "compressorStation") continue;
    const auto it = stations.find(st.attribute("id").value());
    if (it == stations.end()) {
      notes_.push_back(
          fmt::format("compressor data for \"{}\" ({}): no such station in the network; ignored",
                      st.attribute("id").value(), where(d, st)));
      continue;
    }
    std::set<std::string> drives;
    for (pugi::xml_node dr = child(st, "drives").first_child(); dr; dr = dr.next_sibling())
      if (dr.type() == pugi::node_element) drives.insert(std::string(local_name(dr)));
    if (drives.count("electricMotor") && drives.size() == 1)
      it->second->drive = "electric";
    else if (drives.count("electricMotor"))
      notes_.push_back(fmt::format(
          "station {} has electric and gas-driven units: modelled as gas-turbine driven",
          it->first));
  }
}

void Converter::choose_controls() {
  // The gas: flow-weighted (by standard volume, i.e. by moles) over the nominated entries.
  double wsum = 0.0, rho = 0.0, mm = 0.0, t = 0.0, h = 0.0;
  int with_data = 0;
  bool all_h = true;
  for (const Node& n : nodes_) {
    if (n.type != "source") continue;
    if (!n.gas.norm_density || !n.gas.molar_mass || !n.gas.temperature) continue;
    const double w = n.nominated ? n.q : 0.0;
    wsum += w;
    rho += w * *n.gas.norm_density, mm += w * *n.gas.molar_mass, t += w * *n.gas.temperature;
    if (n.gas.calorific)
      h += w * *n.gas.calorific;
    else
      all_h = false;
    ++with_data;
  }
  if (wsum <= 0) {  // no nominated entry flow: plain means
    wsum = rho = mm = t = h = 0.0;
    for (const Node& n : nodes_)
      if (n.type == "source" && n.gas.norm_density && n.gas.molar_mass && n.gas.temperature) {
        wsum += 1, rho += *n.gas.norm_density, mm += *n.gas.molar_mass, t += *n.gas.temperature;
        if (n.gas.calorific) h += *n.gas.calorific;
      }
  }
  if (with_data > 0 && wsum > 0) {
    norm_density_ = rho / wsum, molar_mass_ = mm / wsum, temperature_ = t / wsum;
    if (all_h) calorific_ = h / wsum;
  } else {
    notes_.push_back(
        "no source gives normDensity, molarMass and gasTemperature: normal density 0.785 kg/m³, "
        "molar mass 18 g/mol and 10 °C assumed");
  }

  // The supply: the entry with the largest nominated flow (the first of equals).
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].type == "source" && nodes_[i].nominated &&
        (supply_ < 0 || nodes_[i].q > nodes_[std::size_t(supply_)].q))
      supply_ = static_cast<int>(i);
  if (supply_ < 0) {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].type == "source") {
        supply_ = static_cast<int>(i);
        break;
      }
  }
  if (supply_ < 0) {
    error(*net_, net_->xml.document_element(),
          "the network has no source: nothing can hold its pressure");
    return;
  }

  // Pressure zones: union–find over the connections that do not set a pressure level.
  std::vector<int> parent(nodes_.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = static_cast<int>(i);
  auto find = [&](int i) {
    while (parent[std::size_t(i)] != i)
      i = parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    return i;
  };
  for (const Link& l : links_)
    if (l.type != "compressorStation" && l.type != "controlValve")
      parent[std::size_t(find(l.from))] = find(l.to);
  std::map<int, int> zone_of_root;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const int r = find(static_cast<int>(i));
    if (!zone_of_root.count(r)) {
      zone_of_root[r] = static_cast<int>(zones_.size());
      zones_.push_back({});
    }
    Node& n = nodes_[i];
    n.zone = zone_of_root[r];
    Zone& z = zones_[std::size_t(n.zone)];
    z.lo = std::max(z.lo, n.pmin), z.hi = std::min(z.hi, n.pmax);
  }
  for (std::size_t k = 0; k < zones_.size(); ++k)
    if (!(zones_[k].hi > zones_[k].lo)) {
      // The nodes' ranges do not overlap: use the widest bounds.
      zones_[k].lo = kInf, zones_[k].hi = 0.0;
      for (const Node& n : nodes_)
        if (n.zone == static_cast<int>(k))
          zones_[k].lo = std::min(zones_[k].lo, n.pmin),
          zones_[k].hi = std::max(zones_[k].hi, n.pmax);
    }

  const Node& sn = nodes_[std::size_t(supply_)];
  Zone& sz = zones_[std::size_t(sn.zone)];
  supply_pressure_ = std::clamp(zone_target(sz, kZoneFraction), sn.pmin, sn.pmax);
  sz.level = supply_pressure_;

  // Walk the zone graph outwards from the supply's zone.
  std::vector<bool> done(links_.size(), false);
  for (;;) {
    int pick = -1;
    bool cycle = false;
    for (std::size_t k = 0; k < links_.size() && pick < 0; ++k) {
      const Link& l = links_[k];
      if (done[k] || (l.type != "compressorStation" && l.type != "controlValve")) continue;
      const bool a = zones_[std::size_t(nodes_[std::size_t(l.from)].zone)].level.has_value();
      const bool b = zones_[std::size_t(nodes_[std::size_t(l.to)].zone)].level.has_value();
      if (a != b) pick = static_cast<int>(k);
    }
    if (pick < 0)
      for (std::size_t k = 0; k < links_.size() && pick < 0; ++k) {
        const Link& l = links_[k];
        if (done[k] || (l.type != "compressorStation" && l.type != "controlValve")) continue;
        if (zones_[std::size_t(nodes_[std::size_t(l.from)].zone)].level &&
            zones_[std::size_t(nodes_[std::size_t(l.to)].zone)].level)
          pick = static_cast<int>(k), cycle = true;
      }
    if (pick < 0) break;
    done[std::size_t(pick)] = true;
    Link& l = links_[std::size_t(pick)];
    const int za = nodes_[std::size_t(l.from)].zone, zb = nodes_[std::size_t(l.to)].zone;
    Zone& A = zones_[std::size_t(za)];
    Zone& B = zones_[std::size_t(zb)];
    const bool forward = A.level && !B.level;
    if (l.type == "compressorStation") {
      if (l.p_in_min > 0 && std::isfinite(l.p_out_max) && l.p_out_max / l.p_in_min > 1.0)
        l.ratio_max = l.p_out_max / l.p_in_min;
      const double rmax = std::isfinite(l.ratio_max) ? l.ratio_max : 2.0;
      if (za == zb) {
        l.control = "ratio", l.set_point = 1.0;
        l.comment =
            "suction and discharge lie in one pressure zone (joined by pipes): run as a "
            "bypass, ratio 1";
      } else if (forward) {
        l.control = "discharge";
        l.set_point = zone_target(B, kDischargeFraction, 0.0, l.p_out_max);
        B.level = l.set_point;
        l.comment = fmt::format(
            "discharge set point at 95 % of the discharge zone's pressure range [{}, {}]",
            bar(B.lo), bar(std::min(B.hi, l.p_out_max)));
      } else if (!cycle) {  // reached from its discharge side: the suction zone follows
        l.control = "ratio";
        l.set_point = std::min(kRatio, 1.0 + 0.5 * (rmax - 1.0));
        A.level = std::clamp(*B.level / l.set_point, A.lo, A.hi);
        l.comment =
            "ratio control: the discharge zone's pressure is set elsewhere, the suction "
            "zone's follows from it";
      } else {
        l.control = "ratio";
        l.set_point = std::clamp(*B.level / *A.level, 1.0, 1.0 + 0.5 * (rmax - 1.0));
        l.comment =
            "ratio control (both zones' pressures are set elsewhere): ratio of their "
            "estimated levels";
      }
    } else {  // control valve: holds its outlet pressure
      const double sp = zone_target(B, kValveFraction, l.p_out_min, l.p_out_max);
      l.control = "control_valve", l.set_point = sp;
      l.comment = fmt::format("outlet set point at 1/10 of the outlet zone's range [{}, {}]",
                              bar(std::max(B.lo, l.p_out_min)), bar(std::min(B.hi, l.p_out_max)));
      if (!B.level) B.level = sp;
      if (!A.level) A.level = std::clamp(sp * 1.1, A.lo, A.hi);
      if (cycle || za == zb)
        notes_.push_back(fmt::format(
            "control valve {}: its outlet zone's pressure is also set elsewhere; it may open or "
            "close at the start",
            l.id));
    }
  }
  for (const Node& n : nodes_)
    if (!zones_[std::size_t(n.zone)].level)
      error(*net_, n.xml,
            fmt::format("node \"{}\" is not connected to the supply \"{}\"", n.id, sn.id));
}

std::string Converter::emit(const Doc& net, const Doc* scn, const Doc* cs) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  const Node& sn = nodes_[std::size_t(supply_)];
  auto mass = [&](double q, double rho) { return q * rho; };  // m³(n)/s · kg/m³
  auto kq = [](double q) { return q * 3.6; };                 // m³(n)/s → 1000 m³/h
  const double fuel_lhv = calorific_ ? *calorific_ / norm_density_ : 0.0;

  line("# Steppe study imported from GasLib by `steppe import gaslib`.");
  line(fmt::format("#   network:  {}{}", net.in->path, title_.empty() ? "" : " (" + title_ + ")"));
  if (scn)
    line(fmt::format("#   scenario: {}{}", scn->in->path,
                     scenario_id_.empty() ? "" : " (" + scenario_id_ + ")"));
  line(fmt::format("#   compressor stations: {}", cs ? cs->in->path : "no .cs file read"));
  line("# GasLib data: CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/), gaslib.zib.de.");
  line("# Cite: Pfetsch et al. (2012), \"Validation of Nominations in Gas Network Optimization:");
  line("#   Models, Methods, and Solutions\", ZIB-Report 12-41.");
  line("#");
  line("# Assumptions of the import:");
  std::vector<std::string> a;
  a.push_back(fmt::format(
      "supply: {} (the largest nominated entry) holds {} (3/4 of the pressure range "
      "[{}, {}] common to the nodes of its pressure zone); it delivers the balance of the "
      "nomination and the compressors' fuel. Every other entry injects its nominated flow "
      "(an offtake with negative mass_flow); exits take theirs.",
      sn.id, bar(supply_pressure_), bar(zones_[std::size_t(sn.zone)].lo),
      bar(zones_[std::size_t(sn.zone)].hi)));
  a.push_back(fmt::format(
      "flows: ṁ [kg/s] = q [1000 m³/h] · normDensity / 3.6; entries use their own normDensity, "
      "exits the entries' flow-weighted mean {:.6g} kg/m³ (normal_conditions.density).",
      norm_density_));
  a.push_back(fmt::format(
      "gas: one isothermal gas, the entries' flow-weighted molar mass {:.6g} kg/kmol and "
      "temperature {:.2f} K, Papay compressibility (pseudo-critical data from the specific "
      "gravity, Standing: GasLib's pseudocriticalPressure/Temperature are not used), viscosity "
      "Steppe's default 1.1e-5 Pa·s (GasLib gives none). The gas law's own normal density "
      "({:.4g} kg/m³ from the molar mass) differs from GasLib's normDensity.",
      molar_mass_, temperature_,
      kAtm * molar_mass_ * 1e-3 / (constants::kGasConstant * constants::kZeroCelsius)));
  a.push_back(
      "pipes: Colebrook–White friction (log10) from GasLib's roughness and diameter; grid "
      "max_segment_length 1 km.");
  a.push_back(
      "compressor stations: ratio_max = pressureOutMax/pressureInMin where both are given "
      "(the .cs files hold compressor maps, not ratio limits; only their drive kinds are used); "
      "flow_max = flowMax; a station whose discharge zone is reached first through it holds "
      "a discharge pressure at 95 % of that zone's range (and below pressureOutMax), others run "
      "at a fixed ratio (see each station's comment). Compressor maps, speeds, configurations, "
      "pressureLoss/dragFactor in and out are not modelled; reverse flow through a station is "
      "not modelled; fuel is drawn from the suction node (GasLib's fuelGasVertex is not used)" +
      std::string(calorific_ ? fmt::format("; fuel_lhv = calorificValue/normDensity = {:.4g} MJ/kg "
                                           "(GasLib's calorific value taken as the heating value)",
                                           fuel_lhv / 1e6)
                             : "") +
      ".");
  a.push_back(
      "control valves hold their outlet at 1/10 of the outlet zone's pressure range (within "
      "pressureOutMin/Max); valves are open; short pipes are lossless; resistors use dragFactor "
      "and diameter.");
  a.push_back(
      "initial_pressure: the estimated level of each node's pressure zone, inside its bounds "
      "(a first guess for the steady start). min/max_pressure: the .net bounds intersected "
      "with the scenario's (barg read as gauge, + 1.01325 bar); crossing them is only recorded "
      "as an event.");
  a.push_back(
      "ignored: heatTransferCoefficient, pipe pressureMax, flowMin/flowMax of nodes (but the "
      "supply's flowMax is its max_flow), pipes and valves, pressureDifferentialMin/Max, "
      "heat-capacity coefficients, coordinates.");
  for (const auto& [what, count] : unitless_)
    a.push_back(
        fmt::format("{} value{} without a unit attribute: {}", count, count == 1 ? "" : "s", what));
  for (const std::string& n : notes_) a.push_back(n);
  for (const std::string& s : a) {
    // Wrap at ~92 columns.
    std::istringstream words(s);
    std::string w, cur = "#  -";
    while (words >> w) {
      if (cur.size() + 1 + w.size() > 92) {
        line(cur);
        cur = "#   ";
      }
      cur += " " + w;
    }
    line(cur);
  }
  line("");
  line("study:");
  line(fmt::format(
      "  name: {}",
      quote(title_.empty() ? "GasLib"
                           : title_ + (scenario_id_.empty() ? "" : " " + scenario_id_))));
  line("  duration: 1 d");
  line("  output_interval: 10 min");
  line("normal_conditions:");
  line("  temperature: 273.15 K");
  line("  pressure: 1.01325 bar");
  line(fmt::format("  density: {:.6g} kg/m^3", norm_density_));
  line("gas:");
  line(fmt::format("  fluid: {{molar_mass: {:.6g}, temperature: {:.2f} K, law: papay}}",
                   molar_mass_, temperature_));
  line("  friction: colebrook");
  line("  max_segment_length: 1 km");
  line("  nodes:");
  for (const Node& n : nodes_) {
    const Zone& z = zones_[std::size_t(n.zone)];
    const double p0 = std::clamp(z.level.value_or(supply_pressure_), n.pmin,
                                 std::isfinite(n.pmax) ? n.pmax : kInf);
    std::string s = fmt::format("    - {{name: {}, height: {:.6g} m", quote(n.id), n.height);
    if (n.pmin > 0) s += ", min_pressure: " + bar(n.pmin);
    if (std::isfinite(n.pmax)) s += ", max_pressure: " + bar(n.pmax);
    s += ", initial_pressure: " + bar(p0) + "}";
    line(s + "  # " + n.type);
  }
  bool any = false;
  for (const Link& l : links_) {
    if (l.type != "pipe") continue;
    if (!any) line("  pipes:"), any = true;
    line(
        fmt::format("    - {{name: {}, from: {}, to: {}, length: {:.10g} m, diameter: {:.10g} m, "
                    "roughness: {:.10g} m}}",
                    quote(l.id), quote(nodes_[std::size_t(l.from)].id),
                    quote(nodes_[std::size_t(l.to)].id), l.length, l.diameter, l.roughness));
  }
  line("  supplies:");
  {
    std::string s = fmt::format("    - {{name: {}, node: {}, pressure: {}",
                                quote(sn.id + "_supply"), quote(sn.id), bar(supply_pressure_));
    const double rho = sn.gas.norm_density.value_or(norm_density_);
    const double qmax = sn.flow_max;
    if (std::isfinite(qmax) && qmax > 0)
      s += fmt::format(", max_flow: {:.9g} kg/s", mass(qmax, rho));
    line(s + fmt::format("}}  # nominated {:.6g} × 1000 m³/h = {:.6g} kg/s; max_flow = flowMax",
                         kq(sn.q), mass(sn.q, rho)));
  }
  any = false;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (static_cast<int>(i) == supply_ || !n.nominated) continue;
    if (!any) line("  offtakes:"), any = true;
    const bool entry = n.type == "source";
    const double rho = entry ? n.gas.norm_density.value_or(norm_density_) : norm_density_;
    line(
        fmt::format("    - {{name: {}, node: {}, mass_flow: {:.9g} kg/s}}  # {} {:.6g} × 1000 m³/h",
                    quote(n.id + (entry ? "_entry" : "_exit")), quote(n.id),
                    n.q > 0 ? (entry ? -1.0 : 1.0) * mass(n.q, rho) : 0.0,
                    entry ? "injection" : "exit", kq(n.q)));
  }
  any = false;
  for (const Link& l : links_) {
    if (l.type != "compressorStation") continue;
    if (!any) line("  compressors:"), any = true;
    std::string s = fmt::format(
        "    - {{name: {}, from: {}, to: {}, control: {}, set_point: {}", quote(l.id),
        quote(nodes_[std::size_t(l.from)].id), quote(nodes_[std::size_t(l.to)].id), l.control,
        l.control == "ratio" ? fmt::format("{:.6g}", l.set_point) : bar(l.set_point));
    if (std::isfinite(l.ratio_max)) s += fmt::format(", ratio_max: {:.6g}", l.ratio_max);
    if (std::isfinite(l.flow_max) && l.flow_max > 0)
      s += fmt::format(", flow_max: {:.9g} kg/s", mass(l.flow_max, norm_density_));
    s += ", drive: " + l.drive;
    if (calorific_ && l.drive == "gas_turbine")
      s += fmt::format(", fuel_lhv: {:.6g} MJ/kg", fuel_lhv / 1e6);
    line(s + "}");
    line("      # " + l.comment +
         (l.flow_min < 0 ? "; GasLib allows reverse flow here (flowMin < 0): not modelled" : ""));
  }
  any = false;
  for (const Link& l : links_) {
    if (l.type == "pipe" || l.type == "compressorStation") continue;
    if (!any) line("  valves:"), any = true;
    std::string s =
        fmt::format("    - {{name: {}, from: {}, to: {}, kind: ", quote(l.id),
                    quote(nodes_[std::size_t(l.from)].id), quote(nodes_[std::size_t(l.to)].id));
    if (l.type == "shortPipe") s += "short_pipe}";
    if (l.type == "valve") s += "valve, open: 1}  # GasLib valves are switchable; open here";
    if (l.type == "resistor")
      s += fmt::format("resistor, drag: {:.10g}, diameter: {:.10g} m}}", l.drag, l.diameter);
    if (l.type == "controlValve")
      s += fmt::format("control_valve, set_point: {}}}  # {}", bar(l.set_point), l.comment);
    line(s);
  }
  return out;
}

std::string Converter::run(const GaslibText& net_in, const GaslibText* scn_in,
                           const GaslibText* cs_in) {
  Doc net, scn, cs;
  net_ = &net;
  const bool net_ok = parse(net, net_in, "network");
  const bool scn_ok = scn_in && parse(scn, *scn_in, "boundaryValue");
  const bool cs_ok = cs_in && parse(cs, *cs_in, "compressorStations");
  if (net_ok) {
    read_nodes(net);
    read_links(net);
  }
  if (net_ok && scn_ok) read_scenario(scn);
  if (net_ok && cs_ok) read_stations(cs);
  if (!errors_.empty()) throw GaslibError(errors_);
  choose_controls();
  if (!errors_.empty()) throw GaslibError(errors_);
  return emit(net, scn_in ? &scn : nullptr, cs_in ? &cs : nullptr);
}

}  // namespace

std::string gaslib_to_yaml(const GaslibText& net, const GaslibText& scn, const GaslibText* cs) {
  Converter c;
  return c.run(net, &scn, cs);
}

std::string import_gaslib(const std::string& net_path, const std::string& scn_path,
                          const std::string& cs_path) {
  std::vector<std::string> errors;
  auto read = [&](const std::string& path) {
    GaslibText t{path, {}};
    std::string why;
    // GasLib's largest network (GasLib-4197) is a few MB of XML.
    if (auto text = read_input_file(path, std::size_t{256} << 20, why))
      t.text = std::move(*text);
    else
      errors.push_back(fmt::format("{}: error: cannot open the file: {}", path, why));
    return t;
  };
  const GaslibText net = read(net_path), scn = read(scn_path);
  GaslibText cs;
  if (!cs_path.empty()) cs = read(cs_path);
  if (!errors.empty()) throw GaslibError(errors);
  return gaslib_to_yaml(net, scn, cs_path.empty() ? nullptr : &cs);
}

}  // namespace steppe::gas
