// Surge tanks and air vessels (models/oil/surge_vessel.cpp) against independent oracles:
//   - the mass oscillation of a frictionless reservoir–pipe–surge tank system after an
//     instantaneous closure: period from x tan x = gAL/(a²A_t) (the pipe's compressibility
//     included; the rigid-column 2π√(L A_t/(gA)) as x → 0), amplitude V0√(LA/(gA_t));
//   - an open tank overflowing its crest: the rigid-column equations with Francis' weir
//     integrated by hand (RK4), for the highest level and the volume spilled;
//   - an air vessel at a closing valve: peak and trough where the polytropic work of the gas
//     equals the column's kinetic energy ½ρLAV0² (rigid column, energy);
//   - a throttled air vessel: the pressure jump at the closure from the C+ characteristic
//     and the throttle law (a quadratic in the vessel's inflow);
//   - the analytic Jacobian against finite differences in every mode;
//   - bad input with its location.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/study/study.hpp"
#include "study_run.hpp"

using namespace steppe;

namespace {

constexpr double g0 = 9.80665, p_atm = 101325.0;

// Reservoir (3 bar) – 500 m frictionless pipe (a = 1000 m/s, D = 0.48 m, 50 cells) – valve
// to 2 bar with ζ for V0 = 1 m/s, shut instantly at t = 1 s; `vessel` at the pipe's outlet.
std::string vessel_study(const std::string& vessel, double dx = 10.0) {
  return fmt::format(R"(
study: {{name: vessel, duration: 200 s, output_interval: 1 s}}
solver: {{rtol: 1e-7, atol: 1e-7, max_order: 2}}
oil:
  initial_flow: 155 kg/s
  initial_pressure: 3 bar
  fluids:
    - {{name: Crude, density: 850 kg/m3, reference_temperature: 20 degC,
       thermal_expansion: 7e-4, viscosity: 8 cSt, temperature: 10 degC}}
  pipes:
    - {{name: P1, length: 500 m, outer_diameter: 0.5, wall_thickness: 0.01, wave_speed: 1000,
       friction: 0, max_segment_length: {} m}}
  valves:
    - name: V
      upstream: P1
      outlet_pressure: 2 bar
      loss_coefficient: {}
      opening: {{times: [0, 1 s], values: [1, 0], interpolation: step}}
  terminals:
    - {{name: Reservoir, pipe: P1, end: inlet, pressure: 3 bar}}
  surge_vessels:
    - {}
)",
                     dx, 2 * 1e5 / 856.0, vessel);
}

struct Run : testing::StudyRun {
  using StudyRun::StudyRun;
  const oil::Pipe& pipe() const { return get<oil::Pipe>("P1"); }
  double rho() const { return pipe().density(); }
  double m0() const { return y(study->system.find("V")->offset()); }
  double p_node() const { return y(pipe().outlet().pressure()); }
  double vessel(int k) const { return value("SV", k); }  // q, V, (S)
};

// The root of f in [a, b] (f(a), f(b) of opposite signs) by bisection.
double bisect(const std::function<double(double)>& f, double a, double b) {
  double fa = f(a);
  for (int i = 0; i < 200; ++i) {
    const double m = 0.5 * (a + b), fm = f(m);
    if ((fm > 0) == (fa > 0))
      a = m, fa = fm;
    else
      b = m;
  }
  return 0.5 * (a + b);
}

}  // namespace

