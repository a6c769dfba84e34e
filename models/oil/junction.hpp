// Crude-oil junction: a point with one pressure where pipes end and elements connect.
//
//   node      p [Pa], algebraic: the pipes' cells hold all the volume (pipe.hpp), so the
//             node's row is the balance of the flows through it
//               Σ outflows − Σ inflows − ρ·V' = 0                                  [kg/s]
//             every pipe end and element connected here adds its flow to this row (the
//             injection pattern of models/README.md); a pipe end's flow depends on p
//             through its outgoing characteristic, so p is what the characteristics and
//             the elements agree on (the method-of-characteristics boundary condition).
//   cavity    V [m³] (differential, with column separation on the pipe that created the
//             node, and not at a node held by a terminal): a discrete vapour cavity.
//               liquid mode:  V' = 0                 (V = 0)
//               cavity mode:  p − p_vapour = 0       (the cavity's volume takes up the
//                                                     imbalance of the flows, ρ V' = out − in)
//             The pipe that created the node switches the modes at its roots
//             p − p_vapour (falling: a cavity opens) and V (falling: it collapses), and
//             records the column-separation episode (pipe.hpp).
// Events: root p − MAOP (recorded, kind "limit", with the place); MAOP is the lowest of
// the adjacent pipes'.
#pragma once

#include <string>
#include <vector>

#include "solver/engine/component.hpp"

namespace steppe::oil {

// The record of pressure p crossing the MAOP at a point (the pipe and its route distance [m]).
EventAction maop_event(int direction, double p, double maop, const std::string& pipe,
                       double chainage);

// A point with a pressure where pipes end and elements connect.
class Node : public Component, public EventSource {
 public:
  Node(std::string name, double chainage, double elevation);
  int pressure() const { return offset(); }
  void hold() { held_ = true; }
  bool held() const { return held_; }
  double elevation() const { return z_; }
  double chainage() const { return chainage_; }
  void set_limits(double maop, double vapour, double guess);
  double vapour_pressure() const { return vapour_; }
  // Column separation here (called by the pipe that created the node): a cavity volume
  // unknown unless a terminal holds the node. `density` of the liquid [kg/m³].
  // `volume_scale` [m³]: a typical cavity volume (the absolute tolerance's scale).
  void allow_cavity(double density, double volume_scale) {
    cavity_allowed_ = true;
    rho_ = density;
    volume_scale_ = volume_scale;
  }
  bool has_cavity() const { return cavity_allowed_ && !held_; }
  int cavity_volume() const { return offset() + 1; }  // valid if has_cavity()
  bool cavitating() const { return cavitating_; }
  void set_cavitating(bool c) { cavitating_ = c; }
  // Vapour volume [m³] at a state (0 without a cavity unknown).
  double vapour_volume(const State& s) const { return has_cavity() ? s.y[cavity_volume()] : 0.0; }

  std::vector<UnknownSpec> unknowns() const override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan&) override {}
  void write_outputs(const State&, OutputFrame&) const override {}
  int root_count() const override { return 1; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}
  void save(DiscreteState& out) const override { out.put(cavitating_); }
  void restore(DiscreteState& in) override { in.get(cavitating_); }

 private:
  double chainage_, z_;
  bool held_ = false, cavity_allowed_ = false, cavitating_ = false;
  double rho_ = 850.0, volume_scale_ = 1e-6;
  double maop_ = 1e300, vapour_ = -1e300, guess_ = 30e5;
};

}  // namespace steppe::oil
