// The crude-oil line (models/oil) against independent oracles:
//   - Darcy–Weisbach for a level pipe (same Churchill law, hand-coded Walther viscosity),
//     and exact hydrostatics with an elevation profile;
//   - the pump/system-curve intersection solved by hand (a quadratic in Q), at fixed
//     speed and under PI discharge-pressure control;
//   - Joukowsky's ρ·a·ΔV (peak and trough), the period 4L/a and the plateau ripple after an
//     instantaneous valve closure in a frictionless reservoir–pipe–valve system, and the
//     order at which the front's error falls with the grid (smooth and step closures);
//   - line packing with friction (the head at the valve keeps rising by ≈ h_f; first peak
//     aV0/g + h_f);
//   - a pump set's rundown under a torque ∝ ω²: ω0/(1 + t/τ);
//   - no cavity where the exact minimum stays above the vapour pressure;
//   - mass conservation over a long transient with a pump trip and restart;
//   - MAOP and vapour-pressure events with their location;
//   - the analytic Jacobian of every element against finite differences;
//   - Churchill's ψ and derivative, Korteweg's wave speed.
#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "models/common/churchill.hpp"
#include "models/domains.hpp"
#include "models/oil/fluid.hpp"
#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "models/oil/station.hpp"
#include "models/oil/terminal.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/run/simulation.hpp"
#include "solver/study/study.hpp"
#include "study_run.hpp"

using namespace steppe;

namespace {

constexpr double g0 = 9.80665;

struct TestRun : testing::StudyRun {
  using StudyRun::StudyRun;
  double p_node(const std::string& node) const { return y(get<oil::Node>(node).pressure()); }
};

// Walther/ASTM D341 by hand: log10 log10(ν_cSt + 0.7) = A − B log10 T.
double walther(double t1, double n1, double t2, double n2, double t) {
  auto y = [](double nu) { return std::log10(std::log10(nu + 0.7)); };
  const double b = (y(n1) - y(n2)) / (std::log10(t2) - std::log10(t1));
  const double a = y(n1) + b * std::log10(t1);
  return std::pow(10.0, std::pow(10.0, a - b * std::log10(t))) - 0.7;  // cSt
}

const char* kFluid = R"(
  fluids:
    - name: Kumkol blend
      density: 850 kg/m3
      reference_temperature: 20 degC
      thermal_expansion: 7e-4
      viscosity: {temperatures: [20 degC, 50 degC], values: [8 cSt, 4 cSt]}
      temperature: 10 degC)";

}  // namespace

TEST_CASE("Churchill: laminar and turbulent limits, analytic derivative", "[oil][friction]") {
  using friction::churchill_psi;
  CHECK(friction::churchill_f(500.0, 1e-4) == Approx(64.0 / 500.0).epsilon(1e-3));
  // Turbulent branch against Colebrook (fixed-point iteration) within 2 %.
  for (double re : {1e4, 1e5, 1e6, 1e7}) {
    const double r = 5e-5;
    double f = 0.02;
    for (int i = 0; i < 50; ++i) {
      const double x = -2.0 * std::log10(r / 3.7 + 2.51 / (re * std::sqrt(f)));
      f = 1.0 / (x * x);
    }
    CHECK(friction::churchill_f(re, r) == Approx(f).epsilon(0.02));
  }
  // dψ/dRe against central differences, both signs, across all regimes.
  double worst = 0;
  for (double re = 1e-2; re < 1e8; re *= 1.7)
    for (double sgn : {1.0, -1.0}) {
      const double x = sgn * re, h = 1e-6 * re;
      const double fd =
          (churchill_psi(x + h, 1e-4).value - churchill_psi(x - h, 1e-4).value) / (2 * h);
      const double an = churchill_psi(x, 1e-4).derivative;
      worst = std::max(worst, std::abs(an - fd) / std::abs(fd));
    }
  INFO("worst relative derivative error " << worst);
  CHECK(worst < 1e-6);
  CHECK(churchill_psi(0.0, 1e-4).value == 0.0);
}

namespace {
std::string level_study(const std::string& elevation, const std::string& points = "") {
  return fmt::format(R"(
study: {{name: level, duration: 10 min, output_interval: 10 min}}
solver: {{rtol: 1e-9, atol: 1e-9}}
oil:
  initial_flow: 700 kg/s
  initial_pressure: 50 bar{}
  pipes:
    - {{name: P1, length: 100 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       roughness: 0.05 mm, max_segment_length: 2 km{}}}
  terminals:
    - {{name: Head, pipe: P1, end: inlet, pressure: 80 bar}}
  injections:
    - {{name: Delivery, pipe: P1, at: 100 km, mass_flow: -700 kg/s}}
  points:
    - {{name: km30, pipe: P1, at: 30 km}}{}
)",
                     kFluid, elevation, points);
}
}  // namespace

TEST_CASE("steady level pipe: Darcy–Weisbach to 1e-6, elevation adds exact hydrostatics",
          "[oil][steady]") {
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15));
  const double nu = walther(293.15, 8.0, 323.15, 4.0, T) * 1e-6, mu = nu * rho;
  const double D = 0.813 - 2 * 0.0119, A = M_PI * D * D / 4, m = 700.0, L = 100e3;
  const double re = m * D / (A * mu);
  const double f = friction::churchill_f(re, 0.05e-3 / D);
  const double V = m / (rho * A);
  const double dp_dw = f * L / D * rho * V * V / 2;

  TestRun flat(level_study(""));
  const double dp = flat.p_node("P1 inlet") - flat.p_node("P1 outlet");
  fmt::print(
      "oil steady: Re {:.0f}, f {:.5f}, Δp {:.6e} Pa (Darcy–Weisbach {:.6e}), rel err {:.2e}\n", re,
      f, dp, dp_dw, std::abs(dp / dp_dw - 1));
  CHECK(dp == Approx(dp_dw).epsilon(1e-6));

  // z: 500 m → 800 m at 30 km → 350 m at 70 km → 300 m at 100 km.
  TestRun hilly(
      level_study(", elevation: {distance: [0, 30 km, 70 km, 100 km], elevation: [500 m, 800 m, "
                  "350 m, 300 m]}"));
  const double dp2 = hilly.p_node("P1 inlet") - hilly.p_node("P1 outlet");
  const double hydro = rho * g0 * (300.0 - 500.0);
  CHECK((dp2 - dp) == Approx(hydro).epsilon(1e-9));
  // At km 30: friction over 30 km plus the climb of 300 m.
  const auto& pt = hilly.get<oil::Point>("km30");
  (void)pt;
  const auto& pipe = hilly.get<oil::Pipe>("P1");
  const double p30 = pipe.point_pressure(hilly.state(), 15);
  CHECK(hilly.p_node("P1 inlet") - p30 == Approx(0.3 * dp_dw + rho * g0 * 300.0).epsilon(1e-9));
}

