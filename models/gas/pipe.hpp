// Gas pipe: isothermal 1-D Euler without the convective term, method of lines on a
// staggered grid.
//
// The pipe of length L, diameter D, area A, is cut into N segments of dx = L/N. Pressure
// lives at the N+1 points, mass flow on the N segments. Points 0 and N are the end
// nodes' pressures: the nodes hold the end half-cells (volume A·dx/2 each), so mass is
// conserved exactly by construction. The pipe's own unknowns, in this order:
//   ṁ_0, p_1, ṁ_1, p_2, …, p_{N−1}, ṁ_{N−1}      (all differential)
//
//   point i (1..N−1), mass:   A·dx·ρ'(p_i)·dp_i/dt − ṁ_{i−1} + ṁ_i = 0           [kg/s]
//   segment j, momentum:      dṁ_j/dt + A·(p_{j+1} − p_j)/dx
//                               + λ(Re_j)·ṁ_j|ṁ_j| / (2·D·A·ρ̄_j) + A·ρ̄_j·g·sinθ = 0   [kg/s²]
//                             ρ̄_j = ρ((p_j + p_{j+1})/2),  Re_j = |ṁ_j|·D/(A·μ)
//   end nodes:                from-node row += ṁ_0,  to-node row −= ṁ_{N−1}
//
// With an ideal gas and a fixed λ the steady discrete solution is exact on any grid
// (p_{j+1}² − p_j² = −λ ṁ² R T dx/(D A²) per segment); with a real-gas Z(p) the mean
// density makes the steady profile second-order accurate in dx.
// sinθ = (h_to − h_from)/L. Line pack (kg) = Σ interior A·dx·ρ(p_i) + the end half-cells.
#pragma once

#include "models/common/friction.hpp"
#include "models/common/gas_law.hpp"
#include "models/gas/node.hpp"

namespace steppe::gas {

inline constexpr const char* kGroupPipes = "gas/pipes";

struct PipeGeometry {
  double length = 0.0;    // m
  double diameter = 0.0;  // m (inner)
  int segments = 1;       // N
};

class GasPipe : public Component {
 public:
  GasPipe(std::string name, GasNode& from, GasNode& to, const PipeGeometry& geometry,
          const Friction& friction, const GasProperties& gas, bool profile_output);

  int segments() const { return n_; }
  const GasNode& from() const { return from_; }
  const GasNode& to() const { return to_; }
  // Global indices: flow on segment j (0..N−1) and pressure at point i (0..N).
  int flow_index(int j) const { return offset() + 2 * j; }
  int pressure_index(int i) const {
    return i == 0 ? p_from_ : i == n_ ? p_to_ : offset() + 2 * i - 1;
  }
  // Line pack (kg) in the state y, counting the end half-cells.
  double linepack(const double* y) const;
  // λ(Re)·ṁ|ṁ| and its derivative in ṁ, smooth through zero flow.
  double friction_flux(double mdot, double* dflux) const;

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

 private:
  GasNode& from_;
  GasNode& to_;
  const GasProperties& gas_;
  Friction friction_;
  int n_;
  double length_, diameter_, area_, dx_, sin_theta_;
  double re_per_flow_;  // Re / |ṁ| = D/(A μ)
  bool profile_output_;
  int p_from_ = -1, p_to_ = -1;
  int out_in_ = -1, out_out_ = -1, out_pack_ = -1, out_prof_p_ = -1, out_prof_m_ = -1;
};

}  // namespace steppe::gas
