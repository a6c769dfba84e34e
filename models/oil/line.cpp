#include "models/oil/line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/common/churchill.hpp"

namespace steppe::oil {

// ---- Fluid -----------------------------------------------------------------------------

double Fluid::kinematic_viscosity(double t_kelvin) const {
  const double z = std::pow(10.0, walther_a - walther_b * std::log10(t_kelvin));
  return (std::pow(10.0, z) - 0.7) * 1e-6;
}

void Fluid::fit_walther(double t1, double nu1, double t2, double nu2) {
  const double y1 = std::log10(std::log10(nu1 * 1e6 + 0.7));
  const double y2 = std::log10(std::log10(nu2 * 1e6 + 0.7));
  walther_b = (y1 - y2) / (std::log10(t2) - std::log10(t1));
  walther_a = y1 + walther_b * std::log10(t1);
}

namespace {
std::string where(const std::string& pipe, double chainage) {
  return fmt::format("at {:.3f} km ({})", chainage / 1000.0, pipe);
}
EventAction limit_event(int i, int direction, double p, double maop, double pv,
                        const std::string& place) {
  EventAction a;
  a.kind = "limit";
  a.value = p;
  if (i == 0)
    a.message = fmt::format("pressure {} MAOP {:.6g} Pa {}",
                            direction > 0 ? "rose above" : "fell below", maop, place);
  else
    a.message = fmt::format("pressure {} vapour pressure {:.6g} Pa {}{}",
                            direction < 0 ? "fell below" : "rose above", pv, place,
                            direction < 0 ? ": column separation risk" : "");
  return a;
}
}  // namespace

// ---- Node ------------------------------------------------------------------------------

Node::Node(std::string name, double chainage, double elevation)
    : Component("oil node", std::move(name)), chainage_(chainage), z_(elevation) {}

void Node::set_limits(double maop, double vapour, double guess) {
  maop_ = std::min(maop_, maop);
  vapour_ = std::max(vapour_, vapour);
  guess_ = guess;
}

std::vector<UnknownSpec> Node::unknowns() const {
  return {{"pressure", "Pa", capacitance() > 0 ? VarKind::Differential : VarKind::Algebraic, 1e6}};
}

void Node::residual(const State& s, double* F) const {
  F[pressure()] += capacitance() * s.yp[pressure()];
}

void Node::jacobian(const State&, JacobianWriter& J) const {
  J.add(pressure(), pressure(), 0.0, capacitance());
}

void Node::roots(const State& s, double* g) const {
  g[0] = s.y[pressure()] - maop_;
  g[1] = s.y[pressure()] - vapour_;
}

EventAction Node::on_root(int i, int direction, const State& s) {
  return limit_event(i, direction, s.y[pressure()], maop_, vapour_, where(name(), chainage_));
}

// ---- Pipe ------------------------------------------------------------------------------

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
  plan.column(g, name(), "linefill_mass", "t", "mass of crude in the pipe");
  plan.column(g, name(), "linefill_volume", "m3",
              "linefill as volume at line temperature and atmospheric pressure");
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
  out.set(out_cols_ + 4, lf / 1000.0);
  out.set(out_cols_ + 5, lf / sp_.density);
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
  return limit_event(i % 2, direction, s.y[point(k)], sp_.maop, sp_.vapour_pressure,
                     where(name(), sp_.chainage + k * dx_));
}

// ---- Station ---------------------------------------------------------------------------

namespace {
constexpr double kQeps = 1e-4;  // m³/s: regularises q|q| at zero flow
}

Station::Station(StationSpec spec, Node& suction, Node& discharge)
    : Component("oil station", spec.name), sp_(std::move(spec)), su_(suction), di_(discharge) {
  mode_ = sp_.running ? Mode::Control : Mode::Tripped;
}

std::vector<UnknownSpec> Station::unknowns() const {
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale},
          {"speed", "1", VarKind::Differential, 1.0},
          {"integrator", "1", VarKind::Differential, 1.0}};
}

