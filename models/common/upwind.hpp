// Upwind finite-volume building blocks with their derivatives, for implicit schemes whose
// analytic Jacobian must match the residual (models/oil/pipe.hpp uses them; a batch or
// composition tracker reuses upwind_scalar, a gas pipe could reuse the rest):
//
//   limited_slope(Δ−, Δ+, e, ε)   the slope of a cell from its backward and forward
//                                 differences, reconstructed about an equilibrium slope e
//                                 (the steady gradient the cell's own source balances):
//                                 s = e + L(Δ− − e, Δ+ − e), so a steady profile is kept
//                                 exactly whatever the limiter does. L is van Albada's
//                                 limiter made smooth and clipped at extrema:
//                                   L(a, b) = ½ (ab + √(a²b² + ε⁴)) (a + b) / (a² + b² + ε²)
//                                 which is van Albada's ab(a + b)/(a² + b²) for same-sign
//                                 |a|, |b| ≫ ε, ≈ 0 (first order: no new extremum) where a
//                                 and b differ in sign, and ≈ (a + b)/2 (central) for
//                                 |a|, |b| ≪ ε; infinitely differentiable, so Newton and
//                                 the Jacobian see no kink.
//   acoustic_face(w+, w−, Z)      the exact Riemann (Godunov) state of a linear acoustic
//                                 pair whose invariants w± = p ± Z·m travel right (+) and
//                                 left (−): p* = (w+ + w−)/2, m* = (w+ − w−)/(2Z), w+ taken
//                                 from the left of the face and w− from the right
//                                 (characteristic upwinding).
//   upwind_scalar(m, cL, cR, mε)  the face value of a scalar carried by the mass flow m:
//                                 c = ½(cL + cR) + ½ σ(m)(cL − cR),  σ = m/√(m² + mε²):
//                                 the upstream value, switched smoothly within ±mε.
#pragma once

#include <cmath>

namespace steppe::upwind {

struct Slope {
  double value = 0.0;
  double d_left = 0.0;   // ∂s/∂Δ−
  double d_right = 0.0;  // ∂s/∂Δ+ ; ∂s/∂e = 1 − d_left − d_right
};

// L(a, b) above with ∂L/∂a, ∂L/∂b.
inline Slope smooth_van_albada(double a, double b, double eps) {
  const double e2 = eps * eps, ab = a * b;
  const double r = std::sqrt(ab * ab + e2 * e2);
  // n = ½ (ab + r), written without cancellation when ab < 0.
  const double n = ab >= 0 ? 0.5 * (ab + r) : 0.5 * e2 * e2 / (r - ab);
  const double sum = a + b, d = a * a + b * b + e2;
  // ∂n/∂a = ½ b (1 + ab/r) = b·n/r, ∂n/∂b = a·n/r.
  const double dn_a = b * n / r, dn_b = a * n / r;
  const double l = n * sum / d;
  return {l, (dn_a * sum + n) / d - l * 2.0 * a / d, (dn_b * sum + n) / d - l * 2.0 * b / d};
}

inline Slope limited_slope(double dl, double dr, double e, double eps) {
  Slope s = smooth_van_albada(dl - e, dr - e, eps);
  s.value += e;
  return s;
}

struct AcousticFace {
  double p = 0.0, m = 0.0;
};

inline AcousticFace acoustic_face(double w_plus_left, double w_minus_right, double z) {
  return {0.5 * (w_plus_left + w_minus_right), 0.5 * (w_plus_left - w_minus_right) / z};
}

struct ScalarFace {
  double value = 0.0;
  double d_m = 0.0, d_left = 0.0, d_right = 0.0;
};

inline ScalarFace upwind_scalar(double m, double c_left, double c_right, double m_eps) {
  const double q = std::sqrt(m * m + m_eps * m_eps);
  const double sigma = m / q, dsigma = m_eps * m_eps / (q * q * q);
  return {0.5 * (c_left + c_right) + 0.5 * sigma * (c_left - c_right),
          0.5 * dsigma * (c_left - c_right), 0.5 * (1.0 + sigma), 0.5 * (1.0 - sigma)};
}

}  // namespace steppe::upwind
