// The energy equation of the gas network (gas.energy) against independent oracles:
//   a steady buried pipe, ideal gas: T(x) = T_g + (T_0 − T_g)·exp(−x·UπD/(ṁc_p)) (closed form)
//   the same with a real gas (Papay): the coupled steady ODEs for p(x), T(x) integrated by RK4,
//     dp/dx = −λṁ²/(2DA²ρ(p,T)),  c_p dT/dx = −UπD(T − T_g)/ṁ − (∂h/∂p)_T dp/dx,
//     and the classical closed form T_∞ + (T_0 − T_∞)e^(−ax), T_∞ = T_g + μ_JT·G/a
//   total energy over a transient: ΔU = H_in − H_out − Q_ground
//   a compressor's polytropic discharge temperature T_s·r^m and its after-cooler's duty
//     ṁ·c_p·(T_d − T_set) (ideal gas)
// plus the analytic Jacobian against finite differences and bad input with its location.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "models/common/gas_law.hpp"
#include "models/domains.hpp"
#include "models/gas/network.hpp"
#include "models/gas/pipe.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/study/study.hpp"
#include "study_run.hpp"

using namespace steppe;
using testing::StudyRun;

namespace {

constexpr double kPi = std::numbers::pi;

// Supply (70 bar, T_s) → pipe P (L, D 1 m, fixed λ) → offtake; ground at T_g.
std::string buried_pipe(const std::string& fluid, double length_km, double dx_km,
                        const std::string& demand, const std::string& extra = "",
                        const std::string& duration = "1 h") {
  return fmt::format(R"(
study: {{name: e, duration: {}, output_interval: 30 min}}
solver: {{rtol: 1e-9, atol: 1e-9, max_order: 2}}
gas:
  fluid: {}
  energy: {{ground_temperature: 280 K, heat_transfer_coefficient: 2 W/m2/K}}
  nodes:
    - {{name: In, initial_pressure: 70 bar}}
    - {{name: Out, initial_pressure: 65 bar}}
  pipes:
    - {{name: P, from: In, to: Out, length: {} km, diameter: 1 m, lambda: 0.0095,
       max_segment_length: {} km, profile: true}}
  supplies:
    - {{name: S, node: In, pressure: 70 bar, temperature: 310 K}}
  offtakes:
    - {{name: D, node: Out, mass_flow: {}}}
{}
)",
                     duration, fluid, length_km, dx_km, demand, extra);
}

const gas::GasPipe& pipe(const StudyRun& r, const std::string& n = "P") {
  return r.get<gas::GasPipe>(n);
}
// Temperature at point i of a pipe (0 and N are its nodes').
double temperature(const StudyRun& r, const gas::GasPipe& p, int i) {
  return r.y(p.pressure_index(i) + 1);
}

// Tolerance 1e-4: finite differences of enthalpy differences across the tables' cells.
void check_jacobian_here(const StudyRun& run, double tol = 1e-4) {
  for (double cj : {0.0, 1e-2, 10.0}) {
    const JacobianCheck jc =
        check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
    INFO(jc.describe(run.system()));
    CHECK(jc.max_error < tol);
  }
}

}  // namespace

TEST_CASE("steady buried pipe, ideal gas: exponential decay toward the ground temperature",
          "[gas][energy][closed-form]") {
  // a = UπD/(ṁ c_p) = 2π/(100·2200) per m: 2.86 decay lengths over 100 km.
  StudyRun run(
      buried_pipe("{specific_gravity: 0.6, temperature: 300 K, heat_capacity: 2200 J/kg/K}", 100, 2,
                  "100 kg/s"));
  const gas::GasPipe& p = pipe(run);
  const double a = 2.0 * kPi * 1.0 / (100.0 * 2200.0), tg = 280.0, t0 = 310.0;
  double worst = 0.0;
  for (int i = 0; i <= p.segments(); ++i) {
    const double x = i * 100e3 / p.segments();
    const double exact = tg + (t0 - tg) * std::exp(-a * x);
    worst = std::max(worst, std::abs(temperature(run, p, i) - exact) / (t0 - tg));
  }
  INFO("worst error relative to T_0 − T_g: " << worst);
  CHECK(worst < 1e-4);
  // The outlet, 2.86 decay lengths on: 30 K·e^(−2.86) above the ground.
  CHECK(temperature(run, p, p.segments()) - tg ==
        Approx(30.0 * std::exp(-a * 100e3)).epsilon(1e-4));
  check_jacobian_here(run);
}

