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
//   with the energy equation (models/gas/flow_model.hpp) the gas enters at the supply's
//   temperature T_s(t) and the node's pressure, and a third unknown E [J] counts the
//   enthalpy delivered:  node energy row −= q⁺·(h(p, T_s) − h),  dE/dt − (q⁺h(p, T_s) − q⁻h) = 0
//   (q⁺, q⁻ the smooth upwind split of q); with tracking it brings its source gas, or a
//   blend of it with a second gas at the mole fraction y(t) (mass fraction
//   y·M_b/(y·M_b + (1 − y)·M_a)):  node fraction rows −= q⁺·(w_s,k − w_k)
//
// Offtake (a city gate, a power plant, an export point)
//   unknown   M [kg] (differential) withdrawn
//   node row  += ṁ(t)  (mass flow profile; standard volumes through the normal density)
//   dM/dt − ṁ(t) = 0
//   with the energy equation a second unknown E [J], the enthalpy withdrawn:
//   dE/dt − (ṁ⁺·h_node − ṁ⁻·h_in) = 0: the gas leaves at the node's state; a negative ṁ
//   (an entry) injects the fluid's gas at fluid.temperature, h_in = h(p, T_fluid), which
//   the node mixes in: energy row −= ṁ⁻·(h_in − h), fraction rows −= ṁ⁻·(0 − w_k)
#pragma once

#include <cmath>
#include <limits>

#include "models/common/pressure_constraint.hpp"
#include "models/gas/flow_model.hpp"
#include "models/gas/node.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

inline constexpr const char* kGroupSupplies = "gas/supplies";
inline constexpr const char* kGroupOfftakes = "gas/offtakes";

// The gas a supply delivers, with the energy equation or tracking.
struct SupplyGas {
  Profile temperature{288.15};  // K
  int source = 0;               // index into FlowModel::sources
  int blend_source = -1;        // a second gas blended in (e.g. hydrogen), or −1
  Profile blend_fraction{0.0};  // its mole (volume) fraction in the delivered gas
};

class GasSupply : public Component, public EventSource, public SummarySource {
 public:
  GasSupply(std::string name, const GasNode& node, Profile pressure,
            double max_flow = std::numeric_limits<double>::infinity(), double tau = 1.0,
            SupplyGas gas = {});

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
    gas_.temperature.breakpoints(t0, t1, out);
    gas_.blend_fraction.breakpoints(t0, t1, out);
  }
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("gas_mass_supplied_kg", s.y[offset() + 1]);
  }
  const SupplyGas& gas() const { return gas_; }

 private:
  // The extended terms: the inflow into the node and the delivered enthalpy.
  Inflow inflow(const State& s, CellThermo* node, CellThermo* in) const;
  void residual_extended(const State& s, double* F) const;
  void jacobian_extended(const State& s, JacobianWriter& J) const;

  const GasNode& node_;
  Profile pressure_;
  double max_flow_, tau_;
  SupplyGas gas_;
  const FlowModel* flow_ = nullptr;
  mutable double w_[kMaxSources] = {};  // the delivered fractions at the last t, k ≥ 1
  int out_e_ = -1;
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
  bool thermal() const { return node_.flow() && node_.flow()->thermal; }
  Inflow injection(const State& s, double m, CellThermo* node, CellThermo* in) const;
  static constexpr double kNoFractions[kMaxSources] = {};

  const GasNode& node_;
  Profile flow_;
  int p_ = -1;
  int out_q_ = -1, out_v_ = -1, out_m_ = -1, out_e_ = -1;
};

}  // namespace steppe::gas
