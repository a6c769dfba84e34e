#include "models/oil/station.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/oil/context.hpp"
#include "models/oil/pipe.hpp"

namespace steppe::oil {

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
  // The suction's crude: the upstream pipe's last cell, ρ = ρ_0 + Σ_g (ρ_g − ρ_0) φ_g.
  rho_ = CellDensity{sp_.density, {}, {}};
  if (suction_) rho_ = suction_->density_of_cell(suction_->cells() - 1);
}

double Station::suction_density(const double* y) const {
  return rho_(y);
}

void Station::initial_values(std::span<double> y) const {
  y[0] = 0.0;
  y[1] = sp_.running ? 1.0 : 0.0;
  y[2] = y[1];
}

void Station::pump_head(double s, double m, double rho, double& h, double& dh_ds,
                        double& dh_dm) const {
  const auto& p = sp_.pumps;
  const double ns = p.series ? p.count : 1.0, np = p.series ? 1.0 : p.count;
  const double q = m / rho / np;
  const double r = std::sqrt(q * q + kQeps * kQeps);
  h = ns * (p.shutoff_head * s * s - p.curve_k * q * r);
  dh_ds = ns * 2.0 * p.shutoff_head * s;
  dh_dm = -ns * p.curve_k * (r + q * q / r) / (rho * np);
}

void Station::bypass_law(double m, double rho, double& dp, double& ddp) const {
  const double me = kQeps * sp_.density;
  const double r = std::sqrt(m * m + me * me), k = sp_.bypass_r * sp_.density / rho;
  dp = k * m * r;
  ddp = k * (r + m * m / r);
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
  const double m = s.y[im], sp = s.y[is], x = s.y[ix], rho = suction_density(s.y);
  if (path_ == Path::Shut) {
    F[im] = m;
  } else if (path_ == Path::Bypass) {
    double dp, ddp;
    bypass_law(m, rho, dp, ddp);
    F[im] = s.y[pd_] - s.y[pu_] + dp;
  } else {
    double h, hs, hm;
    pump_head(sp, m, rho, h, hs, hm);
    F[im] = s.y[pd_] - s.y[pu_] - rho * kGravity * h;
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
      if (sp_.pumps.inertia > 0)
        F[is] = sp_.pumps.inertia * sp_.pumps.rated_speed * s.yp[is] + torque(sp, m, rho);
      else
        F[is] = sp_.rundown_time * s.yp[is] + sp;
      F[ix] = ti * s.yp[ix] + x - sp;
      break;
    case Mode::Ramp:
      F[is] = s.yp[is] - 1.0 / sp_.restart_ramp;
      F[ix] = ti * s.yp[ix] + x - sp;
      break;
  }
}

double Station::torque(double s, double m, double rho, double* d_s, double* d_m,
                       double* d_rho) const {
  const auto& p = sp_.pumps;
  const double np = p.series ? 1.0 : p.count;
  const double q = path_ == Path::Pump ? m / rho / np : 0.0;
  const double dq = path_ == Path::Pump ? 1.0 / (rho * np) : 0.0;
  const double* c = p.torque;
  // The curve is the station's crude's (ρ_ref); the torque at a flow scales with ρ.
  const double w = rho / sp_.density;
  const double t = c[0] * s * s + c[1] * s * q + c[2] * q * q, dt_dq = c[1] * s + 2.0 * c[2] * q;
  if (d_s) *d_s = w * (2.0 * c[0] * s + c[1] * q);
  if (d_m) *d_m = w * dt_dq * dq;
  if (d_rho) *d_rho = t / sp_.density - w * dt_dq * q / rho;
  return w * t;
}

