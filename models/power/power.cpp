#include "models/power/power.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <numbers>

#include "models/power/solar_position.hpp"

namespace steppe::power {

namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kInf = std::numeric_limits<double>::infinity();
// A root function that never changes sign (a limit that does not apply).
constexpr double kNoRoot = 1.0;
}  // namespace

// ---- Zone ------------------------------------------------------------------------------

Zone::Zone(std::string name, Params p)
    : Component("power zone", std::move(name)),
      p_(std::move(p)),
      stage_(p_.ufls.size(), Stage::Idle),
      armed_at_(p_.ufls.size(), 0.0) {
  first_energy_ = (p_.infinite || p_.agc) ? 3 : 2;
}

std::vector<UnknownSpec> Zone::unknowns() const {
  const double s = std::max(p_.base, 1e6);
  std::vector<UnknownSpec> u;
  if (p_.infinite) {
    u.push_back({"frequency_deviation", "Hz", VarKind::Algebraic, 1.0});
    u.push_back({"angle", "rad", VarKind::Algebraic, 1.0});
    u.push_back({"external_power", "W", VarKind::Algebraic, std::max(s, 1e9)});
  } else {
    u.push_back({"frequency_deviation", "Hz", VarKind::Differential, 1.0});
    u.push_back({"angle", "rad", is_reference() ? VarKind::Algebraic : VarKind::Differential, 1.0});
    if (p_.agc) u.push_back({"agc_signal", "W", VarKind::Differential, s});
  }
  for (const char* e :
       {"energy_generated", "energy_served", "energy_shed", "energy_curtailed", "energy_exported"})
    u.push_back({e, "J", VarKind::Differential, s * 3600.0});
  return u;
}

void Zone::bind() {
  ref_df_ = ref_->df();
}

void Zone::initial_values(std::span<double> y) const {
  std::fill(y.begin(), y.end(), 0.0);
}

namespace {
double ramped(double from, double to, double t0, double ramp, double t) {
  if (t >= t0 + ramp) return to;
  if (t <= t0) return from;
  return from + (to - from) * (t - t0) / ramp;
}
}  // namespace

double Zone::scheduled_export(double t) const {
  return dispatched_ ? ramped(export_from_, export_to_, export_t_, export_ramp_, t)
                     : p_.interchange.value(t);
}

void Zone::set_scheduled_export(double p, double t, double ramp_time) {
  export_from_ = ramp_time > 0 ? scheduled_export(t) : p;
  export_to_ = p;
  export_t_ = t;
  export_ramp_ = ramp_time;
}

void Zone::residual(const State& s, double* F) const {
  const double* y = s.y;
  const double* yp = s.yp;
  const double pl = p_.load.value(s.t);
  const double fac = 1.0 + p_.damping * y[df()] / p_.f0;
  const double served = (1.0 - shed_) * pl * fac;
  if (p_.infinite) {
    F[df()] = y[df()];
    F[theta()] = y[theta()];
    F[balance_row()] += -y[offset() + 2] + served;
  } else {
    F[df()] += mass() * yp[df()] + served;
    F[theta()] = is_reference() ? y[theta()] : yp[theta()] - kTwoPi * (y[df()] - y[ref_df_]);
    if (p_.agc)
      F[agc_row()] += p_.agc_time * yp[agc_row()] + p_.agc_bias * y[df()] - scheduled_export(s.t);
  }
  if (!accumulating_) {
    for (int k = 0; k < 5; ++k) F[energy(k)] += yp[energy(k)] + y[energy(k)];
    return;
  }
  F[energy(kGenerated)] += yp[energy(kGenerated)] - (p_.infinite ? y[offset() + 2] : 0.0);
  F[energy(kServed)] += yp[energy(kServed)] - served;
  F[energy(kShed)] += yp[energy(kShed)] - shed_ * pl;
  F[energy(kCurtailed)] += yp[energy(kCurtailed)];
  F[energy(kExported)] += yp[energy(kExported)];
}

void Zone::jacobian(const State& s, JacobianWriter& J) const {
  const double pl = p_.load.value(s.t);
  const double dserved = (1.0 - shed_) * pl * p_.damping / p_.f0;  // ∂served/∂Δf
  if (p_.infinite) {
    J.add(df(), df(), 1.0);
    J.add(theta(), theta(), 1.0);
    J.add(balance_row(), offset() + 2, -1.0);
    J.add(balance_row(), df(), dserved);
  } else {
    J.add(df(), df(), dserved, mass());
    if (is_reference()) {
      J.add(theta(), theta(), 1.0);
    } else {
      J.add(theta(), theta(), 0.0, 1.0);
      J.add(theta(), df(), -kTwoPi);
      J.add(theta(), ref_df_, kTwoPi);
    }
    if (p_.agc) {
      J.add(agc_row(), agc_row(), 0.0, p_.agc_time);
      J.add(agc_row(), df(), p_.agc_bias);
    }
  }
  const bool a = accumulating_;
  for (int k = 0; k < 5; ++k) J.add(energy(k), energy(k), a ? 0.0 : 1.0, 1.0);
  J.add(energy(kServed), df(), a ? -dserved : 0.0);
  if (p_.infinite) J.add(energy(kGenerated), offset() + 2, a ? -1.0 : 0.0);
}

void Zone::roots(const State& s, double* g) const {
  const double f = p_.f0 + s.y[df()];
  for (std::size_t k = 0; k < stage_.size(); ++k) {
    g[2 * k] = stage_[k] == Stage::Shed ? kNoRoot : f - p_.ufls[k].threshold;
    g[2 * k + 1] = stage_[k] == Stage::Armed ? armed_at_[k] + p_.ufls[k].delay - s.t : kNoRoot;
  }
}

