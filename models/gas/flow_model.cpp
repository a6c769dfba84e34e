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

// ρ, h of one source and their (p, T) derivatives, as specific volume v = 1/ρ.
struct SourcePoint {
  double v, v_d[2], v_dd[2][2];
  double h, h_d[2], h_dd[2][2];
};

SourcePoint source_point(const GasTable& table, double p, double t) {
  TablePoint q;
  table.at(p, t, &q);
  SourcePoint s;
  const double r = q.rho, r2 = r * r, r3 = r2 * r;
  const double rd[2] = {q.rho_p, q.rho_t};
  const double rdd[2][2] = {{q.rho_pp, q.rho_pt}, {q.rho_pt, q.rho_tt}};
  s.v = 1.0 / r;
  for (int a = 0; a < 2; ++a) {
    s.v_d[a] = -rd[a] / r2;
    for (int b = 0; b < 2; ++b) s.v_dd[a][b] = -rdd[a][b] / r2 + 2.0 * rd[a] * rd[b] / r3;
  }
  s.h = q.h;
  s.h_d[0] = q.h_p, s.h_d[1] = q.h_t;
  s.h_dd[0][0] = q.h_pp, s.h_dd[0][1] = s.h_dd[1][0] = q.h_pt, s.h_dd[1][1] = q.h_tt;
  return s;
}

}  // namespace

void FlowModel::cell(const double* z, CellThermo* o) const {
  const int n = vars();
  const double p = z[0];
  const double t = thermal ? z[1] : fluid_temperature();
  const int K = tracking ? int(sources.size()) : 1;
  // Specific volume and enthalpy of the blend are linear in the fractions: sum the
  // sources' (p, T) parts, then add the fraction columns.
  double w0 = 1.0;
  for (int k = 1; k < K; ++k) w0 -= z[fraction_var(k)];
  double v = 0, h = 0, vp = 0, vt = 0, hp = 0, ht = 0;
  double vpp = 0, vpt = 0, vtt = 0, hpp = 0, hpt = 0, htt = 0;
  SourcePoint s0{};
  for (int k = 0; k < K; ++k) {
    const SourcePoint sk = source_point(*sources[std::size_t(k)].table, p, t);
    if (k == 0) s0 = sk;
    const double w = k == 0 ? w0 : z[fraction_var(k)];
    v += w * sk.v, h += w * sk.h;
    vp += w * sk.v_d[0], vt += w * sk.v_d[1], hp += w * sk.h_d[0], ht += w * sk.h_d[1];
    vpp += w * sk.v_dd[0][0], vpt += w * sk.v_dd[0][1], vtt += w * sk.v_dd[1][1];
    hpp += w * sk.h_dd[0][0], hpt += w * sk.h_dd[0][1], htt += w * sk.h_dd[1][1];
    if (k > 0) {
      const int c = fraction_var(k);
      o->rho_d[c] = sk.v - s0.v;  // v_c for now
      o->h_d[c] = sk.h - s0.h;
      o->rho_dd[0][c] = sk.v_d[0] - s0.v_d[0];
      o->h_dd[0][c] = o->h_dd[c][0] = sk.h_d[0] - s0.h_d[0];
      if (thermal) {
        o->rho_dd[1][c] = sk.v_d[1] - s0.v_d[1];
        o->h_dd[1][c] = o->h_dd[c][1] = sk.h_d[1] - s0.h_d[1];
      }
    }
  }
  // v's derivatives in every variable, then ρ = 1/v.
  double vd[kMaxVars] = {}, vdd[kMaxVars][kMaxVars] = {};
  vd[0] = vp, vdd[0][0] = vpp;
  o->h_d[0] = hp, o->h_dd[0][0] = hpp;
  if (thermal) {
    vd[1] = vt, vdd[0][1] = vdd[1][0] = vpt, vdd[1][1] = vtt;
    o->h_d[1] = ht, o->h_dd[0][1] = o->h_dd[1][0] = hpt, o->h_dd[1][1] = htt;
  }
  for (int k = 1; k < K; ++k) {
    const int c = fraction_var(k);
    vd[c] = o->rho_d[c];
    vdd[0][c] = vdd[c][0] = o->rho_dd[0][c];
    if (thermal) vdd[1][c] = vdd[c][1] = o->rho_dd[1][c];
    for (int c2 = 1; c2 < K; ++c2) vdd[c][fraction_var(c2)] = 0.0;
  }
  o->n = n;
  o->h = h;
  o->rho = 1.0 / v;
  const double v2 = v * v, v3 = v2 * v;
  for (int a = 0; a < n; ++a) {
    o->rho_d[a] = -vd[a] / v2;
    for (int b = 0; b < n; ++b) o->rho_dd[a][b] = -vdd[a][b] / v2 + 2.0 * vd[a] * vd[b] / v3;
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
  for (GasSource& s : sources) {
    if (!thermal && !tracking) continue;
    GasProperties exact = s.gas;
    s.table = std::make_shared<GasTable>(
        [exact](double p, double t) { return exact.law_point(p, t); }, g);
  }
}

}  // namespace steppe::gas
