// Wind farm: a power curve at hub-height speed, density-corrected. No unknown.
//
//   P(t) = min(cap_dispatch, n·a(t)·curve(v_eq(t)))  (injected as a Renewable)
//   v_hub = v·(h_hub/h_meas)^α (power law) or v·ln(h_hub/z0)/ln(h_meas/z0) (log law)
//   v_eq  = v_hub·(ρ(t)/1.225)^(1/3) (IEC 61400-12 density correction)
//   curve: cubic between cut-in and rated, or a table (linear between its points); zero
//          below cut-in and from cut-out
#pragma once

#include <string>
#include <vector>

#include "models/power/renewable.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupWind = "power/wind";

struct PowerCurve {
  // Parametric (cubic between cut-in and rated) unless `speeds` is given (linear table).
  double cut_in = 3.0, rated_speed = 12.0, cut_out = 25.0, rated_power = 0.0;
  std::vector<double> speeds, powers;
  double operator()(double v) const;
};

class WindFarm : public Renewable {
 public:
  struct Params {
    Profile speed{0.0};  // m/s at measurement height
    double measurement_height = 10.0, hub_height = 90.0;
    bool log_law = false;
    double shear_exponent = 1.0 / 7.0, roughness = 0.03;  // -, m
    Profile density{1.225};                               // kg/m³
    PowerCurve curve;
    int count = 1;
    Profile availability{1.0};
  };
  WindFarm(std::string name, Zone& zone, Params p);
  double hub_speed(double t) const;
  double equivalent_speed(double t) const;
  double available(double t) const override;
  double capacity() const { return p_.count * p_.curve.rated_power; }
  std::string_view category() const override { return "wind"; }

  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;

 private:
  Params p_;
  double shear_factor_ = 1.0;
};

}  // namespace steppe::power
