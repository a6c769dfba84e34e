#include "models/gas/compressor_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace steppe::gas {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The root t > 0 of a + b·t + c·t² = h where the polynomial's slope has sign `slope`
// (−1: falling, +1: rising); NaN if none.
double root_on_branch(const std::array<double, 3>& p, double h, int slope) {
  const double a = p[0] - h, b = p[1], c = p[2];
  std::vector<double> roots;
  if (std::abs(c) < 1e-14 * (std::abs(b) + 1e-300)) {
    if (b != 0.0) roots.push_back(-a / b);
  } else {
    const double disc = b * b - 4.0 * a * c;
    if (disc < 0) return kNaN;
    const double s = std::sqrt(disc);
    // Numerically stable pair.
    const double q = -0.5 * (b + std::copysign(s, b));
    if (q != 0.0) roots.push_back(q / c), roots.push_back(a / q);
  }
  double best = kNaN;
  for (double t : roots) {
    if (!(t > 0)) continue;
    const double d = b + 2.0 * c * t;
    if (d * slope <= 0) continue;
    if (std::isnan(best) || t < best) best = t;
  }
  return best;
}

}  // namespace

double CompressorMap::flow_at(double h, double n) const {
  return root_on_branch(head_.in_x_at(n), h, -1);
}

double CompressorMap::speed_at(double q, double h) const {
  return root_on_branch(head_.in_y_at(q), h, +1);
}