TEST_CASE("open surge tank: mass-oscillation period and amplitude", "[oil][surge_vessel]") {
  const double At = 0.5, L = 500.0, a = 1000.0;
  Run run(vessel_study(fmt::format(
      "{{name: SV, pipe: P1, end: outlet, type: open, area: {} m2, height: 40 m}}", At)));
  const double rho = run.rho(), A = run.pipe().area(), V0 = run.m0() / (rho * A);
  CHECK(V0 == Approx(1.0).epsilon(1e-3));
  // The steady level is the line's head at the connection.
  const double h0 = run.vessel(1) / At;
  CHECK(h0 == Approx((run.p_node() - p_atm) / (rho * g0)).epsilon(1e-9));
  CHECK(run.p_node() == Approx(3e5).epsilon(1e-9));
  // Exact (linear, frictionless): x tan x = β, T = 2πL/(a x); the rigid-column amplitude.
  const double beta = g0 * A * L / (a * a * At);
  const double x = bisect([&](double z) { return z * std::tan(z) - beta; }, 1e-9, 1.5);
  const double T = 2 * M_PI * L / (a * x), T_rigid = 2 * M_PI * std::sqrt(L * At / (g0 * A));
  const double Z = V0 * std::sqrt(L * A / (g0 * At));
  double hi = -1e300, lo = 1e300;
  std::vector<double> up;  // upward crossings of the steady level
  double prev = 0, tprev = 1.0;
  for (double t = 1.0; t <= 1.0 + 2.3 * T; t += 0.1) {
    run.to(t);
    const double z = run.vessel(1) / At - h0;
    hi = std::max(hi, z), lo = std::min(lo, z);
    if (t > 1.5 && prev < 0 && z >= 0) up.push_back(tprev + (t - tprev) * prev / (prev - z));
    prev = z, tprev = t;
  }
  REQUIRE(up.size() >= 2);
  const double period = up[1] - up[0];
  fmt::print(
      "oil surge tank: period {:.4f} s vs x tan x = β {:.4f} s ({:+.3f} %; rigid column {:.4f} "
      "s); peak {:.4f} m, trough {:.4f} m vs ±{:.4f} m ({:+.3f} %, {:+.3f} %); {} steps\n",
      period, T, 100 * (period / T - 1), T_rigid, hi, lo, Z, 100 * (hi / Z - 1),
      100 * (-lo / Z - 1), run.integ->stats().steps);
  CHECK(period == Approx(T).epsilon(0.002));
  CHECK(hi == Approx(Z).epsilon(0.01));
  CHECK(-lo == Approx(Z).epsilon(0.01));
}

