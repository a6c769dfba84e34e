// Compressor stations of units on maps (models/gas/compressor_station.cpp, compressor_map.cpp)
// against hand calculations. The test maps are fan-law maps H = A·n² − C·Q² whose speed lines
// run from a surge line H = h_s·Q to a choke line H = h_c·Q, so that
//   the operating point at speed n and head H:  Q = √((A·n² − H)/C)
//   the surge and choke flows at head H:         Q_s = H/h_s, Q_c = H/h_c
// and the gas is ideal: H = R_s·T·κ/(κ − 1)·((p_d/p_s)^((κ−1)/κ) − 1), ρ_s = p_s/(R_s·T).
// Checked: the fit recovers the surface; the operating point against hand interpolation of
// the table (a quadratic through three points of a speed line) and the fan law between
// lines; efficiency islands against their generating polynomial; the anti-surge recycle
// opening at the control line at the hand-computed time and holding the point there, lagging
// by R·τ_as during a ramp of rate R; load sharing by equal speed and by equal margin against
// hand solutions; speed, power (vs ambient temperature) and choke limits at their hand times;
// scheduled stops, protective trips, the bypass with reverse flow; the analytic Jacobian in
// every mode; bad maps and stations with their locations.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "models/gas/compressor_station.hpp"
#include "models/gas/node.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/study/constants.hpp"
#include "study_run.hpp"

using namespace steppe;
using testing::StudyRun;

namespace {

constexpr double kT = 288.15, kKappa = 1.3;
const double kRs = constants::kGasConstant / (0.6 * constants::kMolarMassAir);

double isentropic_head(double ps, double pd) {
  const double m = (kKappa - 1) / kKappa;
  return kRs * kT / m * (std::pow(pd / ps, m) - 1.0);
}
double density(double p) {
  return p / (kRs * kT);
}

struct FanMap {
  double A = 120e3 / (150.0 * 150.0), C = 2400.0, hs = 55200.0, hc = 20000.0;
  std::vector<double> speeds{100.0, 125.0, 150.0};  // rev/s
  int points = 6;

  double head(double q, double n) const { return A * n * n - C * q * q; }
  double flow(double h, double n) const { return std::sqrt((A * n * n - h) / C); }
  // Where the line of speed n meets H = k·Q.
  double crossing(double k, double n) const {
    return (-k + std::sqrt(k * k + 4 * C * A * n * n)) / (2 * C);
  }
  std::vector<double> line_flows(double n) const {
    const double a = crossing(hs, n), b = crossing(hc, n);
    std::vector<double> q;
    for (int k = 0; k < points; ++k) q.push_back(a + (b - a) * k / (points - 1));
    return q;
  }
  // The YAML of the map, at indentation `ind`; `extra` are more map keys.
  std::string yaml(const std::string& extra = "efficiency: 0.8") const {
    std::string s = fmt::format("{{{}, speed_lines: [", extra);
    for (std::size_t k = 0; k < speeds.size(); ++k) {
      const auto q = line_flows(speeds[k]);
      std::vector<std::string> qs, hs_;
      for (double x : q) qs.push_back(fmt::format("{:.17g}", x));
      for (double x : q) hs_.push_back(fmt::format("{:.17g}", head(x, speeds[k])));
      s += fmt::format("{}{{speed: {:.17g}, flow: [{}], head: [{}]}}", k ? ", " : "", speeds[k],
                       fmt::join(qs, ", "), fmt::join(hs_, ", "));
    }
    return s + "]}";
  }
};

// S held by a supply (its pressure a profile), D a junction with an offtake (a profile); the
// station between them; `more` adds gas items (lists) after the station.
std::string study(const std::string& station, const std::string& offtake,
                  const std::string& suction = "50 bar", const std::string& duration = "2 h",
                  const std::string& more = "") {
  return fmt::format(R"(
study: {{name: cs, duration: {}, output_interval: 1 min}}
solver: {{rtol: 1e-9, atol: 1e-9}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15, law: ideal}}
  nodes:
    - {{name: S, initial_pressure: 50 bar}}
    - {{name: D, initial_pressure: 80 bar}}
  supplies:
    - {{name: Src, node: S, pressure: {}}}
  offtakes:
    - {{name: Load, node: D, mass_flow: {}}}
  compressor_stations:
    - {}
{})",
                     duration, suction, offtake, station, more);
}

