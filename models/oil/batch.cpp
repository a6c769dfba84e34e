// Batch tracking of crude grades and a drag-reducing agent in the oil pipes (pipe.hpp).
//
// When the `oil:` section lists `batches` (or a `drag_reducer`), every pipe carries, per
// cell i, scalars transported by the pipe's own upwind machinery:
//   φ_g,i [1] (differential)  volume fraction of grade g = 1..G−1 (the section's fluids in
//                             order; grade 0 holds the rest, 1 − Σ φ_g)
//   c_i   [1] (differential)  drag reducer concentration (volume fraction; 1 ppm = 1e-6)
// Mass flows are true mass flows (m = ρ Q, ρ the density of the crude passing): the
// continuity rows keep their reference mass M_i = ρ_ref (A Δx + (C/ρ_ref)(p_i − p_atm) − V_i)
// (ρ_ref the pipe's own crude: its volume at reference density, A Δx/(ρ_ref a²) per Pa the
// pipe's elastic and liquid compressibility) and carry the reference flow of each face
//   m̃* = ρ_ref m*/ρ*,  ρ* = Σ φ*_g ρ_g  (the mixture density at the face, upwind):
//   C p_i' − ρ_ref V_i' − m̃*_{i−½} + m̃*_{i+½} = 0
// Transport (so M_i' = m̃*_{i−½} − m̃*_{i+½}):
//   M_i φ_i' − m̃*_{i−½} (φ*_{i−½} − φ_i) + m̃*_{i+½} (φ*_{i+½} − φ_i) = 0
// which is d(M_i φ_i)/dt = m̃*_{i−½} φ*_{i−½} − m̃*_{i+½} φ*_{i+½}: grade g's mass
// (ρ_g/ρ_ref) M_i φ_g,i is conserved cell by cell, the cell's mass Σ_g (ρ_g/ρ_ref) M_i φ_g,i
// changes by exactly m*_{i−½} − m*_{i+½} (Σ_g ρ_g φ*_g = ρ*), the end nodes' balances see
// the true m*, and a uniform φ stays uniform in any transient. Face values
// φ* = upwind_scalar(m*, φ_L, φ_R) (models/common/upwind.hpp: the upstream state, switched
// smoothly within ±10⁻⁴ of the flow scale), φ_L = φ_{i} + ½ s_i, φ_R = φ_{i+1} − ½ s_{i+1},
// s = the smooth clipped van Albada slope about 0 (ε = 10⁻³ of the scalar's scale): second
// order, no new extrema, so a batch interface stays within a few cells. The inlet's ghost
// value is the schedule (a batch of grade g: φ_g = 1, the others 0; a drag-reducer
// injection: its concentration), else what leaves the upstream pipe's last cell (the pipe
// named as `upstream`, or the one before a station or valve; the drag reducer does not pass
// a pump station: shear degradation), reconstructed to the face as that pipe reconstructs
// its outlet (so each grade leaves one pipe as it enters the next), else the pipe's own crude
// with no drag reducer. The outlet's ghost continues the last cell's gradient.
// Per cell the mixture: ρ = Σ φ_g ρ_g (ideal volumes), ln ν = Σ φ_g ln ν_g (Arrhenius),
// with ρ_g, ν_g at the pipe's temperature; the drag reducer scales the Darcy factor by
// 1 − DR(c) (DR the section's piecewise-linear curve). The cell's friction source is
//   ΔP_f = (1 − DR) Δx ρ ν²/(2 D³) ψ(Re),  Re = m D/(A ρ ν)   (= f Δx/D m|m|/(2 ρ A²))
// plus the weight of the density excess (ρ − ρ_ref) g Δz over the cell; both enter the
// equilibrium slope of the reconstruction, so a steady line with any grade is exact.
// Running totals (quadratures): per scalar Σ m̃*_0 φ*_0 in through the inlet and
// Σ m̃*_N φ*_N out through the outlet (kg at the reference density: grade g's mass is
// ρ_g/ρ_ref of it), and the whole flow's Σ m*_0, Σ m*_N (kg).
// Events: per grade a root φ*_g(outlet) − ½ (the interface reaches the outlet: kind
// "batch", "front of <grade> reached the outlet of <pipe> (km …)", or its tail when
// falling), and for the drag reducer c*(outlet) − half the largest scheduled concentration.
// Outputs (oil/pipes/<pipe>): linefill volume and mass by grade, received and delivered
// volume by grade, the position of each grade's leading interface and the mixing volume
// about it (where 1 % < φ < 99 %: the scheme's own mixing, compared in inputs/README.md
// with Austin & Palfrey's correlation); profiles of each grade's fraction, the mixture
// density and viscosity, the drag reducer's concentration and drag reduction.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/common/churchill.hpp"
#include "models/common/upwind.hpp"
#include "models/oil/context.hpp"
#include "models/oil/pipe.hpp"

