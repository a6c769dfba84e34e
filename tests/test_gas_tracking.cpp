// Composition tracking (gas.tracking) against independent oracles:
//   a step of the entry composition (hydrogen blended in) reaches the outlet after the
//     transport time, line pack / mass flow
//   a junction mixes two gases conserving every component (by mass)
//   a gas plant burns the local gas: ṁ_fuel = P·HR/LHV of the blend that reaches it
//   the blend's density against GERG-2008 of the blended composition
// plus the Jacobian in every case and bad input.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "models/coupling/gas_plant.hpp"
#include "models/domains.hpp"
#include "models/gas/network.hpp"
#include "models/gas/pipe.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/study/study.hpp"
#include "study_run.hpp"

using namespace steppe;
using testing::StudyRun;

namespace {

constexpr const char* kNaturalGas =
    "{methane: 0.93, ethane: 0.035, propane: 0.01, nitrogen: 0.015, carbon_dioxide: 0.01}";

gerg2008::Composition natural_gas() {
  gerg2008::Composition x{};
  x[gerg2008::Methane] = 0.93, x[gerg2008::Ethane] = 0.035, x[gerg2008::Propane] = 0.01;
  x[gerg2008::Nitrogen] = 0.015, x[gerg2008::CarbonDioxide] = 0.01;
  return x;
}

// Natural gas with a mole fraction y of hydrogen.
gerg2008::Composition blend(double y) {
  gerg2008::Composition x = natural_gas();
  for (double& v : x) v *= 1 - y;
  x[gerg2008::Hydrogen] += y;
  return x;
}

void check_jacobian_here(const StudyRun& run, double tol = 1e-4) {
  for (double cj : {0.0, 1e-2, 10.0}) {
    const JacobianCheck jc =
        check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
    INFO(jc.describe(run.system()));
    CHECK(jc.max_error < tol);
  }
}

// Hydrogen mole fraction at a node (its outputs' quantity), from the fractions it holds.
double hydrogen(const StudyRun& run, const std::string& node) {
  const auto& n = run.get<gas::GasNode>(node);
  double z[gas::kMaxVars] = {};
  for (int c = 0; c < n.flow()->vars(); ++c) z[c] = run.y(n.cell().idx[c]);
  return n.flow()->mole_fraction(z, gerg2008::Hydrogen);
}

}  // namespace

TEST_CASE("a step of the entry composition arrives after the transport time",
          "[gas][tracking][transport][long]") {
  // 10 % hydrogen from t = 1 h at the entry of a 100 km line at 100 kg/s.
  const std::string text = fmt::format(R"(
study: {{name: h2, duration: 14 h, output_interval: 1 h}}
solver: {{rtol: 1e-8, atol: 1e-8, max_order: 2}}
gas:
  fluid: {{law: gerg2008, temperature: 288.15 K, composition: {}}}
  tracking: true
  nodes:
    - {{name: In, initial_pressure: 70 bar}}
    - {{name: Out, initial_pressure: 68 bar}}
  pipes:
    - {{name: P, from: In, to: Out, length: 100 km, diameter: 800 mm, max_segment_length: 1 km}}
  supplies:
    - name: S
      node: In
      pressure: 70 bar
      blend: {{composition: {{hydrogen: 1}}, fraction: {{times: [0, 1 h], values: [0, 10 %],
               interpolation: step}}}}
  offtakes:
    - {{name: D, node: Out, mass_flow: 100 kg/s}}
)",
                                       kNaturalGas);
  StudyRun run(text);
  CHECK(hydrogen(run, "Out") == Approx(0.0).margin(1e-12));
  check_jacobian_here(run);
  run.to(3600.0);
  const double pack = run.get<gas::GasPipe>("P").linepack(run.integ->y());
  const double tau = pack / 100.0;  // line pack / mass flow
  // Step forward and find when the outlet passes half the step (5 % hydrogen).
  double t_prev = 3600.0, x_prev = hydrogen(run, "Out"), t_half = -1.0;
  for (double t = 3720.0; t <= 11 * 3600.0 && t_half < 0; t += 120.0) {
    run.to(t);
    const double x = hydrogen(run, "Out");
    if (x >= 0.05 && x_prev < 0.05) t_half = t_prev + (0.05 - x_prev) / (x - x_prev) * (t - t_prev);
    t_prev = t, x_prev = x;
  }
  INFO("transport time " << tau << " s; half the step arrived after " << t_half - 3600.0 << " s");
  REQUIRE(t_half > 0);
  CHECK(std::abs((t_half - 3600.0) - tau) / tau < 0.01);
  check_jacobian_here(run);
  run.to(14 * 3600.0);  // 1.5 transport times: all of it arrived
  CHECK(hydrogen(run, "Out") == Approx(0.10).epsilon(1e-3));
}

