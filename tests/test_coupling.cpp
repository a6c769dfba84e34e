// Coupling elements (models/coupling) against hand-derived oracles:
//  - a gas-fired unit's set-point step shows up as a gas offtake change of
//    Δ(P·HR(P))/LHV (part-load heat-rate table, LHV in MJ/m³(n)), and the gas network's
//    mass balance closes with the fuel burnt;
//  - low supply pressure derates the unit (event, reduced output, recovery with
//    hysteresis) or trips it;
//  - an oil pump station's and an electric compressor's power are loads in their zone:
//    the infinite bus supplies exactly P_el more, and the served energy includes it;
//  - analytic Jacobians of the coupled systems against finite differences, in each mode.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "coupling_studies.hpp"
#include "models/coupling/electric_load.hpp"
#include "models/coupling/gas_plant.hpp"
#include "models/gas/boundary.hpp"
#include "models/gas/compressor.hpp"
#include "models/gas/network.hpp"
#include "models/oil/station.hpp"
#include "models/power/generator.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/run/simulation.hpp"
#include "study_run.hpp"

using namespace steppe;
using testing::plant_study;
using testing::StudyRun;

namespace {

constexpr double kMJperKWh = 1e6 / 3.6e6;  // J/J

void check_jacobian_at(const StudyRun& run, double tol = 1e-5) {
  for (double cj : {0.0, 1e-3, 0.1}) {
    JacobianCheck jc =
        check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
    INFO(jc.describe(run.system()));
    CHECK(jc.max_error < tol);
  }
}

// The coupling element of `kind` named `name` (it may share its name with the generator or
// station it couples, which StudyRun::get would find first).
template <class T>
const T& link(const StudyRun& run, const std::string& name, const char* kind) {
  const Component* c = run.system().find(name, kind);
  if (!c) throw std::invalid_argument("no coupling element named " + name);
  return dynamic_cast<const T&>(*c);
}

const char* kInfiniteBus = "{name: South, infinite_bus: true, load: 2 GW}";
const char* kSwingZone = "{name: South, inertia: 5 s, base: 3 GW, load: 1.6 GW}";

// Heat rate of the table above, by hand [J/J].
double hr_table(double P) {
  const double x[] = {300e6, 600e6, 900e6}, v[] = {9.0, 7.5, 7.0};
  if (P <= x[0]) return v[0] * kMJperKWh;
  if (P >= x[2]) return v[2] * kMJperKWh;
  const int k = P < x[1] ? 0 : 1;
  return (v[k] + (v[k + 1] - v[k]) * (P - x[k]) / (x[k + 1] - x[k])) * kMJperKWh;
}

}  // namespace

TEST_CASE("a gas unit's set-point step is a gas offtake change of Δ(P·HR)/LHV",
          "[coupling][gas_plant]") {
  StudyRun run(plant_study("100 kg/s",
                           "{times: [0, 6 h], values: [500 MW, 700 MW], interpolation: step}", "",
                           kInfiniteBus));
  const auto& plant = link<coupling::GasPlant>(run, "TPP-2", "coupling gas plant");
  REQUIRE(run.system().find("TPP-2", "coupling gas plant") == &plant);
  const double lhv = 33.5e6 / 0.7;  // J/kg: MJ/m³(n) through the normal density
  const auto& net = run.get<gas::GasNetwork>("total");

  // Steady start: 500 MW on HR(500 MW) = 8 MJ/kWh.
  const State s0 = run.state();
  const double fuel0 = 500e6 * hr_table(500e6) / lhv;
  CHECK(hr_table(500e6) == Approx(8.0 * kMJperKWh));
  CHECK(plant.generator().power(s0) == Approx(500e6).epsilon(1e-9));
  CHECK(plant.fuel_flow(s0) == Approx(fuel0).epsilon(1e-9));
  CHECK(plant.heat_rate(500e6) == Approx(hr_table(500e6)).epsilon(1e-12));
  const double supply0 = run.value("S");
  CHECK(supply0 == Approx(100.0 + fuel0).epsilon(1e-6));
  const double pack0 = net.linepack(run.integ->y()), in0 = run.value("S", 1),
               out0 = run.value("City");

  // After the step the unit settles at 700 MW on HR(700 MW) = 7.333 MJ/kWh: the supply
  // (the only source) carries the offtake change once the line has re-packed.
  run.to(24 * 3600.0);
  const State s1 = run.state();
  const double fuel1 = 700e6 * hr_table(700e6) / lhv;
  CHECK(plant.generator().power(s1) == Approx(700e6).epsilon(1e-9));
  CHECK(plant.fuel_flow(s1) == Approx(fuel1).epsilon(1e-9));
  const double dfuel = fuel1 - fuel0;
  INFO("Δfuel " << dfuel << " kg/s, supply change " << run.value("S") - supply0);
  CHECK(std::abs((run.value("S") - supply0) - dfuel) < 1e-6 * dfuel);
  CHECK(std::abs((run.value("S") - supply0) - dfuel) < 1e-6 * run.value("S"));

  // Mass balance of the gas network including the plant's fuel.
  const double burnt = run.y(plant.offset());
  const double pack1 = net.linepack(run.integ->y());
  const double balance = (run.value("S", 1) - in0) - (run.value("City") - out0) - burnt;
  INFO("fuel burnt " << burnt << " kg");
  CHECK(burnt == Approx(fuel0 * 6 * 3600 + fuel1 * 18 * 3600).epsilon(1e-3));
  CHECK(std::abs((pack1 - pack0) - balance) < 1e-6 * pack0);
  check_jacobian_at(run);
}

