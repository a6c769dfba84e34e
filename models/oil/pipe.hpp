// Crude-oil pipe: a slightly compressible liquid in a long pipe, from steady throughput to
// the surge of a pump trip or a valve closure, with column separation (the line:
// junction.hpp, station.hpp, valve.hpp, terminal.hpp, relief_valve.hpp).
//
// Finite volumes with characteristic upwinding (a Godunov scheme for the acoustic system,
// second order by a smooth limited reconstruction: models/common/upwind.hpp). A pipe of
// length L in N cells (Δx = L/N ≤ max_segment_length), inner diameter D, area A, wave
// speed a (Korteweg, fluid.hpp, or given), density ρ at the pipe's temperature, viscosity
// μ, elevation z(x) (linear between the route's points); per cell i = 1..N the unknowns
//   p_i [Pa] (differential)  pressure, cell average
//   m_i [kg/s] (differential) mass flow, cell average
//   V_i [m³] (differential, with column separation) vapour cavity volume
// and, with the piezometric pressure P = p + ρ g z (z at the cell centre; ρ g z carries the
// elevation exactly, so hydrostatics is no source term) and the impedance Z = a/A:
//   continuity  C·p_i' − ρ·V_i' − m*_{i−½} + m*_{i+½} = 0,   C = A Δx / a²
//   momentum    Δx (1 + k) m_i' − A (P*_{i−½} − P*_{i+½}) + A ΔP_f(m_i) + U_i = 0
//   cavity      liquid mode V_i' = 0;  cavity mode p_i' = 0 (p held at the vapour pressure
//               where the cavity opened; ρ V' takes up the flow imbalance)
// Face states (P*, m*): the Riemann invariants w± = P ± Z m are reconstructed to the face
// from the upwind cell — w+ from the left, w− from the right:
//   w+_L = w+_i + ½ s+_i,  w−_R = w−_{i+1} − ½ s−_{i+1},
//   P* = (w+_L + w−_R)/2,  m* = (w+_L − w−_R)/(2Z)
// with slopes s±_i = e_i + L(Δ−w± − e_i, Δ+w± − e_i) limited about the cell's equilibrium
// slope e_i = −ΔP_f(m_i) (a steady line keeps its exact friction gradient), L the smooth
// clipped van Albada limiter (ε = 10 kPa). At a pipe end the face pressure is the node's,
// P* = p_node + ρ g z_end, and m* follows from the outgoing invariant alone
// (m*_0 = (P_in − w−_R)/Z at the inlet, m*_N = (w+_L − P_out)/Z at the outlet); the slope of
// an end cell takes the node as its outer neighbour half a cell away (Δ = 2(P_i − P_node)).
// Both end flows go into the nodes' rows (junction.hpp): all the liquid is in the cells.
//   Friction: ΔP_f = f·Δx/D · m|m|/(2ρA²) = Δx μ²/(2ρD³)·ψ(Re), Re = m D/(A μ), ψ = f·Re|Re|
//   from Churchill (models/common/churchill.hpp), Colebrook or Swamee–Jain
//   (models/common/friction.hpp: laminar 64/Re below Re 2000, bridged to 4000) or a fixed f.
//   Unsteady friction (Brunone, Vítkovský's sign form, optional): k (∂m/∂t + a·sgn(m)·|∂m/∂x|)
//   per unit length, so the inertia is Δx(1 + k) and
//     U_i = k a σ(m_i) (√(Δm_i² + δ²) − δ),  Δm_i = m*_{i+½} − m*_{i−½},  σ(m) = m/√(m² + mε²)
//   (smooth sign and modulus, δ = mε = 10⁻⁴ of the flow scale); k given, or k = √C*/2 with
//   Vardy's shear decay coefficient C* at the Reynolds number of the initial state
//   (C* = 0.00476 laminar, 7.41/Re^log10(14.3/Re^0.05) turbulent).
// Linefill mass Σ [ρ A Δx + C (p_i − p_atm) − ρ V_i] (minus the cavities of the end nodes the
// pipe created): its derivative is exactly the boundary flows, so the linefill changes only
// by what enters and leaves.
// Events: per cell a root p_i − MAOP (recorded, kind "limit", at the cell centre) and a root
// p_i − p_vapour (liquid) or V_i (cavity); the pipe also watches the vapour roots of the
// nodes it created. A cavity opening or collapsing is a mode switch (re-initialisation), and
// a column-separation episode is recorded once: "pressure fell to the vapour pressure … at
// km …" when the first point of the pipe reaches it, "column separation ended: … between km
// … and km … for … s" when the last cavity has collapsed (without column separation: when
// the last point is back above the vapour pressure).
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "models/common/churchill.hpp"
#include "models/common/curve.hpp"
#include "models/common/friction.hpp"
#include "models/oil/common.hpp"
#include "models/oil/junction.hpp"
#include "solver/engine/component.hpp"