void Station::bind() {
  pu_ = su_.pressure();
  pd_ = di_.pressure();
}

void Station::initial_values(std::span<double> y) const {
  y[0] = 0.0;
  y[1] = sp_.running ? 1.0 : 0.0;
  y[2] = y[1];
}

void Station::pump_head(double s, double m, double& h, double& dh_ds, double& dh_dm) const {
  const auto& p = sp_.pumps;
  const double ns = p.series ? p.count : 1.0, np = p.series ? 1.0 : p.count;
  const double q = m / sp_.density / np;
  const double r = std::sqrt(q * q + kQeps * kQeps);
  h = ns * (p.shutoff_head * s * s - p.curve_k * q * r);
  dh_ds = ns * 2.0 * p.shutoff_head * s;
  dh_dm = -ns * p.curve_k * (r + q * q / r) / (sp_.density * np);
}

void Station::bypass_law(double m, double& dp, double& ddp) const {
  const double me = kQeps * sp_.density;
  const double r = std::sqrt(m * m + me * me);
  dp = sp_.bypass_r * m * r;
  ddp = sp_.bypass_r * (r + m * m / r);
}

double Station::error_primary(const State& s) const {
  const double t = s.t;
  switch (sp_.variable) {
    case ControlVariable::Discharge:
      return sp_.setpoint.value(t) - s.y[pd_];
    case ControlVariable::Suction:
      return s.y[pu_] - sp_.setpoint.value(t);
    case ControlVariable::Speed:
      return 0.0;
  }
  return 0.0;
}

double Station::error_limit(const State& s) const {
  if (sp_.variable == ControlVariable::Suction) return sp_.limit_pressure - s.y[pd_];
  return s.y[pu_] - sp_.limit_pressure;
}

double Station::command(const State& s) const {
  if (sp_.variable == ControlVariable::Speed) return sp_.setpoint.value(s.t);
  const double e = limit_active() ? error_limit(s) : error_primary(s);
  return s.y[offset() + 2] + e / sp_.band;
}

void Station::residual(const State& s, double* F) const {
  const int im = offset(), is = offset() + 1, ix = offset() + 2;
  const double m = s.y[im], sp = s.y[is], x = s.y[ix];
  if (path_ == Path::Shut) {
    F[im] = m;
  } else if (path_ == Path::Bypass) {
    double dp, ddp;
    bypass_law(m, dp, ddp);
    F[im] = s.y[pd_] - s.y[pu_] + dp;
  } else {
    double h, hs, hm;
    pump_head(sp, m, h, hs, hm);
    F[im] = s.y[pd_] - s.y[pu_] - sp_.density * kGravity * h;
  }
  F[pu_] += m;
  F[pd_] -= m;
  const double ta = sp_.actuator_time, ti = sp_.integral_time;
  switch (mode_) {
    case Mode::Control: {
      F[is] = ta * s.yp[is] + sp - command(s);
      if (sp_.variable == ControlVariable::Speed)
        F[ix] = ti * s.yp[ix] + x;
      else
        F[ix] = s.yp[ix] - (limit_active() ? error_limit(s) : error_primary(s)) / (sp_.band * ti);
      break;
    }
    case Mode::Max:
    case Mode::Min: {
      const double lim = mode_ == Mode::Max ? sp_.max_speed : sp_.min_speed;
      F[is] = ta * s.yp[is] + sp - lim;
      F[ix] = ti * s.yp[ix] + x - lim;
      break;
    }
    case Mode::Tripped:
      F[is] = sp_.rundown_time * s.yp[is] + sp;
      F[ix] = ti * s.yp[ix] + x - sp;
      break;
  }
}