TEST_CASE("low supply pressure derates the unit, which recovers with hysteresis",
          "[coupling][gas_plant][events]") {
  // The city offtake rises from 100 to 400 kg/s over 6 h: Almaty falls from ~68.6 to
  // ~52 bar, through the plant's 60 bar minimum; back at 100 kg/s from 12 h.
  const std::string offtake =
      "{times: [0, 6 h, 12 h, 13 h], values: [100, 400, 400, 100], interpolation: linear}";
  const std::string extra = R"(
      min_supply_pressure: 60 bar
      recovery_band: 2 bar
      derate_to: 0.5)";
  StudyRun run(plant_study(offtake, "800 MW", extra, kInfiniteBus));
  const auto& plant = link<coupling::GasPlant>(run, "TPP-2", "coupling gas plant");
  const auto& gen = run.get<power::Generator>("TPP-2");
  CHECK_FALSE(plant.derated());
  CHECK(gen.power(run.state()) == Approx(800e6).epsilon(1e-9));
  check_jacobian_at(run);

  run.to(11 * 3600.0);
  REQUIRE(plant.derated());
  REQUIRE(run.count("limit", "TPP-2") >= 1);
  double t_event = -1;
  for (const auto& e : run.events)
    if (e.element == "TPP-2" && e.message.find("derated") != std::string::npos) {
      t_event = e.time;
      CHECK(e.value == Approx(60e5).epsilon(1e-4));  // the root is located on the threshold
    }
  CHECK(t_event > 0);
  CHECK(t_event < 6 * 3600.0);
  // Derated to half capacity: 500 MW, the infinite bus covers the rest.
  CHECK(gen.capacity_factor() == 0.5);
  CHECK(gen.power(run.state()) == Approx(500e6).epsilon(1e-6));
  CHECK(run.y(run.system().find("South")->offset() + 2) ==
        Approx(2e9 - 1000e6 - 500e6).epsilon(1e-6));
  CHECK(plant.fuel_flow(run.state()) ==
        Approx(500e6 * hr_table(500e6) / (33.5e6 / 0.7)).epsilon(1e-6));
  check_jacobian_at(run);

  // Pressure comes back above 62 bar: full capacity again.
  run.to(24 * 3600.0);
  CHECK_FALSE(plant.derated());
  CHECK(gen.capacity_factor() == 1.0);
  CHECK(gen.power(run.state()) == Approx(800e6).epsilon(1e-6));
  int recovered = 0;
  for (const auto& e : run.events)
    if (e.element == "TPP-2" && e.message.find("full capacity") != std::string::npos) {
      ++recovered;
      CHECK(e.value == Approx(62e5).epsilon(1e-4));
      CHECK(e.time > 12 * 3600.0);
    }
  CHECK(recovered == 1);
}