void Station::jacobian(const State& s, JacobianWriter& J) const {
  const int im = offset(), is = offset() + 1, ix = offset() + 2;
  const double m = s.y[im], rho = suction_density(s.y);
  double a_m = 0, a_s = 0, a_p = 1.0, a_rho = 0;
  if (path_ == Path::Shut) {
    a_m = 1.0, a_p = 0.0;
  } else if (path_ == Path::Bypass) {
    double dp;
    bypass_law(m, rho, dp, a_m);
    a_rho = -dp / rho;
  } else {
    double h, hs, hm;
    pump_head(s.y[is], m, rho, h, hs, hm);
    a_m = -rho * kGravity * hm;
    a_s = -rho * kGravity * hs;
    a_rho = -kGravity * h + kGravity * m * hm;  // H depends on m/ρ: ∂H/∂ρ = −(m/ρ) ∂H/∂m
  }
  J.add(im, im, a_m);
  J.add(im, is, a_s);
  J.add(im, pu_, -a_p);
  J.add(im, pd_, a_p);
  rho_.add_jacobian(J, im, a_rho);
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
  double s_u = 0, s_d = 0, x_u = 0, x_d = 0, s_m = 0, s_rho = 0;
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
      if (sp_.pumps.inertia > 0) {
        s_dot = sp_.pumps.inertia * sp_.pumps.rated_speed;
        torque(s.y[is], m, rho, &s_s, &s_m, &s_rho);
      } else {
        s_dot = sp_.rundown_time;
      }
      x_x = 1.0, x_dot = ti, x_s = -1.0;
      break;
    case Mode::Ramp:
      s_s = 0.0, s_dot = 1.0;
      x_x = 1.0, x_dot = ti, x_s = -1.0;
      break;
  }
  J.add(is, is, s_s, s_dot);
  J.add(is, im, s_m);
  J.add(is, ix, s_x);
  J.add(is, pu_, s_u);
  J.add(is, pd_, s_d);
  rho_.add_jacobian(J, is, s_rho);
  J.add(ix, ix, x_x, x_dot);
  J.add(ix, is, x_s);
  J.add(ix, pu_, x_u);
  J.add(ix, pd_, x_d);
}

double Station::head(const State& s) const {
  double h, hs, hm;
  pump_head(s.y[offset() + 1], s.y[offset()], suction_density(s.y), h, hs, hm);
  return h;
}

double Station::efficiency(double s, double m, double rho) const {
  const auto& p = sp_.pumps;
  const double np = p.series ? 1.0 : p.count;
  const double q = m / rho / np;
  if (s <= 1e-3) return 0.0;
  const double x = q / s / p.best_efficiency_flow;
  return std::max(0.0, p.best_efficiency * (2.0 * x - x * x));
}

double Station::electric_power(const State& s) const {
  if (path_ != Path::Pump) return 0.0;
  const double m = s.y[offset()], sp = s.y[offset() + 1];
  const double eta = efficiency(sp, m, suction_density(s.y)) * sp_.pumps.motor_efficiency;
  const double ph = kGravity * m * head(s);
  if (eta < 0.02 || ph <= 0) return 0.0;
  return ph / eta;
}

double Station::electric_power(const State& s, double* d_m, double* d_s, double* d_rho) const {
  *d_m = *d_s = *d_rho = 0.0;
  const double P = electric_power(s);
  if (P == 0.0) return 0.0;
  // P = g·m·H(s, m/ρ) / (η_b·(2x − x²)·η_motor),  x = m/(ρ·n_p·s·q_b).
  const auto& p = sp_.pumps;
  const double m = s.y[offset()], sp = s.y[offset() + 1], rho = suction_density(s.y);
  const double np = p.series ? 1.0 : p.count;
  const double x = m / (rho * np * sp * p.best_efficiency_flow);
  const double eta = p.best_efficiency * (2.0 * x - x * x) * p.motor_efficiency;
  const double deta_dx = p.best_efficiency * (2.0 - 2.0 * x) * p.motor_efficiency;
  double h, hs, hm;
  pump_head(sp, m, rho, h, hs, hm);
  const double ph = kGravity * m * h;
  const double dph_dm = kGravity * (h + m * hm), dph_ds = kGravity * m * hs;
  const double dph_drho = -kGravity * m * hm * m / rho;
  const double deta_dm = deta_dx * x / m, deta_ds = -deta_dx * x / sp;
  const double deta_drho = -deta_dx * x / rho;
  *d_m = dph_dm / eta - ph * deta_dm / (eta * eta);
  *d_s = dph_ds / eta - ph * deta_ds / (eta * eta);
  *d_rho = dph_drho / eta - ph * deta_drho / (eta * eta);
  return P;
}