const gas::CompressorStationOnMaps& station(const StudyRun& r, const std::string& name = "CS") {
  return r.get<gas::CompressorStationOnMaps>(name);
}

gas::CompressorStationOnMaps::UnitPoint point(const StudyRun& r, int unit,
                                              const std::string& name = "CS") {
  return station(r, name).unit_point(r.state(), unit);
}

double pressure(const StudyRun& r, const std::string& node) {
  return r.y(dynamic_cast<const gas::GasNode&>(*r.system().find(node, "gas node")).pressure());
}

void check_jacobian_here(const StudyRun& run) {
  for (double cj : {0.0, 1e-2, 10.0}) {
    const JacobianCheck jc =
        check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
    INFO(jc.describe(run.system()));
    CHECK(jc.max_error < 1e-5);
  }
}

double event_time(const StudyRun& r, const std::string& kind, const std::string& contains) {
  for (const auto& e : r.events)
    if (e.kind == kind && e.message.find(contains) != std::string::npos) return e.time;
  return -1.0;
}

// The root of f on [a, b] (f(a), f(b) of opposite signs), by bisection.
double bisect(const std::function<double(double)>& f, double a, double b) {
  const double fa = f(a);
  for (int i = 0; i < 200; ++i) {
    const double c = 0.5 * (a + b);
    ((f(c) > 0) == (fa > 0) ? a : b) = c;
  }
  return 0.5 * (a + b);
}

Diagnostics errors_of(const std::string& text) {
  try {
    load_study_text(text, "bad.yaml", {}, domains());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("the study loaded without errors");
  return {};
}

int line_of(const std::string& text, const std::string& needle) {
  const auto pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  return static_cast<int>(std::count(text.begin(), text.begin() + long(pos), '\n'));
}

}  // namespace

TEST_CASE("a map fit recovers the surface its speed lines lie on", "[gas][compressor-map]") {
  const FanMap fm;
  gas::MapData d;
  for (double n : fm.speeds) {
    gas::MapLine l{n, fm.line_flows(n), {}, {}};
    for (double q : l.flow) l.head.push_back(fm.head(q, n));
    d.lines.push_back(l);
  }
  d.efficiency = 0.8;
  std::vector<gas::MapFault> faults;
  const gas::CompressorMap m = gas::CompressorMap::fit(d, faults);
  REQUIRE(faults.empty());
  const Poly2& h = m.head_fit();
  CHECK(h.coefficient(0, 2) == Approx(fm.A).epsilon(1e-10));
  CHECK(h.coefficient(2, 0) == Approx(-fm.C).epsilon(1e-10));
  for (int i = 0; i <= 2; ++i)
    for (int j = 0; j <= 2; ++j)
      if (!((i == 0 && j == 2) || (i == 2 && j == 0)))
        CHECK(std::abs(h.coefficient(i, j)) * std::pow(5.0, i) * std::pow(150.0, j) < 1e-6);
  // The default surge and choke lines (the lines' ends) are H = h_s·Q and H = h_c·Q.
  CHECK(m.surge_flow(60e3) == Approx(60e3 / fm.hs).epsilon(1e-10));
  CHECK(m.choke_flow(60e3) == Approx(60e3 / fm.hc).epsilon(1e-10));
  CHECK(m.flow_at(70e3, 137.5) == Approx(fm.flow(70e3, 137.5)).epsilon(1e-12));
  CHECK(m.speed_at(2.5, 70e3) == Approx(std::sqrt((70e3 + fm.C * 6.25) / fm.A)).epsilon(1e-12));
}