TEST_CASE("a junction mixes two gases conserving every component", "[gas][tracking][mixing]") {
  // Natural gas from A, a 20 % hydrogen blend from B, mixed at J, delivered at C.
  const std::string text = fmt::format(R"(
study: {{name: mix, duration: 2 h, output_interval: 1 h}}
solver: {{rtol: 1e-10, atol: 1e-10, max_order: 2}}
gas:
  fluid: {{law: gerg2008, temperature: 288.15 K, composition: {}}}
  tracking: true
  energy: {{ground_temperature: 283 K}}
  max_segment_length: 5 km
  nodes:
    - {{name: A, initial_pressure: 70 bar}}
    - {{name: B, initial_pressure: 70 bar}}
    - {{name: J, initial_pressure: 68 bar}}
    - {{name: C, initial_pressure: 65 bar}}
  pipes:
    - {{name: PA, from: A, to: J, length: 30 km, diameter: 700 mm}}
    - {{name: PB, from: B, to: J, length: 50 km, diameter: 500 mm}}
    - {{name: PC, from: J, to: C, length: 40 km, diameter: 800 mm}}
  supplies:
    - {{name: SA, node: A, pressure: 70 bar, temperature: 300 K}}
    - {{name: SB, node: B, pressure: 70 bar, temperature: 290 K,
       blend: {{composition: {{hydrogen: 1}}, fraction: 20 %}}}}
  offtakes:
    - {{name: D, node: C, mass_flow: 150 kg/s}}
)",
                                       kNaturalGas);
  StudyRun run(text);
  check_jacobian_here(run);
  const auto& fm = run.get<gas::GasNetwork>("total").flow();
  REQUIRE(fm.tracked() == 1);  // the blend is one source besides the fluid
  const double qa = run.value("SA"), qb = run.value("SB"), qc = 150.0;
  // Mass fraction of every component in a gas: x_c·M_c / M.
  auto mass_fractions = [](const gerg2008::Composition& x) {
    const gerg2008::Mixture m(x);
    std::array<double, gerg2008::kComponents> w{};
    for (int c = 0; c < gerg2008::kComponents; ++c)
      w[std::size_t(c)] = x[std::size_t(c)] * gerg2008::molar_mass(c) / m.molar_mass();
    return w;
  };
  const auto wa = mass_fractions(natural_gas()), wb = mass_fractions(blend(0.2));
  // The gas at C, from the fractions the run holds (mole fractions → mass fractions).
  const auto& c = run.get<gas::GasNode>("C");
  double z[gas::kMaxVars] = {};
  for (int k = 0; k < fm.vars(); ++k) z[k] = run.y(c.cell().idx[k]);
  gerg2008::Composition xc{};
  for (int i = 0; i < gerg2008::kComponents; ++i) xc[std::size_t(i)] = fm.mole_fraction(z, i);
  const auto wc = mass_fractions(xc);
  double worst = 0.0;
  for (int i = 0; i < gerg2008::kComponents; ++i) {
    const double in = qa * wa[std::size_t(i)] + qb * wb[std::size_t(i)];
    const double out = qc * wc[std::size_t(i)];
    worst = std::max(worst, std::abs(in - out) / qc);
  }
  INFO("supplies " << qa << " + " << qb << " kg/s; worst component imbalance " << worst);
  CHECK(qa + qb == Approx(qc).epsilon(1e-9));
  CHECK(worst < 1e-9);
  CHECK(xc[gerg2008::Hydrogen] > 0.01);
}

TEST_CASE("a gas plant burns the heating value of the gas that reaches it",
          "[gas][tracking][coupling]") {
  const std::string text = fmt::format(R"(
study: {{name: plant, duration: 12 h, output_interval: 1 h}}
solver: {{rtol: 1e-8, atol: 1e-8, max_order: 2}}
gas:
  fluid: {{law: gerg2008, temperature: 288.15 K, composition: {}}}
  tracking: true
  nodes:
    - {{name: Border, initial_pressure: 70 bar}}
    - {{name: Almaty, initial_pressure: 68 bar}}
  pipes:
    - {{name: P, from: Border, to: Almaty, length: 20 km, diameter: 800 mm, max_segment_length: 1 km}}
  supplies:
    - name: S
      node: Border
      pressure: 70 bar
      blend: {{composition: {{hydrogen: 1}}, fraction: {{times: [0, 1 h], values: [0, 15 %],
               interpolation: step}}}}
  offtakes:
    - {{name: City, node: Almaty, mass_flow: 200 kg/s}}
power:
  zones:
    - {{name: Almaty, infinite_bus: true, load: 1 GW}}
  generators:
    - {{name: TPP, zone: Almaty, type: gas, capacity: 500 MW, set_point: 400 MW}}
coupling:
  gas_plants:
    - {{generator: TPP, gas_node: Almaty, heat_rate: 7.2 MJ/kWh}}
)",
                                       kNaturalGas);
  StudyRun run(text);
  const auto& plant =
      dynamic_cast<const coupling::GasPlant&>(*run.system().find("TPP", "coupling gas plant"));
  auto lhv = [](const gerg2008::Composition& x) {
    const gerg2008::Mixture m(x);
    return m.net_heating_value() / m.molar_mass();
  };
  // Natural gas: about 47 MJ/kg; the plant's fuel P·HR/LHV.
  CHECK(plant.fuel_flow(run.state()) == Approx(400e6 * 2.0 / lhv(natural_gas())).epsilon(1e-9));
  check_jacobian_here(run);
  run.to(12 * 3600.0);
  // The blend has arrived: 15 % hydrogen by volume, a higher heating value per kg.
  INFO("LHV natural gas " << lhv(natural_gas()) << ", blend " << lhv(blend(0.15)) << " J/kg");
  CHECK(hydrogen(run, "Almaty") == Approx(0.15).epsilon(1e-4));
  CHECK(plant.fuel_flow(run.state()) == Approx(400e6 * 2.0 / lhv(blend(0.15))).epsilon(1e-5));
  CHECK(run.value("S") == Approx(200.0 + plant.fuel_flow(run.state())).epsilon(1e-6));
  check_jacobian_here(run);
}

