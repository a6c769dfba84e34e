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
                 const Friction& friction, const GasProperties& gas, bool profile_output,
                 const FlowModel* flow, PipeHeat heat)
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
      profile_output_(profile_output),
      flow_(flow && flow->extended() ? flow : nullptr),
      heat_(std::move(heat)) {
  from_.add_volume(area_ * dx_ / 2.0);
  to_.add_volume(area_ * dx_ / 2.0);
  if (flow_) {
    k_dx_ = heat_.u * std::numbers::pi * diameter_ * dx_;
    if (flow_->thermal) {
      const double p = 0.5 * (from.initial_pressure() + to.initial_pressure());
      cp_nom_ = flow_->sources[0].gas.law_point(p, flow_->fluid_temperature()).h_t;
    }
    m_sigma_ = std::max(k_dx_ / cp_nom_, 1e-3);
  }
}

std::vector<UnknownSpec> GasPipe::unknowns() const {
  const int nv = flow_ ? flow_->vars() : 1;
  std::vector<UnknownSpec> u;
  u.reserve(static_cast<std::size_t>((nv + 1) * n_));
  const double p_scale = std::max({1e5, from_.initial_pressure(), to_.initial_pressure()});
  const double m_scale = std::max(1.0, area_ * 10.0 * gas_.density(p_scale));  // ~10 m/s
  for (int j = 0; j < n_; ++j) {
    u.push_back(
        {"segment " + std::to_string(j) + " mass_flow", "kg s-1", VarKind::Differential, m_scale});
    if (j + 1 >= n_) continue;
    const std::string point = "point " + std::to_string(j + 1);
    u.push_back({point + " pressure", "Pa", VarKind::Differential, p_scale});
    if (flow_ && flow_->thermal)
      u.push_back({point + " temperature", "K", VarKind::Differential, 300.0});
    for (int k = 1; flow_ && k <= flow_->tracked(); ++k)
      u.push_back({point + " fraction " + flow_->sources[std::size_t(k)].name, "1",
                   VarKind::Differential, 1.0});
  }
  if (flow_ && flow_->thermal) {
    const double q_scale = std::max(1.0, k_dx_ * n_ * 10.0 * 3600.0);  // 10 K for an hour
    u.push_back({"heat_to_ground", "J", VarKind::Differential, q_scale, true});
  }
  return u;
}

void GasPipe::bind() {
  p_from_ = from_.pressure();
  p_to_ = to_.pressure();
  if (!flow_) return;
  stride_ = flow_->vars() + 1;
  cells_.assign(std::size_t(n_) + 1, Cell{});
  thermo_.assign(std::size_t(n_) + 1, CellThermo{});
  for (int c = 0; c < flow_->vars(); ++c) {
    cells_[0].idx[c] = from_.offset() + c;
    cells_[std::size_t(n_)].idx[c] = to_.offset() + c;
    for (int i = 1; i < n_; ++i) cells_[std::size_t(i)].idx[c] = pressure_index(i) + c;
  }
  eps_ = 1e-6 * std::max(1.0, area_ * 10.0 *
                                  gas_.density(std::max(
                                      {1e5, from_.initial_pressure(), to_.initial_pressure()})));
}

void GasPipe::initial_values(std::span<double> y) const {
  const double p0 = from_.initial_pressure(), p1 = to_.initial_pressure();
  const int nv = flow_ ? flow_->vars() : 1;
  // First guess of the flow (isothermal pipes without tracking): the steady isothermal law
  // between the end nodes' initial pressures, dp/dx = −λ·ṁ|ṁ|/(2·D·A²·ρ̄), with the turbulent
  // λ at Re 1e7 and ρ̄ at the mean pressure (no elevation) — a start the steady solve needs
  // few steps from when the initial pressures come from a network computation (the
  // importers: GasLib-582 does not start from zero flows). With heat or composition zero, as
  // before (the upwinded transport and the real-gas state are left as they were).
  double m0 = 0.0;
  if (!flow_) {
    const double rho = gas_.density(0.5 * (p0 + p1)), lambda = friction_.turbulent(1e7);
    if (lambda > 0 && rho > 0)
      m0 = std::copysign(
          std::sqrt(std::abs(p0 - p1) * 2.0 * diameter_ * area_ * area_ * rho / (lambda * length_)),
          p0 - p1);
  }
  for (int j = 0; j < n_; ++j) {
    const std::size_t at = std::size_t((nv + 1) * j);
    y[at] = m0;
    if (j + 1 >= n_) continue;
    y[at + 1] = p0 + (p1 - p0) * (j + 1) / n_;
    for (int c = 1; c < nv; ++c)
      y[at + 1 + std::size_t(c)] = c == flow_->temperature_var() ? flow_->fluid_temperature() : 0.0;
  }
  if (flow_ && flow_->thermal) y[y.size() - 1] = 0.0;
}

double GasPipe::friction_flux(double m, double* dflux) const {
  const double am = std::abs(m);
  const double re = am * re_per_flow_;
  if (re <= 2000.0) {
    // Laminar: λ = 64/Re makes λ·ṁ|ṁ| = 64·ṁ/(D/(A μ)), linear through zero.
    const double k = 64.0 / re_per_flow_;
    if (dflux) *dflux = k;
    return k * m;
  }
  double dl = 0.0;
  const double l = friction_.lambda(re, dflux ? &dl : nullptr);
  if (dflux) *dflux = dl * re_per_flow_ * m * m + 2.0 * l * am;
  return l * m * am;
}

