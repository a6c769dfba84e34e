// Surge relief valve at a pipe end: opens at its set pressure and discharges into a relief
// tank whose liquid volume is tracked.
//
//   q [kg/s] (algebraic)      mass flow relieved (out of the line's node)
//   V [m³]   (differential)   liquid volume discharged into the relief tank
//   closed   q = 0                                     (p < p_set)
//   lifting  q = ρ Q_r (p − p_set)/Δp_a                (p_set ≤ p < p_set + Δp_a)
//   full     q = ρ Q_r                                 (p ≥ p_set + Δp_a)
//   tank     ρ V' − q = 0
// p the absolute pressure of the pipe end, p_set the set pressure, Δp_a = accumulation ·
// p_set the overpressure at full lift (a proportional-lift valve), Q_r the rated
// (full-lift) volume flow, ρ the crude in the pipe's end cell (with batch tracking it follows
// the grades). The flow leaves the node's row (junction.hpp).
// Roots: p − p_set (opens rising, closes falling) and p − p_set − Δp_a (full lift): each a
// mode switch recorded as an event. Reader: set pressure above the pipe's MAOP is an error.
#pragma once

#include <string>

#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "solver/engine/component.hpp"

namespace steppe::oil {

struct ReliefSpec {
  std::string name;
  double set_pressure = 0;  // Pa, absolute
  double accumulation = 0;  // Pa, overpressure at full lift
  double rated_flow = 0;    // m³/s at full lift
  double initial_volume = 0, flow_scale = 100;
};

class ReliefValve : public Component, public EventSource {
 public:
  // At the end `node` of `pipe` (its `end_cell`, the crude relieved).
  ReliefValve(ReliefSpec spec, const Pipe& pipe, Node& node, int end_cell);
  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  int root_count() const override { return 2; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}
  void save(DiscreteState& out) const override { out.put(static_cast<int>(mode_)); }
  void restore(DiscreteState& in) override {
    int m = 0;
    in.get(m);
    mode_ = static_cast<Mode>(m);
  }

 private:
  enum class Mode { Closed, Lifting, Full };
  ReliefSpec sp_;
  const Pipe& pipe_;
  Node& node_;
  int cell_;
  CellDensity rho_;
  Mode mode_ = Mode::Closed;
  int p_ = -1, out_ = -1;
};

}  // namespace steppe::oil