void Station::jacobian(const State& s, JacobianWriter& J) const {
  const int im = offset(), is = offset() + 1, ix = offset() + 2;
  const double m = s.y[im];
  double a_m = 0, a_s = 0, a_p = 1.0;
  if (path_ == Path::Shut) {
    a_m = 1.0, a_p = 0.0;
  } else if (path_ == Path::Bypass) {
    double dp;
    bypass_law(m, dp, a_m);
  } else {
    double h, hs, hm;
    pump_head(s.y[is], m, h, hs, hm);
    a_m = -sp_.density * kGravity * hm;
    a_s = -sp_.density * kGravity * hs;
  }
  J.add(im, im, a_m);
  J.add(im, is, a_s);
  J.add(im, pu_, -a_p);
  J.add(im, pd_, a_p);
  J.add(pu_, im, 1.0);
  J.add(pd_, im, -1.0);
  const double ta = sp_.actuator_time, ti = sp_.integral_time;
  // ∂e/∂p_u, ∂e/∂p_d of the active error.
  double de_u = 0, de_d = 0;
  if (mode_ == Mode::Control && sp_.variable != ControlVariable::Speed) {
    const bool suction_var = limit_active() ? sp_.variable == ControlVariable::Discharge
                                            : sp_.variable == ControlVariable::Suction;
    if (suction_var)
      de_u = 1.0;
    else
      de_d = -1.0;
  }
  const double b = sp_.band;
  double s_s = 1.0, s_x = 0.0, s_dot = ta, x_x = 0.0, x_s = 0.0, x_dot = 0.0;
  double s_u = 0, s_d = 0, x_u = 0, x_d = 0;
  switch (mode_) {
    case Mode::Control:
      if (sp_.variable == ControlVariable::Speed) {
        x_x = 1.0, x_dot = ti;
      } else {
        s_x = -1.0, s_u = -de_u / b, s_d = -de_d / b;
        x_dot = 1.0, x_u = -de_u / (b * ti), x_d = -de_d / (b * ti);
      }
      break;
    case Mode::Max:
    case Mode::Min:
      x_x = 1.0, x_dot = ti;
      break;
    case Mode::Tripped:
      s_dot = sp_.rundown_time;
      x_x = 1.0, x_dot = ti, x_s = -1.0;
      break;
  }
  J.add(is, is, s_s, s_dot);
  J.add(is, ix, s_x);
  J.add(is, pu_, s_u);
  J.add(is, pd_, s_d);
  J.add(ix, ix, x_x, x_dot);
  J.add(ix, is, x_s);
  J.add(ix, pu_, x_u);
  J.add(ix, pd_, x_d);
}

double Station::head(const State& s) const {
  double h, hs, hm;
  pump_head(s.y[offset() + 1], s.y[offset()], h, hs, hm);
  return h;
}

double Station::efficiency(double s, double m) const {
  const auto& p = sp_.pumps;
  const double np = p.series ? 1.0 : p.count;
  const double q = m / sp_.density / np;
  if (s <= 1e-3) return 0.0;
  const double x = q / s / p.best_efficiency_flow;
  return std::max(0.0, p.best_efficiency * (2.0 * x - x * x));
}

double Station::electric_power(const State& s) const {
  if (path_ != Path::Pump) return 0.0;
  const double m = s.y[offset()], sp = s.y[offset() + 1];
  const double eta = efficiency(sp, m) * sp_.pumps.motor_efficiency;
  const double ph = kGravity * m * head(s);
  if (eta < 0.02 || ph <= 0) return 0.0;
  return ph / eta;
}

