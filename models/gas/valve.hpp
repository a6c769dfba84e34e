// Valves and other short connections between two gas nodes, from → to.
//
//   unknown   ṁ [kg/s] (algebraic), positive from → to;  node rows: from += ṁ, to −= ṁ
//   modes and their equation (the ṁ row; open and regulating are PressureConstraints, on
//   nodes with storage imposed as d/dt(c) + c/τ = 0 with τ = 1 s):
//     open        p_from − p_to = 0                 (lossless when open)
//     closed      ṁ = 0
//     regulating  p_to − p_set(t) = 0                (control valve / pressure regulator)
//     resistive   p_from − p_to − ζ·ṁ·√(ṁ² + ṁ_l²)/(2·ρ̄·A²) = 0,  ρ̄ = ρ((p_from + p_to)/2),
//                 ṁ_l = 2000·A·μ/D the flow at Re = 2000 through the bore: ζ·ṁ|ṁ| above it,
//                 a linear law through zero flow below (a regular steady Jacobian in loops)
//   kinds
//     short_pipe     always open
//     valve          open or closed by a step profile `open` (1/0); switches at its times
//     check_valve    open ↔ closed: closes when ṁ falls through 0, opens when
//                    p_from − p_to rises through 0
//     control_valve  regulating ↔ open ↔ closed: opens fully when p_from cannot hold the
//                    set point, regulates again when p_to reaches it, closes on reverse
//                    flow, reopens when p_to falls below the set point
//                    control: flow — regulating is ṁ − ṁ_set(t) = 0 (a flow regulator): opens
//                    fully when p_from − p_to falls through 0 (it cannot push the flow uphill),
//                    regulates again when ṁ reaches the set point, closes on reverse flow,
//                    reopens when p_from rises above p_to
//     resistor       always resistive (drag factor ζ, diameter D)
#pragma once

#include "models/common/gas_law.hpp"
#include "models/common/pressure_constraint.hpp"
#include "models/gas/node.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

inline constexpr const char* kGroupValves = "gas/valves";

enum class ValveKind { ShortPipe, Valve, CheckValve, ControlValve, Resistor };

struct ValveSpec {
  ValveKind kind = ValveKind::ShortPipe;
  Profile open{1.0};          // valve: 1 open, 0 closed (step)
  Profile set_point{0.0};     // control valve: outlet pressure, Pa (flow control: kg/s)
  bool flow_control = false;  // control valve: holds its flow instead of its outlet pressure
  double drag = 0.0;          // resistor: ζ
  double diameter = 0.0;      // resistor: m
};

class GasValve : public Component, public EventSource {
 public:
  enum Mode { Open, Closed, Regulating, Resistive };

  GasValve(std::string name, const GasNode& from, const GasNode& to, ValveSpec spec,
           const GasProperties& gas);
  Mode mode() const { return mode_; }
  const GasNode& from() const { return from_; }
  const GasNode& to() const { return to_; }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override;
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  EventAction on_stop(double t, const State& s) override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  EventAction switch_to(Mode m, double value, const char* units, const std::string& why);
  // The mode the state calls for (check and control valves), given the current one.
  Mode wanted(const State& s) const;

  const GasNode& from_;
  const GasNode& to_;
  ValveSpec spec_;
  const GasProperties& gas_;
  Mode mode_;
  PressureConstraint hold_;  // open and regulating modes
  double area_ = 0.0, laminar_flow_ = 0.0;
  int pf_ = -1, pt_ = -1;
  int out_flow_ = -1, out_mode_ = -1;
};

}  // namespace steppe::gas
