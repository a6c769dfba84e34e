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
#pragma once

#include <string>

#include "solver/study/constants.hpp"

namespace steppe::power {

struct SolarPosition {
  double zenith = 0.0;                         // degrees, refraction-corrected (apparent)
  double azimuth = 0.0;                        // degrees eastward from north
  double declination = 0.0, hour_angle = 0.0;  // degrees (geocentric)
};

double julian_day(int year, int month, int day, int hour, int minute, double second);
// The Julian day of "YYYY-MM-DD HH:MM:SS" (UTC), or NaN when malformed.
double julian_day(const std::string& utc);
SolarPosition solar_position(double jd, double latitude_deg, double longitude_deg,
                             double pressure_pa = constants::kStandardAtmosphere,
                             double temperature_k = 283.15);
double haurwitz_ghi(double cos_zenith);

}  // namespace steppe::power