namespace steppe::oil {

namespace {
std::string slug(const std::string& name) {
  std::string s;
  for (char ch : name)
    s += std::isalnum(static_cast<unsigned char>(ch))
             ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
             : '_';
  return s;
}
}  // namespace

void Pipe::setup_tracking() {
  if (ns_ == 0) return;
  lnnu_.clear();
  for (const auto& g : sp_.grades) lnnu_.push_back(std::log(g.viscosity));
  dra_scale_ = sp_.dra ? std::max(sp_.dra_curve.x().back(), 1e-9) : 1.0;
  s_eps_.assign(std::size_t(ns_), 1e-3);
  if (sp_.dra) s_eps_.back() = 1e-3 * dra_scale_;
  const std::size_t n = std::size_t(n_), ns = std::size_t(ns_);
  dsrc_.assign(n * ns, 0.0);
  ssl_.assign(n * ns, 0.0), ssa_.assign(n * ns, 0.0), ssb_.assign(n * ns, 0.0);
  sf_.assign((n + 1) * ns, 0.0);
  sfl_.assign((n + 1) * ns, 0.0), sfr_.assign((n + 1) * ns, 0.0);
  sfd_.assign((n + 1) * ns * std::size_t(slots_), 0.0);
  if (ng_ > 0) fdQ_.assign((n + 1) * std::size_t(slots_), 0.0);
  front_.assign(ns, 0);
}

double Pipe::grade_fraction(const State& s, int c, int g) const {
  if (ng_ == 0) return g == 0 ? 1.0 : 0.0;
  if (g > 0) return s.y[cell_scalar(c, g - 1)];
  double rest = 1.0;
  for (int k = 0; k < ng_; ++k) rest -= s.y[cell_scalar(c, k)];
  return rest;
}

double Pipe::cell_density(const State& s, int c) const {
  if (ng_ == 0) return sp_.density;
  double rho = sp_.grades[0].density;
  for (int g = 1; g <= ng_; ++g)
    rho +=
        s.y[cell_scalar(c, g - 1)] * (sp_.grades[std::size_t(g)].density - sp_.grades[0].density);
  return rho;
}

CellDensity Pipe::density_of_cell(int c) const {
  CellDensity d;
  d.base = ng_ > 0 ? sp_.grades[0].density : sp_.density;
  for (int g = 1; g <= ng_; ++g) {
    d.cols.push_back(cell_scalar(c, g - 1));
    d.coefs.push_back(sp_.grades[std::size_t(g)].density - sp_.grades[0].density);
  }
  return d;
}

double Pipe::cell_mass(const State& s, int c) const {
  double m = sp_.density * area_ * dx_ + cap_ * (s.y[cell_pressure(c)] - kAtmosphere);
  if (sp_.column_separation) m -= sp_.density * s.y[cell_cavity(c)];
  return m;
}

double Pipe::grade_volume(const State& s, int g) const {
  double v = 0.0;
  for (int c = 0; c < n_; ++c) v += grade_fraction(s, c, g) * cell_mass(s, c);
  return v / sp_.density;
}

// The mixture's friction and weight source of cell c, with ∂/∂m and ∂/∂scalars.
void Pipe::cell_source(const double* y, int c) const {
  const std::size_t i = std::size_t(c);
  const double* phi = y + cell_scalar(c, 0);
  const double rho0 = sp_.grades[0].density, ln0 = lnnu_[0];
  double rho = rho0, lnnu = ln0;
  for (int g = 1; g <= ng_; ++g) {
    rho += phi[g - 1] * (sp_.grades[std::size_t(g)].density - rho0);
    lnnu += phi[g - 1] * (lnnu_[std::size_t(g)] - ln0);
  }
  const double nu = std::exp(lnnu), d = sp_.inner_diameter;
  double r = 1.0, dr = 0.0;
  if (sp_.dra) {
    double slope = 0.0;
    r = 1.0 - drag_reduction(phi[ng_], slope);
    dr = -slope;
  }
  const double base = dx_ * rho * nu * nu / (2.0 * d * d * d);
  const double rec = d / (area_ * rho * nu);
  const double re = M_[i] * rec;
  const friction::Psi p = psi(re);
  const double dz = zf_[i + 1] - zf_[i];
  const double fr = r * base * p.value;
  dpf_[i] = fr + (rho - sp_.density) * kGravity * dz;
  ddpf_[i] = r * base * p.derivative * rec;
  double* ds = &dsrc_[i * std::size_t(ns_)];
  for (int g = 1; g <= ng_; ++g) {
    const double b = sp_.grades[std::size_t(g)].density - rho0;
    const double a = lnnu_[std::size_t(g)] - ln0;
    // ∂ρ/∂φ = b, ∂ln ν/∂φ = a: base ∝ ρ ν², Re = m D/(A ρ ν) ∝ 1/(ρ ν).
    ds[g - 1] =
        fr * (b / rho + 2.0 * a) - r * base * p.derivative * re * (b / rho + a) + b * kGravity * dz;
  }
  if (sp_.dra) ds[ng_] = dr * base * p.value;
}

// DR(c) from the curve, continued below its first point along its first segment (so the
// residual is smooth where the concentration is 0 up to round-off).
double Pipe::drag_reduction(double c, double& slope) const {
  const auto& x = sp_.dra_curve.x();
  const auto& y = sp_.dra_curve.y();
  if (c <= x.front()) {
    slope = (y[1] - y[0]) / (x[1] - x[0]);
    return y[0] + slope * (c - x[0]);
  }
  return sp_.dra_curve.value(c, &slope);
}

double Pipe::inlet_value(const double* y, int s, double& d_ghost) const {
  d_ghost = 0.0;
  const bool dra = s >= ng_;
  for (const InletBatch& b : dra ? dra_batches_ : batches_)
    if (t_ >= b.start && t_ < b.end) return dra ? b.value : (b.grade == s + 1 ? 1.0 : 0.0);
  if (up_ && !(dra && up_sheared_)) {
    d_ghost = 1.0;
    return y[up_->cell_scalar(up_->cells() - 1, s)];
  }
  return dra ? 0.0 : (sp_.grade == s + 1 ? 1.0 : 0.0);
}

namespace {
// coef·∂Δ/∂(slot) for a difference Δ = φ_a − φ_b given by slot indices (−1: absent);
// the ghost's slot carries its own factor.
inline void add_diff(double* d, double coef, int plus, int minus, double minus_factor = 1.0) {
  if (plus >= 0) d[plus] += coef;
  if (minus >= 0) d[minus] -= coef * minus_factor;
}
}  // namespace

void Pipe::scalar_faces(const double* y, bool derivatives) const {
  const std::size_t ns = std::size_t(ns_), nsl = std::size_t(slots_);
  for (int s = 0; s < ns_; ++s) {
    double dgh = 0.0;
    const double ghost = inlet_value(y, s, dgh);
    const double eps = s_eps_[std::size_t(s)];
    auto phi = [&](int c) { return y[cell_scalar(c, s)]; };
    for (int c = 0; c < n_; ++c) {
      const double dl = c == 0 ? phi(0) - ghost : phi(c) - phi(c - 1);
      const double dr = c < n_ - 1 ? phi(c + 1) - phi(c) : (n_ == 1 ? 0.0 : phi(c) - phi(c - 1));
      const upwind::Slope sl = upwind::limited_slope(dl, dr, 0.0, eps);
      const std::size_t q = std::size_t(c) * ns + std::size_t(s);
      ssl_[q] = sl.value, ssa_[q] = sl.d_left, ssb_[q] = sl.d_right;
    }
    const int ghost_slot = kSlots + 4 * ns_ + s, ghost2_slot = kSlots + 5 * ns_ + s;
    // Face 0 from a linked upstream pipe: its last cell reconstructed to the face, with the
    // slope of its last two cells and this pipe's first (the same limiter as inside).
    // Face 0 from a linked upstream pipe: its last cell reconstructed to the face exactly as
    // that pipe reconstructs its own outlet face (the slope of its last two cells, continued),
    // so what leaves one pipe is what enters the next and each grade's mass is conserved
    // along the line; a one-cell upstream pipe passes its cell value (first order).
    upwind::Slope gs{};
    double gsum = 0.0;  // ∂(ghost slope)/∂(ghost − ghost2)
    if (dgh != 0.0 && up_->cells() >= 2) {
      const double g2 = y[up_->cell_scalar(up_->cells() - 2, s)];
      gs = upwind::limited_slope(ghost - g2, ghost - g2, 0.0, eps);
      gsum = gs.d_left + gs.d_right;
    }
    // coef·∂(slope of cell c)/∂slot, cell c at slot index j of the face.
    auto add_slope_d = [&](double* d, double coef, int c, int j) {
      const std::size_t q = std::size_t(c) * ns + std::size_t(s);
      const int at = kSlots + 4 * s + j;
      const double fl = coef * ssa_[q], fr = coef * ssb_[q];
      if (c == 0) {
        d[at] += fl;
        d[ghost_slot] -= fl * dgh;
      } else {
        add_diff(d, fl, at, at - 1);
      }
      if (c < n_ - 1)
        add_diff(d, fr, at + 1, at);
      else if (n_ > 1)
        add_diff(d, fr, at, at - 1);
    };
    for (int k = 0; k <= n_; ++k) {
      const double m = face_flow(k);
      const double left =
          k == 0 ? ghost + 0.5 * gs.value : phi(k - 1) + 0.5 * ssl_[std::size_t(k - 1) * ns + s];
      const double right = k == n_ ? phi(n_ - 1) : phi(k) - 0.5 * ssl_[std::size_t(k) * ns + s];
      const upwind::ScalarFace f = upwind::upwind_scalar(m, left, right, m_eps_);
      const std::size_t q = std::size_t(k) * ns + std::size_t(s);
      sf_[q] = f.value;
      // φ* − φ of the cells beside the face from the differences of the cell values (the
      // transport rows then carry no round-off of the fractions' level).
      if (k > 0) {
        const double sl = 0.5 * ssl_[std::size_t(k - 1) * ns + s];
        const double r = k == n_ ? 0.0 : (phi(k) - phi(k - 1)) - 0.5 * ssl_[q];
        sfl_[q] = upwind::upwind_scalar(m, sl, r, m_eps_).value;
      }
      if (k < n_) {
        const double l = k == 0 ? (ghost - phi(0)) + 0.5 * gs.value
                                : (phi(k - 1) - phi(k)) + 0.5 * ssl_[std::size_t(k - 1) * ns + s];
        sfr_[q] = upwind::upwind_scalar(m, l, -0.5 * ssl_[q], m_eps_).value;
      }
      if (!derivatives) continue;
      double* d = &sfd_[(std::size_t(k) * ns + std::size_t(s)) * nsl];
      const double* dM = &fdM_[std::size_t(k) * nsl];
      for (int sl = 0; sl < slots_; ++sl) d[sl] = f.d_m * dM[sl];
      if (k == 0) {
        d[ghost_slot] += f.d_left * dgh * (1.0 + 0.5 * gsum);
        d[ghost2_slot] -= f.d_left * dgh * 0.5 * gsum;
      } else {
        d[kSlots + 4 * s + 1] += f.d_left;
        add_slope_d(d, 0.5 * f.d_left, k - 1, 1);
      }
      if (k == n_) {
        d[kSlots + 4 * s + 1] += f.d_right;
      } else {
        d[kSlots + 4 * s + 2] += f.d_right;
        add_slope_d(d, -0.5 * f.d_right, k, 2);
      }
    }
  }
}

void Pipe::reference_flows(bool derivatives) const {
  if (ng_ == 0) return;
  const std::size_t ns = std::size_t(ns_), nsl = std::size_t(slots_);
  const double rho0 = sp_.grades[0].density;
  for (int k = 0; k <= n_; ++k) {
    const std::size_t kk = std::size_t(k);
    const double* f = &sf_[kk * ns];
    double excess = 0.0;  // ρ* − ρ_0
    for (int g = 1; g <= ng_; ++g) excess += f[g - 1] * (sp_.grades[std::size_t(g)].density - rho0);
    const double rho = rho0 + excess;
    // r − 1 = (ρ_ref − ρ*)/ρ* without the round-off of ρ*'s level
    rm1_[kk] = ((sp_.density - rho0) - excess) / rho;
    const double r = 1.0 + rm1_[kk];
    rf_[kk] = r;
    if (!derivatives) continue;
    // ∂m̃* = r ∂m* − (m̃*/ρ*) Σ_g (ρ_g − ρ_0) ∂φ*_g
    const double* dM = &fdM_[kk * nsl];
    double* dQ = &fdQ_[kk * nsl];
    const double w = face_flow(k) * r / rho;
    for (std::size_t sl = 0; sl < nsl; ++sl) dQ[sl] = r * dM[sl];
    for (int g = 1; g <= ng_; ++g) {
      const double b = w * (sp_.grades[std::size_t(g)].density - rho0);
      const double* d = &sfd_[(kk * ns + std::size_t(g - 1)) * nsl];
      for (std::size_t sl = 0; sl < nsl; ++sl) dQ[sl] -= b * d[sl];
    }
  }
}

void Pipe::transport_residual(const State& st, double* F) const {
  const std::size_t ns = std::size_t(ns_);
  for (int c = 0; c < n_; ++c) {
    const double mc = cell_mass(st, c), ml = reference_flow(c), mr = reference_flow(c + 1);
    for (int s = 0; s < ns_; ++s) {
      const int row = cell_scalar(c, s);
      const double fl = sfr_[std::size_t(c) * ns + std::size_t(s)];      // φ*_{i−½} − φ_i
      const double fr = sfl_[std::size_t(c + 1) * ns + std::size_t(s)];  // φ*_{i+½} − φ_i
      F[row] = mc * st.yp[row] - ml * fl + mr * fr;
    }
  }
  // Scalars at the reference flow; the whole flow (s = ns) at its true mass flow.
  for (int s = 0; s <= ns_; ++s) {
    const bool scalar = s < ns_;
    const double a = scalar ? sf_[std::size_t(s)] * reference_flow(0) : face_flow(0);
    const double b =
        scalar ? sf_[std::size_t(n_) * ns + std::size_t(s)] * reference_flow(n_) : face_flow(n_);
    F[scalar_in(s)] = st.yp[scalar_in(s)] - a;
    F[scalar_out(s)] = st.yp[scalar_out(s)] - b;
  }
}

void Pipe::transport_jacobian(const State& st, JacobianWriter& J) const {
  const std::size_t ns = std::size_t(ns_), nsl = std::size_t(slots_);
  // Face k's flux terms into row `row`: sign·[(φ*_k − φ_c) dm̃*_k + m̃*_k dφ*_k] (a scalar),
  // sign·dm*_k (the whole flow, s = ns).
  auto face_terms = [&](int row, int k, int s, double sign, double phi_c) {
    const std::size_t kk = std::size_t(k);
    const int* cols = &face_cols_[kk * nsl];
    const char* mask = &face_mask_[kk * nsl];
    const bool scalar = s < ns_;
    const double* dM = scalar ? reference_flow_derivatives(k) : &fdM_[kk * nsl];
    const double* d = scalar ? &sfd_[(kk * ns + std::size_t(s)) * nsl] : nullptr;
    const double m = scalar ? reference_flow(k) : face_flow(k);
    const double v = scalar ? sf_[kk * ns + std::size_t(s)] : 1.0;
    for (int sl = 0; sl < slots_; ++sl) {
      if (!mask[sl]) continue;
      J.add(row, cols[sl], sign * ((v - phi_c) * dM[sl] + (d ? m * d[sl] : 0.0)));
    }
  };
  for (int c = 0; c < n_; ++c) {
    const double mc = cell_mass(st, c), ml = reference_flow(c), mr = reference_flow(c + 1);
    for (int s = 0; s < ns_; ++s) {
      const int row = cell_scalar(c, s);
      const double phi = st.y[row], yp = st.yp[row];
      J.add(row, row, ml - mr, mc);
      J.add(row, cell_pressure(c), cap_ * yp);
      if (sp_.column_separation) J.add(row, cell_cavity(c), -sp_.density * yp);
      face_terms(row, c, s, -1.0, phi);
      face_terms(row, c + 1, s, +1.0, phi);
    }
  }
  for (int s = 0; s <= ns_; ++s) {
    J.add(scalar_in(s), scalar_in(s), 0.0, 1.0);
    face_terms(scalar_in(s), 0, s, -1.0, 0.0);
    J.add(scalar_out(s), scalar_out(s), 0.0, 1.0);
    face_terms(scalar_out(s), n_, s, -1.0, 0.0);
  }
}

void Pipe::stop_times(double t0, double t1, std::vector<double>& out) const {
  for (const auto* list : {&batches_, &dra_batches_})
    for (const InletBatch& b : *list)
      for (double t : {b.start, b.end})
        if (t > t0 && t <= t1) out.push_back(t);
}

EventAction Pipe::on_stop(double t, const State&) {
  for (const auto* list : {&batches_, &dra_batches_})
    for (const InletBatch& b : *list)
      if (t == b.start || t == b.end) {
        const bool dra = b.grade < 0;
        const std::string what =
            dra ? fmt::format("drag reducer {:.6g} ppm", b.value * 1e6)
                : fmt::format("grade {}", sp_.grades[std::size_t(b.grade)].name);
        return {true, "schedule", dra ? b.value : double(b.grade),
                fmt::format("batch {} {} at the inlet of {}: {}", b.name,
                            t == b.start ? "starts" : "ends", name(), what)};
      }
  return {};
}

// ---- arrival roots ---------------------------------------------------------------------

// The outlet value for the arrival roots: the last three cells' values extrapolated to the
// outlet by the quadratic through them (a front's ½ point then reaches the outlet within
// ≈ 0.1 Δx of plug flow; the linear extrapolation of the scheme's outlet face runs ahead by
// ≈ 0.2 Δx on a front a cell or two wide); the outlet face value for shorter pipes.
double Pipe::tracking_root(const double* y, int j) const {
  double v = sf_[std::size_t(n_) * std::size_t(ns_) + std::size_t(j)];
  if (n_ >= 3)
    v = (15.0 * y[cell_scalar(n_ - 1, j)] - 10.0 * y[cell_scalar(n_ - 2, j)] +
         3.0 * y[cell_scalar(n_ - 3, j)]) /
        8.0;
  return j < ng_ ? v - 0.5 : v - dra_ref_;
}

EventAction Pipe::tracking_event(int j, int direction, const State& s) {
  const bool dra = j >= ng_;
  EventAction a;
  a.kind = "batch";
  a.value = s.t;
  const std::string what =
      dra ? "drag reducer" : fmt::format("grade {}", sp_.grades[std::size_t(j + 1)].name);
  a.message =
      fmt::format("{} of {} reached the outlet of {} (km {:.3f})", direction > 0 ? "front" : "tail",
                  what, name(), (sp_.chainage + sp_.length) / 1000.0);
  front_[std::size_t(j)] = direction > 0;
  return a;
}

// ---- outputs ---------------------------------------------------------------------------

void Pipe::declare_tracking_outputs(OutputPlan& plan, const std::vector<double>& x) {
  const std::string g = "oil/pipes";
  const int grades = ng_ + 1;
  out_track_ = -1;
  for (int k = 0; k < grades && ng_ > 0; ++k) {
    const std::string gn = slug(sp_.grades[std::size_t(k)].name);
    const std::string nm = sp_.grades[std::size_t(k)].name;
    const int c0 = plan.column(g, name(), "linefill_volume_" + gn, "m3",
                               "linefill of " + nm + " (volume at the reference density)");
    if (out_track_ < 0) out_track_ = c0;
    plan.column(g, name(), "linefill_mass_" + gn, "t", "mass of " + nm + " in the pipe");
    plan.column(g, name(), "received_volume_" + gn, "m3",
                "volume of " + nm + " that entered through the inlet since the start");
    plan.column(g, name(), "delivered_volume_" + gn, "m3",
                "volume of " + nm + " that left through the outlet since the start");
    plan.column(g, name(), "interface_position_" + gn, "m",
                "route distance of the most downstream point where the fraction of " + nm +
                    " crosses 1/2 (NaN: none)");
    plan.column(g, name(), "mixing_volume_" + gn, "m3",
                "volume about that interface where 1 % < fraction of " + nm + " < 99 %");
  }
  const std::string pg = "oil/profiles/" + name();
  auto prof = [&](const std::string& q, const char* u, const std::string& l) {
    return plan.profile(pg, "distance", x, "m", "distance along the route", q, u, l);
  };
  out_track_prof_ = -1;
  for (int k = 1; k < grades && ng_ > 0; ++k) {
    const int p = prof("fraction_" + slug(sp_.grades[std::size_t(k)].name), "1",
                       "volume fraction of " + sp_.grades[std::size_t(k)].name);
    if (out_track_prof_ < 0) out_track_prof_ = p;
  }
  const int pd = prof("density", "kg m-3", "density of the mixture (grades) along the pipe");
  if (out_track_prof_ < 0) out_track_prof_ = pd;
  prof("viscosity", "m2 s-1", "kinematic viscosity of the mixture along the pipe");
  if (sp_.dra) {
    prof("dra_concentration", "1", "drag reducer concentration (volume fraction; 1 ppm = 1e-6)");
    prof("drag_reduction", "1", "drag reduction 1 − f/f0 along the pipe");
  }
}

void Pipe::write_tracking_outputs(const State& st, OutputFrame& out) const {
  scalar_faces(st.y, false);
  const int grades = ng_ + 1, np = n_ + 1;
  const std::size_t ns = std::size_t(ns_);
  int col = out_track_;
  // Cumulative volumes by grade: tracked grades from their totals, grade 0 the rest.
  // (The totals: the tracked grades at the reference density, the whole flow in kg.)
  auto total = [&](bool outlet, int g) {
    auto at = [&](int s) { return st.y[outlet ? scalar_out(s) : scalar_in(s)]; };
    if (g > 0) return at(g - 1) / sp_.density;
    double m = at(ns_);
    for (int k = 0; k < ng_; ++k) m -= at(k) * sp_.grades[std::size_t(k + 1)].density / sp_.density;
    return m / sp_.grades[0].density;
  };
  for (int g = 0; g < grades && ng_ > 0; ++g) {
    const double v = grade_volume(st, g);
    out.set(col++, v);
    out.set(col++, v * sp_.grades[std::size_t(g)].density / 1000.0);
    out.set(col++, total(false, g));
    out.set(col++, total(true, g));
    // The most downstream crossing of ½ between neighbouring points (faces).
    auto frac = [&](int k) {
      if (g > 0) return sf_[std::size_t(k) * ns + std::size_t(g - 1)];
      double r = 1.0;
      for (int s = 0; s < ng_; ++s) r -= sf_[std::size_t(k) * ns + std::size_t(s)];
      return r;
    };
    double pos = std::nan(""), mix = 0.0;
    for (int k = n_; k >= 1; --k) {
      const double a = frac(k - 1) - 0.5, b = frac(k) - 0.5;
      if ((a < 0) != (b < 0)) {
        pos = point_chainage(k - 1) + dx_ * a / (a - b);
        // Mixing zone: the cells on either side while 1 % < φ < 99 %.
        int lo = k - 1, hi = k - 1;
        auto mixed = [&](int c) {
          const double f = grade_fraction(st, c, g);
          return f > 0.01 && f < 0.99;
        };
        while (lo - 1 >= 0 && mixed(lo - 1)) --lo;
        while (hi + 1 < n_ && mixed(hi + 1)) ++hi;
        int cells = 0;
        for (int c = lo; c <= hi; ++c) cells += mixed(c);
        mix = cells * area_ * dx_;
        break;
      }
    }
    out.set(col++, pos);
    out.set(col++, mix);
  }
  int p = out_track_prof_;
  // Point values: the faces (the end points take the face states of the scheme).
  for (int g = 1; g < grades && ng_ > 0; ++g, p += np)
    for (int k = 0; k <= n_; ++k) out.set(p + k, sf_[std::size_t(k) * ns + std::size_t(g - 1)]);
  auto mixture = [&](int k, double& rho, double& nu, double& c) {
    const double* f = &sf_[std::size_t(k) * ns];
    rho = sp_.grades[0].density;
    double lnnu = lnnu_[0];
    for (int g = 1; g <= ng_; ++g) {
      rho += f[g - 1] * (sp_.grades[std::size_t(g)].density - sp_.grades[0].density);
      lnnu += f[g - 1] * (lnnu_[std::size_t(g)] - lnnu_[0]);
    }
    nu = std::exp(lnnu);
    c = sp_.dra ? f[ng_] : 0.0;
  };
  for (int k = 0; k <= n_; ++k) {
    double rho, nu, c;
    mixture(k, rho, nu, c);
    out.set(p + k, rho);
    out.set(p + np + k, nu);
    if (sp_.dra) {
      out.set(p + 2 * np + k, c);
      double slope;
      out.set(p + 3 * np + k, drag_reduction(c, slope));
    }
  }
}

// ---- reader: oil.batches[i]
//   {name, pipe, grade | dra, start, end}: from start to end the pipe's inlet receives the
//   grade (a fluid's name) or the drag reducer at the given concentration.
void read_batch(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "batches");
  Pipe* pipe = c.pipes.find(item, "pipe");
  const bool has_grade = item.has("grade"), has_dra = item.has("dra");
  InletBatch b;
  b.name = name;
  b.start = item.quantity("start", dim::time);
  b.end = item.quantity("end", dim::time);
  const Fluid* fluid = nullptr;
  if (has_grade) fluid = c.fluids.find(item, "grade");
  if (has_dra) b.value = item.quantity("dra", dim::none);
  if (has_grade == has_dra) item.error("give either grade (a fluid) or dra (a concentration)");
  item.check("end", b.end > b.start, "must be after start");
  bool ok = !name.empty() && pipe && has_grade != has_dra && b.end > b.start;
  if (has_dra) {
    if (!c.dra_curve) {  // quiet when the section's curve itself was wrong
      if (!c.section.has("drag_reducer"))
        item.error_at_key("dra", "no drag_reducer curve in the oil section");
      ok = false;
    } else if (b.value < 0 || b.value > c.dra_curve->x().back()) {
      item.error_at_key("dra", fmt::format("concentration {:.6g} ppm beyond the drag_reducer "
                                           "curve (0 to {:.6g} ppm)",
                                           b.value * 1e6, c.dra_curve->x().back() * 1e6));
      ok = false;
    }
  }
  if (has_grade) {
    if (!fluid) ok = false;
    for (std::size_t i = 0; fluid && i < c.fluid_names.size(); ++i)
      if (c.fluid_names[i] == fluid->name) b.grade = int(i);
  } else {
    b.grade = -1;
  }
  item.finish();
  if (!ok) return;
  // Overlaps with the batches of the same kind at this inlet.
  for (const InletBatch& o : pipe->batches(has_dra))
    if (b.start < o.end && o.start < b.end) {
      item.error_at_key("start", fmt::format("overlaps batch '{}' ({:.6g} s to {:.6g} s) at the "
                                             "inlet of {}",
                                             o.name, o.start, o.end, pipe->name()));
      return;
    }
  pipe->add_batch(b);
}