void Zone::update_shed() {
  shed_ = 0.0;
  for (std::size_t k = 0; k < stage_.size(); ++k)
    if (stage_[k] == Stage::Shed) shed_ += p_.ufls[k].fraction;
  shed_ = std::min(shed_, 1.0);
}

EventAction Zone::on_root(int i, int direction, const State& s) {
  const auto k = static_cast<std::size_t>(i / 2);
  const UflsStage& st = p_.ufls[k];
  EventAction a;
  if (i % 2 == 0) {
    if (direction < 0 && stage_[k] == Stage::Idle) {
      stage_[k] = Stage::Armed;
      armed_at_[k] = s.t;
      a = {true, "mode", p_.f0 + s.y[df()],
           fmt::format("UFLS stage {} armed: frequency below {:.6g} Hz", k + 1, st.threshold)};
      if (st.delay <= 0) {
        stage_[k] = Stage::Shed;
        update_shed();
        a.kind = "limit";
        a.message = fmt::format("UFLS stage {} shed {:.4g} % of load at {:.6g} Hz", k + 1,
                                100 * st.fraction, st.threshold);
      }
    } else if (direction > 0 && stage_[k] == Stage::Armed) {
      stage_[k] = Stage::Idle;
      a = {true, "mode", p_.f0 + s.y[df()],
           fmt::format("UFLS stage {} disarmed: frequency recovered", k + 1)};
    }
  } else if (direction < 0 && stage_[k] == Stage::Armed) {
    stage_[k] = Stage::Shed;
    update_shed();
    a = {true, "limit", p_.f0 + s.y[df()],
         fmt::format("UFLS stage {} shed {:.4g} % of load after {:.6g} s below {:.6g} Hz", k + 1,
                     100 * st.fraction, st.delay, st.threshold)};
  }
  return a;
}

EventAction Zone::settle(const State& s) {
  settled_ = true;
  for (std::size_t k = 0; k < stage_.size(); ++k)
    if (stage_[k] == Stage::Idle && p_.f0 + s.y[df()] < p_.ufls[k].threshold) {
      stage_[k] = Stage::Armed;
      armed_at_[k] = s.t;
    }
  return {};
}

void Zone::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.load.breakpoints(t0, t1, out);
  if (p_.agc && !dispatched_) p_.interchange.breakpoints(t0, t1, out);
  if (settled_ && !accumulating_) {
    // The initial state is settled: start the energy accumulators, and stop right away
    // so that IDA restarts with their derivatives consistent.
    accumulating_ = true;
    out.push_back(t0 + std::max(1e-6, 1e-12 * std::abs(t0)));
  }
}

void Zone::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupZones;
  out_ = {
      plan.column(g, name(), "frequency", "Hz", "zone frequency"),
      plan.column(g, name(), "load", "W", "load served (after shedding, with damping)"),
      plan.column(g, name(), "shed_load", "W", "load shed by under-frequency stages"),
      plan.column(g, name(), "generation", "W", "total generation (incl. storage, external)"),
      plan.column(g, name(), "generation_coal", "W", "coal generation"),
      plan.column(g, name(), "generation_gas", "W", "gas generation"),
      plan.column(g, name(), "generation_hydro", "W", "hydro generation"),
      plan.column(g, name(), "generation_wind", "W", "wind generation"),
      plan.column(g, name(), "generation_solar", "W", "solar generation"),
      plan.column(g, name(), "generation_storage", "W", "storage discharge (− charge)"),
      plan.column(g, name(), "generation_external", "W", "infinite-bus supply"),
      plan.column(g, name(), "net_interchange", "W", "net export over ties"),
      plan.column(g, name(), "scheduled_interchange", "W", "scheduled net export"),
      plan.column(g, name(), "curtailment", "W", "wind and solar power curtailed"),
      plan.column(g, name(), "agc_signal", "W", "AGC integral signal z"),
      plan.column(g, name(), "energy_generated", "J", "generated energy since start"),
      plan.column(g, name(), "energy_served", "J", "served load energy since start"),
      plan.column(g, name(), "energy_shed", "J", "shed load energy since start"),
      plan.column(g, name(), "energy_curtailed", "J", "curtailed energy since start"),
      plan.column(g, name(), "energy_exported", "J", "net exported energy since start"),
  };
}

void Zone::write_outputs(const State& s, OutputFrame& out) const {
  const double pl = p_.load.value(s.t);
  double by[6] = {0, 0, 0, 0, 0, 0}, curtailed = 0, ext = p_.infinite ? s.y[offset() + 2] : 0;
  for (const Generator* g : generators) by[static_cast<int>(g->type())] += g->power(s);
  for (const WindFarm* w : wind) {
    by[3] += w->power(s.t);
    curtailed += w->available(s.t) - w->power(s.t);
  }
  for (const SolarPlant* p : solar) {
    by[4] += p->power(s.t);
    curtailed += p->available(s.t) - p->power(s.t);
  }
  for (const Storage* b : storage) by[5] += b->power(s);
  double net = 0;
  for (const Tie* t : ties) net += (&t->from() == this ? 1.0 : -1.0) * s.y[t->flow()];
  const double vals[] = {p_.f0 + s.y[df()],
                         (1 - shed_) * pl * (1 + p_.damping * s.y[df()] / p_.f0),
                         shed_ * pl,
                         by[0] + by[1] + by[2] + by[3] + by[4] + by[5] + ext,
                         by[0],
                         by[1],
                         by[2],
                         by[3],
                         by[4],
                         by[5],
                         ext,
                         net,
                         scheduled_export(s.t),
                         curtailed,
                         p_.agc ? s.y[agc_row()] : 0.0,
                         s.y[energy(0)],
                         s.y[energy(1)],
                         s.y[energy(2)],
                         s.y[energy(3)],
                         s.y[energy(4)]};
  for (std::size_t k = 0; k < out_.size(); ++k) out.set(out_[k], vals[k]);
}