TEST_CASE("the operating point at a given suction state and speed matches hand interpolation",
          "[gas][compressor-map]") {
  const FanMap fm;
  // Suction held at 50 bar, discharge held at 80 bar by a second supply; speed control.
  for (const double n : {125.0, 130.0}) {
    const std::string text = fmt::format(R"(
study: {{name: op, duration: 10 min, output_interval: 1 min}}
solver: {{rtol: 1e-10, atol: 1e-10}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15, law: ideal}}
  nodes:
    - {{name: S, initial_pressure: 50 bar}}
    - {{name: D, initial_pressure: 80 bar}}
  supplies:
    - {{name: Src, node: S, pressure: 50 bar}}
    - {{name: Sink, node: D, pressure: 80 bar}}
  compressor_stations:
    - {{name: CS, from: S, to: D, control: speed, set_point: {} rpm, units: [{{name: U1, map: {}}}]}}
)",
                                         n * 60, fm.yaml());
    StudyRun run(text);
    const double H = isentropic_head(50e5, 80e5);
    REQUIRE(fm.flow(H, n) < H / fm.hc);  // inside the choke line
    const auto p = point(run, 0);
    CHECK(p.n == Approx(n).epsilon(1e-12));
    CHECK(p.head == Approx(H).epsilon(1e-12));
    double q_hand = 0.0;
    if (n == 125.0) {
      // Hand interpolation on the 125 rev/s line: the quadratic through the three table
      // points around H, solved for the flow at H.
      const auto q = fm.line_flows(n);
      std::size_t k = 1;
      while (k + 1 < q.size() - 1 && fm.head(q[k + 1], n) > H) ++k;
      const double x0 = q[k - 1], x1 = q[k], x2 = q[k + 1];
      const double y0 = fm.head(x0, n), y1 = fm.head(x1, n), y2 = fm.head(x2, n);
      // Newton form y = y0 + d1 (x − x0) + d2 (x − x0)(x − x1).
      const double d1 = (y1 - y0) / (x1 - x0);
      const double d2 = ((y2 - y1) / (x2 - x1) - d1) / (x2 - x0);
      // d2 x² + (d1 − d2 (x0 + x1)) x + (y0 − d1 x0 + d2 x0 x1 − H) = 0, the falling root.
      const double a = d2, b = d1 - d2 * (x0 + x1), c = y0 - d1 * x0 + d2 * x0 * x1 - H;
      q_hand = (-b - std::sqrt(b * b - 4 * a * c)) / (2 * a);
      REQUIRE(q_hand > x0);
      REQUIRE(q_hand < x2);
    } else {
      // Between speed lines: the fan law the map's lines follow.
      q_hand = fm.flow(H, n);
    }
    INFO("speed " << n << " rev/s, head " << H << " J/kg");
    CHECK(p.q == Approx(q_hand).epsilon(1e-9));
    CHECK(run.value("CS", 0 + 4) == Approx(density(50e5) * q_hand).epsilon(1e-9));  // ṁ_1
    // Shaft power ṁ·H/η with the map's constant η = 0.8.
    CHECK(p.power == Approx(density(50e5) * q_hand * H / 0.8).epsilon(1e-9));
    check_jacobian_here(run);
  }
}