void Station::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/stations";
  out_ = plan.column(g, name(), "suction_pressure", "Pa", "pressure at the station inlet");
  plan.column(g, name(), "discharge_pressure", "Pa", "pressure at the station outlet");
  plan.column(g, name(), "mass_flow", "kg s-1", "mass flow through the station");
  plan.column(g, name(), "throughput", "t h-1", "throughput in tonnes per hour");
  plan.column(g, name(), "annual_rate", "Mt yr-1", "throughput as an annual rate (365 d)");
  plan.column(g, name(), "speed", "1", "pump speed relative to rated");
  plan.column(g, name(), "head", "m", "head developed by the pumps (pump mode)");
  plan.column(g, name(), "efficiency", "1", "pump efficiency");
  plan.column(g, name(), "hydraulic_power", "W", "hydraulic power g·ṁ·H");
  plan.column(g, name(), "electric_power", "W", "electric power drawn by the motors");
  plan.column(g, name(), "running", "1", "1 running, 0 tripped or stopped");
  plan.column(g, name(), "bypass", "1",
              "1 if the station bypass check valve is open, 0 pumping, -1 both check valves shut");
}

void Station::write_outputs(const State& s, OutputFrame& out) const {
  const double m = s.y[offset()], sp = s.y[offset() + 1];
  const bool pumping = path_ == Path::Pump;
  const double h = pumping ? head(s) : 0.0;
  out.set(out_ + 0, s.y[pu_]);
  out.set(out_ + 1, s.y[pd_]);
  out.set(out_ + 2, m);
  out.set(out_ + 3, m * 3.6);
  out.set(out_ + 4, m * 365.0 * 86400.0 / 1e9);
  out.set(out_ + 5, sp);
  out.set(out_ + 6, h);
  out.set(out_ + 7, pumping ? efficiency(sp, m) : 0.0);
  out.set(out_ + 8, kGravity * m * h);
  out.set(out_ + 9, electric_power(s));
  out.set(out_ + 10, running() ? 1.0 : 0.0);
  out.set(out_ + 11, path_ == Path::Bypass ? 1.0 : 0.0);
}

void Station::roots(const State& s, double* g) const {
  const double m = s.y[offset()];
  double h, hs, hm, dp, ddp;
  pump_head(s.y[offset() + 1], m, h, hs, hm);
  bypass_law(m, dp, ddp);
  if (path_ == Path::Shut) {
    // The pumps' check valve opens only for running pumps; the bypass for p_u > p_d.
    double h0, hs0, hm0;
    pump_head(s.y[offset() + 1], 0.0, h0, hs0, hm0);
    g[0] = mode_ == Mode::Tripped ? -1.0
                                  : sp_.density * kGravity * h0 - (s.y[pd_] - s.y[pu_]) - dp_band();
    g[4] = s.y[pu_] - s.y[pd_] - dp_band();
  } else {
    g[0] = sp_.density * kGravity * h + dp;
    g[4] = m + m_band();
  }
  if (mode_ == Mode::Tripped) {
    g[1] = g[2] = g[3] = 1.0;
    return;
  }
  const double c = command(s);
  g[1] = c - sp_.max_speed;
  g[2] = c - sp_.min_speed;
  g[3] = sp_.has_limit && sp_.variable != ControlVariable::Speed ? error_primary(s) - error_limit(s)
                                                                 : 1.0;
}

