// Natural gas as the pipeline sees it: isothermal, with a compressibility factor Z(p)
// from an ideal, Papay or CNGA law, and density ρ = p / (Z R_s T).
//
//   R_s = R / M,  M = G · M_air (G the specific gravity, M_air = 28.9647 g/mol)
//   ideal:  Z = 1
//   Papay (1968), with pseudo-reduced p_r = p/p_pc, T_r = T/T_pc:
//           Z = 1 − 3.52 p_r / 10^(0.9813 T_r) + 0.274 p_r² / 10^(0.8157 T_r)
//   pseudo-critical properties given directly (GasLib's pseudocriticalPressure/Temperature),
//   or from G (Standing, 1977, natural gas):
//           T_pc = 168 + 325 G − 12.5 G²  [°R],   p_pc = 677 + 15 G − 37.5 G²  [psia]
//   CNGA:   Z = 1 / (1 + p_g · 344400 · 10^(1.785 G) / T_F^3.825),
//           p_g gauge pressure in psig, T_F in °R
//
// density() returns ρ and dρ/dp together, as the residual and Jacobian need both.
#pragma once

#include "solver/study/constants.hpp"

namespace steppe::gas {

enum class GasLaw { Ideal, Papay, Cnga };

struct GasProperties {
  double specific_gravity = 0.6;  // relative to air
  double temperature = 288.15;    // K, the (isothermal) gas temperature
  GasLaw law = GasLaw::Ideal;
  double viscosity = 1.1e-5;                                // Pa·s, for Reynolds numbers
  double normal_temperature = constants::kZeroCelsius;      // K
  double normal_pressure = constants::kStandardAtmosphere;  // Pa
  // Papay's pseudo-critical pressure (Pa) and temperature (K) when given; 0: Standing's from G.
  double pseudo_critical_pressure = 0.0, pseudo_critical_temperature = 0.0;

  double molar_mass() const;    // kg/mol
  double gas_constant() const;  // R_s, J/(kg·K)
  // Z, dZ/dp and d²Z/dp² at pressure p (Pa, absolute).
  double z(double p, double* dz_dp = nullptr, double* d2z_dp2 = nullptr) const;
  // ρ(p) and, if asked, dρ/dp and d²ρ/dp².
  double density(double p, double* drho_dp = nullptr, double* d2rho_dp2 = nullptr) const;
  // Density at the normal conditions: converts standard volumes to mass.
  double normal_density() const;
  // Isothermal sound speed squared c² = dp/dρ at p.
  double sound_speed_squared(double p) const;

 private:
  // Papay's temperature terms 3.52·10^(−0.9813 T_r), 0.274·10^(−0.8157 T_r) and p_pc, for
  // the (G, T, given p_pc, T_pc) they were computed at: the hot path then needs no pow().
  struct PapayTerms {
    double g = -1.0, t = -1.0, given_ppc = -1.0, given_tpc = -1.0, a = 0.0, b = 0.0, ppc = 1.0;
  };
  mutable PapayTerms papay_;
};

}  // namespace steppe::gas
