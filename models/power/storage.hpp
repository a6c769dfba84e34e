// Storage: a battery with power limits, state-of-charge limits and frequency response.
//
//   unknowns   P [W] (algebraic, + discharging), E [J] (differential, quadrature: held at
//              soc_initial·energy by the steady start, integrated from there)
//   power      P = P_cmd = P_sched(t) − K_f·Δf/f0 − 2·H_s·S/f0·dΔf/dt (normal: droop and
//              synthetic inertia H_s on S = power_discharge), P = P_dis,max, P = −P_ch,max,
//              P = 0 (empty and asked to discharge, full and asked to charge): modes
//   energy     dE/dt = −P/η_d (discharging) or −η_c·P (charging), η = √(round trip)
//   injects    P into its zone's balance and generated-energy rows.
#pragma once

#include <string>
#include <vector>

#include "models/power/injector.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupStorage = "power/storage";

class Storage : public Component, public EventSource, public Injector {
 public:
  struct Params {
    double energy = 0.0;                               // J
    double power_discharge = 0.0, power_charge = 0.0;  // W
    double efficiency = 0.9;                           // round trip
    double soc_initial = 0.5, soc_min = 0.0, soc_max = 1.0;
    Profile schedule{0.0};           // W, + discharging
    double droop = 0.0;              // pu; 0 = no frequency response
    double synthetic_inertia = 0.0;  // s (H_s on power_discharge); 0 = none
  };
  Storage(std::string name, Zone& zone, Params p);
  const Zone& zone() const { return zone_; }
  double power(const State& s) const { return s.y[offset()]; }
  double schedule(double t) const { return p_.schedule.value(t); }
  std::string_view category() const override { return "storage"; }
  double injection(const State& s) const override { return power(s); }
  double inertia(const State&) const override {
    return mode_ == Mode::Normal ? p_.synthetic_inertia * p_.power_discharge : 0.0;
  }
  double scheduled(double t) const override { return schedule(t); }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return 5; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  EventAction on_stop(double t, const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    p_.schedule.breakpoints(t0, t1, out);
  }
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  enum class Mode { Normal, MaxDischarge, MaxCharge, Empty, Full };
  double gain() const { return p_.droop > 0 ? p_.power_discharge / p_.droop : 0.0; }
  double mass() const {
    return zone_.infinite() ? 0.0 : 2.0 * p_.synthetic_inertia * p_.power_discharge / zone_.f0();
  }
  double command(const State& s) const;
  Mode want(const State& s) const;
  EventAction update(const State& s);
  double eta() const;
  double e_min() const { return p_.soc_min * p_.energy; }
  double e_max() const { return p_.soc_max * p_.energy; }
  double energy_margin() const { return 1e-9 * p_.energy; }

  Zone& zone_;
  Params p_;
  Mode mode_ = Mode::Normal;
  bool charging_ = false;
  int p_i_ = -1, e_i_ = -1, df_ = -1, bal_ = -1, eg_ = -1;
  std::vector<int> out_;
};

}  // namespace steppe::power
