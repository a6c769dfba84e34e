// A compressor station of units on their performance maps (gas.compressor_stations):
// centrifugal compressors in parallel between a suction node s and a discharge node d, each
// on its map (compressor_map.hpp) with its own anti-surge recycle valve and driver, shared
// by a load-sharing rule, under one station controller.
//
//   unknowns  x [1] (algebraic): the station's load command, shared by the units
//             b [kg/s] (algebraic): flow through the station bypass, s → d
//             M_f [kg] (differential, held by the steady start): fuel burnt
//             per unit i: n_i [rev/s] speed, ṁ_i [kg/s] flow through the compressor (both
//             algebraic), r_i [kg/s] recycle flow d → s through its anti-surge valve
//             (differential: the valve's integral controller)
//   gas       suction density ρ_s = ρ(p_s); inlet volume flow Q_i = ṁ_i/ρ_s; isentropic head
//             H = Z(p_s)·R_s·T·κ/(κ − 1)·((p_d/p_s)^((κ−1)/κ) − 1)  (the network's T)
//   unit rows (running)
//             map:      H_map,i(Q_i, n_i) − H = 0
//             sharing:  s_i − x = 0;  equal_speed: s_i = n_i/n_max,i
//                                     equal_margin: s_i = Q_i/Q_scl,i(H)
//             recycle:  closed: r_i' + r_i/τ_c = 0 (stays 0)
//                       open:   r_i' − (ṁ_scl,i − ṁ_i)/τ_as = 0, ṁ_scl,i = ρ_s·Q_scl,i(H),
//                               Q_scl = (1 + μ)·Q_surge(H): integral anti-surge control that
//                               holds the unit on its surge control line; during a steady
//                               drop of the station flow at rate R it lags the line by R·τ_as
//   unit rows (stopped or tripped): ṁ_i = 0, n_i = 0, r_i' + r_i/τ_c = 0
//   station row (x) in its mode
//             control (pressure set points are PressureConstraints, as in compressor.hpp):
//               discharge: p_d − p_set(t) = 0    suction: p_s − p_set(t) = 0
//               ratio:     p_d − r_set(t)·p_s = 0 flow:   Σ(ṁ_i − r_i) − q_set(t) = 0
//               speed:     n_lead − n_set(t) = 0 (the first running unit; others share)
//             limits of the unit k that reaches one first (the sharing rule holds the rest):
//               speed_max: n_k − n_max,k = 0     speed_min: n_k − n_min,k = 0
//               power_max: P_k − P_max,k(n_k, T_amb(t)) = 0
//               choke:     Q_k − Q_choke,k(H) = 0
//             no unit running: x = 0
//   bypass row (b)  closed: b = 0;  open: p_d − p_s = 0 (a PressureConstraint). Only while no
//             unit runs: one_way opens when p_s rises above p_d and closes when b falls
//             through 0; two_way stays open while idle (reverse flow d → s passes)
//   fuel row  M_f' − Σ ṁ_f,i = 0
//   node rows s += Σ(ṁ_i − r_i) + b;  d −= Σ(ṁ_i − r_i) + b;  fuel node += Σ ṁ_f,i
//   power     P_i = ṁ_i·H/η_i(Q_i, n_i) (recycled gas included: its share r_i·H/η_i is the
//             recycle's power cost); gas turbine fuel ṁ_f = E(P)/LHV with
//             E = e_0 + e_1·P + e_2·P² (GasLib's energy rate) or P/η_drive; electric: none
//   roots     (each falling through zero, with a band of 1e-9 of its scale)
//             per running unit: the four limits; closed recycle: Q_i reaching Q_scl,i;
//             open recycle: r_i reaching 0; protective trips: Q_i below the surge line
//             (trip_on_surge), p_s below min_suction_pressure, p_d above
//             max_discharge_pressure; station: the control's demand back inside the active
//             limit; the bypass opening or closing
//   events    limits and their release (kind "limit"/"mode"), the recycle opening and closing
//             ("mode"), trips ("trip"), scheduled starts and stops ("schedule"), the bypass
//   outputs   gas/compressor_stations and gas/compressor_units (element "station/unit")
// Speeds are algebraic (the speed controller is ideal: no rotor inertia); a unit starts at
// once at the shared load and stops at once (its recycle decays with τ_c).
#pragma once

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "models/common/gas_law.hpp"
#include "models/common/polyfit.hpp"
#include "models/common/pressure_constraint.hpp"
#include "models/gas/compressor_map.hpp"
#include "models/gas/node.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

enum class StationControl { Discharge, Suction, Ratio, Flow, Speed };
enum class LoadSharing { EqualSpeed, EqualMargin };
enum class Bypass { None, OneWay, TwoWay };