namespace {
std::string pump_study(const std::string& control, const std::string& pumps = "") {
  return fmt::format(R"(
study: {{name: pump, duration: 2 h, output_interval: 10 min}}
solver: {{rtol: 1e-9, atol: 1e-9}}
oil:
  initial_flow: 600 kg/s
  initial_pressure: 30 bar{}
  route: {{distance: [0, 10 km, 160 km], elevation: [200 m, 200 m, 300 m]}}
  pipes:
    - {{name: Suction, length: 10 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm, friction: 0.015}}
    - {{name: Discharge, length: 150 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       friction: 0.015, max_segment_length: 5 km}}
  stations:
    - name: PS
      upstream: Suction
      downstream: Discharge
      pumps: {{count: 2, arrangement: series, shutoff_head: 300 m, rated_head: 230 m,
              rated_flow: 0.8 m3/s{}}}{}
  terminals:
    - {{name: Tank farm, pipe: Suction, end: inlet, pressure: 3 bar}}
    - {{name: Receipt, pipe: Discharge, end: outlet, pressure: 5 bar}}
)",
                     kFluid, pumps, control);
}
}  // namespace

TEST_CASE("pump operating point equals the pump/system-curve intersection by hand", "[oil][pump]") {
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15));
  const double D = 0.813 - 2 * 0.0119, A = M_PI * D * D / 4, f = 0.015;
  const double k = 70.0 / 0.64, H0 = 300.0, n = 2;
  const double R1 = f * 10e3 / D * rho / (2 * A * A), R2 = f * 150e3 / D * rho / (2 * A * A);
  const double p_in = 3e5, p_out = 5e5, dz = 100.0;

  SECTION("fixed speed 0.95") {
    TestRun run(pump_study("\n      control: {variable: speed, setpoint: 0.95}"));
    const double s = 0.95;
    // ρ g n (H0 s² − k Q²) = p_out − p_in + ρ g Δz + (R1 + R2) Q²
    const double Q = std::sqrt((rho * g0 * n * H0 * s * s - (p_out - p_in) - rho * g0 * dz) /
                               (rho * g0 * n * k + R1 + R2));
    const double m = run.y(run.study->system.find("PS")->offset());
    fmt::print("oil pump: Q {:.9f} m3/s, hand {:.9f}, rel err {:.2e}\n", m / rho, Q,
               std::abs(m / rho / Q - 1));
    CHECK(m / rho == Approx(Q).epsilon(1e-6));
  }
  SECTION("PI control of the discharge pressure") {
    TestRun run(pump_study(
        "\n      control: {variable: discharge, setpoint: 40 bar, proportional_band: 10 bar, "
        "integral_time: 30 s}"));
    const double p_set = 40e5;
    const double Q = std::sqrt((p_set - p_out - rho * g0 * dz) / R2);
    const double p_suc = p_in - R1 * Q * Q;
    const double s = std::sqrt(((p_set - p_suc) / (rho * g0 * n) + k * Q * Q) / H0);
    const int off = run.study->system.find("PS")->offset();
    CHECK(run.y(off) / rho == Approx(Q).epsilon(1e-6));
    CHECK(run.y(off + 1) == Approx(s).epsilon(1e-6));
    CHECK(run.p_node("Discharge inlet") == Approx(p_set).epsilon(1e-9));
    // Electric power = g·ṁ·H/(η_pump·η_motor), η = η_b(2x − x²), x = Q/(s·Q_b): by hand.
    const double H = n * (H0 * s * s - k * Q * Q), x = Q / (s * 0.8);
    const double eta = 0.85 * (2 * x - x * x) * 0.96;
    const auto& st = run.get<oil::Station>("PS");
    CHECK(st.electric_power(run.state()) == Approx(g0 * rho * Q * H / eta).epsilon(1e-6));
  }
  SECTION("the suction-pressure limit overrides the discharge set point (low select)") {
    TestRun run(pump_study(
        "\n      control: {variable: discharge, setpoint: 55 bar, min_suction_pressure: 2 bar}"));
    // The limit binds: p_u = 2 bar fixes Q by the suction pipe, the speed follows.
    const double Q = std::sqrt((p_in - 2e5) / R1);
    const double p_d = p_out + rho * g0 * dz + R2 * Q * Q;
    const double s = std::sqrt(((p_d - 2e5) / (rho * g0 * n) + k * Q * Q) / H0);
    const int off = run.study->system.find("PS")->offset();
    CHECK(run.p_node("Suction outlet") == Approx(2e5).epsilon(1e-9));
    CHECK(run.y(off) / rho == Approx(Q).epsilon(1e-6));
    CHECK(run.y(off + 1) == Approx(s).epsilon(1e-6));
    REQUIRE(!run.events.empty());
    CHECK(run.events[0].message == "control on the minimum suction pressure");
  }
  SECTION("an unreachable set point: the speed limit is a mode, found at the steady start") {
    TestRun run(
        pump_study("\n      control: {variable: discharge, max_speed: 1.02, integral_time: 120 s,\n"
                   "                proportional_band: 50 bar,\n"
                   "                setpoint: {times: [0, 10 min], values: [60 bar, 30 bar], "
                   "interpolation: step}}"));
    const double s = 1.02;
    const double Q = std::sqrt((rho * g0 * n * H0 * s * s - (p_out - p_in) - rho * g0 * dz) /
                               (rho * g0 * n * k + R1 + R2));
    const int off = run.study->system.find("PS")->offset();
    CHECK(run.y(off + 1) == Approx(s).epsilon(1e-9));
    CHECK(run.y(off) / rho == Approx(Q).epsilon(1e-6));
    REQUIRE(!run.events.empty());
    CHECK(run.events[0].message == "speed at its maximum");
    // A set-point step down to 30 bar at 10 min: the controller leaves the limit and
    // settles on the set point at the hand-computed speed.
    run.to(2 * 3600.0);
    const double p_set = 30e5;
    const double Q2 = std::sqrt((p_set - p_out - rho * g0 * dz) / R2);
    const double s2 =
        std::sqrt(((p_set - (p_in - R1 * Q2 * Q2)) / (rho * g0 * n) + k * Q2 * Q2) / H0);
    CHECK(run.p_node("Discharge inlet") == Approx(p_set).epsilon(1e-4));
    CHECK(run.y(off + 1) == Approx(s2).epsilon(1e-4));
    CHECK(std::any_of(run.events.begin(), run.events.end(), [](const EventRecord& e) {
      return e.time == 600.0 && e.message == "speed back under control from its maximum";
    }));
  }
}