// ---- Tie -------------------------------------------------------------------------------

Tie::Tie(std::string name, Zone& from, Zone& to, Params p)
    : Component("power tie", std::move(name)), from_(from), to_(to), p_(p) {}

std::vector<UnknownSpec> Tie::unknowns() const {
  double scale = 1e8;
  if (std::isfinite(p_.limit_forward)) scale = std::max(1e6, p_.limit_forward);
  return {{"power_flow", "W", VarKind::Algebraic, scale}};
}

void Tie::bind() {}

void Tie::residual(const State& s, double* F) const {
  const double P = s.y[flow()];
  F[flow()] = in_service_ ? P - p_.susceptance * (s.y[from_.theta()] - s.y[to_.theta()]) : P;
  F[from_.balance_row()] += P;
  F[to_.balance_row()] -= P;
  if (from_.has_agc()) F[from_.agc_row()] += P;
  if (to_.has_agc()) F[to_.agc_row()] -= P;
  if (from_.accumulating()) F[from_.energy(Zone::kExported)] -= P;
  if (to_.accumulating()) F[to_.energy(Zone::kExported)] += P;
}

void Tie::jacobian(const State&, JacobianWriter& J) const {
  const double b = in_service_ ? p_.susceptance : 0.0;
  J.add(flow(), flow(), 1.0);
  J.add(flow(), from_.theta(), -b);
  J.add(flow(), to_.theta(), b);
  J.add(from_.balance_row(), flow(), 1.0);
  J.add(to_.balance_row(), flow(), -1.0);
  if (from_.has_agc()) J.add(from_.agc_row(), flow(), 1.0);
  if (to_.has_agc()) J.add(to_.agc_row(), flow(), -1.0);
  J.add(from_.energy(Zone::kExported), flow(), from_.accumulating() ? -1.0 : 0.0);
  J.add(to_.energy(Zone::kExported), flow(), to_.accumulating() ? 1.0 : 0.0);
}

void Tie::roots(const State& s, double* g) const {
  const double P = s.y[flow()];
  const bool fwd = in_service_ && std::isfinite(p_.limit_forward);
  const bool rev = in_service_ && std::isfinite(p_.limit_reverse);
  // Hysteresis: an overload starts band() above the limit and ends band() below it, so
  // a flow held at its limit (and ringing around it) records one event, not thousands.
  const double bf = over_ == 1 ? -band(p_.limit_forward) : band(p_.limit_forward);
  const double br = over_ == -1 ? -band(p_.limit_reverse) : band(p_.limit_reverse);
  g[0] = fwd ? p_.limit_forward + bf - P : kNoRoot;
  g[1] = rev ? p_.limit_reverse + br + P : kNoRoot;
  g[2] = in_service_ && over_ != 0 && std::isfinite(p_.trip_delay)
             ? over_since_ + p_.trip_delay - s.t
             : kNoRoot;
}

EventAction Tie::on_root(int i, int direction, const State& s) {
  const double P = s.y[flow()];
  EventAction a;
  if (i < 2) {
    const int sign = i == 0 ? 1 : -1;
    const double lim = i == 0 ? p_.limit_forward : p_.limit_reverse;
    if (direction < 0 && over_ != sign) {
      over_ = sign;
      over_since_ = s.t;
      a = {true, "limit", P,
           fmt::format("flow {:.6g} MW exceeds the {} limit {:.6g} MW", P / 1e6,
                       i == 0 ? "forward" : "reverse", lim / 1e6)};
    } else if (direction > 0 && over_ == sign) {
      over_ = 0;
      a = {true, "limit", P,
           fmt::format("flow {:.6g} MW back below the {} limit", P / 1e6,
                       i == 0 ? "forward" : "reverse")};
    }
  } else if (direction < 0 && over_ != 0 && in_service_) {
    in_service_ = false;
    over_ = 0;
    a = {true, "mode", P, fmt::format("tie tripped after {:.6g} s of overload", p_.trip_delay)};
  }
  return a;
}

EventAction Tie::settle(const State& s) {
  const double P = s.y[flow()];
  if (over_ == 0 && std::isfinite(p_.limit_forward) &&
      P > p_.limit_forward + band(p_.limit_forward))
    return on_root(0, -1, s);
  if (over_ == 0 && std::isfinite(p_.limit_reverse) &&
      -P > p_.limit_reverse + band(p_.limit_reverse))
    return on_root(1, -1, s);
  return {};
}

void Tie::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupTies;
  out_ = {plan.column(g, name(), "power_flow", "W", "power flow from → to"),
          plan.column(g, name(), "limit_forward", "W", "transfer limit from → to"),
          plan.column(g, name(), "limit_reverse", "W", "transfer limit to → from"),
          plan.column(g, name(), "loading", "1", "flow over the limit in its direction"),
          plan.column(g, name(), "in_service", "1", "1 in service, 0 tripped")};
}

void Tie::write_outputs(const State& s, OutputFrame& out) const {
  const double P = s.y[flow()];
  const double lim = P >= 0 ? p_.limit_forward : p_.limit_reverse;
  out.set(out_[0], P);
  out.set(out_[1], p_.limit_forward);
  out.set(out_[2], p_.limit_reverse);
  out.set(out_[3], std::isfinite(lim) && lim > 0 ? std::abs(P) / lim : 0.0);
  out.set(out_[4], in_service_ ? 1.0 : 0.0);
}

// ---- Generator -------------------------------------------------------------------------

Generator::Generator(std::string name, Zone& zone, Params p)
    : Component("power generator", std::move(name)), zone_(zone), p_(std::move(p)) {
  if (p_.trip_at <= 0) tripped_ = true;
  order_ = online(0.0) ? Order::Normal : Order::Offline;
}

