// Churchill's (1977) friction factor, one smooth formula for laminar, transitional and
// turbulent pipe flow, in the form a residual needs: odd in the Reynolds number, finite
// at zero flow, with its analytic derivative.
//
//   f(Re) = 8 · [ (8/Re)^12 + (A + B)^(-3/2) ]^(1/12)              (Darcy factor)
//   A = [ 2.457 · ln( 1 / ((7/Re)^0.9 + 0.27 ε/D) ) ]^16,   B = (37530/Re)^16
//
// The friction pressure gradient ∝ f·Re·|Re| is what the momentum equation uses, so the
// functions here return
//   ψ(Re) = f(|Re|)·Re·|Re| = 8·Re·[ 8^12 + |Re|^12·(A + B)^(-3/2) ]^(1/12)
// which is 64·Re (Hagen–Poiseuille) near Re = 0, with no division by Re, and its
// derivative dψ/dRe. A fixed Darcy factor f0 gives ψ ≈ f0·Re·|Re| (see fixed_psi).
//
// Laminar limit f = 64/Re (Re ≲ 2000), Colebrook-like turbulent branch (within ~1 %);
// transition is a smooth blend, not a physical model of intermittency.
#pragma once

#include <cmath>

namespace steppe::friction {

struct Psi {
  double value = 0.0;       // ψ(Re)
  double derivative = 0.0;  // dψ/dRe
};

// ψ and dψ/dRe for the Churchill law with relative roughness eps_d = ε/D (≥ 0).
Psi churchill_psi(double re, double eps_d);
// The Darcy friction factor f(|Re|) itself (Re ≠ 0), for outputs and tests.
double churchill_f(double re, double eps_d);
// ψ for a fixed Darcy factor f0: f0·Re·√(Re² + 1), i.e. f0·Re|Re| to 1/(2Re²), with a
// non-zero slope at Re = 0 so that a line at rest keeps a regular Jacobian.
inline Psi fixed_psi(double re, double f0) {
  const double r = std::sqrt(re * re + 1.0);
  return {f0 * re * r, f0 * (r + re * re / r)};
}

}  // namespace steppe::friction
