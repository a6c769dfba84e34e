#include "solver/app/import/gas_network.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numbers>
#include <numeric>
#include <sstream>

#include "solver/study/constants.hpp"

namespace steppe::gas {

ImportError::ImportError(std::vector<std::string> messages)
    : std::runtime_error(messages.empty() ? std::string("import failed") : messages.front()),
      messages_(std::move(messages)) {}

namespace imported {

namespace {

constexpr double kZoneFraction = 0.75;       // supply pressure in its zone's range
constexpr double kDischargeFraction = 0.98;  // discharge set points in their zone's range
constexpr double kValveFraction = 0.1;       // control-valve set points in their range
constexpr double kValveReduction = 0.9;      // … or below their inlet zone's level
constexpr double kRatio = 1.2;               // set point of ratio-controlled stations

double zone_target(const Zone& z, double fraction, double lo = 0.0, double hi = kInf) {
  const double a = std::max(z.lo, lo), b = std::min(z.hi, hi);
  if (!(b > a) || !std::isfinite(b)) return std::isfinite(b) ? b : a + 50e5;
  return a + fraction * (b - a);
}

bool sets_level(const Link& l) {
  return l.type == "compressorStation" || l.type == "controlValve";
}

std::string numbers(const std::vector<double>& v, const char* fmt_spec = "{:.10g}") {
  std::string s;
  for (std::size_t k = 0; k < v.size(); ++k)
    s += (k ? ", " : "") + fmt::format(fmt::runtime(fmt_spec), v[k]);
  return s;
}

}  // namespace

double Node::mean_flow() const {
  if (flow.empty()) return 0.0;
  return std::accumulate(flow.begin(), flow.end(), 0.0) / static_cast<double>(flow.size());
}

int Network::add_node(Node n) {
  const int i = static_cast<int>(nodes.size());
  node_index[n.id] = i;
  nodes.push_back(std::move(n));
  return i;
}

std::string bar(double pa) {
  return fmt::format("{:.6g} bar", pa / 1e5);
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool prepare_network(Network& net, std::vector<std::string>& errors) {
  auto& nodes = net.nodes;
  auto& zones = net.zones;
  // The supply: the entry with the largest mean nominated flow (the first of equals), else
  // the first entry.
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].type == "source" && nodes[i].nominated() &&
        (net.supply < 0 || nodes[i].mean_flow() > nodes[std::size_t(net.supply)].mean_flow()))
      net.supply = static_cast<int>(i);
  if (net.supply < 0)
    for (std::size_t i = 0; i < nodes.size() && net.supply < 0; ++i)
      if (nodes[i].type == "source") net.supply = static_cast<int>(i);
  if (net.supply < 0) {
    errors.push_back(
        fmt::format("{}: error: the network has no entry: nothing can hold its "
                    "pressure",
                    nodes.empty() ? std::string("network") : nodes.front().where));
    return false;
  }

  // Lossless connections (short pipes, open valves) join nodes into one pressure. A loop of
  // them leaves the split of its flow undetermined: the link closing each loop is closed
  // (pressures and the loop's total flow are the same without it). A compressor or regulator
  // between two nodes so joined could not set a pressure: it is left out (closed).
  std::vector<int> lp(nodes.size());
  std::iota(lp.begin(), lp.end(), 0);
  auto lfind = [&](int i) {
    while (lp[std::size_t(i)] != i) i = lp[std::size_t(i)] = lp[std::size_t(lp[std::size_t(i)])];
    return i;
  };
  for (Link& l : net.links) {
    if (l.type != "shortPipe" && !(l.type == "valve" && l.open)) continue;
    const int a = lfind(l.from), b = lfind(l.to);
    if (a != b) {
      lp[std::size_t(a)] = b;
      continue;
    }
    l.type = "valve", l.open = false;
    l.comment =
        "closes a loop of lossless connections (the split of flow among them is "
        "undetermined): closed; pressures and the loop's flow are unchanged";
  }
  for (Link& l : net.links)
    if (sets_level(l) && lfind(l.from) == lfind(l.to)) {
      l.comment = fmt::format(
          "a {} between nodes joined by open valves and short pipes: it "
          "could not set a pressure; left out (closed)",
          l.type == "controlValve" ? "regulator" : "compressor station");
      l.type = "valve", l.open = false, l.units.clear();
    }

