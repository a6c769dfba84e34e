// Power generator: a coal, gas or hydro unit with set-point follower, governor (with an
// optional deadband; hydro with transient droop compensation), turbine, inertia and
// frequency protection.
//
//   unknowns   P_ref [W] (differential: set-point follower), w [W] (differential: transient
//              droop lag, hydro units with temporary droop only), x [W] (governor order /
//              gate; algebraic when T_g = 0), r [W] (differential: turbine lag)
//   base point b(t) = clamp(P_sched(t), P_min(t), P_max(t)): the dispatched (or given)
//              schedule, moving linearly at the unit's ramp rate (at least over the
//              dispatch's ramp time); when it lies beyond [P_min, P_max] the unit holds the
//              limit and the episode is an event (a root on P_max − P_sched, P_sched − P_min)
//   target     P_target = b(t) + s(λ): its AGC share (models/power/zone.hpp), within its
//              regulating band [b − P_min, P_max − b] (at most ramp × activation_time), so
//              P_target never leaves [P_min, P_max]
//   track      dP_ref/dt = (P_target − P_ref)/T_sp
//   ramp up/down (modes, roots on (P_target − P_ref)/T_sp ∓ ramp·(1 ± 1e-3)):
//              dP_ref/dt = ±ramp. An episode is recorded when it matters (not while a
//              dispatched base point is ramping: the follower then approaches the ramp rate
//              from below)

//   deadband   Δf_g = 0 for |Δf| < db, Δf ∓ db beyond (modes at roots Δf ∓ db, continuous)
//   governor   u = P_ref − K·Δf_g/f0, K = P_cap/R_p
//              transient droop (hydro, R_T > 0): the lead-lag (1 + T_R·s)/(1 + A·s),
//              A = (R_T/R_p)·T_R:  A·dw/dt = u − w,  v = (T_R/A)·u + (1 − T_R/A)·w
//              (Kundur, Power System Stability and Control, §9.2: defaults
//              R_T = [2.3 − 0.15·(T_w − 1)]·T_w/T_M, T_R = [5 − 0.5·(T_w − 1)]·T_w,
//              T_M = 2H); otherwise v = u
//              T_g·dx/dt + x = c, c = v; modes at max / at min (roots on v against P_max(t),
//              P_min(t), with a 1e-5·P_cap hysteresis): c = P_max(t) or P_min(t); offline
//              c = 0
//              soft limits (`limit_smoothing` f > 0): c = v within [P_min, P_max]; beyond
//              P_max, P_max + q − q²/(4d) with q = v − P_max up to 2d, then P_max + d
//              (likewise below P_min), d = f·P_cap: continuous with its slope, exact within
//              the limits, at most d past one while the governor pushes beyond it. Reaching
//              a limit restarts nothing (the modes' roots only record the episodes, as with
//              hard limits)
//   turbine    T_t·dr/dt = x − r,  P = F_H·x + (1 − F_H)·r
//              (the reduced SFR form: steam F_H = HP fraction, T_t = reheat time constant;
//              hydro F_H = −2, T_t = T_w/2 gives (1 − T_w s)/(1 + T_w s/2))
//   inertia    while online it adds 2·H·S/f0 · dΔf/dt to its zone's balance (H on rating S)
//   protection under/over-frequency relays: f below / above a threshold (root) for `delay`
//              (a root on the timer) trips the unit
//   commitment a unit with `min_up_time`, `min_down_time` or `start_cost` is started and
//              stopped by dispatch (models/power/dispatch.hpp). A start synchronises it at
//              its minimum output (a jump: restart); a stop unloads it at its ramp rate and
//              desynchronises it when its schedule reaches the minimum output (a jump of
//              P_min: restart). It stays on at least min_up_time, off at least
//              min_down_time; the initial dispatch commits freely (a study starts from a
//              steady operating point, as its base points are set at once)
//   injects    P into its zone's balance and generated-energy rows when online (committed,
//              a(t) > 0 and not tripped).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
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

