// Solar plant: irradiance to AC power with cell temperature and an inverter limit. No
// unknown.
//
//   G(t) = profile, or Haurwitz clear sky (sun position at the study's calendar time) ×
//          cloud factor
//   P    = min(inverter, P_stc·G/1000·(1 + γ·(T_cell − 25 °C)))·a(t), capped by dispatch
//          (injected as a Renewable)
//   T_cell = T_air + G·(NOCT − 20 °C)/800 W/m²
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "models/power/renewable.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupSolar = "power/solar";

class SolarPlant : public Renewable {
 public:
  struct Params {
    bool clear_sky = false;
    Profile irradiance{0.0};                 // W/m² (used unless clear_sky)
    double latitude = 0.0, longitude = 0.0;  // degrees
    double start_jd = 2451545.0;             // Julian day of t = 0
    Profile cloud_factor{1.0};
    Profile air_temperature{298.15};  // K
    double capacity = 0.0;            // W at 1000 W/m², 25 °C
    double inverter_limit = std::numeric_limits<double>::infinity();
    double temperature_coefficient = -0.004;  // 1/K
    double noct = 318.15;                     // K
    Profile availability{1.0};
  };
  SolarPlant(std::string name, Zone& zone, Params p);
  double irradiance(double t) const;
  double available(double t) const override;
  std::string_view category() const override { return "solar"; }

  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;

 private:
  Params p_;
};

}  // namespace steppe::power
