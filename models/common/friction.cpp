#include "models/common/friction.hpp"

#include <algorithm>
#include <cmath>

namespace steppe {

namespace {
constexpr double kLn10 = 2.302585092994046;

// (ε/(3.7 D))^1.11, remembered for the last relative roughness asked for.
double haaland_roughness(double er) {
  thread_local double last_er = -1.0, last_term = 0.0;
  if (er != last_er) {
    last_er = er;
    last_term = er > 0 ? std::pow(er / 3.7, 1.11) : 0.0;
  }
  return last_term;
}
constexpr double kReLaminar = 2000.0, kReTurbulent = 4000.0;
}  // namespace

double Friction::turbulent(double re, double* d) const {
  const double er = relative_roughness;
  switch (law) {
    case FrictionLaw::Fixed:
      if (d) *d = 0.0;
      return fixed_lambda;
    case FrictionLaw::Nikuradse: {
      if (d) *d = 0.0;
      const double s = 2.0 * std::log10(3.71 / er);
      return 1.0 / (s * s);
    }
    case FrictionLaw::SwameeJain: {
      const double u = er / 3.7 + 5.74 * std::pow(re, -0.9);
      const double l = std::log10(u);
      if (d) {
        const double du = -0.9 * 5.74 * std::pow(re, -1.9);
        *d = -0.5 / (l * l * l) * du / (u * kLn10);
      }
      return 0.25 / (l * l);
    }
    case FrictionLaw::Hofer: {
      const double w = std::log10(re / 7.0);
      const double u = 4.518 / re * w + er / 3.71;
      const double s = -2.0 * std::log10(u);
      if (d) {
        const double du = -4.518 / (re * re) * w + 4.518 / re / (re * kLn10);
        const double ds = -2.0 / (u * kLn10) * du;
        *d = -2.0 / (s * s * s) * ds;
      }
      return 1.0 / (s * s);
    }
    case FrictionLaw::Colebrook: {
      // x = 1/√λ solves F(x) = x + 2 log10(a + b x) = 0, a = ε/(3.7D), b = 2.51/Re.
      const double a = er / 3.7, b = 2.51 / re;
      // Start from Haaland's explicit form, within 1.5 % of the root (no pow(Re) needed).
      double x = -1.8 * std::log10(haaland_roughness(er) + 6.9 / re);
      for (int it = 0; it < 20; ++it) {
        const double g = a + b * x;
        const double F = x + 2.0 * std::log10(g);
        const double dF = 1.0 + 2.0 * b / (g * kLn10);
        const double step = F / dF;
        x -= step;
        // Newton's error after a step of relative size s is at most C·s², C = |F''/2F'|·x
        // ≤ 1/(x ln 10) < 0.2 (b/g ≤ 1/x): below 1e-8 the root is reached to 2e-17.
        if (std::abs(step) < 1e-8 * std::abs(x)) break;
      }
      if (d) {
        const double g = a + b * x;
        const double dF_dx = 1.0 + 2.0 * b / (g * kLn10);
        const double dF_dre = 2.0 / (g * kLn10) * (-2.51 / (re * re)) * x;
        const double dx_dre = -dF_dre / dF_dx;
        *d = -2.0 / (x * x * x) * dx_dre;
      }
      return 1.0 / (x * x);
    }
  }
  if (d) *d = 0.0;
  return fixed_lambda;
}

double Friction::lambda(double re, double* d) const {
  if (re >= kReTurbulent) return turbulent(re, d);
  if (re <= kReLaminar) {
    // λ = 64/Re diverges at zero flow, but λ·Re stays finite: callers use λ|ṁ|ṁ.
    const double r = std::max(re, 1e-12);
    if (d) *d = -64.0 / (r * r);
    return 64.0 / r;
  }
  // Cubic Hermite in Re between the laminar value at 2000 and the turbulent at 4000.
  double dt = 0.0;
  const double l0 = 64.0 / kReLaminar, d0 = -64.0 / (kReLaminar * kReLaminar);
  const double l1 = turbulent(kReTurbulent, &dt);
  const double h = kReTurbulent - kReLaminar, s = (re - kReLaminar) / h;
  const double h00 = 2 * s * s * s - 3 * s * s + 1, h10 = s * s * s - 2 * s * s + s;
  const double h01 = -2 * s * s * s + 3 * s * s, h11 = s * s * s - s * s;
  if (d) {
    const double g00 = (6 * s * s - 6 * s) / h, g10 = (3 * s * s - 4 * s + 1) / h;
    const double g01 = (-6 * s * s + 6 * s) / h, g11 = (3 * s * s - 2 * s) / h;
    *d = g00 * l0 + g10 * h * d0 + g01 * l1 + g11 * h * dt;
  }
  return h00 * l0 + h10 * h * d0 + h01 * l1 + h11 * h * dt;
}

}  // namespace steppe