void Station::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/stations";
  out_ = plan.column(g, name(), "suction_pressure", "Pa", "pressure at the station inlet");
  plan.column(g, name(), "discharge_pressure", "Pa", "pressure at the station outlet");
  plan.column(g, name(), "mass_flow", "kg s-1", "mass flow through the station");
  plan.column(g, name(), "annual_rate", "Mt yr-1", "mass flow as an annual rate (365 d)");
  plan.companion(g, "annual_rate", "mass_flow");
  plan.column(g, name(), "speed", "1", "pump speed relative to rated");
  plan.column(g, name(), "head", "m", "head developed by the pumps (pump mode)");
  plan.column(g, name(), "efficiency", "1", "pump efficiency");
  plan.column(g, name(), "hydraulic_power", "W", "hydraulic power g·ṁ·H");
  plan.column(g, name(), "electric_power", "W", "electric power drawn by the motors");
  plan.column(g, name(), "torque", "N m",
              "hydraulic torque of one pump set (its torque curve; 0 without pumps.inertia)");
  plan.column(g, name(), "running", "1", "1 running, 0 tripped or stopped");
  plan.column(g, name(), "bypass", "1", "the flow path: pumps, bypass check valve, or neither");
  plan.column(g, name(), "suction_density", "kg m-3",
              "density of the crude at the pump suction (the batch in the upstream pipe's last "
              "cell)");
  plan.flags(g, "running", {{0, "stopped"}, {1, "running"}});
  plan.flags(g, "bypass", {{-1, "shut"}, {0, "pumping"}, {1, "bypass"}});
  plan.connection(g, name(), "upstream_pipe", "oil/pipes", sp_.upstream);
  plan.connection(g, name(), "downstream_pipe", "oil/pipes", sp_.downstream);
  plan.value(g, name(), "max_speed", sp_.max_speed, "1", "highest pump speed (rated = 1)");
  plan.value(g, name(), "min_speed", sp_.min_speed, "1", "lowest pump speed (rated = 1)");
  if (sp_.has_limit)
    plan.value(g, name(),
               sp_.variable == ControlVariable::Suction ? "max_discharge_pressure"
                                                        : "min_suction_pressure",
               sp_.limit_pressure, "Pa", "the pressure limit of the control");
  declare_location(plan, g, name(), sp_.where);
}

void Station::write_outputs(const State& s, OutputFrame& out) const {
  const double m = s.y[offset()], sp = s.y[offset() + 1];
  const bool pumping = path_ == Path::Pump;
  const double h = pumping ? head(s) : 0.0;
  out.set(out_ + 0, s.y[pu_]);
  out.set(out_ + 1, s.y[pd_]);
  out.set(out_ + 2, m);
  out.set(out_ + 3, m * 365.0 * 86400.0 / 1e9);
  out.set(out_ + 4, sp);
  out.set(out_ + 5, h);
  out.set(out_ + 6, pumping ? efficiency(sp, m, suction_density(s.y)) : 0.0);
  out.set(out_ + 7, kGravity * m * h);
  out.set(out_ + 8, electric_power(s));
  out.set(out_ + 9, sp_.pumps.inertia > 0 ? torque(sp, m, suction_density(s.y)) : 0.0);
  out.set(out_ + 10, running() ? 1.0 : 0.0);
  out.set(out_ + 11, path_ == Path::Bypass ? 1.0 : (path_ == Path::Shut ? -1.0 : 0.0));
  out.set(out_ + 12, suction_density(s.y));
}