namespace steppe::oil {

enum class PipeFriction { Churchill, Colebrook, SwameeJain, Fixed };

struct PipeSpec {
  std::string name;
  double length = 0, inner_diameter = 0, wave_speed = 0, roughness = 0;
  PipeFriction friction = PipeFriction::Churchill;
  double fixed_friction = 0;                     // Darcy f for PipeFriction::Fixed
  double density = 850, viscosity = 1e-5;        // kg/m³, Pa·s (dynamic)
  double max_segment = 1000;                     // m
  double chainage = 0;                           // m, route distance of the inlet
  std::vector<double> elevation_x, elevation_z;  // local distance → height (≥ 1 point)
  double maop = 1e300, vapour_pressure = -1e300;
  std::string upstream;  // the pipe it continues, "" for the first of a line
  double flow_guess = 0, pressure_guess = 30e5, flow_scale = 100;
  bool column_separation = true;
  double unsteady_k = 0;        // Brunone's k (0: quasi-steady friction)
  bool unsteady_vardy = false;  // k from Vardy's C* at the initial Reynolds number
  // Batch tracking (batch.cpp): every crude of the section at the pipe's temperature
  // (empty: the pipe carries its one fluid); `grade` is the pipe's own (its initial linefill).
  struct Grade {
    std::string name;
    double density = 850, viscosity = 1e-5;  // kg/m³, m²/s (kinematic)
  };
  std::vector<Grade> grades;
  int grade = 0;
  std::vector<double> initial_fractions;  // per grade (empty: all the pipe's own `grade`)
  bool dra = false;  // drag-reducing agent tracked (concentration [1], reduction curve [1])
  Curve dra_curve;
};

// One entry of an inlet schedule: from `start` to `end` [s] the inlet receives grade
// `grade` (grade batches) or the concentration `value` (drag reducer).
struct InletBatch {
  std::string name;
  double start = 0, end = 0;
  int grade = -1;
  double value = 0;
};

// The density of the crude in one cell of a pipe as a function of the state:
// ρ = base + Σ_g coef_g·y[col_g] (the grades' volume fractions; no columns without batch
// tracking). Components that turn a mass flow into a volume at a pipe end use it.
struct CellDensity {
  double base = 850;
  std::vector<int> cols;
  std::vector<double> coefs;
  double operator()(const double* y) const {
    double rho = base;
    for (std::size_t j = 0; j < cols.size(); ++j) rho += coefs[j] * y[cols[j]];
    return rho;
  }
  // Adds factor·∂ρ/∂y to row `row`.
  void add_jacobian(JacobianWriter& J, int row, double factor) const {
    for (std::size_t j = 0; j < cols.size(); ++j) J.add(row, cols[j], factor * coefs[j]);
  }
};

class Pipe : public Component, public EventSource {
 public:
  Pipe(PipeSpec spec, Node& inlet, Node& outlet);
  int cells() const { return n_; }
  int segments() const { return n_; }
  double dx() const { return dx_; }
  double area() const { return area_; }
  double density() const { return sp_.density; }
  double wave_speed() const { return sp_.wave_speed; }
  const PipeSpec& spec() const { return sp_; }
  Node& inlet() const { return in_; }
  Node& outlet() const { return out_; }
  // Brunone's coefficient in use (after the initial state when taken from Vardy's C*).
  double unsteady_coefficient() const { return k_; }
  // The nodes this pipe created (it watches their vapour roots and counts their cavities).
  void own_node(Node& n);
  // Global indices of cell c's (0-based) pressure, mass flow and cavity volume.
  int cell_pressure(int c) const { return offset() + stride_ * c; }
  int cell_flow(int c) const { return offset() + stride_ * c + 1; }
  int cell_cavity(int c) const { return offset() + stride_ * c + 2; }
  bool cavitating(int c) const { return cavity_[std::size_t(c)] != 0; }
  // Grid point k = 0..N: the faces between cells (k = 0 and N the end nodes).
  double point_elevation(int k) const { return zf_[std::size_t(k)]; }
  double point_chainage(int k) const { return sp_.chainage + k * dx_; }
  int nearest_point(double x) const;
  // Pressure [Pa] and mass flow [kg/s] at point k: the face state of the scheme.
  double point_pressure(const State& s, int k) const;
  double point_flow(const State& s, int k) const;
  // Adds a mass flow m [kg/s, true mass] into the line at point k to the residual: the end
  // node's row at a pipe end, half to each cell beside an interior point (its reference mass
  // at the cell's density with batch tracking); the crude is the line's own there (grade
  // −1), or grade `grade` (a receipt, m ≥ 0, batch tracking on): then it enters the end cell
  // (half each cell beside an interior point) with its grade's mass, continuity
  // (reference mass m ρ_ref/ρ_g) and transport rows (M φ' += m̃ (e_g − φ)) alike.
  void inject(int k, int grade, double m, const State& s, double* F) const;
  void inject_jacobian(int k, int grade, double m, const State& s, JacobianWriter& J) const;
  // Friction pressure drop over one cell and its derivative with respect to m.
  void friction(double m, double& dp, double& ddp) const;
  // Linefill mass [kg] at a state (consistent with the continuity rows).
  double linefill(const State& s) const;
  // Vapour volume [m³] in the cells and the nodes the pipe created.
  double vapour_volume(const State& s) const;