  // Pressure zones: union–find over the connections that do not set a pressure level.
  std::vector<int> parent(nodes.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int i) {
    while (parent[std::size_t(i)] != i)
      i = parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    return i;
  };
  for (const Link& l : net.links)
    if (!sets_level(l)) parent[std::size_t(find(l.from))] = find(l.to);
  std::map<int, int> zone_of_root;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const int r = find(static_cast<int>(i));
    if (!zone_of_root.count(r)) {
      zone_of_root[r] = static_cast<int>(zones.size());
      zones.push_back({});
    }
    Node& n = nodes[i];
    n.zone = zone_of_root[r];
    Zone& z = zones[std::size_t(n.zone)];
    z.lo = std::max(z.lo, n.pmin), z.hi = std::min(z.hi, n.pmax);
  }
  for (std::size_t k = 0; k < zones.size(); ++k)
    if (!(zones[k].hi > zones[k].lo)) {
      // The nodes' ranges do not overlap: use the widest bounds.
      zones[k].lo = kInf, zones[k].hi = 0.0;
      for (const Node& n : nodes)
        if (n.zone == static_cast<int>(k))
          zones[k].lo = std::min(zones[k].lo, n.pmin), zones[k].hi = std::max(zones[k].hi, n.pmax);
    }

  return true;
}

