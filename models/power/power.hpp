// Power system: zones joined by ties (DC flow), generators with governors, AGC and
// merit-order dispatch, wind farms, solar plants, batteries, under-frequency load
// shedding. SI throughout: W, Hz, rad, s, J.
//
//   zone       unknowns Δf [Hz] (differential), θ [rad], z [W] (AGC, if any), and five
//              energy accumulators [J]: generated, served, shed, curtailed, exported.
//              swing (the zone's balance row, where every element injects):
//                M·dΔf/dt + (1 − s)·P_L(t)·(1 + D·Δf/f0) + Σ P_tie,out − Σ P_gen = 0,
//                M = 2·H·S/f0  [W·s/Hz]
//              angle: dθ/dt = 2π·(Δf − Δf_ref) (θ relative to the reference zone of its
//                synchronous area, whose own θ = 0 is algebraic)
//              AGC:   T_agc·dz/dt = −ACE,  ACE = (Σ P_tie,out − P_sched,out(t)) + B·Δf
//              s: shed fraction, the sum of the tripped UFLS stages (modes); a stage arms
//                when f0 + Δf falls through its threshold (root), disarms when it rises
//                back, trips `delay` after arming (a root on t − t_armed − delay).
//   infinite   (an external system held at f0): Δf = 0, θ = 0, and an algebraic
//   bus        unknown P_ext [W] that closes its balance (counted as generation).
//   tie        unknown P [W] (algebraic), from → to: P − B·(θ_from − θ_to) = 0 in service,
//              P = 0 tripped. Roots P − (limit_fwd ± band), −P − (limit_rev ± band) record
//              overloads (band = 0.5 % + 1 kW, + to enter, − to leave); with trip_delay, a
//              root t − t_over − delay trips the tie.
//   generator  unknowns P_ref [W] (differential: set point follower), x [W] (algebraic:
//              governor order), r [W] (differential: turbine lag):
//                track:     dP_ref/dt = (P_target − P_ref)/T_sp,  P_target = P_sched + α·z
//                ramp up/down (modes, roots on (P_target − P_ref)/T_sp ∓ ramp):
//                           dP_ref/dt = ±ramp
//                governor:  T_g·dx/dt + x = u,  u = P_ref − K·Δf/f0,  K = P_cap/R
//                           (x algebraic when T_g = 0); modes at max / at min (roots on
//                           u against P_max(t), P_min(t), with a 1e-6·P_cap hysteresis):
//                           u replaced by a(t)·P_cap or min(P_min, a(t)·P_cap); offline u = 0
//                turbine:   T_t·dr/dt = x − r,  P = F_H·x + (1 − F_H)·r
//                           (the reduced SFR form: steam F_H = HP fraction, T_t = reheat
//                           time constant; hydro F_H = −2, T_t = T_w/2 gives
//                           (1 − T_w s)/(1 + T_w s/2))
//              injects P into its zone when online (a(t) > 0 and not tripped).
//   wind farm  no unknown: P(t) = min(cap_dispatch, n·a(t)·curve(v_eq(t))),
//              v_hub = v·(h_hub/h_meas)^α (power law) or v·ln(h_hub/z0)/ln(h_meas/z0),
//              v_eq = v_hub·(ρ(t)/1.225)^(1/3) (IEC 61400-12 density correction).
//   solar      no unknown: G(t) = profile, or Haurwitz clear sky × cloud factor;
//   plant      P = min(inverter, P_stc·G/1000·(1 + γ·(T_cell − 25 °C)))·a(t), capped by
//              dispatch; T_cell = T_air + G·(NOCT − 20 °C)/800 W/m².
//   storage    unknowns P [W] (algebraic, + discharging) and E [J] (differential):
//                P = P_cmd = P_sched(t) − K_f·Δf/f0 (normal), P = P_dis,max, P = −P_ch,max,
//                P = 0 (empty and asked to discharge, full and asked to charge): modes
//                dE/dt = −P/η_d (discharging) or −η_c·P (charging), η = √(round trip)
//   dispatch   no unknown: every `interval` (a stop time) recomputes the generators' set
//              points in merit order against the forecast net load (load − wind − solar −
//              storage schedule at that instant), moving power through ties up to their
//              limits (a transport model: exact for radial tie networks, meshes get the
//              schedule, the physics splits the flow), and the scheduled interchange per
//              zone; curtails wind and solar when the minimum outputs exceed the load.
//              Set points and interchange schedules ramp linearly to their new values over
//              `ramp_time` (a stop time at its end); the AGC signal accumulated since the
//              last dispatch moves into the base points (P_sched = P_new − α·z), so the
//              units' targets are continuous and AGC corrects only the forecast error.
//
// Energy accumulators and the battery's energy have no steady state; during the steady
// start their rows read dE/dt + (E − E0) = 0 (E stays at E0), and once the initial
// state is settled the zone switches them on (a stop time 1 µs after the start, so
// IDA restarts with consistent derivatives).
#pragma once

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "solver/component.hpp"
#include "solver/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupZones = "power/zones";
inline constexpr const char* kGroupGenerators = "power/generators";
inline constexpr const char* kGroupTies = "power/ties";
inline constexpr const char* kGroupWind = "power/wind";
inline constexpr const char* kGroupSolar = "power/solar";
inline constexpr const char* kGroupStorage = "power/storage";

