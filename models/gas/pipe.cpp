#include "models/gas/pipe.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/gas/context.hpp"
#include "solver/study/constants.hpp"

namespace steppe::gas {

namespace {
using constants::kGravity;
}

GasPipe::GasPipe(std::string name, GasNode& from, GasNode& to, const PipeGeometry& g,
                 const Friction& friction, const GasProperties& gas, bool profile_output)
    : Component("gas pipe", std::move(name)),
      from_(from),
      to_(to),
      gas_(gas),
      friction_(friction),
      n_(std::max(1, g.segments)),
      length_(g.length),
      diameter_(g.diameter),
      area_(std::numbers::pi * g.diameter * g.diameter / 4.0),
      dx_(g.length / std::max(1, g.segments)),
      sin_theta_(std::clamp((to.height() - from.height()) / g.length, -1.0, 1.0)),
      re_per_flow_(g.diameter / (area_ * gas.viscosity)),
      profile_output_(profile_output) {
  from_.add_volume(area_ * dx_ / 2.0);
  to_.add_volume(area_ * dx_ / 2.0);
}

std::vector<UnknownSpec> GasPipe::unknowns() const {
  std::vector<UnknownSpec> u;
  u.reserve(static_cast<std::size_t>(2 * n_ - 1));
  const double p_scale = std::max({1e5, from_.initial_pressure(), to_.initial_pressure()});
  const double m_scale = std::max(1.0, area_ * 10.0 * gas_.density(p_scale));  // ~10 m/s
  for (int j = 0; j < n_; ++j) {
    u.push_back(
        {"segment " + std::to_string(j) + " mass_flow", "kg s-1", VarKind::Differential, m_scale});
    if (j + 1 < n_)
      u.push_back(
          {"point " + std::to_string(j + 1) + " pressure", "Pa", VarKind::Differential, p_scale});
  }
  return u;
}

void GasPipe::bind() {
  p_from_ = from_.pressure();
  p_to_ = to_.pressure();
}

void GasPipe::initial_values(std::span<double> y) const {
  const double p0 = from_.initial_pressure(), p1 = to_.initial_pressure();
  for (int j = 0; j < n_; ++j) {
    y[std::size_t(2 * j)] = 0.0;
    if (j + 1 < n_) y[std::size_t(2 * j + 1)] = p0 + (p1 - p0) * (j + 1) / n_;
  }
}

double GasPipe::friction_flux(double m, double* dflux) const {
  const double am = std::abs(m);
  const double re = am * re_per_flow_;
  if (re <= 2000.0) {
    // Laminar: λ = 64/Re makes λ·ṁ|ṁ| = 64·ṁ/(D/(A μ)), linear through zero.
    const double k = 64.0 / re_per_flow_;
    *dflux = k;
    return k * m;
  }
  double dl = 0.0;
  const double l = friction_.lambda(re, &dl);
  *dflux = dl * re_per_flow_ * m * m + 2.0 * l * am;
  return l * m * am;
}

double GasPipe::linepack(const double* y) const {
  double pack = area_ * dx_ / 2.0 * (gas_.density(y[p_from_]) + gas_.density(y[p_to_]));
  for (int i = 1; i < n_; ++i) pack += area_ * dx_ * gas_.density(y[pressure_index(i)]);
  return pack;
}

void GasPipe::residual(const State& s, double* F) const {
  const double* y = s.y;
  for (int i = 1; i < n_; ++i) {
    const int pi = pressure_index(i);
    double drho = 0.0;
    gas_.density(y[pi], &drho);
    F[pi] = area_ * dx_ * drho * s.yp[pi] - y[flow_index(i - 1)] + y[flow_index(i)];
  }
  for (int j = 0; j < n_; ++j) {
    const int m = flow_index(j), pa = pressure_index(j), pb = pressure_index(j + 1);
    const double rho = gas_.density(0.5 * (y[pa] + y[pb]));
    double dflux = 0.0;
    const double flux = friction_flux(y[m], &dflux);
    F[m] = s.yp[m] + area_ * (y[pb] - y[pa]) / dx_ + flux / (2.0 * diameter_ * area_ * rho) +
           area_ * rho * kGravity * sin_theta_;
  }
  F[p_from_] += y[flow_index(0)];
  F[p_to_] -= y[flow_index(n_ - 1)];
}

void GasPipe::jacobian(const State& s, JacobianWriter& J) const {
  const double* y = s.y;
  for (int i = 1; i < n_; ++i) {
    const int pi = pressure_index(i);
    double drho = 0.0, d2rho = 0.0;
    gas_.density(y[pi], &drho, &d2rho);
    J.add(pi, pi, area_ * dx_ * d2rho * s.yp[pi], area_ * dx_ * drho);
    J.add(pi, flow_index(i - 1), -1.0);
    J.add(pi, flow_index(i), 1.0);
  }
  for (int j = 0; j < n_; ++j) {
    const int m = flow_index(j), pa = pressure_index(j), pb = pressure_index(j + 1);
    double drho = 0.0;
    const double rho = gas_.density(0.5 * (y[pa] + y[pb]), &drho);
    double dflux = 0.0;
    const double flux = friction_flux(y[m], &dflux);
    const double c = 2.0 * diameter_ * area_;
    // ∂/∂ρ̄ of the friction and gravity terms, times ∂ρ̄/∂p_a = ∂ρ̄/∂p_b = ρ'/2.
    const double d_rho = -flux / (c * rho * rho) + area_ * kGravity * sin_theta_;
    J.add(m, m, dflux / (c * rho), 1.0);
    J.add(m, pa, -area_ / dx_ + 0.5 * drho * d_rho);
    J.add(m, pb, area_ / dx_ + 0.5 * drho * d_rho);
  }
  J.add(p_from_, flow_index(0), 1.0);
  J.add(p_to_, flow_index(n_ - 1), -1.0);
}

void GasPipe::declare_outputs(OutputPlan& plan) {
  out_in_ = plan.column(kGroupPipes, name(), "inlet_mass_flow", "kg s-1",
                        "mass flow entering at the from end");
  out_out_ = plan.column(kGroupPipes, name(), "outlet_mass_flow", "kg s-1",
                         "mass flow leaving at the to end");
  out_pack_ = plan.column(kGroupPipes, name(), "linepack", "kg", "gas held in the pipe");
  if (profile_output_) {
    std::vector<double> x(static_cast<std::size_t>(n_) + 1);
    for (int i = 0; i <= n_; ++i) x[std::size_t(i)] = i * dx_;
    const std::string group = "gas/profiles/" + name();
    out_prof_p_ = plan.profile(group, "distance", x, "m", "distance from the from end", "pressure",
                               "Pa", "pressure along the pipe");
    out_prof_m_ =
        plan.profile(group, "distance", x, "m", "distance from the from end", "mass_flow", "kg s-1",
                     "mass flow along the pipe (mean of the adjacent segments)");
  }
}

void GasPipe::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_in_, s.y[flow_index(0)]);
  out.set(out_out_, s.y[flow_index(n_ - 1)]);
  out.set(out_pack_, linepack(s.y));
  if (profile_output_) {
    for (int i = 0; i <= n_; ++i) {
      out.set(out_prof_p_ + i, s.y[pressure_index(i)]);
      const double m = i == 0    ? s.y[flow_index(0)]
                       : i == n_ ? s.y[flow_index(n_ - 1)]
                                 : 0.5 * (s.y[flow_index(i - 1)] + s.y[flow_index(i)]);
      out.set(out_prof_m_ + i, m);
    }
  }
}

