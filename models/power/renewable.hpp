// A variable renewable source (wind farm, solar plant): no unknown, an available power
// a(t) from its inputs, capped by dispatch (curtailment).
//
//   P = min(available(t), cap)
//   injects P into its zone's balance and generated-energy rows, the curtailed power
//   (available − P) into its curtailed-energy row.
//   synthetic inertia (optional, H_s on its rating S): while it produces (available > 0)
//   its inverters add −2·H_s·S/f0 · dΔf/dt to their output, i.e. 2·H_s·S/f0 · dΔf/dt to
//   the zone's balance — inertia that goes when the wind drops below cut-in or the sun
//   sets (not counted in its generation outputs: it is the rotor's or the DC link's
//   energy, returned as the frequency recovers).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "models/power/common.hpp"
#include "models/power/injector.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/component.hpp"

namespace steppe::power {

class Renewable : public Component, public EventSource, public Injector {
 public:
  Renewable(std::string kind, std::string name, Zone& zone)
      : Component(std::move(kind), std::move(name)), zone_(zone) {}
  const Zone& zone() const { return zone_; }
  virtual double available(double t) const = 0;  // W before curtailment
  double power(double t) const { return std::min(available(t), cap_); }
  void set_cap(double c) { cap_ = c; }
  double cap() const { return cap_; }
  // Synthetic inertia H_s [s] on rating S [W].
  void set_synthetic_inertia(double h, double rating) { h_syn_ = h, rating_ = rating; }
  double inertia(const State& s) const override {
    return h_syn_ > 0 && available(s.t) > 0 ? h_syn_ * rating_ : 0.0;
  }
  double injection(const State& s) const override { return power(s.t); }
  double curtailed(const State& s) const override { return available(s.t) - power(s.t); }

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override {
    bal_ = zone_.balance_row();
    eg_ = zone_.energy(Zone::kGenerated);
    ec_ = zone_.energy(Zone::kCurtailed);
    df_ = h_syn_ > 0 && !zone_.infinite() ? zone_.df() : -1;
  }
  void initial_values(std::span<double>) const override {}
  void residual(const State& s, double* F) const override {
    const double avail = available(s.t), P = std::min(avail, cap_);
    F[bal_] -= P;
    F[eg_] -= P;
    F[ec_] -= avail - P;
    if (df_ >= 0) F[bal_] += (avail > 0 ? mass() : 0.0) * s.yp[df_];
  }
  void jacobian(const State& s, JacobianWriter& J) const override {
    if (df_ >= 0) J.add(bal_, df_, 0.0, available(s.t) > 0 ? mass() : 0.0);
  }
  // The curtailment cap is set by the dispatcher: part of the discrete state.
  void save(DiscreteState& out) const override { out.put(cap_); }
  void restore(DiscreteState& in) override { in.get(cap_); }

 protected:
  std::vector<int> out_;

 private:
  Zone& zone_;
  double mass() const { return 2.0 * h_syn_ * rating_ / zone_.f0(); }
  double cap_ = kInf;
  double h_syn_ = 0.0, rating_ = 0.0;
  int bal_ = -1, eg_ = -1, ec_ = -1, df_ = -1;
};

}  // namespace steppe::power
