#include "models/power/generator.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/power/common.hpp"
#include "models/power/context.hpp"

namespace steppe::power {

Generator::Generator(std::string name, Zone& zone, Params p)
    : Component("power generator", std::move(name)), zone_(zone), p_(std::move(p)) {
  if (p_.trip_at <= 0) tripped_ = true;
  order_ = online(0.0) ? Order::Normal : Order::Offline;
  dead_ = p_.deadband > 0 ? Dead::Inside : Dead::Above;
}

std::vector<UnknownSpec> Generator::unknowns() const {
  const double s = std::max(p_.capacity, 1e6);
  std::vector<UnknownSpec> u = {{"reference", "W", VarKind::Differential, s}};
  if (transient_droop()) u.push_back({"transient_droop_lag", "W", VarKind::Differential, s});
  u.push_back({"governor_order", "W",
               p_.governor_time > 0 ? VarKind::Differential : VarKind::Algebraic, s});
  u.push_back({"turbine", "W", VarKind::Differential, s});
  return u;
}

void Generator::bind() {
  int k = offset();
  pref_ = k++;
  w_ = transient_droop() ? k++ : -1;
  x_ = k++;
  r_ = k++;
  df_ = zone_.df();
  lam_ = zone_.agc_row();
  bal_ = zone_.balance_row();
  eg_ = zone_.energy(Zone::kGenerated);
  slot_ = zone_.agc_slot(*this);
}

double Generator::schedule(double t) const {
  return dispatched_ ? sched_.value(t) : p_.set_point.value(t);
}

double Generator::base_point(double t) const {
  return std::clamp(schedule(t), p_min(t), p_max(t));
}

void Generator::set_schedule(double p, double t, double ramp_time, bool at_once) {
  const double from = schedule(t), d = p - from;
  const double rate = d > 0 ? p_.ramp_up : p_.ramp_down;
  const double duration = at_once               ? 0.0
                          : std::isfinite(rate) ? std::max(ramp_time, std::abs(d) / rate)
                                                : ramp_time;
  sched_.set(from, p, t, duration);
  ramp_until_ = t + duration;
}

void Generator::initial_values(std::span<double> y) const {
  const double p = order_ == Order::Offline ? 0.0 : base_point(0.0);
  std::fill(y.begin(), y.end(), p);
}

double Generator::power(const State& s) const {
  if (order_ == Order::Offline) return 0.0;
  return p_.hp_fraction * s.y[x_] + (1.0 - p_.hp_fraction) * s.y[r_];
}

double Generator::inertia(const State&) const {
  return order_ == Order::Offline ? 0.0 : p_.inertia * p_.rating;
}

RegulatingBand Generator::band(double t) const {
  if (p_.participation <= 0 || !online(t)) return {};
  const double b = base_point(t);
  RegulatingBand r{p_max(t) - b, b - p_min(t)};
  const double ta = zone_.activation_time();
  if (std::isfinite(ta)) {
    r.up = std::min(r.up, p_.ramp_up * ta);
    r.down = std::min(r.down, p_.ramp_down * ta);
  }
  return r;
}

double Generator::target(const State& s) const {
  if (order_ == Order::Offline) return 0.0;
  return base_point(s.t) + zone_.agc_share(slot_, s);
}

double Generator::soft_order(const State& s, double& ds) const {
  return soft_clamp_outside(order(s), p_min(s.t), p_max(s.t), p_.limit_smoothing * p_.capacity, ds);
}

double Generator::governed_df(const State& s) const {
  const double df = s.y[df_];
  switch (dead_) {
    case Dead::Inside:
      return 0.0;
    case Dead::Above:
      return df - p_.deadband;
    case Dead::Below:
      return df + p_.deadband;
  }
  return df;
}

double Generator::order(const State& s) const {
  const double u = s.y[pref_] - gain() * governed_df(s) / zone_.f0();
  if (!transient_droop()) return u;
  return lead_share() * u + (1.0 - lead_share()) * s.y[w_];
}

void Generator::residual(const State& s, double* F) const {
  const double* y = s.y;
  switch (track_) {
    case Track::Follow:
      F[pref_] = s.yp[pref_] - rate(s);
      break;
    case Track::RampUp:
      F[pref_] = s.yp[pref_] - p_.ramp_up;
      break;
    case Track::RampDown:
      F[pref_] = s.yp[pref_] + p_.ramp_down;
      break;
  }
  if (transient_droop())
    F[w_] = lag_time() * s.yp[w_] + y[w_] - (y[pref_] - gain() * governed_df(s) / zone_.f0());
  double c = 0.0, ds = 0.0;
  switch (smooth() && order_ != Order::Offline ? Order::Normal : order_) {
    case Order::Normal:
      c = smooth() ? soft_order(s, ds) : order(s);
      break;
    case Order::AtMax:
      c = p_max(s.t);
      break;
    case Order::AtMin:
      c = p_min(s.t);
      break;
    case Order::Offline:
      c = 0.0;
      break;
  }
  F[x_] = p_.governor_time * s.yp[x_] + y[x_] - c;
  F[r_] = p_.turbine_time * s.yp[r_] - (y[x_] - y[r_]);
  const double P = power(s);
  F[bal_] += -P + (order_ == Order::Offline ? 0.0 : mass() * s.yp[df_]);
  F[eg_] -= P;
}

void Generator::jacobian(const State& s, JacobianWriter& J) const {
  const bool on = order_ != Order::Offline;
  const double follow = track_ == Track::Follow ? 1.0 : 0.0;
  // The weight of the governor order: 1 or 0 by mode, or the slope of its soft limits.
  double normal = order_ == Order::Normal ? 1.0 : 0.0;
  if (smooth() && on) soft_order(s, normal);
  const double dudf = -gain() * governed_slope() / zone_.f0();  // ∂u/∂Δf (∂u/∂P_ref = 1)
  J.add(pref_, pref_, follow / p_.setpoint_time, 1.0);
  if (lam_ >= 0)
    J.add(pref_, lam_, on ? -follow * zone_.agc_slope(slot_, s) / p_.setpoint_time : 0.0);
  // v = a·u + (1 − a)·w with a = T_R/A (a = 1 without transient droop)
  const double a = transient_droop() ? lead_share() : 1.0;
  if (transient_droop()) {
    J.add(w_, w_, 1.0, lag_time());
    J.add(w_, pref_, -1.0);
    J.add(w_, df_, -dudf);
  }
  J.add(x_, x_, 1.0, p_.governor_time);
  J.add(x_, pref_, -normal * a);
  J.add(x_, df_, -normal * a * dudf);
  if (transient_droop()) J.add(x_, w_, -normal * (1.0 - a));
  J.add(r_, r_, 1.0, p_.turbine_time);
  J.add(r_, x_, -1.0);
  const double fh = on ? p_.hp_fraction : 0.0, fr = on ? 1.0 - p_.hp_fraction : 0.0;
  J.add(bal_, x_, -fh);
  J.add(bal_, r_, -fr);
  J.add(bal_, df_, 0.0, on ? mass() : 0.0);
  J.add(eg_, x_, -fh);
  J.add(eg_, r_, -fr);
}

// ---- events
void Generator::roots(const State& s, double* g) const {
  // Ramp limits with a relative hysteresis: a reference following a base point that moves
  // at exactly the ramp rate approaches it from below and must not touch it.
  const double h = rate(s), rb = kRampBand;
  g[kRampUp] = std::isfinite(p_.ramp_up)
                   ? p_.ramp_up * (track_ == Track::RampUp ? 1 - rb : 1 + rb) - h
                   : kNoRoot;
  g[kRampDown] = std::isfinite(p_.ramp_down)
                     ? h + p_.ramp_down * (track_ == Track::RampDown ? 1 - rb : 1 + rb)
                     : kNoRoot;
  const double df = s.y[df_], f0 = zone_.f0();
  const bool on = order_ != Order::Offline;
  if (!on) {
    g[kOrderMax] = g[kOrderMin] = kNoRoot;
  } else {
    // Hysteresis: a unit sitting exactly at a limit (dispatched at its minimum) must not
    // chatter; it enters a limit mode hysteresis() beyond it and leaves hysteresis() inside.
    const double u = order(s), e = hysteresis();
    g[kOrderMax] = p_max(s.t) + (order_ == Order::AtMax ? -e : e) - u;
    g[kOrderMin] = u - p_min(s.t) + (order_ == Order::AtMin ? -e : e);
  }
  const bool dead = p_.deadband > 0 && p_.droop > 0;
  g[kDeadUp] = dead ? df - p_.deadband : kNoRoot;
  g[kDeadDown] = dead ? df + p_.deadband : kNoRoot;
  // The schedule beyond the limits (hysteresis as above: a unit dispatched exactly at its
  // minimum is not "below" it).
  const double sch = schedule(s.t), e = hysteresis();
  g[kSchedMax] = on ? p_max(s.t) - sch + (above_max_ ? -e : e) : kNoRoot;
  g[kSchedMin] = on ? sch - p_min(s.t) + (below_min_ ? -e : e) : kNoRoot;
  const double dt_u = relay_since_[0] + p_.under.delay - s.t;
  const double dt_o = relay_since_[1] + p_.over.delay - s.t;
  g[kUnder] = on && p_.under.active() ? df - (p_.under.threshold - f0) : kNoRoot;
  g[kUnderTimer] = on && relay_[0] == Relay::Armed ? dt_u : kNoRoot;
  g[kOver] = on && p_.over.active() ? (p_.over.threshold - f0) - df : kNoRoot;
  g[kOverTimer] = on && relay_[1] == Relay::Armed ? dt_o : kNoRoot;
}

Generator::Track Generator::want_track(const State& s) const {
  const double h = rate(s), e = kRampBand;
  if (h > p_.ramp_up * (track_ == Track::RampUp ? 1 - e : 1 + e)) return Track::RampUp;
  if (h < -p_.ramp_down * (track_ == Track::RampDown ? 1 - e : 1 + e)) return Track::RampDown;
  return Track::Follow;
}

Generator::Order Generator::want_order(const State& s) const {
  if (!online(s.t)) return Order::Offline;
  const double u = order(s);
  const double e = hysteresis();
  if (u > p_max(s.t) + (order_ == Order::AtMax ? -e : e)) return Order::AtMax;
  if (u < p_min(s.t) - (order_ == Order::AtMin ? -e : e)) return Order::AtMin;
  return Order::Normal;
}

Generator::Dead Generator::want_dead(const State& s) const {
  if (p_.deadband <= 0) return Dead::Above;
  const double df = s.y[df_];
  if (df > p_.deadband) return Dead::Above;
  if (df < -p_.deadband) return Dead::Below;
  return Dead::Inside;
}

// A limit matters when the governor drives the unit there (its primary reserve is
// exhausted), not when dispatch or AGC put its set point at the limit.
bool Generator::limit_matters(const State& s, Order o) const {
  const double b = target(s), e = 1e3 * hysteresis();
  return o == Order::AtMax ? b < p_max(s.t) - e : b > p_min(s.t) + e;
}

EventAction Generator::relay_root(bool under, bool timer, int direction, const State& s) {
  const int k = under ? 0 : 1;
  const FrequencyRelay& r = under ? p_.under : p_.over;
  const double f = zone_.f0() + s.y[df_];
  const char* side = under ? "under" : "over";
  if (!timer) {  // pick-up and drop-off change no equation: recorded, no restart
    if (direction < 0 && relay_[k] == Relay::Idle) {
      relay_[k] = Relay::Armed;
      relay_since_[k] = s.t;
      if (r.delay <= 0) return relay_root(under, true, -1, s);
      return {false, "mode", f,
              fmt::format("{}-frequency protection picked up: {:.6g} Hz (trips after {:.6g} s)",
                          side, f, r.delay),
              "Hz"};
    }
    if (direction > 0 && relay_[k] == Relay::Armed) {
      relay_[k] = Relay::Idle;
      return {false, "mode", f, fmt::format("{}-frequency protection dropped off", side), "Hz"};
    }
    return {};
  }
  if (direction >= 0 || relay_[k] != Relay::Armed) return {};
  relay_[k] = Relay::Idle;
  tripped_ = true;
  update(s, "trip", false);
  return {
      true, "mode", f,
      fmt::format("generator tripped by its {}-frequency protection: {:.6g} Hz for {:.6g} s "
                  "({} {:.6g} Hz)",
                  under ? "under" : "over", f, r.delay, under ? "below" : "above", r.threshold)};
}

EventAction Generator::on_root(int i, int direction, const State& s) {
  EventAction a;
  // A switch changes the equations (IDA restarts from the root); it is recorded when it
  // matters.
  auto set_track = [&](Track t, const char* msg) {
    if (track_ == t) return;
    track_ = t;
    a.reinitialise = true;
    if (ramp_matters(s.t)) a = {true, "mode", s.y[pref_], msg, "W"};
  };
  // With soft output limits the order's modes only report (the equations stay): no restart.
  auto set_order = [&](Order o, const char* msg) {
    if (order_ == o) return;
    order_ = o;
    const bool record = o == Order::Normal ? limit_recorded_ : limit_matters(s, o);
    limit_recorded_ = o != Order::Normal && record;
    a.reinitialise = !smooth();
    if (record) a = {!smooth(), "limit", s.y[x_], msg, "W"};
  };
  switch (i) {
    case kRampUp:
      if (direction < 0) set_track(Track::RampUp, "set point ramping up at its ramp limit");
      if (direction > 0 && track_ == Track::RampUp)
        set_track(Track::Follow, "set point within ramp limits");
      break;
    case kRampDown:
      if (direction < 0) set_track(Track::RampDown, "set point ramping down at its ramp limit");
      if (direction > 0 && track_ == Track::RampDown)
        set_track(Track::Follow, "set point within ramp limits");
      break;
    case kOrderMax:
      if (direction < 0) set_order(Order::AtMax, "output at its maximum");
      if (direction > 0 && order_ == Order::AtMax)
        set_order(Order::Normal, "output below its maximum");
      break;
    case kOrderMin:
      if (direction < 0) set_order(Order::AtMin, "output at its minimum");
      if (direction > 0 && order_ == Order::AtMin)
        set_order(Order::Normal, "output above its minimum");
      break;
    case kDeadUp:
      dead_ = direction > 0 ? Dead::Above : Dead::Inside;
      a.reinitialise = true;
      break;
    case kDeadDown:
      dead_ = direction < 0 ? Dead::Below : Dead::Inside;
      a.reinitialise = true;
      break;
    case kSchedMax:
      above_max_ = direction < 0;
      a = {false, "limit", schedule(s.t),
           above_max_ ? fmt::format("set point {:.6g} MW above the available {:.6g} MW: held at "
                                    "the available output (curtailed)",
                                    schedule(s.t) / 1e6, p_max(s.t) / 1e6)
                      : "set point within the available output again",
           "W"};
      break;
    case kSchedMin:
      below_min_ = direction < 0;
      a = {false, "limit", schedule(s.t),
           below_min_ ? fmt::format("set point {:.6g} MW below the minimum output {:.6g} MW: held "
                                    "at the minimum",
                                    schedule(s.t) / 1e6, p_min(s.t) / 1e6)
                      : "set point above the minimum output again",
           "W"};
      break;
    case kUnder:
    case kUnderTimer:
      return relay_root(true, i == kUnderTimer, direction, s);
    case kOver:
    case kOverTimer:
      return relay_root(false, i == kOverTimer, direction, s);
    default:
      break;
  }
  return a;
}

// The modes the state calls for. `settling`: after a restart (the initial state, a trip,
// a set point change): any change needs the state solved again.
EventAction Generator::update(const State& s, const char* why, bool settling) {
  const Order o = want_order(s);
  const Order before = order_;
  order_ = o;  // the target (and so the track) depends on being online
  const Track t = want_track(s);
  const Dead d = want_dead(s);
  EventAction a;
  const bool on = o != Order::Offline;
  const double sch = schedule(s.t), e = hysteresis();
  const bool above = on && sch > p_max(s.t) + (above_max_ ? -e : e);
  const bool below = on && sch < p_min(s.t) - (below_min_ ? -e : e);
  if (o != before && (o == Order::Offline || before == Order::Offline)) {
    a = {true, "mode", s.y[x_],
         fmt::format("{}: unit {}", why, o == Order::Offline ? "offline" : "online"), "W"};
  } else if (o != before) {
    const bool record = o == Order::Normal ? limit_recorded_ : limit_matters(s, o);
    limit_recorded_ = o != Order::Normal && record;
    a.reinitialise = settling && !smooth();
    if (record)
      a = {settling && !smooth(), "limit", s.y[x_],
           o == Order::AtMax   ? "output at its maximum"
           : o == Order::AtMin ? "output at its minimum"
                               : "output within its limits",
           "W"};
  } else if (t != track_ && ramp_matters(s.t)) {
    a = {settling, "mode", s.y[pref_],
         t == Track::RampUp     ? "set point ramping up at its ramp limit"
         : t == Track::RampDown ? "set point ramping down at its ramp limit"
                                : "set point within ramp limits",
         "W"};
  } else if (above != above_max_ && a.kind.empty()) {
    a = {settling, "limit", sch,
         above ? fmt::format("set point {:.6g} MW above the available {:.6g} MW: held at the "
                             "available output (curtailed)",
                             sch / 1e6, p_max(s.t) / 1e6)
               : "set point within the available output again",
         "W"};
  } else if (below != below_min_ && a.kind.empty() && on) {
    a = {settling, "limit", sch,
         below ? fmt::format("set point {:.6g} MW below the minimum output {:.6g} MW: held at the "
                             "minimum",
                             sch / 1e6, p_min(s.t) / 1e6)
               : "set point above the minimum output again",
         "W"};
  }
  if (settling && (t != track_ || d != dead_)) a.reinitialise = true;
  track_ = t;
  dead_ = d;
  above_max_ = above;
  below_min_ = below;
  if (!on) relay_[0] = relay_[1] = Relay::Idle;
  return a;
}

bool Generator::reclassify(const State& s) {
  return update(s, "schedule", true).reinitialise;
}

EventAction Generator::settle(const State& s) {
  const char* why = commit_note_ ? commit_note_ : "initial state";
  commit_note_ = nullptr;
  EventAction a = update(s, why, true);
  // Relays whose condition holds at a restart (a trip elsewhere dropped f at once).
  const double f = zone_.f0() + s.y[df_];
  if (order_ != Order::Offline) {
    for (const bool under : {true, false}) {
      const FrequencyRelay& r = under ? p_.under : p_.over;
      if (!r.active() || relay_[under ? 0 : 1] != Relay::Idle) continue;
      if (under ? f >= r.threshold : f <= r.threshold) continue;
      EventAction b = relay_root(under, false, -1, s);
      if (b.reinitialise || a.kind.empty()) a = b;
    }
  }
  return a;
}

namespace {
constexpr const char* kStopped = "stopped by dispatch (desynchronised at its minimum output)";
}  // namespace

EventAction Generator::on_stop(double t, const State& s) {
  if (!tripped_ && t >= p_.trip_at) return trip(s);
  if (stop_at_ <= t) {
    desynchronise(t);
    return update(s, kStopped, true);
  }
  return update(s, "availability", true);
}

bool Generator::startable(double t) const {
  if (!p_.committable || tripped_ || !(p_.availability.value(t) > 0)) return false;
  if (committed_) return stopping();
  return t - status_since_ >= p_.min_down_time;
}

bool Generator::stoppable(double t) const {
  return p_.committable && online(t) && !stopping() && t - status_since_ >= p_.min_up_time;
}

// The modes follow when the integrator settles them after the restart the dispatcher asks
// for (settle() records the event under the unit's name); the initial dispatch sets them.
void Generator::start(double t, bool initial) {
  stop_at_ = kInf;
  if (committed_) return;  // unloading to stop: taken back
  committed_ = true;
  if (initial) {
    order_ = online(t) ? Order::Normal : Order::Offline;
    return;
  }
  status_since_ = t;
  starts_ += 1.0;
  commit_note_ = "started by dispatch (synchronised at its minimum output)";
}

void Generator::stop(double t, double ramp_time, bool initial) {
  const double from = schedule(t), low = p_min(t);
  set_schedule(0.0, t, ramp_time, initial);
  const double d = ramp_until_ - t;
  const double when = from > low && d > 0 ? t + d * (from - low) / from : t;
  if (when > t) {
    stop_at_ = when;
    return;
  }
  if (initial) {  // the status before the study: no switch time, the mode at once
    committed_ = false;
    order_ = Order::Offline;
    return;
  }
  desynchronise(t);
  commit_note_ = kStopped;
}

void Generator::desynchronise(double t) {
  committed_ = false;
  stop_at_ = kInf;
  status_since_ = t;
}

EventAction Generator::trip(const State& s) {
  if (tripped_) return {};
  tripped_ = true;
  update(s, "trip", false);
  return {true, "mode", s.y[x_], "generator tripped", "W"};
}

// capacity_factor_ is set by a coupling (gas plant derate), sched_ by the dispatcher.
void Generator::save(DiscreteState& out) const {
  out.put(track_), out.put(order_), out.put(dead_), out.put(relay_[0]), out.put(relay_[1]);
  out.put(relay_since_[0]), out.put(relay_since_[1]);
  out.put(tripped_), out.put(above_max_), out.put(below_min_), out.put(limit_recorded_);
  out.put(capacity_factor_), out.put(ramp_until_);
  out.put(committed_), out.put(status_since_), out.put(stop_at_), out.put(starts_);
  sched_.save(out);
}

void Generator::restore(DiscreteState& in) {
  in.get(track_), in.get(order_), in.get(dead_), in.get(relay_[0]), in.get(relay_[1]);
  in.get(relay_since_[0]), in.get(relay_since_[1]);
  in.get(tripped_), in.get(above_max_), in.get(below_min_), in.get(limit_recorded_);
  in.get(capacity_factor_), in.get(ramp_until_);
  in.get(committed_), in.get(status_since_), in.get(stop_at_), in.get(starts_);
  sched_.restore(in);
}

void Generator::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.availability.jumps(t0, t1, out);
  if (!dispatched_) p_.set_point.jumps(t0, t1, out);
  if (p_.trip_at > t0 && p_.trip_at <= t1) out.push_back(p_.trip_at);
  if (stop_at_ > t0 && stop_at_ <= t1) out.push_back(stop_at_);
}