CompressorMap CompressorMap::fit(const MapData& d, std::vector<MapFault>& faults) {
  using W = MapFault::Where;
  const std::size_t before = faults.size();
  auto fault = [&](W where, int index, std::string key, std::string msg) {
    faults.push_back({where, index, std::move(key), std::move(msg)});
  };
  CompressorMap m;
  if (d.lines.size() < 3)
    fault(W::Map, -1, "speed_lines",
          fmt::format("{} speed line{}: a map needs at least 3 (the head is fitted as a "
                      "quadratic in speed)",
                      d.lines.size(), d.lines.size() == 1 ? "" : "s"));
  std::vector<double> q, n, h;
  for (std::size_t k = 0; k < d.lines.size(); ++k) {
    const MapLine& l = d.lines[k];
    const int ik = static_cast<int>(k);
    if (!(l.speed > 0)) fault(W::Line, ik, "speed", "must be > 0");
    if (k > 0 && !(l.speed > d.lines[k - 1].speed))
      fault(W::Line, ik, "speed",
            fmt::format("speed lines must be given in order of rising speed ({:.6g} rpm after "
                        "{:.6g} rpm)",
                        l.speed * 60, d.lines[k - 1].speed * 60));
    if (l.flow.size() != l.head.size()) {
      fault(W::Line, ik, "head",
            fmt::format("{} heads for {} flows: give one head per flow", l.head.size(),
                        l.flow.size()));
      continue;
    }
    if (l.flow.size() < 3) {
      fault(W::Line, ik, "flow", "a speed line needs at least 3 points");
      continue;
    }
    bool ok = true;
    for (std::size_t j = 0; j < l.flow.size() && ok; ++j) {
      if (!(l.flow[j] > 0) || !(l.head[j] > 0)) {
        fault(W::Line, ik, !(l.flow[j] > 0) ? "flow" : "head",
              fmt::format("point {}: flows and heads must be > 0", j + 1));
        ok = false;
      } else if (j > 0 && !(l.flow[j] > l.flow[j - 1])) {
        fault(W::Line, ik, "flow",
              fmt::format("the flow must rise along the speed line (point {}: {:.6g} m³/s after "
                          "{:.6g} m³/s)",
                          j + 1, l.flow[j], l.flow[j - 1]));
        ok = false;
      } else if (j > 0 && !(l.head[j] < l.head[j - 1])) {
        fault(W::Line, ik, "head",
              fmt::format("the speed line is not monotone: the head must fall as the flow rises "
                          "(point {}: {:.6g} J/kg after {:.6g} J/kg), or the operating point on "
                          "it is not unique",
                          j + 1, l.head[j], l.head[j - 1]));
        ok = false;
      }
    }
    if (!ok) continue;
    for (std::size_t j = 0; j < l.flow.size(); ++j) {
      q.push_back(l.flow[j]), n.push_back(l.speed), h.push_back(l.head[j]);
      m.h_hi_ = std::max(m.h_hi_, l.head[j]);
      m.q_hi_ = std::max(m.q_hi_, l.flow[j]);
    }
  }
  if (faults.size() != before) return m;
  m.n_lo_ = d.lines.front().speed;
  m.n_hi_ = d.lines.back().speed;

  // Head surface.
  const auto head = Poly2::fit(q, n, h, Poly2::full());
  if (!head) {
    fault(W::Map, -1, "speed_lines",
          "the speed lines do not determine a head surface quadratic in flow and speed (give "
          "3 distinct flows on each of 3 speeds at least)");
    return m;
  }
  m.head_ = *head;
  for (std::size_t k = 0; k < q.size(); ++k)
    m.misfit_ = std::max(m.misfit_, std::abs(m.head_.value(q[k], n[k]) - h[k]));
  for (std::size_t k = 0; k < d.lines.size(); ++k) {
    const MapLine& l = d.lines[k];
    for (std::size_t j = 0; j < l.flow.size(); ++j) {
      const double err = std::abs(m.head_.value(l.flow[j], l.speed) - l.head[j]);
      if (err > 0.02 * m.h_hi_) {
        fault(W::Line, static_cast<int>(k), "head",
              fmt::format("point {} lies {:.3g} J/kg ({:.2g} % of the largest head) off the head "
                          "surface fitted through all speed lines (quadratic in flow and speed): "
                          "the map's lines are inconsistent with each other",
                          j + 1, err, 100 * err / m.h_hi_));
        return m;
      }
    }
  }
  // Monotone within the map: along each line and between lines.
  for (std::size_t k = 0; k < d.lines.size(); ++k) {
    const MapLine& l = d.lines[k];
    for (int s = 0; s <= 20; ++s) {
      const double qs = l.flow.front() + (l.flow.back() - l.flow.front()) * s / 20.0;
      double dq = 0.0, dn = 0.0;
      m.head_.value(qs, l.speed, &dq, &dn);
      if (!(dq < 0)) {
        fault(W::Line, static_cast<int>(k), "head",
              fmt::format("the fitted speed line is not monotone at {:.6g} m³/s (∂H/∂Q ≥ 0): the "
                          "head must fall as the flow rises",
                          qs));
        return m;
      }
      if (!(dn > 0)) {
        fault(W::Line, static_cast<int>(k), "speed",
              fmt::format("at {:.6g} m³/s a higher speed gives a lower head (∂H/∂n ≤ 0): speed "
                          "lines must not cross",
                          qs));
        return m;
      }
    }
  }

  // Surge and choke lines: fitted as flow against head, each crossing every speed line
  // within that line's data.
  auto boundary = [&](const std::vector<double>& bq, const std::vector<double>& bh, bool surge,
                      Poly1& out) {
    const W where = surge ? W::Surge : W::Choke;
    const char* what = surge ? "surge" : "choke";
    std::vector<double> fq = bq, fh = bh;
    if (fq.empty())
      for (const MapLine& l : d.lines) {
        fq.push_back(surge ? l.flow.front() : l.flow.back());
        fh.push_back(surge ? l.head.front() : l.head.back());
      }
    if (fq.size() != fh.size()) {
      fault(where, -1, "head", fmt::format("{} heads for {} flows", fh.size(), fq.size()));
      return false;
    }
    if (fq.size() < 2) {
      fault(where, -1, "flow", fmt::format("the {} line needs at least 2 points", what));
      return false;
    }
    for (std::size_t j = 0; j < fq.size(); ++j)
      if (!(fq[j] > 0) || !(fh[j] > 0)) {
        fault(where, -1, "flow", fmt::format("point {}: flows and heads must be > 0", j + 1));
        return false;
      }
    int distinct = 0;
    {
      std::vector<double> s = fh;
      std::sort(s.begin(), s.end());
      distinct = static_cast<int>(std::unique(s.begin(), s.end()) - s.begin());
    }
    const auto p = Poly1::fit(fh, fq, std::min(2, distinct - 1));
    if (!p || distinct < 2) {
      fault(where, -1, "head", fmt::format("the {} line's points need distinct heads", what));
      return false;
    }
    out = *p;
    for (std::size_t k = 0; k < d.lines.size(); ++k) {
      const MapLine& l = d.lines[k];
      const double span = l.flow.back() - l.flow.front();
      const double lo = l.flow.front() - 0.02 * span, hi = l.flow.back() + 0.02 * span;
      // The crossing of line k: g(Q) = Q − Q_b(H(Q, n_k)) changes sign once in [lo, hi].
      auto g = [&](double x) { return x - out.value(m.head_.value(x, l.speed)); };
      if (!(g(std::max(lo, 1e-9 * span)) <= 0 && g(hi) >= 0)) {
        fault(where, -1, "flow",
              fmt::format("the {} line lies outside the map: it does not cross the speed line of "
                          "{:.6g} rpm within its data ({:.6g} to {:.6g} m³/s)",
                          what, l.speed * 60, l.flow.front(), l.flow.back()));
        return false;
      }
    }
    return true;
  };
  if (!boundary(d.surge_flow, d.surge_head, true, m.surge_)) return m;
  if (!boundary(d.choke_flow, d.choke_head, false, m.choke_)) return m;
  for (const MapLine& l : d.lines) {
    const double hs = 0.5 * (l.head.front() + l.head.back());
    if (!(m.surge_.value(hs) < m.choke_.value(hs))) {
      fault(W::Surge, -1, "flow",
            fmt::format("the surge line lies right of the choke line at the speed line of "
                        "{:.6g} rpm",
                        l.speed * 60));
      return m;
    }
  }

  // Efficiency.
  bool line_efficiency = false;
  for (std::size_t k = 0; k < d.lines.size(); ++k) {
    const MapLine& l = d.lines[k];
    if (l.efficiency.empty()) continue;
    line_efficiency = true;
    if (l.efficiency.size() != l.flow.size()) {
      fault(W::Line, static_cast<int>(k), "efficiency",
            fmt::format("{} efficiencies for {} flows: give one per point", l.efficiency.size(),
                        l.flow.size()));
      return m;
    }
    for (double e : l.efficiency)
      if (!(e > 0 && e <= 1)) {
        fault(W::Line, static_cast<int>(k), "efficiency", "efficiencies must lie in (0, 1]");
        return m;
      }
  }
  if (d.islands.empty() && !line_efficiency) {
    if (!(d.efficiency > 0 && d.efficiency <= 1)) {
      fault(W::Map, -1, "efficiency", "must lie in (0, 1]");
      return m;
    }
    m.eta_ = Poly2(d.efficiency);
    return m;
  }
  std::vector<double> eq, en, ee;
  for (const MapLine& l : d.lines)
    for (std::size_t j = 0; j < l.efficiency.size(); ++j)
      eq.push_back(l.flow[j]), en.push_back(l.speed), ee.push_back(l.efficiency[j]);
  for (std::size_t k = 0; k < d.islands.size(); ++k) {
    const MapIsland& is = d.islands[k];
    const int ik = static_cast<int>(k);
    if (!(is.efficiency > 0 && is.efficiency <= 1)) {
      fault(W::Island, ik, "efficiency", "must lie in (0, 1]");
      continue;
    }
    if (is.flow.size() != is.head.size() || is.flow.empty()) {
      fault(W::Island, ik, "head",
            fmt::format("{} heads for {} flows: give one head per flow (at least one point)",
                        is.head.size(), is.flow.size()));
      continue;
    }
    for (std::size_t j = 0; j < is.flow.size(); ++j) {
      const double s = m.speed_at(is.flow[j], is.head[j]);
      if (!(s >= m.n_lo_ * 0.98 && s <= m.n_hi_ * 1.02)) {
        fault(W::Island, ik, "flow",
              fmt::format("point {} ({:.6g} m³/s, {:.6g} J/kg) lies outside the map's speed "
                          "range",
                          j + 1, is.flow[j], is.head[j]));
        break;
      }
      eq.push_back(is.flow[j]), en.push_back(s), ee.push_back(is.efficiency);
    }
  }
  if (faults.size() != before) return m;
  m.eta_ = Poly2::fit_best(eq, en, ee);
  for (const MapLine& l : d.lines)
    for (int s = 0; s <= 10; ++s) {
      const double hh = l.head.front() + (l.head.back() - l.head.front()) * s / 10.0;
      const double qs = m.flow_at(hh, l.speed);
      if (std::isnan(qs)) continue;
      const double e = m.eta_.value(qs, l.speed);
      if (!(e > 0.2 && e <= 1.0)) {
        fault(W::Map, -1, "efficiency",
              fmt::format("the efficiency fitted through the islands is {:.3g} at {:.6g} m³/s "
                          "on the speed line of {:.6g} rpm: outside (0.2, 1]; add islands "
                          "covering the map",
                          e, qs, l.speed * 60));
        return m;
      }
    }
  return m;
}

