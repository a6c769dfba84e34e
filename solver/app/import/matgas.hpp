// MATGAS import: a Steppe study from a GasModels.jl network file (the MATLAB-like `.m`
// format: `mgc.<field> = value;` scalars and `mgc.<table> = [ rows ];` tables, `%` comments).
//
//   scalars   units ('si' only: Pa, m, kg/s, K), is_per_unit/per_unit (0 only),
//             gas_specific_gravity or gas_molar_mass (kg/mol), temperature (K),
//             compressibility_factor Z (constant), specific_heat_capacity_ratio (κ), R;
//             base_* and sound_speed are not needed (noted as ignored)
//   tables    (columns in GasModels' order; a `% id fr_junction …` comment line before a table
//             names them, `%column_names% …` names those of a `<table>_data` extension)
//     junction   → gas.nodes "J<id>" (p_min, p_max)
//     pipe       → gas.pipes (diameter, length, lambda = friction_factor: a fixed Darcy factor)
//     compressor → gas.compressors (ratio_max = c_ratio_max, ratio_min = c_ratio_min, flow_max,
//                  power_max when finite)
//   Controls (the supply's pressure, every regulator's and station's set point, initial
//   pressures): the operating point of a network flow computation (operating_point.hpp).
//     short_pipe → gas.valves kind short_pipe;  valve → kind valve (status: open or closed)
//     resistor   → gas.valves kind resistor (drag, diameter)
//     regulator  → gas.valves kind control_valve; a pair into an auxiliary junction
//                  (X → V ← Y) is one two-way regulator X → Y
//     receipt    → an entry's injection (injection_nominal, kg/s); the largest one's junction
//                  holds the pressure (the supply)
//     delivery   → an exit's withdrawal (withdrawal_nominal, kg/s), optionally swinging daily
//   Elements with status 0 are left out (noted). The gas: an ideal gas of molar mass M/Z
//   reproduces GasModels' constant-Z density ρ = p·M/(Z·R·T) exactly.
// Every problem is an error at its file:line:column; nothing is written then.
#pragma once

#include <string>

#include "solver/app/import/gas_network.hpp"

namespace steppe::gas {

struct MatgasOptions {
  // Deliveries swing daily by ± this fraction: values at 0, 6, 12, 18, 24 h of
  // q·(1, 1 + a, 1, 1 − a, 1), linear between (0: constant).
  double demand_swing = 0.0;
  std::string duration = "1 d";
  // > 0: the file's resistor drag column holds C·D⁸/ζ instead of the drag factor ζ (as
  // GasModels' gaslib-582-G.m does, with C = 4.67e11 fitted to GasLib's own drag factors
  // of its 8 resistors within ±0.3 %): ζ = C·D⁸/drag.
  double inverse_drag = 0.0;
};

// The study text from a MATGAS file's text (`path` for messages). Throws ImportError.
std::string matgas_to_yaml(const std::string& path, const std::string& text,
                           const MatgasOptions& options = {});

// Reads the file and converts it. Throws ImportError.
std::string import_matgas(const std::string& path, const MatgasOptions& options = {});

}  // namespace steppe::gas
