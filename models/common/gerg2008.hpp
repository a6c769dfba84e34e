// GERG-2008: the wide-range equation of state for natural gases and other mixtures of
// its 21 components (Kunz & Wagner 2012, J. Chem. Eng. Data 57, 3032; ISO 20765-2;
// AGA Report No. 8 Part 2, whose ideal-gas constants and reference state it uses).
//
// The mixture's reduced Helmholtz energy α(δ, τ, x) = α°(ρ, T, x) + αʳ(δ, τ, x):
//   reducing functions  T_r = Σᵢ Σⱼ xᵢxⱼ β_T,ij γ_T,ij (xᵢ + xⱼ)/(β²_T,ij xᵢ + xⱼ) (T_c,i T_c,j)^½
//                       1/ρ_r = Σᵢ Σⱼ xᵢxⱼ β_v,ij γ_v,ij (xᵢ + xⱼ)/(β²_v,ij xᵢ + xⱼ)
//                               · ⅛ (ρ_c,i^−⅓ + ρ_c,j^−⅓)³           (β = γ = 1 for i = j)
//   δ = ρ/ρ_r, τ = T_r/T
//   residual   αʳ = Σᵢ xᵢ αʳ_oi(δ, τ) + Σᵢ<ⱼ xᵢxⱼ F_ij αʳ_ij(δ, τ)
//              αʳ_oi = Σ n δ^d τ^t [exp(−δ^c)],  αʳ_ij = Σ n δ^d τ^t [exp(−η(δ−ε)² − β(δ−γ))]
//   ideal gas  α° = Σᵢ xᵢ [ln(xᵢ ρ) + n₁ + n₂/T − n₃ ln T + Σ n_k ln|sinh(ϑ_k/T)| − Σ n_k ln
//   cosh(ϑ_k/T)]
//              (AGA 8 Part 2 form: ρ in mol/dm³, reference state ideal gas at 298.15 K and
//              101.325 kPa with h = s = 0; constants scaled by R*/R, R* = 8.31451 J/(mol K))
// Every term of the mixture is written as n·δ^d·τ^t·exp(a₁δ + a₂δ² − a_c δ^c); terms with
// the same exponents are merged once per composition (the 12-term components share one
// exponent set), so an evaluation costs one exp per distinct term.
//
// Properties from the derivatives α_mn = δ^n τ^m ∂^(m+n)α/∂τ^m∂δ^n (R = 8.314472 J/(mol K)):
//   Z = 1 + αʳ₀₁,  p = ρRTZ,  (∂p/∂ρ)_T = RT(1 + 2αʳ₀₁ + αʳ₀₂),  (∂p/∂T)_ρ = ρR(1 + αʳ₀₁ − αʳ₁₁)
//   u = RT(α°₁₀ + αʳ₁₀),  h = u + RTZ,  s = R(α°₁₀ + αʳ₁₀ − α° − αʳ),  g = RT(1 + αʳ₀₁ + α° + αʳ)
//   c_v = −R(α°₂₀ + αʳ₂₀),  c_p = c_v + T(∂p/∂T)²/(ρ²(∂p/∂ρ)),  w² = (c_p/c_v)(∂p/∂ρ)/M
//   μ_JT = (T(∂p/∂T)/(ρ(∂p/∂ρ)) − 1)/(ρ c_p),  κ = w²M/(RTZ)
// Density from (T, p): Newton on ln ρ from the ideal-gas density (gas phase).
// All inputs and outputs are SI: K, Pa, mol/m³, J/mol, J/(mol K), m/s, K/Pa.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace steppe::gerg2008 {

inline constexpr int kComponents = 21;
inline constexpr double kR = 8.314472;  // J/(mol K), the equation's gas constant

