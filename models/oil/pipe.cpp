#include "models/oil/pipe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/common/churchill.hpp"
#include "models/common/upwind.hpp"
#include "models/oil/context.hpp"
#include "models/oil/junction.hpp"

namespace steppe::oil {

namespace {
// Pa: the limiter's smoothing scale (≈ 1.2 m of head). Deviations from the equilibrium
// slope below it are reconstructed about centrally (second order, smooth); a front's
// extremum is clipped over a width ε²/jump (≈ 100 Pa for a 10 bar front), which keeps
// the residual smooth on the scale a finite-difference check resolves.
constexpr double kSlopeEps = 1e4;

double interpolate(const std::vector<double>& x, const std::vector<double>& y, double v) {
  if (x.empty()) return 0.0;
  if (v <= x.front()) return y.front();
  if (v >= x.back()) return y.back();
  auto it = std::upper_bound(x.begin(), x.end(), v);
  const std::size_t i = static_cast<std::size_t>(it - x.begin());
  const double w = (v - x[i - 1]) / (x[i] - x[i - 1]);
  return y[i - 1] + w * (y[i] - y[i - 1]);
}

// Vardy's shear decay coefficient C* at Reynolds number re (Vardy & Brown 1996, as used
// for Brunone's k = √C*/2 by Vítkovský et al. 2000).
double vardy_c_star(double re) {
  if (re < 2000.0) return 0.00476;
  const double kappa = std::log10(14.3 / std::pow(re, 0.05));
  return 7.41 / std::pow(re, kappa);
}
}  // namespace

Pipe::Pipe(PipeSpec spec, Node& inlet, Node& outlet)
    : Component("oil pipe", spec.name), sp_(std::move(spec)), in_(inlet), out_(outlet) {
  n_ = std::max(1, static_cast<int>(std::ceil(sp_.length / sp_.max_segment - 1e-9)));
  ng_ = sp_.grades.empty() ? 0 : static_cast<int>(sp_.grades.size()) - 1;
  ns_ = ng_ + (sp_.dra ? 1 : 0);
  sbase_ = sp_.column_separation ? 3 : 2;
  stride_ = sbase_ + ns_;
  slots_ = kSlots + 6 * ns_;
  dx_ = sp_.length / n_;
  area_ = M_PI * sp_.inner_diameter * sp_.inner_diameter / 4.0;
  z_ = sp_.wave_speed / area_;
  cap_ = area_ * dx_ / (sp_.wave_speed * sp_.wave_speed);  // kg/Pa per cell
  rg_ = sp_.density * kGravity;
  const double d = sp_.inner_diameter, mu = sp_.viscosity;
  fric_coef_ = dx_ * mu * mu / (2.0 * sp_.density * d * d * d);
  re_coef_ = d / (area_ * mu);
  if (sp_.friction == PipeFriction::Colebrook || sp_.friction == PipeFriction::SwameeJain) {
    law_.law =
        sp_.friction == PipeFriction::Colebrook ? FrictionLaw::Colebrook : FrictionLaw::SwameeJain;
    law_.relative_roughness = sp_.roughness / d;
  }
  k_ = sp_.unsteady_k;
  k_pending_ = sp_.unsteady_vardy;
  m_eps_ = 1e-4 * sp_.flow_scale;
  const std::size_t nn = std::size_t(n_);
  zf_.resize(nn + 1);
  zc_.resize(nn);
  for (int k = 0; k <= n_; ++k)
    zf_[std::size_t(k)] = interpolate(sp_.elevation_x, sp_.elevation_z, k * dx_);
  for (int c = 0; c < n_; ++c)
    zc_[std::size_t(c)] = interpolate(sp_.elevation_x, sp_.elevation_z, (c + 0.5) * dx_);
  P_.resize(nn), M_.resize(nn), e_.resize(nn), de_.resize(nn), dpf_.resize(nn), ddpf_.resize(nn);
  ud_.resize(nn), um_.resize(nn);
  sp_plus_.resize(nn), sp_minus_.resize(nn);
  dP_.resize(nn + 1), dM_.resize(nn);
  fmL_.resize(nn + 1), fmR_.resize(nn + 1), fPL_.resize(nn + 1), fPR_.resize(nn + 1);
  rgdz_.resize(nn + 1);
  rf_.assign(nn + 1, 1.0), rm1_.assign(nn + 1, 0.0);
  rgdz_.front() = rg_ * (zc_.front() - zf_.front());
  for (int c = 1; c < n_; ++c)
    rgdz_[std::size_t(c)] = rg_ * (zc_[std::size_t(c)] - zc_[std::size_t(c) - 1]);
  rgdz_.back() = rg_ * (zf_.back() - zc_.back());
  const std::size_t ns = std::size_t(slots_);
  fdP_.resize((nn + 1) * ns), fdM_.resize((nn + 1) * ns);
  face_cols_.resize((nn + 1) * ns);
  face_mask_.assign((nn + 1) * ns, 0);
  for (int k = 0; k <= n_; ++k) {
    char* mask = &face_mask_[std::size_t(k) * ns];
    for (int j = 0; j < 4; ++j) {
      const int c = k - 2 + j;
      mask[2 * j] = mask[2 * j + 1] = c >= 0 && c < n_;
    }
    mask[8] = k <= 1;
    mask[9] = k >= n_ - 1;
    for (int s = 0; s < ns_; ++s)
      for (int j = 0; j < 4; ++j) mask[kSlots + 4 * s + j] = mask[2 * j];
  }
  setup_tracking();
  cavity_.assign(nn, 0);
  below_.assign(nn + 2, 0);
  in_.set_limits(sp_.maop, sp_.vapour_pressure, sp_.pressure_guess);
  out_.set_limits(sp_.maop, sp_.vapour_pressure, sp_.pressure_guess);
}

void Pipe::own_node(Node& n) {
  owned_[&n == &in_ ? 0 : 1] = &n;
  if (sp_.column_separation) n.allow_cavity(sp_.density, 1e-3 * area_ * dx_);
}

int Pipe::nearest_point(double x) const {
  return std::clamp(static_cast<int>(std::lround(x / dx_)), 0, n_);
}

void Pipe::friction(double m, double& dp, double& ddp) const {
  const double re = m * re_coef_;
  const friction::Psi p = psi(re);
  dp = fric_coef_ * p.value;
  ddp = fric_coef_ * p.derivative * re_coef_;
}

friction::Psi Pipe::psi(double re) const {
  friction::Psi p;
  switch (sp_.friction) {
    case PipeFriction::Fixed:
      p = friction::fixed_psi(re, sp_.fixed_friction);
      break;
    case PipeFriction::Churchill:
      p = friction::churchill_psi(re, sp_.roughness / sp_.inner_diameter);
      break;
    default: {
      // ψ = λ(|Re|)·Re|Re|, dψ/dRe = λ'·Re² + 2λ|Re|; laminar λ = 64/Re makes ψ = 64 Re.
      const double are = std::abs(re);
      if (are <= 2000.0) {
        p = {64.0 * re, 64.0};
      } else {
        double dl = 0.0;
        const double l = law_.lambda(are, &dl);
        p = {l * re * are, dl * re * re + 2.0 * l * are};
      }
    }
  }
  return p;
}

std::vector<UnknownSpec> Pipe::unknowns() const {
  std::vector<UnknownSpec> u;
  u.reserve(static_cast<std::size_t>(stride_ * n_ + 2 * (ns_ + 1)));
  for (int c = 0; c < n_; ++c) {
    u.push_back({fmt::format("pressure[{}]", c + 1), "Pa", VarKind::Differential, 1e6});
    u.push_back(
        {fmt::format("mass_flow[{}]", c + 1), "kg s-1", VarKind::Differential, sp_.flow_scale});
    if (sp_.column_separation)
      u.push_back({fmt::format("vapour_volume[{}]", c + 1), "m3", VarKind::Differential,
                   1e-3 * area_ * dx_, true});
    for (int k = 0; k < ns_; ++k)
      u.push_back({k < ng_ ? fmt::format("fraction_{}[{}]", k + 1, c + 1)
                           : fmt::format("dra_concentration[{}]", c + 1),
                   "1", VarKind::Differential, k < ng_ ? 1.0 : 2.0 * s_eps_[std::size_t(k)] * 50.0,
                   true});
  }
  if (ns_ > 0) {
    const double scale = sp_.flow_scale * 3600.0;
    for (int k = 0; k <= ns_; ++k) {
      u.push_back({fmt::format("scalar_in[{}]", k), "kg", VarKind::Differential, scale, true});
      u.push_back({fmt::format("scalar_out[{}]", k), "kg", VarKind::Differential, scale, true});
    }
  }
  return u;
}

void Pipe::bind() {
  p_in_ = in_.pressure();
  p_out_ = out_.pressure();
  for (int k = 0; k <= n_; ++k) {
    int* cols = &face_cols_[std::size_t(k) * std::size_t(slots_)];
    char* mask = &face_mask_[std::size_t(k) * std::size_t(slots_)];
    for (int j = 0; j < 4; ++j) {
      const int c = k - 2 + j;
      const bool ok = c >= 0 && c < n_;
      cols[2 * j] = ok ? cell_pressure(c) : p_in_;
      cols[2 * j + 1] = ok ? cell_flow(c) : p_in_;
      for (int s = 0; s < ns_; ++s) cols[kSlots + 4 * s + j] = ok ? cell_scalar(c, s) : p_in_;
    }
    cols[8] = p_in_;
    cols[9] = p_out_;
    // The inlet's ghost: the upstream pipe's last cell (faces 0 and 1 see it), and the one
    // before it (face 0's reconstruction of the ghost).
    for (int s = 0; s < ns_; ++s) {
      const bool linked = up_ && !(s >= ng_ && up_sheared_);
      const int last = up_ ? up_->cells() - 1 : 0;
      mask[kSlots + 4 * ns_ + s] = linked && k <= 1;
      cols[kSlots + 4 * ns_ + s] = linked && k <= 1 ? up_->cell_scalar(last, s) : p_in_;
      mask[kSlots + 5 * ns_ + s] = linked && k == 0;
      cols[kSlots + 5 * ns_ + s] =
          linked && k == 0 ? up_->cell_scalar(std::max(last - 1, 0), s) : p_in_;
    }
  }
}

void Pipe::initial_values(std::span<double> y) const {
  for (int c = 0; c < n_; ++c) {
    const std::size_t o = std::size_t(stride_ * c);
    y[o] = sp_.pressure_guess;
    y[o + 1] = sp_.flow_guess;
    if (sp_.column_separation) y[o + 2] = 0.0;
    for (int k = 0; k < ns_; ++k)
      y[o + std::size_t(sbase_ + k)] = k >= ng_ ? 0.0
                                       : !sp_.initial_fractions.empty()
                                           ? sp_.initial_fractions[std::size_t(k + 1)]
                                           : double(k + 1 == sp_.grade);
  }
  if (ns_ > 0)
    for (int k = 0; k < 2 * (ns_ + 1); ++k) y[std::size_t(stride_ * n_ + k)] = 0.0;
}

// ---- the scheme ------------------------------------------------------------------------

Pipe::CellSlope Pipe::cell_slope(int c, double sigma) const {
  const std::size_t i = std::size_t(c);
  // The invariant leaving through an end face (w− at the inlet, w+ at the outlet) is taken
  // at the equilibrium slope: first order there, exact in a steady line, and the end node's
  // pressure then meets it without feeding back into its own reconstruction.
  if ((c == 0 && sigma < 0) || (c == n_ - 1 && sigma > 0)) return {e_[i], 0.0, 0.0};
  // Differences of neighbouring values (exact in floating point for nearby values), so the
  // residual carries no round-off of the absolute pressure level.
  const double sz = sigma * z_;
  const double dl = c == 0 ? 2.0 * dP_[0] : dP_[i] + sz * dM_[i];
  const double dr = c == n_ - 1 ? 2.0 * dP_[i + 1] : dP_[i + 1] + sz * dM_[i + 1];
  const upwind::Slope s = upwind::limited_slope(dl, dr, e_[i], kSlopeEps);
  return {s.value, s.d_left, s.d_right};
}

// d[slot] += coef·∂s/∂(slot) for the slope s of cell c (characteristic σ) whose centre
// cell sits at slots (centre, centre + 1) of the face.
void Pipe::add_slope(double* d, double coef, double sigma, int c, int centre,
                     const CellSlope& cs) const {
  const double fl = coef * cs.la, fr = coef * cs.lb, sz = sigma * z_;
  if (c == 0) {  // Δ− = 2 (P_c − P_in)
    d[8] -= 2.0 * fl;
    d[centre] += 2.0 * fl;
  } else {  // Δ− = w_c − w_{c−1}
    d[centre - 2] -= fl;
    d[centre - 1] -= fl * sz;
    d[centre] += fl;
    d[centre + 1] += fl * sz;
  }
  if (c == n_ - 1) {  // Δ+ = 2 (P_out − P_c)
    d[9] += 2.0 * fr;
    d[centre] -= 2.0 * fr;
  } else {  // Δ+ = w_{c+1} − w_c
    d[centre + 2] += fr;
    d[centre + 3] += fr * sz;
    d[centre] -= fr;
    d[centre + 1] -= fr * sz;
  }
  const double ce = coef * (1.0 - cs.la - cs.lb);
  d[centre + 1] += ce * de_[std::size_t(c)];
  // The equilibrium slope e = −(cell source) depends on the cell's scalars (batch.cpp).
  for (int k = 0; k < ns_; ++k)
    d[kSlots + 4 * k + centre / 2] -= ce * dsrc_[std::size_t(c * ns_ + k)];
}

void Pipe::compute_faces(const double* y, bool derivatives) const {
  Pin_ = y[p_in_] + rg_ * zf_.front();
  Pout_ = y[p_out_] + rg_ * zf_.back();
  for (int c = 0; c < n_; ++c) {
    const std::size_t i = std::size_t(c);
    P_[i] = piezometric(y, c);
    M_[i] = y[cell_flow(c)];
    if (ns_ > 0)
      cell_source(y, c);
    else
      friction(M_[i], dpf_[i], ddpf_[i]);
    e_[i] = -dpf_[i];
    de_[i] = -ddpf_[i];
  }
  // dP_[c] = P_c − P_{c−1} (c = 1..N−1), P_0 − P_in (c = 0), P_out − P_{N−1} (c = N).
  dP_.front() = (y[cell_pressure(0)] - y[p_in_]) + rgdz_.front();
  for (int c = 1; c < n_; ++c) {
    const std::size_t i = std::size_t(c);
    dP_[i] = (y[cell_pressure(c)] - y[cell_pressure(c - 1)]) + rgdz_[i];
    dM_[i] = M_[i] - M_[i - 1];
  }
  dP_.back() = (y[p_out_] - y[cell_pressure(n_ - 1)]) + rgdz_.back();
  for (int c = 0; c < n_; ++c) {
    sp_plus_[std::size_t(c)] = cell_slope(c, +1.0);
    sp_minus_[std::size_t(c)] = cell_slope(c, -1.0);
  }
  // Face states relative to the cells beside them: m* − m_left, m* − m_right, P* − P_left,
  // P* − P_right (P* = (w+_L + w−_R)/2, m* = (w+_L − w−_R)/(2Z) written in differences).
  for (int k = 0; k <= n_; ++k) {
    const std::size_t kk = std::size_t(k);
    if (k == 0) {
      fPR_[kk] = -dP_[kk];
      fmR_[kk] = (-dP_[kk] + 0.5 * sp_minus_.front().s) / z_;
    } else if (k == n_) {
      fPL_[kk] = dP_[kk];
      fmL_[kk] = (-dP_[kk] + 0.5 * sp_plus_.back().s) / z_;
    } else {
      const double dp_lr = -dP_[kk], dm_lr = -dM_[kk];
      const double sl = sp_plus_[kk - 1].s, sr = sp_minus_[kk].s;
      const double sum = 0.5 * (sl + sr), diff = 0.5 * (sl - sr);
      fmL_[kk] = -0.5 * dm_lr + (dp_lr + sum) / (2.0 * z_);
      fmR_[kk] = 0.5 * dm_lr + (dp_lr + sum) / (2.0 * z_);
      fPL_[kk] = -0.5 * dp_lr + 0.5 * z_ * dm_lr + 0.5 * diff;
      fPR_[kk] = 0.5 * dp_lr + 0.5 * z_ * dm_lr + 0.5 * diff;
    }
    if (!derivatives) continue;
    const int l = k - 1, r = k;  // the cells left and right of the face
    double dwl[kMaxSlots] = {}, dwr[kMaxSlots] = {};
    if (k > 0) {  // w+_L = P_l + Z m_l + ½ s+_l, left cell at slots 2, 3
      dwl[2] += 1.0, dwl[3] += z_;
      add_slope(dwl, 0.5, +1.0, l, 2, sp_plus_[std::size_t(l)]);
    }
    if (k < n_) {  // w−_R = P_r − Z m_r − ½ s−_r, right cell at slots 4, 5
      dwr[4] += 1.0, dwr[5] -= z_;
      add_slope(dwr, -0.5, -1.0, r, 4, sp_minus_[std::size_t(r)]);
    }
    double* dP = &fdP_[kk * std::size_t(slots_)];
    double* dM = &fdM_[kk * std::size_t(slots_)];
    for (int sl = 0; sl < slots_; ++sl) {
      if (k == 0) {
        dP[sl] = sl == 8 ? 1.0 : 0.0;
        dM[sl] = ((sl == 8 ? 1.0 : 0.0) - dwr[sl]) / z_;
      } else if (k == n_) {
        dP[sl] = sl == 9 ? 1.0 : 0.0;
        dM[sl] = (dwl[sl] - (sl == 9 ? 1.0 : 0.0)) / z_;
      } else {
        dP[sl] = 0.5 * (dwl[sl] + dwr[sl]);
        dM[sl] = 0.5 * (dwl[sl] - dwr[sl]) / z_;
      }
    }
  }
}

double Pipe::face_flow(int k) const {
  return k < n_ ? M_[std::size_t(k)] + fmR_[std::size_t(k)]
                : M_[std::size_t(n_ - 1)] + fmL_[std::size_t(k)];
}

double Pipe::face_pressure(int k) const {
  const double P = k < n_ ? P_[std::size_t(k)] + fPR_[std::size_t(k)]
                          : P_[std::size_t(n_ - 1)] + fPL_[std::size_t(k)];
  return P - rg_ * zf_[std::size_t(k)];
}

// U_c = k a σ(m_c) (√(Δ² + δ²) − δ), Δ = m*_{c+1} − m*_c, and its partial derivatives.
void Pipe::unsteady_term(int c, double& u, double& du_dm, double& du_ddelta) const {
  const double m = M_[std::size_t(c)];
  const double delta = fmL_[std::size_t(c) + 1] - fmR_[std::size_t(c)];
  const double q = std::sqrt(m * m + m_eps_ * m_eps_);
  const double sigma = m / q, dsigma = m_eps_ * m_eps_ / (q * q * q);
  const double r = std::sqrt(delta * delta + m_eps_ * m_eps_);
  const double ka = k_ * sp_.wave_speed;
  u = ka * sigma * (r - m_eps_);
  du_dm = ka * dsigma * (r - m_eps_);
  du_ddelta = ka * sigma * delta / r;
}

void Pipe::residual(const State& s, double* F) const {
  t_ = s.t;
  compute_faces(s.y, false);
  if (ns_ > 0) {
    scalar_faces(s.y, false);
    reference_flows(false);
  }
  const double inertia = dx_ * (1.0 + k_);
  for (int c = 0; c < n_; ++c) {
    const std::size_t i = std::size_t(c);
    const int ip = cell_pressure(c), im = cell_flow(c);
    // m̃*_{i+½} − m̃*_{i−½}: the mass flows' difference (exact for nearby values), then
    // what the faces' densities change (0 without grades).
    F[ip] = cap_ * s.yp[ip] + fmL_[i + 1] - fmR_[i];
    if (ng_ > 0) F[ip] += face_flow(c + 1) * rm1_[i + 1] - face_flow(c) * rm1_[i];
    F[im] = inertia * s.yp[im] - area_ * (fPR_[i] - fPL_[i + 1]) + area_ * dpf_[i];
    if (k_ > 0) {
      double u, du_dm, du_dd;
      unsteady_term(c, u, du_dm, du_dd);
      F[im] += u;
    }
    if (sp_.column_separation) {
      const int iv = cell_cavity(c);
      F[ip] -= sp_.density * s.yp[iv];
      F[iv] = cavity_[i] ? s.yp[ip] : s.yp[iv];
    }
  }
  F[p_in_] += face_flow(0);
  F[p_out_] -= face_flow(n_);
  if (ns_ > 0) transport_residual(s, F);
}

void Pipe::jacobian(const State& s, JacobianWriter& J) const {
  t_ = s.t;
  compute_faces(s.y, true);
  if (ns_ > 0) {
    scalar_faces(s.y, true);
    reference_flows(true);
  }
  const bool unsteady = k_ > 0 || sp_.unsteady_vardy;
  // ∂U_c/∂m_c and ∂U_c/∂Δm_c per cell (0 without unsteady friction).
  for (int c = 0; c < n_; ++c) {
    double u = 0, du_dm = 0, dd = 0;
    if (k_ > 0) unsteady_term(c, u, du_dm, dd);
    ud_[std::size_t(c)] = dd;
    um_[std::size_t(c)] = du_dm;
  }
  const double inertia = dx_ * (1.0 + k_);
  for (int k = 0; k <= n_; ++k) {
    const std::size_t kk = std::size_t(k);
    const std::size_t ks = kk * std::size_t(slots_);
    const int* cols = &face_cols_[ks];
    const char* mask = &face_mask_[ks];
    const double* dP = &fdP_[ks];
    const double* dM = &fdM_[ks];
    const double* dQ = reference_flow_derivatives(k);
    for (int sl = 0; sl < slots_; ++sl) {
      if (!mask[sl]) continue;
      const int col = cols[sl];
      if (k == 0) {
        J.add(p_in_, col, dM[sl]);
      } else {  // the face is the right face of cell k − 1
        const int c = k - 1;
        J.add(cell_pressure(c), col, dQ[sl]);
        double v = area_ * dP[sl];
        if (unsteady) v += ud_[std::size_t(c)] * dM[sl];
        J.add(cell_flow(c), col, v);
      }
      if (k == n_) {
        J.add(p_out_, col, -dM[sl]);
      } else {  // the left face of cell k
        const int c = k;
        J.add(cell_pressure(c), col, -dQ[sl]);
        double v = -area_ * dP[sl];
        if (unsteady) v -= ud_[std::size_t(c)] * dM[sl];
        J.add(cell_flow(c), col, v);
      }
    }
  }
  for (int c = 0; c < n_; ++c) {
    const std::size_t i = std::size_t(c);
    const int ip = cell_pressure(c), im = cell_flow(c);
    J.add(ip, ip, 0.0, cap_);
    J.add(im, im, area_ * ddpf_[i] + um_[i], inertia);
    for (int k = 0; k < ns_; ++k)
      J.add(im, cell_scalar(c, k), area_ * dsrc_[std::size_t(c * ns_ + k)]);
    if (sp_.column_separation) {
      const int iv = cell_cavity(c);
      J.add(ip, iv, 0.0, -sp_.density);
      J.add(iv, ip, 0.0, cavity_[i] ? 1.0 : 0.0);
      J.add(iv, iv, 0.0, cavity_[i] ? 0.0 : 1.0);
    }
  }
  if (ns_ > 0) transport_jacobian(s, J);
}

// ---- points along the pipe -------------------------------------------------------------

double Pipe::point_pressure(const State& s, int k) const {
  compute_faces(s.y, false);
  return face_pressure(k);
}

double Pipe::point_flow(const State& s, int k) const {
  compute_faces(s.y, false);
  return face_flow(k);
}

int Pipe::receiving_cells(int k, int grade, std::array<std::pair<int, double>, 2>& cells) const {
  if (grade < 0 && (k <= 0 || k >= n_)) return 0;  // the end node's row
  if (k <= 0) return cells[0] = {0, 1.0}, 1;
  if (k >= n_) return cells[0] = {n_ - 1, 1.0}, 1;
  cells[0] = {k - 1, 0.5}, cells[1] = {k, 0.5};
  return 2;
}

void Pipe::inject(int k, int grade, double m, const State& s, double* F) const {
  std::array<std::pair<int, double>, 2> cells;
  const int n = receiving_cells(k, grade, cells);
  if (n == 0) {  // an end node's row holds true mass
    F[k <= 0 ? p_in_ : p_out_] -= m;
    return;
  }
  for (int j = 0; j < n; ++j) {
    const auto [c, w] = cells[std::size_t(j)];
    if (grade < 0) {  // the cell's own crude: its reference mass is ρ_ref/ρ_c of the true mass
      F[cell_pressure(c)] -= w * m * sp_.density / cell_density(s, c);
      continue;
    }
    const double mt = w * m * sp_.density / sp_.grades[std::size_t(grade)].density;
    F[cell_pressure(c)] -= mt;
    for (int q = 0; q < ns_; ++q) {
      const double e = q < ng_ && grade == q + 1 ? 1.0 : 0.0;  // the receipt's scalar value
      F[cell_scalar(c, q)] -= mt * (e - s.y[cell_scalar(c, q)]);
    }
  }
}

void Pipe::inject_jacobian(int k, int grade, double m, const State& s, JacobianWriter& J) const {
  std::array<std::pair<int, double>, 2> cells;
  const int n = receiving_cells(k, grade, cells);
  for (int j = 0; j < n; ++j) {
    const auto [c, w] = cells[std::size_t(j)];
    if (grade < 0) {  // ∂/∂φ_g of −w m ρ_ref/ρ_c, ∂ρ_c/∂φ_g = ρ_g − ρ_0
      const double rho = cell_density(s, c), f = w * m * sp_.density / (rho * rho);
      for (int q = 0; q < ng_; ++q)
        J.add(cell_pressure(c), cell_scalar(c, q),
              f * (sp_.grades[std::size_t(q + 1)].density - sp_.grades[0].density));
      continue;
    }
    const double mt = w * m * sp_.density / sp_.grades[std::size_t(grade)].density;
    for (int q = 0; q < ns_; ++q) J.add(cell_scalar(c, q), cell_scalar(c, q), mt);
  }
}

double Pipe::vapour_volume(const State& s) const {
  double v = 0.0;
  if (sp_.column_separation)
    for (int c = 0; c < n_; ++c) v += s.y[cell_cavity(c)];
  for (const Node* n : owned_)
    if (n) v += n->vapour_volume(s);
  return v;
}

double Pipe::linefill(const State& s) const {
  if (ng_ > 0) {  // by grade: each cell's reference mass at its mixture's density
    double m = 0.0;
    for (int c = 0; c < n_; ++c) m += cell_mass(s, c) * cell_density(s, c);
    return m / sp_.density;
  }
  double m = sp_.density * area_ * sp_.length;
  for (int c = 0; c < n_; ++c) m += cap_ * (s.y[cell_pressure(c)] - kAtmosphere);
  return m - sp_.density * vapour_volume(s);
}

void Pipe::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/pipes";
  out_cols_ = plan.column(g, name(), "inlet_pressure", "Pa", "absolute pressure at the pipe inlet");
  plan.column(g, name(), "outlet_pressure", "Pa", "absolute pressure at the pipe outlet");
  plan.column(g, name(), "inlet_mass_flow", "kg s-1", "mass flow into the pipe at its inlet");
  plan.column(g, name(), "outlet_mass_flow", "kg s-1", "mass flow out of the pipe at its outlet");
  plan.column(g, name(), "linefill_mass", "kg", "mass of crude in the pipe");
  plan.column(g, name(), "linefill_volume", "m3",
              "linefill as volume at line temperature and atmospheric pressure");
  plan.column(g, name(), "vapour_volume", "m3",
              "volume of the vapour cavities (column separation) in the pipe");
  const int peak =
      plan.column(g, name(), "max_pressure", "Pa", "highest absolute pressure along the pipe");
  const int low =
      plan.column(g, name(), "min_pressure", "Pa", "lowest absolute pressure along the pipe");
  plan.limit(peak, "maop", Bound::Upper, sp_.maop < 1e299 ? sp_.maop : NAN,
             "maximum allowable operating pressure");
  plan.limit(low, "vapour_pressure", Bound::Lower,
             sp_.vapour_pressure > -1e299 ? sp_.vapour_pressure : NAN,
             "vapour pressure of the crude (below: column separation)");
  plan.connection(g, name(), "upstream_pipe", g, sp_.upstream);
  plan.value(g, name(), "start", sp_.chainage, "m", "route distance of the inlet");
  plan.value(g, name(), "length", sp_.length, "m", "pipe length");
  plan.value(g, name(), "diameter", sp_.inner_diameter, "m", "inner diameter");
  std::vector<double> x(static_cast<std::size_t>(n_ + 1));
  for (int k = 0; k <= n_; ++k) x[static_cast<std::size_t>(k)] = point_chainage(k);
  const std::string pg = "oil/profiles/" + name();
  auto prof = [&](const char* q, const char* u, const char* l) {
    return plan.profile(pg, "distance", x, "m", "distance along the route", q, u, l);
  };
  out_prof_ = prof("pressure", "Pa", "absolute pressure along the pipe");
  prof("pressure_gauge", "Pa", "gauge pressure along the pipe (absolute − 101325 Pa)");
  prof("head", "m", "piezometric head (p − p_atm)/(ρ g) + z along the pipe");
  prof("mass_flow", "kg s-1", "mass flow along the pipe");
  prof("elevation", "m", "elevation of the pipe");
  prof("vapour_volume", "m3",
       "vapour cavity volume at the point (half of each adjacent cell's, and an end node's own)");
  if (ns_ > 0) declare_tracking_outputs(plan, x);
}