void Station::roots(const State& s, double* g) const {
  const double m = s.y[offset()], rho = suction_density(s.y);
  double h, hs, hm, dp, ddp;
  pump_head(s.y[offset() + 1], m, rho, h, hs, hm);
  bypass_law(m, rho, dp, ddp);
  if (path_ == Path::Shut) {
    // The pumps' check valve opens only for running pumps; the bypass for p_u > p_d.
    double h0, hs0, hm0;
    pump_head(s.y[offset() + 1], 0.0, rho, h0, hs0, hm0);
    g[0] = mode_ == Mode::Tripped ? -1.0 : rho * kGravity * h0 - (s.y[pd_] - s.y[pu_]) - dp_band();
    g[4] = s.y[pu_] - s.y[pd_] - dp_band();
  } else {
    g[0] = rho * kGravity * h + dp;
    g[4] = m + m_band();
  }
  if (mode_ == Mode::Tripped || mode_ == Mode::Ramp) {
    g[1] = g[2] = g[3] = 1.0;
    g[5] = mode_ == Mode::Ramp ? command(s) - s.y[offset() + 1] : 1.0;
    return;
  }
  g[5] = 1.0;
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
        a = {true, "mode", s.y[offset()], "bypass opened: pumps no longer develop head", "kg s-1"};
      } else if (path_ == Path::Bypass && direction > 0) {
        path_ = Path::Pump;
        a = {true, "mode", s.y[offset()], "bypass closed: pumps develop head", "kg s-1"};
      } else if (path_ == Path::Shut && direction > 0) {
        path_ = Path::Pump;
        a = {true, "mode", s.y[pd_] - s.y[pu_], "pumps' check valve opened: pumps deliver", "Pa"};
      }
      break;
    case 4:
      if (path_ != Path::Shut && direction < 0) {
        path_ = Path::Shut;
        a = {true, "mode", s.y[offset()], "station check valves shut: flow reversed", "kg s-1"};
      } else if (path_ == Path::Shut && direction > 0) {
        path_ = Path::Bypass;
        a = {true, "mode", s.y[pu_] - s.y[pd_], "bypass opened: suction above discharge", "Pa"};
      }
      break;
    case 1:
      if (mode_ == Mode::Control && direction > 0) {
        mode_ = Mode::Max;
        a = {true, "limit", s.y[offset() + 1], "speed at its maximum", "1"};
      } else if (mode_ == Mode::Max && direction < 0) {
        mode_ = Mode::Control;
        a = {true, "mode", s.y[offset() + 1], "speed back under control from its maximum", "1"};
      }
      break;
    case 2:
      if (mode_ == Mode::Control && direction < 0) {
        mode_ = Mode::Min;
        a = {true, "limit", s.y[offset() + 1], "speed at its minimum", "1"};
      } else if (mode_ == Mode::Min && direction > 0) {
        mode_ = Mode::Control;
        a = {true, "mode", s.y[offset() + 1], "speed back under control from its minimum", "1"};
      }
      break;
    case 5:
      if (mode_ == Mode::Ramp && direction < 0) {
        mode_ = Mode::Control;
        a = {true, "mode", s.y[offset() + 1], "restart ramp done: speed under control", "1"};
      }
      break;
    case 3:
      if (!on_limit_ && direction > 0) {
        on_limit_ = true;
        a = {true, "limit", s.y[sp_.variable == ControlVariable::Suction ? pd_ : pu_],
             sp_.variable == ControlVariable::Suction ? "control on the maximum discharge pressure"
                                                      : "control on the minimum suction pressure",
             "Pa"};
      } else if (on_limit_ && direction < 0) {
        on_limit_ = false;
        a = {true, "mode", s.y[sp_.variable == ControlVariable::Suction ? pu_ : pd_],
             "control back on its set point", "Pa"};
      }
      break;
    default:
      break;
  }
  return a;
}