TEST_CASE("steady buried pipe, real gas: the Joule–Thomson term", "[gas][energy][closed-form]") {
  // Papay (G 0.6) with c_p° 2200 J/kg/K: oracle RK4 on the coupled steady ODEs, with the
  // law's own ρ(p, T) and h(p, T) (not the table the run uses).
  const std::string fluid =
      "{specific_gravity: 0.6, temperature: 300 K, law: papay, heat_capacity: 2200 J/kg/K}";
  const double L = 100e3, D = 1.0, A = kPi / 4, lambda = 0.0095, m = 250.0, tg = 280.0;
  const double k = 2.0 * kPi * D;  // U·π·D
  StudyRun run(buried_pipe(fluid, 100, 1, "250 kg/s"));
  const gas::GasPipe& p = pipe(run);
  const gas::GasProperties& g = run.get<gas::GasNetwork>("total").gas();
  auto rhs = [&](double pr, double t, double* dp, double* dt) {
    const gas::LawPoint q = g.law_point(pr, t);
    *dp = -lambda * m * m / (2 * D * A * A * q.rho);
    *dt = (-k * (t - tg) / m - q.h_p * *dp) / q.h_t;
  };
  double pr = 70e5, t = 310.0;
  const int steps = 20000;
  const double h = L / steps;
  double worst = 0.0, jt = 0.0;
  for (int s = 0; s <= steps; ++s) {
    if (s % (steps / p.segments()) == 0) {
      const int i = s / (steps / p.segments());
      worst = std::max(worst, std::abs(temperature(run, p, i) - t) / (310.0 - tg));
    }
    if (s == steps) break;
    double k1p, k1t, k2p, k2t, k3p, k3t, k4p, k4t;
    rhs(pr, t, &k1p, &k1t);
    rhs(pr + h / 2 * k1p, t + h / 2 * k1t, &k2p, &k2t);
    rhs(pr + h / 2 * k2p, t + h / 2 * k2t, &k3p, &k3t);
    rhs(pr + h * k3p, t + h * k3t, &k4p, &k4t);
    pr += h / 6 * (k1p + 2 * k2p + 2 * k3p + k4p);
    t += h / 6 * (k1t + 2 * k2t + 2 * k3t + k4t);
  }
  INFO("worst error relative to T_0 − T_g: " << worst << "; outlet " << t << " K, " << pr << " Pa");
  CHECK(worst < 1e-4);
  CHECK(run.value("Out") == Approx(pr).epsilon(1e-5));
  // The classical closed form with mean μ_JT, c_p and gradient G: the JT term is the
  // difference from the ideal-gas decay, several tenths of a kelvin here.
  const double pm = 0.5 * (70e5 + pr), tm = 0.5 * (310.0 + t);
  const gas::LawPoint q = g.law_point(pm, tm);
  const double mu = -q.h_p / q.h_t, a = k / (m * q.h_t), G = (pr - 70e5) / L;
  const double t_inf = tg + mu * G / a;
  const double closed = t_inf + (310.0 - t_inf) * std::exp(-a * L);
  const double ideal = tg + (310.0 - tg) * std::exp(-a * L);
  jt = closed - ideal;
  INFO("JT term " << jt << " K; closed form " << closed << " K; run "
                  << temperature(run, p, p.segments()));
  CHECK(jt < -0.3);
  CHECK(temperature(run, p, p.segments()) - ideal == Approx(jt).epsilon(0.03));
  check_jacobian_here(run);
}