TEST_CASE("pump trip with rotor inertia: ω = ω0/(1 + t/τ) under a torque ∝ ω²",
          "[oil][pump][trip]") {
  // A torque curve flat in the flow (T(1, q) = T_R) makes the homologous torque T_R s²:
  // I ω_R s' = −T_R s², so s(t) = s0/(1 + t/τ) with τ = I ω_R/(T_R s0), whatever the flow
  // and the check valves do.
  const double I = 500.0, wR = 1500.0 * 2 * M_PI / 60.0, TR = 2e4, s0 = 0.95, t0 = 60.0;
  TestRun run(pump_study("\n      control: {variable: speed, setpoint: 0.95}\n      trips: [60 s]",
                         ", inertia: 500 kg m2, rated_speed: 1500 rpm,\n              torque: "
                         "{flows: [0.2 m3/s, 0.5 m3/s, 1 m3/s], values: [20 kJ, 20 kJ, 20 kJ]}"));
  const int off = run.study->system.find("PS")->offset();
  const double tau = I * wR / (TR * s0);
  double worst = 0;
  for (double dt : {0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0}) {
    run.to(t0 + dt);
    const double exact = s0 / (1 + dt / tau);
    worst = std::max(worst, std::abs(run.y(off + 1) / exact - 1));
  }
  fmt::print("oil pump rundown: τ = {:.4f} s, worst |ω/ω_exact − 1| {:.2e}\n", tau, worst);
  CHECK(worst < 1e-4);
  const auto& st = run.get<oil::Station>("PS");
  CHECK(!st.running());
}

namespace {
// Reservoir (p0) – pipe (a = 1000 m/s) – valve discharging to p1. ζ = 2·Δp/(ρV²)
// makes V0 = 1 m/s. The valve shuts instantly at t = 1 s.
std::string surge_study(
    double friction, double length, double zeta, double p0, double p1, double dx,
    const std::string& extra = "",
    const std::string& opening = "{times: [0, 1 s], values: [1, 0], interpolation: step}") {
  return fmt::format(R"(
study: {{name: surge, duration: 20 s, output_interval: 1 s}}
solver: {{rtol: 1e-5, atol: 1e-5, max_order: 2, max_step: {}}}
oil:
  initial_flow: 200 kg/s
  initial_pressure: {}{}
  pipes:
    - {{name: P1, length: {}, outer_diameter: 0.5, wall_thickness: 0.01, wave_speed: 1000,
       friction: {}, max_segment_length: {}{}}}
  valves:
    - name: V
      upstream: P1
      outlet_pressure: {}
      loss_coefficient: {}
      opening: {}
  terminals:
    - {{name: Reservoir, pipe: P1, end: inlet, pressure: {}}}
)",
                     dx / 1000.0 / 2, p0, kFluid, length, friction, dx, extra, p1, zeta, opening,
                     p0);
}
}  // namespace

