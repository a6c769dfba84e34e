// Solar position from date, time and site: the NOAA solar calculator's algorithm (Meeus,
// "Astronomical Algorithms", 2nd ed., ch. 25 low-accuracy sun, ch. 12 sidereal time),
// with the SPA refraction correction (Reda & Andreas, NREL/TP-560-34302, eq. 42) and the
// sun's equatorial horizontal parallax (8.794″). Accuracy ≈ 0.01° in 1900–2100.
//
//   julian_day(y, m, d, h, min, s)      Julian day of a UTC instant (Meeus 7.1)
//   solar_position(jd, lat, lon, p, T)  topocentric zenith and azimuth (degrees, azimuth
//                                       eastward from north), refraction for pressure p [Pa]
//                                       and temperature T [K]
//   haurwitz_ghi(cos_zenith)            clear-sky global horizontal irradiance [W/m²],
//                                       1098·cosZ·exp(−0.057/cosZ) (Haurwitz 1945)
//   extraterrestrial(pos)               normal irradiance above the atmosphere [W/m²],
//                                       E0 = 1361/R² (R: Sun–Earth distance in au, Meeus
//                                       25.5; 1361 W/m²: Kopp & Lean 2011)
//   erbs_diffuse_fraction(kt)           DHI/GHI from the clearness index kt = GHI/(E0·cosZ)
//                                       (Erbs, Klein & Duffie, Solar Energy 28, 1982)
//   split(ghi, pos)                     GHI into DNI and DHI by Erbs: kt with cosZ ≥ 0.065 and
//                                       kt ≤ 1; DNI = (GHI − DHI)/cosZ, 0 beyond 87° zenith
//   single_axis(pos, max_angle)         the surface of a horizontal north–south tracker:
//                                       rotation R = atan2(sinZ·sin(γs − 180°), cosZ) within
//                                       ±max_angle, tilt |R|, azimuth 90° (R < 0) or 270°
//                                       (Marion & Dobos, NREL/TP-6A20-58891, 2013, eq. 7)
//   cos_incidence(pos, surface)         cosθ = cosZ·cosβ + sinZ·sinβ·cos(γs − γ)
//   plane_of_array(...)                 POA = DNI·max(cosθ, 0) + sky diffuse + GHI·ρ·(1 − cosβ)/2;
//                                       sky diffuse isotropic DHI·(1 + cosβ)/2, or Hay–Davies
//                                       DHI·[A·Rb + (1 − A)·(1 + cosβ)/2], A = DNI/E0,
//                                       Rb = max(cosθ, 0)/max(cosZ, cos 89°) (Duffie & Beckman,
//                                       Solar Engineering of Thermal Processes, §2.15–2.16)
//   pressure_at_elevation(h)            standard atmosphere: 101325·(1 − 2.25577e-5·h)^5.25588 Pa
#pragma once

#include <string>

#include "solver/study/constants.hpp"

namespace steppe::power {

struct SolarPosition {
  double zenith = 0.0;                         // degrees, refraction-corrected (apparent)
  double azimuth = 0.0;                        // degrees eastward from north
  double declination = 0.0, hour_angle = 0.0;  // degrees (geocentric)
  double radius = 1.0;                         // Sun–Earth distance [au]
};

struct Surface {
  double tilt = 0.0;       // degrees from horizontal
  double azimuth = 180.0;  // degrees eastward from north (180: facing south)
};

struct Irradiance {
  double ghi = 0, dni = 0, dhi = 0;  // W/m²: global horizontal, direct normal, diffuse
  double poa = 0;                    // W/m² on the plane of array
};

double julian_day(int year, int month, int day, int hour, int minute, double second);
// The Julian day of "YYYY-MM-DD HH:MM:SS" (UTC), or NaN when malformed.
double julian_day(const std::string& utc);
SolarPosition solar_position(double jd, double latitude_deg, double longitude_deg,
                             double pressure_pa = constants::kStandardAtmosphere,
                             double temperature_k = 283.15);
double haurwitz_ghi(double cos_zenith);
double extraterrestrial(const SolarPosition& pos);
double erbs_diffuse_fraction(double kt);
Irradiance split(double ghi, const SolarPosition& pos);
Surface single_axis(const SolarPosition& pos, double max_angle_deg);
double cos_incidence(const SolarPosition& pos, const Surface& surface);
enum class Transposition { Isotropic, HayDavies };
Irradiance plane_of_array(double ghi, const SolarPosition& pos, const Surface& surface,
                          double albedo, Transposition model);
double pressure_at_elevation(double elevation_m);

}  // namespace steppe::power