TEST_CASE("open surge tank overflowing its crest: highest level and volume spilled",
          "[oil][surge_vessel]") {
  // Crest 1.34 m above the steady level, below the 4.3 m swing: the tank spills. Oracle:
  // the rigid column L/(gA) Q' = −z, A_t z' = Q − Q_w(z), Q_w = 1.84·2√(πA_t)·(z − z_c)^1.5,
  // integrated by RK4 (the weir written without the model's 1 mm smoothing).
  const double At = 0.5, L = 500.0;
  Run run(vessel_study(fmt::format(
      "{{name: SV, pipe: P1, end: outlet, type: open, area: {} m2, height: 25 m}}", At)));
  const double rho = run.rho(), A = run.pipe().area(), Q0 = run.m0() / rho;
  const double h0 = run.vessel(1) / At, zc = 25.0 - h0, Lw = 2 * std::sqrt(M_PI * At);
  double hmax = 0;
  for (double t = 1.0; t <= 60.0; t += 0.05) {
    run.to(t);
    hmax = std::max(hmax, run.vessel(1) / At);
  }
  const double spilled = run.vessel(2);
  // Rigid column by hand.
  auto rhs = [&](const double* s, double* d) {
    const double w = s[1] - zc, qw = w > 0 ? 1.84 * Lw * w * std::sqrt(w) : 0.0;
    d[0] = -g0 * A / L * s[1];
    d[1] = (s[0] - qw) / At;
    d[2] = qw;
  };
  double s[3] = {Q0, 0.0, 0.0}, zmax = 0;
  const double dt = 1e-3;
  for (double t = 0; t < 59.0; t += dt) {
    double k1[3], k2[3], k3[3], k4[3], u[3];
    rhs(s, k1);
    for (int i = 0; i < 3; ++i) u[i] = s[i] + 0.5 * dt * k1[i];
    rhs(u, k2);
    for (int i = 0; i < 3; ++i) u[i] = s[i] + 0.5 * dt * k2[i];
    rhs(u, k3);
    for (int i = 0; i < 3; ++i) u[i] = s[i] + dt * k3[i];
    rhs(u, k4);
    for (int i = 0; i < 3; ++i) s[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    zmax = std::max(zmax, s[1]);
  }
  fmt::print(
      "oil surge tank overflow: highest level {:.4f} m vs rigid column {:.4f} m (crest {:.4f} "
      "m); spilled {:.5f} m3 vs {:.5f} m3 ({:+.3f} %)\n",
      hmax, h0 + zmax, 25.0, spilled, s[2], 100 * (spilled / s[2] - 1));
  CHECK(hmax - 25.0 == Approx(h0 + zmax - 25.0).epsilon(0.05));
  CHECK(spilled == Approx(s[2]).epsilon(0.01));
  CHECK(run.count("mode", "SV") >= 2);  // overflowing, then back below the crest
  CHECK(std::any_of(run.events.begin(), run.events.end(), [](const EventRecord& e) {
    return e.message == "surge tank overflowing its crest";
  }));
}

TEST_CASE("air vessel: peak and trough from the gas's polytropic work (rigid column)",
          "[oil][surge_vessel]") {
  const double VT = 30.0, Vg0 = 19.0, n = 1.2, L = 500.0, a = 1000.0;
  Run run(vessel_study(fmt::format(
      "{{name: SV, pipe: P1, end: outlet, type: air_vessel, volume: {} m3, gas_volume: {} m3, "
      "polytropic_exponent: {}}}",
      VT, Vg0, n)));
  const double rho = run.rho(), A = run.pipe().area(), m0 = run.m0(), p0 = run.p_node();
  CHECK(VT - run.vessel(1) == Approx(Vg0).epsilon(1e-9));  // the gas volume at the start
  CHECK(run.vessel(0) == Approx(0.0).margin(1e-6));
  // ½ m0² L/(ρA) = p0 Vg0/(n−1)[(Vg0/V)^(n−1) − 1] − p0 (Vg0 − V) at both turning points.
  const double ke = 0.5 * m0 * m0 * L / (rho * A);
  auto work = [&](double v) {
    return p0 * Vg0 / (n - 1) * (std::pow(Vg0 / v, n - 1) - 1) - p0 * (Vg0 - v) - ke;
  };
  const double vmin = bisect(work, 1e-3 * Vg0, Vg0), vmax = bisect(work, Vg0, VT);
  const double pmax = p0 * std::pow(Vg0 / vmin, n), pmin = p0 * std::pow(Vg0 / vmax, n);
  double hi = 0, lo = 1e300;
  for (double t = 1.0; t <= 80.0; t += 0.05) {
    run.to(t);
    hi = std::max(hi, run.p_node()), lo = std::min(lo, run.p_node());
  }
  fmt::print(
      "oil air vessel: rise {:.6g} Pa vs {:.6g} Pa ({:+.3f} %), fall {:.6g} Pa vs {:.6g} Pa "
      "({:+.3f} %); without it Joukowsky ρaV0 = {:.6g} Pa; {} steps\n",
      hi - p0, pmax - p0, 100 * ((hi - p0) / (pmax - p0) - 1), p0 - lo, p0 - pmin,
      100 * ((p0 - lo) / (p0 - pmin) - 1), a * m0 / A, run.integ->stats().steps);
  CHECK(hi - p0 == Approx(pmax - p0).epsilon(0.01));
  CHECK(p0 - lo == Approx(p0 - pmin).epsilon(0.01));
}

TEST_CASE("throttled air vessel: the pressure jump at closure", "[oil][surge_vessel]") {
  // Before the reflection returns (t − t_c < 2L/a): p − p0 = Z(m0 − q) on the C+
  // characteristic (Z = a/A) and p − p_g = R q² through the throttle, p_g ≈ p0 so soon after
  // the closure: R q² + Z q − Z m0 = 0.
  const double zeta = 5.0, dc = 0.2, a = 1000.0;
  Run run(vessel_study(fmt::format(
      "{{name: SV, pipe: P1, end: outlet, type: air_vessel, volume: 30 m3, gas_volume: 19 m3, "
      "loss_coefficient: {}, connection_diameter: {} m}}",
      zeta, dc)));
  const double rho = run.rho(), A = run.pipe().area(), m0 = run.m0(), p0 = run.p_node();
  const double Ac = M_PI * dc * dc / 4, R = zeta / (2 * rho * Ac * Ac), Z = a / A;
  const double q = (-Z + std::sqrt(Z * Z + 4 * R * Z * m0)) / (2 * R);
  run.to(1.02);
  const double jump = run.p_node() - p0;
  fmt::print("oil throttled air vessel: jump {:.6g} Pa vs Z(m0 − q) {:.6g} Pa ({:+.3f} %)\n", jump,
             Z * (m0 - q), 100 * (jump / (Z * (m0 - q)) - 1));
  CHECK(jump == Approx(Z * (m0 - q)).epsilon(0.01));
}

TEST_CASE("surge vessels: analytic Jacobian equals finite differences in every mode",
          "[oil][surge_vessel][jacobian]") {
  auto check_at = [](Run& run, const std::vector<double>& times) {
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
  SECTION("open tank with a throttle: normal and overflowing") {
    Run run(
        vessel_study("{name: SV, pipe: P1, end: outlet, type: open, area: 0.5 m2, height: 25 m, "
                     "loss_coefficient: 2, connection_diameter: 0.3 m}",
                     50.0));
    check_at(run, {0.0, 1.5});
    for (double t = 2.0; t < 30.0 && run.count("mode", "SV") == 0; t += 0.5) run.to(t);
    REQUIRE(run.count("mode", "SV") == 1);  // overflowing now
    check_at(run, {run.integ->t() + 0.2});
  }
  SECTION("air vessel with a throttle") {
    Run run(vessel_study(
        "{name: SV, pipe: P1, end: outlet, type: air_vessel, volume: 30 m3, gas_volume: 19 m3, "
        "loss_coefficient: 5, connection_diameter: 0.2 m}",
        50.0));
    check_at(run, {0.0, 1.02, 10.0});
  }
}

TEST_CASE("surge vessels: bad input with its location", "[oil][surge_vessel][input]") {
  auto error_of = [](const std::string& vessel) -> std::string {
    try {
      load_study_text(vessel_study(vessel), "test.yaml", {}, domains());
    } catch (const InputError& e) {
      INFO(e.what());
      CHECK(e.diagnostics().size() == 1);  // one fault, one error
      return e.what();
    }
    return "";
  };
  const std::string no_volume =
      error_of("{name: SV, pipe: P1, type: air_vessel, gas_volume: 19 m3}");
  CHECK(no_volume.find("test.yaml:22:7") != std::string::npos);
  CHECK(no_volume.find("oil.surge_vessels[0].volume") != std::string::npos);
  CHECK(no_volume.find("missing required key 'volume'") != std::string::npos);
  CHECK(error_of("{name: SV, pipe: P1, type: air_vessel, volume: 10 m3, gas_volume: 19 m3}")
            .find("gas_volume: must lie in (0, volume)") != std::string::npos);
  CHECK(error_of("{name: SV, pipe: P1, type: open, height: 20 m}")
            .find("missing required key 'area'") != std::string::npos);
  CHECK(error_of("{name: SV, pipe: P1, end: inlet, area: 1 m2, height: 20 m}")
            .find("held by a terminal") != std::string::npos);
  CHECK(error_of("{name: SV, pipe: P1, type: air_vessl, volume: 10 m3}")
            .find("did you mean 'air_vessel'") != std::string::npos);
}

TEST_CASE("a surge tank that drains stops the run with a nonphysical event",
          "[oil][surge_vessel]") {
  // A_t = 0.015 m²: the rigid-column swing V0√(LA/(gA_t)) = 24.8 m exceeds the steady level
  // 23.7 m, so the tank empties on the first down-swing, near 3T/4 = 9.8 s after closure.
  Run run(vessel_study("{name: SV, pipe: P1, type: open, area: 0.015 m2, height: 60 m}"));
  const double At = 0.015, L = 500.0, A = run.pipe().area(), V0 = run.m0() / (run.rho() * A);
  const double h0 = run.vessel(1) / At, Z = V0 * std::sqrt(L * A / (g0 * At));
  // ω from x tan x = gAL/(a²A_t) (here 0.059: the pipe's compressibility lowers ω by 1 %).
  const double beta = g0 * A * L / (1e6 * At);
  const double w = 1000.0 / L * bisect([&](double z) { return z * std::tan(z) - beta; }, 1e-9, 1.5);
  const double t_drain = 1.0 + (M_PI + std::asin(h0 / Z)) / w;  // Z sin ωt = −h0
  CHECK_THROWS_AS(run.to(30.0), SolverFailure);
  const auto it = std::find_if(run.events.begin(), run.events.end(), [](const EventRecord& e) {
    return e.kind == "nonphysical" && e.element == "SV";
  });
  REQUIRE(it != run.events.end());
  fmt::print("oil surge tank drained at {:.4f} s (linear oscillation {:.4f} s, {:+.2f} %)\n",
             it->time, t_drain, 100 * (it->time / t_drain - 1));
  CHECK(it->message == "surge tank drained: air would enter the line");
  CHECK(it->time == Approx(t_drain).epsilon(0.01));
}
