// The gas pipe with the energy equation and composition tracking: the equations head
// models/gas/pipe.hpp. The isothermal single-gas pipe stays in pipe.cpp.
#include <cmath>

#include "models/gas/pipe.hpp"
#include "solver/study/constants.hpp"

namespace steppe::gas {

namespace {

using constants::kGravity;

// g(z) = 1/z − 1/(eᶻ − 1), the upstream weight of the exact exponential profile's mean over
// a segment of exchange number z, and g′(z).
double exchange_weight(double z, double* dg) {
  if (z < 1e-4) {
    *dg = -1.0 / 12.0 + z * z / 240.0;
    return 0.5 - z / 12.0 + z * z * z / 720.0;
  }
  const double em = std::expm1(z);
  *dg = -1.0 / (z * z) + 1.0 / (em * -std::expm1(-z));
  return 1.0 / z - 1.0 / em;
}

// What segment j exchanges with the ground: the heat into each end cell's balance (as
// a loss, W) and its derivatives in ṁ, T_a, T_b.
struct SegmentHeat {
  double qa, qb;
  double dqa_dm, dqa_dta, dqa_dtb;
  double dqb_dm, dqb_dta, dqb_dtb;
};

}  // namespace

double GasPipe::linepack_extended(const double* y) const {
  double z[kMaxVars] = {};
  CellThermo t;
  double pack = 0.0;
  for (int i = 0; i <= n_; ++i) {
    for (int c = 0; c < flow_->vars(); ++c) z[c] = y[cells_[std::size_t(i)].idx[c]];
    flow_->cell(z, &t);
    pack += area_ * dx_ * (i == 0 || i == n_ ? 0.5 : 1.0) * t.rho;
  }
  return pack;
}

namespace {

SegmentHeat segment_heat(double k_dx, double cp, double m_sigma, const Upwind& up, double m,
                         double ta, double tb, double tg) {
  SegmentHeat h{};
  const double r = std::sqrt(m * m + m_sigma * m_sigma);
  const double sb = 0.5 * (1.0 + m / r), dsb = 0.5 * m_sigma * m_sigma / (r * r * r);
  double dgb = 0.0, dga = 0.0;
  const double zb = k_dx / (up.into_b * cp), za = k_dx / (up.into_a * cp);
  const double gb = exchange_weight(zb, &dgb), ga = exchange_weight(za, &dga);
  const double dgb_dm = dgb * (-zb / up.into_b) * up.d_into_b;
  const double dga_dm = dga * (-za / up.into_a) * up.d_into_a;
  h.qb = k_dx * (sb * (tb - tg) + gb * (ta - tb));
  h.qa = k_dx * ((1.0 - sb) * (ta - tg) + ga * (tb - ta));
  h.dqb_dm = k_dx * (dsb * (tb - tg) + dgb_dm * (ta - tb));
  h.dqa_dm = k_dx * (-dsb * (ta - tg) + dga_dm * (tb - ta));
  h.dqb_dtb = k_dx * (sb - gb), h.dqb_dta = k_dx * gb;
  h.dqa_dta = k_dx * (1.0 - sb - ga), h.dqa_dtb = k_dx * ga;
  return h;
}

// Inflow into one end of a segment from the other end's cell.
Inflow cell_inflow(double rate, double d_rate, int rate_col, const Cell& from,
                   const CellThermo& t) {
  Inflow in;
  in.rate = rate, in.d_rate = d_rate, in.rate_col = rate_col;
  in.h = t.h;
  in.nh = t.n;
  for (int c = 0; c < t.n; ++c) in.h_col[c] = from.idx[c], in.h_grad[c] = t.h_d[c];
  in.from = &from;
  return in;
}

}  // namespace

void GasPipe::update_thermo(const State& s) const {
  double z[kMaxVars] = {};
  for (int i = 0; i <= n_; ++i) {
    flow_->gather(s, cells_[std::size_t(i)], z);
    flow_->cell(z, &thermo_[std::size_t(i)]);
  }
}

void GasPipe::residual_extended(const State& s, double* F) const {
  const FlowModel& fm = *flow_;
  const int nv = fm.vars();
  const double* y = s.y;
  double z[kMaxVars] = {};
  update_thermo(s);
  for (int i = 1; i < n_; ++i) {
    fm.storage(s, cells_[std::size_t(i)], area_ * dx_, area_ * dx_, F);
    F[pressure_index(i)] += -y[flow_index(i - 1)] + y[flow_index(i)];
  }
  F[p_from_] += y[flow_index(0)];
  F[p_to_] -= y[flow_index(n_ - 1)];
  const double tg = fm.thermal ? heat_.ground.at(s.t) : 0.0;
  double heat = 0.0;
  for (int j = 0; j < n_; ++j) {
    const int m = flow_index(j), pa = pressure_index(j), pb = pressure_index(j + 1);
    const Cell &ca = cells_[std::size_t(j)], &cb = cells_[std::size_t(j + 1)];
    const CellThermo &ta = thermo_[std::size_t(j)], &tb = thermo_[std::size_t(j + 1)];
    // Momentum with the density of the mean state.
    for (int c = 0; c < nv; ++c) z[c] = 0.5 * (y[ca.idx[c]] + y[cb.idx[c]]);
    CellThermo mean;
    fm.cell(z, &mean);
    const double flux = friction_flux(y[m], nullptr);
    F[m] = s.yp[m] + area_ * (y[pb] - y[pa]) / dx_ + flux / (2.0 * diameter_ * area_ * mean.rho) +
           area_ * mean.rho * kGravity * sin_theta_;
    // Advection and heat.
    const Upwind up = upwind(y[m], eps_);
    fm.inflow(s, cb, tb, cell_inflow(up.into_b, up.d_into_b, m, ca, ta), F);
    fm.inflow(s, ca, ta, cell_inflow(up.into_a, up.d_into_a, m, cb, tb), F);
    if (fm.thermal) {
      const SegmentHeat h =
          segment_heat(k_dx_, cp_nom_, m_sigma_, up, y[m], y[ca.idx[1]], y[cb.idx[1]], tg);
      F[ca.idx[1]] += h.qa;
      F[cb.idx[1]] += h.qb;
      heat += h.qa + h.qb;
    }
  }
  if (fm.thermal) F[heat_index()] = s.yp[heat_index()] - heat;
}

void GasPipe::jacobian_extended(const State& s, JacobianWriter& J) const {
  const FlowModel& fm = *flow_;
  const int nv = fm.vars();
  const double* y = s.y;
  double z[kMaxVars] = {};
  update_thermo(s);
  for (int i = 1; i < n_; ++i) {
    fm.storage_jacobian(s, cells_[std::size_t(i)], area_ * dx_, area_ * dx_, J);
    J.add(pressure_index(i), flow_index(i - 1), -1.0);
    J.add(pressure_index(i), flow_index(i), 1.0);
  }
  J.add(p_from_, flow_index(0), 1.0);
  J.add(p_to_, flow_index(n_ - 1), -1.0);
  const double tg = fm.thermal ? heat_.ground.at(s.t) : 0.0;
  const int q = fm.thermal ? heat_index() : -1;
  if (fm.thermal) J.add(q, q, 0.0, 1.0);
  for (int j = 0; j < n_; ++j) {
    const int m = flow_index(j), pa = pressure_index(j), pb = pressure_index(j + 1);
    const Cell &ca = cells_[std::size_t(j)], &cb = cells_[std::size_t(j + 1)];
    const CellThermo &ta = thermo_[std::size_t(j)], &tb = thermo_[std::size_t(j + 1)];
    for (int c = 0; c < nv; ++c) z[c] = 0.5 * (y[ca.idx[c]] + y[cb.idx[c]]);
    CellThermo mean;
    fm.cell(z, &mean);
    double dflux = 0.0;
    const double flux = friction_flux(y[m], &dflux);
    const double cd = 2.0 * diameter_ * area_;
    // ∂/∂ρ̄ of the friction and gravity terms; ∂ρ̄/∂z_c of either end = ρ̄_c/2.
    const double d_rho = -flux / (cd * mean.rho * mean.rho) + area_ * kGravity * sin_theta_;
    J.add(m, m, dflux / (cd * mean.rho), 1.0);
    for (int c = 0; c < nv; ++c) {
      const double dp = c == 0 ? area_ / dx_ : 0.0;
      J.add(m, ca.idx[c], -dp + 0.5 * mean.rho_d[c] * d_rho);
      J.add(m, cb.idx[c], dp + 0.5 * mean.rho_d[c] * d_rho);
    }
    (void)pa, (void)pb;
    const Upwind up = upwind(y[m], eps_);
    fm.inflow_jacobian(s, cb, tb, cell_inflow(up.into_b, up.d_into_b, m, ca, ta), J);
    fm.inflow_jacobian(s, ca, ta, cell_inflow(up.into_a, up.d_into_a, m, cb, tb), J);
    if (fm.thermal) {
      const int tai = ca.idx[1], tbi = cb.idx[1];
      const SegmentHeat h = segment_heat(k_dx_, cp_nom_, m_sigma_, up, y[m], y[tai], y[tbi], tg);
      J.add(tai, m, h.dqa_dm);
      J.add(tai, tai, h.dqa_dta);
      J.add(tai, tbi, h.dqa_dtb);
      J.add(tbi, m, h.dqb_dm);
      J.add(tbi, tai, h.dqb_dta);
      J.add(tbi, tbi, h.dqb_dtb);
      J.add(q, m, -(h.dqa_dm + h.dqb_dm));
      J.add(q, tai, -(h.dqa_dta + h.dqb_dta));
      J.add(q, tbi, -(h.dqa_dtb + h.dqb_dtb));
    }
  }
}

}  // namespace steppe::gas
