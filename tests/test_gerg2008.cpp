// GERG-2008 (models/common/gerg2008.hpp) against the published test values of the
// standard's reference implementation (AGA Report No. 8 Part 2 / NIST AGA8 code: the
// 21-component test mixture at 400 K and 50 MPa), thermodynamic identities checked by
// finite differences, heating values by hand and against the published GROSS test value,
// the property tables against the equation, and a study with law: gerg2008.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "models/common/gas_law.hpp"
#include "models/common/gas_table.hpp"
#include "models/common/gerg2008.hpp"
#include "models/domains.hpp"
#include "models/gas/network.hpp"
#include "solver/study/study.hpp"
#include "study_run.hpp"

using namespace steppe;
using namespace steppe::gerg2008;

namespace {

// The reference implementation's test mixture (AGA 8 Part 2 order).
const Composition kTestMixture = {0.77824, 0.02,    0.06,    0.08,    0.03,    0.0015,  0.003,
                                  0.0005,  0.00165, 0.00215, 0.00088, 0.00024, 0.00015, 0.00009,
                                  0.004,   0.005,   0.002,   0.0001,  0.0025,  0.007,   0.001};

}  // namespace

TEST_CASE("GERG-2008 reproduces the reference implementation's published test values",
          "[gerg2008][published]") {
  // NIST AGA8 reference code (GERG2008 test): T = 400 K, p = 50,000 kPa. Units there:
  // mol/l, kPa, J/mol, K/kPa; the values are given to 16 digits.
  const Mixture m(kTestMixture);
  CHECK(m.molar_mass() * 1e3 == Approx(20.5427445016).epsilon(1e-12));
  const double rho = m.density(400.0, 50e6);
  const Properties q = m.properties(400.0, rho);
  const double tol = 1e-12;
  CHECK(rho / 1e3 == Approx(12.79828626082062).epsilon(tol));
  CHECK(q.pressure == Approx(50e6).epsilon(tol));
  CHECK(q.z == Approx(1.174690666383717).epsilon(tol));
  CHECK(q.dp_drho == Approx(7000.694030193327).epsilon(tol));          // kPa/(mol/l)
  CHECK(q.d2p_drho2 * 1e3 == Approx(1129.526655214841).epsilon(tol));  // kPa/(mol/l)²
  CHECK(q.dp_dt / 1e3 == Approx(235.9832292593096).epsilon(tol));      // kPa/K
  CHECK(q.internal_energy == Approx(-2746.492901212530).epsilon(tol));
  CHECK(q.enthalpy == Approx(1160.280160510973).epsilon(tol));
  CHECK(q.entropy == Approx(-38.57590392409089).epsilon(tol));
  CHECK(q.cv == Approx(39.02948218156372).epsilon(tol));
  CHECK(q.cp == Approx(58.45522051000366).epsilon(tol));
  CHECK(q.speed_of_sound == Approx(714.4248840596024).epsilon(tol));
  CHECK(q.gibbs_energy == Approx(16590.64173014733).epsilon(tol));
  CHECK(q.joule_thomson * 1e3 == Approx(7.155629581480913e-05).epsilon(1e-11));  // K/kPa
  CHECK(q.isentropic_exponent == Approx(2.683820255058032).epsilon(tol));
}

