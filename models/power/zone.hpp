// Power zone: a balancing area with swing dynamics, bounded AGC and frequency protection
// (under-frequency and RoCoF load shedding with staged restoration), or an infinite bus.
// SI throughout: W, Hz, rad, s, J.
//
//   unknowns   Δf [Hz] (differential), θ [rad], with AGC: ACE [W] (algebraic) and the AGC
//              integral λ [W] (differential); five energy accumulators [J]: generated,
//              served, shed, curtailed, exported (differential, quadrature: held at 0 by
//              the steady start, integrated from there).
//   swing      (the zone's balance row, where every element injects):
//                M_z·dΔf/dt + (1 − s)·P_L(t)·(1 + D·Δf/f0) + Σ P_tie,out − Σ P_gen
//                  + Σ_online M_i·dΔf/dt = 0,     M = 2·H·S/f0  [W·s/Hz]
//              M_z is the zone's own rotating mass (load, units not listed); every unit
//              adds its own M_i while online (models/power/injector.hpp), so a trip takes
//              its inertia with it. RoCoF = dΔf/dt.
//   angle      dθ/dt = 2π·(Δf − Δf_ref) (θ relative to the reference zone of its
//              synchronous area, whose own θ = 0 is algebraic)
//   AGC        ACE = (Σ P_tie,out − P_sched,out(t)) + B·Δf                 (algebraic row)
//              P_sched,out: over the zone's ties in service, the contracted schedules and
//              (with a dispatch) the flows it planned, else the zone's `interchange`; a
//              tripped tie leaves it at once, so an island's AGC restores its frequency
//              unit i (participation α_i, regulating band [−d_i(t), u_i(t)] around its
//              base point) is asked for s_i = α_i·λ clipped to its band: modes Reg / Up /
//              Down switched at roots of u_i − α_i·λ and α_i·λ + d_i (s_i continuous there
//              to a hysteresis of 1e-7·base: a restart, no record); with `share_smoothing` f
//              > 0 instead (while the integral is normal) s_i = a soft clamp of α_i·λ to the
//              band with centred quadratic corners f·base wide (at most half the band):
//              never outside the band, no modes, no restart. The zone's regulating range is
//              [−R_dn, R_up], R = Σ band; the AGC signal z = Σ s_i never leaves it. The integral:
//                normal          T_agc·dλ/dt = −ACE
//                at max (all units at their upper band: λ reached Λ_up = max u_i/α_i)
//                                τ·dλ/dt = Λ_up(t) − λ   (anti-windup: λ holds the range)
//                at min          τ·dλ/dt = Λ_dn(t) − λ,  Λ_dn = min(−d_i/α_i)
//                no range        τ·dλ/dt = −λ   (no participating unit online)
//              τ = 1 s. At max/min are entered at the roots Λ_up − λ, λ − Λ_dn (event
//              "limit": AGC saturated) and left when the integral would move back inside
//              faster than the limit moves: ACE + T_agc·dΛ/dt > ε at max, < −ε at min
//              (ε = 1e-3·base; dΛ/dt ≠ 0 while a base point ramps towards a unit's limit;
//              event "limit": AGC recovered).
//   UFLS       s: shed fraction, the sum of the shed stages. A stage picks up when all its
//              conditions hold — f below `threshold`, RoCoF below `rocof` (roots on each)
//              — and sheds `delay` later (a root on t − t_armed − delay) unless one fails
//              first. With `restore_above`, a shed stage reconnects after f has stayed
//              above it for `restore_delay` (staged: each stage has its own).
//   energy     dE_gen/dt = P_ext (+ what its injectors — generators, wind, solar, storage — add),
//              dE_served/dt = (1 − s)·P_L·(1 + D·Δf/f0), dE_shed/dt = s·P_L,
//              dE_curtailed/dt = (wind and solar add theirs), dE_exported/dt = (ties add)
//   infinite   (an external system held at f0): Δf = 0, θ = 0, and an algebraic unknown
//   bus        P_ext [W] that closes its balance (counted as generation).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "models/common/location.hpp"
#include "models/common/registry.hpp"
#include "models/power/common.hpp"
#include "models/power/injector.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupZones = "power/zones";

struct UflsStage {
  double threshold = 0.0;                                   // Hz (absolute); 0: none
  double rocof = -std::numeric_limits<double>::infinity();  // Hz/s; −inf: none
  double delay = 0.0;                                       // s
  double fraction = 0.0;                                    // of the zone's load
  double restore_above = 0.0;                               // Hz; 0: stays shed
  double restore_delay = 0.0;                               // s
  bool has_threshold() const { return threshold > 0; }
  bool has_rocof() const { return rocof > -std::numeric_limits<double>::infinity(); }
};

class Tie;

class Zone : public Component, public EventSource, public SummarySource {
 public:
  struct Params {
    double f0 = 50.0, inertia = 5.0, base = 1e9, damping = 1.0;
    Profile load{0.0};
    bool infinite = false;
    bool agc = false;
    double agc_time = 60.0, agc_bias = 0.0;  // s, W/Hz
    double activation_time = kInf;           // s: a unit's band is at most its ramp × this
    double agc_reserve = 0.0;                // W: up-headroom dispatch holds on the AGC units
    double share_smoothing = 0.0;  // f: soft share clamps (corners f·base wide); 0: modes
    Profile interchange{0.0};      // scheduled net export without dispatch
    std::vector<UflsStage> ufls;
    // Monitored (not enforced): |Δf| within the band, |z| within the AGC range.
    double frequency_band = NAN;  // Hz
    double agc_range = NAN;       // W
    Coordinates where;
  };
  Zone(std::string name, Params p);

