// Crude-oil valve between an upstream node and a downstream node or a fixed outlet
// pressure (junction.hpp).
//
//   Valve     m [kg/s] (algebraic, upstream → downstream; added to the nodes' rows):
//             R0·m·√(m²+m_ε²) − τ(u(t))² (p_u − p_d) = 0,  R0 = ζ/(2ρA²) (ρ the crude in
//             the upstream pipe's last cell: with batch tracking it follows the grades), p_d the
//             downstream point or a given outlet pressure (discharge to a tank/atmosphere),
//             τ = u (linear), u² (quadratic), (50^u − 1)/49 (equal percentage);
//             m_ε = 1 % of the flow scale keeps a closed or idle valve regular (Δp is
//             within (m_ε/m)²/2 of the quadratic law at flow m);
//             check valve: closed mode m = 0, switching as in lumped::Link.
#pragma once

#include <string>
#include <vector>

#include "models/oil/common.hpp"
#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::oil {

struct ValveSpec {
  std::string name;
  double area = 0.5, loss = 1.0;
  Profile opening{1.0};
  int characteristic = 0;  // 0 linear, 1 quadratic, 2 equal percentage
  bool check = false;
  double flow_scale = 100;
  Profile outlet_pressure{kAtmosphere};  // when the valve discharges to a fixed pressure
  std::string upstream, downstream;      // pipe names ("" downstream: a fixed pressure)
};

class Valve : public Component, public EventSource {
 public:
  // `downstream` null: the valve discharges to spec.outlet_pressure(t); `upstream_pipe`
  // holds the crude that passes (its last cell).
  Valve(ValveSpec spec, const Pipe& upstream_pipe, Node* downstream);

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
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  double tau(double t) const;
  double p_down(const State& s) const { return dn_ ? s.y[pd_] : sp_.outlet_pressure.value(s.t); }
  double m_eps() const { return 1e-2 * sp_.flow_scale; }
  double dp_band() const { return 1e-3; }

  ValveSpec sp_;
  const Pipe& pipe_;
  Node& up_;
  Node* dn_;
  bool open_ = true;
  double k0_ = 0;    // ζ/(2A²): R0 = k0/ρ
  CellDensity rho_;  // the crude passing: the upstream pipe's last cell
  int pu_ = -1, pd_ = -1;
  int out_ = -1;
};

}  // namespace steppe::oil