void Pipe::write_outputs(const State& s, OutputFrame& out) const {
  t_ = s.t;
  compute_faces(s.y, false);
  if (ns_ > 0) write_tracking_outputs(s, out);
  const double lf = linefill(s);
  out.set(out_cols_ + 0, s.y[p_in_]);
  out.set(out_cols_ + 1, s.y[p_out_]);
  out.set(out_cols_ + 2, face_flow(0));
  out.set(out_cols_ + 3, face_flow(n_));
  out.set(out_cols_ + 4, lf);
  double volume = lf / sp_.density;  // with grades: each cell's at its mixture's density
  if (ng_ > 0) {
    volume = 0.0;
    for (int c = 0; c < n_; ++c) volume += cell_mass(s, c) / sp_.density;
  }
  out.set(out_cols_ + 5, volume);
  out.set(out_cols_ + 6, vapour_volume(s));
  double hi = face_pressure(0), lo = hi;
  for (int k = 1; k <= n_; ++k)
    hi = std::max(hi, face_pressure(k)), lo = std::min(lo, face_pressure(k));
  out.set(out_cols_ + 7, hi);
  out.set(out_cols_ + 8, lo);
  const int np = n_ + 1;
  for (int k = 0; k <= n_; ++k) {
    const std::size_t kk = std::size_t(k);
    const double p = face_pressure(k);
    double v = 0.0;
    if (sp_.column_separation) {
      if (k > 0) v += 0.5 * s.y[cell_cavity(k - 1)];
      if (k < n_) v += 0.5 * s.y[cell_cavity(k)];
    }
    if (k == 0 && owned_[0]) v += owned_[0]->vapour_volume(s);
    if (k == n_ && owned_[1]) v += owned_[1]->vapour_volume(s);
    out.set(out_prof_ + k, p);
    out.set(out_prof_ + np + k, p - kAtmosphere);
    out.set(out_prof_ + 2 * np + k, (p - kAtmosphere) / rg_ + zf_[kk]);
    out.set(out_prof_ + 3 * np + k, face_flow(k));
    out.set(out_prof_ + 4 * np + k, zf_[kk]);
    out.set(out_prof_ + 5 * np + k, v);
  }
}