EventAction Station::settle(const State& s) {
  double g[6];
  roots(s, g);
  if (path_ != Path::Shut && g[4] < 0) return on_root(4, -1, s);
  if (path_ == Path::Shut && g[0] > 0) return on_root(0, +1, s);
  if (path_ == Path::Shut && g[4] > 0) return on_root(4, +1, s);
  if (path_ == Path::Pump && g[0] < 0) return on_root(0, -1, s);
  if (path_ == Path::Bypass && g[0] > 0) return on_root(0, +1, s);
  if (mode_ == Mode::Tripped) return {};
  if (mode_ == Mode::Ramp) return g[5] < 0 ? on_root(5, -1, s) : EventAction{};
  if (g[3] > 0 && !on_limit_ && sp_.has_limit) return on_root(3, +1, s);
  if (g[3] < 0 && on_limit_) return on_root(3, -1, s);
  if (mode_ == Mode::Control && g[1] > 1e-9) return on_root(1, +1, s);
  if (mode_ == Mode::Control && g[2] < -1e-9) return on_root(2, -1, s);
  if (mode_ == Mode::Max && g[1] < -1e-9) return on_root(1, -1, s);
  if (mode_ == Mode::Min && g[2] > 1e-9) return on_root(2, +1, s);
  return {};
}

void Station::save(DiscreteState& out) const {
  out.put(mode_), out.put(path_), out.put(on_limit_);
}

void Station::restore(DiscreteState& in) {
  in.get(mode_), in.get(path_), in.get(on_limit_);
}

void Station::stop_times(double t0, double t1, std::vector<double>& out) const {
  sp_.setpoint.jumps(t0, t1, out);
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
      a = {true, "schedule", s.y[offset() + 1], "station tripped: pumps run down", "1"};
    }
  for (double tt : sp_.restarts)
    if (tt == t && mode_ == Mode::Tripped) {
      mode_ = sp_.restart_ramp > 0 ? Mode::Ramp : Mode::Control;
      on_limit_ = sp_.has_limit && sp_.variable != ControlVariable::Speed &&
                  error_primary(s) > error_limit(s);
      a = {true, "schedule", s.y[offset() + 1],
           mode_ == Mode::Ramp ? "station restarted: speed ramps up"
           : on_limit_         ? "station restarted (on its pressure limit)"
                               : "station restarted",
           "1"};
    }
  if (!a.kind.empty()) return a;
  // A set-point step can cross a switching surface at the stop time itself, where no
  // root is seen: choose the mode the state calls for.
  return settle(s);
}

// ---- reader: oil.stations[i]
namespace {

std::vector<double> read_times(const Reader& item, const std::string& key) {
  std::vector<double> out;
  if (!item.has(key)) return out;
  for (const Reader& r : item.items(key))
    if (auto v = r.as_quantity(dim::time)) out.push_back(*v);
  return out;
}

// pumps.inertia, rated_speed and the optional torque curve (three points at rated speed).
void read_rotor(const Reader& pr, PumpSpec& p) {
  if (!pr.has("inertia")) {
    if (pr.has("rated_speed"))
      pr.error_at_key("rated_speed", "needs pumps.inertia (a rotor model)");
    if (pr.has("torque")) pr.error_at_key("torque", "needs pumps.inertia (a rotor model)");
    return;
  }
  p.inertia = pr.quantity("inertia", dim::mass * dim::length.pow(2));
  // A rotational frequency (rpm or Hz: revolutions per time) → angular speed in rad/s.
  p.rated_speed = 2.0 * std::numbers::pi * pr.quantity("rated_speed", dim::frequency);
  pr.check("inertia", p.inertia > 0, "must be > 0 (polar moment of inertia of one pump set)");
  pr.check("rated_speed", p.rated_speed > 0, "must be > 0");
  Reader tq = pr.child("torque");
  if (!tq.defined()) return;
  if (!tq.is_map()) {
    tq.error("expected a mapping {flows: [q1, q2, q3], values: [T1, T2, T3]} at rated speed");
    return;
  }
  auto qs = tq.items("flows");
  auto ts = tq.items("values");
  std::vector<double> q, t;
  for (const Reader& r : qs)
    if (auto v = r.as_quantity(dim::volume_flow)) q.push_back(*v);
  for (const Reader& r : ts)
    if (auto v = r.as_quantity(dim::energy)) t.push_back(*v);
  tq.finish();
  if (qs.size() != 3 || ts.size() != 3) {
    tq.error("needs exactly three flows and three torques (a quadratic in the flow)");
    return;
  }
  if (q.size() != 3 || t.size() != 3) return;
  if (q[0] == q[1] || q[1] == q[2] || q[0] == q[2]) {
    qs[1].error("the three flows must differ");
    return;
  }
  // Lagrange interpolation → c0 + c1 q + c2 q².
  for (int i = 0; i < 3; ++i) {
    const double a = q[(i + 1) % 3], b = q[(i + 2) % 3];
    const double w = t[std::size_t(i)] / ((q[std::size_t(i)] - a) * (q[std::size_t(i)] - b));
    p.torque[0] += w * a * b;
    p.torque[1] -= w * (a + b);
    p.torque[2] += w;
  }
}

}  // namespace