TEST_CASE("the blend's density follows GERG-2008 of the blended composition",
          "[gas][tracking][eos]") {
  // The tracked blend of natural gas and hydrogen (models/gas/flow_model.hpp: molar volumes
  // with the equimolar pair's excess) against GERG-2008 evaluated at the blended
  // composition itself; Amagat's plain sum of volumes for comparison.
  gas::FlowModel fm;
  fm.tracking = true;
  for (const auto& x : {natural_gas(), blend(1.0)}) {
    gas::GasProperties g;
    g.law = gas::GasLaw::Gerg2008;
    g.temperature = 283.15;
    g.mixture = std::make_shared<gerg2008::Mixture>(x);
    g.specific_gravity = g.mixture->molar_mass() / 28.9647e-3;
    fm.sources.push_back({"gas", g, nullptr, g.net_heating_value()});
  }
  fm.build_tables(120e5);
  const gerg2008::Mixture ng(natural_gas()), h2(blend(1.0));
  double worst = 0.0, worst_amagat = 0.0;
  for (double y : {0.02, 0.05, 0.1, 0.2, 0.3}) {
    const gerg2008::Mixture mix(blend(y));
    const double w = y * h2.molar_mass() / mix.molar_mass();  // mass fraction of hydrogen
    for (double p : {20e5, 40e5, 70e5, 100e5}) {
      const double t = 283.15;
      const double exact = mix.density(t, p) * mix.molar_mass();
      const double z[] = {p, w};
      gas::CellThermo c;
      fm.cell(z, &c);
      const double rho_ng = ng.density(t, p) * ng.molar_mass();
      const double rho_h2 = h2.density(t, p) * h2.molar_mass();
      const double amagat = 1.0 / (w / rho_h2 + (1 - w) / rho_ng);
      worst = std::max(worst, std::abs(c.rho / exact - 1));
      worst_amagat = std::max(worst_amagat, std::abs(amagat / exact - 1));
    }
  }
  INFO("worst density error: tracked blend " << worst << ", Amagat " << worst_amagat);
  CHECK(worst < 1e-4);
  CHECK(worst_amagat > 0.05);
}

namespace {
std::string errors_of(const std::string& text) {
  try {
    load_study_text(text, "bad.yaml", {}, domains());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("bad tracking input is an error at its location", "[gas][tracking][input]") {
  const std::string base = R"(
study: {name: g, duration: 1 h}
gas:
  fluid: {law: gerg2008, composition: {methane: 1}}
  nodes: [{name: A}]
  supplies: [{name: S, node: A, pressure: 50 bar, SUPPLY}]
)";
  auto with = [&](const std::string& supply, const std::string& extra = "") {
    std::string s = base;
    s.replace(s.find("SUPPLY"), 6, supply);
    return s + extra;
  };
  // A composition without tracking.
  CHECK_THAT(errors_of(with("composition: {methane: 0.9, hydrogen: 0.1}")),
             Catch::Contains("gas.supplies[0].composition: a supply's composition needs "
                             "composition tracking"));
  // Tracking: an unknown component and fractions that do not sum to 1, each located.
  CHECK_THAT(errors_of(with("composition: {methane: 0.9, hydrogn: 0.1}", "  tracking: true\n")),
             Catch::Contains("bad.yaml:6:79: error: gas.supplies[0].composition.hydrogn"));
  CHECK_THAT(errors_of(with("blend: {composition: {hydrogen: 0.5}, fraction: 10 %}",
                            "  tracking: true\n")),
             Catch::Contains("sum to 0.5"));
  CHECK_THAT(
      errors_of(with("blend: {composition: {hydrogen: 1}, fraction: 120 %}", "  tracking: true\n")),
      Catch::Contains("gas.supplies[0].blend.fraction"));
}