// ---- reader: gas.compressor_stations[i].units[j].map
namespace {

// A list of numbers: bare numbers in `scale` (the map's unit for the list), or quantities.
std::vector<double> read_numbers(const Reader& owner, const std::string& key, const Dimension& d,
                                 double scale) {
  std::vector<double> out;
  if (!owner.has(key)) {
    owner.text(key);  // reports the missing key
    return out;
  }
  const Reader list = owner.child(key);
  if (!list.is_sequence()) {
    list.error("expected a list of numbers");
    return out;
  }
  for (const Reader& x : owner.items(key)) {
    const std::string& text = x.node().IsScalar() ? x.node().Scalar() : std::string();
    char* end = nullptr;
    const double v = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
    if (!text.empty() && end && *end == '\0' && std::isfinite(v))
      out.push_back(v * scale);
    else
      out.push_back(x.as_quantity(d).value_or(std::nan("")));
  }
  return out;
}

double unit_scale(const Reader& units, const std::string& key, const Dimension& d, double si) {
  if (!units.has(key)) return si;
  const std::string text = units.text(key);
  try {
    return to_si(parse_quantity("1 " + text), d);
  } catch (const UnitError& e) {
    units.error_at_key(key, fmt::format("'{}': {}", text, e.what()));
    return si;
  }
}

}  // namespace