TEST_CASE("GERG-2008 properties obey the thermodynamic identities", "[gerg2008]") {
  // A pipeline gas at pipeline conditions: c_p = (∂h/∂T)_p and μ_JT = −(∂h/∂p)_T / c_p by
  // central differences of h(T, ρ(T, p)); w² = (∂p/∂ρ)_s along an isentrope.
  Composition x{};
  x[Methane] = 0.92, x[Ethane] = 0.04, x[Propane] = 0.01, x[Nitrogen] = 0.02,
  x[CarbonDioxide] = 0.01;
  const Mixture m(x);
  for (const auto& [t_case, p_case] :
       {std::pair{270.0, 7e6}, std::pair{300.0, 10e6}, std::pair{330.0, 2e6}}) {
    const double t = t_case, p = p_case;  // plain variables: lambdas below capture them
    const Properties q = m.properties_tp(t, p);
    auto h = [&](double tt, double pp) { return m.properties_tp(tt, pp).enthalpy; };
    const double dT = 1e-3, dP = 10.0;
    CHECK(q.cp == Approx((h(t + dT, p) - h(t - dT, p)) / (2 * dT)).epsilon(1e-7));
    CHECK(q.joule_thomson ==
          Approx(-(h(t, p + dP) - h(t, p - dP)) / (2 * dP) / q.cp).epsilon(1e-6));
    CHECK(q.dp_drho ==
          Approx((m.pressure(t, q.density * (1 + 1e-7)) - m.pressure(t, q.density * (1 - 1e-7))) /
                 (2e-7 * q.density))
              .epsilon(1e-7));
    // Isentrope: T(ρ) with s fixed, by Newton on s; then (∂p/∂ρ)_s = M·w².
    auto t_at = [&](double rho) {
      double tt = t;
      for (int i = 0; i < 30; ++i) {
        const Properties r = m.properties(tt, rho);
        tt -= (r.entropy - q.entropy) / (r.cv / tt);
      }
      return tt;
    };
    const double dr = 1e-6 * q.density;
    const double dpdrho_s = (m.properties(t_at(q.density + dr), q.density + dr).pressure -
                             m.properties(t_at(q.density - dr), q.density - dr).pressure) /
                            (2 * dr);
    CHECK(q.speed_of_sound * q.speed_of_sound * m.molar_mass() == Approx(dpdrho_s).epsilon(1e-6));
    CHECK(q.z > 0.8);
    CHECK(q.z < 1.0);
  }
}

TEST_CASE("heating values: by hand and the published GROSS test value", "[gerg2008]") {
  // Net = gross − water formed × 44.016 kJ/mol: methane 890.63 − 2·44.016.
  CHECK(net_heating_value(Methane) == Approx((890.63 - 2 * 44.016) * 1e3));
  CHECK(net_heating_value(Hydrogen) == Approx((285.83 - 44.016) * 1e3));
  CHECK(net_heating_value(Nitrogen) == 0.0);
  // The reference GROSS test: the mixture's ideal gross heating value HN = 924.359178 kJ/mol.
  CHECK(Mixture(kTestMixture).gross_heating_value() == Approx(924.359178e3).epsilon(1e-9));
  CHECK(find_component("CH4") == Methane);
  CHECK(find_component("n-butane") == NButane);
  CHECK(find_component("iC4") == Isobutane);
  CHECK(find_component("H2") == Hydrogen);
  CHECK(find_component("methan") == -1);
}

TEST_CASE("the property table follows GERG-2008 within 1e-6", "[gerg2008][table]") {
  Composition x{};
  x[Methane] = 0.9, x[Ethane] = 0.05, x[Nitrogen] = 0.03, x[CarbonDioxide] = 0.02;
  gas::GasProperties g;
  g.law = gas::GasLaw::Gerg2008;
  g.mixture = std::make_shared<Mixture>(x);
  g.specific_gravity = g.mixture->molar_mass() / 28.9647e-3;
  const gas::GasTable table([&](double p, double t) { return g.law_point(p, t); },
                            gas::TableGrid{1e4, 120e5, 1e5, 240.0, 340.0, 2.5});
  double worst_rho = 0, worst_h = 0, worst_cp = 0;
  for (double p = 3.3e5; p < 118e5; p += 7.77e5)
    for (double t = 241.3; t < 339; t += 6.1) {
      gas::TablePoint q;
      table.at(p, t, &q);
      const gas::LawPoint e = g.law_point(p, t);
      worst_rho = std::max(worst_rho, std::abs(q.rho / e.rho - 1));
      worst_h = std::max(worst_h, std::abs(q.h - e.h) / (e.h_t * t));
      worst_cp = std::max(worst_cp, std::abs(q.h_t / e.h_t - 1));
    }
  INFO("max relative error: density " << worst_rho << ", enthalpy " << worst_h << ", c_p "
                                      << worst_cp);
  INFO("table vs GERG-2008: density " << worst_rho << ", enthalpy " << worst_h << ", c_p "
                                      << worst_cp);
  CHECK(worst_rho < 1e-6);
  CHECK(worst_h < 1e-6);
  CHECK(worst_cp < 1e-4);
}

