#include "models/common/gas_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace steppe::gas {

namespace {

// Cubic Hermite basis on [0, 1] and its first two derivatives: values at s of
//   b[0] = H₀₀ (value at 0), b[1] = H₀₁ (value at 1), b[2] = H₁₀ (slope at 0), b[3] = H₁₁.
void hermite(double s, double b[4], double d[4], double dd[4]) {
  const double s2 = s * s, s3 = s2 * s;
  b[0] = 2 * s3 - 3 * s2 + 1, b[1] = -2 * s3 + 3 * s2, b[2] = s3 - 2 * s2 + s, b[3] = s3 - s2;
  d[0] = 6 * s2 - 6 * s, d[1] = -6 * s2 + 6 * s, d[2] = 3 * s2 - 4 * s + 1, d[3] = 3 * s2 - 2 * s;
  dd[0] = 12 * s - 6, dd[1] = -12 * s + 6, dd[2] = 6 * s - 4, dd[3] = 6 * s - 2;
}

}  // namespace

GasTable::GasTable(const Law& law, const TableGrid& g) : grid_(g) {
  np_ = std::max(2, int(std::ceil((g.p_max - g.p_min) / g.dp - 1e-9)) + 1);
  nt_ = std::max(2, int(std::ceil((g.t_max - g.t_min) / g.dt - 1e-9)) + 1);
  grid_.p_max = g.p_min + (np_ - 1) * g.dp;
  grid_.t_max = g.t_min + (nt_ - 1) * g.dt;
  nodes_.resize(std::size_t(np_) * std::size_t(nt_));
  const double h = 1e-3 * g.dt;  // K, for the cross derivatives
  for (int j = 0; j < nt_; ++j)
    for (int i = 0; i < np_; ++i) {
      const double p = g.p_min + i * g.dp, t = g.t_min + j * g.dt;
      const LawPoint c = law(p, t), up = law(p, t + h), dn = law(p, t - h);
      for (const LawPoint* q : {&c, &up, &dn})
        if (!std::isfinite(q->rho) || !std::isfinite(q->h) || !(q->rho > 0))
          throw std::runtime_error(
              fmt::format("the gas law has no gas-phase state at {:.6g} bar, {:.6g} K (table node)",
                          p / 1e5, t));
      Node& n = nodes_[std::size_t(j) * std::size_t(np_) + std::size_t(i)];
      n.f[0][0] = c.rho, n.f[0][1] = c.rho_p * g.dp, n.f[0][2] = c.rho_t * g.dt;
      n.f[0][3] = (up.rho_p - dn.rho_p) / (2 * h) * g.dp * g.dt;
      n.f[1][0] = c.h, n.f[1][1] = c.h_p * g.dp, n.f[1][2] = c.h_t * g.dt;
      n.f[1][3] = (up.h_p - dn.h_p) / (2 * h) * g.dp * g.dt;
    }
}

void GasTable::at(double p, double t, TablePoint* out) const {
  const TableGrid& g = grid_;
  const int i = std::clamp(int(std::floor((p - g.p_min) / g.dp)), 0, np_ - 2);
  const int j = std::clamp(int(std::floor((t - g.t_min) / g.dt)), 0, nt_ - 2);
  const double s = (p - (g.p_min + i * g.dp)) / g.dp, r = (t - (g.t_min + j * g.dt)) / g.dt;
  double bs[4], ds[4], dds[4], br[4], dr[4], ddr[4];
  hermite(s, bs, ds, dds);
  hermite(r, br, dr, ddr);
  const Node* corner[2][2] = {
      {&nodes_[std::size_t(j) * np_ + i], &nodes_[std::size_t(j + 1) * np_ + i]},
      {&nodes_[std::size_t(j) * np_ + i + 1], &nodes_[std::size_t(j + 1) * np_ + i + 1]}};
  double v[2][6] = {};             // [ρ, h] × [f, f_s, f_r, f_ss, f_sr, f_rr]
  for (int a = 0; a < 2; ++a)      // p corner
    for (int b = 0; b < 2; ++b) {  // T corner
      const Node& n = *corner[a][b];
      // Basis pairs: value (index a / b) and slope (index 2 + a / 2 + b) in each direction.
      const int vs = a, ss = 2 + a, vr = b, sr = 2 + b;
      for (int k = 0; k < 2; ++k) {
        const double* f = n.f[k];
        // f(s, r) += f·Bs·Br + f_p·Ss·Br + f_T·Bs·Sr + f_pT·Ss·Sr
        const double w0 = f[0], w1 = f[1], w2 = f[2], w3 = f[3];
        auto add = [&](const double* Bs, const double* Br, int slot) {
          v[k][slot] += w0 * Bs[vs] * Br[vr] + w1 * Bs[ss] * Br[vr] + w2 * Bs[vs] * Br[sr] +
                        w3 * Bs[ss] * Br[sr];
        };
        add(bs, br, 0);
        add(ds, br, 1);
        add(bs, dr, 2);
        add(dds, br, 3);
        add(ds, dr, 4);
        add(bs, ddr, 5);
      }
    }
  const double ip = 1.0 / g.dp, it = 1.0 / g.dt;
  out->rho = v[0][0], out->rho_p = v[0][1] * ip, out->rho_t = v[0][2] * it;
  out->rho_pp = v[0][3] * ip * ip, out->rho_pt = v[0][4] * ip * it, out->rho_tt = v[0][5] * it * it;
  out->h = v[1][0], out->h_p = v[1][1] * ip, out->h_t = v[1][2] * it;
  out->h_pp = v[1][3] * ip * ip, out->h_pt = v[1][4] * ip * it, out->h_tt = v[1][5] * it * it;
}

}  // namespace steppe::gas