TEST_CASE("energy balance of a transient: ΔU = H_in − H_out − Q_ground",
          "[gas][energy][conservation]") {
  // Two pipes joined by a valve; the demand swings, the supply temperature steps, the
  // ground warms.
  const std::string text = R"(
study: {name: e, duration: 8 h, output_interval: 30 min}
solver: {rtol: 1e-9, atol: 1e-9, max_order: 2}
gas:
  fluid: {specific_gravity: 0.6, temperature: 290 K, law: papay}
  energy: {ground_temperature: {times: [0, 8 h], values: [275 K, 283 K]},
           heat_transfer_coefficient: 2.5 W/m2/K}
  nodes:
    - {name: In, initial_pressure: 70 bar}
    - {name: V1, initial_pressure: 68 bar}
    - {name: V2, initial_pressure: 68 bar}
    - {name: Out, initial_pressure: 65 bar}
  pipes:
    - {name: P1, from: In, to: V1, length: 40 km, diameter: 800 mm, max_segment_length: 5 km}
    - {name: P2, from: V2, to: Out, length: 30 km, diameter: 800 mm, max_segment_length: 5 km}
  valves:
    - {name: V, from: V1, to: V2, kind: valve}
  supplies:
    - {name: S, node: In, pressure: 70 bar,
       temperature: {times: [0, 2 h], values: [300 K, 315 K], interpolation: step}}
  offtakes:
    - {name: D, node: Out, mass_flow: {times: [0, 1 h, 4 h, 8 h], values: [80, 80, 160, 60]}}
)";
  StudyRun run(text);
  const auto& sys = run.system();
  auto internal_energy = [&](const double* y) {
    // Σ V(ρh − p) over every cell: the pipes' interior points and the nodes.
    const auto& net = run.get<gas::GasNetwork>("total");
    const gas::FlowModel& fm = net.flow();
    double u = 0.0;
    for (const auto& c : sys.components()) {
      if (auto* node = dynamic_cast<const gas::GasNode*>(c.get())) {
        double z[gas::kMaxVars];
        for (int k = 0; k < fm.vars(); ++k) z[k] = y[node->cell().idx[k]];
        gas::CellThermo t;
        fm.cell(z, &t);
        u += node->volume() * (t.rho * t.h - z[0]);
      }
      if (auto* p = dynamic_cast<const gas::GasPipe*>(c.get())) {
        const double vol = kPi * 0.8 * 0.8 / 4 * 5e3;
        for (int i = 1; i < p->segments(); ++i) {
          double z[gas::kMaxVars];
          for (int k = 0; k < fm.vars(); ++k) z[k] = y[p->pressure_index(i) + k];
          gas::CellThermo t;
          fm.cell(z, &t);
          u += vol * (t.rho * t.h - z[0]);
        }
      }
    }
    return u;
  };
  const double u0 = internal_energy(run.integ->y());
  check_jacobian_here(run);
  run.to(3 * 3600.0);
  check_jacobian_here(run);
  run.to(8 * 3600.0);
  const double u1 = internal_energy(run.integ->y());
  const double h_in = run.value("S", 2), h_out = run.value("D", 1);
  const double q = run.y(pipe(run, "P1").heat_index()) + run.y(pipe(run, "P2").heat_index());
  const double scale = std::max({std::abs(h_in), std::abs(h_out), std::abs(q), std::abs(u1 - u0)});
  INFO("ΔU " << u1 - u0 << " J, H_in " << h_in << ", H_out " << h_out << ", Q " << q);
  CHECK(std::abs((u1 - u0) - (h_in - h_out - q)) < 1e-6 * scale);
  CHECK(std::abs(q) > 1e9);  // the ground took a real share
}