void read_station(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "stations");
  Pipe* up = c.pipes.find(item, "upstream");
  Pipe* dn = c.pipes.find(item, "downstream");
  StationSpec sp;
  sp.name = name;
  sp.upstream = up ? up->name() : "";
  sp.downstream = dn ? dn->name() : "";
  sp.where = read_location(item);
  Reader pr = item.child("pumps");
  if (!pr.defined())
    item.error("missing required key 'pumps' ({shutoff_head, rated_head, rated_flow, ...})");
  else if (!pr.is_map())
    pr.error("expected a mapping {count, arrangement, shutoff_head, rated_head, rated_flow}");
  else {
    PumpSpec& p = sp.pumps;
    p.count = static_cast<int>(pr.integer("count", 1, 1, 100));
    p.series = pr.choice("arrangement", {"series", "parallel"}, "series") == "series";
    p.shutoff_head = pr.quantity("shutoff_head", dim::length);
    pr.check("count", p.count >= 1, "must be ≥ 1");
    pr.check("shutoff_head", p.shutoff_head > 0, "must be > 0");
    if (pr.has("curve_coefficient")) {
      p.curve_k = pr.quantity("curve_coefficient", dim::length / dim::volume_flow.pow(2));
      pr.check("curve_coefficient", p.curve_k > 0, "must be > 0");
      p.best_efficiency_flow = pr.quantity("best_efficiency_flow", dim::volume_flow, 1.0);
    } else {
      const double hr = pr.quantity("rated_head", dim::length);
      const double qr = pr.quantity("rated_flow", dim::volume_flow);
      pr.check("rated_flow", qr > 0, "must be > 0");
      pr.check("rated_head", hr > 0, "must be > 0");
      if (p.shutoff_head > 0)
        pr.check("rated_head", hr < p.shutoff_head, "must be below shutoff_head");
      if (qr > 0) p.curve_k = (p.shutoff_head - hr) / (qr * qr);
      p.best_efficiency_flow =
          pr.quantity("best_efficiency_flow", dim::volume_flow, "rated_flow", qr);
    }
    p.best_efficiency = pr.quantity("best_efficiency", dim::none, 0.85);
    p.motor_efficiency = pr.quantity("motor_efficiency", dim::none, 0.96);
    pr.check("best_efficiency", p.best_efficiency > 0 && p.best_efficiency <= 1,
             "must lie in (0, 1]");
    pr.check("motor_efficiency", p.motor_efficiency > 0 && p.motor_efficiency <= 1,
             "must lie in (0, 1]");
    pr.check("best_efficiency_flow", p.best_efficiency_flow > 0, "must be > 0");
    read_rotor(pr, p);
    pr.finish();
  }
  Reader cr = item.child("control");
  if (!cr.defined()) {
    sp.variable = ControlVariable::Speed;
    sp.setpoint = Profile(1.0);
  } else if (!cr.is_map()) {
    cr.error("expected a mapping {variable, setpoint, proportional_band, integral_time}");
  } else {
    std::string v = cr.choice("variable", {"discharge", "suction", "speed"}, "discharge");
    sp.variable = v == "discharge" ? ControlVariable::Discharge
                  : v == "suction" ? ControlVariable::Suction
                                   : ControlVariable::Speed;
    sp.setpoint =
        cr.profile("setpoint", sp.variable == ControlVariable::Speed ? dim::none : dim::pressure);
    sp.band = cr.quantity("proportional_band", dim::pressure, 10e5);
    sp.integral_time = cr.quantity("integral_time", dim::time, 60.0);
    sp.actuator_time = cr.quantity("actuator_time", dim::time, 5.0);
    sp.min_speed = cr.quantity("min_speed", dim::none, 0.5);
    sp.max_speed = cr.quantity("max_speed", dim::none, 1.05);
    if (sp.variable == ControlVariable::Discharge && cr.has("min_suction_pressure")) {
      sp.limit_pressure = cr.quantity("min_suction_pressure", dim::pressure);
      sp.has_limit = true;
    }
    if (sp.variable == ControlVariable::Suction && cr.has("max_discharge_pressure")) {
      sp.limit_pressure = cr.quantity("max_discharge_pressure", dim::pressure);
      sp.has_limit = true;
    }
    cr.check("proportional_band", sp.band > 0, "must be > 0");
    cr.check("integral_time", sp.integral_time > 0, "must be > 0");
    cr.check("actuator_time", sp.actuator_time > 0, "must be > 0");
    cr.check("max_speed", sp.max_speed > sp.min_speed && sp.min_speed >= 0,
             "must be > min_speed (and min_speed ≥ 0)");
    cr.finish();
  }
  sp.trips = read_times(item, "trips");
  sp.restarts = read_times(item, "restarts");
  sp.rundown_time = item.quantity("rundown_time", dim::time, 20.0);
  if (item.has("rundown_time") && sp.pumps.inertia > 0)
    item.error_at_key("rundown_time",
                      "give either rundown_time (an exponential rundown) or pumps.inertia (the "
                      "rotor running down under its hydraulic torque)");
  sp.restart_ramp = item.quantity("restart_ramp", dim::time, 0.0);
  item.check("restart_ramp", sp.restart_ramp >= 0, "must be ≥ 0");
  sp.running = item.choice("initially", {"running", "stopped"}, "running") == "running";
  const double bypass = item.quantity("bypass_loss", dim::none, 2.0);
  item.check("rundown_time", sp.rundown_time > 0, "must be > 0");
  item.check("bypass_loss", bypass > 0, "must be > 0");
  if (up && dn && up == dn) item.error_at_key("downstream", "must differ from upstream");
  item.finish();
  if (name.empty() || !up || !dn || up == dn) return;
  sp.density = up->density();  // the suction's crude (its batches: Station::bind)
  if (sp.pumps.inertia > 0 && sp.pumps.torque[0] == 0 && sp.pumps.torque[1] == 0 &&
      sp.pumps.torque[2] == 0) {
    // The torque ρ g q H/(η ω_R) of the head and efficiency curves at rated speed, as a
    // quadratic matching it at shutoff and at the best-efficiency point (value and slope).
    PumpSpec& p = sp.pumps;
    const double qb = p.best_efficiency_flow, big_k = p.curve_k * qb * qb;
    const double f = sp.density * kGravity * qb / (p.best_efficiency * p.rated_speed);
    p.torque[0] = f * p.shutoff_head / 2.0;
    p.torque[1] = f * big_k / qb;
    p.torque[2] = f * (p.shutoff_head / 2.0 - 2.0 * big_k) / (qb * qb);
  }
  sp.bypass_r = bypass / (2.0 * sp.density * dn->area() * dn->area());
  sp.flow_scale = c.flow_scale;
  c.system.emplace<Station>(std::move(sp), up->outlet(), dn->inlet()).set_suction(up);
  c.parts.join(up, dn);
}

}  // namespace steppe::oil