  // ---- batch tracking (batch.cpp) ----
  // Scalars per cell: the volume fractions of grades 1..G−1 (grade 0 is the rest), then
  // the drag reducer's concentration; 0 without tracking.
  int scalars() const { return ns_; }
  int grade_scalars() const { return ng_; }
  int cell_scalar(int c, int s) const { return offset() + stride_ * c + sbase_ + s; }
  // Running totals [kg at the reference density] of scalar s in through the inlet / out
  // through the outlet.
  int scalar_in(int s) const { return offset() + stride_ * n_ + 2 * s; }
  int scalar_out(int s) const { return offset() + stride_ * n_ + 2 * s + 1; }
  // The inlet takes what leaves `up` (its last cell) outside the schedule; `sheared`: the
  // drag reducer does not pass (a pump station between).
  void link_upstream(const Pipe* up, bool sheared) {
    up_ = up;
    up_sheared_ = sheared;
  }
  const Pipe* upstream_pipe() const { return up_; }
  void add_batch(const InletBatch& b) { (b.grade >= 0 ? batches_ : dra_batches_).push_back(b); }
  const std::vector<InletBatch>& batches(bool dra) const { return dra ? dra_batches_ : batches_; }
  // The drag reducer's arrival root is at this concentration.
  void set_dra_reference(double c) { dra_ref_ = c; }
  // Volume fraction of grade g in cell c; mixture density and kinematic viscosity of cell c.
  double grade_fraction(const State& s, int c, int g) const;
  double cell_density(const State& s, int c) const;
  // Cell c's density as a function of the state (valid once the system is assembled).
  CellDensity density_of_cell(int c) const;
  // Volume [m³ at reference density] of grade g in the pipe; mass [kg] of grade g.
  double grade_volume(const State& s, int g) const;
  // Reference mass [kg] the continuity rows hold in cell c.
  double cell_mass(const State& s, int c) const;

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  int root_count() const override { return 2 * n_ + 2 + ns_; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override;
  EventAction on_stop(double t, const State& s) override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  static constexpr int kSlots = 10;  // cells k−2..k+1 (p, m) around face k, inlet and outlet p
  // then per scalar s the cells k−2..k+1 (10 + 4s + j), then per scalar the inlet ghost
  // (10 + 4·ns + s) and the upstream pipe's cell before it (10 + 5·ns + s): 10 + 6·ns.
  static constexpr int kMaxScalars = 8, kMaxSlots = kSlots + 6 * kMaxScalars;
  struct CellSlope {
    double s = 0, la = 0, lb = 0;  // slope, ∂s/∂Δ−, ∂s/∂Δ+
  };
  // Fills the face states (and their derivatives by slot) of every face from y.
  void compute_faces(const double* y, bool derivatives) const;
  CellSlope cell_slope(int c, double sigma) const;  // from the cell buffers
  void add_slope(double* d, double coef, double sigma, int c, int centre,
                 const CellSlope& cs) const;
  double piezometric(const double* y, int c) const {
    return y[cell_pressure(c)] + rg_ * zc_[std::size_t(c)];
  }
  void unsteady_term(int c, double& u, double& du_dm, double& du_ddelta) const;
  // The cells (and weights) an injection at point k enters (0: the end node's row).
  int receiving_cells(int k, int grade, std::array<std::pair<int, double>, 2>& cells) const;
  // Batch tracking (batch.cpp): per-cell mixture, friction source and its scalar
  // derivatives; the scalar faces; the transport rows; the inlet value of scalar s at t.
  void setup_tracking();
  double drag_reduction(double c, double& slope) const;
  friction::Psi psi(double re) const;
  double tracking_root(const double* y, int j) const;
  EventAction tracking_event(int j, int direction, const State& s);
  void cell_source(const double* y, int c) const;
  void scalar_faces(const double* y, bool derivatives) const;
  double inlet_value(const double* y, int s, double& d_ghost) const;
  void transport_residual(const State& s, double* F) const;
  void transport_jacobian(const State& s, JacobianWriter& J) const;
  // The reference flows m̃*_k = ρ_ref m*_k / ρ*_k of every face (ρ*_k the mixture density
  // of the grades at the face, from the last scalar_faces) and, with `derivatives`, their
  // derivatives by slot; the identity without grades.
  void reference_flows(bool derivatives) const;
  double reference_flow(int k) const { return face_flow(k) * rf_[std::size_t(k)]; }
  const double* reference_flow_derivatives(int k) const {
    return &(ng_ > 0 ? fdQ_ : fdM_)[std::size_t(k) * std::size_t(slots_)];
  }
  double scalar_face_value(int k, int s) const { return sf_[std::size_t(k * ns_ + s)]; }
  void declare_tracking_outputs(OutputPlan& plan, const std::vector<double>& x);
  void write_tracking_outputs(const State& s, OutputFrame& out) const;
  // Face k's mass flow and pressure from the last compute_faces.
  double face_flow(int k) const;
  double face_pressure(int k) const;
  // Column-separation bookkeeping: point j (a cell c < N, or the owned node N + j).
  EventAction point_enters(int j, const State& s, double p);
  EventAction point_leaves(int j, const State& s);
  double watched_chainage(int j) const;

  PipeSpec sp_;
  Node& in_;
  Node& out_;
  Node* owned_[2] = {nullptr, nullptr};
  int n_ = 1, stride_ = 2;
  double dx_ = 0, area_ = 0, z_ = 0, cap_ = 0, rg_ = 0, fric_coef_ = 0, re_coef_ = 0;
  double k_ = 0, m_eps_ = 0;
  bool k_pending_ = false;
  double settle_t0_ = -1.0;
  Friction law_;
  std::vector<double> zf_, zc_;
  int p_in_ = -1, p_out_ = -1;
  int slots_ = kSlots;
  // Batch tracking.
  int ns_ = 0, ng_ = 0, sbase_ = 2;
  const Pipe* up_ = nullptr;
  bool up_sheared_ = false;
  std::vector<InletBatch> batches_, dra_batches_;
  std::vector<double> lnnu_, s_eps_;  // ln ν per grade; slope smoothing per scalar
  mutable double t_ = 0;              // time of the state being evaluated
  double dra_scale_ = 1, dra_ref_ = 1;
  mutable std::vector<double> dsrc_;      // ∂(cell source)/∂scalar, n·ns
  mutable std::vector<double> sf_, sfd_;  // face scalar value, ∂/∂slot ((N+1)·ns·slots_)
  mutable std::vector<double> ssl_, ssa_, ssb_;  // scalar slope per cell, ∂/∂Δ−, ∂/∂Δ+ (n·ns)
  mutable std::vector<double> rf_, rm1_, fdQ_;  // ρ_ref/ρ*, ρ_ref/ρ* − 1 per face; ∂m̃*/∂slot
  mutable std::vector<double> sfl_, sfr_;       // φ* − φ of the cell left / right of each face
  std::vector<char> front_;                     // per tracked root: past the outlet (latched)
  int out_track_ = -1, out_track_prof_ = -1;
  std::vector<int> face_cols_;   // (N+1)·kSlots global columns
  std::vector<char> face_mask_;  // (N+1)·kSlots: slot used by the face
  // Work buffers (filled by compute_faces; no allocation after construction).
  mutable std::vector<double> P_, M_, e_, de_, dpf_, ddpf_, ud_, um_;
  mutable std::vector<CellSlope> sp_plus_, sp_minus_;
  std::vector<double> rgdz_;  // ρ g (z_c − z_{c−1}) between the neighbours of dP_
  mutable std::vector<double> dP_, dM_, fmL_, fmR_, fPL_, fPR_, fdP_, fdM_;
  mutable double Pin_ = 0, Pout_ = 0;
  // Modes and the episode record.
  std::vector<char> cavity_;  // per cell
  std::vector<char> below_;   // per watched point (cells, then the two owned-node slots)
  int active_ = 0, episode_points_ = 0;
  double episode_t0_ = 0, episode_lo_ = 0, episode_hi_ = 0;
  int out_cols_ = -1, out_prof_ = -1;
};

}  // namespace steppe::oil
