#include "models/oil/pipe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/common/churchill.hpp"
#include "models/oil/context.hpp"
#include "models/oil/junction.hpp"

namespace steppe::oil {

namespace {
double interpolate(const std::vector<double>& x, const std::vector<double>& y, double v) {
  if (x.empty()) return 0.0;
  if (v <= x.front()) return y.front();
  if (v >= x.back()) return y.back();
  auto it = std::upper_bound(x.begin(), x.end(), v);
  const std::size_t i = static_cast<std::size_t>(it - x.begin());
  const double w = (v - x[i - 1]) / (x[i] - x[i - 1]);
  return y[i - 1] + w * (y[i] - y[i - 1]);
}
}  // namespace

Pipe::Pipe(PipeSpec spec, Node& inlet, Node& outlet)
    : Component("oil pipe", spec.name), sp_(std::move(spec)), in_(inlet), out_(outlet) {
  n_ = std::max(1, static_cast<int>(std::ceil(sp_.length / sp_.max_segment - 1e-9)));
  dx_ = sp_.length / n_;
  area_ = M_PI * sp_.inner_diameter * sp_.inner_diameter / 4.0;
  c_seg_ = area_ * dx_ / (sp_.wave_speed * sp_.wave_speed);  // kg/Pa per segment
  const double d = sp_.inner_diameter, mu = sp_.viscosity;
  fric_coef_ = dx_ * mu * mu / (2.0 * sp_.density * d * d * d);
  re_coef_ = d / (area_ * mu);
  z_.resize(static_cast<std::size_t>(n_ + 1));
  for (int k = 0; k <= n_; ++k)
    z_[static_cast<std::size_t>(k)] = interpolate(sp_.elevation_x, sp_.elevation_z, k * dx_);
  in_.add_storage(c_seg_ / 2);
  out_.add_storage(c_seg_ / 2);
  in_.set_limits(sp_.maop, sp_.vapour_pressure, sp_.pressure_guess);
  out_.set_limits(sp_.maop, sp_.vapour_pressure, sp_.pressure_guess);
}

int Pipe::point(int k) const {
  if (k <= 0) return p_in_ >= 0 ? p_in_ : in_.pressure();
  if (k >= n_) return p_out_ >= 0 ? p_out_ : out_.pressure();
  return offset() + 2 * k - 1;
}

int Pipe::nearest_point(double x) const {
  return std::clamp(static_cast<int>(std::lround(x / dx_)), 0, n_);
}

void Pipe::friction(double m, double& dp, double& ddp) const {
  const double re = m * re_coef_;
  const friction::Psi p = sp_.fixed_friction >= 0
                              ? friction::fixed_psi(re, sp_.fixed_friction)
                              : friction::churchill_psi(re, sp_.roughness / sp_.inner_diameter);
  dp = fric_coef_ * p.value;
  ddp = fric_coef_ * p.derivative * re_coef_;
}

std::vector<UnknownSpec> Pipe::unknowns() const {
  std::vector<UnknownSpec> u;
  u.reserve(static_cast<std::size_t>(2 * n_ - 1));
  for (int j = 1; j <= n_; ++j) {
    u.push_back({fmt::format("mass_flow[{}]", j), "kg s-1", VarKind::Differential, sp_.flow_scale});
    if (j < n_) u.push_back({fmt::format("pressure[{}]", j), "Pa", VarKind::Differential, 1e6});
  }
  return u;
}

void Pipe::bind() {
  p_in_ = in_.pressure();
  p_out_ = out_.pressure();
}

void Pipe::initial_values(std::span<double> y) const {
  for (int j = 1; j <= n_; ++j) {
    y[static_cast<std::size_t>(2 * (j - 1))] = sp_.flow_guess;
    if (j < n_) y[static_cast<std::size_t>(2 * j - 1)] = sp_.pressure_guess;
  }
}

void Pipe::residual(const State& s, double* F) const {
  const double inertia = dx_ / area_, rg = sp_.density * kGravity;
  for (int j = 1; j <= n_; ++j) {
    const int mj = flow(j);
    const int pa = point(j - 1), pb = point(j);
    const double m = s.y[mj];
    double dp, ddp;
    friction(m, dp, ddp);
    F[mj] = inertia * s.yp[mj] - s.y[pa] + s.y[pb] + dp +
            rg * (z_[static_cast<std::size_t>(j)] - z_[static_cast<std::size_t>(j - 1)]);
    F[pa] += m;  // leaves point j−1
    F[pb] -= m;  // enters point j
  }
  for (int k = 1; k < n_; ++k) F[point(k)] += c_seg_ * s.yp[point(k)];
}

void Pipe::jacobian(const State& s, JacobianWriter& J) const {
  const double inertia = dx_ / area_;
  for (int j = 1; j <= n_; ++j) {
    const int mj = flow(j);
    const int pa = point(j - 1), pb = point(j);
    double dp, ddp;
    friction(s.y[mj], dp, ddp);
    J.add(mj, mj, ddp, inertia);
    J.add(mj, pa, -1.0);
    J.add(mj, pb, 1.0);
    J.add(pa, mj, 1.0);
    J.add(pb, mj, -1.0);
  }
  for (int k = 1; k < n_; ++k) J.add(point(k), point(k), 0.0, c_seg_);
}

double Pipe::linefill(const State& s) const {
  double m = sp_.density * area_ * sp_.length;
  for (int k = 1; k < n_; ++k) m += c_seg_ * (s.y[point(k)] - kAtmosphere);
  if (!in_.held()) m += 0.5 * c_seg_ * (s.y[point(0)] - kAtmosphere);
  if (!out_.held()) m += 0.5 * c_seg_ * (s.y[point(n_)] - kAtmosphere);
  return m;
}

double Pipe::point_flow(const State& s, int k) const {
  if (k <= 0) return s.y[flow(1)];
  if (k >= n_) return s.y[flow(n_)];
  return 0.5 * (s.y[flow(k)] + s.y[flow(k + 1)]);
}

void Pipe::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/pipes";
  out_cols_ = plan.column(g, name(), "inlet_pressure", "Pa", "pressure at the pipe inlet");
  plan.column(g, name(), "outlet_pressure", "Pa", "pressure at the pipe outlet");
  plan.column(g, name(), "inlet_mass_flow", "kg s-1", "mass flow in the first segment");
  plan.column(g, name(), "outlet_mass_flow", "kg s-1", "mass flow in the last segment");
  plan.column(g, name(), "linefill_mass", "kg", "mass of crude in the pipe");
  plan.column(g, name(), "linefill_volume", "m3",
              "linefill as volume at line temperature and atmospheric pressure");
  const int peak = plan.column(g, name(), "max_pressure", "Pa", "highest pressure along the pipe");
  const int low = plan.column(g, name(), "min_pressure", "Pa", "lowest pressure along the pipe");
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
  for (int k = 0; k <= n_; ++k) x[static_cast<std::size_t>(k)] = sp_.chainage + k * dx_;
  const std::string pg = "oil/profiles/" + name();
  out_prof_ = plan.profile(pg, "distance", x, "m", "distance along the route", "pressure", "Pa",
                           "pressure along the pipe");
  plan.profile(pg, "distance", x, "m", "distance along the route", "head", "m",
               "piezometric head p/(ρg) + z along the pipe");
  plan.profile(pg, "distance", x, "m", "distance along the route", "mass_flow", "kg s-1",
               "mass flow along the pipe (mean of the neighbouring segments)");
  plan.profile(pg, "distance", x, "m", "distance along the route", "elevation", "m",
               "elevation of the pipe");
}