enum class GenType { Coal, Gas, Hydro };
inline constexpr std::array<const char*, 3> kGenTypeNames = {"coal", "gas", "hydro"};

struct UflsStage {
  double threshold = 0.0;  // Hz (absolute frequency)
  double delay = 0.0;      // s
  double fraction = 0.0;   // of the zone's load
};

class Generator;
class Tie;
class WindFarm;
class SolarPlant;
class Storage;

class Zone : public Component, public EventSource {
 public:
  struct Params {
    double f0 = 50.0, inertia = 5.0, base = 1e9, damping = 1.0;
    Profile load{0.0};
    bool infinite = false;
    bool agc = false;
    double agc_time = 60.0, agc_bias = 0.0;  // s, W/Hz
    Profile interchange{0.0};                // scheduled net export without dispatch
    std::vector<UflsStage> ufls;
  };
  Zone(std::string name, Params p);

  // Indices of the rows/unknowns others use.
  int df() const { return offset(); }
  int theta() const { return offset() + 1; }
  int balance_row() const { return infinite() ? offset() + 2 : offset(); }
  int agc_row() const { return p_.agc ? offset() + 2 : -1; }
  int energy(int k) const { return offset() + first_energy_ + k; }  // 0 gen .. 4 export
  enum Energy { kGenerated = 0, kServed, kShed, kCurtailed, kExported };
  bool infinite() const { return p_.infinite; }
  bool has_agc() const { return p_.agc; }
  double f0() const { return p_.f0; }
  const Params& params() const { return p_; }
  // Energy rows integrate only once the initial state is settled.
  bool accumulating() const { return accumulating_; }
  double shed_fraction() const { return shed_; }
  double load(double t) const { return p_.load.value(t); }
  void set_reference(const Zone* ref) { ref_ = ref; }
  bool is_reference() const { return ref_ == this; }
  void set_scheduled_export(double p, double t, double ramp_time);
  double scheduled_export(double t) const;
  bool dispatched() const { return dispatched_; }
  void set_dispatched() { dispatched_ = true; }

  // Members, for outputs and dispatch.
  std::vector<const Generator*> generators;
  std::vector<const Tie*> ties;
  std::vector<const WindFarm*> wind;
  std::vector<const SolarPlant*> solar;
  std::vector<const Storage*> storage;

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return 2 * static_cast<int>(p_.ufls.size()); }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;

 private:
  enum class Stage { Idle, Armed, Shed };
  double mass() const { return 2.0 * p_.inertia * p_.base / p_.f0; }
  void update_shed();

  Params p_;
  const Zone* ref_ = this;
  int first_energy_ = 2;
  int ref_df_ = -1;
  std::vector<Stage> stage_;
  std::vector<double> armed_at_;
  double shed_ = 0.0;
  double export_from_ = 0.0, export_to_ = 0.0, export_t_ = 0.0, export_ramp_ = 0.0;
  bool dispatched_ = false;
  bool settled_ = false;
  mutable bool accumulating_ = false;
  std::vector<int> out_;
};

class Tie : public Component, public EventSource {
 public:
  struct Params {
    double susceptance = 0.0;  // W/rad
    double limit_forward = std::numeric_limits<double>::infinity();
    double limit_reverse = std::numeric_limits<double>::infinity();
    double trip_delay = std::numeric_limits<double>::infinity();  // s; inf = never trips
  };
  Tie(std::string name, Zone& from, Zone& to, Params p);
  const Zone& from() const { return from_; }
  const Zone& to() const { return to_; }
  const Params& params() const { return p_; }
  bool in_service() const { return in_service_; }
  int flow() const { return offset(); }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return 3; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}

 private:
  double band(double limit) const { return 5e-3 * limit + 1e3; }
  Zone& from_;
  Zone& to_;
  Params p_;
  bool in_service_ = true;
  int over_ = 0;  // +1 forward overload, −1 reverse, 0 none
  double over_since_ = 0.0;
  std::vector<int> out_;
};

