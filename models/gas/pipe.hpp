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
//
// With the energy equation or composition tracking (models/gas/flow_model.hpp) every point
// is a gas cell with unknowns z_i = [p_i, T_i, w_i,k], the pipe's own unknowns per segment
// j being ṁ_j, z_{j+1} (interior points), and with the energy equation a last one,
// Q [J] (differential, quadrature), the heat given to the ground since the start:
//   point i, mass:     A·dx·Σ ∂ρ/∂z_c·dz_c/dt − ṁ_{i−1} + ṁ_i = 0
//   point i, energy:   A·dx·(ρ dh/dt − dp/dt) − (inflows)·(h_in − h_i) + (heat to ground) = 0
//   point i, fraction: A·dx·ρ dw_k/dt − (inflows)·(w_in,k − w_k) = 0
//   momentum:          as above with ρ̄_j = ρ(z̄_j), z̄_j = (z_j + z_{j+1})/2
// Segment j (cells a = j, b = j+1, flow m = ṁ_j, upwinded smoothly: b receives m⁺ from a,
// a receives m⁻ from b, flowmodel.hpp) gives its heat to the ground, k = U·π·D [W/(m K)]:
//   cell b:  k·dx·[σ_b·(T_b − T_g) + g(z⁺)·(T_a − T_b)],  z⁺ = k·dx/(m⁺·c_p)
//   cell a:  k·dx·[σ_a·(T_a − T_g) + g(z⁻)·(T_b − T_a)]
//   g(z) = 1/z − 1/(eᶻ − 1) (½ at high flow, → 0 stagnant), σ_b = ½(1 + m/√(m² + m_σ²)),
//   σ_a = 1 − σ_b, m_σ = k·dx/c_p (the flow that carries one segment's exchange)
// For steady flow with constant c_p and μ_JT and a uniform pressure gradient G this gives
// at every point exactly the buried-pipe solution
//   T(x) = T_∞ + (T_0 − T_∞)·exp(−x·k/(ṁ c_p)),  T_∞ = T_g + μ_JT·G·ṁ·c_p/k
// (each segment's heat goes to its downstream cell, weighted by the exponential profile's
// mean); a stagnant pipe cools each cell toward T_g. dQ/dt = Σ the segments' heat.
// U is given, or follows from the soil: U = 2·k_s/(D·arcosh(2H/D)) (a cylinder at depth
// H in soil of conductivity k_s, referred to the inner surface).
#pragma once

#include "models/common/friction.hpp"
#include "models/common/gas_law.hpp"
#include "models/gas/flow_model.hpp"
#include "models/gas/node.hpp"

namespace steppe::gas {

inline constexpr const char* kGroupPipes = "gas/pipes";

struct PipeGeometry {
  double length = 0.0;    // m
  double diameter = 0.0;  // m (inner)
  int segments = 1;       // N
};

// Heat exchange with the ground (energy equation only).
struct PipeHeat {
  double u = 0.0;  // W/(m² K), referred to the inner surface π·D per metre
  GroundTemperature ground;
};

class GasPipe : public Component {
 public:
  GasPipe(std::string name, GasNode& from, GasNode& to, const PipeGeometry& geometry,
          const Friction& friction, const GasProperties& gas, bool profile_output,
          const FlowModel* flow = nullptr, PipeHeat heat = {});

  int segments() const { return n_; }
  const GasNode& from() const { return from_; }
  const GasNode& to() const { return to_; }
  // Global indices: flow on segment j (0..N−1) and pressure at point i (0..N).
  int flow_index(int j) const { return offset() + stride_ * j; }
  int pressure_index(int i) const {
    return i == 0 ? p_from_ : i == n_ ? p_to_ : offset() + stride_ * (i - 1) + 1;
  }
  // The heat given to the ground since the start [J] (energy equation), and its index.
  int heat_index() const { return offset() + stride_ * n_ - (stride_ - 1); }
  const PipeHeat& heat() const { return heat_; }
  // Line pack (kg) in the state y, counting the end half-cells.
  double linepack(const double* y) const;
  // λ(Re)·ṁ|ṁ| and (if dflux is given) its derivative in ṁ, smooth through zero flow.
  double friction_flux(double mdot, double* dflux) const;

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

 private:
  // The energy / tracking equations (pipe_flow.cpp).
  void residual_extended(const State& s, double* F) const;
  void jacobian_extended(const State& s, JacobianWriter& J) const;
  // Every point's thermodynamic state (thermo_) from the unknowns at s.
  void update_thermo(const State& s) const;
  double linepack_extended(const double* y) const;

  GasNode& from_;
  GasNode& to_;
  const GasProperties& gas_;
  Friction friction_;
  int n_;
  double length_, diameter_, area_, dx_, sin_theta_;
  double re_per_flow_;  // Re / |ṁ| = D/(A μ)
  bool profile_output_;
  const FlowModel* flow_ = nullptr;
  PipeHeat heat_;
  int stride_ = 2;                          // unknowns per segment: ṁ and the point's z
  double k_dx_ = 0.0, cp_nom_ = 1.0;        // k·dx [W/K], c_p for the exchange weights
  double eps_ = 1e-6, m_sigma_ = 1.0;       // kg/s: upwind smoothing, heat split
  std::vector<Cell> cells_;                 // points 0..N
  mutable std::vector<CellThermo> thermo_;  // scratch, one per point
  int p_from_ = -1, p_to_ = -1;
  int out_in_ = -1, out_out_ = -1, out_pack_ = -1, out_prof_p_ = -1, out_prof_m_ = -1;
  int out_heat_ = -1, out_heat_rate_ = -1, out_t_in_ = -1, out_t_out_ = -1, out_prof_t_ = -1;
};

}  // namespace steppe::gas