TEST_CASE("low supply pressure trips the unit", "[coupling][gas_plant][events]") {
  const std::string offtake = "{times: [0, 6 h], values: [100, 400], interpolation: linear}";
  StudyRun run(plant_study(offtake, "800 MW", R"(
      min_supply_pressure: 60 bar
      on_low_pressure: trip)",
                           kSwingZone, "12 h"));
  const auto& plant = link<coupling::GasPlant>(run, "TPP-2", "coupling gas plant");
  const auto& gen = run.get<power::Generator>("TPP-2");
  check_jacobian_at(run);
  run.to(12 * 3600.0);
  CHECK(plant.tripped());
  CHECK(gen.tripped());
  CHECK(gen.power(run.state()) == 0.0);
  CHECK(plant.fuel_flow(run.state()) == 0.0);
  CHECK(run.count("limit", "TPP-2") == 1);
  // The coal unit picks up the whole load (primary control: Δf < 0).
  CHECK(run.get<power::Generator>("Coal").power(run.state()) > 1.55e9);
  check_jacobian_at(run);
}

TEST_CASE("coupled Jacobian with a swing zone and a governor on the gas unit",
          "[coupling][gas_plant][jacobian]") {
  StudyRun run(plant_study("{times: [0, 2 h], values: [100, 250], interpolation: linear}", "550 MW",
                           "", kSwingZone, "3 h"));
  run.to(3600.0);  // mid-transient, off the table's points
  check_jacobian_at(run);
  const auto& plant = link<coupling::GasPlant>(run, "TPP-2", "coupling gas plant");
  // Off a table point: the analytic dṁ/dP against a central difference.
  for (double P : {200e6, 450e6, 750e6, 950e6}) {
    double d = 0;
    plant.fuel_flow(P, &d);
    const double h = 1e3;
    CHECK(d == Approx((plant.fuel_flow(P + h) - plant.fuel_flow(P - h)) / (2 * h)).epsilon(1e-7));
  }
}

namespace {
// Tank farm → 10 km → PS → 150 km → receipt; the station's motors are a load in South.
std::string pump_study(const std::string& zone, const std::string& control,
                       const std::string& station_extra = "") {
  return fmt::format(R"(
study: {{name: pump, duration: 2 h, output_interval: 10 min}}
solver: {{rtol: 1e-9, atol: 1e-9}}
oil:
  initial_flow: 600 kg/s
  initial_pressure: 30 bar
  fluids:
    - {{name: crude, density: 850 kg/m3, viscosity: {{temperatures: [0 degC, 50 degC], values: [8 cSt, 8 cSt]}}}}
  route: {{distance: [0, 10 km, 160 km], elevation: [200 m, 200 m, 300 m]}}
  pipes:
    - {{name: Suction, length: 10 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm, friction: 0.015}}
    - {{name: Discharge, length: 150 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       friction: 0.015, max_segment_length: 5 km}}
  stations:
    - name: Atasu PS
      upstream: Suction
      downstream: Discharge
      pumps: {{count: 2, arrangement: series, shutoff_head: 300 m, rated_head: 230 m,
              rated_flow: 0.8 m3/s}}
      control: {}{}
  terminals:
    - {{name: Tank farm, pipe: Suction, end: inlet, pressure: 3 bar}}
    - {{name: Receipt, pipe: Discharge, end: outlet, pressure: 5 bar}}
power:
  zones:
    - {}
  generators:
    - {{name: G, zone: South, capacity: 2000 MW, set_point: 1600 MW}}
coupling:
  pump_loads:
    - {{station: Atasu PS, zone: South}}
)",
                     control, station_extra, zone);
}
}  // namespace