class Generator : public Component, public EventSource {
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
  double p_max(double t) const { return online(t) ? p_.availability.value(t) * p_.capacity : 0; }
  double p_min(double t) const { return std::min(p_.min_output, p_max(t)); }
  double power(const State& s) const;  // electrical output [W]
  // A new dispatched set point p, reached linearly from the current one over
  // [t, t + ramp_time] (the schedule ramp every unit and interchange follows together).
  void set_schedule(double p, double t, double ramp_time);
  double schedule(double t) const;
  bool dispatched() const { return dispatched_; }
  void set_dispatched() { dispatched_ = true; }
  // Picks the modes the state calls for (after a set point change); true if changed.
  bool reclassify(const State& s);

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
  double sched_from_ = 0.0, sched_to_ = 0.0, sched_t_ = 0.0, sched_ramp_ = 0.0;
  int pref_ = -1, x_ = -1, r_ = -1, df_ = -1, z_ = -1, bal_ = -1, eg_ = -1;
  std::vector<int> out_;
};

struct PowerCurve {
  // Parametric (cubic between cut-in and rated) unless `speeds` is given (linear table).
  double cut_in = 3.0, rated_speed = 12.0, cut_out = 25.0, rated_power = 0.0;
  std::vector<double> speeds, powers;
  double operator()(double v) const;
};

class WindFarm : public Component, public EventSource {
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
  const Zone& zone() const { return zone_; }
  double hub_speed(double t) const;
  double equivalent_speed(double t) const;
  double available(double t) const;  // W before curtailment
  double power(double t) const { return std::min(available(t), cap_); }
  void set_cap(double c) { cap_ = c; }
  double capacity() const { return p_.count * p_.curve.rated_power; }

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override;
  void initial_values(std::span<double>) const override {}
  void residual(const State& s, double* F) const override;
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;

 private:
  Zone& zone_;
  Params p_;
  double shear_factor_ = 1.0;
  double cap_ = std::numeric_limits<double>::infinity();
  int bal_ = -1, eg_ = -1, ec_ = -1;
  std::vector<int> out_;
};

class SolarPlant : public Component, public EventSource {
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
  const Zone& zone() const { return zone_; }
  double irradiance(double t) const;
  double available(double t) const;
  double power(double t) const { return std::min(available(t), cap_); }
  void set_cap(double c) { cap_ = c; }

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override;
  void initial_values(std::span<double>) const override {}
  void residual(const State& s, double* F) const override;
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;

 private:
  Zone& zone_;
  Params p_;
  double cap_ = std::numeric_limits<double>::infinity();
  int bal_ = -1, eg_ = -1, ec_ = -1;
  std::vector<int> out_;
};

class Storage : public Component, public EventSource {
 public:
  struct Params {
    double energy = 0.0;                               // J
    double power_discharge = 0.0, power_charge = 0.0;  // W
    double efficiency = 0.9;                           // round trip
    double soc_initial = 0.5, soc_min = 0.0, soc_max = 1.0;
    Profile schedule{0.0};  // W, + discharging
    double droop = 0.0;     // pu; 0 = no frequency response
  };
  Storage(std::string name, Zone& zone, Params p);
  const Zone& zone() const { return zone_; }
  double power(const State& s) const { return s.y[offset()]; }
  double schedule(double t) const { return p_.schedule.value(t); }

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

 private:
  enum class Mode { Normal, MaxDischarge, MaxCharge, Empty, Full };
  double gain() const { return p_.droop > 0 ? p_.power_discharge / p_.droop : 0.0; }
  double command(const State& s) const;
  Mode want(const State& s) const;
  EventAction update(const State& s);
  double eta() const;
  double e_min() const { return p_.soc_min * p_.energy; }
  double e_max() const { return p_.soc_max * p_.energy; }
  double band() const { return 1e-9 * p_.energy; }

  Zone& zone_;
  Params p_;
  Mode mode_ = Mode::Normal;
  bool charging_ = false;
  int p_i_ = -1, e_i_ = -1, df_ = -1, bal_ = -1, eg_ = -1;
  std::vector<int> out_;
};

class Dispatcher : public Component, public EventSource {
 public:
  Dispatcher(std::string name, double interval, double ramp_time, std::vector<Zone*> zones,
             std::vector<Tie*> ties, std::vector<Generator*> gens, std::vector<WindFarm*> wind,
             std::vector<SolarPlant*> solar, std::vector<double> infinite_price);
  // Computes set points, interchange schedules and curtailment caps for inputs at t; the
  // AGC signals z of state `s` (if given) move into the units' base points. Returns the
  // unserved forecast load [W] (summed over zones).
  double dispatch(double t, const State* s);

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override { dispatch(0.0, nullptr); }
  void initial_values(std::span<double>) const override {}
  void residual(const State&, double*) const override {}
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan&) override {}
  void write_outputs(const State&, OutputFrame&) const override {}
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  EventAction on_stop(double t, const State& s) override;

 private:
  double interval_, ramp_time_;
  double last_ = 0.0;
  std::vector<Zone*> zones_;
  std::vector<Tie*> ties_;
  std::vector<Generator*> gens_;
  std::vector<WindFarm*> wind_;
  std::vector<SolarPlant*> solar_;
  std::vector<double> infinite_price_;  // per zone (inf for ordinary zones)
};

}  // namespace steppe::power