// ---- events ----------------------------------------------------------------------------

void Pipe::roots(const State& s, double* g) const {
  const double pv = sp_.vapour_pressure;
  for (int c = 0; c < n_; ++c) {
    const double p = s.y[cell_pressure(c)];
    g[2 * c] = p - sp_.maop;
    g[2 * c + 1] = cavity_[std::size_t(c)] ? s.y[cell_cavity(c)] : p - pv;
  }
  for (int j = 0; j < 2; ++j) {
    const Node* n = owned_[j];
    double v = 1.0;
    if (n && !n->held()) v = n->cavitating() ? s.y[n->cavity_volume()] : s.y[n->pressure()] - pv;
    g[2 * n_ + j] = v;
  }
  if (ns_ > 0) {
    // The outlet's fraction is extrapolated from the last three cells; a shorter pipe takes
    // its outlet face's (which needs the faces: friction at every face, costly per root call).
    if (n_ < 3) {
      t_ = s.t;
      compute_faces(s.y, false);
      scalar_faces(s.y, false);
    }
    for (int j = 0; j < ns_; ++j) g[2 * n_ + 2 + j] = tracking_root(s.y, j);
  }
}

double Pipe::watched_chainage(int j) const {
  if (j < n_) return sp_.chainage + (j + 0.5) * dx_;
  return j == n_ ? sp_.chainage : sp_.chainage + sp_.length;
}