std::optional<CompressorMap> read_compressor_map(const Reader& map) {
  if (!map.defined()) {
    map.error("missing required key 'map' (the unit's performance map)");
    return std::nullopt;
  }
  if (!map.is_map()) {
    map.error("expected a mapping {speed_lines: [...], efficiency_islands: [...], ...}");
    return std::nullopt;
  }
  const std::size_t errors_before = map.context().diagnostics.size();
  double qs = 1.0, hs = 1.0, ns = 1.0;
  if (map.has("units")) {
    const Reader u = map.child("units");
    if (!u.is_map()) {
      u.error("expected a mapping {flow: m3/s, head: kJ/kg, speed: rpm}");
    } else {
      qs = unit_scale(u, "flow", dim::volume_flow, 1.0);
      hs = unit_scale(u, "head", dim::specific_energy, 1.0);
      ns = unit_scale(u, "speed", dim::frequency, 1.0);
      u.finish();
    }
  }
  MapData d;
  const auto lines = map.map_items("speed_lines", "speed: 7000 rpm, flow: [...], head: [...]");
  if (!map.has("speed_lines")) map.text("speed_lines");
  for (const Reader& l : lines) {
    MapLine line;
    const Reader sp = l.child("speed");
    if (!sp.defined()) {
      l.text("speed");
    } else {
      const std::string& text = sp.node().IsScalar() ? sp.node().Scalar() : std::string();
      char* end = nullptr;
      const double v = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
      line.speed = (!text.empty() && end && *end == '\0')
                       ? v * ns
                       : sp.as_quantity(dim::frequency).value_or(0);
    }
    line.flow = read_numbers(l, "flow", dim::volume_flow, qs);
    line.head = read_numbers(l, "head", dim::specific_energy, hs);
    if (l.has("efficiency")) line.efficiency = read_numbers(l, "efficiency", dim::none, 1.0);
    l.finish();
    d.lines.push_back(std::move(line));
  }
  const bool islands = map.has("efficiency_islands");
  std::vector<Reader> island_items;
  if (islands) {
    if (map.has("efficiency"))
      map.error_at_key("efficiency", "give efficiency or efficiency_islands, not both");
    island_items = map.map_items("efficiency_islands", "value: 0.86, flow: [...], head: [...]");
    for (const Reader& is : island_items) {
      MapIsland island;
      island.efficiency = is.quantity("value", dim::none);
      island.flow = read_numbers(is, "flow", dim::volume_flow, qs);
      island.head = read_numbers(is, "head", dim::specific_energy, hs);
      is.finish();
      d.islands.push_back(std::move(island));
    }
  } else {
    bool per_point = false;
    for (const MapLine& l : d.lines) per_point = per_point || !l.efficiency.empty();
    if (per_point && map.has("efficiency"))
      map.error_at_key("efficiency",
                       "the speed lines give efficiencies: a constant one contradicts them");
    d.efficiency = map.quantity("efficiency", dim::none, 0.8);
  }
  auto read_line = [&](const char* key, std::vector<double>& q, std::vector<double>& h) {
    if (!map.has(key)) return;
    const Reader b = map.child(key);
    if (!b.is_map()) {
      b.error("expected a mapping {flow: [...], head: [...]}");
      return;
    }
    q = read_numbers(b, "flow", dim::volume_flow, qs);
    h = read_numbers(b, "head", dim::specific_energy, hs);
    b.finish();
  };
  read_line("surge_line", d.surge_flow, d.surge_head);
  read_line("choke_line", d.choke_flow, d.choke_head);
  map.finish();
  if (map.context().diagnostics.size() != errors_before) return std::nullopt;

  std::vector<MapFault> faults;
  CompressorMap fitted = CompressorMap::fit(d, faults);
  for (const MapFault& f : faults) {
    using W = MapFault::Where;
    switch (f.where) {
      case W::Line:
        lines[std::size_t(f.index)].error_at_key(f.key, f.message);
        break;
      case W::Island:
        island_items[std::size_t(f.index)].error_at_key(f.key, f.message);
        break;
      case W::Surge:
      case W::Choke: {
        const char* key = f.where == W::Surge ? "surge_line" : "choke_line";
        if (map.has(key))
          map.child(key).error_at_key(f.key, f.message);
        else
          map.error_at_key("speed_lines",
                           fmt::format("{} (the {} taken from the speed lines' "
                                       "{} points)",
                                       f.message, key, f.where == W::Surge ? "first" : "last"));
        break;
      }
      case W::Map:
        map.error_at_key(f.key, f.message);
        break;
    }
  }
  if (!faults.empty()) return std::nullopt;
  return fitted;
}

}  // namespace steppe::gas