TEST_CASE("instantaneous valve closure: Joukowsky peak and trough, period 4L/a, no ringing",
          "[oil][surge]") {
  // Frictionless reservoir–pipe–valve, 1 km, a = 1000 m/s, V0 = 1 m/s, 100 cells. Exact
  // (characteristics): the valve pressure is a square wave p_s ± ρ a V0 of period 4L/a.
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15)), a = 1000.0, L = 1000.0;
  const double zeta = 2 * 1e5 / rho;  // V0 = 1 m/s
  const double dx = 10.0;             // 100 cells
  TestRun run(surge_study(0.0, L, zeta, 50e5, 49e5, dx));
  REQUIRE(run.get<oil::Pipe>("P1").cells() == 100);
  const double D = 0.48, A = M_PI * D * D / 4;
  const double V0 = run.y(run.study->system.find("V")->offset()) / (rho * A);
  CHECK(V0 == Approx(1.0).epsilon(1e-3));  // the valve law is regularised near zero flow
  const double p_s = run.p_node("P1 outlet");
  const double dpJ = rho * a * V0;
  // Sample the valve pressure every 2 ms for four periods.
  std::vector<double> t, p;
  for (double tt = 1.0; tt <= 1.0 + 4 * 4 * L / a; tt += 0.002) {
    run.to(tt);
    t.push_back(tt);
    p.push_back(run.p_node("P1 outlet") - p_s);
  }
  const double peak = *std::max_element(p.begin(), p.end());
  const double trough = *std::min_element(p.begin(), p.end());
  // Plateau ripple in the fourth period: the spread of each half-period plateau over its
  // middle (0.5–1.5 L/a after each front; the fronts, smeared by the upwinding over eight
  // transits, take ≈ 0.4 L/a to reach the plateau: their 10–90 % rise time is reported).
  double ripple = 0, rise_time = 0;
  for (int h = 6; h < 8; ++h) {
    double lo = 1e300, hi = -1e300, t10 = 0, t90 = 0;
    const double t0 = 1.0 + h * 2 * L / a, sgn = h % 2 == 0 ? 1.0 : -1.0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] > t0 + 0.5 * L / a && t[i] < t0 + 1.5 * L / a)
        lo = std::min(lo, p[i]), hi = std::max(hi, p[i]);
      if (t[i] > t0 - 0.2 * L / a && t[i] < t0 + L / a) {
        if (t10 == 0 && sgn * p[i] > -0.8 * dpJ) t10 = t[i];
        if (t90 == 0 && sgn * p[i] > 0.8 * dpJ) t90 = t[i];
      }
    }
    ripple = std::max(ripple, hi - lo);
    rise_time = std::max(rise_time, t90 - t10);
  }
  // Zero crossings of p − p_s (linear interpolation): spaced 2L/a.
  std::vector<double> cross;
  for (std::size_t i = 1; i < t.size(); ++i)
    if ((p[i - 1] > 0) != (p[i] > 0) && t[i] > 1.1)
      cross.push_back(t[i - 1] + (t[i] - t[i - 1]) * p[i - 1] / (p[i - 1] - p[i]));
  REQUIRE(cross.size() >= 6);
  // Least-squares slope of crossing time against index = half the period.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double nc = static_cast<double>(cross.size());
  for (std::size_t i = 0; i < cross.size(); ++i) {
    const double x = static_cast<double>(i);
    sx += x, sy += cross[i], sxx += x * x, sxy += x * cross[i];
  }
  const double period = 2 * (nc * sxy - sx * sy) / (nc * sxx - sx * sx);
  fmt::print(
      "oil Joukowsky (100 cells): peak {:+.2f} %, trough {:+.2f} % of ρaV0 = {:.5g} Pa; period "
      "{:.5f} s vs 4L/a {:.5f} s ({:+.3f} %); 4th-period ripple {:.3f} % of ρaV0, front 10–90 % "
      "in {:.3f} L/a; {} steps\n",
      100 * (peak / dpJ - 1), 100 * (-trough / dpJ - 1), dpJ, period, 4 * L / a,
      100 * (period / (4 * L / a) - 1), 100 * ripple / dpJ, rise_time * a / L,
      run.integ->stats().steps);
  CHECK(peak == Approx(dpJ).epsilon(0.02));
  CHECK(-trough == Approx(dpJ).epsilon(0.02));
  CHECK(period == Approx(4 * L / a).epsilon(0.01));
  CHECK(ripple < 0.02 * dpJ);
}

TEST_CASE("surge front: the error falls with the grid at the scheme's order", "[oil][surge]") {
  // The profile half a transit after the closure against the exact one. A smooth closure
  // (opening (1 + cos)/2 over 0.2 s, a front 200 m long) gives a smooth front: a second-order
  // scheme's error falls towards Δx² (first-order upwinding: Δx). An instantaneous closure gives a
  // step, where a scheme of order p converges in L1 only as Δx^(p/(p+1)) (2/3 for p = 2, 1/2 for
  // first-order upwinding). The error is measured as a length: ∫|p − p_exact| dx / (ρ a V0), the
  // front's displacement and smearing.
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15)), a = 1000.0, L = 1000.0;
  const double zeta = 2 * 1e5 / rho;
  const double tc = 1.0, Tc = 0.2, t_end = tc + 0.5 * L / a;
  std::string smooth = "{times: [0";
  for (int k = 0; k <= 50; ++k) {
    const double tk = tc + Tc * k / 50.0;
    smooth += fmt::format(", {} s", tk);
  }
  smooth += "], values: [1";
  for (int k = 0; k <= 50; ++k)
    smooth += fmt::format(", {:.12f}", 0.5 * (1 + std::cos(M_PI * k / 50.0)));
  smooth += "], interpolation: linear}";
  auto error = [&](double dx, bool step) {
    TestRun run(step ? surge_study(0.0, L, zeta, 50e5, 49e5, dx)
                     : surge_study(0.0, L, zeta, 50e5, 49e5, dx, "", smooth));
    const auto& pipe = run.get<oil::Pipe>("P1");
    const double p_s = run.p_node("P1 outlet");
    const double A = pipe.area();
    const double V0 = run.y(run.study->system.find("V")->offset()) / (rho * A);
    // The exact valve pressure rise while the closure lasts: Joukowsky on the valve law,
    // Δp = ρ a (V0 − V), ζ ρ V²/(2τ²) = p_s + Δp − p1 (τ the relative opening).
    auto valve_rise = [&](double t) {
      if (step) return t >= tc ? rho * a * V0 : 0.0;
      if (t <= tc) return 0.0;
      if (t >= tc + Tc) return rho * a * V0;
      const double tau = 0.5 * (1 + std::cos(M_PI * (t - tc) / Tc));
      // ζρV²/(2τ²) − ρa(V0 − V) − (p_s − p1) = 0: the positive root in V.
      const double qa = zeta * rho / (2 * tau * tau), qb = rho * a,
                   qc = -(rho * a * V0 + p_s - 49e5);
      const double V = (-qb + std::sqrt(qb * qb - 4 * qa * qc)) / (2 * qa);
      return rho * a * (V0 - V);
    };
    run.to(t_end);
    const int n = pipe.cells();
    double err = 0;
    for (int c = 0; c < n; ++c) {
      // Exact cell average by 20-point midpoint quadrature (the step: exact fraction).
      double ex = 0;
      for (int q = 0; q < 20; ++q) {
        const double x = (c + (q + 0.5) / 20.0) * pipe.dx();
        ex += valve_rise(t_end - (L - x) / a) / 20.0;
      }
      err += std::abs(run.y(pipe.cell_pressure(c)) - p_s - ex) * pipe.dx();
    }
    return err / (rho * a * V0);
  };
  for (bool step : {false, true}) {
    const double e1 = error(20.0, step), e2 = error(10.0, step), e3 = error(5.0, step);
    const double order = std::log2(e2 / e3), order_coarse = std::log2(e1 / e2);
    fmt::print(
        "oil front error ({} closure), 50/100/200 cells: {:.3g} / {:.3g} / {:.3g} m, "
        "order {:.2f}, {:.2f}\n",
        step ? "instantaneous" : "0.2 s cosine", e1, e2, e3, order_coarse, order);
    if (step)
      CHECK(order > 0.6);
    else
      CHECK(order >
            1.3);  // measured 1.25 → 1.39: the limiter clips where the front starts and ends
  }
}