TEST_CASE("efficiency islands give the efficiency of the surface they lie on",
          "[gas][compressor-map]") {
  // η(Q) = 0.86 − 0.05·(Q − 3.5)²: islands at 0.84, 0.82, 0.80 on every speed line.
  const FanMap fm;
  std::string islands = "efficiency_islands: [";
  for (double v : {0.84, 0.82, 0.80}) {
    std::vector<std::string> q, h;
    const double dq = std::sqrt((0.86 - v) / 0.05);
    for (double n : fm.speeds)
      for (double x : {3.5 - dq, 3.5 + dq}) {
        const auto line = fm.line_flows(n);
        if (x < line.front() || x > line.back()) continue;
        q.push_back(fmt::format("{:.17g}", x));
        h.push_back(fmt::format("{:.17g}", fm.head(x, n)));
      }
    islands += fmt::format("{}{{value: {}, flow: [{}], head: [{}]}}", v == 0.84 ? "" : ", ", v,
                           fmt::join(q, ", "), fmt::join(h, ", "));
  }
  islands += "]";
  StudyRun run(study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, units: [{{name: "
                                 "U1, map: {}}}]}}",
                                 fm.yaml(islands)),
                     "90 kg/s"));
  const double H = isentropic_head(50e5, 80e5), q = 90.0 / density(50e5);
  const auto p = point(run, 0);
  CHECK(p.q == Approx(q).epsilon(1e-10));
  const double eta = 0.86 - 0.05 * (q - 3.5) * (q - 3.5);
  CHECK(p.eta == Approx(eta).epsilon(1e-9));
  CHECK(p.power == Approx(90.0 * H / eta).epsilon(1e-9));
  check_jacobian_here(run);
}

TEST_CASE("anti-surge recycle opens at the control line and holds the point on it",
          "[gas][compressor-station][anti-surge]") {
  // Discharge held at 80 bar, the demand falls 90 → 20 kg/s over 20–40 min and comes back
  // to 90 kg/s over 80–100 min. The surge control line: Q_scl = 1.1·H/h_s.
  const FanMap fm;
  StudyRun run(
      study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, "
                        "anti_surge_time: 2 s, units: [{{name: U1, map: {}}}]}}",
                        fm.yaml()),
            "{times: [0, 20 min, 40 min, 80 min, 100 min], values: [90, 90, 20, 20, 90]}"));
  const double H = isentropic_head(50e5, 80e5), rho = density(50e5);
  const double q_scl = 1.1 * H / fm.hs, m_scl = rho * q_scl;
  const double R = 70.0 / 1200.0, tau = 2.0;  // ramp rate (kg/s²), integral time
  CHECK_FALSE(station(run).recycling(0));
  // The offtake reaches ṁ_scl at t* = 1200 + (90 − ṁ_scl)/R.
  const double t_open = 1200.0 + (90.0 - m_scl) / R;
  run.to(t_open + 300.0);  // mid-ramp, on recycle
  CHECK(event_time(run, "mode", "recycle opens") == Approx(t_open).epsilon(1e-7));
  CHECK(station(run).recycling(0));
  // During the ramp the integral controller lags the line by R·τ_as.
  CHECK(point(run, 0).m == Approx(m_scl - R * tau).epsilon(1e-7));
  check_jacobian_here(run);
  run.to(3600.0);  // after the ramp: on the line
  auto p = point(run, 0);
  CHECK(p.q == Approx(q_scl).epsilon(1e-9));
  CHECK(p.q_control == Approx(q_scl).epsilon(1e-12));
  CHECK(p.r == Approx(m_scl - 20.0).epsilon(1e-8));
  // The speed where the line of that speed meets the control line at head H.
  CHECK(p.n == Approx(std::sqrt((H + fm.C * q_scl * q_scl) / fm.A)).epsilon(1e-9));
  // The power spent on the recycled gas is r·H/η of the total ṁ·H/η.
  CHECK(p.power == Approx(m_scl * H / 0.8).epsilon(1e-8));
  // The station delivers what the load takes.
  CHECK(station(run).net_flow(run.integ->y()) == Approx(20.0).epsilon(1e-8));
  // Back up: the recycle closes (r falls to 0) while the demand climbs past ṁ_scl + R·τ.
  run.to(7200.0);
  CHECK_FALSE(station(run).recycling(0));
  const double t_close = event_time(run, "mode", "recycle closes");
  CHECK(t_close == Approx(4800.0 + (m_scl - 20.0 + R * tau) / R).epsilon(1e-5));
  CHECK(point(run, 0).m == Approx(90.0).epsilon(1e-9));
  CHECK(run.count("trip", "CS") == 0);
}

