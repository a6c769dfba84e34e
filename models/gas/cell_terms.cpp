// The terms every gas cell shares (flow_model.hpp): storage and inflows, with their
// Jacobians. Each Jacobian pushes the same entries on every call.
#include <cmath>

#include "models/gas/flow_model.hpp"

namespace steppe::gas {

Upwind upwind(double m, double eps) {
  const double S = std::sqrt(m * m + eps * eps);
  return {0.5 * (S + m), 0.5 * (S - m), 0.5 * (m / S + 1.0), 0.5 * (m / S - 1.0)};
}

void FlowModel::gather(const State& s, const Cell& c, double* z, double* zp) const {
  for (int k = 0; k < vars(); ++k) {
    z[k] = s.y[c.idx[k]];
    if (zp) zp[k] = s.yp[c.idx[k]];
  }
}

void FlowModel::storage(const State& s, const Cell& c, double v_mass, double v_mix,
                        double* F) const {
  const int n = vars();
  double z[kMaxVars] = {}, zp[kMaxVars] = {};
  gather(s, c, z, zp);
  CellThermo t;
  cell(z, &t);
  double drho = 0.0, dh = 0.0;
  for (int a = 0; a < n; ++a) drho += t.rho_d[a] * zp[a], dh += t.h_d[a] * zp[a];
  F[c.idx[0]] += v_mass * drho;
  if (thermal) F[c.idx[1]] += v_mix * (t.rho * dh - zp[0]);
  for (int k = 1; k <= tracked(); ++k) {
    const int v = fraction_var(k);
    F[c.idx[v]] += v_mix * t.rho * zp[v];
  }
}

void FlowModel::storage_jacobian(const State& s, const Cell& c, double v_mass, double v_mix,
                                 JacobianWriter& J) const {
  const int n = vars();
  double z[kMaxVars] = {}, zp[kMaxVars] = {};
  gather(s, c, z, zp);
  CellThermo t;
  cell(z, &t);
  double dh = 0.0;
  for (int a = 0; a < n; ++a) dh += t.h_d[a] * zp[a];
  for (int b = 0; b < n; ++b) {
    double d = 0.0;
    for (int a = 0; a < n; ++a) d += t.rho_dd[a][b] * zp[a];
    J.add(c.idx[0], c.idx[b], v_mass * d, v_mass * t.rho_d[b]);
  }
  if (thermal)
    for (int b = 0; b < n; ++b) {
      double d = 0.0;
      for (int a = 0; a < n; ++a) d += t.h_dd[a][b] * zp[a];
      J.add(c.idx[1], c.idx[b], v_mix * (t.rho_d[b] * dh + t.rho * d),
            v_mix * (t.rho * t.h_d[b] - (b == 0 ? 1.0 : 0.0)));
    }
  for (int k = 1; k <= tracked(); ++k) {
    const int v = fraction_var(k);
    for (int b = 0; b < n; ++b)
      J.add(c.idx[v], c.idx[b], v_mix * t.rho_d[b] * zp[v], b == v ? v_mix * t.rho : 0.0);
  }
}

void FlowModel::inflow(const State& s, const Cell& to, const CellThermo& t, const Inflow& in,
                       double* F) const {
  if (thermal) F[to.idx[1]] -= in.rate * (in.h - t.h);
  for (int k = 1; k <= tracked(); ++k) {
    const int v = fraction_var(k);
    const double w_in = in.from ? s.y[in.from->idx[v]] : in.w[k];
    F[to.idx[v]] -= in.rate * (w_in - s.y[to.idx[v]]);
  }
}

void FlowModel::inflow_jacobian(const State& s, const Cell& to, const CellThermo& t,
                                const Inflow& in, JacobianWriter& J) const {
  const int n = vars();
  if (thermal) {
    const int row = to.idx[1];
    if (in.rate_col >= 0) J.add(row, in.rate_col, -in.d_rate * (in.h - t.h));
    for (int i = 0; i < in.nh; ++i) J.add(row, in.h_col[i], -in.rate * in.h_grad[i]);
    for (int c = 0; c < n; ++c) J.add(row, to.idx[c], in.rate * t.h_d[c]);
  }
  for (int k = 1; k <= tracked(); ++k) {
    const int v = fraction_var(k), row = to.idx[v];
    const double w_in = in.from ? s.y[in.from->idx[v]] : in.w[k];
    if (in.rate_col >= 0) J.add(row, in.rate_col, -in.d_rate * (w_in - s.y[row]));
    if (in.from) J.add(row, in.from->idx[v], -in.rate);
    J.add(row, row, in.rate);
  }
}

}  // namespace steppe::gas