void choose_controls(Network& net, std::vector<std::string>& errors) {
  if (!prepare_network(net, errors)) return;
  auto& nodes = net.nodes;
  auto& zones = net.zones;
  const Node& sn = nodes[std::size_t(net.supply)];
  Zone& sz = zones[std::size_t(sn.zone)];
  net.supply_pressure = std::clamp(zone_target(sz, kZoneFraction), sn.pmin, sn.pmax);
  sz.level = net.supply_pressure;

  // Walk the zone graph outwards from the supply's zone.
  std::vector<bool> done(net.links.size(), false);
  for (;;) {
    int pick = -1;
    bool cycle = false;
    for (std::size_t k = 0; k < net.links.size() && pick < 0; ++k) {
      const Link& l = net.links[k];
      if (done[k] || !sets_level(l)) continue;
      const bool a = zones[std::size_t(nodes[std::size_t(l.from)].zone)].level.has_value();
      const bool b = zones[std::size_t(nodes[std::size_t(l.to)].zone)].level.has_value();
      if (a != b) pick = static_cast<int>(k);
    }
    if (pick < 0)
      for (std::size_t k = 0; k < net.links.size() && pick < 0; ++k) {
        const Link& l = net.links[k];
        if (done[k] || !sets_level(l)) continue;
        if (zones[std::size_t(nodes[std::size_t(l.from)].zone)].level &&
            zones[std::size_t(nodes[std::size_t(l.to)].zone)].level)
          pick = static_cast<int>(k), cycle = true;
      }
    if (pick < 0) break;
    done[std::size_t(pick)] = true;
    Link& l = net.links[std::size_t(pick)];
    const int za = nodes[std::size_t(l.from)].zone, zb = nodes[std::size_t(l.to)].zone;
    Zone& A = zones[std::size_t(za)];
    Zone& B = zones[std::size_t(zb)];
    const bool forward = A.level && !B.level;
    if (l.type == "compressorStation") {
      if (l.p_in_min > 0 && std::isfinite(l.p_out_max) && l.p_out_max / l.p_in_min > 1.0)
        l.ratio_max = std::min(l.ratio_max, l.p_out_max / l.p_in_min);
      const double rmax = std::isfinite(l.ratio_max) ? l.ratio_max : 2.0;
      if (za == zb) {
        l.idle = true;
        l.control = "ratio", l.set_point = 1.0;
        l.comment = l.units.empty()
                        ? "suction and discharge lie in one pressure zone (joined by pipes): run "
                          "as a bypass, ratio 1"
                        : "suction and discharge lie in one pressure zone (joined by pipes): the "
                          "units are off and the station's bypass is open";
      } else if (forward && zone_target(B, kDischargeFraction, 0.0, l.p_out_max) <= *A.level) {
        // The discharge zone's pressure range lies below the suction's level: no compression.
        l.idle = true;
        l.control = "ratio", l.set_point = 1.0;
        B.level = std::clamp(*A.level, B.lo, B.hi);
        l.comment = fmt::format(
            "the discharge zone's pressure range [{}, {}] lies below the suction zone's level {}: "
            "{}",
            bar(B.lo), bar(std::min(B.hi, l.p_out_max)), bar(*A.level),
            l.units.empty() ? "run as a bypass, ratio 1" : "the units are off, the bypass open");
      } else if (forward) {
        l.control = "discharge";
        l.set_point = zone_target(B, kDischargeFraction, 0.0, l.p_out_max);
        B.level = l.set_point;
        l.comment = fmt::format(
            "discharge set point at 98 % of the discharge zone's pressure range [{}, {}]",
            bar(B.lo), bar(std::min(B.hi, l.p_out_max)));
      } else if (cycle && !(*B.level > *A.level * 1.001)) {
        l.idle = true;
        l.control = "ratio", l.set_point = 1.0;
        l.comment = fmt::format(
            "both zones' pressures are set elsewhere and the discharge's ({}) is not above the "
            "suction's ({}): {}",
            bar(*B.level), bar(*A.level),
            l.units.empty() ? "run as a bypass, ratio 1" : "the units are off, the bypass open");
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
    } else if (cycle) {
      // Two regulators holding one zone would hold one pressure twice.
      l.control = "closed", l.open = false;
      l.comment = "its outlet zone's pressure is held by another station or regulator: closed";
    } else if (!forward && !l.bidirectional) {
      // A regulator reached from its outlet: that pressure is held already.
      l.control = "closed", l.open = false;
      A.level = std::clamp(*B.level, A.lo, A.hi);
      l.comment =
          "its outlet zone's pressure is held by another station or regulator and it regulates "
          "one way only: closed";
    } else {  // a control valve holds its outlet 10 % below its inlet zone's level
      std::string how;
      if (!forward) {  // a two-way regulator reached from its outlet regulates the other way
        std::swap(l.from, l.to);
        how = "reversed (a two-way regulator reached from its outlet side): ";
      }
      const Zone& in = forward ? A : B;
      Zone& out = forward ? B : A;
      const double lo = std::max(out.lo, l.p_out_min), hi = std::min(out.hi, l.p_out_max);
      l.control = "control_valve";
      l.set_point = hi > lo ? std::clamp(kValveReduction * *in.level, lo, hi)
                            : zone_target(out, kValveFraction, l.p_out_min, l.p_out_max);
      out.level = l.set_point;
      l.comment = how + fmt::format(
                            "outlet set point 10 % below the inlet zone's level {}, "
                            "inside the outlet zone's range [{}, {}]",
                            bar(*in.level), bar(lo), bar(hi));
    }
  }
  for (const Node& n : nodes)
    if (!zones[std::size_t(n.zone)].level)
      errors.push_back(fmt::format("{}: error: node \"{}\" is not connected to the supply \"{}\"",
                                   n.where, n.id, sn.id));
  if (errors.empty()) estimate_pressures(net);
}

void estimate_pressures(Network& net) {
  auto& nodes = net.nodes;
  const std::size_t n = nodes.size();
  // Net withdrawal at each node (kg/s), the supply giving the balance.
  std::vector<double> d(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    if (nodes[i].nominated() && static_cast<int>(i) != net.supply)
      d[i] = (nodes[i].type == "source" ? -1.0 : 1.0) * nodes[i].flow.front();
  // A spanning tree from the supply over the open connections (breadth first).
  std::vector<std::vector<int>> at(n);
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    const Link& l = net.links[k];
    if ((l.type == "valve" || l.type == "controlValve") && !l.open) continue;
    at[std::size_t(l.from)].push_back(static_cast<int>(k));
    at[std::size_t(l.to)].push_back(static_cast<int>(k));
  }
  std::vector<int> via(n, -1), order{net.supply};
  std::vector<bool> seen(n, false);
  seen[std::size_t(net.supply)] = true;
  for (std::size_t q = 0; q < order.size(); ++q)
    for (int k : at[std::size_t(order[q])]) {
      const Link& l = net.links[std::size_t(k)];
      const int other = l.from == order[q] ? l.to : l.from;
      if (seen[std::size_t(other)]) continue;
      seen[std::size_t(other)] = true, via[std::size_t(other)] = k;
      order.push_back(other);
    }
  // Flows towards each node through its tree link, leaves first.
  std::vector<double> down(d);
  for (std::size_t q = order.size(); q-- > 1;) {
    const int i = order[q];
    const Link& l = net.links[std::size_t(via[std::size_t(i)])];
    const int parent = l.from == i ? l.to : l.from;
    down[std::size_t(parent)] += down[std::size_t(i)];
  }
  const double rt = constants::kGasConstant / (net.molar_mass * 1e-3) * net.temperature;
  nodes[std::size_t(net.supply)].initial = net.supply_pressure;
  for (std::size_t q = 1; q < order.size(); ++q) {
    const int i = order[q];
    const Link& l = net.links[std::size_t(via[std::size_t(i)])];
    const bool forward = l.to == i;  // reached from its from-node
    const int parent = forward ? l.from : l.to;
    const double p = *nodes[std::size_t(parent)].initial;
    const double m = forward ? down[std::size_t(i)] : -down[std::size_t(i)];  // from → to
    double out = p;
    if (l.type == "pipe") {
      const double area = std::numbers::pi * l.diameter * l.diameter / 4.0;
      const double re = std::max(std::abs(m) * l.diameter / (area * 1.1e-5), 4000.0);
      const double lam = l.lambda ? *l.lambda
                                  : 0.25 / std::pow(std::log10(l.roughness / l.diameter / 3.7 +
                                                               5.74 / std::pow(re, 0.9)),
                                                    2.0);
      const double k = lam * l.length * rt / (l.diameter * area * area);
      const double sq = p * p - (forward ? 1.0 : -1.0) * k * m * std::abs(m);
      out = std::sqrt(std::max(sq, 0.01 * p * p));
    } else if (l.type == "compressorStation" && !l.idle) {
      if (l.control == "discharge") out = forward ? l.set_point : p / kRatio;
      if (l.control == "ratio") out = forward ? p * l.set_point : p / l.set_point;
    } else if (l.type == "controlValve") {
      out = forward ? std::min(p, l.set_point) : std::max(p, l.set_point / kValveReduction);
    }
    nodes[std::size_t(i)].initial = out;
  }
}

namespace {

// A flow schedule: a constant, daily (per-period) steps, or for exits a daily swing.
std::string flow_value(const Network& net, const std::vector<double>& kg_s, double sign) {
  std::vector<double> v;
  for (double q : kg_s) v.push_back(q > 0 ? sign * q : 0.0);
  if (sign > 0 && v.size() == 1 && net.demand_swing > 0 && v.front() > 0) {
    const double q = v.front(), a = net.demand_swing;
    return fmt::format(
        "{{times: [0, 6 h, 12 h, 18 h], values: [{:.9g}, {:.9g}, {:.9g}, {:.9g}], "
        "unit: kg/s, repeat: daily}}",
        q, q * (1 + a), q, q * (1 - a));
  }
  if (v.size() == 1 || std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); }))
    return fmt::format("{:.9g} kg/s", v.front());
  std::vector<double> t;
  for (std::size_t k = 0; k < v.size(); ++k) t.push_back(static_cast<double>(k) * net.period);
  return fmt::format("{{times: [{}], values: [{}], unit: kg/s, interpolation: step}}",
                     numbers(t, "{:.10g}"), numbers(v, "{:.9g}"));
}

