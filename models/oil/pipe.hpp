// Crude-oil pipe: a slightly compressible liquid in a long pipe, from steady throughput
// to the surge of a pump trip or a valve closure (the line: junction.hpp, station.hpp,
// valve.hpp, terminal.hpp).
//
// Grid (staggered): pressure p [Pa] at points, mass flow m [kg/s] on the segments
// between them. Pressure-at-points makes every junction, station, valve and terminal a
// point with one pressure that several elements inject into (the injection pattern of
// models/README.md); each segment's flow then sits between two pressures, so momentum
// is a two-point difference and continuity a two-flow difference — the classic
// non-dissipative staggered (leapfrog-in-space) scheme that carries a wave front with
// no numerical diffusion. Mass flow (not volume flow) is the flow unknown so that mass
// is conserved exactly by construction, across pipes at different temperatures.
//
// A pipe of length L in N segments (Δx = L/N ≤ max_segment_length), inner diameter D,
// area A, elevation z_k at its points, fluid density ρ (at the pipe's temperature and
// atmospheric pressure), viscosity μ, wave speed a (Korteweg, fluid.hpp, or given):
//   momentum, segment j = 1..N (differential m_j):
//     (Δx/A)·dm_j/dt = p_{j−1} − p_j − ΔP_f(m_j) − ρ g (z_j − z_{j−1})
//     ΔP_f = f·Δx/D · m|m|/(2ρA²) = Δx·μ²/(2ρD³)·ψ(Re),  Re = m D/(A μ),
//     ψ = f(Re)·Re|Re| (Churchill, models/common/churchill.hpp, or a fixed f)
//   continuity, interior point k = 1..N−1 (differential p_k):
//     C_k·dp_k/dt = m_k − m_{k+1},   C_k = V_k/a²   (V_k the volume of the half
//     segments around k; ∂(ρA)/∂p = ρA/(ρa²), so C_k is the mass stored per Pa)
//   Linefill mass of point k: ρ V_k + C_k (p_k − p_atm); its time derivative is exactly
//   the continuity row, so the linefill changes only by the boundary flows.
// The two end points are `Node`s (junction.hpp, shared with the next pipe or an
// element): the pipe adds its half segment C/2 to each end's storage and its end flows
// to their rows.
// Events: every interior point has roots p − MAOP and p − p_vapour (recorded, kind
// "limit", with pipe and distance).
#pragma once

#include <string>
#include <vector>

#include "models/oil/common.hpp"
#include "models/oil/junction.hpp"
#include "solver/engine/component.hpp"

namespace steppe::oil {

struct PipeSpec {
  std::string name;
  double length = 0, inner_diameter = 0, wave_speed = 0, roughness = 0;
  double fixed_friction = -1;                    // < 0: Churchill
  double density = 850, viscosity = 1e-5;        // kg/m³, Pa·s (dynamic)
  double max_segment = 1000;                     // m
  double chainage = 0;                           // m, route distance of the inlet
  std::vector<double> elevation_x, elevation_z;  // local distance → height (≥ 1 point)
  double maop = 1e300, vapour_pressure = -1e300;
  std::string upstream;  // the pipe it continues, "" for the first of a line
  double flow_guess = 0, pressure_guess = 30e5, flow_scale = 100;
};

class Pipe : public Component, public EventSource {
 public:
  Pipe(PipeSpec spec, Node& inlet, Node& outlet);
  int segments() const { return n_; }
  double dx() const { return dx_; }
  double area() const { return area_; }
  double density() const { return sp_.density; }
  double wave_speed() const { return sp_.wave_speed; }
  const PipeSpec& spec() const { return sp_; }
  Node& inlet() const { return in_; }
  Node& outlet() const { return out_; }
  // Global index of the pressure at point k (0..N) and of the flow in segment j (1..N).
  int point(int k) const;
  int flow(int j) const { return offset() + 2 * (j - 1); }
  double elevation(int k) const { return z_[static_cast<std::size_t>(k)]; }
  // Nearest point to local distance x.
  int nearest_point(double x) const;
  // Friction pressure drop over one segment and its derivative with respect to m.
  void friction(double m, double& dp, double& ddp) const;
  // Linefill mass [kg] at a state (consistent with the continuity rows).
  double linefill(const State& s) const;
  // Mass flow at point k (mean of the neighbouring segments).
  double point_flow(const State& s, int k) const;

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  int root_count() const override { return 2 * (n_ - 1); }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  PipeSpec sp_;
  Node& in_;
  Node& out_;
  int n_ = 1;
  double dx_ = 0, area_ = 0, c_seg_ = 0, fric_coef_ = 0, re_coef_ = 0;
  std::vector<double> z_;
  int p_in_ = -1, p_out_ = -1;
  int out_cols_ = -1, out_prof_ = -1;
};

}  // namespace steppe::oil
