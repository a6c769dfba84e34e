// Crude-oil trunk line: a slightly compressible liquid in long pipes with pump stations,
// valves, terminals and injections, from steady throughput to the surge of a pump trip
// or a valve closure.
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
// atmospheric pressure), viscosity μ, wave speed a:
//   momentum, segment j = 1..N (differential m_j):
//     (Δx/A)·dm_j/dt = p_{j−1} − p_j − ΔP_f(m_j) − ρ g (z_j − z_{j−1})
//     ΔP_f = f·Δx/D · m|m|/(2ρA²) = Δx·μ²/(2ρD³)·ψ(Re),  Re = m D/(A μ),
//     ψ = f(Re)·Re|Re| (Churchill, models/common/churchill.hpp, or a fixed f)
//   continuity, point k (differential p_k):
//     C_k·dp_k/dt = m_k − m_{k+1},   C_k = V_k/a²   (V_k the volume of the half
//     segments around k; ∂(ρA)/∂p = ρA/(ρa²), so C_k is the mass stored per Pa)
//   wave speed (Korteweg): a = √( (K/ρ) / (1 + c·K·D/(E·e)) ), or given.
//   Linefill mass of point k: ρ V_k + C_k (p_k − p_atm); its time derivative is exactly
//   the continuity row, so the linefill changes only by the boundary flows.
// The two end points are `Node`s (shared with the next pipe or an element); a node's
// C is the sum of its pipes' half segments. A node held by a terminal (fixed pressure
// or tank) has C = 0 and an algebraic pressure (the terminal stores that mass).
//
// Elements (flows algebraic, they add to the node rows):
//   Station   m: pump mode      p_d − p_u − ρ g H(s, Q) = 0,
//                   H = n_s·(H0 s² − k q·√(q²+ε²)),  q = Q/n_p,  Q = m/ρ
//                bypass mode    p_d − p_u + R_b m·√(m²+m_ε²) = 0   (check valve in the
//                               station bypass; the mode switches where the two laws
//                               meet: g = ρgH + R_b m√(m²+m_ε²) = 0, so Δp is continuous)
//                shut mode      m = 0   (the pumps' discharge check valve and the bypass
//                               check valve both closed: entered when the flow reverses,
//                               left for the bypass when p_u > p_d, for the pumps when
//                               ρgH(s, 0) > p_d − p_u)
//             s (speed, differential), x (PI integrator, differential):
//                control     τ_a s' = x + e/B − s,   x' = e/(B·T_i)
//                max / min   τ_a s' = s_lim − s,     T_i x' = s_lim − x   (anti-windup)
//                tripped     T_r s' = −s,            T_i x' = s − x      (rundown; x
//                            tracks s so that a restart is bumpless)
//             e = p_set − p_d (discharge control), p_u − p_set (suction control),
//             low-selected against the limit p_u − p_min_suction or p_max_discharge − p_d
//             (a mode with the shared integrator: continuous at the switch); with
//             control "speed" the command is the speed profile.
//             Roots: pump/bypass; command − s_max; command − s_min; e_primary − e_limit;
//             flow reversal / reopening of the check valves.
//             Power: hydraulic g·m·H, electric g·m·H/(η(q/s)·η_motor),
//             η(x) = η_b (2x − x²), x = (q/s)/q_b.
//   Valve     R0·m·√(m²+m_ε²) − τ(u(t))² (p_u − p_d) = 0,  R0 = ζ/(2ρA²), p_d the
//             downstream point or a given outlet pressure (discharge to a tank/atmosphere),
//             τ = u (linear), u² (quadratic), (50^u − 1)/49 (equal percentage);
//             m_ε = 1 % of the flow scale keeps a closed or idle valve regular (Δp is
//             within (m_ε/m)²/2 of the quadratic law at flow m);
//             check valve: closed mode m = 0, switching as in lumped::Link.
//   Terminal  q (algebraic, mass flow from the terminal into the line):
//             pressure:  p − p_set(t) = 0        tank:  p − p_gas − ρ g h = 0,
//             ρ A_t h' = −q (h differential; a steady start needs q = 0 there, so a
//             line fed from tanks starts from solver.initial: given).
//   Injection m(t) into a point (negative = delivery).
// Events: every point has roots p − MAOP and p − p_vapour (recorded, kind "limit",
// with pipe and distance).
#pragma once