TEST_CASE("an electric pump station is a load in its zone", "[coupling][pump]") {
  StudyRun run(pump_study(kInfiniteBus, "{variable: speed, setpoint: 1.0}"));
  const auto& load = link<coupling::ElectricLoad>(run, "Atasu PS", "coupling electric load");
  const auto& st = run.get<oil::Station>("Atasu PS");
  const auto& zone = run.get<power::Zone>("South");
  const State s0 = run.state();
  const double pel = st.electric_power(s0);
  INFO("P_el " << pel / 1e6 << " MW, flow " << run.y(st.offset()) << " kg/s");
  REQUIRE(pel > 1e6);
  CHECK(load.power(s0) == pel);
  // The infinite bus supplies load + P_el − generation, exactly.
  const int ext = zone.offset() + 2;
  CHECK(run.y(ext) - (2e9 - 1600e6) == Approx(pel).epsilon(1e-9));
  check_jacobian_at(run);
  // Energy: served = ∫(P_L + P_el) and generated = served (one zone, no ties).
  run.to(2 * 3600.0);
  const State s1 = run.state();
  const double e_el = run.y(load.offset());
  CHECK(e_el == Approx(pel * 7200).epsilon(1e-6));
  CHECK(run.y(zone.energy(power::Zone::kServed)) == Approx(2e9 * 7200 + e_el).epsilon(1e-9));
  CHECK(run.get<power::Generator>("G").power(s1) == Approx(1600e6).epsilon(1e-9));
  CHECK(run.y(zone.energy(power::Zone::kGenerated)) ==
        Approx(run.y(zone.energy(power::Zone::kServed))).epsilon(1e-9));
}

TEST_CASE("a tripped pump station's motors draw nothing", "[coupling][pump][events]") {
  StudyRun run(pump_study(kInfiniteBus, "{variable: speed, setpoint: 1.0}", R"(
      trips: [1 h]
      rundown_time: 20 s)"));
  const auto& load = link<coupling::ElectricLoad>(run, "Atasu PS", "coupling electric load");
  const auto& zone = run.get<power::Zone>("South");
  const double pel = load.power(run.state());
  REQUIRE(pel > 1e6);
  run.to(3590.0);
  const double e_before = run.y(load.offset());
  CHECK(e_before == Approx(pel * 3590.0).epsilon(1e-6));
  run.to(3600.0 + 60.0);
  CHECK_FALSE(run.get<oil::Station>("Atasu PS").running());
  CHECK(load.power(run.state()) == 0.0);
  CHECK(run.y(zone.offset() + 2) == Approx(2e9 - 1600e6).epsilon(1e-9));
  CHECK(run.y(load.offset()) == Approx(pel * 3600.0).epsilon(1e-6));
  check_jacobian_at(run);
}

TEST_CASE("pump load Jacobian in a swing zone under discharge control",
          "[coupling][pump][jacobian]") {
  StudyRun run(pump_study(kSwingZone,
                          "{variable: discharge, setpoint: 40 bar, proportional_band: 20 bar, "
                          "integral_time: 60 s}"));
  run.to(600.0);
  const auto& st = run.get<oil::Station>("Atasu PS");
  REQUIRE(st.electric_power(run.state()) > 1e6);
  check_jacobian_at(run);
  // Energy balance of the zone: generated − served = kinetic energy change (M·Δf²/2 → 0
  // at steady state is not reached here; the accumulators still satisfy
  // E_gen = E_served + ∫M·Δf·dΔf/dt) — checked through the residual at the state instead:
  // the balance row holds P_gen = P_L(1 + DΔf/f0) + P_el + M·dΔf/dt.
  const auto& zone = run.get<power::Zone>("South");
  const auto& g = run.get<power::Generator>("G");
  const State s = run.state();
  const double f0 = 50, M = 2 * 5 * 3e9 / f0, df = s.y[zone.df()];
  const double lhs = g.power(s);
  const double rhs = 1.6e9 * (1 + df / f0) + st.electric_power(s) + M * s.yp[zone.df()];
  CHECK(lhs == Approx(rhs).epsilon(1e-6));
}

TEST_CASE("an electric-drive compressor is a load in its zone", "[coupling][compressor]") {
  StudyRun run(R"(
study: {name: cs, duration: 6 h, output_interval: 30 min}
solver: {rtol: 1e-8, atol: 1e-8, max_order: 2}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K, law: papay}
  max_segment_length: 10 km
  nodes:
    - {name: Border, initial_pressure: 60 bar}
    - {name: Suction, initial_pressure: 55 bar}
    - {name: Discharge, initial_pressure: 70 bar}
    - {name: City, initial_pressure: 60 bar}
  pipes:
    - {name: P1, from: Border, to: Suction, length: 100 km, diameter: 1067 mm}
    - {name: P2, from: Discharge, to: City, length: 100 km, diameter: 1067 mm}
  supplies:
    - {name: S, node: Border, pressure: 60 bar}
  compressors:
    - {name: Bozoi, from: Suction, to: Discharge, control: discharge, set_point: 70 bar,
       drive: electric, drive_efficiency: 0.95}
  offtakes:
    - {name: D, node: City, mass_flow: {times: [0, 3 h], values: [200, 300]}}
power:
  zones:
    - {name: South, infinite_bus: true, load: 1 GW}
  generators:
    - {name: G, zone: South, capacity: 2000 MW, set_point: 800 MW}
coupling:
  compressor_loads:
    - {compressor: Bozoi, zone: South, name: Bozoi drive}
)");
  const auto& load = run.get<coupling::ElectricLoad>("Bozoi drive");
  const auto& cs = run.get<gas::CompressorStation>("Bozoi");
  const auto& south = run.get<power::Zone>("South");
  const State s0 = run.state();
  const double pel = cs.electric_power(s0.y);
  INFO("P_el " << pel / 1e6 << " MW");
  REQUIRE(pel > 1e6);
  CHECK(load.power(s0) == pel);
  // The infinite bus supplies load + P_el − generation, exactly.
  CHECK(s0.y[south.offset() + 2] - (1e9 - 800e6) == Approx(pel).epsilon(1e-9));
  check_jacobian_at(run);
  run.to(4 * 3600.0);  // the offtake has risen: more compression, more power
  CHECK(load.power(run.state()) > pel);
  CHECK(run.y(south.offset() + 2) - (1e9 - 800e6) ==
        Approx(cs.electric_power(run.integ->y())).epsilon(1e-7));
  check_jacobian_at(run);
}

