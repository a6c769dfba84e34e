// A variable renewable source (wind farm, solar plant): no unknown, an available power
// a(t) from its inputs, capped by dispatch (curtailment).
//
//   P = min(available(t), cap)
//   injects P into its zone's balance and generated-energy rows, the curtailed power
//   (available − P) into its curtailed-energy row.
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
  double injection(const State& s) const override { return power(s.t); }
  double curtailed(const State& s) const override { return available(s.t) - power(s.t); }

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override {
    bal_ = zone_.balance_row();
    eg_ = zone_.energy(Zone::kGenerated);
    ec_ = zone_.energy(Zone::kCurtailed);
  }
  void initial_values(std::span<double>) const override {}
  void residual(const State& s, double* F) const override {
    const double avail = available(s.t), P = std::min(avail, cap_);
    F[bal_] -= P;
    F[eg_] -= P;
    F[ec_] -= avail - P;
  }
  void jacobian(const State&, JacobianWriter&) const override {}
  // The curtailment cap is set by the dispatcher: part of the discrete state.
  void save(DiscreteState& out) const override { out.put(cap_); }
  void restore(DiscreteState& in) override { in.get(cap_); }

 protected:
  std::vector<int> out_;

 private:
  Zone& zone_;
  double cap_ = kInf;
  int bal_ = -1, eg_ = -1, ec_ = -1;
};

}  // namespace steppe::power
