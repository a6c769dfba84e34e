// Test studies shared by the coupling and checkpoint tests.
#pragma once

#include <fmt/format.h>

#include <string>

namespace steppe::testing {

// Supply (70 bar) → 20 km → Almaty (city offtake + the plant's fuel); one power zone,
// an infinite bus (so a unit's output equals its set point in steady state) or a swing
// zone with a governed coal unit.
inline std::string plant_study(const std::string& offtake, const std::string& set_point,
                               const std::string& plant_extra, const std::string& zone,
                               const std::string& duration = "1 d") {
  return fmt::format(R"(
study: {{name: plant, duration: {}, output_interval: 30 min}}
solver: {{rtol: 1e-8, atol: 1e-8, max_order: 2}}
normal_conditions: {{density: 0.7 kg/m3}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15 K, law: papay}}
  max_segment_length: 5 km
  nodes:
    - {{name: Border, initial_pressure: 70 bar}}
    - {{name: Almaty, initial_pressure: 65 bar}}
  pipes:
    - {{name: P, from: Border, to: Almaty, length: 20 km, diameter: 800 mm}}
  supplies:
    - {{name: S, node: Border, pressure: 70 bar}}
  offtakes:
    - {{name: City, node: Almaty, mass_flow: {}}}
power:
  zones:
    - {}
  generators:
    - {{name: TPP-2, zone: South, type: gas, capacity: 1000 MW, droop: 0.05,
       set_point: {}}}
    - {{name: Coal, zone: South, type: coal, capacity: 3000 MW, set_point: 1000 MW}}
coupling:
  gas_plants:
    - generator: TPP-2
      gas_node: Almaty
      heat_rate: {{power: [300 MW, 600 MW, 900 MW], rate: [9 MJ/kWh, 7.5 MJ/kWh, 7 MJ/kWh]}}
      lhv: 33.5 MJ/m3(n){}
)",
                     duration, offtake, zone, set_point, plant_extra);
}

}  // namespace steppe::testing