TEST_CASE("valve closure with friction: line packing raises the valve head by ≈ h_f",
          "[oil][surge]") {
  // 10 km, f = 0.02, D = 0.48 m, V0 ≈ 1 m/s: steady friction head h_f ≈ 21 m against a
  // Joukowsky head aV0/g ≈ 102 m. After the front has passed, the head at the closed valve
  // keeps rising: the line packs until the front reaches the reservoir at t = 2L/a, by
  // ≈ h_f in the weak-friction limit (Wylie & Streeter, Fluid Transients, §3.7).
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15)), a = 1000.0, L = 10e3;
  const double D = 0.48, A = M_PI * D * D / 4, f = 0.02;
  const double p0 = 50e5;
  // Valve loss chosen for V0 = 1 m/s with the friction drop included.
  const double dpf = f * L / D * rho / 2;
  const double zeta = 2 * (10e5 - dpf) / rho;
  TestRun run(surge_study(f, L, zeta, p0, 40e5, 50.0));
  const double V0 = run.y(run.study->system.find("V")->offset()) / (rho * A);
  CHECK(V0 == Approx(1.0).epsilon(1e-3));  // the valve law is regularised near zero flow
  const double hf = f * L / D * V0 * V0 / (2 * g0);
  const double h_s = run.p_node("P1 outlet") / (rho * g0);
  // Least-squares line through the valve head over 0.3–1.9 L/a after closure.
  double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0, peak = 0;
  for (double tau = 0.01; tau <= 2.005; tau += 0.01) {
    run.to(1.0 + tau * L / a);
    const double h = run.p_node("P1 outlet") / (rho * g0) - h_s;
    peak = std::max(peak, h);
    if (tau >= 0.3 && tau <= 1.9) sx += tau, sy += h, sxx += tau * tau, sxy += tau * h, n += 1;
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);  // m per (L/a)
  const double jump = (sy - slope * sx) / n;                       // at τ = 0
  const double joukowsky = a * V0 / g0;
  fmt::print(
      "oil line packing (Δx = L/200): h_f {:.3f} m, aV/g {:.3f} m; fitted jump {:.3f} m ({:+.2f} "
      "%), "
      "packing rise over 2L/a {:.3f} m = {:.3f} h_f; first peak {:.3f} m vs aV/g + h_f {:.3f} m "
      "({:+.2f} %)\n",
      hf, joukowsky, jump, 100 * (jump / joukowsky - 1), 2 * slope, 2 * slope / hf, peak,
      joukowsky + hf, 100 * (peak / (joukowsky + hf) - 1));
  // First-order characteristics (friction behind the front is second order): the C+
  // characteristic reaching the valve at t left the front at t/2, where the head ahead
  // was H0 − h_f(1 − at/2L); so H_valve(t) = H_valve,0 + aV0/g + h_f·a t/(2L).
  CHECK(jump == Approx(joukowsky).epsilon(0.02));
  CHECK(2 * slope == Approx(hf).epsilon(0.1));
  // The first peak, when the front has packed the whole line (t = 2L/a): aV0/g + h_f above
  // the steady valve head.
  CHECK(peak == Approx(joukowsky + hf).epsilon(0.02));
}

TEST_CASE("MAOP and vapour-pressure events are found with their location", "[oil][events]") {
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15));
  const double zeta = 2 * 1e5 / rho;
  // 6 bar reservoir: the surge reaches 6 + 8.4 bar (MAOP 12 bar), then falls to
  // 6 − 8.4 bar, below the vapour pressure (0.3 bar).
  TestRun run(surge_study(0.0, 1000.0, zeta, 6e5, 5e5, 20.0, ", maop: 12 bar"));
  run.to(4.0);
  int maop = 0, vap = 0, at_valve = 0;
  for (const auto& e : run.events) {
    if (e.kind != "limit") continue;
    if (e.message.find("MAOP") != std::string::npos &&
        e.message.find("rose") != std::string::npos) {
      ++maop;
      if (e.element == "P1 outlet" && at_valve++ == 0) {
        CHECK(e.message.find("at 1.000 km") != std::string::npos);
        CHECK(e.value == Approx(12e5).epsilon(1e-4));
        CHECK(e.time > 1.0);
        CHECK(e.time < 1.01);
      }
    }
    if (e.message.find("vapour") != std::string::npos &&
        e.message.find("fell") != std::string::npos) {
      ++vap;
      CHECK(e.value == Approx(3e4).margin(200.0));
      CHECK(e.message.find("column separation") != std::string::npos);
    }
  }
  CHECK(maop > 10);  // the front crosses MAOP at every point on its way upstream
  CHECK(vap > 0);
}

TEST_CASE("no cavity and no vapour event where the exact trough stays above vapour pressure",
          "[oil][events][cavity]") {
  // 10 bar reservoir: the exact trough is 10 − ρaV0 = 1.44 bar absolute, above 0.3 bar.
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15));
  TestRun run(surge_study(0.0, 1000.0, 2 * 1e5 / rho, 10e5, 9e5, 10.0));
  const auto& pipe = run.get<oil::Pipe>("P1");
  double p_min = 1e300, v_max = 0;
  for (double t = 1.0; t <= 9.0; t += 0.01) {
    run.to(t);
    for (int k = 0; k <= pipe.cells(); ++k)
      p_min = std::min(p_min, pipe.point_pressure(run.state(), k));
    v_max = std::max(v_max, pipe.vapour_volume(run.state()));
  }
  fmt::print("oil no-cavity case: lowest pressure {:.4g} Pa (exact 1.44e5), vapour volume {}\n",
             p_min, v_max);
  CHECK(p_min == Approx(10e5 - rho * 1000.0).epsilon(0.02));
  CHECK(v_max == 0.0);
  CHECK(std::none_of(run.events.begin(), run.events.end(), [](const EventRecord& e) {
    return e.message.find("vapour") != std::string::npos;
  }));
}

