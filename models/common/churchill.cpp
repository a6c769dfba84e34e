#include "models/common/churchill.hpp"

#include <cmath>

namespace steppe::friction {

namespace {
constexpr double k8p12 = 68719476736.0;  // 8^12
}

Psi churchill_psi(double re, double eps_d) {
  const double a = std::abs(re);
  const double sgn = re < 0 ? -1.0 : 1.0;
  // Below Re = 1e-3 the turbulent term |Re|^12·(A+B)^-1.5 is < 1e-70 of 8^12: pure laminar.
  if (a < 1e-3) return {64.0 * re, 64.0};
  // w = (7/Re)^0.9 + 0.27 ε/D,  L = −ln w,  A = (2.457 L)^16,  B = (37530/Re)^16
  const double t = std::pow(7.0 / a, 0.9);
  const double w = t + 0.27 * eps_d;
  const double dw = -0.9 * t / a;
  const double L = -std::log(w);
  const double dL = -dw / w;
  const double u = 2.457 * L;
  const double u15 = std::pow(u, 15);
  const double A = u15 * u;
  const double dA = 16.0 * u15 * 2.457 * dL;
  const double B = std::pow(37530.0 / a, 16);
  const double dB = -16.0 * B / a;
  const double AB = A + B;
  const double X = std::pow(AB, -1.5);
  const double dX = -1.5 * X / AB * (dA + dB);
  const double a11 = std::pow(a, 11);
  const double a12 = a11 * a;
  const double S = k8p12 + a12 * X;
  const double dS = 12.0 * a11 * X + a12 * dX;
  const double S12 = std::pow(S, 1.0 / 12.0);
  // ψ(|Re|) = 8|Re| S^(1/12); odd extension; dψ/dRe is even.
  const double value = 8.0 * a * S12;
  const double deriv = 8.0 * S12 + 8.0 * a * S12 / (12.0 * S) * dS;
  return {sgn * value, deriv};
}

double churchill_f(double re, double eps_d) {
  const double a = std::abs(re);
  return std::abs(churchill_psi(a, eps_d).value) / (a * a);
}

}  // namespace steppe::friction