EventAction Pipe::point_enters(int j, const State& s, double p) {
  below_[std::size_t(j)] = 1;
  const double x = watched_chainage(j);
  EventAction a;
  if (active_++ == 0) {
    episode_t0_ = s.t;
    episode_lo_ = episode_hi_ = x;
    episode_points_ = 0;
    a.kind = "limit";
    a.value = p;
    a.message = sp_.column_separation
                    ? fmt::format(
                          "pressure fell to the vapour pressure {:.6g} Pa at {:.3f} km ({}): "
                          "column separation, a vapour cavity opens",
                          sp_.vapour_pressure, x / 1000.0, name())
                    : fmt::format(
                          "pressure fell below the vapour pressure {:.6g} Pa at {:.3f} km ({}): "
                          "column separation risk (column_separation is off for this pipe)",
                          sp_.vapour_pressure, x / 1000.0, name());
  }
  ++episode_points_;
  episode_lo_ = std::min(episode_lo_, x);
  episode_hi_ = std::max(episode_hi_, x);
  return a;
}

EventAction Pipe::point_leaves(int j, const State& s) {
  below_[std::size_t(j)] = 0;
  EventAction a;
  if (--active_ == 0) {
    a.kind = "limit";
    a.value = s.t - episode_t0_;
    a.message = fmt::format(
        "{} at {} point{} between {:.3f} and {:.3f} km ({}) from t = {:.6g} s for {:.6g} s",
        sp_.column_separation ? "column separation ended: vapour cavities"
                              : "pressure back above the vapour pressure: it was below",
        episode_points_, episode_points_ == 1 ? "" : "s", episode_lo_ / 1000.0,
        episode_hi_ / 1000.0, name(), episode_t0_, s.t - episode_t0_);
  }
  return a;
}