namespace {
// The surge study with a relief valve at the closing valve (52 bar, 10 % accumulation,
// rated for 1.2 times the initial flow).
std::string relief_study(double rated_flow, double dx = 10.0) {
  const double rho = 850.0 * (1 - 7e-4 * (283.15 - 293.15));
  return surge_study(0.0, 1000.0, 2 * 1e5 / rho, 50e5, 49e5, dx) +
         fmt::format(
             "  relief_valves:\n    - {{name: RV, pipe: P1, end: outlet, set_pressure: 52 bar, "
             "accumulation: 0.1, rated_flow: {} m3/s}}\n",
             rated_flow);
}
}  // namespace

TEST_CASE("relief valve: the surge peak held between set pressure and set + accumulation",
          "[oil][relief]") {
  // At the closed valve the C+ characteristic gives p − p_s = Z (m0 − q(p)), Z = a/A, with
  // the relief flow q = ρ Q_r (p − p_set)/Δp_a below full lift: a linear equation for the
  // peak of the first 2L/a (the exact solution of the frictionless line).
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15)), a = 1000.0;
  const double D = 0.48, A = M_PI * D * D / 4, Qr = 1.2 * A;  // 1.2 × Q0 at V0 = 1 m/s
  TestRun run(relief_study(Qr));
  const double p_s = run.p_node("P1 outlet");
  const double m0 = run.y(run.study->system.find("V")->offset());
  const double Z = a / A, ps = 52e5, dpa = 5.2e5, k = rho * Qr / dpa;
  const double exact = (p_s + Z * m0 + Z * k * ps) / (1 + Z * k);
  double peak = 0;
  const int iv = run.study->system.find("RV")->offset() + 1;
  for (double t = 1.0; t <= 9.0; t += 0.002) {
    run.to(t);
    peak = std::max(peak, run.p_node("P1 outlet"));
  }
  // Everything relieved went into the tank: the volume equals the line's lost linefill.
  fmt::print(
      "oil relief valve: peak {:.6g} Pa, exact {:.6g} Pa ({:+.3f} % of the rise), set + "
      "accumulation {:.6g} Pa; relieved {:.4f} m3\n",
      peak, exact, 100 * (peak - exact) / (exact - p_s), ps + dpa, run.y(iv));
  CHECK(peak - p_s == Approx(exact - p_s).epsilon(0.01));
  CHECK(peak > ps);
  CHECK(peak < ps + dpa);
  CHECK(run.y(iv) > 0);
  CHECK(std::any_of(run.events.begin(), run.events.end(), [](const EventRecord& e) {
    return e.message == "relief valve opened at its set pressure";
  }));
  {  // Undersized (0.1 Q0): full lift, the peak is the Joukowsky rise less the rated flow.
    TestRun small(relief_study(0.1 * A));
    double pk = 0;
    for (double t = 1.0; t <= 2.9; t += 0.002) {
      small.to(t);
      pk = std::max(pk, small.p_node("P1 outlet"));
    }
    fmt::print("oil relief valve undersized: rise {:.6g} Pa, exact Z(m0 − ρQ_r) {:.6g} Pa\n",
               pk - p_s, Z * (m0 - rho * 0.1 * A));
    CHECK(pk - p_s == Approx(Z * (m0 - rho * 0.1 * A)).epsilon(0.01));
    CHECK(std::any_of(small.events.begin(), small.events.end(), [](const EventRecord& e) {
      return e.message == "relief valve at full lift (set pressure + accumulation)";
    }));
  }
}

namespace {
// Tank → 4 km → PS (PI on discharge, min suction) → 80 km (offtake at 30 km) → check
// valve → 4 km → tank,
// started from a given, non-steady state; PS trips at 1 h and restarts at 2 h.
std::string network_study(const std::string& solver, const std::string& duration) {
  return fmt::format(R"(
study: {{name: trip, duration: {}, output_interval: 10 min}}
solver: {{{}}}
oil:
  initial_flow: 0 kg/s
  initial_pressure: 10 bar{}
  route: {{distance: [0, 4 km, 88 km], elevation: [320 m, 300 m, 280 m]}}
  pipes:
    - {{name: Suction, length: 4 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 1 km}}
    - {{name: Line, length: 80 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 2 km, maop: 70 bar, friction: 0.016}}
    - {{name: Tail, length: 4 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 1 km}}
  stations:
    - name: PS
      upstream: Suction
      downstream: Line
      pumps: {{count: 2, arrangement: parallel, shutoff_head: 400 m, rated_head: 300 m,
              rated_flow: 0.4 m3/s}}
      control: {{variable: discharge, setpoint: 20 bar, proportional_band: 20 bar,
                integral_time: 60 s, min_suction_pressure: 0.5 bar, max_speed: 1.1}}
      trips: [1 h]
      restarts: [2 h]
      rundown_time: 15 s
  valves:
    - {{name: Check, upstream: Line, downstream: Tail, loss_coefficient: 0.5, check_valve: true}}
  injections:
    - name: Offtake
      pipe: Line
      at: 30 km
      mass_flow: {{times: [0, 30 min, 90 min, 3 h], values: [-50, -150, -150, 0], interpolation: linear}}
  terminals:
    - name: Atasu tank
      pipe: Suction
      end: inlet
      tank: {{area: 3000 m2, initial_level: 12 m}}
    - name: Receipt tank
      pipe: Tail
      end: outlet
      tank: {{area: 3000 m2, initial_level: 6 m}}
)",
                     duration, solver, kFluid);
}
}  // namespace

