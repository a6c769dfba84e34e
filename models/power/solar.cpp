#include "models/power/solar.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/power/context.hpp"
#include "models/power/solar_position.hpp"

namespace steppe::power {

SolarPlant::SolarPlant(std::string name, Zone& zone, Params p)
    : Renewable("power solar plant", std::move(name), zone), p_(std::move(p)) {}

SolarPosition SolarPlant::sun(double t) const {
  return solar_position(p_.start_jd + t / 86400.0, p_.latitude, p_.longitude,
                        pressure_at_elevation(p_.elevation), p_.air_temperature.value(t));
}

double SolarPlant::ghi(double t) const {
  if (!p_.clear_sky) return std::max(0.0, p_.irradiance.value(t));
  return haurwitz_ghi(std::cos(sun(t).zenith * std::numbers::pi / 180.0)) *
         std::max(0.0, p_.cloud_factor.value(t));
}

Irradiance SolarPlant::components(double t) const {
  if (!p_.site) return {ghi(t), NAN, NAN, ghi(t)};
  const SolarPosition pos = sun(t);
  const Surface surface = p_.tracking ? single_axis(pos, p_.max_angle) : p_.surface;
  const double g = p_.clear_sky ? haurwitz_ghi(std::cos(pos.zenith * std::numbers::pi / 180.0)) *
                                      std::max(0.0, p_.cloud_factor.value(t))
                                : std::max(0.0, p_.irradiance.value(t));
  Irradiance r = plane_of_array(g, pos, surface, p_.albedo, p_.transposition);
  if (!p_.plane) r.poa = r.ghi;
  return r;
}

double SolarPlant::irradiance(double t) const {
  return p_.plane ? components(t).poa : ghi(t);
}

double SolarPlant::cell_temperature(double t) const {
  return p_.air_temperature.value(t) + irradiance(t) * (p_.noct - 293.15) / 800.0;
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
    p_.cloud_factor.jumps(t0, t1, out);
  else
    p_.irradiance.jumps(t0, t1, out);
  p_.air_temperature.jumps(t0, t1, out);
  p_.availability.jumps(t0, t1, out);
}

void SolarPlant::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupSolar;
  out_ = {plan.column(g, name(), "irradiance", "W m-2", "irradiance on the modules"),
          plan.column(g, name(), "available", "W", "available power"),
          plan.column(g, name(), "power", "W", "plant output (after curtailment)"),
          plan.column(g, name(), "ghi", "W m-2", "global horizontal irradiance"),
          plan.column(g, name(), "dni", "W m-2", "direct normal irradiance (Erbs split)"),
          plan.column(g, name(), "dhi", "W m-2", "diffuse horizontal irradiance (Erbs split)"),
          plan.column(g, name(), "extraterrestrial", "W m-2",
                      "extraterrestrial normal irradiance, 1361 W/m² / R²"),
          plan.column(g, name(), "zenith", "degree", "apparent solar zenith angle (refracted)"),
          plan.column(g, name(), "azimuth", "degree", "solar azimuth, eastward from north"),
          plan.column(g, name(), "surface_tilt", "degree", "module tilt (tracker: its rotation)"),
          plan.column(g, name(), "cell_temperature", "K", "cell temperature (NOCT model)")};
  plan.connection(g, name(), "zone", kGroupZones, zone().name());
  plan.value(g, name(), "capacity", p_.capacity, "W", "rated power at 1000 W/m², 25 °C");
}

void SolarPlant::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], irradiance(s.t));
  out.set(out_[1], available(s.t));
  out.set(out_[2], power(s.t));
  const Irradiance r = components(s.t);
  const bool site = p_.site;
  const SolarPosition pos = site ? sun(s.t) : SolarPosition{NAN, NAN, NAN, NAN, NAN};
  const Surface surface = !site         ? Surface{0.0, NAN}
                          : p_.tracking ? single_axis(pos, p_.max_angle)
                          : p_.plane    ? p_.surface
                                        : Surface{0.0, NAN};
  const double vals[] = {r.ghi,      r.dni,       r.dhi,        site ? extraterrestrial(pos) : NAN,
                         pos.zenith, pos.azimuth, surface.tilt, cell_temperature(s.t)};
  for (std::size_t k = 0; k < std::size(vals); ++k) out.set(out_[3 + k], vals[k]);
}