void Generator::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupGenerators;
  out_ = {
      plan.column(g, name(), "power", "W", "electrical output"),
      plan.column(g, name(), "set_point", "W",
                  "set point: base point + AGC share (within minimum and available output)"),
      plan.column(g, name(), "reference", "W", "load reference (follows the set point, ramped)"),
      plan.column(g, name(), "at_limit", "1", "0 normal, 1 at maximum, -1 at minimum, 2 offline"),
      plan.column(g, name(), "base_point", "W", "dispatched (or given) base point, ramped"),
      plan.column(g, name(), "agc_share", "W", "AGC share: the regulation asked of the unit"),
      plan.column(g, name(), "available", "W", "available output: capacity × availability"),
      plan.column(g, name(), "inertia_online", "J", "H·S while online (W·s)"),
      plan.column(g, name(), "starts", "1", "starts by dispatch since the study began"),
  };
  plan.flags(g, "at_limit", {{-1, "at_minimum"}, {0, "normal"}, {1, "at_maximum"}, {2, "offline"}});
  plan.connection(g, name(), "zone", kGroupZones, zone_.name());
  plan.text(g, name(), "type", std::string(category()), "coal, gas or hydro");
  plan.limit(out_[1], "capacity", Bound::Upper, p_.capacity,
             "rated capacity (the set point must not ask for more)");
  plan.value(g, name(), "min_output", p_.min_output, "W", "lowest output when online");
  plan.value(g, name(), "start_cost", p_.start_cost, "1",
             "cost of a start (currency of the merit-order cost); 0 when not committed by "
             "dispatch");
}