void Pipe::write_outputs(const State& s, OutputFrame& out) const {
  const double lf = linefill(s);
  out.set(out_cols_ + 0, s.y[point(0)]);
  out.set(out_cols_ + 1, s.y[point(n_)]);
  out.set(out_cols_ + 2, s.y[flow(1)]);
  out.set(out_cols_ + 3, s.y[flow(n_)]);
  out.set(out_cols_ + 4, lf);
  out.set(out_cols_ + 5, lf / sp_.density);
  double hi = s.y[point(0)], lo = hi;
  for (int k = 1; k <= n_; ++k) hi = std::max(hi, s.y[point(k)]), lo = std::min(lo, s.y[point(k)]);
  out.set(out_cols_ + 6, hi);
  out.set(out_cols_ + 7, lo);
  const int np = n_ + 1;
  const double rg = sp_.density * kGravity;
  for (int k = 0; k <= n_; ++k) {
    const double p = s.y[point(k)];
    out.set(out_prof_ + k, p);
    out.set(out_prof_ + np + k, p / rg + z_[static_cast<std::size_t>(k)]);
    out.set(out_prof_ + 2 * np + k, point_flow(s, k));
    out.set(out_prof_ + 3 * np + k, z_[static_cast<std::size_t>(k)]);
  }
}

