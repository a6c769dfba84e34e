// Solar plant: irradiance to AC power with cell temperature and an inverter limit. No
// unknown.
//
//   GHI(t) = profile, or Haurwitz clear sky (sun position at the study's calendar time) ×
//          cloud factor
//   G(t) = GHI(t) for horizontal modules; with a tilt or a tracker, the plane-of-array
//          irradiance: GHI split into DNI and DHI (Erbs), transposed to the fixed surface
//          (tilt, azimuth) or to a horizontal north–south single-axis tracker's, isotropic
//          or Hay–Davies sky diffuse plus ground reflection (albedo)
//          (models/power/solar_position.hpp). The sun's position is refracted for the
//          pressure at the site's elevation (standard atmosphere) and the air temperature.
//   P    = min(inverter, P_stc·G/1000·(1 + γ·(T_cell − 25 °C)))·a(t), capped by dispatch
//          (injected as a Renewable)
//   T_cell = T_air + G·(NOCT − 20 °C)/800 W/m²
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "models/power/renewable.hpp"
#include "models/power/solar_position.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupSolar = "power/solar";

class SolarPlant : public Renewable {
 public:
  struct Params {
    bool clear_sky = false;
    Profile irradiance{0.0};                 // W/m² (used unless clear_sky)
    bool site = false;                       // latitude and longitude given
    double latitude = 0.0, longitude = 0.0;  // degrees
    double elevation = 0.0;                  // m
    double start_jd = 2451545.0;             // Julian day of t = 0
    bool plane = false;                      // plane of array (tilt or tracker), else GHI
    bool tracking = false;                   // horizontal north–south single-axis tracker
    Surface surface;                         // fixed: tilt and azimuth (degrees)
    double max_angle = 60.0;                 // degrees, the tracker's rotation limit
    Transposition transposition = Transposition::Isotropic;
    double albedo = 0.2;
    Profile cloud_factor{1.0};
    Profile air_temperature{298.15};  // K
    double capacity = 0.0;            // W at 1000 W/m², 25 °C
    double inverter_limit = std::numeric_limits<double>::infinity();
    double temperature_coefficient = -0.004;  // 1/K
    double noct = 318.15;                     // K
    Profile availability{1.0};
  };
  SolarPlant(std::string name, Zone& zone, Params p);
  double irradiance(double t) const;  // on the modules [W/m²]
  // The sun's position at t (refracted for the site), and the irradiance components.
  SolarPosition sun(double t) const;
  double ghi(double t) const;
  Irradiance components(double t) const;
  double cell_temperature(double t) const;
  double available(double t) const override;
  std::string_view category() const override { return "solar"; }

  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;

 private:
  Params p_;
};

}  // namespace steppe::power