EventAction Pipe::on_root(int i, int direction, const State& s) {
  if (i >= 2 * n_ + 2) return tracking_event(i - 2 * n_ - 2, direction, s);
  if (i < 2 * n_ && i % 2 == 0) {
    const int c = i / 2;
    return maop_event(direction, s.y[cell_pressure(c)], sp_.maop, name(), watched_chainage(c));
  }
  const bool is_cell = i < 2 * n_;
  const int j = is_cell ? i / 2 : n_ + (i - 2 * n_);
  Node* node = is_cell ? nullptr : owned_[i - 2 * n_];
  const bool cavity = is_cell ? cavity_[std::size_t(j)] != 0 : node && node->cavitating();
  const double p = is_cell ? s.y[cell_pressure(j)] : node ? s.y[node->pressure()] : 0.0;
  const bool can_cavitate = sp_.column_separation && (is_cell || (node && node->has_cavity()));
  EventAction a;
  if (cavity) {
    if (direction > 0) return a;  // the cavity grew from a slightly negative volume
    a = point_leaves(j, s);
    if (is_cell)
      cavity_[std::size_t(j)] = 0;
    else
      node->set_cavitating(false);
    a.reinitialise = true;
    return a;
  }
  if (direction < 0 && !below_[std::size_t(j)]) {
    a = point_enters(j, s, p);
    if (can_cavitate) {
      if (is_cell)
        cavity_[std::size_t(j)] = 1;
      else
        node->set_cavitating(true);
      a.reinitialise = true;
    }
  } else if (direction > 0 && below_[std::size_t(j)]) {
    a = point_leaves(j, s);
  }
  return a;
}

