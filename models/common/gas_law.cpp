#include "models/common/gas_law.hpp"

#include <cmath>

#include "solver/study/constants.hpp"

namespace steppe::gas {

namespace {
using constants::kMolarMassAir;
constexpr double kR = constants::kGasConstant;
constexpr double kPsi = 6894.757293168;  // Pa
constexpr double kRankinePerKelvin = 1.8;
}  // namespace

double GasProperties::molar_mass() const {
  return specific_gravity * kMolarMassAir;
}

double GasProperties::gas_constant() const {
  return kR / molar_mass();
}

double GasProperties::z(double p, double* dz_dp, double* d2z) const {
  const double G = specific_gravity;
  switch (law) {
    case GasLaw::Ideal:
      if (dz_dp) *dz_dp = 0.0;
      if (d2z) *d2z = 0.0;
      return 1.0;
    case GasLaw::Papay: {
      if (papay_.g != G || papay_.t != temperature ||
          papay_.given_ppc != pseudo_critical_pressure ||
          papay_.given_tpc != pseudo_critical_temperature) {
        const double tpc = pseudo_critical_temperature > 0
                               ? pseudo_critical_temperature
                               : (168.0 + 325.0 * G - 12.5 * G * G) / kRankinePerKelvin;  // K
        const double tr = temperature / tpc;
        papay_ = {G,
                  temperature,
                  pseudo_critical_pressure,
                  pseudo_critical_temperature,
                  3.52 * std::pow(10.0, -0.9813 * tr),
                  0.274 * std::pow(10.0, -0.8157 * tr),
                  pseudo_critical_pressure > 0 ? pseudo_critical_pressure
                                               : (677.0 + 15.0 * G - 37.5 * G * G) * kPsi};
      }
      const double ppc = papay_.ppc, pr = p / ppc, a = papay_.a, b = papay_.b;
      if (dz_dp) *dz_dp = (-a + 2.0 * b * pr) / ppc;
      if (d2z) *d2z = 2.0 * b / (ppc * ppc);
      return 1.0 - a * pr + b * pr * pr;
    }
    case GasLaw::Cnga: {
      const double tf = temperature * kRankinePerKelvin;
      const double k = 344400.0 * std::pow(10.0, 1.785 * G) / std::pow(tf, 3.825) / kPsi;
      const double pg = p - constants::kStandardAtmosphere;  // gauge
      const double d = 1.0 + k * pg;
      if (dz_dp) *dz_dp = -k / (d * d);
      if (d2z) *d2z = 2.0 * k * k / (d * d * d);
      return 1.0 / d;
    }
  }
  return 1.0;
}

double GasProperties::density(double p, double* drho_dp, double* d2rho) const {
  double dz = 0.0, d2 = 0.0;
  const double Z = z(p, &dz, &d2);
  const double rt = gas_constant() * temperature;
  if (drho_dp) *drho_dp = (Z - p * dz) / (Z * Z * rt);
  // d/dp[(Z − pZ')/Z²] = (−pZ''Z − 2Z'(Z − pZ'))/Z³
  if (d2rho) *d2rho = (-p * d2 * Z - 2.0 * dz * (Z - p * dz)) / (Z * Z * Z * rt);
  return p / (Z * rt);
}

double GasProperties::normal_density() const {
  // At normal conditions the gas is near-ideal; use the law anyway at that state.
  GasProperties n = *this;
  n.temperature = normal_temperature;
  return n.density(normal_pressure);
}

double GasProperties::sound_speed_squared(double p) const {
  double drho = 0.0;
  density(p, &drho);
  return 1.0 / drho;
}

}  // namespace steppe::gas