TEST_CASE("station load sharing follows its rule", "[gas][compressor-station][sharing]") {
  // Two different units: U2's map is A2 = 0.9·A, C2 = 1.4·C, h_s2 = 1.2·h_s, faster speeds.
  FanMap m1, m2;
  m2.A *= 0.9, m2.C *= 1.4, m2.hs *= 1.2;
  m2.speeds = {110.0, 135.0, 160.0};
  const double H = isentropic_head(50e5, 80e5), rho = density(50e5), total = 120.0;
  SECTION("equal speed: the same fraction of each unit's maximum speed") {
    StudyRun run(study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, units: "
                                   "[{{name: U1, map: {}}}, {{name: U2, map: {}}}]}}",
                                   m1.yaml(), m2.yaml()),
                       "120 kg/s"));
    // Hand: s with ρ·(Q1(s·150) + Q2(s·160)) = total.
    const double s =
        bisect([&](double x) { return rho * (m1.flow(H, x * 150) + m2.flow(H, x * 160)) - total; },
               0.77, 1.0);
    const auto p1 = point(run, 0), p2 = point(run, 1);
    CHECK(p1.n / 150.0 == Approx(s).epsilon(1e-10));
    CHECK(p2.n / 160.0 == Approx(s).epsilon(1e-10));
    CHECK(p1.m == Approx(rho * m1.flow(H, s * 150)).epsilon(1e-9));
    CHECK(p2.m == Approx(rho * m2.flow(H, s * 160)).epsilon(1e-9));
    CHECK(p1.m + p2.m == Approx(total).epsilon(1e-10));
    check_jacobian_here(run);
  }
  SECTION("equal margin: the same ratio of flow to surge-control flow") {
    StudyRun run(study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, load_sharing: "
                                   "equal_margin, units: [{{name: U1, map: {}}}, {{name: U2, "
                                   "map: {}}}]}}",
                                   m1.yaml(), m2.yaml()),
                       "120 kg/s"));
    // Hand: Q_i = x·1.1·H/h_s,i and ρ·Σ Q_i = total.
    const double x = total / (rho * 1.1 * H * (1 / m1.hs + 1 / m2.hs));
    const auto p1 = point(run, 0), p2 = point(run, 1);
    CHECK(p1.q / p1.q_control == Approx(x).epsilon(1e-10));
    CHECK(p2.q / p2.q_control == Approx(x).epsilon(1e-10));
    CHECK(p1.q == Approx(x * 1.1 * H / m1.hs).epsilon(1e-10));
    CHECK(p2.n == Approx(std::sqrt((H + m2.C * p2.q * p2.q) / m2.A)).epsilon(1e-10));
    check_jacobian_here(run);
  }
  SECTION("a scheduled stop leaves the load to the other unit") {
    StudyRun run(
        study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, units: "
                          "[{{name: U1, map: {}}}, {{name: U2, map: {}, running: "
                          "{{times: [0, 30 min], values: [1, 0], interpolation: step}}}}]}}",
                          m1.yaml(), m2.yaml()),
              "120 kg/s"));
    CHECK(station(run).running(1));
    run.to(3600.0);
    CHECK_FALSE(station(run).running(1));
    CHECK(event_time(run, "schedule", "unit U2 stops") == Approx(1800.0).epsilon(1e-12));
    const auto p1 = point(run, 0);
    CHECK(p1.m == Approx(120.0).epsilon(1e-9));
    CHECK(p1.n == Approx(std::sqrt((H + m1.C * p1.q * p1.q) / m1.A)).epsilon(1e-10));
    CHECK(point(run, 1).m == 0.0);
    CHECK(pressure(run, "D") == Approx(80e5).epsilon(1e-10));
    check_jacobian_here(run);
  }
}