EventAction Pipe::settle(const State& s) {
  // Brunone's k from Vardy's C* at the initial Reynolds number (mean over the cells), taken
  // at every settling round of the initial state and kept from then on.
  if (k_pending_) {
    if (!(settle_t0_ >= 0)) settle_t0_ = s.t;
    if (s.t == settle_t0_) {
      double sum = 0.0;
      for (int c = 0; c < n_; ++c) sum += std::abs(s.y[cell_flow(c)]);
      k_ = 0.5 * std::sqrt(vardy_c_star(sum / n_ * re_coef_));
    } else {
      k_pending_ = false;
    }
  }
  return {};
}

void Pipe::save(DiscreteState& out) const {
  out.put(k_), out.put(k_pending_), out.put(settle_t0_);
  out.put(cavity_), out.put(below_);
  out.put(active_), out.put(episode_points_);
  out.put(episode_t0_), out.put(episode_lo_), out.put(episode_hi_);
  out.put(front_);
}

void Pipe::restore(DiscreteState& in) {
  in.get(k_), in.get(k_pending_), in.get(settle_t0_);
  in.get(cavity_), in.get(below_);
  in.get(active_), in.get(episode_points_);
  in.get(episode_t0_), in.get(episode_lo_), in.get(episode_hi_);
  in.get(front_);
}

