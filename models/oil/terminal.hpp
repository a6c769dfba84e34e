// Crude-oil line ends and taps: terminals (fixed pressure or tank), injections and
// deliveries, and named points along a pipe.
//
//   Terminal  q (algebraic, mass flow from the terminal into the line):
//             pressure:  p − p_set(t) = 0,  or a head H(t) [m]: p − p_atm − ρ g (H(t) − z) = 0
//             (z the elevation of the pipe end, ρ the pipe's density: H is the reservoir's
//             surface or hydraulic-grade-line elevation);
//             tank:  p − p_gas − ρ g h = 0,
//             ρ A_t h' = −q (h differential; a steady start needs q = 0 there, so a
//             line fed from tanks starts from solver.initial: given).
//             The terminal holds its node: C = 0 there, the pressure is algebraic.
//             M' − q = 0 (M differential: the mass from the terminal into the line since the
//             start, output cumulative_mass).
//   Injection M (differential): M' − m(t) = 0, the mass into the line since the start;
//             adds m(t) [kg/s, true mass] at a pipe point (Pipe::inject: an end node's row, or
//             half to each cell beside an interior point; negative = delivery), of the
//             line's crude, or of a named grade (a receipt with batch tracking: into the end
//             cell or the cells beside the point, with its grade's mass).
//   Point     no unknown; outputs only (pressure, gauge pressure, head, flow, distance at a
//             pipe point, from the pipe's face state there).
#pragma once

#include <string>
#include <vector>

#include "models/common/location.hpp"
#include "models/oil/common.hpp"
#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::oil {

struct TerminalSpec {
  std::string name;
  bool tank = false;
  Profile pressure{kAtmosphere};
  bool by_head = false;  // `pressure` holds a head [m] above the datum
  double elevation = 0;  // m, of the pipe end
  double area = 0, initial_level = 0, gas_pressure = kAtmosphere, density = 850;
  double flow_scale = 100;
  std::string pipe, end;  // where it sits: the pipe and its end (inlet, outlet)
  Coordinates where;
};

class Terminal : public Component, public EventSource {
 public:
  Terminal(TerminalSpec spec, Node& node);
  std::vector<UnknownSpec> unknowns() const override;
  void bind() override { p_ = node_.pressure(); }
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    if (!sp_.tank) sp_.pressure.jumps(t0, t1, out);
  }
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  TerminalSpec sp_;
  Node& node_;
  double held_pressure(double t) const;
  int p_ = -1;
  int out_ = -1;
};

class Injection : public Component, public EventSource {
 public:
  // `grade`: the index of the receipt's crude among the section's fluids, −1 for the line's.
  Injection(std::string name, const Pipe& pipe, int point, Profile mass_flow, int grade);
  std::vector<UnknownSpec> unknowns() const override;
  void bind() override {}
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    flow_.jumps(t0, t1, out);
  }
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  const Pipe& pipe_;
  int k_;
  Profile flow_;
  int grade_;
  int out_ = -1;
  double density(const State& s) const;
};

// A named point along a pipe: outputs only.
class Point : public Component {
 public:
  Point(std::string name, const Pipe& pipe, int point);
  void set_location(const Coordinates& where) { where_ = where; }
  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void initial_values(std::span<double>) const override {}
  void residual(const State&, double*) const override {}
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

 private:
  Coordinates where_;
  const Pipe& pipe_;
  int k_;
  int out_ = -1;
};

}  // namespace steppe::oil