void Pipe::roots(const State& s, double* g) const {
  for (int k = 1; k < n_; ++k) {
    const double p = s.y[point(k)];
    g[2 * (k - 1)] = p - sp_.maop;
    g[2 * (k - 1) + 1] = p - sp_.vapour_pressure;
  }
}

EventAction Pipe::on_root(int i, int direction, const State& s) {
  const int k = i / 2 + 1;
  return limit_event(i % 2, direction, s.y[point(k)], sp_.maop, sp_.vapour_pressure, name(),
                     sp_.chainage + k * dx_);
}

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
  if (item.has("friction") && item.text("friction", "") != "churchill") {
    Reader fc = item.child("friction");
    if (auto q = fc.as_quantity(dim::none)) {
      sp.fixed_friction = *q;
      if (*q < 0) fc.error("a fixed Darcy friction factor must be ≥ 0 (or the word churchill)");
    }
  }
  sp.max_segment = item.quantity("max_segment_length", dim::length, 1000.0);
  sp.chainage = item.quantity("start", dim::length, c.chainage);
  sp.maop = item.quantity("maop", dim::pressure, std::numeric_limits<double>::infinity());
  const double temp =
      item.quantity("temperature", dim::temperature, fluid ? fluid->temperature : 288.15);
  std::string upstream = item.text("upstream", "");
  std::vector<double> ex, ez;
  const bool has_elev = read_elevation_table(item, "elevation", ex, ez);
  sp.flow_guess = item.quantity("initial_flow", dim::mass_flow, c.flow_guess);
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
  if (!given_a) a = fluid->wave_speed(sp.density, sp.inner_diameter, wall, young, restraint);
  sp.wave_speed = a;
  sp.pressure_guess = c.pressure_guess;
  sp.flow_scale = std::max(100.0, std::abs(sp.flow_guess));
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
  auto z_at = [&](double x) {
    if (sp.elevation_x.empty()) return 0.0;
    if (x <= sp.elevation_x.front()) return sp.elevation_z.front();
    if (x >= sp.elevation_x.back()) return sp.elevation_z.back();
    std::size_t i = 1;
    while (sp.elevation_x[i] < x) ++i;
    const double w = (x - sp.elevation_x[i - 1]) / (sp.elevation_x[i] - sp.elevation_x[i - 1]);
    return sp.elevation_z[i - 1] + w * (sp.elevation_z[i] - sp.elevation_z[i - 1]);
  };
  Node& in = up ? up->outlet() : c.system.emplace<Node>(name + " inlet", sp.chainage, z_at(0.0));
  Node& out = c.system.emplace<Node>(name + " outlet", sp.chainage + sp.length, z_at(sp.length));
  Pipe& pipe = c.system.emplace<Pipe>(sp, in, out);
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