namespace {

// linefill: {<crude>: fraction, ...}: the initial volume fractions of crudes other than the
// pipe's own `fluid`, which holds the rest (batch tracking only). Each fraction in [0, 1],
// their sum at most 1. Returns (grade index, fraction) pairs, empty after an error.
std::vector<std::pair<int, double>> read_linefill(const Reader& item, Context& c,
                                                  const Fluid* fluid) {
  std::vector<std::pair<int, double>> out;
  if (!item.has("linefill")) return out;
  const Reader r = item.child("linefill");
  if (!c.tracking) {
    item.error_at_key("linefill",
                      "an initial mixture needs batch tracking (oil.batches, a drag_reducer or "
                      "an injection with a grade)");
    return out;
  }
  if (!r.is_map() || r.node().size() == 0) {
    item.error_at_key("linefill",
                      "expected a mapping of crude: volume fraction, e.g. {Kumkol blend: 11 %}");
    return out;
  }
  bool ok = true;
  double sum = 0.0;
  for (const auto& kv : r.node()) {
    if (!kv.first.IsScalar()) continue;  // reported by finish()
    const std::string k = kv.first.Scalar();
    int g = -1;
    for (std::size_t i = 0; i < c.fluid_names.size(); ++i)
      if (c.fluid_names[i] == k) g = int(i);
    if (g < 0) {
      const std::string near = closest_match(k, c.fluid_names);
      r.error_at_key_name(k, fmt::format("no fluid named '{}'{}", k,
                                         near.empty() ? "" : " (did you mean '" + near + "'?)"));
      ok = false;
      continue;
    }
    if (fluid && k == fluid->name) {
      r.error_at_key_name(k, fmt::format("'{}' is the pipe's fluid: it holds the rest, give the "
                                         "other crudes' fractions",
                                         k));
      ok = false;
      continue;
    }
    const double phi = r.quantity(k, dim::none);
    r.check(k, phi >= 0 && phi <= 1, "a volume fraction lies in [0, 1] (write 0.11 or 11 %)");
    ok = ok && !r.has_error(k);
    out.emplace_back(g, phi);
    sum += phi;
  }
  r.finish();
  if (ok && sum > 1.0 + 1e-12)
    item.error_at_key("linefill", fmt::format("the fractions sum to {:.8g}, above 1", sum));
  if (!ok || sum > 1.0 + 1e-12) out.clear();
  return out;
}

}  // namespace