TEST_CASE("mass is conserved to 1e-8 of the linefill over a 4 h transient with a pump trip",
          "[oil][conservation][trip]") {
  TestRun run(network_study("rtol: 1e-9, atol: 1e-9, initial: given, max_order: 5", "4 h"));
  const auto& sys = run.study->system;
  std::vector<const oil::Pipe*> pipes;
  for (const char* n : {"Suction", "Line", "Tail"}) pipes.push_back(&run.get<oil::Pipe>(n));
  const double rho = pipes[0]->density();
  // Terminal unknowns: mass flow, cumulative mass, tank level.
  const int h1 = sys.find("Atasu tank")->offset() + 2, h2 = sys.find("Receipt tank")->offset() + 2;
  const int c1 = sys.find("Atasu tank")->offset() + 1, c2 = sys.find("Receipt tank")->offset() + 1;
  const int ci = sys.find("Offtake")->offset();
  auto mass = [&]() {
    double m = rho * 3000.0 * (run.y(h1) + run.y(h2));
    for (auto* p : pipes) m += p->linefill(run.state());
    return m;
  };
  // ∫ offtake dt, exact for the piecewise-linear profile.
  auto offtake = [](double t) {
    const double ts[] = {0, 1800, 5400, 10800}, vs[] = {-50, -150, -150, 0};
    double sum = 0;
    for (int i = 0; i < 3; ++i) {
      const double a = ts[i], b = std::min(t, ts[i + 1]);
      if (b <= a) break;
      const double vb = vs[i] + (vs[i + 1] - vs[i]) * (b - a) / (ts[i + 1] - ts[i]);
      sum += 0.5 * (vs[i] + vb) * (b - a);
    }
    if (t > ts[3]) sum += 0.0;
    return sum;
  };
  double linefill = 0;
  for (auto* p : pipes) linefill += p->linefill(run.state());
  const double m0 = mass();
  double worst = 0, worst_total = 0, worst_books = 0;
  const int off = sys.find("PS")->offset();
  double speed_tripped = 0, p_dis_end = 0;
  double line0 = 0;
  for (auto* p : pipes) line0 += p->linefill(run.state());
  const double tanks0 = rho * 3000.0 * (run.y(h1) + run.y(h2));
  for (double t = 600; t <= 4 * 3600; t += 600) {
    run.to(t);
    worst = std::max(worst, std::abs(mass() - m0 - offtake(t)) / linefill);
    // The injection's running total against the profile's exact integral; the terminals'
    // totals against their tanks' levels (ρ A Δh = −M); the line's books: Δlinefill = the
    // sum of the running totals of everything that feeds it.
    worst_total = std::max(worst_total, std::abs(run.y(ci) - offtake(t)) / linefill);
    const double tanks = rho * 3000.0 * (run.y(h1) + run.y(h2));
    worst_books =
        std::max(worst_books, std::abs(tanks - tanks0 + run.y(c1) + run.y(c2)) / linefill);
    double line = 0;
    for (auto* p : pipes) line += p->linefill(run.state());
    worst_books = std::max(worst_books,
                           std::abs(line - line0 - run.y(c1) - run.y(c2) - run.y(ci)) / linefill);
    if (t == 4200) speed_tripped = run.y(off + 1);
  }
  p_dis_end = run.p_node("Line inlet");
  fmt::print(
      "oil conservation: linefill {:.6e} kg, worst |Δmass − ∫flows|/linefill {:.2e}, {} steps\n",
      linefill, worst, run.integ->stats().steps);
  fmt::print("oil running totals: injection vs ∫profile {:.2e}, books {:.2e} of the linefill\n",
             worst_total, worst_books);
  CHECK(worst < 1e-8);
  CHECK(worst_total < 1e-8);
  CHECK(worst_books < 1e-10);
  // The trip and restart happened, the pumps ran down and the control recovered.
  bool tripped = false, restarted = false, bypass = false;
  for (const auto& e : run.events) {
    if (e.kind == "schedule" && e.element == "PS" && e.time == 3600.0) tripped = true;
    if (e.kind == "schedule" && e.element == "PS" && e.time == 7200.0) restarted = true;
    if (e.element == "PS" && e.message.find("bypass opened") != std::string::npos) bypass = true;
  }
  CHECK(tripped);
  CHECK(restarted);
  CHECK(bypass);
  CHECK(speed_tripped < 1e-6);
  CHECK(p_dis_end == Approx(20e5).epsilon(1e-3));
}