void Generator::write_outputs(const State& s, OutputFrame& out) const {
  const double code = order_ == Order::AtMax     ? 1.0
                      : order_ == Order::AtMin   ? -1.0
                      : order_ == Order::Offline ? 2.0
                                                 : 0.0;
  const bool on = order_ != Order::Offline;
  const double vals[] = {power(s),
                         target(s),
                         s.y[pref_],
                         code,
                         on ? base_point(s.t) : 0.0,
                         on ? zone_.agc_share(slot_, s) : 0.0,
                         p_max(s.t),
                         inertia(s),
                         starts_};
  for (std::size_t k = 0; k < out_.size(); ++k) out.set(out_[k], vals[k]);
}

// ---- reader: power.generators[i]
namespace {

FrequencyRelay read_relay(const Reader& item, const std::string& key, double f0, bool under) {
  FrequencyRelay r;
  Reader m = item.child(key);
  if (!m.defined()) return r;
  if (!m.is_map()) {
    m.error(fmt::format("expected a mapping such as {{threshold: {} Hz, delay: 1 s}}",
                        under ? "47.5" : "51.5"));
    return r;
  }
  r.threshold = m.quantity("threshold", dim::frequency);
  r.delay = m.quantity("delay", dim::time, 0.0);
  m.check("threshold", under ? r.threshold > 0 && r.threshold < f0 : r.threshold > f0,
          under ? "must lie between 0 and f0" : "must lie above f0");
  m.check("delay", r.delay >= 0, "must be ≥ 0");
  m.finish();
  return r;
}

}  // namespace