TEST_CASE("coupling references: names repeated across kinds, table errors", "[coupling][reader]") {
  auto study = [](const std::string& plant) {
    return fmt::format(R"(
study: {{name: names, duration: 1 h, output_interval: 10 min}}
gas:
  nodes:
    - {{name: Almaty, initial_pressure: 70 bar}}
  supplies:
    - {{name: S, node: Almaty, pressure: 70 bar}}
power:
  zones:
    - {{name: Almaty, infinite_bus: true, load: 1 GW}}
  generators:
    - {{name: TPP, zone: Almaty, type: gas, capacity: 500 MW, set_point: 400 MW}}
coupling:
  gas_plants:
    - {}
)",
                       plant);
  };
  // A gas node and a power zone both named Almaty, and a plant named after its unit.
  StudyRun run(study("{generator: TPP, gas_node: Almaty, heat_rate: 7.2 MJ/kWh}"));
  const auto& plant = link<coupling::GasPlant>(run, "TPP", "coupling gas plant");
  CHECK(&plant.node() == run.system().find("Almaty", "gas node"));
  CHECK(plant.heat_rate(4e8) == Approx(2.0));
  CHECK(plant.fuel_flow(run.state()) == Approx(400e6 * 2.0 / 47e6).epsilon(1e-9));
  CHECK(run.value("S") == Approx(400e6 * 2.0 / 47e6).epsilon(1e-9));  // supply = fuel

  auto errors = [&](const std::string& plant_text) {
    try {
      load_study_text(study(plant_text), "test.yaml", {}, domains());
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(errors("{generator: TPP, gas_node: Almaty, heat_rate: {power: [1 MW, 2 MW], "
                    "rate: [7 MJ/kWh]}}"),
             Catch::Contains("1 rates for 2 powers"));
  CHECK_THAT(errors("{generator: TPP, gas_node: Almaty, heat_rate: {power: [2 MW, 1 MW], "
                    "rate: [7 MJ/kWh, 8 MJ/kWh]}}"),
             Catch::Contains("powers must increase strictly"));
  CHECK_THAT(errors("{generator: TPP, gas_node: Almaty, heat_rate: 7.2 MJ/kWh, "
                    "on_low_pressure: shed}"),
             Catch::Contains("on_low_pressure"));
  CHECK_THAT(errors("{generator: TPP, gas_node: Almaty, heat_rate: 7.2 MJ/kWh, lhv: 47 bar}"),
             Catch::Contains("lhv"));
  CHECK_THAT(errors("{generator: TPP, heat_rate: 7.2 MJ/kWh}"), Catch::Contains("gas_node"));
  CHECK_THAT(errors("{generator: TPP, gas_node: Almaty, heat_rat: 7.2 MJ/kWh}"),
             Catch::Contains("heat_rat"));
}
