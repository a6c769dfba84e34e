#include "models/common/gas_law.hpp"

#include <cmath>
#include <stdexcept>

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
    case GasLaw::Gerg2008: {
      // Z = p/(ρ c), c = R_s T, from the tabulated ρ(p) and its derivatives.
      double d1 = 0.0, d2 = 0.0;
      const double rho = density(p, &d1, &d2);
      const double c = gas_constant() * temperature;
      const double Z = p / (rho * c);
      if (dz_dp) *dz_dp = (1.0 / rho - p * d1 / (rho * rho)) / c;
      if (d2z)
        *d2z = (-2.0 * d1 / (rho * rho) - p * d2 / (rho * rho) +
                2.0 * p * d1 * d1 / (rho * rho * rho)) /
               c;
      return Z;
    }
    case GasLaw::Ideal:
      if (dz_dp) *dz_dp = 0.0;
      if (d2z) *d2z = 0.0;
      return 1.0;
    case GasLaw::Papay: {
      if (papay_.g != G || papay_.t != temperature ||
          papay_.given_ppc != pseudo_critical_pressure ||
          papay_.given_tpc != pseudo_critical_temperature) {
        const auto [tpc, ppc] = papay_pseudo_critical();
        const double tr = temperature / tpc;
        papay_ = {G,
                  temperature,
                  pseudo_critical_pressure,
                  pseudo_critical_temperature,
                  3.52 * std::pow(10.0, -0.9813 * tr),
                  0.274 * std::pow(10.0, -0.8157 * tr),
                  ppc};
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
  if (law == GasLaw::Gerg2008) {
    TablePoint q;
    table->at(p, temperature, &q);
    if (drho_dp) *drho_dp = q.rho_p;
    if (d2rho) *d2rho = q.rho_pp;
    return q.rho;
  }
  double dz = 0.0, d2 = 0.0;
  const double Z = z(p, &dz, &d2);
  const double rt = gas_constant() * temperature;
  if (drho_dp) *drho_dp = (Z - p * dz) / (Z * Z * rt);
  // d/dp[(Z − pZ')/Z²] = (−pZ''Z − 2Z'(Z − pZ'))/Z³
  if (d2rho) *d2rho = (-p * d2 * Z - 2.0 * dz * (Z - p * dz)) / (Z * Z * Z * rt);
  return p / (Z * rt);
}

double GasProperties::normal_density() const {
  if (law == GasLaw::Gerg2008)
    return mixture->density(normal_temperature, normal_pressure) * mixture->molar_mass();
  // At normal conditions the gas is near-ideal; use the law anyway at that state.
  GasProperties n = *this;
  n.temperature = normal_temperature;
  return n.density(normal_pressure);
}

std::pair<double, double> GasProperties::papay_pseudo_critical() const {
  const double G = specific_gravity;
  return {pseudo_critical_temperature > 0
              ? pseudo_critical_temperature
              : (168.0 + 325.0 * G - 12.5 * G * G) / kRankinePerKelvin,  // K
          pseudo_critical_pressure > 0 ? pseudo_critical_pressure
                                       : (677.0 + 15.0 * G - 37.5 * G * G) * kPsi};  // Pa
}

double GasProperties::sound_speed_squared(double p) const {
  double drho = 0.0;
  density(p, &drho);
  return 1.0 / drho;
}

}  // namespace steppe::gas

namespace steppe::gas {

namespace {
constexpr double kLn10 = 2.302585092994046;
constexpr double kReferenceT = 298.15;  // K: h = 0 for the ideal gas here
}  // namespace

double GasProperties::ideal_heat_capacity() const {
  return heat_capacity > 0 ? heat_capacity : 1.3 / 0.3 * gas_constant();
}

double GasProperties::net_heating_value() const {
  return mixture ? mixture->net_heating_value() / mixture->molar_mass() : 0.0;
}

LawPoint GasProperties::law_point(double p, double t) const {
  LawPoint q;
  if (law == GasLaw::Gerg2008) {
    const double M = mixture->molar_mass();
    const double rho = mixture->density(t, p);
    const gerg2008::Properties g = mixture->properties(t, rho);
    const double rho_t = -g.dp_dt / g.dp_drho;  // mol/(m³ K)
    q.rho = rho * M;
    q.rho_p = M / g.dp_drho;
    q.rho_t = M * rho_t;
    q.h = g.enthalpy / M;
    q.h_t = g.cp / M;
    q.h_p = (1.0 / rho + t * rho_t / (rho * rho)) / M;  // v − T(∂v/∂T)_p
    return q;
  }
  const double rs = gas_constant(), cp0 = ideal_heat_capacity();
  double Z = 1.0, z_p = 0.0, z_t = 0.0, h_res = 0.0, h_res_p = 0.0, h_res_t = 0.0;
  if (law == GasLaw::Papay) {
    const auto [tpc, ppc] = papay_pseudo_critical();
    const double ka = -0.9813 * kLn10 / tpc, kb = -0.8157 * kLn10 / tpc;
    const double A = 3.52 * std::pow(10.0, -0.9813 * t / tpc) / ppc;
    const double B = 0.274 * std::pow(10.0, -0.8157 * t / tpc) / (ppc * ppc);
    const double a1 = A * ka, b1 = B * kb, a2 = A * ka * ka, b2 = B * kb * kb;  // T derivatives
    Z = 1.0 - A * p + B * p * p;
    z_p = -A + 2.0 * B * p;
    z_t = -a1 * p + b1 * p * p;
    const double I = -a1 * p + 0.5 * b1 * p * p;  // ∫₀^p (∂Z/∂T)/p′ dp′
    h_res = -rs * t * t * I;
    h_res_p = -rs * t * t * (-a1 + b1 * p);
    h_res_t = -rs * (2.0 * t * I + t * t * (-a2 * p + 0.5 * b2 * p * p));
  } else if (law == GasLaw::Cnga) {
    throw std::logic_error("the CNGA law has no temperature dependence for the energy equation");
  }
  q.rho = p / (Z * rs * t);
  q.rho_p = (Z - p * z_p) / (Z * Z * rs * t);
  q.rho_t = -p * (z_t * t + Z) / (Z * Z * rs * t * t);
  q.h = cp0 * (t - kReferenceT) + h_res;
  q.h_p = h_res_p;
  q.h_t = cp0 + h_res_t;
  return q;
}

void GasProperties::set_table(double p_max) {
  TableGrid g;
  g.p_min = 1e4;
  g.p_max = p_max;
  g.dp = 1e5;
  g.t_min = temperature - 5.0;
  g.t_max = temperature + 5.0;
  g.dt = 2.5;
  GasProperties exact = *this;
  table =
      std::make_shared<GasTable>([exact](double p, double t) { return exact.law_point(p, t); }, g);
}

}  // namespace steppe::gas