// Component order of AGA 8 Part 2.
enum Component : int {
  Methane,
  Nitrogen,
  CarbonDioxide,
  Ethane,
  Propane,
  Isobutane,
  NButane,
  Isopentane,
  NPentane,
  NHexane,
  NHeptane,
  NOctane,
  NNonane,
  NDecane,
  Hydrogen,
  Oxygen,
  CarbonMonoxide,
  Water,
  HydrogenSulfide,
  Helium,
  Argon
};

using Composition = std::array<double, kComponents>;  // mole fractions

// "methane", "n_butane", …: the study's names of the components.
std::string_view component_name(int i);
// The component of a study name or chemical formula ("methane", "CH4", "n-butane",
// "nC4", "H2"); −1 if none.
int find_component(std::string_view name);
double molar_mass(int i);  // kg/mol
// Ideal molar heating values at 25 °C (AGA Report No. 5, 2009, as listed with AGA 8):
// gross (water condensed) and net = gross − n_H₂O · 44.016 kJ/mol (water formed as vapour).
double gross_heating_value(int i);  // J/mol
double net_heating_value(int i);    // J/mol

struct Properties {
  double temperature = 0.0;      // K
  double density = 0.0;          // mol/m³
  double pressure = 0.0;         // Pa
  double z = 0.0;                // 1
  double dp_drho = 0.0;          // (∂p/∂ρ)_T, Pa/(mol/m³)
  double d2p_drho2 = 0.0;        // (∂²p/∂ρ²)_T, Pa/(mol/m³)²
  double dp_dt = 0.0;            // (∂p/∂T)_ρ, Pa/K
  double d2p_dtdrho = 0.0;       // ∂²p/∂T∂ρ, Pa/(K mol/m³)
  double internal_energy = 0.0;  // J/mol
  double enthalpy = 0.0;         // J/mol
  double entropy = 0.0;          // J/(mol K)
  double gibbs_energy = 0.0;     // J/mol
  double cv = 0.0, cp = 0.0;     // J/(mol K)
  double speed_of_sound = 0.0;   // m/s
  double joule_thomson = 0.0;    // K/Pa
  double isentropic_exponent = 0.0;
};

class Mixture {
 public:
  // x: mole fractions, each ≥ 0, summing to 1 (normalised here).
  explicit Mixture(const Composition& x);

  const Composition& composition() const { return x_; }
  double molar_mass() const { return molar_mass_; }  // kg/mol
  double reducing_temperature() const { return t_r_; }
  double reducing_density() const { return rho_r_; }  // mol/m³
  double net_heating_value() const;                   // J/mol
  double gross_heating_value() const;                 // J/mol

  // Pressure at (T, ρ) [Pa], with (∂p/∂ρ)_T if asked.
  double pressure(double t, double rho, double* dp_drho = nullptr) const;
  // Gas-phase molar density at (T, p) [mol/m³]; NaN when the iteration fails.
  double density(double t, double p) const;
  Properties properties(double t, double rho) const;
  Properties properties_tp(double t, double p) const { return properties(t, density(t, p)); }

 private:
  // αʳ and its derivatives: a[m][n] = τ^m δ^n ∂^(m+n)αʳ/∂τ^m∂δ^n (m ≤ 2, n ≤ 3).
  struct Residual {
    double a[3][4] = {};
  };
  Residual residual(double t, double rho, bool temperature_terms) const;
  // α°, τ∂α°/∂τ (= −T∂α°/∂T), τ²∂²α°/∂τ².
  void ideal(double t, double rho, double a0[3]) const;

  struct Term {
    double n;       // coefficient, mixture weights folded in
    double t;       // τ exponent
    int d;          // δ exponent
    int c;          // exp(−δ^c) exponent; 0: none
    double a1, a2;  // exp(a₁δ + a₂δ²)
  };
  Composition x_{};
  double molar_mass_ = 0.0;
  double t_r_ = 0.0, rho_r_ = 0.0;
  std::vector<Term> terms_;
  std::vector<int> present_;  // components with x > 0
};

}  // namespace steppe::gerg2008