EventAction Station::on_root(int i, int direction, const State& s) {
  EventAction a;
  switch (i) {
    case 0:
      if (path_ == Path::Pump && direction < 0) {
        path_ = Path::Bypass;
        a = {true, "mode", s.y[offset()], "bypass opened: pumps no longer develop head"};
      } else if (path_ == Path::Bypass && direction > 0) {
        path_ = Path::Pump;
        a = {true, "mode", s.y[offset()], "bypass closed: pumps develop head"};
      } else if (path_ == Path::Shut && direction > 0) {
        path_ = Path::Pump;
        a = {true, "mode", s.y[pd_] - s.y[pu_], "pumps' check valve opened: pumps deliver"};
      }
      break;
    case 4:
      if (path_ != Path::Shut && direction < 0) {
        path_ = Path::Shut;
        a = {true, "mode", s.y[offset()], "station check valves shut: flow reversed"};
      } else if (path_ == Path::Shut && direction > 0) {
        path_ = Path::Bypass;
        a = {true, "mode", s.y[pu_] - s.y[pd_], "bypass opened: suction above discharge"};
      }
      break;
    case 1:
      if (mode_ == Mode::Control && direction > 0) {
        mode_ = Mode::Max;
        a = {true, "limit", s.y[offset() + 1], "speed at its maximum"};
      } else if (mode_ == Mode::Max && direction < 0) {
        mode_ = Mode::Control;
        a = {true, "mode", s.y[offset() + 1], "speed back under control from its maximum"};
      }
      break;
    case 2:
      if (mode_ == Mode::Control && direction < 0) {
        mode_ = Mode::Min;
        a = {true, "limit", s.y[offset() + 1], "speed at its minimum"};
      } else if (mode_ == Mode::Min && direction > 0) {
        mode_ = Mode::Control;
        a = {true, "mode", s.y[offset() + 1], "speed back under control from its minimum"};
      }
      break;
    case 3:
      if (!on_limit_ && direction > 0) {
        on_limit_ = true;
        a = {true, "limit", s.y[sp_.variable == ControlVariable::Suction ? pd_ : pu_],
             sp_.variable == ControlVariable::Suction ? "control on the maximum discharge pressure"
                                                      : "control on the minimum suction pressure"};
      } else if (on_limit_ && direction < 0) {
        on_limit_ = false;
        a = {true, "mode", s.y[sp_.variable == ControlVariable::Suction ? pu_ : pd_],
             "control back on its set point"};
      }
      break;
    default:
      break;
  }
  return a;
}

EventAction Station::settle(const State& s) {
  double g[5];
  roots(s, g);
  if (path_ != Path::Shut && g[4] < 0) return on_root(4, -1, s);
  if (path_ == Path::Shut && g[0] > 0) return on_root(0, +1, s);
  if (path_ == Path::Shut && g[4] > 0) return on_root(4, +1, s);
  if (path_ == Path::Pump && g[0] < 0) return on_root(0, -1, s);
  if (path_ == Path::Bypass && g[0] > 0) return on_root(0, +1, s);
  if (mode_ == Mode::Tripped) return {};
  if (g[3] > 0 && !on_limit_ && sp_.has_limit) return on_root(3, +1, s);
  if (g[3] < 0 && on_limit_) return on_root(3, -1, s);
  if (mode_ == Mode::Control && g[1] > 1e-9) return on_root(1, +1, s);
  if (mode_ == Mode::Control && g[2] < -1e-9) return on_root(2, -1, s);
  if (mode_ == Mode::Max && g[1] < -1e-9) return on_root(1, -1, s);
  if (mode_ == Mode::Min && g[2] > 1e-9) return on_root(2, +1, s);
  return {};
}

void Station::stop_times(double t0, double t1, std::vector<double>& out) const {
  sp_.setpoint.breakpoints(t0, t1, out);
  for (double t : sp_.trips)
    if (t > t0 && t <= t1) out.push_back(t);
  for (double t : sp_.restarts)
    if (t > t0 && t <= t1) out.push_back(t);
}

EventAction Station::on_stop(double t, const State& s) {
  EventAction a;
  for (double tt : sp_.trips)
    if (tt == t && mode_ != Mode::Tripped) {
      mode_ = Mode::Tripped;
      a = {true, "schedule", s.y[offset() + 1], "station tripped: pumps run down"};
    }
  for (double tt : sp_.restarts)
    if (tt == t && mode_ == Mode::Tripped) {
      mode_ = Mode::Control;
      on_limit_ = sp_.has_limit && sp_.variable != ControlVariable::Speed &&
                  error_primary(s) > error_limit(s);
      a = {true, "schedule", s.y[offset() + 1],
           on_limit_ ? "station restarted (on its pressure limit)" : "station restarted"};
    }
  if (!a.kind.empty()) return a;
  // A set-point step can cross a switching surface at the stop time itself, where no
  // root is seen: choose the mode the state calls for.
  return settle(s);
}

