// Lumped flow network: the small linear system with closed-form solutions that exercises
// the engine (ports, injection pattern, stop times, modes, root events) before the pipe
// physics arrive, and a useful model of its own for tanks, buffers and storage.
//
//   node      unknown p [Pa], differential if C > 0, algebraic (junction) if C = 0
//             mass balance   C·dp/dt = Σ inflows − Σ outflows                   [kg/s]
//             optional max_pressure: a root event when p crosses it (recorded)
//   link      unknown ṁ [kg/s] (algebraic), from → to, conductance G [kg/(s·Pa)],
//             opening u(t) ∈ [0, 1] (profile)
//             open:   ṁ − G·u(t)·(p_from − p_to) = 0
//             closed: ṁ = 0          (check valves only; the mode switches at roots:
//                                     open → closed when ṁ falls through 0,
//                                     closed → open when p_from − p_to rises through 0;
//                                     both with a band of 1e-9 of the typical value)
//   source    no unknown; injects ṁ_in(t) [kg/s] (profile, negative = withdrawal)
//   boundary  unknown q [kg/s] (algebraic), the flow it supplies to its node;
//             p_node − p_set(t) = 0
//
// One tank (C) fed by a source Q behind a link (G) to a boundary at p0 relaxes as
//   p(t) = p0 + Q/G · (1 − exp(−t·G/C)),   τ = C/G.
#pragma once

#include <algorithm>

#include "models/common/location.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::lumped {

inline constexpr const char* kGroupNodes = "lumped/nodes";
inline constexpr const char* kGroupLinks = "lumped/links";
inline constexpr const char* kGroupSources = "lumped/sources";
inline constexpr const char* kGroupBoundaries = "lumped/boundaries";

class Node : public Component, public EventSource {
 public:
  Node(std::string name, double capacitance, double initial_pressure, double max_pressure);
  int pressure() const { return offset(); }  // global index of p
  double capacitance() const { return capacitance_; }
  void set_location(const Coordinates& where) { where_ = where; }

  std::vector<UnknownSpec> unknowns() const override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override;
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  double capacitance_, initial_pressure_, max_pressure_;
  Coordinates where_;
  int out_pressure_ = -1;
};

class Link : public Component, public EventSource {
 public:
  Link(std::string name, const Node& from, const Node& to, double conductance, Profile opening,
       bool check_valve);
  bool is_open() const { return open_; }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return check_valve_ ? 1 : 0; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  // Hysteresis of the check valve's switching, so a valve sitting exactly at zero flow
  // (a steady start with no flow) still sees the crossing when the flow leaves zero.
  double flow_band() const { return 1e-9 * std::max(1.0, conductance_ * 1e5); }
  double dp_band() const { return 1e-9 * 1e5; }

  const Node& from_;
  const Node& to_;
  double conductance_;
  Profile opening_;
  bool check_valve_;
  bool open_ = true;
  int pf_ = -1, pt_ = -1;  // port indices: p_from, p_to
  int out_flow_ = -1, out_open_ = -1;
};

class Source : public Component, public EventSource {
 public:
  Source(std::string name, const Node& node, Profile mass_flow);

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override { row_ = node_.pressure(); }
  void initial_values(std::span<double>) const override {}
  void residual(const State& s, double* F) const override;
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    flow_.breakpoints(t0, t1, out);
  }
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  const Node& node_;
  Profile flow_;
  int row_ = -1;
  int out_flow_ = -1;
};

class Boundary : public Component, public EventSource {
 public:
  Boundary(std::string name, const Node& node, Profile pressure);

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override { p_ = node_.pressure(); }
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    pressure_.breakpoints(t0, t1, out);
  }
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  const Node& node_;
  Profile pressure_;
  int p_ = -1;
  int out_flow_ = -1, out_pressure_ = -1;
};

}  // namespace steppe::lumped
