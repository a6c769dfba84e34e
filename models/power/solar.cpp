#include "models/power/solar.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/power/context.hpp"
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
  plan.connection(g, name(), "zone", kGroupZones, zone().name());
  plan.value(g, name(), "capacity", p_.capacity, "W", "rated power at 1000 W/m², 25 °C");
}

void SolarPlant::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], irradiance(s.t));
  out.set(out_[1], available(s.t));
  out.set(out_[2], power(s.t));
}

// ---- reader: power.solar[i]
void read_solar(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "solar");
  Zone* zone = c.zones.find(item, "zone");
  SolarPlant::Params p;
  p.clear_sky = item.flag("clear_sky", false);
  if (item.has_error("clear_sky")) {
    // Which keys belong is unknown: say nothing about them (one fault, one message).
    for (const char* key : {"latitude", "longitude", "irradiance"}) item.has(key);
  } else if (p.clear_sky) {
    p.latitude = angle_degrees(item, "latitude");
    p.longitude = angle_degrees(item, "longitude");
    item.check("latitude", std::abs(p.latitude) <= 90, "must lie between −90° and 90°");
    item.check("longitude", std::abs(p.longitude) <= 180, "must lie between −180° and 180°");
    item.check("irradiance", !item.has("irradiance"),
               "give an irradiance profile or clear_sky: true, not both");
    p.start_jd = julian_day(c.options.start_iso);
  } else {
    p.irradiance = item.profile("irradiance", dim::power / dim::area);
  }
  p.cloud_factor = item.profile("cloud_factor", dim::none, 1.0);
  p.air_temperature = item.profile("air_temperature", dim::temperature, 298.15);
  p.capacity = item.quantity("capacity", dim::power);
  p.inverter_limit = item.quantity("inverter_limit", dim::power, "capacity", p.capacity);
  p.temperature_coefficient =
      item.quantity("temperature_coefficient", dim::none / dim::temperature, -0.004);
  p.noct = item.quantity("noct", dim::temperature, 318.15);
  p.availability = item.profile("availability", dim::none, 1.0);
  item.check("capacity", p.capacity > 0, "must be > 0");
  item.check("inverter_limit", p.inverter_limit > 0, "must be > 0");
  item.check("cloud_factor", profile_in(p.cloud_factor, 0.0, 1.0), "must lie between 0 and 1");
  item.check("availability", profile_in(p.availability, 0.0, 1.0),
             "availability must lie between 0 and 1");
  item.finish();
  if (name.empty() || !zone) return;
  SolarPlant& s = c.system.emplace<SolarPlant>(name, *zone, std::move(p));
  zone->attach(s);
  c.renewables.push_back(&s);
}

}  // namespace steppe::power