TEST_CASE("compressor discharge temperature and the after-cooler's duty", "[gas][energy][cooler]") {
  // Ideal gas, c_p° = 2200 J/kg/K: T_d = T_s·(p_d/p_s)^m, m = (κ − 1)/(κ·η_p), and the
  // cooler takes ṁ·c_p·(T_d − T_set).
  const std::string text = R"(
study: {name: e, duration: 2 h, output_interval: 30 min}
solver: {rtol: 1e-9, atol: 1e-9, max_order: 2}
gas:
  fluid: {specific_gravity: 0.6, temperature: 290 K, heat_capacity: 2200 J/kg/K}
  energy: {ground_temperature: 285 K, heat_transfer_coefficient: 2 W/m2/K}
  nodes:
    - {name: In, initial_pressure: 55 bar}
    - {name: Suction, initial_pressure: 50 bar}
    - {name: Discharge, initial_pressure: 75 bar}
    - {name: Cooled, initial_pressure: 75 bar}
    - {name: Out, initial_pressure: 70 bar}
  pipes:
    - {name: P1, from: In, to: Suction, length: 20 km, diameter: 700 mm, max_segment_length: 5 km}
    - {name: P2, from: Cooled, to: Out, length: 30 km, diameter: 700 mm, max_segment_length: 5 km}
  compressors:
    - {name: CS, from: Suction, to: Discharge, control: discharge, set_point: 75 bar,
       isentropic_exponent: 1.3, polytropic_efficiency: 0.8}
  coolers:
    - {name: AC, from: Discharge, to: Cooled, outlet_temperature: {times: [0, 1 h], values: [40 degC, 90 degC], interpolation: step}}
  supplies:
    - {name: S, node: In, pressure: 55 bar, temperature: 290 K}
  offtakes:
    - {name: D, node: Out, mass_flow: 120 kg/s}
)";
  StudyRun run(text);
  const auto& net = run.get<gas::GasNetwork>("total");
  (void)net;
  auto t_of = [&](const std::string& n) { return run.value(n, 1); };
  const double ps = run.value("Suction"), pd = run.value("Discharge");
  const double m_exp = 0.3 / (1.3 * 0.8);
  const double td = t_of("Suction") * std::pow(pd / ps, m_exp);
  CHECK(t_of("Discharge") == Approx(td).epsilon(1e-6));
  CHECK(td > 320.0);
  // Cooling mode: T_out = 40 °C; duty = ṁ c_p (T_d − T_set).
  const double m = run.value("AC", 0);
  CHECK(m == Approx(120.0 + 0).epsilon(1e-3));  // the compressor's fuel is drawn upstream
  CHECK(run.value("AC", 1) == Approx(313.15).epsilon(1e-9));
  CHECK(t_of("Cooled") == Approx(313.15).epsilon(1e-4));
  check_jacobian_here(run);
  // The set point steps above the discharge temperature: the cooler goes idle (event).
  run.to(1.5 * 3600.0);
  CHECK(run.count("mode", "AC") == 1);
  CHECK(run.value("AC", 1) == Approx(t_of("Discharge")).epsilon(1e-6));
  check_jacobian_here(run);
}

namespace {
Diagnostics errors_of(const std::string& text) {
  try {
    load_study_text(text, "bad.yaml", {}, domains());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("the study loaded without errors");
  return {};
}
}  // namespace

TEST_CASE("bad energy input is an error at its location", "[gas][energy][input]") {
  const std::string fluid = "{specific_gravity: 0.6, temperature: 300 K}";
  {
    const auto e =
        errors_of(buried_pipe(fluid, 10, 1, "10 kg/s")
                      .replace(buried_pipe(fluid, 10, 1, "10 kg/s").find("profile: true"), 13,
                               "profile: true, heat_transfer_coefficient: -1 W/m2/K"));
    REQUIRE(e.size() == 1);
    CHECK(e.entries()[0].key_path == "gas.pipes[0].heat_transfer_coefficient");
    CHECK(e.entries()[0].where.line == 11);
    CHECK_THAT(e.entries()[0].message, Catch::Contains("≥ 0"));
  }
  {  // a supply temperature without the energy equation
    const auto e = errors_of(R"(
study: {name: g, duration: 1 h}
gas:
  nodes: [{name: A}]
  supplies: [{name: S, node: A, pressure: 50 bar, temperature: 300 K}]
)");
    REQUIRE(e.size() == 1);
    CHECK(e.entries()[0].key_path == "gas.supplies[0].temperature");
    CHECK_THAT(e.entries()[0].message, Catch::Contains("gas.energy"));
  }
  {  // the CNGA law has no temperature dependence
    const auto e = errors_of(buried_pipe("{law: cnga}", 10, 1, "10 kg/s"));
    REQUIRE(e.size() == 1);
    CHECK(e.entries()[0].key_path == "gas.fluid.law");
  }
}
