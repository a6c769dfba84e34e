// A crude: density with temperature and pressure, Walther (ASTM D341) viscosity, and the
// Korteweg wave speed of the crude in an elastic pipe wall.
//   density:    ρ(T, p) = ρ_ref·(1 − β (T − T_ref))·(1 + (p − p_atm)/K)
//   viscosity:  log10 log10(ν_cSt + 0.7) = a − b log10 T  (fitted through two points), or a
//               constant ν
//   wave speed: a = √( (K/ρ) / (1 + c·K·D/(E·e)) )  (D inner diameter, e wall thickness,
//               E Young's modulus, c restraint factor)
// No unknowns: the reader evaluates these once per pipe.
#pragma once

#include <cmath>
#include <string>

#include "models/oil/common.hpp"

namespace steppe::oil {

// A crude and its properties (the laws above).
struct Fluid {
  std::string name;
  double density_ref = 850.0;           // kg/m³ at t_ref, p_atm
  double t_ref = 288.15;                // K
  double expansion = 7e-4;              // 1/K
  double bulk_modulus = 1.5e9;          // Pa
  double walther_a = 0, walther_b = 0;  // log10 log10(ν_cSt + 0.7) = a − b log10 T
  double constant_viscosity = 0;        // m²/s; > 0: ν independent of temperature
  double vapour_pressure = 3e4;         // Pa (absolute)
  double temperature = 288.15;          // K, the line temperature unless a pipe says otherwise

  double density(double t_kelvin) const {
    return density_ref * (1.0 - expansion * (t_kelvin - t_ref));
  }
  double density(double t_kelvin, double p) const {
    return density(t_kelvin) * (1.0 + (p - kAtmosphere) / bulk_modulus);
  }
  // m²/s
  double kinematic_viscosity(double t_kelvin) const;
  // Fits walther_a, walther_b through two (T [K], ν [m²/s]) points.
  void fit_walther(double t1, double nu1, double t2, double nu2);
  // Korteweg wave speed [m/s] at density ρ [kg/m³] in a pipe of inner diameter D [m],
  // wall thickness e [m], Young's modulus E [Pa] and restraint factor c.
  double wave_speed(double rho, double d, double e, double young, double restraint) const {
    return std::sqrt(bulk_modulus / rho / (1.0 + restraint * bulk_modulus * d / (young * e)));
  }
};

}  // namespace steppe::oil
