#include "models/power/solar_position.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

namespace steppe::power {

namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
double wrap360(double a) {
  a = std::fmod(a, 360.0);
  return a < 0 ? a + 360.0 : a;
}
}  // namespace

double julian_day(int year, int month, int day, int hour, int minute, double second) {
  if (month <= 2) {
    year -= 1;
    month += 12;
  }
  const int a = year / 100;
  const int b = 2 - a + a / 4;  // Gregorian calendar
  const double frac = (hour + (minute + second / 60.0) / 60.0) / 24.0;
  return std::floor(365.25 * (year + 4716)) + std::floor(30.6001 * (month + 1)) + day + frac + b -
         1524.5;
}

double julian_day(const std::string& utc) {
  int y, mo, d, h, mi;
  double s;
  if (std::sscanf(utc.c_str(), "%d-%d-%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::numeric_limits<double>::quiet_NaN();
  return julian_day(y, mo, d, h, mi, s);
}

SolarPosition solar_position(double jd, double latitude_deg, double longitude_deg,
                             double pressure_pa, double temperature_k) {
  const double T = (jd - 2451545.0) / 36525.0;  // Julian centuries since J2000.0
  // Sun's geometric mean longitude and anomaly, eccentricity (Meeus 25.2–25.4).
  const double L0 = wrap360(280.46646 + T * (36000.76983 + 0.0003032 * T));
  const double M = 357.52911 + T * (35999.05029 - 0.0001537 * T);
  // Equation of centre, true and apparent longitude (25.5–25.8).
  const double C = std::sin(M * kDeg) * (1.914602 - T * (0.004817 + 0.000014 * T)) +
                   std::sin(2 * M * kDeg) * (0.019993 - 0.000101 * T) +
                   std::sin(3 * M * kDeg) * 0.000289;
  // Sun–Earth distance (25.4–25.5).
  const double ecc = 0.016708634 - T * (0.000042037 + 0.0000001267 * T);
  const double radius = 1.000001018 * (1 - ecc * ecc) / (1 + ecc * std::cos((M + C) * kDeg));
  const double omega = 125.04 - 1934.136 * T;
  const double lambda = L0 + C - 0.00569 - 0.00478 * std::sin(omega * kDeg);
  // Obliquity (22.2) corrected for nutation (25.8).
  const double eps0 =
      23.0 + (26.0 + (21.448 - T * (46.815 + T * (0.00059 - T * 0.001813))) / 60.0) / 60.0;
  const double eps = eps0 + 0.00256 * std::cos(omega * kDeg);
  const double ra =
      std::atan2(std::cos(eps * kDeg) * std::sin(lambda * kDeg), std::cos(lambda * kDeg)) / kDeg;
  const double dec = std::asin(std::sin(eps * kDeg) * std::sin(lambda * kDeg)) / kDeg;
  // Apparent sidereal time at Greenwich (12.4 plus the equation of the equinoxes with the
  // dominant nutation term Δψ ≈ −17.20″ sin Ω − 1.32″ sin 2L0).
  const double gmst = 280.46061837 + 360.98564736629 * (jd - 2451545.0) + 0.000387933 * T * T -
                      T * T * T / 38710000.0;
  const double dpsi = (-17.20 * std::sin(omega * kDeg) - 1.32 * std::sin(2 * L0 * kDeg)) / 3600.0;
  const double gast = gmst + dpsi * std::cos(eps * kDeg);
  const double H = wrap360(gast + longitude_deg - ra);
  const double phi = latitude_deg * kDeg;
  double e = std::asin(std::sin(phi) * std::sin(dec * kDeg) +
                       std::cos(phi) * std::cos(dec * kDeg) * std::cos(H * kDeg)) /
             kDeg;
  const double az =
      wrap360(std::atan2(std::sin(H * kDeg), std::cos(H * kDeg) * std::sin(phi) -
                                                 std::tan(dec * kDeg) * std::cos(phi)) /
                  kDeg +
              180.0);
  e -= 8.794 / 3600.0 * std::cos(e * kDeg);  // parallax (sun at 1 au)
  // Refraction (SPA eq. 42), for an elevation above the apparent sunset.
  if (e >= -(0.26667 + 0.5667))
    e += (pressure_pa / 101000.0) * (283.0 / temperature_k) * 1.02 /
         (60.0 * std::tan((e + 10.3 / (e + 5.11)) * kDeg));
  SolarPosition p;
  p.zenith = 90.0 - e;
  p.azimuth = az;
  p.declination = dec;
  p.hour_angle = H;
  p.radius = radius;
  return p;
}

double haurwitz_ghi(double cos_zenith) {
  return cos_zenith > 0 ? 1098.0 * cos_zenith * std::exp(-0.057 / cos_zenith) : 0.0;
}

double extraterrestrial(const SolarPosition& pos) {
  return 1361.0 / (pos.radius * pos.radius);
}

double erbs_diffuse_fraction(double kt) {
  if (kt <= 0.22) return 1.0 - 0.09 * kt;
  if (kt <= 0.80) return 0.9511 + kt * (-0.1604 + kt * (4.388 + kt * (-16.638 + kt * 12.336)));
  return 0.165;
}

Irradiance split(double ghi, const SolarPosition& pos) {
  Irradiance r;
  const double cz = std::cos(pos.zenith * kDeg);
  if (ghi <= 0 || cz <= 0) return r;
  r.ghi = ghi;
  const double kt = std::min(ghi / (extraterrestrial(pos) * std::max(cz, 0.065)), 1.0);
  r.dhi = erbs_diffuse_fraction(kt) * ghi;
  r.dni = pos.zenith > 87.0 ? 0.0 : (ghi - r.dhi) / cz;
  if (pos.zenith > 87.0) r.dhi = ghi;
  return r;
}

Surface single_axis(const SolarPosition& pos, double max_angle_deg) {
  const double z = pos.zenith * kDeg;
  const double rot =
      std::atan2(std::sin(z) * std::sin((pos.azimuth - 180.0) * kDeg), std::cos(z)) / kDeg;
  const double r = std::clamp(rot, -max_angle_deg, max_angle_deg);
  return {std::abs(r), r < 0 ? 90.0 : 270.0};
}

double cos_incidence(const SolarPosition& pos, const Surface& s) {
  const double z = pos.zenith * kDeg, b = s.tilt * kDeg;
  return std::cos(z) * std::cos(b) +
         std::sin(z) * std::sin(b) * std::cos((pos.azimuth - s.azimuth) * kDeg);
}

Irradiance plane_of_array(double ghi, const SolarPosition& pos, const Surface& surface,
                          double albedo, Transposition model) {
  Irradiance r = split(ghi, pos);
  if (r.ghi <= 0) return r;
  const double ci = std::max(cos_incidence(pos, surface), 0.0);
  const double cb = std::cos(surface.tilt * kDeg);
  double sky = r.dhi * (1 + cb) / 2;
  if (model == Transposition::HayDavies) {
    const double a = r.dni / extraterrestrial(pos);
    const double rb = ci / std::max(std::cos(pos.zenith * kDeg), std::cos(89.0 * kDeg));
    sky = r.dhi * (a * rb + (1 - a) * (1 + cb) / 2);
  }
  r.poa = r.dni * ci + sky + r.ghi * albedo * (1 - cb) / 2;
  return r;
}

double pressure_at_elevation(double h) {
  return constants::kStandardAtmosphere * std::pow(1.0 - 2.25577e-5 * h, 5.25588);
}

}  // namespace steppe::power
