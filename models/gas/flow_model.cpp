#include "models/gas/flow_model.hpp"

#include <cmath>
#include <numbers>

namespace steppe::gas {

double CellThermo::cp() const {
  return n > 1 ? h_d[1] : 0.0;
}

double GroundTemperature::at(double t) const {
  if (!annual_wave) return profile.value(t);
  const double damping = std::sqrt(365.0 * diffusivity / std::numbers::pi);  // m
  const double day = start_day + t / 86400.0;
  return mean -
         amplitude * std::exp(-depth / damping) *
             std::cos(2.0 * std::numbers::pi * (day - coldest_day) / 365.0 - depth / damping);
}

namespace {

// The blends each pair's excess is tabulated at: the later source (a supply's gas, a
// blended hydrogen) at these mole fractions s_j in the earlier one.
constexpr int kPairNodes = 4;
constexpr double kPairFractions[kPairNodes] = {0.1, 0.25, 0.5, 0.8};

// G_j(s) = s(1 − s)·L_j(s), L_j the Lagrange polynomial of node j, and G_j′, G_j″.
void pair_weight(int j, double s, double* g, double* g1, double* g2) {
  // L, L′, L″ by the product rule over the factors (s − s_m)/(s_j − s_m).
  double l = 1.0, l1 = 0.0, l2 = 0.0;
  for (int m = 0; m < kPairNodes; ++m) {
    if (m == j) continue;
    const double d = kPairFractions[j] - kPairFractions[m];
    const double f = (s - kPairFractions[m]) / d, f1 = 1.0 / d;
    l2 = l2 * f + 2.0 * l1 * f1;
    l1 = l1 * f + l * f1;
    l = l * f;
  }
  const double u = s * (1 - s), u1 = 1 - 2 * s, u2 = -2.0;
  *g = u * l;
  *g1 = u1 * l + u * l1;
  *g2 = u2 * l + 2 * u1 * l1 + u * l2;
}

// Molar volume v [m³/mol] and molar enthalpy h [J/mol] of one tabulated gas of molar mass
// M, with their (p, T) derivatives.
struct MolarPoint {
  double v, v_d[2], v_dd[2][2];
  double h, h_d[2], h_dd[2][2];
};

MolarPoint molar_point(const GasTable& table, double M, double p, double t) {
  TablePoint q;
  table.at(p, t, &q);
  MolarPoint s;
  const double r = q.rho, r2 = r * r, r3 = r2 * r;
  const double rd[2] = {q.rho_p, q.rho_t};
  const double rdd[2][2] = {{q.rho_pp, q.rho_pt}, {q.rho_pt, q.rho_tt}};
  s.v = M / r;
  for (int a = 0; a < 2; ++a) {
    s.v_d[a] = -M * rd[a] / r2;
    for (int b = 0; b < 2; ++b) s.v_dd[a][b] = M * (-rdd[a][b] / r2 + 2.0 * rd[a] * rd[b] / r3);
  }
  s.h = M * q.h;
  s.h_d[0] = M * q.h_p, s.h_d[1] = M * q.h_t;
  s.h_dd[0][0] = M * q.h_pp, s.h_dd[0][1] = s.h_dd[1][0] = M * q.h_pt, s.h_dd[1][1] = M * q.h_tt;
  return s;
}

// f = c·g + …: adds c times a molar quantity (value, (p, T) derivatives) to a sum over z,
// with the coefficient's own derivatives in z (c_d, c_dd) — f_a = c·g_a + c_a·g,
// f_ab = c·g_ab + c_a·g_b + c_b·g_a + c_ab·g.
struct Sum {
  double f = 0, d[kMaxVars] = {}, dd[kMaxVars][kMaxVars] = {};
};
void add_term(Sum& s, int n, int nt, double c, const double* c_d, const double (*c_dd)[kMaxVars],
              double g, const double* g_d, const double (*g_dd)[2]) {
  s.f += c * g;
  for (int a = 0; a < n; ++a) {
    const double ga = a < nt ? g_d[a] : 0.0;
    s.d[a] += c * ga + c_d[a] * g;
    for (int b = 0; b < n; ++b) {
      const double gb = b < nt ? g_d[b] : 0.0;
      const double gab = a < nt && b < nt ? g_dd[a][b] : 0.0;
      s.dd[a][b] += c * gab + c_d[a] * gb + c_d[b] * ga + c_dd[a][b] * g;
    }
  }
}

}  // namespace

void FlowModel::cell(const double* z, CellThermo* o) const {
  const int n = vars();
  const double p = z[0];
  const double t = thermal ? z[1] : fluid_temperature();
  const int nt = thermal ? 2 : 1;  // (p, T) variables present
  const int K = tracking ? int(sources.size()) : 1;
  // Moles per kg of each source, n_k = w_k/M_k, and their derivatives in z (linear).
  double nk[kMaxSources], nk_d[kMaxSources][kMaxVars] = {};
  double w0 = 1.0;
  for (int k = 1; k < K; ++k) w0 -= z[fraction_var(k)];
  for (int k = 0; k < K; ++k) {
    const double M = sources[std::size_t(k)].gas.molar_mass();
    nk[k] = (k == 0 ? w0 : z[fraction_var(k)]) / M;
    for (int j = 1; j < K; ++j) nk_d[k][fraction_var(j)] = (k == j ? 1.0 : k == 0 ? -1.0 : 0.0) / M;
  }
  const double zero_dd[kMaxVars][kMaxVars] = {};
  Sum v, h;
  MolarPoint mp[kMaxSources];
  for (int k = 0; k < K; ++k) {
    mp[k] =
        molar_point(*sources[std::size_t(k)].table, sources[std::size_t(k)].gas.molar_mass(), p, t);
    add_term(v, n, nt, nk[k], nk_d[k], zero_dd, mp[k].v, mp[k].v_d, mp[k].v_dd);
    add_term(h, n, nt, nk[k], nk_d[k], zero_dd, mp[k].h, mp[k].h_d, mp[k].h_dd);
  }
  for (int k = 0; k < K; ++k)
    for (int l = k + 1; l < K; ++l) {
      // Pair term S·Σ_j G_j(s)·E_j(p, T): S = n_k + n_l, s = n_l/S (the pair's own mole
      // fraction of l), E_j the excess of the pair's blend at s_j.
      const double S = nk[k] + nk[l], s = nk[l] / S;
      double S_d[kMaxVars] = {}, s_d[kMaxVars] = {}, s_dd[kMaxVars][kMaxVars] = {};
      for (int a = 0; a < n; ++a) {
        S_d[a] = nk_d[k][a] + nk_d[l][a];
        s_d[a] = nk_d[l][a] / S - nk[l] * S_d[a] / (S * S);
      }
      for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b)
          s_dd[a][b] = -nk_d[l][a] * S_d[b] / (S * S) - nk_d[l][b] * S_d[a] / (S * S) +
                       2.0 * nk[l] * S_d[a] * S_d[b] / (S * S * S);
      const int pair = pair_index(k, l, K);
      for (int j = 0; j < kPairNodes; ++j) {
        const double sj = kPairFractions[j];
        const double M = (1 - sj) * sources[std::size_t(k)].gas.molar_mass() +
                         sj * sources[std::size_t(l)].gas.molar_mass();
        const MolarPoint b = molar_point(*pair_tables[std::size_t(pair * kPairNodes + j)], M, p, t);
        // E_j = (v_b − (1 − s_j)v_k − s_j v_l)/(s_j(1 − s_j)), and alike for h.
        const double c0 = 1.0 / (sj * (1 - sj)), ck = (1 - sj) * c0, cl = sj * c0;
        MolarPoint e;
        e.v = c0 * b.v - ck * mp[k].v - cl * mp[l].v;
        e.h = c0 * b.h - ck * mp[k].h - cl * mp[l].h;
        for (int a = 0; a < 2; ++a) {
          e.v_d[a] = c0 * b.v_d[a] - ck * mp[k].v_d[a] - cl * mp[l].v_d[a];
          e.h_d[a] = c0 * b.h_d[a] - ck * mp[k].h_d[a] - cl * mp[l].h_d[a];
          for (int c = 0; c < 2; ++c) {
            e.v_dd[a][c] = c0 * b.v_dd[a][c] - ck * mp[k].v_dd[a][c] - cl * mp[l].v_dd[a][c];
            e.h_dd[a][c] = c0 * b.h_dd[a][c] - ck * mp[k].h_dd[a][c] - cl * mp[l].h_dd[a][c];
          }
        }
        double g, g1, g2;
        pair_weight(j, s, &g, &g1, &g2);
        // The coefficient c = S·G_j(s) and its derivatives in z.
        const double c = S * g;
        double c_d[kMaxVars] = {}, c_dd[kMaxVars][kMaxVars] = {};
        for (int a = 0; a < n; ++a) c_d[a] = S_d[a] * g + S * g1 * s_d[a];
        for (int a = 0; a < n; ++a)
          for (int bb = 0; bb < n; ++bb)
            c_dd[a][bb] = S_d[a] * g1 * s_d[bb] + S_d[bb] * g1 * s_d[a] +
                          S * (g2 * s_d[a] * s_d[bb] + g1 * s_dd[a][bb]);
        add_term(v, n, nt, c, c_d, c_dd, e.v, e.v_d, e.v_dd);
        add_term(h, n, nt, c, c_d, c_dd, e.h, e.h_d, e.h_dd);
      }
    }
  o->n = n;
  o->h = h.f;
  o->rho = 1.0 / v.f;
  const double v2 = v.f * v.f, v3 = v2 * v.f;
  for (int a = 0; a < n; ++a) {
    o->h_d[a] = h.d[a];
    o->rho_d[a] = -v.d[a] / v2;
    for (int b = 0; b < n; ++b) {
      o->h_dd[a][b] = h.dd[a][b];
      o->rho_dd[a][b] = -v.dd[a][b] / v2 + 2.0 * v.d[a] * v.d[b] / v3;
    }
  }
}