// ---- Valve -----------------------------------------------------------------------------

Valve::Valve(ValveSpec spec, Node& upstream, Node* downstream)
    : Component("oil valve", spec.name), sp_(std::move(spec)), up_(upstream), dn_(downstream) {
  r0_ = sp_.loss / (2.0 * sp_.density * sp_.area * sp_.area);
}

std::vector<UnknownSpec> Valve::unknowns() const {
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale}};
}

void Valve::bind() {
  pu_ = up_.pressure();
  pd_ = dn_ ? dn_->pressure() : -1;
}

double Valve::tau(double t) const {
  const double u = std::clamp(sp_.opening.value(t), 0.0, 1.0);
  switch (sp_.characteristic) {
    case 1:
      return u * u;
    case 2:
      return (std::pow(50.0, u) - 1.0) / 49.0;
    default:
      return u;
  }
}

void Valve::residual(const State& s, double* F) const {
  const int im = offset();
  const double m = s.y[im];
  if (open_) {
    const double tt = tau(s.t);
    const double r = std::sqrt(m * m + m_eps() * m_eps());
    F[im] = r0_ * m * r - tt * tt * (s.y[pu_] - p_down(s));
  } else {
    F[im] = m;
  }
  F[pu_] += m;
  if (dn_) F[pd_] -= m;
}

void Valve::jacobian(const State& s, JacobianWriter& J) const {
  const int im = offset();
  const double m = s.y[im];
  double dm = 1.0, dp = 0.0;
  if (open_) {
    const double tt = tau(s.t);
    const double r = std::sqrt(m * m + m_eps() * m_eps());
    dm = r0_ * (r + m * m / r);
    dp = tt * tt;
  }
  J.add(im, im, dm);
  J.add(im, pu_, -dp);
  J.add(pu_, im, 1.0);
  if (dn_) {
    J.add(im, pd_, dp);
    J.add(pd_, im, -1.0);
  }
}

void Valve::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/valves";
  out_ = plan.column(g, name(), "mass_flow", "kg s-1", "mass flow upstream → downstream");
  plan.column(g, name(), "upstream_pressure", "Pa", "pressure upstream of the valve");
  plan.column(g, name(), "downstream_pressure", "Pa", "pressure downstream of the valve");
  plan.column(g, name(), "opening", "1", "stroke u(t) (0 closed, 1 open)");
  plan.column(g, name(), "open", "1", "0 if a check valve is closed");
}

void Valve::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_ + 0, s.y[offset()]);
  out.set(out_ + 1, s.y[pu_]);
  out.set(out_ + 2, p_down(s));
  out.set(out_ + 3, sp_.opening.value(s.t));
  out.set(out_ + 4, open_ ? 1.0 : 0.0);
}

void Valve::roots(const State& s, double* g) const {
  g[0] = open_ ? s.y[offset()] + m_eps() : s.y[pu_] - p_down(s) - dp_band();
}

EventAction Valve::on_root(int, int direction, const State& s) {
  EventAction a;
  if (open_ && direction < 0) {
    open_ = false;
    a = {true, "mode", s.y[offset()], "check valve closed: flow reversed"};
  } else if (!open_ && direction > 0) {
    open_ = true;
    a = {true, "mode", s.y[pu_] - p_down(s), "check valve opened: forward pressure difference"};
  }
  return a;
}

EventAction Valve::settle(const State& s) {
  if (!sp_.check) return {};
  if (open_ && s.y[offset()] < -m_eps()) return on_root(0, -1, s);
  if (!open_ && s.y[pu_] - p_down(s) > dp_band()) return on_root(0, +1, s);
  return {};
}

// ---- Terminal --------------------------------------------------------------------------

Terminal::Terminal(TerminalSpec spec, Node& node)
    : Component("oil terminal", spec.name), sp_(std::move(spec)), node_(node) {
  node_.hold();
}