#include <string>
#include <vector>

#include "solver/component.hpp"
#include "solver/profile.hpp"

namespace steppe::oil {

inline constexpr double kGravity = 9.80665;
inline constexpr double kAtmosphere = 101325.0;

// A crude: density with temperature and pressure, Walther (ASTM D341) viscosity.
struct Fluid {
  std::string name;
  double density_ref = 850.0;           // kg/m³ at t_ref, p_atm
  double t_ref = 288.15;                // K
  double expansion = 7e-4;              // 1/K
  double bulk_modulus = 1.5e9;          // Pa
  double walther_a = 0, walther_b = 0;  // log10 log10(ν_cSt + 0.7) = a − b log10 T
  double vapour_pressure = 3e4;         // Pa (absolute)
  double temperature = 288.15;          // K, the line temperature unless a pipe says otherwise

  double density(double t_kelvin) const {
    return density_ref * (1.0 - expansion * (t_kelvin - t_ref));
  }
  double density(double t_kelvin, double p) const {
    return density(t_kelvin) * (1.0 + (p - kAtmosphere) / bulk_modulus);
  }
  // m²/s
  double kinematic_viscosity(double t_kelvin) const;
  // Fits walther_a, walther_b through two (T [K], ν [m²/s]) points.
  void fit_walther(double t1, double nu1, double t2, double nu2);
};

class Node;
class Pipe;

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

 private:
  double chainage_, z_;
  double capacitance_ = 0.0;
  bool held_ = false;
  double maop_ = 1e300, vapour_ = -1e300, guess_ = 30e5;
};