  // Indices of the rows/unknowns others use.
  int df() const { return offset(); }
  int theta() const { return offset() + 1; }
  int balance_row() const { return infinite() ? offset() + 2 : offset(); }
  int ace_row() const { return p_.agc ? offset() + 2 : -1; }
  int agc_row() const { return p_.agc ? offset() + 3 : -1; }        // λ
  int energy(int k) const { return offset() + first_energy_ + k; }  // 0 gen .. 4 export
  enum Energy { kGenerated = 0, kServed, kShed, kCurtailed, kExported };
  bool infinite() const { return p_.infinite; }
  bool has_agc() const { return p_.agc; }
  double f0() const { return p_.f0; }
  const Params& params() const { return p_; }
  double shed_fraction() const { return shed_; }
  double load(double t) const { return p_.load.value(t); }
  double activation_time() const { return p_.activation_time; }
  // Up-headroom the dispatch holds on this zone's AGC units (each its share α·R) [W].
  double agc_reserve() const { return p_.agc ? p_.agc_reserve : 0.0; }
  void set_reference(const Zone* ref) { ref_ = ref; }
  bool is_reference() const { return ref_ == this; }
  // The net export AGC holds: dispatched (or `interchange`) plus the ties' own schedules.
  double scheduled_export(double t) const;
  bool dispatched() const { return dispatched_; }
  void set_dispatched() { dispatched_ = true; }

  // What feeds the zone (models/power/injector.hpp), attached by each injector's reader,
  // and the ties that join it to other zones: for outputs, dispatch and AGC.
  void attach(const Injector& injector) { injectors_.push_back(&injector); }
  const std::vector<const Injector*>& injectors() const { return injectors_; }
  std::vector<const Tie*> ties;
  // The categories its generation is reported under (generation_<name>), in order: every
  // category of the power section's element kinds (models/power/kinds.cpp).
  void set_categories(std::vector<OutputCategory> categories) {
    categories_ = std::move(categories);
  }
  // The default AGC bias computed from the zone's units (W/Hz).
  void set_agc_bias(double bias) { p_.agc_bias = bias; }

  // AGC, for its participating units: the slot of a unit (−1 if it does not regulate),
  // what it is asked for now (s_i, W) and ∂s_i/∂λ.
  int agc_slot(const Injector& unit) const;
  double agc_share(int slot, const State& s) const;
  double agc_slope(int slot, const State& s) const;  // ∂(share)/∂λ
  // Σ H·S online [J]: the zone's own and its injectors'.
  double inertia_online(const State& s) const;

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override;
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;
  // Adds the zone's energies to the run's totals (root attributes power_energy_*_J).
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override;

 private:
  enum class Stage { Idle, Armed, Shed, Restoring };
  enum class Agc { Normal, AtMax, AtMin, NoRange };
  enum class Share { Reg, Up, Down };
  static constexpr int kRootsPerStage = 5;
  static constexpr double kTrack = 1.0;  // s: τ of the saturated integral
  double mass() const { return 2.0 * p_.inertia * p_.base / p_.f0; }
  double rocof(const State& s) const { return s.yp[df()]; }
  void update_shed();
  EventAction stage_root(std::size_t k, int r, int direction, const State& s);
  EventAction check_stage(std::size_t k, const State& s);
  // AGC pieces.
  struct Range {
    double up = 0, down = 0;            // R_up, R_dn [W]
    double level_up = 0, level_dn = 0;  // Λ_up, Λ_dn [W]
    bool any = false;                   // some unit has a band
  };
  Range range(double t) const;
  double ace_band() const { return 1e-3 * p_.base; }
  double pull(const State& s, const Range& r, Agc side) const;
  double pull(const State& s, const Range& r) const { return pull(s, r, agc_); }
  double share_band() const { return 1e-7 * p_.base; }
  // Shares clamped softly (share_smoothing > 0) while the integral is normal; saturated,
  // they sit on their band edges as with modes.
  bool soft_shares() const { return p_.share_smoothing > 0 && agc_ == Agc::Normal; }
  double soft_share(double x, const RegulatingBand& b, double& ds) const {
    return soft_clamp_inside(x, -b.down, b.up, p_.share_smoothing * p_.base, ds);
  }
  EventAction agc_root(int r, int direction, const State& s);
  EventAction settle_agc(const State& s);
  int ufls_roots() const { return kRootsPerStage * static_cast<int>(p_.ufls.size()); }

  Params p_;
  const Zone* ref_ = this;
  int first_energy_ = 2;
  int ref_df_ = -1;
  std::vector<Stage> stage_;
  std::vector<char> fcond_, rcond_;  // per stage: frequency / RoCoF condition holds
  std::vector<double> timer_;        // armed at (Armed) or above the restore level since
  double shed_ = 0.0;
  bool dispatched_ = false;
  Agc agc_ = Agc::Normal;
  std::vector<const Injector*> regulators_;  // participating units (AGC)
  std::vector<Share> share_;
  std::vector<const Injector*> injectors_;
  std::vector<OutputCategory> categories_;
  std::vector<std::size_t> category_of_;  // per injector, its index in categories_
  mutable std::vector<double> by_category_;
  std::vector<int> out_, out_category_;
};

}  // namespace steppe::power