std::vector<UnknownSpec> Generator::unknowns() const {
  const double s = std::max(p_.capacity, 1e6);
  return {
      {"reference", "W", VarKind::Differential, s},
      {"governor_order", "W", p_.governor_time > 0 ? VarKind::Differential : VarKind::Algebraic, s},
      {"turbine", "W", VarKind::Differential, s}};
}

void Generator::bind() {
  pref_ = offset();
  x_ = offset() + 1;
  r_ = offset() + 2;
  df_ = zone_.df();
  z_ = zone_.agc_row();
  bal_ = zone_.balance_row();
  eg_ = zone_.energy(Zone::kGenerated);
}

double Generator::schedule(double t) const {
  return dispatched_ ? ramped(sched_from_, sched_to_, sched_t_, sched_ramp_, t)
                     : p_.set_point.value(t);
}

void Generator::set_schedule(double p, double t, double ramp_time) {
  sched_from_ = ramp_time > 0 ? schedule(t) : p;
  sched_to_ = p;
  sched_t_ = t;
  sched_ramp_ = ramp_time;
}

void Generator::initial_values(std::span<double> y) const {
  const double p = order_ == Order::Offline ? 0.0 : schedule(0.0);
  y[0] = y[1] = y[2] = p;
}

double Generator::power(const State& s) const {
  if (order_ == Order::Offline) return 0.0;
  return p_.hp_fraction * s.y[x_] + (1.0 - p_.hp_fraction) * s.y[r_];
}

double Generator::target(const State& s) const {
  if (order_ == Order::Offline) return 0.0;
  return schedule(s.t) + (z_ >= 0 ? p_.participation * s.y[z_] : 0.0);
}

double Generator::order(const State& s) const {
  return s.y[pref_] - gain() * s.y[df_] / zone_.f0();
}

void Generator::residual(const State& s, double* F) const {
  const double* y = s.y;
  switch (track_) {
    case Track::Follow:
      F[pref_] = s.yp[pref_] - (target(s) - y[pref_]) / p_.setpoint_time;
      break;
    case Track::RampUp:
      F[pref_] = s.yp[pref_] - p_.ramp_up;
      break;
    case Track::RampDown:
      F[pref_] = s.yp[pref_] + p_.ramp_down;
      break;
  }
  double u = 0.0;
  switch (order_) {
    case Order::Normal:
      u = order(s);
      break;
    case Order::AtMax:
      u = p_max(s.t);
      break;
    case Order::AtMin:
      u = p_min(s.t);
      break;
    case Order::Offline:
      u = 0.0;
      break;
  }
  F[x_] = p_.governor_time * s.yp[x_] + y[x_] - u;
  F[r_] = p_.turbine_time * s.yp[r_] - (y[x_] - y[r_]);
  const double P = power(s);
  F[bal_] -= P;
  if (zone_.accumulating()) F[eg_] -= P;
}

void Generator::jacobian(const State&, JacobianWriter& J) const {
  const bool follow = track_ == Track::Follow, on = order_ != Order::Offline;
  const bool normal = order_ == Order::Normal, acc = zone_.accumulating();
  J.add(pref_, pref_, follow ? 1.0 / p_.setpoint_time : 0.0, 1.0);
  if (z_ >= 0) J.add(pref_, z_, follow && on ? -p_.participation / p_.setpoint_time : 0.0);
  J.add(x_, x_, 1.0, p_.governor_time);
  J.add(x_, pref_, normal ? -1.0 : 0.0);
  J.add(x_, df_, normal ? gain() / zone_.f0() : 0.0);
  J.add(r_, r_, 1.0, p_.turbine_time);
  J.add(r_, x_, -1.0);
  const double fh = on ? p_.hp_fraction : 0.0, fr = on ? 1.0 - p_.hp_fraction : 0.0;
  J.add(bal_, x_, -fh);
  J.add(bal_, r_, -fr);
  J.add(eg_, x_, acc ? -fh : 0.0);
  J.add(eg_, r_, acc ? -fr : 0.0);
}

void Generator::roots(const State& s, double* g) const {
  const double h = (target(s) - s.y[pref_]) / p_.setpoint_time;
  g[0] = std::isfinite(p_.ramp_up) ? p_.ramp_up - h : kNoRoot;
  g[1] = std::isfinite(p_.ramp_down) ? h + p_.ramp_down : kNoRoot;
  if (order_ == Order::Offline) {
    g[2] = g[3] = kNoRoot;
  } else {
    // Hysteresis: a unit sitting exactly at a limit (dispatched at its minimum) must not
    // chatter; it enters a limit mode band() beyond it and leaves band() inside it.
    const double u = order(s);
    g[2] = p_max(s.t) + (order_ == Order::AtMax ? -band() : band()) - u;
    g[3] = u - p_min(s.t) + (order_ == Order::AtMin ? -band() : band());
  }
}

Generator::Track Generator::want_track(const State& s) const {
  const double h = (target(s) - s.y[pref_]) / p_.setpoint_time;
  if (h > p_.ramp_up) return Track::RampUp;
  if (h < -p_.ramp_down) return Track::RampDown;
  return Track::Follow;
}

Generator::Order Generator::want_order(const State& s) const {
  if (!online(s.t)) return Order::Offline;
  const double u = order(s);
  if (u > p_max(s.t) + (order_ == Order::AtMax ? -band() : band())) return Order::AtMax;
  if (u < p_min(s.t) - (order_ == Order::AtMin ? -band() : band())) return Order::AtMin;
  return Order::Normal;
}

