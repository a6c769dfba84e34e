// Where gas enters and leaves the network.
//
// Supply (pressure-controlled source, e.g. a border metering station or a storage field)
//   unknowns  q [kg/s] (algebraic) injected into its node;  M [kg] (differential) delivered
//   modes     pressure control:  p_node − p_set(t) = 0   (as a PressureConstraint: on a
//                                node with storage, d/dt(p − p_set) + (p − p_set)/τ = 0)
//             flow limit:        q − q_max = 0            (q would exceed q_max)
//             switching at roots: control → limit when q rises through q_max,
//             limit → control when p_node rises through p_set (the demand fell back)
//   node row  −= q;    dM/dt − q = 0
//
// Offtake (a city gate, a power plant, an export point)
//   unknown   M [kg] (differential) withdrawn
//   node row  += ṁ(t)  (mass flow profile; standard volumes through the normal density)
//   dM/dt − ṁ(t) = 0
#pragma once

#include <cmath>
#include <limits>

#include "models/common/pressure_constraint.hpp"
#include "models/gas/node.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

inline constexpr const char* kGroupSupplies = "gas/supplies";
inline constexpr const char* kGroupOfftakes = "gas/offtakes";

class GasSupply : public Component, public EventSource, public SummarySource {
 public:
  GasSupply(std::string name, const GasNode& node, Profile pressure,
            double max_flow = std::numeric_limits<double>::infinity(), double tau = 1.0);

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override { y[0] = y[1] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return std::isfinite(max_flow_) ? 1 : 0; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    pressure_.breakpoints(t0, t1, out);
  }
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("gas_mass_supplied_kg", s.y[offset() + 1]);
  }

 private:
  const GasNode& node_;
  Profile pressure_;
  double max_flow_, tau_;
  PressureConstraint hold_;
  bool limited_ = false;
  int p_ = -1;
  int out_q_ = -1, out_v_ = -1, out_m_ = -1, out_limited_ = -1;
};

class GasOfftake : public Component, public EventSource, public SummarySource {
 public:
  GasOfftake(std::string name, const GasNode& node, Profile mass_flow);

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override { p_ = node_.pressure(); }
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    flow_.breakpoints(t0, t1, out);
  }
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("gas_mass_withdrawn_kg", s.y[offset()]);
  }

 private:
  const GasNode& node_;
  Profile flow_;
  int p_ = -1;
  int out_q_ = -1, out_v_ = -1, out_m_ = -1;
};

}  // namespace steppe::gas