// ---- reader: oil.pipes[i]
void read_pipe(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "pipes");
  PipeSpec sp;
  sp.name = name;
  const Fluid* fluid = nullptr;
  if (item.has("fluid"))
    fluid = c.fluids.find(item, "fluid");
  else if (!c.fluid_names.empty())
    fluid = c.fluids.elements().at(c.fluid_names.front());
  sp.length = item.quantity("length", dim::length);
  const double od = item.quantity("outer_diameter", dim::length);
  const double wall = item.quantity("wall_thickness", dim::length);
  sp.roughness = item.quantity("roughness", dim::length, 4.5e-5);
  const double young = item.quantity("youngs_modulus", dim::pressure, 2.07e11);
  const double restraint = item.quantity("restraint_factor", dim::none, 0.91);
  const bool given_a = item.has("wave_speed");
  double a = given_a ? item.quantity("wave_speed", dim::velocity) : 0.0;
  if (item.has("friction")) {
    Reader fc = item.child("friction");
    const std::string word = fc.node().IsScalar() ? fc.node().Scalar() : "";
    if (word == "churchill")
      sp.friction = PipeFriction::Churchill;
    else if (word == "colebrook")
      sp.friction = PipeFriction::Colebrook;
    else if (word == "swamee_jain")
      sp.friction = PipeFriction::SwameeJain;
    else if (!word.empty() && std::isalpha(static_cast<unsigned char>(word[0])))
      fc.error(
          fmt::format("unknown friction law '{}' (churchill, colebrook, swamee_jain, or a "
                      "fixed Darcy factor)",
                      word));
    else if (auto q = fc.as_quantity(dim::none)) {
      sp.friction = PipeFriction::Fixed;
      sp.fixed_friction = *q;
      if (*q < 0) fc.error("a fixed Darcy friction factor must be ≥ 0");
    }
  }
  if (item.has("unsteady_friction")) {
    Reader uf = item.child("unsteady_friction");
    const std::string word = uf.node().IsScalar() ? uf.node().Scalar() : "";
    if (word == "brunone")
      sp.unsteady_vardy = true;
    else if (word == "none")
      sp.unsteady_k = 0.0;
    else if (!word.empty() && std::isalpha(static_cast<unsigned char>(word[0])))
      uf.error(fmt::format(
          "unknown unsteady friction '{}' (none, brunone, or Brunone's coefficient k)", word));
    else if (auto q = uf.as_quantity(dim::none)) {
      sp.unsteady_k = *q;
      if (*q < 0 || *q > 1) uf.error("Brunone's coefficient k must lie in [0, 1]");
    }
  }
  sp.column_separation = item.flag("column_separation", true);
  sp.max_segment = item.quantity("max_segment_length", dim::length, 1000.0);
  sp.chainage = item.quantity("start", dim::length, c.chainage);
  sp.maop = item.quantity("maop", dim::pressure, std::numeric_limits<double>::infinity());
  const double temp =
      item.quantity("temperature", dim::temperature, fluid ? fluid->temperature : 288.15);
  std::string upstream = item.text("upstream", "");
  const std::vector<std::pair<int, double>> linefill = read_linefill(item, c, fluid);
  std::vector<double> ex, ez;
  const bool has_elev = read_elevation_table(item, "elevation", ex, ez);
  const bool has_velocity = item.has("initial_velocity");
  const double velocity = item.quantity("initial_velocity", dim::velocity, 0.0);
  sp.flow_guess = item.quantity("initial_flow", dim::mass_flow, c.flow_guess);
  if (has_velocity && item.has("initial_flow"))
    item.error_at_key("initial_velocity", "give either initial_flow or initial_velocity");
  item.check("length", sp.length > 0, "must be > 0");
  item.check("outer_diameter", od > 0, "must be > 0");
  item.check("wall_thickness", wall > 0 && wall < od / 2, "must be > 0 and < outer_diameter/2",
             {"outer_diameter"});
  item.check("roughness", sp.roughness >= 0, "must be ≥ 0");
  item.check("youngs_modulus", young > 0, "must be > 0");
  item.check("restraint_factor", restraint > 0 && restraint <= 1.5, "must lie in (0, 1.5]");
  if (given_a) item.check("wave_speed", a > 0, "must be > 0");
  item.check("max_segment_length", sp.max_segment > 0, "must be > 0");
  Pipe* up = nullptr;
  if (!upstream.empty()) {
    if (auto it = c.pipes.elements().find(upstream); it != c.pipes.elements().end())
      up = it->second;
    else {
      std::string hint = closest_match(upstream, c.pipe_names);
      item.error_at_key("upstream",
                        fmt::format("no pipe named '{}' listed before this one{}", upstream,
                                    hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }
  item.finish();
  if (name.empty() || !fluid || sp.length <= 0 || od <= 0 || wall <= 0 || wall >= od / 2 ||
      (given_a && a <= 0) || sp.max_segment <= 0 || (!upstream.empty() && !up) ||
      item.segments(sp.length, sp.max_segment, "max_segment_length") == 0)
    return;
  if (up && !item.has("start")) sp.chainage = up->spec().chainage + up->spec().length;
  sp.upstream = upstream;
  sp.inner_diameter = od - 2 * wall;
  sp.density = fluid->density(temp);
  sp.viscosity = fluid->kinematic_viscosity(temp) * sp.density;
  sp.vapour_pressure = fluid->vapour_pressure;
  if (c.tracking) {  // every crude of the section at this pipe's temperature (batch.cpp)
    for (std::size_t g = 0; g < c.fluid_names.size(); ++g) {
      const Fluid* f = c.fluids.elements().at(c.fluid_names[g]);
      sp.grades.push_back({f->name, f->density(temp), f->kinematic_viscosity(temp)});
      if (f == fluid) sp.grade = static_cast<int>(g);
    }
    if (c.dra_curve) {
      sp.dra = true;
      sp.dra_curve = *c.dra_curve;
    }
  }
  if (c.tracking && !linefill.empty()) {  // initial volume fractions; the pipe's fluid the rest
    sp.initial_fractions.assign(sp.grades.size(), 0.0);
    double others = 0.0;
    for (const auto& [g, phi] : linefill) sp.initial_fractions[std::size_t(g)] = phi, others += phi;
    sp.initial_fractions[std::size_t(sp.grade)] = std::max(0.0, 1.0 - others);
  }
  if (!given_a) a = fluid->wave_speed(sp.density, sp.inner_diameter, wall, young, restraint);
  sp.wave_speed = a;
  if (has_velocity)
    sp.flow_guess = sp.density * velocity * M_PI * sp.inner_diameter * sp.inner_diameter / 4.0;
  sp.pressure_guess = c.pressure_guess;
  sp.flow_scale = sp.flow_guess != 0 ? std::abs(sp.flow_guess) : c.flow_scale;
  if (has_elev) {
    sp.elevation_x = ex;
    sp.elevation_z = ez;
  } else if (!c.route_x.empty()) {
    for (std::size_t i = 0; i < c.route_x.size(); ++i) {
      sp.elevation_x.push_back(c.route_x[i] - sp.chainage);
      sp.elevation_z.push_back(c.route_z[i]);
    }
  }
  c.chainage = sp.chainage + sp.length;
  const double z_in = interpolate(sp.elevation_x, sp.elevation_z, 0.0);
  const double z_out = interpolate(sp.elevation_x, sp.elevation_z, sp.length);
  Node* in = up ? &up->outlet() : &c.system.emplace<Node>(name + " inlet", sp.chainage, z_in);
  Node& out = c.system.emplace<Node>(name + " outlet", sp.chainage + sp.length, z_out);
  Pipe& pipe = c.system.emplace<Pipe>(sp, *in, out);
  if (!up) pipe.own_node(*in);
  pipe.own_node(out);
  c.pipes.add(name, &pipe, item);
  c.pipe_names.push_back(name);
  if (up) c.parts.join(&pipe, up);
}

// References to pipes stay quiet when anything before them had errors (the pipe named may
// be one that failed to read).
void pipes_read(Context& c, bool) {
  c.pipes.set_complete(c.section.context().diagnostics.empty());
}

}  // namespace steppe::oil