// Links each pipe's inlet to the pipe upstream of it (shared node, station, valve), and
// sets the drag reducer's arrival level.
void batches_read(Context& c, bool) {
  if (!c.tracking) return;
  auto find = [&](const std::string& n) -> Pipe* {
    auto it = c.pipes.elements().find(n);
    return it == c.pipes.elements().end() ? nullptr : it->second;
  };
  for (const auto& [n, p] : c.pipes.elements())
    for (const auto& [m, q] : c.pipes.elements())
      if (&q->outlet() == &p->inlet()) p->link_upstream(q, false);
  for (const char* list : {"stations", "valves"}) {
    if (!c.section.has(list)) continue;
    for (const Reader& r : c.section.items(list)) {
      if (!r.is_map() || !r.has("upstream") || !r.has("downstream")) continue;
      Pipe* up = find(r.text("upstream", ""));
      Pipe* down = find(r.text("downstream", ""));
      if (up && down) down->link_upstream(up, std::string(list) == "stations");
    }
  }
  double top = 0.0;
  for (const auto& [n, p] : c.pipes.elements())
    for (const InletBatch& b : p->batches(true)) top = std::max(top, b.value);
  for (const auto& [n, p] : c.pipes.elements()) p->set_dra_reference(top > 0 ? 0.5 * top : 1.0);
}

}  // namespace steppe::oil