struct CompressorUnitSpec {
  std::string name;
  CompressorMap map;
  double speed_min = 0.0, speed_max = 0.0;  // rev/s
  Profile running{1.0};                     // 1 run, 0 stop (a step profile)
  bool electric = false;
  double drive_efficiency = 0.34;      // P/E for gas turbines without fuel_power; motor η
  std::array<double, 3> fuel_power{};  // e_0 [W], e_1 [1], e_2 [1/W]; all 0: P/η_drive
  bool has_max_power = false;
  Poly2 max_power;  // P_max(n [rev/s], T_amb [K]) [W]
  bool trip_on_surge = true;
  double min_suction_pressure = 0.0;
  double max_discharge_pressure = std::numeric_limits<double>::infinity();
};

struct CompressorStationSpec {
  StationControl control = StationControl::Discharge;
  Profile set_point{0.0};  // Pa, 1, kg/s or rev/s
  LoadSharing sharing = LoadSharing::EqualSpeed;
  double surge_margin = 0.1;      // μ: Q_scl = (1 + μ)·Q_surge
  double anti_surge_time = 2.0;   // τ_as [s]
  double valve_close_time = 1.0;  // τ_c [s]
  Profile ambient_temperature{288.15};
  double isentropic_exponent = 1.3;
  double fuel_lhv = 47e6;
  double control_time_constant = 1.0;
  Bypass bypass = Bypass::None;
  std::vector<CompressorUnitSpec> units;
};

class CompressorStationOnMaps : public Component, public EventSource, public SummarySource {
 public:
  enum Limit { None = -1, SpeedMax = 0, SpeedMin = 1, PowerMax = 2, Choke = 3 };
  static constexpr int kRootsPerUnit = 8;

  CompressorStationOnMaps(std::string name, const GasNode& suction, const GasNode& discharge,
                          const GasNode& fuel, CompressorStationSpec spec,
                          const GasProperties& gas);

  // State of unit i, for tests and outputs.
  struct UnitPoint {
    double n = 0, m = 0, r = 0, q = 0, head = 0, eta = 0, power = 0, fuel = 0;
    double q_surge = 0, q_control = 0, q_choke = 0, max_power = 0;
  };
  UnitPoint unit_point(const State& s, int i) const;
  int units() const { return static_cast<int>(spec_.units.size()); }
  bool running(int i) const { return unit_[std::size_t(i)].running; }
  bool recycling(int i) const { return unit_[std::size_t(i)].recycle; }
  Limit active_limit() const { return limit_; }
  int limiting_unit() const { return limit_unit_; }
  // Net flow s → d (kg/s), head (J/kg) and fuel (kg/s) at state y.
  double net_flow(const double* y) const;
  double head(double ps, double pd, double* d_ps = nullptr, double* d_pd = nullptr) const;
  double fuel_flow(const State& s) const;
  int fuel_node() const { return pf_; }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return kRootsPerUnit * units() + 2; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  EventAction on_stop(double t, const State& s) override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("gas_fuel_burnt_kg", s.y[offset() + 2]);
  }

 private:
  struct UnitState {
    bool running = true, tripped = false, recycle = false;
    double scheduled = 1.0;  // the schedule's value at the last stop
  };
  // Everything a unit's rows need at a state, with derivatives.
  struct Eval;
  void evaluate(const State& s, int i, Eval& e) const;
  int x_index() const { return offset(); }
  int b_index() const { return offset() + 1; }
  int fuel_index() const { return offset() + 2; }
  int n_index(int i) const { return offset() + 3 + 3 * i; }
  int m_index(int i) const { return offset() + 4 + 3 * i; }
  int r_index(int i) const { return offset() + 5 + 3 * i; }
  bool any_running() const;
  bool bypass_open() const { return bypass_open_ && !any_running(); }
  double demand(const State& s) const;  // > 0: the control wants more compression
  bool pressure_control(double t, double* a, double* da, double* target, double* rate) const;
  EventAction set_limit(Limit l, int unit, const State& s);
  EventAction trip(int i, const std::string& why, double value);
  void update_lead();

  const GasNode& suction_;
  const GasNode& discharge_;
  const GasNode& fuel_;
  CompressorStationSpec spec_;
  const GasProperties& gas_;
  double flow_scale_ = 100.0;
  std::vector<UnitState> unit_;
  std::vector<std::pair<double, double>> parked_;       // (n, Q) a stopped unit waits at
  mutable std::vector<std::array<double, 3>> scratch_;  // the station row's unit entries
  Limit limit_ = None;
  int limit_unit_ = -1;
  int lead_ = 0;
  bool bypass_open_ = false;
  PressureConstraint hold_, bypass_hold_;
  int ps_ = -1, pd_ = -1, pf_ = -1;
  std::vector<int> out_station_, out_unit_;
};

}  // namespace steppe::gas
