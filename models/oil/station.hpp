// Crude-oil pump station and its speed controller, between a suction and a discharge
// node (junction.hpp).
//
//   Station   m [kg/s] (algebraic, suction → discharge; added to both nodes' rows):
//                pump mode      p_d − p_u − ρ g H(s, Q) = 0,
//                   H = n_s·(H0 s² − k q·√(q²+ε²)),  q = Q/n_p,  Q = m/ρ,
//                   ρ the crude at the suction: the upstream pipe's own, or with batch
//                   tracking the mixture in its last cell, ρ = ρ_0 + Σ_g (ρ_g − ρ_0) φ_g
//                   (the bypass law and the torque below at the same ρ)
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
//                tripped     rotor inertia (pumps.inertia given): the motors stop driving
//                            and each pump set runs down under its hydraulic torque,
//                              I ω_R s' = −T(s, q),  T = ρ/ρ_ref (c0 s² + c1 s q + c2 q²)
//                            (the curve is the upstream pipe's crude's, ρ_ref)
//                            (homologous: T/s² a function of q/s; T(1, q) the torque
//                            curve at rated speed ω_R, q the flow of one pump; q = 0 when
//                            the bypass or both check valves carry the flow), or without
//                            inertia an exponential rundown T_r s' = −s;
//                            T_i x' = s − x      (x tracks s so that a restart is bumpless)
//                ramp        s' = 1/T_ramp  after a restart with restart_ramp: the speed
//                            rises at a fixed rate until it meets the controller's command
//                            (root command − s), then control takes over
//             e = p_set − p_d (discharge control), p_u − p_set (suction control),
//             low-selected against the limit p_u − p_min_suction or p_max_discharge − p_d
//             (a mode with the shared integrator: continuous at the switch); with
//             control "speed" the command is the speed profile.
//             Roots: pump/bypass; command − s_max; command − s_min; e_primary − e_limit;
//             flow reversal / reopening of the check valves; command − s in ramp mode.
//             Torque curve by default from the head and efficiency curves: the torque
//             ρ g q H/(η ω_R) at rated speed, matched at shutoff and at the best-efficiency
//             point (value and slope) by T(1, q) = ρ g q_b/(η_b ω_R)·(H0/2 + K x + (H0/2 − 2K) x²),
//             x = q/q_b, K = k q_b²; or a quadratic through three given (flow, torque) points.
//             Power: hydraulic g·m·H, electric g·m·H/(η(q/s)·η_motor),
//             η(x) = η_b (2x − x²), x = (q/s)/q_b.
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


struct PumpSpec {
  int count = 1;
  bool series = true;
  double shutoff_head = 0;                                    // m, per pump at s = 1
  double curve_k = 0;                                         // m/(m³/s)², per pump
  double best_efficiency = 0.85, best_efficiency_flow = 1.0;  // -, m³/s per pump
  double motor_efficiency = 0.96;
  double inertia = 0;            // kg m², one pump set (pump, coupling, motor); 0: no rotor model
  double rated_speed = 0;        // rad/s
  double torque[3] = {0, 0, 0};  // T(1, q) = torque[0] + torque[1] q + torque[2] q², N m
};

enum class ControlVariable { Discharge, Suction, Speed };

struct StationSpec {
  std::string name;
  std::string upstream, downstream;  // the pipes it joins
  Coordinates where;
  PumpSpec pumps;
  ControlVariable variable = ControlVariable::Discharge;
  Profile setpoint{0.0};  // Pa, or speed (1) for ControlVariable::Speed
  double band = 10e5, integral_time = 60, actuator_time = 5;
  double min_speed = 0.5, max_speed = 1.05;
  double limit_pressure = 0;  // min suction (discharge control) / max discharge (suction)
  bool has_limit = false;
  double rundown_time = 20;
  double restart_ramp = 0;  // s from standstill to rated speed after a restart; 0: at once
  double bypass_r = 0;      // Pa/(kg/s)² at `density`
  double density = 850;     // kg/m³, the upstream pipe's crude (the torque curve's)
  std::vector<double> trips, restarts;
  bool running = true;
  double flow_scale = 100;
};

class Station : public Component, public EventSource {
 public:
  Station(StationSpec spec, Node& suction, Node& discharge);
  // Electric power drawn by the station's motors [W] at a state (for the coupling).
  double electric_power(const State& s) const;
  // The same with its partial derivatives in the station's mass flow (y[offset()]), speed
  // (y[offset() + 1]) and suction density (density_columns()); zero where the value is cut to
  // 0 (not pumping, efficiency < 2 %).
  double electric_power(const State& s, double* d_m, double* d_s, double* d_rho) const;
  double head(const State& s) const;  // m, developed by the pumps (pump mode)
  // Hydraulic torque of one pump set [N m] at speed s, station mass flow m and density ρ
  // (pump path).
  double torque(double s, double m, double rho, double* d_s = nullptr, double* d_m = nullptr,
                double* d_rho = nullptr) const;
  // The crude at the suction: the upstream pipe's last cell (its grades when it tracks
  // batches), ρ = ρ_0 + Σ_j coefficient_j · y[column_j].
  void set_suction(const Pipe* upstream) { suction_ = upstream; }
  double suction_density(const double* y) const;
  const std::vector<int>& density_columns() const { return rho_.cols; }
  const std::vector<double>& density_coefficients() const { return rho_.coefs; }
  bool running() const { return mode_ != Mode::Tripped; }
  bool bypassed() const { return path_ == Path::Bypass; }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  int root_count() const override { return 6; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  EventAction on_stop(double t, const State& s) override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  enum class Mode { Control, Max, Min, Tripped, Ramp };
  // The flow path: through the pumps, through the bypass check valve, or neither (both
  // check valves shut: m = 0).
  enum class Path { Pump, Bypass, Shut };
  // Pump head H(s, m) and its partial derivatives.
  void pump_head(double s, double m, double rho, double& h, double& dh_ds, double& dh_dm) const;
  void bypass_law(double m, double rho, double& dp, double& ddp) const;
  // Controller errors (positive: wants more speed), primary and limit, and command.
  double error_primary(const State& s) const;
  double error_limit(const State& s) const;
  bool limit_active() const { return sp_.has_limit && on_limit_; }
  double command(const State& s) const;
  double efficiency(double s, double m, double rho) const;

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
  const Pipe* suction_ = nullptr;
  CellDensity rho_;  // the suction's crude (the upstream pipe's last cell)
};

}  // namespace steppe::oil
