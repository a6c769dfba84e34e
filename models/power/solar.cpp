#include "models/power/solar.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/power/solar_position.hpp"

namespace steppe::power {

SolarPlant::SolarPlant(std::string name, Zone& zone, Params p)
    : Renewable("power solar plant", std::move(name), zone), p_(std::move(p)) {}

double SolarPlant::irradiance(double t) const {
  if (!p_.clear_sky) return std::max(0.0, p_.irradiance.value(t));
  const SolarPosition pos = solar_position(p_.start_jd + t / 86400.0, p_.latitude, p_.longitude);
  return haurwitz_ghi(std::cos(pos.zenith * std::numbers::pi / 180.0)) *
         std::max(0.0, p_.cloud_factor.value(t));
}

double SolarPlant::available(double t) const {
  const double G = irradiance(t);
  const double tcell = p_.air_temperature.value(t) + G * (p_.noct - 293.15) / 800.0;
  const double dc =
      p_.capacity * G / 1000.0 * (1.0 + p_.temperature_coefficient * (tcell - 298.15));
  return std::max(0.0, p_.availability.value(t)) * std::clamp(dc, 0.0, p_.inverter_limit);
}

void SolarPlant::stop_times(double t0, double t1, std::vector<double>& out) const {
  if (p_.clear_sky)
    p_.cloud_factor.breakpoints(t0, t1, out);
  else
    p_.irradiance.breakpoints(t0, t1, out);
  p_.air_temperature.breakpoints(t0, t1, out);
  p_.availability.breakpoints(t0, t1, out);
}

void SolarPlant::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupSolar;
  out_ = {plan.column(g, name(), "irradiance", "W m-2", "irradiance on the modules"),
          plan.column(g, name(), "available", "W", "available power"),
          plan.column(g, name(), "power", "W", "plant output (after curtailment)")};
}

void SolarPlant::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], irradiance(s.t));
  out.set(out_[1], available(s.t));
  out.set(out_[2], power(s.t));
}

}  // namespace steppe::power