double FlowModel::heating_value(const double* z, double* d) const {
  double lhv = sources[0].lhv;
  for (int k = 1; k <= tracked(); ++k) {
    const double dk = sources[std::size_t(k)].lhv - sources[0].lhv;
    lhv += z[fraction_var(k)] * dk;
    if (d) d[fraction_var(k)] = dk;
  }
  return lhv;
}

double FlowModel::mole_fraction(const double* z, int component) const {
  double moles = 0.0, of = 0.0;
  double w0 = 1.0;
  for (int k = tracked(); k >= 0; --k) {
    const double w = k > 0 ? z[fraction_var(k)] : w0;
    if (k > 0) w0 -= w;
    const auto& mix = sources[std::size_t(k)].gas.mixture;
    if (!mix) return std::nan("");
    const double n = w / mix->molar_mass();
    moles += n;
    of += n * mix->composition()[std::size_t(component)];
  }
  return of / moles;
}

void FlowModel::build_tables(double p_max) {
  TableGrid g;
  g.p_min = 1e4;
  g.p_max = p_max;
  g.dp = 1e5;
  if (thermal) {
    g.t_min = 233.15, g.t_max = 373.15, g.dt = 2.5;
  } else {
    g.t_min = fluid_temperature() - 5.0, g.t_max = fluid_temperature() + 5.0, g.dt = 2.5;
  }
  if (!thermal && !tracking) return;
  auto tabulate = [&](const GasProperties& gas) {
    return std::make_shared<GasTable>([gas](double p, double t) { return gas.law_point(p, t); }, g);
  };
  for (GasSource& s : sources) s.table = tabulate(s.gas);
  pair_tables.clear();
  const int K = tracking ? int(sources.size()) : 1;
  for (int k = 0; k < K; ++k)
    for (int l = k + 1; l < K; ++l) {
      // The pair's blends at the nodes s_j.
      const GasProperties& gk = sources[std::size_t(k)].gas;
      const GasProperties& gl = sources[std::size_t(l)].gas;
      for (double sj : kPairFractions) {
        GasProperties b = gk;
        gerg2008::Composition x{};
        for (std::size_t i = 0; i < x.size(); ++i)
          x[i] = (1 - sj) * gk.mixture->composition()[i] + sj * gl.mixture->composition()[i];
        b.mixture = std::make_shared<const gerg2008::Mixture>(x);
        b.specific_gravity = (1 - sj) * gk.specific_gravity + sj * gl.specific_gravity;
        pair_tables.push_back(tabulate(b));
      }
    }
}

}  // namespace steppe::gas