// ---- reader: gas.pipes[i]
namespace {

Friction read_friction(const Reader& item, const Friction& defaults, double diameter) {
  Friction fr = defaults;
  const std::string law =
      item.choice("friction", {"colebrook", "swamee_jain", "hofer", "nikuradse", "fixed"},
                  defaults.law == FrictionLaw::Fixed ? "fixed" : "");
  if (law == "colebrook") fr.law = FrictionLaw::Colebrook;
  if (law == "swamee_jain") fr.law = FrictionLaw::SwameeJain;
  if (law == "hofer") fr.law = FrictionLaw::Hofer;
  if (law == "nikuradse") fr.law = FrictionLaw::Nikuradse;
  if (item.has("lambda")) {
    fr.law = FrictionLaw::Fixed;
    fr.fixed_lambda = item.quantity("lambda", dim::none);
    item.check("lambda", fr.fixed_lambda > 0 && fr.fixed_lambda < 1, "must lie in (0, 1)");
    if (law != "" && law != "fixed")
      item.error_at_key("lambda", "a fixed lambda contradicts the friction law given");
  } else if (law == "fixed") {
    item.error_at_key("friction", "friction: fixed needs lambda");
  }
  const double eps = item.quantity("roughness", dim::length, defaults.relative_roughness);
  item.check("roughness", eps >= 0 && eps < 0.05, "must be ≥ 0 and below 5 cm");
  fr.relative_roughness = eps / diameter;
  if (fr.law == FrictionLaw::Nikuradse && eps <= 0)
    item.error_at_key("roughness", "Nikuradse's fully rough law needs a roughness > 0");
  return fr;
}

}  // namespace

void read_pipe(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "pipes");
  auto [from, to] = c.ends(item);
  PipeGeometry geo;
  geo.length = item.quantity("length", dim::length);
  geo.diameter = item.quantity("diameter", dim::length);
  item.check("length", geo.length > 0, "must be > 0");
  item.check("diameter", geo.diameter > 0, "must be > 0");
  const double dx = item.quantity("max_segment_length", dim::length, c.default_segment_length);
  item.check("max_segment_length", dx > 0, "must be > 0");
  Friction fr = read_friction(item, c.default_friction, geo.diameter > 0 ? geo.diameter : 1.0);
  const bool profile = item.flag("profile", false);
  item.finish();
  if (name.empty() || !from || !to || geo.length <= 0 || geo.diameter <= 0 || dx <= 0) return;
  geo.segments = std::max(1, static_cast<int>(std::ceil(geo.length / dx - 1e-9)));
  c.network.add_pipe(c.system.emplace<GasPipe>(name, *from, *to, geo, fr, c.gas, profile));
  c.parts.join(from, to);
}

}  // namespace steppe::gas