void emit_map(std::string& out, const UnitMap& u, const std::string& ind) {
  out += ind + "map:\n";
  out += ind + "  units: {flow: m3/s, head: kJ/kg, speed: rpm}\n";
  out += ind + "  speed_lines:\n";
  for (const auto& l : u.lines) {
    out += fmt::format("{}    - {{speed: {:.10g}, flow: [{}], head: [{}]", ind, l.speed,
                       numbers(l.flow, "{:.12g}"), numbers(l.head, "{:.12g}"));
    if (!l.efficiency.empty())
      out += fmt::format(", efficiency: [{}]", numbers(l.efficiency, "{:.12g}"));
    out += "}\n";
  }
  if (!u.islands.empty()) {
    out += ind + "  efficiency_islands:\n";
    for (const auto& is : u.islands)
      out += fmt::format("{}    - {{value: {:.10g}, flow: [{}], head: [{}]}}\n", ind, is.efficiency,
                         numbers(is.flow, "{:.12g}"), numbers(is.head, "{:.12g}"));
  }
}

}  // namespace

std::string emit_study(const Network& net) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  const auto& nodes = net.nodes;
  const Node& sn = nodes[std::size_t(net.supply)];
  for (const std::string& h : net.header) line("# " + h);
  line("#");
  line("# Assumptions of the import:");
  std::vector<std::string> a;
  const bool walk = net.controls == "walk";
  a.push_back(fmt::format(
      "supply: {} (the entry with the largest nomination) holds {} ({}); it delivers the "
      "balance of the nomination and the compressors' fuel. Every other entry injects its "
      "nominated flow (an offtake with negative mass_flow); exits take theirs.",
      sn.id, bar(net.supply_pressure),
      walk ? fmt::format("3/4 of the pressure range [{}, {}] common to the nodes of its pressure "
                         "zone",
                         bar(net.zones[std::size_t(sn.zone)].lo),
                         bar(net.zones[std::size_t(sn.zone)].hi))
           : std::string("its pressure at the operating point")));
  if (net.periods > 1)
    a.push_back(
        fmt::format("schedule: {} nominations of {:g} h each, as step profiles (each "
                    "day's flow from its midnight).",
                    net.periods, net.period / 3600));
  if (net.demand_swing > 0)
    a.push_back(
        fmt::format("demand swing: every exit's withdrawal q·(1, 1 + {0:g}, 1, 1 − {0:g}) "
                    "at 0, 6, 12, 18 h, linear between, repeated daily; the supply "
                    "takes up the difference.",
                    net.demand_swing));
  for (const std::string& s : net.assumptions) a.push_back(s);
  if (walk) {
    a.push_back(
        "compressor stations: a station whose discharge zone is reached first through it holds "
        "a discharge pressure at 98 % of that zone's range (and below pressureOutMax), others run "
        "at a fixed ratio (see each station's comment); a station inside one pressure zone is "
        "idle (with maps: units off, bypass open; without: ratio 1).");
    a.push_back(
        "control valves reached from their inlet hold their outlet 10 % below the inlet zone's "
        "level, others at 1/10 of the outlet zone's pressure range (within their outlet bounds).");
    a.push_back(
        "initial_pressure: a first guess for the steady start: the nominated flows carried along "
        "a spanning tree from the supply, pressures down the tree by the isothermal pipe law and "
        "the set points; crossing min/max_pressure is only recorded as an event.");
  } else {
    a.push_back(
        "initial_pressure: the operating point's pressures, a first guess for the steady "
        "start; crossing min/max_pressure is only recorded as an event.");
  }
  for (const std::string& s : a) {
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
  line(fmt::format("  name: {}", quote(net.name)));
  line(fmt::format("  duration: {}", net.duration.empty() ? "1 d" : net.duration));
  line("  output_interval: 10 min");
  // Measured on GasLib-134 through its 30 daily nominations: the line pack's change and the
  // net inflow agree to 9.2e-9 of the line pack at rtol 1e-7 (495,838 steps), 1.5e-8 at the
  // default 1e-6 (862,567 steps).
  line("solver:");
  line("  rtol: 1e-7  # mass balance to 1e-8 of the line pack over a month of nominations");
  if (net.normal_density) {
    line("normal_conditions:");
    line("  temperature: 273.15 K");
    line("  pressure: 1.01325 bar");
    line(fmt::format("  density: {:.6g} kg/m^3", *net.normal_density));
  }
  line("gas:");
  std::string fluid = fmt::format("  fluid: {{molar_mass: {:.9g}, temperature: {:.2f} K, law: {}",
                                  net.molar_mass, net.temperature, net.law);
  if (net.pseudo_critical_pressure)
    fluid += ", pseudo_critical_pressure: " + bar(*net.pseudo_critical_pressure);
  if (net.pseudo_critical_temperature)
    fluid +=
        fmt::format(", pseudo_critical_temperature: {:.6g} K", *net.pseudo_critical_temperature);
  line(fluid + "}");
  line("  friction: " + net.friction);
  line("  max_segment_length: 1 km");
  line("  nodes:");
  for (const Node& n : nodes) {
    const Zone& z = net.zones[std::size_t(n.zone)];
    const double p0 = n.initial ? std::max(*n.initial, 1e5)
                                : std::clamp(z.level.value_or(net.supply_pressure), n.pmin,
                                             std::isfinite(n.pmax) ? n.pmax : kInf);
    std::string s = fmt::format("    - {{name: {}, height: {:.6g} m", quote(n.id), n.height);
    if (n.pmin > 0) s += ", min_pressure: " + bar(n.pmin);
    if (std::isfinite(n.pmax)) s += ", max_pressure: " + bar(n.pmax);
    s += ", initial_pressure: " + bar(p0) + "}";
    line(s + "  # " + n.type);
  }
  bool any = false;
  for (const Link& l : net.links) {
    if (l.type != "pipe") continue;
    if (!any) line("  pipes:"), any = true;
    std::string s =
        fmt::format("    - {{name: {}, from: {}, to: {}, length: {:.10g} m, diameter: {:.10g} m",
                    quote(l.id), quote(nodes[std::size_t(l.from)].id),
                    quote(nodes[std::size_t(l.to)].id), l.length, l.diameter);
    if (l.lambda)
      s += fmt::format(", lambda: {:.10g}", *l.lambda);
    else
      s += fmt::format(", roughness: {:.10g} m", l.roughness);
    line(s + "}");
  }
  line("  supplies:");
  {
    std::string s = fmt::format("    - {{name: {}, node: {}, pressure: {}",
                                quote(sn.id + "_supply"), quote(sn.id), bar(net.supply_pressure));
    if (std::isfinite(sn.max_supply) && sn.max_supply > 0)
      s += fmt::format(", max_flow: {:.9g} kg/s", sn.max_supply);
    line(s + fmt::format("}}  # nominated {} = {:.6g} kg/s{}",
                         sn.flow_note.empty() ? "" : sn.flow_note, sn.mean_flow(),
                         net.periods > 1 ? " (mean)" : ""));
  }
  any = false;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (static_cast<int>(i) == net.supply || !n.nominated()) continue;
    if (!any) line("  offtakes:"), any = true;
    const bool entry = n.type == "source";
    line(fmt::format("    - {{name: {}, node: {}, mass_flow: {}}}  # {}{}",
                     quote(n.id + (entry ? "_entry" : "_exit")), quote(n.id),
                     flow_value(net, n.flow, entry ? -1.0 : 1.0), entry ? "injection" : "exit",
                     n.flow_note.empty() ? "" : " " + n.flow_note));
  }
  any = false;
  for (const Link& l : net.links) {
    if (l.type != "compressorStation" || !l.units.empty()) continue;
    if (!any) line("  compressors:"), any = true;
    std::string s = fmt::format("    - {{name: {}, from: {}, to: {}, control: {}, set_point: {}",
                                quote(l.id), quote(nodes[std::size_t(l.from)].id),
                                quote(nodes[std::size_t(l.to)].id), l.control,
                                l.control == "ratio"  ? fmt::format("{:.6g}", l.set_point)
                                : l.control == "flow" ? fmt::format("{:.9g} kg/s", l.set_point)
                                                      : bar(l.set_point));
    if (std::isfinite(l.ratio_max)) s += fmt::format(", ratio_max: {:.6g}", l.ratio_max);
    if (std::isfinite(l.flow_max) && l.flow_max > 0)
      s += fmt::format(", flow_max: {:.9g} kg/s", l.flow_max);
    s += ", drive: " + l.drive;
    if (net.fuel_lhv && l.drive == "gas_turbine")
      s += fmt::format(", fuel_lhv: {:.6g} MJ/kg", *net.fuel_lhv / 1e6);
    if (l.fuel_node >= 0 && l.fuel_node != l.from)
      s += ", fuel_node: " + quote(nodes[std::size_t(l.fuel_node)].id);
    if (net.isentropic_exponent)
      s += fmt::format(", isentropic_exponent: {:.6g}", *net.isentropic_exponent);
    line(s + "}");
    line("      # " + l.comment +
         (l.flow_min < 0 && !l.idle
              ? "; reverse flow (flowMin < 0) passes only while the station runs at ratio 1"
              : ""));
  }
  any = false;
  for (const Link& l : net.links) {
    if (l.type != "compressorStation" || l.units.empty()) continue;
    if (!any) line("  compressor_stations:"), any = true;
    line(fmt::format("    - name: {}", quote(l.id)));
    line(fmt::format("      # {}", l.comment));
    line(fmt::format("      from: {}", quote(nodes[std::size_t(l.from)].id)));
    line(fmt::format("      to: {}", quote(nodes[std::size_t(l.to)].id)));
    line(fmt::format("      control: {}", l.control));
    line(fmt::format("      set_point: {}",
                     l.control == "ratio" ? fmt::format("{:.6g}", l.set_point) : bar(l.set_point)));
    if (l.fuel_node >= 0 && l.fuel_node != l.from)
      line("      fuel_node: " + quote(nodes[std::size_t(l.fuel_node)].id));
    if (net.fuel_lhv) line(fmt::format("      fuel_lhv: {:.6g} MJ/kg", *net.fuel_lhv / 1e6));
    if (net.isentropic_exponent)
      line(fmt::format("      isentropic_exponent: {:.6g}", *net.isentropic_exponent));
    if (l.bypass || l.idle) line("      bypass: two_way");
    line("      units:");
    for (const UnitMap& u : l.units) {
      line(fmt::format("        - name: {}", quote(u.id)));
      line(fmt::format("          speed_min: {:.10g} rpm", u.speed_min));
      line(fmt::format("          speed_max: {:.10g} rpm", u.speed_max));
      if (l.idle) line("          running: 0");
      if (u.electric) line("          drive: electric");
      if (u.fuel_power)
        line(fmt::format("          fuel_power: [{:.10g} W, {:.10g}, {:.10g}]", (*u.fuel_power)[0],
                         (*u.fuel_power)[1], (*u.fuel_power)[2]));
      if (!u.max_power.empty()) {
        std::vector<std::string> sp, tp, pw;
        for (const auto& p : u.max_power) {
          sp.push_back(fmt::format("{:.10g} rpm", p[0]));
          tp.push_back(fmt::format("{:.10g} degC", p[1]));
          pw.push_back(fmt::format("{:.10g} W", p[2]));
        }
        line(fmt::format("          max_power: {{speed: [{}], temperature: [{}], power: [{}]}}",
                         fmt::join(sp, ", "), fmt::join(tp, ", "), fmt::join(pw, ", ")));
      }
      emit_map(out, u, "          ");
    }
  }
  any = false;
  for (const Link& l : net.links) {
    if (l.type == "pipe" || l.type == "compressorStation") continue;
    if (!any) line("  valves:"), any = true;
    std::string s =
        fmt::format("    - {{name: {}, from: {}, to: {}, kind: ", quote(l.id),
                    quote(nodes[std::size_t(l.from)].id), quote(nodes[std::size_t(l.to)].id));
    if (l.type == "shortPipe") s += "short_pipe}";
    if (l.type == "valve")
      s += l.open ? "valve, open: 1}  # switchable; open here"
                  : "valve, open: 0}  # " + (l.comment.empty() ? "closed" : l.comment);
    if (l.type == "controlValve" && !l.open) s += "valve, open: 0}  # " + l.comment;
    if (l.type == "resistor")
      s += fmt::format("resistor, drag: {:.10g}, diameter: {:.10g} m}}", l.drag, l.diameter);
    if (l.type == "controlValve" && l.open && l.control == "flow")
      s += fmt::format("control_valve, control: flow, set_point: {:.9g} kg/s}}  # {}", l.set_point,
                       l.comment);
    else if (l.type == "controlValve" && l.open)
      s += fmt::format("control_valve, set_point: {}}}  # {}", bar(l.set_point), l.comment);
    line(s);
  }
  return out;
}

}  // namespace imported
}  // namespace steppe::gas
