#include "solver/app/import/gaslib_stations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "models/gas/compressor_map.hpp"

namespace steppe::gas {

namespace {

using gaslib_xml::child;
using gaslib_xml::Doc;
using gaslib_xml::Kind;
using gaslib_xml::local_name;
using gaslib_xml::XmlReader;
using imported::UnitMap;

struct Drive {
  std::string kind;  // gasTurbine, electricMotor, …
  std::optional<std::array<double, 3>> energy;
  std::optional<std::array<double, 9>> power;
};

// coeff_1 … coeff_N of `prefix`; nullopt if any is missing (an error if some are there).
template <std::size_t N>
std::optional<std::array<double, N>> coefficients(XmlReader& x, const Doc& d,
                                                  const pugi::xml_node& el, const char* prefix) {
  std::array<double, N> c{};
  std::size_t found = 0;
  for (std::size_t k = 0; k < N; ++k) {
    const std::string name = fmt::format("{}_{}", prefix, k + 1);
    const pugi::xml_node e = child(el, name);
    if (!e) continue;
    const auto v = x.number(d, e, "value");
    if (!v) return std::nullopt;
    c[k] = *v, ++found;
  }
  if (found == 0) return std::nullopt;
  if (found != N) {
    x.error(d, el,
            fmt::format("<{} id=\"{}\">: {} of {} {}_k coefficients given", el.name(),
                        el.attribute("id").value(), found, N, prefix));
    return std::nullopt;
  }
  return c;
}

// Σ c_{3i+j}·a^i·b^j.
double biquadratic(const std::array<double, 9>& c, double a, double b) {
  double v = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) v += c[std::size_t(3 * i + j)] * std::pow(a, i) * std::pow(b, j);
  return v;
}

// The smallest positive Q where the speed line n meets the line H = Σ l_k·Q^k, or NaN.
double crossing(const std::array<double, 9>& head, const std::array<double, 3>& line, double n) {
  const double a = head[0] + head[1] * n + head[2] * n * n - line[0];
  const double b = head[3] + head[4] * n + head[5] * n * n - line[1];
  const double c = head[6] + head[7] * n + head[8] * n * n - line[2];
  std::vector<double> roots;
  if (std::abs(c) < 1e-15) {
    if (b != 0) roots.push_back(-a / b);
  } else {
    const double disc = b * b - 4 * a * c;
    if (disc >= 0) {
      roots.push_back((-b + std::sqrt(disc)) / (2 * c));
      roots.push_back((-b - std::sqrt(disc)) / (2 * c));
    }
  }
  double best = std::nan("");
  for (double r : roots)
    if (r > 0 && !(r >= best)) best = r;
  return best;
}

// The map from the measurements: speed lines from the surge point through the points of
// equal efficiency at that speed; the contours as islands.
bool measured_map(XmlReader& x, const Doc& d, const pugi::xml_node& tc, UnitMap& u) {
  const pugi::xml_node diagram = child(tc, "characteristicDiagramMeasurements");
  if (!diagram) return false;
  std::map<double, std::vector<std::pair<double, double>>> lines;  // speed → (Q, H)
  auto point = [&](const pugi::xml_node& m, double* n, double* q, double* h) {
    const auto sn = x.quantity(d, m, "speed", Kind::Speed, true);
    const auto sh = x.quantity(d, m, "adiabaticHead", Kind::Head, true);
    const auto sq = x.quantity(d, m, "volumetricFlowrate", Kind::VolumeFlow, true);
    if (!sn || !sh || !sq) return false;
    *n = *sn, *h = *sh / 1e3, *q = *sq;  // rpm, kJ/kg, m³/s
    return true;
  };
  for (pugi::xml_node ae = diagram.first_child(); ae; ae = ae.next_sibling()) {
    if (ae.type() != pugi::node_element || local_name(ae) != "adiabaticEfficiency") continue;
    const auto eta = x.number(d, ae, "value");
    if (!eta) continue;
    UnitMap::Island island{*eta, {}, {}};
    for (pugi::xml_node m = ae.first_child(); m; m = m.next_sibling()) {
      if (m.type() != pugi::node_element) continue;
      double n, q, h;
      if (!point(m, &n, &q, &h)) continue;
      lines[n].emplace_back(q, h);
      island.flow.push_back(q), island.head.push_back(h);
    }
    u.islands.push_back(std::move(island));
  }
  if (const pugi::xml_node surge = child(tc, "surgelineMeasurements"))
    for (pugi::xml_node m = surge.first_child(); m; m = m.next_sibling()) {
      if (m.type() != pugi::node_element) continue;
      double n, q, h;
      if (point(m, &n, &q, &h)) lines[n].emplace_back(q, h);
    }
  for (auto& [n, pts] : lines) {
    std::sort(pts.begin(), pts.end());
    pts.erase(std::unique(pts.begin(), pts.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              pts.end());
    UnitMap::Line l{n, {}, {}, {}};
    for (const auto& [q, h] : pts) l.flow.push_back(q), l.head.push_back(h);
    u.lines.push_back(std::move(l));
  }
  return true;
}

// The map sampled from GasLib's polynomials.
bool sampled_map(XmlReader& x, const Doc& d, const pugi::xml_node& tc, UnitMap& u) {
  const auto head = coefficients<9>(x, d, tc, "n_isoline_coeff");
  const auto eta = coefficients<9>(x, d, tc, "eta_ad_isoline_coeff");
  const auto surge = coefficients<3>(x, d, tc, "surgeline_coeff");
  const auto choke = coefficients<3>(x, d, tc, "chokeline_coeff");
  if (!head || !eta || !surge || !choke) {
    x.error(d, tc,
            fmt::format("<turboCompressor id=\"{}\"> has neither measurements nor the "
                        "n_isoline, eta_ad_isoline, surgeline and chokeline coefficients",
                        tc.attribute("id").value()));
    return false;
  }
  bool peaked = false;
  for (int k = 0; k < 5; ++k) {
    const double n = u.speed_min + (u.speed_max - u.speed_min) * k / 4.0;
    const double qs = crossing(*head, *surge, n), qc = crossing(*head, *choke, n);
    if (!(qs > 0 && qc > qs)) {
      x.error(d, tc,
              fmt::format("<turboCompressor id=\"{}\">: at {:.6g} rpm the surge line (Q = {:.6g} "
                          "m³/s) does not lie left of the choke line (Q = {:.6g} m³/s) on the "
                          "head isoline",
                          tc.attribute("id").value(), n, qs, qc));
      return false;
    }
    // Left of its peak a speed line rises with the flow and its operating point is not
    // unique: a line whose peak lies right of the surge line starts just right of its peak.
    const double b = (*head)[3] + (*head)[4] * n + (*head)[5] * n * n;
    const double c = (*head)[6] + (*head)[7] * n + (*head)[8] * n * n;
    double q0 = qs;
    if (c < 0 && -b / (2 * c) > qs) {
      const double peak = -b / (2 * c);
      q0 = peak + 0.02 * (qc - peak);
      peaked = true;
    }
    UnitMap::Line l{n, {}, {}, {}};
    for (int j = 0; j < 7; ++j) {
      const double q = q0 + (qc - q0) * j / 6.0;
      l.flow.push_back(q);
      l.head.push_back(biquadratic(*head, q, n));
      l.efficiency.push_back(biquadratic(*eta, q, n));
    }
    u.lines.push_back(std::move(l));
  }
  if (peaked)
    x.notes.push_back(fmt::format(
        "compressor {}: GasLib's head isolines rise with the flow between the surge line and "
        "their peak; those lines start just right of the peak (2 % of the way to the choke "
        "line), which becomes the surge line the anti-surge control keeps away from",
        u.id));
  return true;
}

// Fits the map as the study would and reports its faults at the compressor.
bool check_map(XmlReader& x, const Doc& d, const pugi::xml_node& tc, const UnitMap& u) {
  MapData m;
  for (const auto& l : u.lines) {
    MapLine line{l.speed / 60.0, l.flow, {}, l.efficiency};
    for (double h : l.head) line.head.push_back(h * 1e3);
    m.lines.push_back(std::move(line));
  }
  for (const auto& is : u.islands) {
    MapIsland island{is.efficiency, is.flow, {}};
    for (double h : is.head) island.head.push_back(h * 1e3);
    m.islands.push_back(std::move(island));
  }
  m.efficiency = 0.8;
  std::vector<MapFault> faults;
  CompressorMap::fit(m, faults);
  for (const MapFault& f : faults)
    x.error(d, tc,
            fmt::format("<turboCompressor id=\"{}\">: its map: {}", tc.attribute("id").value(),
                        f.message));
  return faults.empty();
}

}  // namespace

void read_compressor_data(XmlReader& x, const Doc& d, imported::Network& net, bool maps) {
  std::map<std::string, imported::Link*> stations;
  for (imported::Link& l : net.links)
    if (l.type == "compressorStation") stations[l.id] = &l;
  for (pugi::xml_node st = d.xml.document_element().first_child(); st; st = st.next_sibling()) {
    if (st.type() != pugi::node_element || local_name(st) != "compressorStation") continue;
    const auto it = stations.find(st.attribute("id").value());
    if (it == stations.end()) {
      x.notes.push_back(
          fmt::format("compressor data for \"{}\" ({}): no such station in the network; ignored",
                      st.attribute("id").value(), x.where(d, st)));
      continue;
    }
    imported::Link& link = *it->second;
    std::map<std::string, Drive> drives;
    for (pugi::xml_node dr = child(st, "drives").first_child(); dr; dr = dr.next_sibling()) {
      if (dr.type() != pugi::node_element) continue;
      Drive drive{std::string(local_name(dr)), {}, {}};
      if (drive.kind == "gasTurbine") {
        drive.energy = coefficients<3>(x, d, dr, "energy_rate_fun_coeff");
        drive.power = coefficients<9>(x, d, dr, "power_fun_coeff");
      }
      drives[dr.attribute("id").value()] = drive;
    }
    std::set<std::string> kinds;
    for (const auto& [id, dr] : drives) kinds.insert(dr.kind);
    if (kinds.size() == 1 && kinds.count("electricMotor")) link.drive = "electric";
    if (!maps) continue;

    std::map<std::string, pugi::xml_node> turbos;
    bool pistons = false;
    for (pugi::xml_node c = child(st, "compressors").first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      if (local_name(c) == "turboCompressor") turbos[c.attribute("id").value()] = c;
      if (local_name(c) == "pistonCompressor") pistons = true;
    }
    // The single-stage configuration with the most parallel units, all turbo compressors.
    std::vector<std::string> best;
    for (pugi::xml_node cf = child(st, "configurations").first_child(); cf;
         cf = cf.next_sibling()) {
      if (cf.type() != pugi::node_element) continue;
      if (std::string(cf.attribute("nrOfSerialStages").value()) != "1") continue;
      std::vector<std::string> ids;
      bool all_turbo = true;
      for (pugi::xml_node c = child(child(cf, "stage"), "compressor"); c;
           c = c.next_sibling("compressor")) {
        ids.push_back(c.attribute("id").value());
        all_turbo = all_turbo && turbos.count(ids.back());
      }
      if (all_turbo && ids.size() > best.size()) best = ids;
    }
    if (best.empty()) {
      x.notes.push_back(fmt::format(
          "station {}: no single-stage configuration of turbo compressors{} in the .cs: modelled "
          "without maps (gas.compressors)",
          link.id, pistons ? " (piston compressors are not modelled)" : ""));
      continue;
    }
    std::vector<UnitMap> units;
    bool ok = true;
    for (const std::string& id : best) {
      const pugi::xml_node tc = turbos[id];
      UnitMap u;
      u.id = id;
      const auto nmin = x.quantity(d, tc, "speedMin", Kind::Speed, true);
      const auto nmax = x.quantity(d, tc, "speedMax", Kind::Speed, true);
      if (!nmin || !nmax || !(*nmax > *nmin) || !(*nmin > 0)) {
        if (nmin && nmax)
          x.error(d, tc,
                  fmt::format("<turboCompressor id=\"{}\">: speedMin must "
                              "be > 0 and below speedMax",
                              id));
        ok = false;
        continue;
      }
      u.speed_min = *nmin, u.speed_max = *nmax;
      const bool made = measured_map(x, d, tc, u) || sampled_map(x, d, tc, u);
      if (!made || !check_map(x, d, tc, u)) {
        ok = false;
        continue;
      }
      // Speed limits inside the map's speed lines.
      u.speed_min = std::max(u.speed_min, u.lines.front().speed);
      u.speed_max = std::min(u.speed_max, u.lines.back().speed);
      const auto dit = drives.find(tc.attribute("drive").value());
      if (dit == drives.end()) {
        x.error(d, tc,
                fmt::format("<turboCompressor id=\"{}\">: drive=\"{}\" is not a drive of the "
                            "station",
                            id, tc.attribute("drive").value()));
        ok = false;
        continue;
      }
      const Drive& dr = dit->second;
      u.electric = dr.kind == "electricMotor";
      if (dr.kind != "gasTurbine" && dr.kind != "electricMotor")
        x.notes.push_back(
            fmt::format("unit {} of station {}: drive <{}> modelled as a gas "
                        "turbine of efficiency 0.34",
                        id, link.id, dr.kind));
      if (dr.energy) {
        const auto& e = *dr.energy;  // kW in, kW out
        u.fuel_power = std::array<double, 3>{e[0] * 1e3, e[1], e[2] / 1e3};
        if (e[1] == 0.0 && e[2] == 0.0)
          x.notes.push_back(fmt::format(
              "unit {} of station {}: GasLib's energy rate does not depend on the power "
              "({:.6g} kW): its fuel is that constant",
              id, link.id, e[0]));
      }
      if (dr.power) {
        bool positive = true;
        for (double n : {u.speed_min, 0.5 * (u.speed_min + u.speed_max), u.speed_max})
          for (double t : {-10.0, 15.0, 40.0}) {
            const double p = biquadratic(*dr.power, t, n) * 1e3;
            positive = positive && p > 0;
            u.max_power.push_back({n, t, p});
          }
        if (!positive) {
          u.max_power.clear();
          x.notes.push_back(
              fmt::format("unit {} of station {}: GasLib's maximal power is not "
                          "positive over the speeds and −10…40 °C: no power limit",
                          id, link.id));
        }
      }
      units.push_back(std::move(u));
    }
    if (ok) link.units = std::move(units);
  }
}

}  // namespace steppe::gas