TEST_CASE("speed, power and choke limits take over at their hand-computed times",
          "[gas][compressor-station][limits]") {
  const FanMap fm;
  const std::string unit = fmt::format("{{name: U1, map: {}}}", fm.yaml());
  SECTION("speed_max: the demand outgrows the fastest speed line") {
    // p_d = 95 bar: at 150 rev/s the line carries Q_max = √((A·150² − H)/C), before choke.
    StudyRun run(
        study(fmt::format("{{name: CS, from: S, to: D, set_point: 95 bar, units: [{}]}}", unit),
              "{times: [0, 10 min, 70 min], values: [60, 60, 150]}"));
    const double H = isentropic_head(50e5, 95e5), rho = density(50e5);
    const double m_max = rho * fm.flow(H, 150.0);
    REQUIRE(m_max < rho * H / fm.hc);  // the speed limit comes first
    const double t_star = 600.0 + (m_max - 60.0) / (90.0 / 3600.0);
    run.to(t_star + 600.0);
    CHECK(event_time(run, "limit", "speed_max") == Approx(t_star).epsilon(1e-7));
    CHECK(station(run).active_limit() == gas::CompressorStationOnMaps::SpeedMax);
    CHECK(point(run, 0).n == Approx(150.0).epsilon(1e-12));
    CHECK(pressure(run, "D") < 95e5);
    check_jacobian_here(run);
  }
  SECTION("power_max: the driver's power falls as the ambient temperature rises") {
    // P = ṁ·H/0.8 at 90 kg/s; P_max(T) = 8 MW at 0 °C to 6 MW at 40 °C; T rises 0 → 40 °C
    // over 2 h: the limit at P_max(T*) = P.
    StudyRun run(study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, "
                                   "ambient_temperature: {{times: [0, 2 h], values: [273.15 K, "
                                   "313.15 K]}}, units: [{{name: U1, map: {}, max_power: "
                                   "{{temperature: [0 degC, 40 degC], power: [8 MW, 6 MW]}}}}]}}",
                                   fm.yaml()),
                       "90 kg/s"));
    const double H = isentropic_head(50e5, 80e5), P = 90.0 * H / 0.8;
    const double T_star = (8e6 - P) / (2e6 / 40.0);  // °C
    const double t_star = T_star / 40.0 * 7200.0;
    run.to(t_star + 1200.0);
    CHECK(event_time(run, "limit", "power_max") == Approx(t_star).epsilon(1e-7));
    const double T_now = 273.15 + 40.0 * run.integ->t() / 7200.0;
    const auto p = point(run, 0);
    CHECK(p.power == Approx(8e6 - 2e6 / 40.0 * (T_now - 273.15)).epsilon(1e-9));
    CHECK(p.max_power == Approx(p.power).epsilon(1e-9));
    CHECK(pressure(run, "D") < 80e5);
    check_jacobian_here(run);
  }
  SECTION("choke: a flow set point beyond the choke line at the head held") {
    // Discharge held at 80 bar by a second supply; the flow set point ramps 60 → 150 kg/s
    // over 10–70 min and back to 60 kg/s at 100 min. The choke flow at H: ρ_s·H/h_c.
    const std::string text = fmt::format(R"(
study: {{name: choke, duration: 2 h, output_interval: 1 min}}
solver: {{rtol: 1e-9, atol: 1e-9}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15, law: ideal}}
  nodes:
    - {{name: S, initial_pressure: 50 bar}}
    - {{name: D, initial_pressure: 80 bar}}
  supplies:
    - {{name: Src, node: S, pressure: 50 bar}}
    - {{name: Sink, node: D, pressure: 80 bar}}
  compressor_stations:
    - {{name: CS, from: S, to: D, control: flow, set_point: {{times: [0, 10 min, 70 min, 100 min], values: [60, 60, 150, 60]}}, units: [{}]}}
)",
                                         unit);
    StudyRun run(text);
    const double H = isentropic_head(50e5, 80e5), rho = density(50e5);
    const double m_c = rho * H / fm.hc;
    REQUIRE(fm.flow(H, 150.0) > H / fm.hc);  // choke before the top speed
    const double t_in = 600.0 + (m_c - 60.0) / (90.0 / 3600.0);
    run.to(t_in + 600.0);
    CHECK(event_time(run, "limit", "choke") == Approx(t_in).epsilon(1e-7));
    const auto p = point(run, 0);
    CHECK(p.q == Approx(p.q_choke).epsilon(1e-10));
    CHECK(p.q_choke == Approx(H / fm.hc).epsilon(1e-10));
    CHECK(station(run).net_flow(run.integ->y()) == Approx(m_c).epsilon(1e-9));
    check_jacobian_here(run);
    // On the way down the set point falls back inside the choke flow: control resumes.
    const double t_out = 4200.0 + (150.0 - m_c) / (90.0 / 1800.0);
    run.to(7200.0);
    CHECK(event_time(run, "mode", "→ control") == Approx(t_out).epsilon(1e-7));
    CHECK(station(run).active_limit() == gas::CompressorStationOnMaps::None);
    CHECK(station(run).net_flow(run.integ->y()) == Approx(60.0).epsilon(1e-9));
  }
}