EventAction Generator::on_root(int i, int direction, const State& s) {
  EventAction a;
  auto set_track = [&](Track t, const char* msg) {
    if (track_ == t) return;
    track_ = t;
    a = {true, "mode", s.y[pref_], msg};
  };
  auto set_order = [&](Order o, const char* msg) {
    if (order_ == o) return;
    order_ = o;
    a = {true, "limit", s.y[x_], msg};
  };
  switch (i) {
    case 0:
      if (direction < 0) set_track(Track::RampUp, "set point ramping up at its ramp limit");
      if (direction > 0 && track_ == Track::RampUp)
        set_track(Track::Follow, "set point within ramp limits");
      break;
    case 1:
      if (direction < 0) set_track(Track::RampDown, "set point ramping down at its ramp limit");
      if (direction > 0 && track_ == Track::RampDown)
        set_track(Track::Follow, "set point within ramp limits");
      break;
    case 2:
      if (direction < 0) set_order(Order::AtMax, "output at its maximum");
      if (direction > 0 && order_ == Order::AtMax)
        set_order(Order::Normal, "output below its maximum");
      break;
    case 3:
      if (direction < 0) set_order(Order::AtMin, "output at its minimum");
      if (direction > 0 && order_ == Order::AtMin)
        set_order(Order::Normal, "output above its minimum");
      break;
    default:
      break;
  }
  return a;
}

EventAction Generator::update(const State& s, const char* why) {
  const Track t = want_track(s);
  const Order o = want_order(s);
  EventAction a;
  if (o != order_ && (o == Order::Offline || order_ == Order::Offline))
    a = {true, "mode", s.y[x_],
         fmt::format("{}: unit {}", why, o == Order::Offline ? "offline" : "online")};
  else if (o != order_)
    a = {true, "limit", s.y[x_],
         o == Order::AtMax   ? "output at its maximum"
         : o == Order::AtMin ? "output at its minimum"
                             : "output within its limits"};
  else if (t != track_)
    a = {true, "mode", s.y[pref_],
         t == Track::RampUp     ? "set point ramping up at its ramp limit"
         : t == Track::RampDown ? "set point ramping down at its ramp limit"
                                : "set point within ramp limits"};
  track_ = t;
  order_ = o;
  return a;
}

bool Generator::reclassify(const State& s) {
  return update(s, "schedule").reinitialise;
}

EventAction Generator::settle(const State& s) {
  return update(s, "initial state");
}

EventAction Generator::on_stop(double t, const State& s) {
  if (!tripped_ && t >= p_.trip_at) {
    tripped_ = true;
    update(s, "trip");
    return {true, "mode", s.y[x_], "generator tripped"};
  }
  return update(s, "availability");
}

void Generator::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.availability.breakpoints(t0, t1, out);
  if (!dispatched_) p_.set_point.breakpoints(t0, t1, out);
  if (p_.trip_at > t0 && p_.trip_at <= t1) out.push_back(p_.trip_at);
}

void Generator::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupGenerators;
  out_ = {
      plan.column(g, name(), "power", "W", "electrical output"),
      plan.column(g, name(), "set_point", "W",
                  "set point: dispatched (or given) base point + AGC share"),
      plan.column(g, name(), "reference", "W", "load reference (set point + AGC, ramped)"),
      plan.column(g, name(), "at_limit", "1", "0 normal, 1 at maximum, -1 at minimum, 2 offline")};
}

void Generator::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], power(s));
  out.set(out_[1], target(s));
  out.set(out_[2], s.y[pref_]);
  const double code = order_ == Order::AtMax     ? 1.0
                      : order_ == Order::AtMin   ? -1.0
                      : order_ == Order::Offline ? 2.0
                                                 : 0.0;
  out.set(out_[3], code);
}

// ---- Wind ------------------------------------------------------------------------------

double PowerCurve::operator()(double v) const {
  if (v >= cut_out) return 0.0;
  if (speeds.empty()) {
    if (v < cut_in) return 0.0;
    if (v >= rated_speed) return rated_power;
    const double c3 = cut_in * cut_in * cut_in;
    return rated_power * (v * v * v - c3) / (rated_speed * rated_speed * rated_speed - c3);
  }
  if (v < speeds.front()) return 0.0;
  if (v >= speeds.back()) return powers.back();
  const auto it = std::upper_bound(speeds.begin(), speeds.end(), v);
  const auto k = static_cast<std::size_t>(it - speeds.begin());
  const double w = (v - speeds[k - 1]) / (speeds[k] - speeds[k - 1]);
  return powers[k - 1] + w * (powers[k] - powers[k - 1]);
}

WindFarm::WindFarm(std::string name, Zone& zone, Params p)
    : Component("power wind farm", std::move(name)), zone_(zone), p_(std::move(p)) {
  shear_factor_ = p_.log_law ? std::log(p_.hub_height / p_.roughness) /
                                   std::log(p_.measurement_height / p_.roughness)
                             : std::pow(p_.hub_height / p_.measurement_height, p_.shear_exponent);
}

void WindFarm::bind() {
  bal_ = zone_.balance_row();
  eg_ = zone_.energy(Zone::kGenerated);
  ec_ = zone_.energy(Zone::kCurtailed);
}

double WindFarm::hub_speed(double t) const {
  return std::max(0.0, p_.speed.value(t)) * shear_factor_;
}

double WindFarm::equivalent_speed(double t) const {
  return hub_speed(t) * std::cbrt(p_.density.value(t) / 1.225);
}

double WindFarm::available(double t) const {
  return p_.count * std::max(0.0, p_.availability.value(t)) * p_.curve(equivalent_speed(t));
}

void WindFarm::residual(const State& s, double* F) const {
  const double avail = available(s.t), P = std::min(avail, cap_);
  F[bal_] -= P;
  if (zone_.accumulating()) {
    F[eg_] -= P;
    F[ec_] -= avail - P;
  }
}