TEST_CASE("analytic Jacobian of every oil element equals finite differences", "[oil][jacobian]") {
  auto check_at = [](TestRun& run, const std::vector<double>& times) {
    const System& sys = run.study->system;
    for (double t : times) {
      if (t > 0) run.to(t);
      for (double cj : {0.0, 10.0}) {
        JacobianCheck jc = check_jacobian(sys, run.integ->t(), run.integ->y(), run.integ->yp(), cj);
        INFO("t = " << t << ", cj = " << cj << ": " << jc.describe(sys));
        CHECK(jc.max_error < 1e-5);
      }
    }
  };
  SECTION(
      "pipes (Churchill and fixed f), station in control, tripped and bypass modes, "
      "check valve, tanks, injection") {
    TestRun run(network_study("rtol: 1e-7, atol: 1e-7, initial: given", "3 h"));
    check_at(run, {0.0, 1200.0, 3660.0, 7300.0});
  }
  SECTION("valve open and shut, pressure terminals, frictionless pipes") {
    const double zeta = 2 * 1e5 / 850.0;
    TestRun run(surge_study(0.0, 1000.0, zeta, 50e5, 49e5, 50.0));
    check_at(run, {0.0, 0.5, 1.5});
  }
  SECTION("station tripped against a higher head: pumps' and bypass check valves shut") {
    TestRun run(pump_study("\n      trips: [60 s]\n      rundown_time: 5 s"));
    check_at(run, {30.0, 62.0, 600.0});
    CHECK(std::any_of(run.events.begin(), run.events.end(), [](const EventRecord& e) {
      return e.message == "station check valves shut: flow reversed";
    }));
  }
  SECTION("station with rotor inertia: tripped (torque from the head curve), restart ramp") {
    TestRun run(
        pump_study("\n      trips: [60 s]\n      restarts: [600 s]\n      restart_ramp: 120 s"
                   "\n      control: {variable: speed, setpoint: 0.95}",
                   ", inertia: 300 kg m2, rated_speed: 3000 rpm"));
    check_at(run, {62.0, 80.0, 300.0, 630.0, 800.0});
    CHECK(std::any_of(run.events.begin(), run.events.end(), [](const EventRecord& e) {
      return e.message == "restart ramp done: speed under control";
    }));
  }
  SECTION("relief valve closed, lifting and at full lift") {
    const double A = M_PI * 0.48 * 0.48 / 4;
    TestRun full(relief_study(0.1 * A, 50.0));
    check_at(full, {0.5, 1.3});
    TestRun lifting(relief_study(1.2 * A, 50.0));
    check_at(lifting, {1.3});
  }
  SECTION("station on suction control with a discharge limit") {
    TestRun run(pump_study(
        "\n      control: {variable: suction, setpoint: 2 bar, max_discharge_pressure: 50 bar}"));
    check_at(run, {0.0, 60.0});
  }
  SECTION("equal-percentage and quadratic valves, partly open") {
    for (const char* ch : {"equal_percentage", "quadratic"}) {
      TestRun run(
          surge_study(0.02, 1000.0, 5.0, 50e5, 45e5, 100.0, "",
                      fmt::format("{{times: [0, 10 s], values: [1, 0.3], interpolation: linear}}\n"
                                  "      characteristic: {}",
                                  ch)));
      check_at(run, {0.0, 5.0});
    }
  }
}

TEST_CASE("Korteweg wave speed and Walther viscosity from the fluid and the pipe wall",
          "[oil][fluid]") {
  TestRun run(level_study(""));
  const auto& pipe = run.get<oil::Pipe>("P1");
  const double T = 283.15, rho = 850.0 * (1 - 7e-4 * (T - 293.15));
  const double K = 1.5e9, D = 0.813 - 2 * 0.0119, e = 0.0119, E = 2.07e11, c = 0.91;
  const double a = std::sqrt(K / rho / (1 + c * K * D / (E * e)));
  CHECK(pipe.wave_speed() == Approx(a).epsilon(1e-12));
  CHECK(a > 1090);
  CHECK(a < 1115);
  CHECK(pipe.density() == Approx(rho).epsilon(1e-12));
  // Winter (0 °C) crude is more viscous than summer (30 °C): the Walther line through
  // 8 cSt at 20 °C and 4 cSt at 50 °C.
  oil::Fluid f;
  f.fit_walther(293.15, 8e-6, 323.15, 4e-6);
  CHECK(f.kinematic_viscosity(293.15) == Approx(8e-6).epsilon(1e-12));
  CHECK(f.kinematic_viscosity(323.15) == Approx(4e-6).epsilon(1e-12));
  CHECK(f.kinematic_viscosity(273.15) * 1e6 ==
        Approx(walther(293.15, 8, 323.15, 4, 273.15)).epsilon(1e-12));
  CHECK(f.kinematic_viscosity(273.15) > 1.5 * f.kinematic_viscosity(303.15));
}

TEST_CASE("results: stations, profiles with a distance coordinate, events with location",
          "[oil][output]") {
  auto study = load_study_text(network_study("rtol: 1e-6, atol: 1e-6, initial: given", "80 min"),
                               "test.yaml", {}, domains());
  RunOptions opt;
  opt.output = "/tmp/steppe_test_oil_output.h5";
  opt.progress = ProgressMode::Quiet;
  RunResult r = run_study(*study, opt);
  REQUIRE(r.exit_code == 0);
  hid_t f = H5Fopen(opt.output.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  auto dims = [&](const char* path) {
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    REQUIRE(d >= 0);
    hid_t sp = H5Dget_space(d);
    hsize_t dd[2] = {0, 0};
    const int rank = H5Sget_simple_extent_dims(sp, dd, nullptr);
    H5Sclose(sp);
    H5Dclose(d);
    return std::vector<hsize_t>(dd, dd + rank);
  };
  const auto& line = dynamic_cast<const oil::Pipe&>(*study->system.find("Line"));
  const hsize_t np = static_cast<hsize_t>(line.segments() + 1);
  CHECK(dims("/oil/profiles/Line/distance") == std::vector<hsize_t>{np});
  CHECK(dims("/oil/profiles/Line/pressure") == std::vector<hsize_t>{9, np});
  CHECK(dims("/oil/profiles/Line/head")[1] == np);
  CHECK(dims("/oil/stations/electric_power") == std::vector<hsize_t>{9, 1});
  CHECK(dims("/oil/stations/annual_rate") == std::vector<hsize_t>{9, 1});
  CHECK(dims("/oil/pipes/max_pressure") == std::vector<hsize_t>{9, 3});
  CHECK(dims("/oil/pipes/linefill_mass") == std::vector<hsize_t>{9, 3});
  CHECK(dims("/oil/terminals/level") == std::vector<hsize_t>{9, 2});
  CHECK(dims("/oil/injections/mass_flow") == std::vector<hsize_t>{9, 1});
  CHECK(dims("/oil/valves/open") == std::vector<hsize_t>{9, 1});
  // The distance coordinate runs along the route: Line starts at km 4.
  hid_t d = H5Dopen2(f, "/oil/profiles/Line/distance", H5P_DEFAULT);
  std::vector<double> x(np);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.data());
  H5Dclose(d);
  CHECK(x.front() == 4e3);
  CHECK(x.back() == 84e3);
  CHECK(dims("/events/time")[0] >= 1);
  H5Fclose(f);
  std::remove(opt.output.c_str());
}