double GasPipe::linepack(const double* y) const {
  if (flow_) return linepack_extended(y);
  double pack = area_ * dx_ / 2.0 * (gas_.density(y[p_from_]) + gas_.density(y[p_to_]));
  for (int i = 1; i < n_; ++i) pack += area_ * dx_ * gas_.density(y[pressure_index(i)]);
  return pack;
}

void GasPipe::residual(const State& s, double* F) const {
  if (flow_) return residual_extended(s, F);
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
    const double flux = friction_flux(y[m], nullptr);
    F[m] = s.yp[m] + area_ * (y[pb] - y[pa]) / dx_ + flux / (2.0 * diameter_ * area_ * rho) +
           area_ * rho * kGravity * sin_theta_;
  }
  F[p_from_] += y[flow_index(0)];
  F[p_to_] -= y[flow_index(n_ - 1)];
}

void GasPipe::jacobian(const State& s, JacobianWriter& J) const {
  if (flow_) return jacobian_extended(s, J);
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
  plan.connection(kGroupPipes, name(), "from_node", kGroupNodes, from_.name());
  plan.connection(kGroupPipes, name(), "to_node", kGroupNodes, to_.name());
  plan.value(kGroupPipes, name(), "length", length_, "m", "pipe length");
  plan.value(kGroupPipes, name(), "diameter", diameter_, "m", "inner diameter");
  const bool thermal = flow_ && flow_->thermal;
  if (thermal) {
    out_heat_rate_ = plan.column(kGroupPipes, name(), "heat_to_ground", "W",
                                 "heat flowing from the gas to the ground");
    out_heat_ = plan.column(kGroupPipes, name(), "heat_lost", "J",
                            "heat given to the ground since the start");
  }
  if (profile_output_) {
    std::vector<double> x(static_cast<std::size_t>(n_) + 1);
    for (int i = 0; i <= n_; ++i) x[std::size_t(i)] = i * dx_;
    const std::string group = "gas/profiles/" + name();
    out_prof_p_ = plan.profile(group, "distance", x, "m", "distance from the from end", "pressure",
                               "Pa", "pressure along the pipe");
    out_prof_m_ =
        plan.profile(group, "distance", x, "m", "distance from the from end", "mass_flow", "kg s-1",
                     "mass flow along the pipe (mean of the adjacent segments)");
    if (thermal)
      out_prof_t_ = plan.profile(group, "distance", x, "m", "distance from the from end",
                                 "temperature", "K", "gas temperature along the pipe");
  }
}

void GasPipe::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_in_, s.y[flow_index(0)]);
  out.set(out_out_, s.y[flow_index(n_ - 1)]);
  out.set(out_pack_, linepack(s.y));
  const bool thermal = flow_ && flow_->thermal;
  if (thermal) {
    out.set(out_heat_rate_, s.yp[heat_index()]);
    out.set(out_heat_, s.y[heat_index()]);
  }
  if (profile_output_) {
    for (int i = 0; i <= n_; ++i) {
      out.set(out_prof_p_ + i, s.y[pressure_index(i)]);
      const double m = i == 0    ? s.y[flow_index(0)]
                       : i == n_ ? s.y[flow_index(n_ - 1)]
                                 : 0.5 * (s.y[flow_index(i - 1)] + s.y[flow_index(i)]);
      out.set(out_prof_m_ + i, m);
      if (thermal) out.set(out_prof_t_ + i, s.y[cells_[std::size_t(i)].idx[1]]);
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

const Dimension kConductivity = dim::power / (dim::length * dim::temperature);
const Dimension kHeatTransfer = dim::power / (dim::area * dim::temperature);

// Heat exchange with the ground: U given, or from the soil's conductivity and the burial
// depth; the ground temperature from the pipe, the section, or the annual wave at depth.
PipeHeat read_pipe_heat(const Reader& item, const Context& c, double diameter) {
  PipeHeat h;
  const char* keys[] = {"heat_transfer_coefficient", "burial_depth", "soil_conductivity",
                        "ground_temperature"};
  if (!c.energy.on) {
    for (const char* k : keys)
      if (item.has(k)) item.error_at_key(k, "needs the energy equation (a gas.energy section)");
    return h;
  }
  const EnergyDefaults& e = c.energy;
  const double depth = item.quantity("burial_depth", dim::length, e.burial_depth);
  const double ks = item.quantity("soil_conductivity", kConductivity, e.soil_conductivity);
  item.check("burial_depth", depth > 0.5 * diameter,
             "the pipe axis must lie deeper than the pipe's radius");
  item.check("soil_conductivity", ks > 0, "must be > 0");
  const bool given = item.has("heat_transfer_coefficient") || e.u >= 0;
  h.u = item.quantity("heat_transfer_coefficient", kHeatTransfer, e.u);
  item.check("heat_transfer_coefficient", !given || h.u >= 0, "must be ≥ 0 (W/m²/K)");
  if (!given && depth > 0.5 * diameter && ks > 0)
    h.u = 2.0 * ks / (diameter * std::acosh(2.0 * depth / diameter));
  h.ground = e.ground;
  h.ground.depth = depth;
  if (item.has("ground_temperature")) {
    h.ground.annual_wave = false;
    h.ground.profile = item.profile("ground_temperature", dim::temperature);
  }
  return h;
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
  const PipeHeat heat = read_pipe_heat(item, c, geo.diameter);
  item.finish();
  if (name.empty() || !from || !to || geo.length <= 0 || geo.diameter <= 0 || dx <= 0) return;
  geo.segments = item.segments(geo.length, dx, "max_segment_length");
  if (geo.segments == 0) return;
  c.network.add_pipe(
      c.system.emplace<GasPipe>(name, *from, *to, geo, fr, c.gas, profile, &c.flow, heat));
  c.parts.join(from, to);
}

}  // namespace steppe::gas