TEST_CASE("a protective trip stops the unit, the bypass carries flow either way",
          "[gas][compressor-station][trip]") {
  const FanMap fm;
  SECTION("low suction pressure trips the unit at the hand time; the two-way bypass opens") {
    // Suction 50 → 40 bar over 1 h, trip below 45 bar: at 30 min.
    StudyRun run(study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, bypass: "
                                   "two_way, units: [{{name: U1, map: {}, min_suction_pressure: "
                                   "45 bar}}]}}",
                                   fm.yaml()),
                       "60 kg/s", "{times: [0, 1 h], values: [50 bar, 40 bar]}"));
    run.to(3600.0);
    CHECK(event_time(run, "trip", "suction pressure") == Approx(1800.0).epsilon(1e-7));
    CHECK_FALSE(station(run).running(0));
    // The bypass passes the load at equal pressures.
    CHECK(pressure(run, "D") == Approx(pressure(run, "S")).epsilon(1e-9));
    CHECK(run.value("CS", 1) == Approx(60.0).epsilon(1e-7));
    check_jacobian_here(run);
  }
  SECTION("an idle station's two-way bypass passes reverse flow") {
    const std::string text = fmt::format(R"(
study: {{name: rev, duration: 1 h, output_interval: 1 min}}
solver: {{rtol: 1e-9, atol: 1e-9}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15, law: ideal}}
  nodes:
    - {{name: S, initial_pressure: 50 bar}}
    - {{name: D, initial_pressure: 60 bar}}
  supplies:
    - {{name: Src, node: D, pressure: 60 bar}}
  offtakes:
    - {{name: Load, node: S, mass_flow: 50 kg/s}}
  compressor_stations:
    - {{name: CS, from: S, to: D, set_point: 70 bar, bypass: two_way, units: [{{name: U1, map: {}, running: 0}}]}}
)",
                                         fm.yaml());
    StudyRun run(text);
    CHECK(run.value("CS", 1) == Approx(-50.0).epsilon(1e-10));
    CHECK(pressure(run, "S") == Approx(60e5).epsilon(1e-10));
    check_jacobian_here(run);
    run.to(3600.0);
    CHECK(run.value("CS", 1) == Approx(-50.0).epsilon(1e-10));
  }
  SECTION("a one-way bypass opens when the suction rises above the discharge") {
    // The unit is scheduled off at 10 min; the load at the end of a 20 km line drains its
    // line pack until the discharge falls below the suction: the bypass opens and carries it.
    const std::string text = fmt::format(R"(
study: {{name: bypass, duration: 3 h, output_interval: 1 min}}
solver: {{rtol: 1e-8, atol: 1e-8}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15, law: ideal}}
  nodes:
    - {{name: S, initial_pressure: 50 bar}}
    - {{name: D, initial_pressure: 80 bar}}
    - {{name: E, initial_pressure: 78 bar}}
  pipes:
    - {{name: P, from: D, to: E, length: 20 km, diameter: 600 mm}}
  supplies:
    - {{name: Src, node: S, pressure: 50 bar}}
  offtakes:
    - {{name: Load, node: E, mass_flow: 60 kg/s}}
  compressor_stations:
    - {{name: CS, from: S, to: D, set_point: 80 bar, bypass: one_way, units: [{{name: U1, map: {}, running: {{times: [0, 10 min], values: [1, 0], interpolation: step}}}}]}}
)",
                                         fm.yaml());
    StudyRun run(text);
    CHECK(run.value("CS", 1) == 0.0);
    run.to(3 * 3600.0);
    const double t_open = event_time(run, "mode", "bypass opens");
    CHECK(t_open > 600.0);
    CHECK(run.count("mode", "CS") == 1);
    CHECK(pressure(run, "D") == Approx(pressure(run, "S")).epsilon(1e-9));
    CHECK(run.value("CS", 1) == Approx(60.0).epsilon(1e-4));  // nearly steady again
    check_jacobian_here(run);
  }
}