std::vector<UnknownSpec> Terminal::unknowns() const {
  std::vector<UnknownSpec> u{{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale}};
  if (sp_.tank) u.push_back({"level", "m", VarKind::Differential, 1.0, true});
  return u;
}

void Terminal::initial_values(std::span<double> y) const {
  y[0] = 0.0;
  if (sp_.tank) y[1] = sp_.initial_level;
}

void Terminal::residual(const State& s, double* F) const {
  const int iq = offset();
  const double q = s.y[iq];
  if (sp_.tank) {
    const int ih = offset() + 1;
    F[iq] = s.y[p_] - sp_.gas_pressure - sp_.density * kGravity * s.y[ih];
    F[ih] = sp_.density * sp_.area * s.yp[ih] + q;
  } else {
    F[iq] = s.y[p_] - sp_.pressure.value(s.t);
  }
  F[p_] -= q;
}

void Terminal::jacobian(const State&, JacobianWriter& J) const {
  const int iq = offset();
  J.add(iq, p_, 1.0);
  if (sp_.tank) {
    const int ih = offset() + 1;
    J.add(iq, ih, -sp_.density * kGravity);
    J.add(ih, ih, 0.0, sp_.density * sp_.area);
    J.add(ih, iq, 1.0);
  }
  J.add(p_, iq, -1.0);
}

void Terminal::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/terminals";
  out_ = plan.column(g, name(), "pressure", "Pa", "pressure at the terminal");
  plan.column(g, name(), "mass_flow", "kg s-1", "mass flow from the terminal into the line");
  plan.column(g, name(), "level", "m", "tank level (0 for a pressure terminal)");
}

void Terminal::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_ + 0, s.y[p_]);
  out.set(out_ + 1, s.y[offset()]);
  out.set(out_ + 2, sp_.tank ? s.y[offset() + 1] : 0.0);
}

// ---- Injection -------------------------------------------------------------------------

Injection::Injection(std::string name, const Pipe& pipe, int point, Profile mass_flow,
                     double density)
    : Component("oil injection", std::move(name)),
      pipe_(pipe),
      k_(point),
      flow_(std::move(mass_flow)),
      density_(density) {}

void Injection::residual(const State& s, double* F) const {
  const double m = flow_.value(s.t);
  F[row_] -= m;
}

void Injection::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/injections";
  out_ = plan.column(g, name(), "mass_flow", "kg s-1", "mass flow into the line (< 0: delivery)");
  plan.column(g, name(), "volume_flow", "m3 h-1", "volume flow at line temperature");
  plan.column(g, name(), "pressure", "Pa", "pressure at the injection point");
}

void Injection::write_outputs(const State& s, OutputFrame& out) const {
  const double m = flow_.value(s.t);
  out.set(out_ + 0, m);
  out.set(out_ + 1, m / density_ * 3600.0);
  out.set(out_ + 2, s.y[row_]);
}

// ---- Point -----------------------------------------------------------------------------

Point::Point(std::string name, const Pipe& pipe, int point)
    : Component("oil point", std::move(name)), pipe_(pipe), k_(point) {}

void Point::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/points";
  out_ = plan.column(g, name(), "pressure", "Pa", "pressure at the point");
  plan.column(g, name(), "head", "m", "piezometric head p/(ρg) + z");
  plan.column(g, name(), "mass_flow", "kg s-1", "mass flow at the point");
  plan.column(g, name(), "distance", "m", "route distance of the point");
}

void Point::write_outputs(const State& s, OutputFrame& out) const {
  const double p = s.y[pipe_.point(k_)];
  out.set(out_ + 0, p);
  out.set(out_ + 1, p / (pipe_.density() * kGravity) + pipe_.elevation(k_));
  out.set(out_ + 2, pipe_.point_flow(s, k_));
  out.set(out_ + 3, pipe_.spec().chainage + k_ * pipe_.dx());
}

}  // namespace steppe::oil
