#include "models/oil/fluid.hpp"

#include <cmath>

namespace steppe::oil {

double Fluid::kinematic_viscosity(double t_kelvin) const {
  const double z = std::pow(10.0, walther_a - walther_b * std::log10(t_kelvin));
  return (std::pow(10.0, z) - 0.7) * 1e-6;
}

void Fluid::fit_walther(double t1, double nu1, double t2, double nu2) {
  const double y1 = std::log10(std::log10(nu1 * 1e6 + 0.7));
  const double y2 = std::log10(std::log10(nu2 * 1e6 + 0.7));
  walther_b = (y1 - y2) / (std::log10(t2) - std::log10(t1));
  walther_a = y1 + walther_b * std::log10(t1);
}

}  // namespace steppe::oil
