#include "models/common/gerg2008.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "models/common/gerg2008_data.hpp"

namespace steppe::gerg2008 {

namespace {

using data::kPure;

constexpr double kRStar = 8.31451;             // J/(mol K): the gas constant of the ideal-gas fits
constexpr double kT0 = 298.15, kP0 = 101.325;  // K, kPa: reference state of h and s

// Ideal gross heating values at 25 °C [kJ/mol] (AGA Report No. 5, 2009) and the moles of
// water formed per mole burnt (net = gross − n_H₂O · h_vap(H₂O, 25 °C) = gross − n · 44.016).
struct Heating {
  double gross;
  int water;
};
constexpr Heating kHeating[kComponents] = {
    {890.63, 2},   {0, 0},        {0, 0},       {1560.69, 3}, {2219.17, 4}, {2868.2, 5},
    {2877.4, 5},   {3528.83, 6},  {3535.77, 6}, {4194.95, 7}, {4853.43, 8}, {5511.8, 9},
    {6171.15, 10}, {6829.77, 11}, {285.83, 1},  {0, 0},       {282.98, 0},  {44.016, 1},
    {562.01, 1},   {0, 0},        {0, 0}};
constexpr double kWaterLatent = 44.016;  // kJ/mol at 25 °C

// Formulas and short names a study may use besides the component names.
struct Alias {
  const char* name;
  int component;
};
constexpr Alias kAliases[] = {{"ch4", Methane},       {"n2", Nitrogen},
                              {"co2", CarbonDioxide}, {"c2h6", Ethane},
                              {"c3h8", Propane},      {"i_c4h10", Isobutane},
                              {"ic4", Isobutane},     {"i_butane", Isobutane},
                              {"n_c4h10", NButane},   {"nc4", NButane},
                              {"butane", NButane},    {"i_c5h12", Isopentane},
                              {"ic5", Isopentane},    {"i_pentane", Isopentane},
                              {"n_c5h12", NPentane},  {"nc5", NPentane},
                              {"pentane", NPentane},  {"nc6", NHexane},
                              {"hexane", NHexane},    {"nc7", NHeptane},
                              {"heptane", NHeptane},  {"nc8", NOctane},
                              {"octane", NOctane},    {"nc9", NNonane},
                              {"nonane", NNonane},    {"nc10", NDecane},
                              {"decane", NDecane},    {"h2", Hydrogen},
                              {"o2", Oxygen},         {"co", CarbonMonoxide},
                              {"h2o", Water},         {"h2s", HydrogenSulfide},
                              {"he", Helium},         {"ar", Argon}};

std::string normalised(std::string_view s) {
  std::string out;
  for (char ch : s) out += ch == '-' || ch == ' ' ? '_' : char(std::tolower((unsigned char)ch));
  return out;
}

// Index of the pair (i, j), i < j, in the upper-triangle table kBinary.
int pair_index(int i, int j) {
  return i * (2 * kComponents - i - 1) / 2 + (j - i - 1);
}

}  // namespace

std::string_view component_name(int i) {
  return kPure[i].name;
}

int find_component(std::string_view name) {
  const std::string n = normalised(name);
  for (int i = 0; i < kComponents; ++i)
    if (n == kPure[i].name) return i;
  for (const Alias& a : kAliases)
    if (n == a.name) return a.component;
  return -1;
}

double molar_mass(int i) {
  return kPure[i].molar_mass * 1e-3;
}

double gross_heating_value(int i) {
  return kHeating[i].gross * 1e3;
}

double net_heating_value(int i) {
  return (kHeating[i].gross - kHeating[i].water * kWaterLatent) * 1e3;
}

Mixture::Mixture(const Composition& x) {
  double sum = 0.0;
  for (double v : x) sum += v;
  for (int i = 0; i < kComponents; ++i) {
    x_[i] = sum > 0 ? x[i] / sum : 0.0;
    if (x_[i] > 0) present_.push_back(i);
    molar_mass_ += x_[i] * gerg2008::molar_mass(i);
  }
  // Reducing functions.
  double v_r = 0.0;  // dm³/mol
  for (std::size_t a = 0; a < present_.size(); ++a) {
    const int i = present_[a];
    const double xi = x_[i];
    v_r += xi * xi / kPure[i].critical_density;
    t_r_ += xi * xi * kPure[i].critical_t;
    for (std::size_t b = a + 1; b < present_.size(); ++b) {
      const int j = present_[b];
      const double xj = x_[j];
      const data::BinaryPair& bp = data::kBinary[pair_index(i, j)];
      const double vc = std::pow(std::cbrt(1.0 / kPure[i].critical_density) +
                                     std::cbrt(1.0 / kPure[j].critical_density),
                                 3) /
                        8.0;
      const double tc = std::sqrt(kPure[i].critical_t * kPure[j].critical_t);
      const double w = 2.0 * xi * xj * (xi + xj);
      v_r += w * bp.beta_v * bp.gamma_v * vc / (bp.beta_v * bp.beta_v * xi + xj);
      t_r_ += w * bp.beta_t * bp.gamma_t * tc / (bp.beta_t * bp.beta_t * xi + xj);
    }
  }
  rho_r_ = 1e3 / v_r;  // mol/m³

  // Residual terms, weighted by the composition, then merged where exponents agree.
  std::vector<Term> all;
  for (int i : present_)
    for (int k = data::kPureStart[i]; k < data::kPureStart[i + 1]; ++k) {
      const data::PureTerm& p = data::kPureTerms[k];
      all.push_back({x_[i] * p.n, p.t, p.d, p.c, 0.0, 0.0});
    }
  for (std::size_t a = 0; a < present_.size(); ++a)
    for (std::size_t b = a + 1; b < present_.size(); ++b) {
      const int i = present_[a], j = present_[b];
      const data::BinaryPair& bp = data::kBinary[pair_index(i, j)];
      if (bp.departure < 0) continue;
      const double w = x_[i] * x_[j] * bp.f;
      for (int k = data::kDepartureStart[bp.departure]; k < data::kDepartureStart[bp.departure + 1];
           ++k) {
        const data::DepartureTerm& q = data::kDepartureTerms[k];
        // exp(−η(δ−ε)² − β(δ−γ)) = exp(−ηε² + βγ)·exp((2ηε − β)δ − ηδ²)
        all.push_back({w * q.n * std::exp(-q.eta * q.epsilon * q.epsilon + q.beta * q.gamma), q.t,
                       q.d, 0, 2.0 * q.eta * q.epsilon - q.beta, -q.eta});
      }
    }
  for (const Term& t : all) {
    auto same = [&](const Term& u) {
      return u.t == t.t && u.d == t.d && u.c == t.c && u.a1 == t.a1 && u.a2 == t.a2;
    };
    auto it = std::find_if(terms_.begin(), terms_.end(), same);
    if (it == terms_.end())
      terms_.push_back(t);
    else
      it->n += t.n;
  }
}

double Mixture::net_heating_value() const {
  double h = 0.0;
  for (int i : present_) h += x_[i] * gerg2008::net_heating_value(i);
  return h;
}

double Mixture::gross_heating_value() const {
  double h = 0.0;
  for (int i : present_) h += x_[i] * gerg2008::gross_heating_value(i);
  return h;
}

Mixture::Residual Mixture::residual(double t, double rho, bool temperature_terms) const {
  Residual r;
  const double delta = rho / rho_r_, tau = t_r_ / t;
  const double ln_delta = std::log(delta), ln_tau = std::log(tau);
  double dpow[8];
  dpow[0] = 1.0;
  for (int k = 1; k < 8; ++k) dpow[k] = dpow[k - 1] * delta;
  auto& a = r.a;
  for (const Term& term : terms_) {
    const double dc = term.c ? dpow[term.c] : 0.0;
    const double e = term.n * std::exp(term.d * ln_delta + term.t * ln_tau - dc + term.a1 * delta +
                                       term.a2 * delta * delta);
    // With g = δ^d·exp(a₁δ + a₂δ² − δ^c) and θ = δ d/dδ: θg = L·g, θ²g = (θL + L²)g,
    // θ³g = (θ²L + 3LθL + L³)g; δ²g'' = θ²g − θg, δ³g''' = θ³g − 3θ²g + 2θg.
    const double c = term.c;
    const double l1 = term.d - c * dc + term.a1 * delta + 2.0 * term.a2 * delta * delta;
    const double tl1 = -c * c * dc + term.a1 * delta + 4.0 * term.a2 * delta * delta;
    const double ttl1 = -c * c * c * dc + term.a1 * delta + 8.0 * term.a2 * delta * delta;
    const double th2 = tl1 + l1 * l1;
    const double th3 = ttl1 + 3.0 * l1 * tl1 + l1 * l1 * l1;
    const double d2 = th2 - l1;
    a[0][1] += e * l1;
    a[0][2] += e * d2;
    if (!temperature_terms) continue;
    a[0][0] += e;
    a[0][3] += e * (th3 - 3.0 * th2 + 2.0 * l1);
    a[1][0] += term.t * e;
    a[2][0] += term.t * (term.t - 1.0) * e;
    a[1][1] += term.t * e * l1;
    a[1][2] += term.t * e * d2;
  }
  return r;
}

void Mixture::ideal(double t, double rho, double a0[3]) const {
  const double rsr = kRStar / kR;
  const double d0 = kP0 / (kR * kT0);  // mol/dm³ at the reference state
  const double ln_t = std::log(t);
  const double ln_rho = std::log(std::max(rho * 1e-3, 1e-300));  // mol/dm³
  a0[0] = a0[1] = a0[2] = 0.0;
  for (int i : present_) {
    const double* n = kPure[i].n0;
    const double n1 = rsr * n[0] - std::log(d0);
    const double n2 = rsr * (n[1] + kT0) - kT0;
    const double n3 = rsr * (n[2] - 1.0);
    double s0 = 0.0, s1 = 0.0, s2 = 0.0;
    for (int k = 0; k < 4; ++k) {
      const double theta = kPure[i].theta0[k];
      if (theta <= 0) continue;
      const double nk = rsr * n[3 + k];
      const double u = theta / t;
      if (k % 2 == 0) {  // + n ln|sinh u|
        const double sh = std::sinh(u);
        s0 += nk * std::log(std::abs(sh));
        s1 += nk * u * std::cosh(u) / sh;
        s2 += nk * (u / sh) * (u / sh);
      } else {  // − n ln cosh u
        const double ch = std::cosh(u);
        s0 -= nk * std::log(ch);
        s1 -= nk * u * std::sinh(u) / ch;
        s2 += nk * (u / ch) * (u / ch);
      }
    }
    a0[0] += x_[i] * (std::log(x_[i]) + ln_rho + n1 + n2 / t - n3 * ln_t + s0);
    a0[1] += x_[i] * (n3 + n2 / t + s1);
    a0[2] -= x_[i] * (n3 + s2);
  }
}

double Mixture::pressure(double t, double rho, double* dp_drho) const {
  const Residual r = residual(t, rho, false);
  if (dp_drho) *dp_drho = kR * t * (1.0 + 2.0 * r.a[0][1] + r.a[0][2]);
  return rho * kR * t * (1.0 + r.a[0][1]);
}

double Mixture::density(double t, double p) const {
  if (!(p > 0) || !(t > 0)) return std::numeric_limits<double>::quiet_NaN();
  // Newton on ln ρ for ln p, from the ideal gas; a step into an unstable state (∂p/∂ρ ≤ 0)
  // is pulled back toward lower density.
  const double ln_p = std::log(p);
  double ln_rho = std::log(p / (kR * t));
  for (int it = 0; it < 60; ++it) {
    const double rho = std::exp(ln_rho);
    double dp = 0.0;
    const double p2 = pressure(t, rho, &dp);
    if (!(dp > 0) || !(p2 > 0)) {
      ln_rho -= 0.1;
      continue;
    }
    const double step = (std::log(p2) - ln_p) * p2 / (rho * dp);
    ln_rho -= step;
    if (std::abs(step) < 1e-13) return std::exp(ln_rho);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

Properties Mixture::properties(double t, double rho) const {
  const Residual r = residual(t, rho, true);
  double a0[3];
  ideal(t, rho, a0);
  const auto& a = r.a;
  Properties q;
  const double rt = kR * t;
  q.temperature = t;
  q.density = rho;
  q.z = 1.0 + a[0][1];
  q.pressure = rho * rt * q.z;
  q.dp_drho = rt * (1.0 + 2.0 * a[0][1] + a[0][2]);
  q.dp_dt = rho * kR * (1.0 + a[0][1] - a[1][1]);
  q.d2p_dtdrho = kR * (1.0 + 2.0 * a[0][1] + a[0][2] - 2.0 * a[1][1] - a[1][2]);
  q.d2p_drho2 = rt * (2.0 * a[0][1] + 4.0 * a[0][2] + a[0][3]) / rho;
  q.internal_energy = rt * (a0[1] + a[1][0]);
  q.enthalpy = rt * (1.0 + a[0][1] + a0[1] + a[1][0]);
  q.entropy = kR * (a0[1] + a[1][0] - a0[0] - a[0][0]);
  q.gibbs_energy = rt * (1.0 + a[0][1] + a0[0] + a[0][0]);
  q.cv = -kR * (a0[2] + a[2][0]);
  q.cp = q.cv + t * (q.dp_dt / rho) * (q.dp_dt / rho) / q.dp_drho;
  q.speed_of_sound = std::sqrt(std::max(0.0, q.cp / q.cv * q.dp_drho / molar_mass_));
  q.joule_thomson = (t / rho * q.dp_dt / q.dp_drho - 1.0) / (q.cp * rho);
  q.isentropic_exponent = q.speed_of_sound * q.speed_of_sound * molar_mass_ / (rt * q.z);
  return q;
}

}  // namespace steppe::gerg2008
