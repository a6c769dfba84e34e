// Power tie: a transit corridor between two zones (DC power flow on the zone angles).
//
//   unknown    P [W] (algebraic), positive from → to
//                in service: P − B·(θ_from − θ_to) − K·(Δf_from − Δf_to) = 0;  tripped: P = 0
//   damping    K [W/Hz] (optional, default 0): the damping power of the units' damper
//              windings and stabilisers on the swing of one zone against the other, which
//              zones without machine dynamics lack (without it, load damping alone damps
//              the swing: well under 1 % on a stiff tie). It flows only while the zones'
//              frequencies differ, so the steady flow, each synchronous area's total
//              balance (it leaves one zone and enters the other) and the frequency of the
//              area's centre of inertia are those of B alone. For two zones of swing masses
//              M_1, M_2 (M_r = M_1·M_2/(M_1 + M_2)) and nothing else acting on their swing,
//              x = θ_1 − θ_2 obeys x'' + (K/M_r)·x' + (2π·B/M_r)·x = 0: the mode's
//              angular frequency ω_n = √(2π·B/M_r) and damping ratio ζ = K/(2·√(2π·B·M_r));
//              K = 2·ζ·√(2π·B·M_r) gives a chosen ζ (`steppe check --modes` lists the
//              study's modes and their damping).
//   injects    P out of the from zone's balance, ACE and exported-energy rows, into the
//              to zone's.
//   schedule   (optional, profile) a contracted transfer: AGC holds it (it adds to the
//              zones' scheduled interchange) and dispatch takes it as given — no merit-order
//              flow is planned over a scheduled tie (an external system's own units serve its
//              own load behind it).
//   planned    (with a dispatch) the flow the dispatch planned over the tie; the zones' AGC
//              schedules are the sum over their ties in service, so a trip takes the tie's
//              share out of both schedules at once (an island's AGC then restores its own
//              frequency instead of chasing a transfer that can no longer flow).
//   overload   modes per side (forward on P, reverse on −P, each against its own limit;
//              they change no equation: recorded, no restart):
//                Normal ── P > limit + band ──► Overloaded (event: the overload starts)
//                Overloaded ── P < limit − band ──► Clearing (not recorded)
//                Clearing ── P > limit + band ──► Overloaded (the same episode goes on)
//                Clearing ── below for `overload_reset` (a root on the timer) ──► Normal
//                                                       (event: the overload ended)
//              band = 0.5 % + 1 kW. A flow ringing around its limit (an inter-area swing)
//              is one episode, not an event per swing; a flow swinging across both limits
//              is one episode on each side. With trip_delay, a root t − t_over − delay
//              trips the tie (at most one side is Overloaded): the protection picks up
//              when Overloaded is entered, drops off at Clearing and picks up again (timer
//              from zero) when the flow goes back over (events "mode", no restart, only
//              for a tie with trip_delay).
#pragma once

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "models/power/zone.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupTies = "power/ties";

class Tie : public Component, public EventSource {
 public:
  struct Params {
    double susceptance = 0.0;  // W/rad
    double damping = 0.0;      // W/Hz on Δf_from − Δf_to
    double limit_forward = std::numeric_limits<double>::infinity();
    double limit_reverse = std::numeric_limits<double>::infinity();
    double trip_delay = std::numeric_limits<double>::infinity();  // s; inf = never trips
    bool scheduled = false;
    Profile schedule{0.0};         // W, from → to
    double overload_reset = 10.0;  // s below the limit that end an overload episode
  };
  Tie(std::string name, Zone& from, Zone& to, Params p);
  const Zone& from() const { return from_; }
  const Zone& to() const { return to_; }
  const Params& params() const { return p_; }
  bool in_service() const { return in_service_; }
  int flow() const { return offset(); }
  bool scheduled() const { return p_.scheduled; }
  double schedule(double t) const { return p_.schedule.value(t); }
  // The flow the last dispatch planned over this tie, ramped like the units' base points.
  double planned(double t) const { return planned_.value(t); }
  void set_planned(double p, double t, double ramp_time) {
    planned_.set(planned_.value(t), p, t, ramp_time);
  }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override {}
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  // Roots: 0, 1 the forward and reverse limit; 2 the trip timer; 3, 4 the forward and
  // reverse reset timer.
  int root_count() const override { return 5; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    if (p_.scheduled) p_.schedule.jumps(t0, t1, out);
  }
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  double band(double limit) const { return 5e-3 * limit + 1e3; }
  Zone& from_;
  Zone& to_;
  Params p_;
  double along(int k, double P) const;
  double limit(int k) const;
  enum class Overload { Normal, Overloaded, Clearing };
  struct Side {
    Overload mode = Overload::Normal;
    double since = 0.0;    // Overloaded (the protection's timer) since
    double cleared = 0.0;  // Clearing since
  };
  bool in_service_ = true;
  RampedSchedule planned_;
  std::array<Side, 2> side_{};  // forward, reverse
  std::vector<int> out_;
};

}  // namespace steppe::power