void read_generator(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "generators");
  Zone* zone = c.zones.find(item, "zone");
  Generator::Params p;
  const std::string type = item.choice("type", {"coal", "gas", "hydro"}, "coal");
  p.type = type == "gas" ? GenType::Gas : type == "hydro" ? GenType::Hydro : GenType::Coal;
  const bool hydro = p.type == GenType::Hydro;
  p.capacity = item.quantity("capacity", dim::power);
  p.min_output = item.quantity("min_output", dim::power, 0.0);
  const double ramp = item.quantity("ramp", dim::power / dim::time, kInf);
  p.ramp_up = item.quantity("ramp_up", dim::power / dim::time, "ramp", ramp);
  p.ramp_down = item.quantity("ramp_down", dim::power / dim::time, "ramp", ramp);
  p.droop = item.quantity("droop", dim::none, 0.05);
  if (!item.flag("governor", true)) p.droop = 0.0;
  p.deadband = item.quantity("deadband", dim::frequency, 0.0);
  p.inertia = item.quantity("inertia", dim::time, 0.0);
  p.rating = item.quantity("rating", dim::power, "capacity", p.capacity);
  p.turbine_time = item.quantity("turbine_time", dim::time, p.type == GenType::Gas ? 1.0 : 5.0);
  p.hp_fraction = item.quantity("hp_fraction", dim::none, 0.0);
  double tw = 0.0;
  if (item.has("water_time")) {
    tw = item.quantity("water_time", dim::time);
    item.check("water_time", tw > 0, "must be > 0");
    item.check("water_time", hydro, "only for type: hydro", {"type"});
    item.check("water_time", !item.has("turbine_time") && !item.has("hp_fraction"),
               "water_time sets turbine_time = T_w/2 and hp_fraction = −2; give one or the other");
    p.turbine_time = tw / 2;
    p.hp_fraction = -2.0;
  }
  // Transient droop: both keys or neither; by default (a hydro unit with a water column
  // and a governor) Kundur's values for T_w and T_M = 2H (H = 3 s when not given).
  const bool has_rt = item.has("temporary_droop"), has_tr = item.has("reset_time");
  if (has_rt || has_tr) {
    p.temporary_droop = item.quantity("temporary_droop", dim::none, 0.0);
    p.reset_time = item.quantity("reset_time", dim::time, 0.0);
    item.check("temporary_droop", hydro, "only for type: hydro (transient droop compensation)");
    item.check("temporary_droop", p.temporary_droop >= 0, "must be ≥ 0 (0: none)");
    if (has_rt && !has_tr && p.temporary_droop > 0)
      item.error_at_key("temporary_droop",
                        "a temporary droop needs its 'reset_time' (the dashpot time T_R)");
    if (has_tr && !has_rt)
      item.error_at_key("reset_time", "a reset time needs its 'temporary_droop' (R_T)");
    item.check("reset_time", !has_tr || p.reset_time > 0, "must be > 0");
    if (p.temporary_droop > 0 && p.droop > 0)
      item.check("temporary_droop", p.temporary_droop > p.droop,
                 "must exceed the permanent droop (the transient gain is R_p/R_T < 1)");
  } else if (hydro && tw > 0 && p.droop > 0) {
    const double tm = 2.0 * (p.inertia > 0 ? p.inertia : 3.0);
    p.temporary_droop = std::max((2.3 - 0.15 * (tw - 1.0)) * tw / tm, 2.0 * p.droop);
    p.reset_time = std::max(5.0 - 0.5 * (tw - 1.0), 1.0) * tw;
  }
  if (p.droop <= 0) p.temporary_droop = 0.0;
  p.governor_time = item.quantity("governor_time", dim::time, hydro ? 0.5 : 0.0);
  item.check("governor_time", p.governor_time >= 0, "must be ≥ 0");
  p.setpoint_time = item.quantity("setpoint_time", dim::time, 10.0);
  p.limit_smoothing = item.quantity("limit_smoothing", dim::none, 0.0);
  item.check("limit_smoothing", p.limit_smoothing >= 0 && p.limit_smoothing <= 0.01,
             "must lie between 0 (hard limits) and 0.01 (corners 1 % of capacity wide)");
  p.participation = item.quantity("participation", dim::none, -1.0);
  p.cost = item.quantity("cost", dim::none, 0.0);
  p.availability = item.profile("availability", dim::none, 1.0);
  p.under = read_relay(item, "underfrequency_trip", c.f0, true);
  p.over = read_relay(item, "overfrequency_trip", c.f0, false);
  if (item.has("set_point")) {
    p.set_point = item.profile("set_point", dim::power);
    item.check("set_point", !(p.capacity > 0) || profile_in(p.set_point, 0.0, p.capacity),
               "must lie between 0 and the capacity (a set point beyond it cannot be met)",
               {"capacity"});
  } else if (!c.dispatch) {
    item.error_at_key("set_point", "missing 'set_point' (needed without a power.dispatch section)");
  }
  p.trip_at = item.quantity("trip_at", dim::time, kInf);
  // Commitment by dispatch: any of its keys makes the unit committable.
  for (const char* key : {"min_up_time", "min_down_time", "start_cost"}) {
    if (!item.has(key)) continue;
    if (!c.dispatch && !p.committable)
      item.error_at_key(key,
                        "starts and stops are dispatch's decisions: needs a "
                        "power.dispatch section");
    p.committable = true;
  }
  p.min_up_time = item.quantity("min_up_time", dim::time, 0.0);
  p.min_down_time = item.quantity("min_down_time", dim::time, 0.0);
  p.start_cost = item.quantity("start_cost", dim::none, 0.0);
  item.check("min_up_time", p.min_up_time >= 0, "must be ≥ 0");
  item.check("min_down_time", p.min_down_time >= 0, "must be ≥ 0");
  item.check("start_cost", p.start_cost >= 0, "must be ≥ 0 (currency of 'cost')");
  item.check("capacity", p.capacity > 0, "must be > 0");
  item.check("min_output", p.min_output >= 0 && p.min_output <= p.capacity,
             "must lie between 0 and capacity", {"capacity"});
  item.check("ramp_up", p.ramp_up > 0, "must be > 0");
  item.check("ramp_down", p.ramp_down > 0, "must be > 0");
  item.check("droop", p.droop >= 0, "must be ≥ 0 (0: no governor)");
  item.check("deadband", p.deadband >= 0 && p.deadband < 0.5 * c.f0, "must be ≥ 0 (Hz)");
  item.check("inertia", p.inertia >= 0, "must be ≥ 0 (H on the unit's rating, s)");
  item.check("rating", p.rating > 0, "must be > 0");
  item.check("turbine_time", p.turbine_time > 0, "must be > 0", {"water_time"});
  item.check("setpoint_time", p.setpoint_time > 0, "must be > 0");
  item.check("availability", profile_in(p.availability, 0.0, 1.0),
             "availability must lie between 0 and 1");
  item.finish();
  if (name.empty() || !zone) return;
  Generator& gen = c.system.emplace<Generator>(name, *zone, std::move(p));
  zone->attach(gen);
  c.generators.push_back(&gen);
}

}  // namespace steppe::power