void WindFarm::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.speed.breakpoints(t0, t1, out);
  p_.density.breakpoints(t0, t1, out);
  p_.availability.breakpoints(t0, t1, out);
  // The curve jumps at cut-in (table) and cut-out and has kinks at the other table
  // speeds and at rated: where the linear speed profile crosses them is a stop time.
  if (!p_.density.is_constant() || p_.speed.interpolation() != Interpolation::Linear ||
      p_.speed.is_constant())
    return;
  const double c = shear_factor_ * std::cbrt(p_.density.value(t0) / 1.225);
  std::vector<double> marks = p_.curve.speeds;
  marks.insert(marks.end(), {p_.curve.cut_in, p_.curve.rated_speed, p_.curve.cut_out});
  double a = t0;
  const double b = std::min(t1, p_.speed.next_breakpoint(t0));
  const double va = p_.speed.value(a), vb = p_.speed.value(std::nextafter(b, a));
  if (!(b > a) || !std::isfinite(b)) return;
  for (double m : marks) {
    const double v = m / c;
    if ((va - v) * (vb - v) < 0) {
      const double tc = a + (v - va) / (vb - va) * (b - a);
      // (a crossing at t0 itself, where the last stop was, is not a new one)
      if (tc > t0 + 1e-9 * std::max(1.0, std::abs(t0)) && tc <= t1) out.push_back(tc);
    }
  }
}

void WindFarm::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupWind;
  out_ = {plan.column(g, name(), "hub_speed", "m s-1", "wind speed at hub height"),
          plan.column(g, name(), "equivalent_speed", "m s-1",
                      "hub-height speed corrected to 1.225 kg/m3"),
          plan.column(g, name(), "available", "W", "available power"),
          plan.column(g, name(), "power", "W", "farm output (after curtailment)")};
}

void WindFarm::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], hub_speed(s.t));
  out.set(out_[1], equivalent_speed(s.t));
  out.set(out_[2], available(s.t));
  out.set(out_[3], power(s.t));
}

// ---- Solar -----------------------------------------------------------------------------

SolarPlant::SolarPlant(std::string name, Zone& zone, Params p)
    : Component("power solar plant", std::move(name)), zone_(zone), p_(std::move(p)) {}

void SolarPlant::bind() {
  bal_ = zone_.balance_row();
  eg_ = zone_.energy(Zone::kGenerated);
  ec_ = zone_.energy(Zone::kCurtailed);
}

double SolarPlant::irradiance(double t) const {
  if (!p_.clear_sky) return std::max(0.0, p_.irradiance.value(t));
  const SolarPosition pos = solar_position(p_.start_jd + t / 86400.0, p_.latitude, p_.longitude);
  return haurwitz_ghi(std::cos(pos.zenith * std::numbers::pi / 180.0)) *
         std::max(0.0, p_.cloud_factor.value(t));
}

double SolarPlant::available(double t) const {
  const double G = irradiance(t);
  const double tcell = p_.air_temperature.value(t) + G * (p_.noct - 293.15) / 800.0;
  const double dc =
      p_.capacity * G / 1000.0 * (1.0 + p_.temperature_coefficient * (tcell - 298.15));
  return std::max(0.0, p_.availability.value(t)) * std::clamp(dc, 0.0, p_.inverter_limit);
}

void SolarPlant::residual(const State& s, double* F) const {
  const double avail = available(s.t), P = std::min(avail, cap_);
  F[bal_] -= P;
  if (zone_.accumulating()) {
    F[eg_] -= P;
    F[ec_] -= avail - P;
  }
}

void SolarPlant::stop_times(double t0, double t1, std::vector<double>& out) const {
  if (p_.clear_sky)
    p_.cloud_factor.breakpoints(t0, t1, out);
  else
    p_.irradiance.breakpoints(t0, t1, out);
  p_.air_temperature.breakpoints(t0, t1, out);
  p_.availability.breakpoints(t0, t1, out);
}

void SolarPlant::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupSolar;
  out_ = {plan.column(g, name(), "irradiance", "W m-2", "irradiance on the modules"),
          plan.column(g, name(), "available", "W", "available power"),
          plan.column(g, name(), "power", "W", "plant output (after curtailment)")};
}

void SolarPlant::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], irradiance(s.t));
  out.set(out_[1], available(s.t));
  out.set(out_[2], power(s.t));
}

// ---- Storage ---------------------------------------------------------------------------

Storage::Storage(std::string name, Zone& zone, Params p)
    : Component("power storage", std::move(name)), zone_(zone), p_(std::move(p)) {}

std::vector<UnknownSpec> Storage::unknowns() const {
  return {{"power", "W", VarKind::Algebraic, std::max(1e6, p_.power_discharge)},
          {"energy", "J", VarKind::Differential, std::max(1e6, p_.energy)}};
}

void Storage::bind() {
  p_i_ = offset();
  e_i_ = offset() + 1;
  df_ = zone_.df();
  bal_ = zone_.balance_row();
  eg_ = zone_.energy(Zone::kGenerated);
}

void Storage::initial_values(std::span<double> y) const {
  y[0] = 0.0;
  y[1] = p_.soc_initial * p_.energy;
}

double Storage::eta() const {
  return std::sqrt(p_.efficiency);
}

double Storage::command(const State& s) const {
  return p_.schedule.value(s.t) - gain() * s.y[df_] / zone_.f0();
}

void Storage::residual(const State& s, double* F) const {
  const double P = s.y[p_i_];
  switch (mode_) {
    case Mode::Normal:
      F[p_i_] = P - command(s);
      break;
    case Mode::MaxDischarge:
      F[p_i_] = P - p_.power_discharge;
      break;
    case Mode::MaxCharge:
      F[p_i_] = P + p_.power_charge;
      break;
    case Mode::Empty:
    case Mode::Full:
      F[p_i_] = P;
      break;
  }
  if (zone_.accumulating()) {
    F[e_i_] = s.yp[e_i_] + (charging_ ? eta() : 1.0 / eta()) * P;
    F[eg_] -= P;
  } else {
    F[e_i_] = s.yp[e_i_] + (s.y[e_i_] - p_.soc_initial * p_.energy);
  }
  F[bal_] -= P;
}

