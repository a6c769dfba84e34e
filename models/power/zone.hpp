// Power zone: a balancing area with swing dynamics, AGC and under-frequency load shedding
// (or an infinite bus). SI throughout: W, Hz, rad, s, J.
//
//   unknowns   Δf [Hz] (differential), θ [rad], z [W] (AGC, if any), and five energy
//              accumulators [J]: generated, served, shed, curtailed, exported (differential,
//              quadrature: held at 0 by the steady start, integrated from there).
//   swing      (the zone's balance row, where every element injects):
//                M·dΔf/dt + (1 − s)·P_L(t)·(1 + D·Δf/f0) + Σ P_tie,out − Σ P_gen = 0,
//                M = 2·H·S/f0  [W·s/Hz]
//   angle      dθ/dt = 2π·(Δf − Δf_ref) (θ relative to the reference zone of its
//              synchronous area, whose own θ = 0 is algebraic)
//   AGC        T_agc·dz/dt = −ACE,  ACE = (Σ P_tie,out − P_sched,out(t)) + B·Δf
//   UFLS       s: shed fraction, the sum of the tripped stages (modes); a stage arms when
//              f0 + Δf falls through its threshold (root), disarms when it rises back, trips
//              `delay` after arming (a root on t − t_armed − delay).
//   energy     dE_gen/dt = P_ext (+ what its injectors — generators, wind, solar, storage — add),
//              dE_served/dt = (1 − s)·P_L·(1 + D·Δf/f0), dE_shed/dt = s·P_L,
//              dE_curtailed/dt = (wind and solar add theirs), dE_exported/dt = (ties add)
//   infinite   (an external system held at f0): Δf = 0, θ = 0, and an algebraic unknown
//   bus        P_ext [W] that closes its balance (counted as generation).
#pragma once

#include <string>
#include <vector>

#include "models/common/location.hpp"
#include "models/common/registry.hpp"
#include "models/power/common.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::power {

inline constexpr const char* kGroupZones = "power/zones";

struct UflsStage {
  double threshold = 0.0;  // Hz (absolute frequency)
  double delay = 0.0;      // s
  double fraction = 0.0;   // of the zone's load
};

class Injector;
class Tie;

class Zone : public Component, public EventSource, public SummarySource {
 public:
  struct Params {
    double f0 = 50.0, inertia = 5.0, base = 1e9, damping = 1.0;
    Profile load{0.0};
    bool infinite = false;
    bool agc = false;
    double agc_time = 60.0, agc_bias = 0.0;  // s, W/Hz
    Profile interchange{0.0};                // scheduled net export without dispatch
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
  int agc_row() const { return p_.agc ? offset() + 2 : -1; }
  int energy(int k) const { return offset() + first_energy_ + k; }  // 0 gen .. 4 export
  enum Energy { kGenerated = 0, kServed, kShed, kCurtailed, kExported };
  bool infinite() const { return p_.infinite; }
  bool has_agc() const { return p_.agc; }
  double f0() const { return p_.f0; }
  const Params& params() const { return p_; }
  double shed_fraction() const { return shed_; }
  double load(double t) const { return p_.load.value(t); }
  void set_reference(const Zone* ref) { ref_ = ref; }
  bool is_reference() const { return ref_ == this; }
  void set_scheduled_export(double p, double t, double ramp_time);
  double scheduled_export(double t) const;
  bool dispatched() const { return dispatched_; }
  void set_dispatched() { dispatched_ = true; }

  // What feeds the zone (models/power/injector.hpp), attached by each injector's reader,
  // and the ties that join it to other zones: for outputs and dispatch.
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
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;
  // Adds the zone's energies to the run's totals (root attributes power_energy_*_J).
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override;

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
  RampedSchedule export_;
  bool dispatched_ = false;
  std::vector<const Injector*> injectors_;
  std::vector<OutputCategory> categories_;
  std::vector<std::size_t> category_of_;  // per injector, its index in categories_
  mutable std::vector<double> by_category_;
  std::vector<int> out_, out_category_;
};

}  // namespace steppe::power
