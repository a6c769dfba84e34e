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
//   GERG-2008 (models/common/gerg2008.hpp) from a composition: ρ(p) read from a table of
//           the equation (models/common/gas_table.hpp) at the fluid temperature
//
// density() returns ρ and dρ/dp together, as the residual and Jacobian need both.
//
// With the energy equation the laws also give ρ(p, T) and the specific enthalpy h(p, T)
// (law_point(), tabulated per gas): ideal and Papay with a constant ideal-gas heat capacity
// c_p° and the residual enthalpy of their Z(p, T),
//   h = c_p°·(T − 298.15 K) − R_s T² ∫₀^p (∂Z/∂T)_p dp′/p′
//     (Papay: Z = 1 − A(T)p + B(T)p², so the integral is −A′p + B′p²/2),
// GERG-2008 from its Helmholtz energy (reference state: ideal gas at 298.15 K, 1 atm).
#pragma once

#include <memory>
#include <utility>

#include "models/common/gas_table.hpp"
#include "models/common/gerg2008.hpp"
#include "solver/study/constants.hpp"

namespace steppe::gas {

enum class GasLaw { Ideal, Papay, Cnga, Gerg2008 };

// The ranges a study's gas must lie in (open intervals; gas.fluid is refused outside them):
// specific gravity (natural gas about 0.55 to 0.7) and temperature, K.
inline constexpr double kGravityMin = 0.3, kGravityMax = 2.0;
inline constexpr double kTemperatureMin = 150.0, kTemperatureMax = 500.0;

struct GasProperties {
  double specific_gravity = 0.6;  // relative to air
  double temperature = 288.15;    // K, the (isothermal) gas temperature
  GasLaw law = GasLaw::Ideal;
  double viscosity = 1.1e-5;                                // Pa·s, for Reynolds numbers
  double normal_temperature = constants::kZeroCelsius;      // K
  double normal_pressure = constants::kStandardAtmosphere;  // Pa
  // Papay's pseudo-critical pressure (Pa) and temperature (K) when given; 0: Standing's from G.
  double pseudo_critical_pressure = 0.0, pseudo_critical_temperature = 0.0;
  // Ideal-gas heat capacity c_p° [J/(kg K)] of the ideal and Papay laws (energy equation);
  // 0: κ = 1.3, c_p° = κ R_s/(κ − 1).
  double heat_capacity = 0.0;
  // The composition (GERG-2008, or any law given one): the mixture it defines.
  std::shared_ptr<const gerg2008::Mixture> mixture;
  // GERG-2008's ρ(p, T) around the fluid temperature (set by set_table()).
  std::shared_ptr<const GasTable> table;

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
  // ρ, h and their first derivatives at (p, T), from the law itself (not a table).
  LawPoint law_point(double p, double t) const;
  // c_p° of the ideal and Papay laws [J/(kg K)].
  double ideal_heat_capacity() const;
  // Net (lower) heating value per kg of the composition [J/kg]; 0 without one.
  double net_heating_value() const;
  // Tabulates GERG-2008 around the fluid temperature up to p_max (Pa); throws
  // std::runtime_error if the equation has no gas state on the grid.
  void set_table(double p_max);

 private:
  // Papay's (T_pc [K], p_pc [Pa]): the given ones, or Standing's from G.
  std::pair<double, double> papay_pseudo_critical() const;
  // Papay's temperature terms 3.52·10^(−0.9813 T_r), 0.274·10^(−0.8157 T_r) and p_pc, for
  // the (G, T, given p_pc, T_pc) they were computed at: the hot path then needs no pow().
  struct PapayTerms {
    double g = -1.0, t = -1.0, given_ppc = -1.0, given_tpc = -1.0, a = 0.0, b = 0.0, ppc = 1.0;
  };
  mutable PapayTerms papay_;
};

}  // namespace steppe::gas