void Storage::jacobian(const State&, JacobianWriter& J) const {
  const bool acc = zone_.accumulating();
  J.add(p_i_, p_i_, 1.0);
  J.add(p_i_, df_, mode_ == Mode::Normal ? gain() / zone_.f0() : 0.0);
  J.add(e_i_, e_i_, acc ? 0.0 : 1.0, 1.0);
  J.add(e_i_, p_i_, acc ? (charging_ ? eta() : 1.0 / eta()) : 0.0);
  J.add(bal_, p_i_, -1.0);
  J.add(eg_, p_i_, acc ? -1.0 : 0.0);
}

void Storage::roots(const State& s, double* g) const {
  const double c = command(s), E = s.y[e_i_];
  g[0] = p_.power_discharge - c;
  g[1] = c + p_.power_charge;
  g[2] = mode_ == Mode::Empty ? kNoRoot : E - e_min();
  g[3] = mode_ == Mode::Full ? kNoRoot : e_max() - E;
  g[4] = c;
}

Storage::Mode Storage::want(const State& s) const {
  const double c = command(s), E = s.y[e_i_];
  if (c > 0 && (E <= e_min() + band() || mode_ == Mode::Empty)) return Mode::Empty;
  if (c < 0 && (E >= e_max() - band() || mode_ == Mode::Full)) return Mode::Full;
  if (c > p_.power_discharge) return Mode::MaxDischarge;
  if (c < -p_.power_charge) return Mode::MaxCharge;
  return Mode::Normal;
}

EventAction Storage::update(const State& s) {
  const Mode m = want(s);
  const bool ch = command(s) < 0;
  EventAction a;
  if (m != mode_ || ch != charging_) a.reinitialise = true;
  if (m != mode_ && (m == Mode::Empty || m == Mode::Full))
    a = {true, "limit", s.y[e_i_], m == Mode::Empty ? "storage empty" : "storage full"};
  mode_ = m;
  charging_ = ch;
  return a;
}

EventAction Storage::on_root(int i, int direction, const State& s) {
  if (i == 2 && direction < 0 && command(s) > 0) mode_ = Mode::Empty;
  if (i == 3 && direction < 0 && command(s) < 0) mode_ = Mode::Full;
  // Leaving Empty/Full: only when the command reverses.
  if (i == 4) {
    if (mode_ == Mode::Empty && direction < 0) mode_ = Mode::Normal;
    if (mode_ == Mode::Full && direction > 0) mode_ = Mode::Normal;
  }
  const Mode before = mode_;
  EventAction a = update(s);
  if (i == 2 || i == 3) {
    if (before == Mode::Empty || before == Mode::Full)
      a = {true, "limit", s.y[e_i_], before == Mode::Empty ? "storage empty" : "storage full"};
  }
  a.reinitialise = true;
  return a;
}

EventAction Storage::settle(const State& s) {
  return update(s);
}

EventAction Storage::on_stop(double, const State& s) {
  return update(s);
}

void Storage::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupStorage;
  out_ = {plan.column(g, name(), "power", "W", "output (+ discharging, − charging)"),
          plan.column(g, name(), "energy", "J", "stored energy"),
          plan.column(g, name(), "state_of_charge", "1", "stored energy over capacity")};
}

void Storage::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], s.y[p_i_]);
  out.set(out_[1], s.y[e_i_]);
  out.set(out_[2], p_.energy > 0 ? s.y[e_i_] / p_.energy : 0.0);
}

// ---- Dispatch --------------------------------------------------------------------------

Dispatcher::Dispatcher(std::string name, double interval, double ramp_time,
                       std::vector<Zone*> zones, std::vector<Tie*> ties,
                       std::vector<Generator*> gens, std::vector<WindFarm*> wind,
                       std::vector<SolarPlant*> solar, std::vector<double> infinite_price)
    : Component("power dispatch", std::move(name)),
      interval_(interval),
      ramp_time_(ramp_time),
      zones_(std::move(zones)),
      ties_(std::move(ties)),
      gens_(std::move(gens)),
      wind_(std::move(wind)),
      solar_(std::move(solar)),
      infinite_price_(std::move(infinite_price)) {
  for (Zone* z : zones_) z->set_dispatched();
  for (Generator* g : gens_) g->set_dispatched();
}