// A frequency relay: trips when f stays beyond `threshold` for `delay`.
struct FrequencyRelay {
  double threshold = 0.0;  // Hz; 0: none
  double delay = 0.0;      // s
  bool active() const { return threshold > 0; }
};

class Generator : public Component, public EventSource, public Injector {
 public:
  struct Params {
    GenType type = GenType::Coal;
    double capacity = 0.0, min_output = 0.0;                     // W
    double ramp_up = std::numeric_limits<double>::infinity();    // W/s
    double ramp_down = std::numeric_limits<double>::infinity();  // W/s
    double droop = 0.05;                                         // pu (R_p); 0 = no governor
    double temporary_droop = 0.0;                                // pu (R_T); 0 = none
    double reset_time = 0.0;                                     // s (T_R)
    double deadband = 0.0;                                       // Hz
    double turbine_time = 5.0;                                   // s (T_t)
    double governor_time = 0.0;    // s (T_g); 0: the order follows Δf at once (SFR form)
    double hp_fraction = 0.0;      // F_H
    double setpoint_time = 10.0;   // s (T_sp)
    double limit_smoothing = 0.0;  // f: soft output limits (corners f·capacity wide); 0: modes
    double participation = 0.0;    // α (normalised per zone)
    double cost = 0.0;             // merit order
    double inertia = 0.0;          // s (H on rating)
    double rating = 0.0;           // W (S)
    FrequencyRelay under, over;
    Profile availability{1.0};
    Profile set_point{0.0};
    double trip_at = std::numeric_limits<double>::infinity();  // s
    // Commitment by dispatch (committable: any of these given).
    bool committable = false;
    double min_up_time = 0.0;    // s
    double min_down_time = 0.0;  // s
    double start_cost = 0.0;     // currency of `cost` per start
  };
  Generator(std::string name, Zone& zone, Params p);
  const Zone& zone() const { return zone_; }
  const Params& params() const { return p_; }
  GenType type() const { return p_.type; }
  // The unit is online at t (committed, available and not tripped).
  bool online(double t) const { return committed_ && !tripped_ && p_.availability.value(t) > 0; }
  double p_max(double t) const { return online(t) ? capability(t) : 0; }
  double p_min(double t) const { return std::min(p_.min_output, p_max(t)); }
  // The output range it would have if committed (dispatch's trials of a start).
  double capability(double t) const {
    return tripped_ ? 0 : p_.availability.value(t) * capacity_factor_ * p_.capacity;
  }
  double capability_min(double t) const { return std::min(p_.min_output, capability(t)); }
  double power(const State& s) const;  // electrical output [W]
  // As an injector of its zone: its type is its category.
  std::string_view category() const override { return kGenTypeNames[std::size_t(p_.type)]; }
  double injection(const State& s) const override { return power(s); }
  double inertia(const State& s) const override;
  double participation() const override { return p_.participation; }
  RegulatingBand band(double t) const override;
  // The participation factor α in its zone's AGC (normalised by the power reader).
  void set_participation(double a) { p_.participation = a; }
  // A new dispatched base point p from t: reached linearly from the current one at the
  // unit's ramp rate, over at least `ramp_time` (or at once: the initial dispatch).
  void set_schedule(double p, double t, double ramp_time, bool at_once = false);
  double schedule(double t) const;                              // P_sched(t), before the limits
  double base_point(double t) const;                            // b(t)
  double set_point(const State& s) const { return target(s); }  // b(t) + AGC share
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
  // Commitment (dispatch's decisions). `committed`: synchronised or unloading to stop;
  // `status_since`: the time of the last start or stop (−∞: before the study);
  // `stopping`: unloading toward its desynchronisation.
  bool committed() const { return committed_; }
  double status_since() const { return status_since_; }
  bool stopping() const { return stop_at_ < std::numeric_limits<double>::infinity(); }
  double starts() const { return starts_; }  // by dispatch since the study began
  // It could be started at t: committable, off (or unloading to stop), available, not
  // tripped, off for at least min_down_time.
  bool startable(double t) const;
  // It could be stopped at t: committable, online, on for at least min_up_time.
  bool stoppable(double t) const;
  // Dispatch's decisions at t (`initial`: the initial dispatch, at once and without an
  // event). A start synchronises the unit (its event when the modes settle); a stop
  // unloads it from its schedule to zero over at least `ramp_time` at its ramp rate and
  // desynchronises it when the schedule passes its minimum output (at once when it is
  // there); a start while unloading takes the stop back.
  void start(double t, bool initial);
  void stop(double t, double ramp_time, bool initial);
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