namespace {
std::string gerg_pipe(const std::string& composition, const std::string& extra = "") {
  return fmt::format(R"(
study: {{name: g, duration: 1 h, output_interval: 10 min}}
solver: {{rtol: 1e-8, atol: 1e-8, max_order: 2}}
gas:
  fluid:
    law: gerg2008
    temperature: 288.15 K
    composition: {}{}
  nodes:
    - {{name: In, initial_pressure: 70 bar}}
    - {{name: Out, initial_pressure: 60 bar}}
  pipes:
    - {{name: P, from: In, to: Out, length: 100 km, diameter: 1 m, lambda: 0.0095,
       max_segment_length: 6.25 km}}
  supplies:
    - {{name: S, node: In, pressure: 70 bar}}
  offtakes:
    - {{name: D, node: Out, mass_flow: 300 kg/s}}
)",
                     composition, extra);
}
}  // namespace

TEST_CASE("a study with law: gerg2008 matches the steady real-gas profile", "[gerg2008][steady]") {
  // Oracle: RK4 (20,000 steps) on dp/dx = −λṁ²/(2DA²ρ(p)), ρ from GERG-2008 directly.
  Composition x{};
  x[Methane] = 0.9, x[Ethane] = 0.05, x[Nitrogen] = 0.03, x[CarbonDioxide] = 0.02;
  const Mixture mix(x);
  const double L = 100e3, D = 1.0, A = std::numbers::pi / 4, lambda = 0.0095, m = 300.0;
  auto f = [&](double p) {
    return -lambda * m * m / (2 * D * A * A * mix.density(288.15, p) * mix.molar_mass());
  };
  double p = 70e5;
  const int steps = 20000;
  const double h = L / steps;
  for (int i = 0; i < steps; ++i) {
    const double k1 = f(p), k2 = f(p + h / 2 * k1), k3 = f(p + h / 2 * k2), k4 = f(p + h * k3);
    p += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  testing::StudyRun run(
      gerg_pipe("{methane: 0.9, ethane: 0.05, nitrogen: 0.03, carbon_dioxide: 0.02}"));
  INFO("GERG pipe outlet " << run.value("Out") << " Pa, RK4 " << p);
  // 16 segments, second order (the isothermal real-gas test measures the order).
  CHECK(std::abs(run.value("Out") - p) / p < 2e-5);
  // Standard volumes convert with GERG-2008's normal density (Z_n of natural gas ≈ 0.997).
  const double rho_n = mix.density(273.15, 101325) * mix.molar_mass();
  CHECK(run.get<gas::GasNetwork>("total").gas().normal_density() == Approx(rho_n).epsilon(1e-12));
  const double z_n = 101325 * mix.molar_mass() / (rho_n * kR * 273.15);
  CHECK(z_n > 0.995);
  CHECK(z_n < 0.999);
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

TEST_CASE("bad compositions are errors at their location", "[gerg2008][input]") {
  {  // sums to 0.9
    const auto e = errors_of(gerg_pipe("{methane: 0.8, ethane: 0.1}"));
    const auto& d = e.entries();
    REQUIRE(d.size() == 1);
    CHECK(d[0].key_path == "gas.fluid.composition");
    CHECK_THAT(d[0].message, Catch::Contains("sum to 0.9"));
    CHECK(d[0].where.line == 7);
  }
  {  // an unknown component, with the closest name
    const auto e = errors_of(gerg_pipe("{methane: 0.9, etane: 0.1}"));
    const auto& d = e.entries();
    REQUIRE(d.size() == 1);
    CHECK(d[0].key_path == "gas.fluid.composition.etane");
    CHECK_THAT(d[0].message, Catch::Contains("did you mean 'ethane'"));
  }
  {  // the same component twice (name and formula)
    const auto e = errors_of(gerg_pipe("{methane: 0.5, CH4: 0.5}"));
    const auto& d = e.entries();
    REQUIRE(d.size() == 1);
    CHECK_THAT(d[0].message, Catch::Contains("again"));
  }
  {  // gerg2008 without a composition
    const auto e = errors_of(R"(
study: {name: g, duration: 1 h}
gas:
  fluid: {law: gerg2008}
  nodes: [{name: A}]
  supplies: [{name: S, node: A, pressure: 50 bar}]
)");
    const auto& d = e.entries();
    REQUIRE(d.size() == 1);
    CHECK(d[0].key_path == "gas.fluid.law");
    CHECK_THAT(d[0].message, Catch::Contains("composition"));
  }
}
