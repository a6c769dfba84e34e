// Crude-oil junction: a point with one pressure where pipes end and elements connect.
//
//   node      p [Pa], differential if C > 0, algebraic if C = 0
//             continuity   C·dp/dt = Σ inflows − Σ outflows                     [kg/s]
//             C = Σ of the adjacent pipes' half-segment storage V/a² (pipe.hpp);
//             every element connected here adds its flow to this row (the injection
//             pattern of models/README.md).
// A node held by a terminal (fixed pressure or tank) has C = 0 and an algebraic
// pressure (the terminal stores that mass).
// Events: roots p − MAOP and p − p_vapour (recorded, kind "limit", with pipe and
// distance); MAOP is the lowest, p_vapour the highest of the adjacent pipes'.
#pragma once

#include <string>
#include <vector>

#include "solver/engine/component.hpp"

namespace steppe::oil {

// The record of pressure p crossing a limit at a point: i = 0 the MAOP, i = 1 the vapour
// pressure; the place is the pipe and its route distance [m].
EventAction limit_event(int i, int direction, double p, double maop, double pv,
                        const std::string& pipe, double chainage);

// A point with a pressure where pipes end and elements connect.
class Node : public Component, public EventSource {
 public:
  Node(std::string name, double chainage, double elevation);
  int pressure() const { return offset(); }
  void add_storage(double c) { capacitance_ += c; }
  void hold() { held_ = true; }
  bool held() const { return held_; }
  double capacitance() const { return held_ ? 0.0 : capacitance_; }
  double elevation() const { return z_; }
  double chainage() const { return chainage_; }
  void set_limits(double maop, double vapour, double guess);

  std::vector<UnknownSpec> unknowns() const override;
  void initial_values(std::span<double> y) const override { y[0] = guess_; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan&) override {}
  void write_outputs(const State&, OutputFrame&) const override {}
  int root_count() const override { return 2; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  double chainage_, z_;
  double capacitance_ = 0.0;
  bool held_ = false;
  double maop_ = 1e300, vapour_ = -1e300, guess_ = 30e5;
};

}  // namespace steppe::oil