struct PipeSpec {
  std::string name;
  double length = 0, inner_diameter = 0, wave_speed = 0, roughness = 0;
  double fixed_friction = -1;                    // < 0: Churchill
  double density = 850, viscosity = 1e-5;        // kg/m³, Pa·s (dynamic)
  double max_segment = 1000;                     // m
  double chainage = 0;                           // m, route distance of the inlet
  std::vector<double> elevation_x, elevation_z;  // local distance → height (≥ 1 point)
  double maop = 1e300, vapour_pressure = -1e300;
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

struct PumpSpec {
  int count = 1;
  bool series = true;
  double shutoff_head = 0;                                    // m, per pump at s = 1
  double curve_k = 0;                                         // m/(m³/s)², per pump
  double best_efficiency = 0.85, best_efficiency_flow = 1.0;  // -, m³/s per pump
  double motor_efficiency = 0.96;
};

enum class ControlVariable { Discharge, Suction, Speed };

struct StationSpec {
  std::string name;
  PumpSpec pumps;
  ControlVariable variable = ControlVariable::Discharge;
  Profile setpoint{0.0};  // Pa, or speed (1) for ControlVariable::Speed
  double band = 10e5, integral_time = 60, actuator_time = 5;
  double min_speed = 0.5, max_speed = 1.05;
  double limit_pressure = 0;  // min suction (discharge control) / max discharge (suction)
  bool has_limit = false;
  double rundown_time = 20;
  double bypass_r = 0;  // Pa/(kg/s)²
  double density = 850;
  std::vector<double> trips, restarts;
  bool running = true;
  double flow_scale = 100;
};

class Station : public Component, public EventSource {
 public:
  Station(StationSpec spec, Node& suction, Node& discharge);
  // Electric power drawn by the station's motors [W] at a state (for the coupling).
  double electric_power(const State& s) const;
  double head(const State& s) const;  // m, developed by the pumps (pump mode)
  bool running() const { return mode_ != Mode::Tripped; }
  bool bypassed() const { return path_ == Path::Bypass; }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  int root_count() const override { return 5; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  EventAction on_stop(double t, const State& s) override;

 private:
  enum class Mode { Control, Max, Min, Tripped };
  // The flow path: through the pumps, through the bypass check valve, or neither (both
  // check valves shut: m = 0).
  enum class Path { Pump, Bypass, Shut };
  // Pump head H(s, m) and its partial derivatives.
  void pump_head(double s, double m, double& h, double& dh_ds, double& dh_dm) const;
  void bypass_law(double m, double& dp, double& ddp) const;
  // Controller errors (positive: wants more speed), primary and limit, and command.
  double error_primary(const State& s) const;
  double error_limit(const State& s) const;
  bool limit_active() const { return sp_.has_limit && on_limit_; }
  double command(const State& s) const;
  double efficiency(double s, double m) const;

  StationSpec sp_;
  Node& su_;
  Node& di_;
  Mode mode_ = Mode::Control;
  Path path_ = Path::Pump;
  bool on_limit_ = false;
  double m_band() const { return 1e-3 * sp_.flow_scale; }
  double dp_band() const { return 1e3; }
  int pu_ = -1, pd_ = -1;
  int out_ = -1;
};

struct ValveSpec {
  std::string name;
  double area = 0.5, loss = 1.0, density = 850;
  Profile opening{1.0};
  int characteristic = 0;  // 0 linear, 1 quadratic, 2 equal percentage
  bool check = false;
  double flow_scale = 100;
  Profile outlet_pressure{kAtmosphere};  // when the valve discharges to a fixed pressure
};

class Valve : public Component, public EventSource {
 public:
  // `downstream` null: the valve discharges to spec.outlet_pressure(t).
  Valve(ValveSpec spec, Node& upstream, Node* downstream);

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  int root_count() const override { return sp_.check ? 1 : 0; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    sp_.opening.breakpoints(t0, t1, out);
    if (!dn_) sp_.outlet_pressure.breakpoints(t0, t1, out);
  }

 private:
  double tau(double t) const;
  double p_down(const State& s) const { return dn_ ? s.y[pd_] : sp_.outlet_pressure.value(s.t); }
  double m_eps() const { return 1e-2 * sp_.flow_scale; }
  double dp_band() const { return 1e-3; }

  ValveSpec sp_;
  Node& up_;
  Node* dn_;
  bool open_ = true;
  double r0_ = 0;
  int pu_ = -1, pd_ = -1;
  int out_ = -1;
};

struct TerminalSpec {
  std::string name;
  bool tank = false;
  Profile pressure{kAtmosphere};
  double area = 0, initial_level = 0, gas_pressure = kAtmosphere, density = 850;
  double flow_scale = 100;
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
    if (!sp_.tank) sp_.pressure.breakpoints(t0, t1, out);
  }

 private:
  TerminalSpec sp_;
  Node& node_;
  int p_ = -1;
  int out_ = -1;
};

class Injection : public Component, public EventSource {
 public:
  Injection(std::string name, const Pipe& pipe, int point, Profile mass_flow, double density);
  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override { row_ = pipe_.point(k_); }
  void initial_values(std::span<double>) const override {}
  void residual(const State& s, double* F) const override;
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    flow_.breakpoints(t0, t1, out);
  }

 private:
  const Pipe& pipe_;
  int k_;
  Profile flow_;
  double density_;
  int row_ = -1;
  int out_ = -1;
};

// A named point along a pipe: outputs only.
class Point : public Component {
 public:
  Point(std::string name, const Pipe& pipe, int point);
  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void initial_values(std::span<double>) const override {}
  void residual(const State&, double*) const override {}
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

 private:
  const Pipe& pipe_;
  int k_;
  int out_ = -1;
};

}  // namespace steppe::oil