double Dispatcher::dispatch(double t, const State* st) {
  const std::size_t nz = zones_.size();
  auto zi = [&](const Zone* z) {
    return static_cast<std::size_t>(std::find(zones_.begin(), zones_.end(), z) - zones_.begin());
  };
  std::vector<double> net(nz, 0.0), renew(nz, 0.0);
  for (std::size_t k = 0; k < nz; ++k) {
    const Zone& z = *zones_[k];
    if (z.infinite()) continue;
    net[k] = z.load(t) * (1.0 - z.shed_fraction());
    for (const Storage* b : z.storage) net[k] -= b->schedule(t);
  }
  for (WindFarm* w : wind_) {
    w->set_cap(kInf);
    net[zi(&w->zone())] -= w->available(t);
    renew[zi(&w->zone())] += w->available(t);
  }
  for (SolarPlant* p : solar_) {
    p->set_cap(kInf);
    net[zi(&p->zone())] -= p->available(t);
    renew[zi(&p->zone())] += p->available(t);
  }
  // Supplies in merit order: surplus first (cost −∞), then unit headroom, then external.
  struct Supply {
    std::size_t zone;
    double amount, cost;
    Generator* gen;
  };
  std::vector<Supply> supplies;
  std::vector<double> setp(gens_.size(), 0.0);
  for (std::size_t g = 0; g < gens_.size(); ++g) {
    Generator* u = gens_[g];
    if (!u->online(t)) continue;
    const std::size_t k = zi(&u->zone());
    setp[g] = u->p_min(t);
    net[k] -= setp[g];
    supplies.push_back({k, u->p_max(t) - setp[g], u->params().cost, u});
  }
  for (std::size_t k = 0; k < nz; ++k) {
    if (zones_[k]->infinite()) supplies.push_back({k, kInf, infinite_price_[k], nullptr});
    if (net[k] < 0) {
      supplies.push_back({k, -net[k], -kInf, nullptr});
      net[k] = 0.0;
    }
  }
  std::stable_sort(supplies.begin(), supplies.end(),
                   [](const Supply& a, const Supply& b) { return a.cost < b.cost; });
  std::vector<double> flow(ties_.size(), 0.0);
  const double eps = 1.0;  // W
  std::vector<int> via(nz);
  std::vector<std::size_t> prev(nz);
  for (Supply& s : supplies) {
    while (s.amount > eps) {
      std::size_t dest = s.zone;
      if (net[dest] <= eps) {
        // Breadth-first search for the nearest zone with a deficit, on ties with room.
        std::fill(via.begin(), via.end(), -2);
        via[s.zone] = -1;
        std::deque<std::size_t> queue{s.zone};
        dest = nz;
        while (!queue.empty() && dest == nz) {
          const std::size_t a = queue.front();
          queue.pop_front();
          for (std::size_t e = 0; e < ties_.size(); ++e) {
            const Tie& tie = *ties_[e];
            if (!tie.in_service()) continue;
            const std::size_t f = zi(&tie.from()), to = zi(&tie.to());
            std::size_t b = nz;
            if (f == a && tie.params().limit_forward - flow[e] > eps) b = to;
            if (to == a && tie.params().limit_reverse + flow[e] > eps) b = f;
            if (b == nz || via[b] != -2) continue;
            via[b] = static_cast<int>(e);
            prev[b] = a;
            if (net[b] > eps && !zones_[b]->infinite()) {
              dest = b;
              break;
            }
            queue.push_back(b);
          }
        }
        if (dest == nz) break;
      }
      double d = std::min(s.amount, net[dest]);
      for (std::size_t b = dest; b != s.zone; b = prev[b]) {
        const Tie& tie = *ties_[static_cast<std::size_t>(via[b])];
        const double room =
            zi(&tie.to()) == b
                ? tie.params().limit_forward - flow[static_cast<std::size_t>(via[b])]
                : tie.params().limit_reverse + flow[static_cast<std::size_t>(via[b])];
        d = std::min(d, room);
      }
      for (std::size_t b = dest; b != s.zone; b = prev[b]) {
        const auto e = static_cast<std::size_t>(via[b]);
        flow[e] += zi(&ties_[e]->to()) == b ? d : -d;
      }
      net[dest] -= d;
      s.amount -= d;
      if (s.gen) {
        const auto g =
            static_cast<std::size_t>(std::find(gens_.begin(), gens_.end(), s.gen) - gens_.begin());
        setp[g] += d;
      }
    }
    // Surplus that found no deficit: curtail wind and solar in its zone.
    if (s.cost == -kInf && s.amount > eps && renew[s.zone] > 0) {
      const double keep = std::max(0.0, 1.0 - s.amount / renew[s.zone]);
      for (WindFarm* w : wind_)
        if (zi(&w->zone()) == s.zone) w->set_cap(keep * w->available(t));
      for (SolarPlant* p : solar_)
        if (zi(&p->zone()) == s.zone) p->set_cap(keep * p->available(t));
    }
  }
  // The AGC signal accumulated since the last dispatch moves into the base points, so a
  // unit's target P_sched + α·z is continuous at the dispatch and ramps to the new point.
  const double ramp = st ? ramp_time_ : 0.0;
  last_ = t;
  for (std::size_t g = 0; g < gens_.size(); ++g) {
    const Zone& z = gens_[g]->zone();
    const double agc =
        st && z.has_agc() ? gens_[g]->params().participation * st->y[z.agc_row()] : 0.0;
    gens_[g]->set_schedule(setp[g] - agc, t, ramp);
  }
  std::vector<double> exp(nz, 0.0);
  for (std::size_t e = 0; e < ties_.size(); ++e) {
    exp[zi(&ties_[e]->from())] += flow[e];
    exp[zi(&ties_[e]->to())] -= flow[e];
  }
  double unserved = 0.0;
  for (std::size_t k = 0; k < nz; ++k) {
    zones_[k]->set_scheduled_export(exp[k], t, ramp);
    unserved += std::max(0.0, net[k]);
  }
  return unserved;
}

void Dispatcher::stop_times(double t0, double t1, std::vector<double>& out) const {
  const double t = (std::floor(t0 / interval_ + 1e-9) + 1.0) * interval_;
  if (t <= t1) out.push_back(t);
  const double ramp_end = last_ + ramp_time_;  // the schedules' kink
  if (ramp_end > t0 && ramp_end <= t1) out.push_back(ramp_end);
}

EventAction Dispatcher::on_stop(double t, const State& s) {
  const double k = t / interval_;
  if (std::abs(k - std::round(k)) > 1e-9 * std::max(1.0, k)) return {};
  const double unserved = dispatch(t, &s);
  for (Generator* g : gens_) g->reclassify(s);
  EventAction a;
  a.reinitialise = true;
  if (unserved > 1.0) {
    a.kind = "schedule";
    a.value = unserved;
    a.message =
        fmt::format("dispatch short of {:.6g} MW (forecast load it cannot reach)", unserved / 1e6);
  }
  return a;
}

}  // namespace steppe::power