TEST_CASE("flow control and fuel from a named node", "[gas][compressor-station]") {
  // A flow-controlled station into a held discharge; the turbine's fuel, E = e0 + e1·P +
  // e2·P² over the LHV, is drawn at the node F.
  const FanMap fm;
  const std::string text = fmt::format(R"(
study: {{name: fuel, duration: 1 h, output_interval: 1 min}}
solver: {{rtol: 1e-10, atol: 1e-10}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15, law: ideal}}
  nodes:
    - {{name: S, initial_pressure: 50 bar}}
    - {{name: D, initial_pressure: 80 bar}}
    - {{name: F, initial_pressure: 50 bar}}
  supplies:
    - {{name: Src, node: S, pressure: 50 bar}}
    - {{name: Sink, node: D, pressure: 80 bar}}
    - {{name: Fuel, node: F, pressure: 40 bar}}
  compressor_stations:
    - {{name: CS, from: S, to: D, fuel_node: F, fuel_lhv: 50 MJ/kg, control: flow, set_point: 80 kg/s, units: [{{name: U1, map: {}, fuel_power: [4 MW, 2.6, 4.45e-10]}}]}}
)",
                                       fm.yaml());
  StudyRun run(text);
  const double H = isentropic_head(50e5, 80e5), P = 80.0 * H / 0.8;
  const double fuel = (4e6 + 2.6 * P + 4.45e-10 * P * P) / 50e6;
  CHECK(run.value("Src") == Approx(80.0).epsilon(1e-10));   // the suction gives the flow only
  CHECK(run.value("Fuel") == Approx(fuel).epsilon(1e-10));  // the fuel node gives the fuel
  check_jacobian_here(run);
  run.to(3600.0);
  CHECK(run.value("CS", 2) == Approx(fuel * 3600.0).epsilon(1e-8));  // fuel burnt, kg
}

TEST_CASE("bad maps and stations are reported at their keys", "[gas][compressor-station][input]") {
  const FanMap fm;
  const std::string good = fm.yaml();
  auto text_with = [&](const std::string& map) {
    return study(fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, units: [{{name: U1, "
                             "map: {}}}]}}",
                             map),
                 "60 kg/s");
  };
  {  // a speed line whose head rises with the flow
    const std::string map =
        "{efficiency: 0.8, speed_lines: [{speed: 100, flow: [1, 2, 3], head: [50000, 48000, "
        "30000]}, {speed: 125, flow: [1.5, 2.5, 3.5], head: [70000, 72000, 50000]}, {speed: 150, "
        "flow: [2, 3, 4], head: [100000, 90000, 75000]}]}";
    const std::string text = text_with(map);
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.compressor_stations[0].units[0].map.speed_lines[1].head");
    CHECK(d.entries()[0].where.line == line_of(text, "speed_lines"));
    CHECK_THAT(d.entries()[0].message, Catch::Contains("not monotone"));
  }
  {  // a surge line right of the map
    const std::string text =
        text_with(fm.yaml("efficiency: 0.8, surge_line: {flow: [8, 9], head: [50000, 110000]}"));
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.compressor_stations[0].units[0].map.surge_line.flow");
    CHECK_THAT(d.entries()[0].message, Catch::Contains("surge line lies outside the map"));
  }
  {  // a station with no unit
    const std::string text =
        study("{name: CS, from: S, to: D, set_point: 80 bar, units: []}", "60 kg/s");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.compressor_stations[0].units");
    CHECK(d.entries()[0].where.line == line_of(text, "units: []"));
    CHECK_THAT(d.entries()[0].message, Catch::Contains("at least one unit"));
  }
  {  // a speed limit outside the map
    const std::string text = study(
        fmt::format("{{name: CS, from: S, to: D, set_point: 80 bar, units: [{{name: U1, map: {}, "
                    "speed_max: 12000 rpm}}]}}",
                    good),
        "60 kg/s");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.compressor_stations[0].units[0].speed_max");
  }
  {  // with the energy equation: refused (no energy companion for a station on maps)
    std::string text =
        study(fmt::format(
                  "{{name: CS, from: S, to: D, set_point: 80 bar, units: [{{name: U1, map: {}}}]}}",
                  good),
              "60 kg/s");
    const std::string fluid = "law: ideal}";
    text.replace(text.find(fluid), fluid.size(),
                 "law: ideal}\n  energy: {ground_temperature: 280 K, heat_transfer_coefficient: 2 "
                 "W/m2/K}");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.compressor_stations[0].units");
    CHECK_THAT(d.entries()[0].message, Catch::Contains("use gas.compressors"));
  }
}
