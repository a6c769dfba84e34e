// Darcy friction factor λ(Re) for pipe flow, with dλ/dRe for analytic Jacobians.
//
//   colebrook    1/√λ = −2 log10(ε/(3.7 D) + 2.51/(Re √λ))   (Colebrook–White, implicit;
//                solved by Newton, derivative by implicit differentiation)
//   swamee_jain  λ = 0.25 / log10(ε/(3.7 D) + 5.74/Re^0.9)²
//   hofer        λ = (−2 log10(4.518/Re · log10(Re/7) + ε/(3.71 D)))^−2
//   nikuradse    λ = (2 log10(3.71 D/ε))^−2   fully rough, independent of Re
//   fixed        λ given
//
// The turbulent laws, a fixed λ and Nikuradse's included, hold for Re ≥ 4000. Below 2000 the
// flow is laminar, λ = 64/Re, and between the two a cubic in Re joins them with matching
// values and slopes (as EPANET bridges the gap), so λ·|ṁ|·ṁ is continuously differentiable
// through zero flow with a non-zero slope there (a network's steady start from zero flows
// then has a regular Jacobian even in loops of pipes with a fixed λ).
#pragma once

namespace steppe {

enum class FrictionLaw { Colebrook, SwameeJain, Hofer, Nikuradse, Fixed };

struct Friction {
  FrictionLaw law = FrictionLaw::Colebrook;
  double relative_roughness = 0.0;  // ε / D
  double fixed_lambda = 0.0;        // for FrictionLaw::Fixed

  // λ at Reynolds number re ≥ 0, and dλ/dRe if asked (laminar below Re 2000 for every law).
  double lambda(double re, double* dlambda_dre = nullptr) const;
  // The turbulent law alone (Re ≥ 4000 intended).
  double turbulent(double re, double* dlambda_dre = nullptr) const;
};

}  // namespace steppe