  int root_count() const override { return kRoots; }
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
  enum class Dead { Inside, Above, Below };  // governor deadband
  enum class Relay { Idle, Armed };
  enum Root {
    kRampUp,
    kRampDown,
    kOrderMax,
    kOrderMin,
    kDeadUp,
    kDeadDown,
    kSchedMax,
    kSchedMin,
    kUnder,
    kUnderTimer,
    kOver,
    kOverTimer,
    kRoots
  };
  double gain() const { return p_.droop > 0 ? p_.capacity / p_.droop : 0.0; }
  double hysteresis() const { return 1e-5 * p_.capacity; }
  static constexpr double kRampBand = 1e-3;  // relative hysteresis of the ramp limits
  bool transient_droop() const { return p_.temporary_droop > 0; }
  double lag_time() const { return p_.temporary_droop / p_.droop * p_.reset_time; }  // A
  double lead_share() const { return p_.reset_time / lag_time(); }                   // T_R/A
  double mass() const {  // an infinite bus holds its frequency: no inertia there
    return zone_.infinite() ? 0.0 : 2.0 * p_.inertia * p_.rating / zone_.f0();
  }
  double governed_df(const State& s) const;  // Δf_g
  double governed_slope() const { return dead_ == Dead::Inside ? 0.0 : 1.0; }
  double target(const State& s) const;
  double order(const State& s) const;  // the command v before its limits
  double rate(const State& s) const { return (target(s) - s.y[pref_]) / p_.setpoint_time; }
  // Soft output limits (limit_smoothing > 0): the order clamped softly to [P_min, P_max]
  // (exact within, at most f·P_cap past a limit); the slope in ds.
  bool smooth() const { return p_.limit_smoothing > 0; }
  double soft_order(const State& s, double& ds) const;
  bool ramp_matters(double t) const { return !dispatched_ || t >= ramp_until_; }
  bool limit_matters(const State& s, Order o) const;
  Track want_track(const State& s) const;
  Order want_order(const State& s) const;
  Dead want_dead(const State& s) const;
  EventAction update(const State& s, const char* why, bool settling);
  void desynchronise(double t);  // out of service by dispatch from t
  EventAction relay_root(bool under, bool timer, int direction, const State& s);

  Zone& zone_;
  Params p_;
  Track track_ = Track::Follow;
  Order order_ = Order::Normal;
  Dead dead_ = Dead::Inside;
  Relay relay_[2] = {Relay::Idle, Relay::Idle};  // under, over
  double relay_since_[2] = {0.0, 0.0};
  bool tripped_ = false;
  bool dispatched_ = false;
  bool committed_ = true;
  double status_since_ = -std::numeric_limits<double>::infinity();
  double stop_at_ = std::numeric_limits<double>::infinity();  // desynchronisation
  double starts_ = 0.0;                                       // since the start of the study
  const char* commit_note_ = nullptr;           // a start or stop waiting for the modes to settle
  bool above_max_ = false, below_min_ = false;  // the schedule lies beyond the limits
  bool limit_recorded_ = false;
  double capacity_factor_ = 1.0;
  double ramp_until_ = 0.0;  // end of the dispatched base point's ramp
  RampedSchedule sched_;
  int slot_ = -1;  // in the zone's AGC
  int pref_ = -1, w_ = -1, x_ = -1, r_ = -1, df_ = -1, lam_ = -1, bal_ = -1, eg_ = -1;
  std::vector<int> out_;
};

}  // namespace steppe::power
