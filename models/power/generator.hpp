// Power generator: a coal, gas or hydro unit with set-point follower, governor and turbine.
//
//   unknowns   P_ref [W] (differential: set point follower), x [W] (algebraic: governor
//              order, differential when T_g > 0), r [W] (differential: turbine lag)
//   track      dP_ref/dt = (P_target − P_ref)/T_sp,  P_target = P_sched + α·z
//   ramp up/down (modes, roots on (P_target − P_ref)/T_sp ∓ ramp):  dP_ref/dt = ±ramp
//   governor   T_g·dx/dt + x = u,  u = P_ref − K·Δf/f0,  K = P_cap/R
//              (x algebraic when T_g = 0); modes at max / at min (roots on u against
//              P_max(t), P_min(t), with a 1e-6·P_cap hysteresis): u replaced by a(t)·f·P_cap
//              or min(P_min, a(t)·f·P_cap); offline u = 0 (f: capacity factor, 1 unless a
//              coupling derates the unit)
//   turbine    T_t·dr/dt = x − r,  P = F_H·x + (1 − F_H)·r
//              (the reduced SFR form: steam F_H = HP fraction, T_t = reheat time constant;
//              hydro F_H = −2, T_t = T_w/2 gives (1 − T_w s)/(1 + T_w s/2))
//   injects    P into its zone's balance and generated-energy rows when online (a(t) > 0
//              and not tripped).
#pragma once

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "models/power/common.hpp"
#include "models/power/injector.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupGenerators = "power/generators";

enum class GenType { Coal, Gas, Hydro };
inline constexpr std::array<const char*, 3> kGenTypeNames = {"coal", "gas", "hydro"};

class Generator : public Component, public EventSource, public Injector {
 public:
  struct Params {
    GenType type = GenType::Coal;
    double capacity = 0.0, min_output = 0.0;                     // W
    double ramp_up = std::numeric_limits<double>::infinity();    // W/s
    double ramp_down = std::numeric_limits<double>::infinity();  // W/s
    double droop = 0.05;                                         // pu; 0 = no governor
    double turbine_time = 5.0;                                   // s (T_t)
    double governor_time = 0.0;   // s (T_g); 0: the order follows Δf at once (SFR form)
    double hp_fraction = 0.0;     // F_H
    double setpoint_time = 10.0;  // s (T_sp)
    double participation = 0.0;   // α (normalised per zone)
    double cost = 0.0;            // merit order
    Profile availability{1.0};
    Profile set_point{0.0};
    double trip_at = std::numeric_limits<double>::infinity();  // s
  };
  Generator(std::string name, Zone& zone, Params p);
  const Zone& zone() const { return zone_; }
  const Params& params() const { return p_; }
  GenType type() const { return p_.type; }
  // The unit is online at t (available and not tripped).
  bool online(double t) const { return !tripped_ && p_.availability.value(t) > 0; }
  double p_max(double t) const {
    return online(t) ? p_.availability.value(t) * capacity_factor_ * p_.capacity : 0;
  }
  double p_min(double t) const { return std::min(p_.min_output, p_max(t)); }
  double power(const State& s) const;  // electrical output [W]
  // As an injector of its zone: its type is its category.
  std::string_view category() const override { return kGenTypeNames[std::size_t(p_.type)]; }
  double injection(const State& s) const override { return power(s); }
  // The participation factor α in its zone's AGC (normalised by the power reader).
  void set_participation(double a) { p_.participation = a; }
  // A new dispatched set point p, reached linearly from the current one over
  // [t, t + ramp_time] (the schedule ramp every unit and interchange follows together).
  void set_schedule(double p, double t, double ramp_time);
  double schedule(double t) const;
  bool dispatched() const { return dispatched_; }
  void set_dispatched() { dispatched_ = true; }
  // Picks the modes the state calls for (after a set point change); true if changed.
  bool reclassify(const State& s);
  // Coupling hooks (models/coupling). A derate: the fraction of capacity available on top
  // of the availability profile (1 = none); call reclassify() after changing it.
  void set_capacity_factor(double f) { capacity_factor_ = f; }
  double capacity_factor() const { return capacity_factor_; }
  // Trips the unit now, as trip_at does (no restart); the event, or none if already tripped.
  EventAction trip(const State& s);
  bool tripped() const { return tripped_; }
  // ∂power/∂y: the global indices of the governor order x and turbine r and their weights
  // (F_H, 1 − F_H; both 0 while offline).
  std::array<std::pair<int, double>, 2> power_gradient() const {
    const bool on = order_ != Order::Offline;
    return {{{x_, on ? p_.hp_fraction : 0.0}, {r_, on ? 1.0 - p_.hp_fraction : 0.0}}};
  }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return 4; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  EventAction on_stop(double t, const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  enum class Track { Follow, RampUp, RampDown };
  enum class Order { Normal, AtMax, AtMin, Offline };
  double gain() const { return p_.droop > 0 ? p_.capacity / p_.droop : 0.0; }
  double band() const { return 1e-6 * p_.capacity; }
  double target(const State& s) const;
  double order(const State& s) const;  // unlimited governor order
  Track want_track(const State& s) const;
  Order want_order(const State& s) const;
  EventAction update(const State& s, const char* why);

  Zone& zone_;
  Params p_;
  Track track_ = Track::Follow;
  Order order_ = Order::Normal;
  bool tripped_ = false;
  bool dispatched_ = false;
  double capacity_factor_ = 1.0;
  RampedSchedule sched_;
  int pref_ = -1, x_ = -1, r_ = -1, df_ = -1, z_ = -1, bal_ = -1, eg_ = -1;
  std::vector<int> out_;
};

}  // namespace steppe::power