// ---- reader: power.solar[i]
void read_solar(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "solar");
  Zone* zone = c.zones.find(item, "zone");
  SolarPlant::Params p;
  p.clear_sky = item.flag("clear_sky", false);
  const std::string tracking = item.choice("tracking", {"fixed", "single_axis"}, "fixed");
  p.tracking = tracking == "single_axis";
  p.plane = p.tracking || item.has("tilt");
  p.site = p.clear_sky || p.plane;
  if (item.has_error("clear_sky")) {
    // Which keys belong is unknown: say nothing about them (one fault, one message).
    for (const char* key : {"latitude", "longitude", "irradiance"}) item.has(key);
  } else {
    if (p.site) {
      p.latitude = angle_degrees(item, "latitude");
      p.longitude = angle_degrees(item, "longitude");
      item.check("latitude", std::abs(p.latitude) <= 90, "must lie between −90° and 90°");
      item.check("longitude", std::abs(p.longitude) <= 180, "must lie between −180° and 180°");
      p.start_jd = julian_day(c.options.start_iso);
    } else {
      for (const char* key : {"latitude", "longitude"})
        item.check(key, !item.has(key),
                   "only with clear_sky: true, a tilt or tracking (where the sun's position is "
                   "needed)");
    }
    if (p.clear_sky)
      item.check("irradiance", !item.has("irradiance"),
                 "give an irradiance profile or clear_sky: true, not both");
    else
      p.irradiance = item.profile("irradiance", dim::power / dim::area);
  }
  p.elevation = item.quantity("elevation", dim::length, 0.0);
  item.check("elevation", p.elevation > -500 && p.elevation < 9000,
             "must lie between −500 m and 9000 m");
  item.check("elevation", p.site || !item.has("elevation"),
             "only with clear_sky: true, a tilt or tracking");
  if (p.tracking) {
    p.max_angle = item.has("max_angle") ? angle_degrees(item, "max_angle") : 60.0;
    item.check("max_angle", p.max_angle > 0 && p.max_angle <= 90, "must lie in (0°, 90°]");
    for (const char* key : {"tilt", "azimuth"})
      item.check(key, !item.has(key), "not with tracking: single_axis (the tracker sets it)");
  } else {
    item.check("max_angle", !item.has("max_angle"), "only with tracking: single_axis");
    p.surface.tilt = item.has("tilt") ? angle_degrees(item, "tilt") : 0.0;
    p.surface.azimuth = item.has("azimuth") ? angle_degrees(item, "azimuth") : 180.0;
    item.check("tilt", p.surface.tilt >= 0 && p.surface.tilt <= 90, "must lie between 0° and 90°");
    item.check("azimuth", p.surface.azimuth >= 0 && p.surface.azimuth <= 360,
               "must lie between 0° and 360° (eastward from north; 180° faces south)");
    item.check("azimuth", p.plane || !item.has("azimuth"), "needs a 'tilt'");
  }
  const std::string tr = item.choice("transposition", {"isotropic", "hay_davies"}, "isotropic");
  p.transposition = tr == "hay_davies" ? Transposition::HayDavies : Transposition::Isotropic;
  p.albedo = item.quantity("albedo", dim::none, 0.2);
  item.check("albedo", p.albedo >= 0 && p.albedo <= 1, "must lie between 0 and 1");
  for (const char* key : {"transposition", "albedo"})
    item.check(key, p.plane || !item.has(key), "only with a tilt or tracking");
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
