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
  return dispatched_ ? sched_.value(t) : p_.set_point.value(t);
}

void Generator::set_schedule(double p, double t, double ramp_time) {
  sched_.set(schedule(t), p, t, ramp_time);
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
  F[eg_] -= P;
}

void Generator::jacobian(const State&, JacobianWriter& J) const {
  const bool follow = track_ == Track::Follow, on = order_ != Order::Offline;
  const bool normal = order_ == Order::Normal;
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
  J.add(eg_, x_, -fh);
  J.add(eg_, r_, -fr);
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
    a = {true, "mode", s.y[pref_], msg, "W"};
  };
  auto set_order = [&](Order o, const char* msg) {
    if (order_ == o) return;
    order_ = o;
    a = {true, "limit", s.y[x_], msg, "W"};
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
         fmt::format("{}: unit {}", why, o == Order::Offline ? "offline" : "online"), "W"};
  else if (o != order_)
    a = {true, "limit", s.y[x_],
         o == Order::AtMax   ? "output at its maximum"
         : o == Order::AtMin ? "output at its minimum"
                             : "output within its limits",
         "W"};
  else if (t != track_)
    a = {true, "mode", s.y[pref_],
         t == Track::RampUp     ? "set point ramping up at its ramp limit"
         : t == Track::RampDown ? "set point ramping down at its ramp limit"
                                : "set point within ramp limits",
         "W"};
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
  if (!tripped_ && t >= p_.trip_at) return trip(s);
  return update(s, "availability");
}

EventAction Generator::trip(const State& s) {
  if (tripped_) return {};
  tripped_ = true;
  update(s, "trip");
  return {true, "mode", s.y[x_], "generator tripped", "W"};
}

// capacity_factor_ is set by a coupling (gas plant derate), sched_ by the dispatcher.
void Generator::save(DiscreteState& out) const {
  out.put(track_), out.put(order_), out.put(tripped_), out.put(capacity_factor_);
  sched_.save(out);
}

void Generator::restore(DiscreteState& in) {
  in.get(track_), in.get(order_), in.get(tripped_), in.get(capacity_factor_);
  sched_.restore(in);
}

void Generator::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.availability.breakpoints(t0, t1, out);
  if (!dispatched_) p_.set_point.breakpoints(t0, t1, out);
  if (p_.trip_at > t0 && p_.trip_at <= t1) out.push_back(p_.trip_at);
}

void Generator::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupGenerators;
  out_ = {plan.column(g, name(), "power", "W", "electrical output"),
          plan.column(g, name(), "set_point", "W",
                      "set point: dispatched (or given) base point + AGC share"),
          plan.column(g, name(), "reference", "W", "load reference (set point + AGC, ramped)"),
          plan.column(g, name(), "at_limit", "1", "the output limit in force, if any")};
  plan.flags(g, "at_limit", {{-1, "at_minimum"}, {0, "normal"}, {1, "at_maximum"}, {2, "offline"}});
  plan.connection(g, name(), "zone", kGroupZones, zone_.name());
  plan.text(g, name(), "type", std::string(category()), "coal, gas or hydro");
  plan.limit(out_[1], "capacity", Bound::Upper, p_.capacity,
             "rated capacity (the set point must not ask for more)");
  plan.value(g, name(), "min_output", p_.min_output, "W", "lowest output when online");
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

// ---- reader: power.generators[i]
void read_generator(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "generators");
  Zone* zone = c.zones.find(item, "zone");
  Generator::Params p;
  const std::string type = item.choice("type", {"coal", "gas", "hydro"}, "coal");
  p.type = type == "gas" ? GenType::Gas : type == "hydro" ? GenType::Hydro : GenType::Coal;
  p.capacity = item.quantity("capacity", dim::power);
  p.min_output = item.quantity("min_output", dim::power, 0.0);
  const double ramp = item.quantity("ramp", dim::power / dim::time, kInf);
  p.ramp_up = item.quantity("ramp_up", dim::power / dim::time, "ramp", ramp);
  p.ramp_down = item.quantity("ramp_down", dim::power / dim::time, "ramp", ramp);
  p.droop = item.quantity("droop", dim::none, 0.05);
  if (!item.flag("governor", true)) p.droop = 0.0;
  p.turbine_time = item.quantity("turbine_time", dim::time, p.type == GenType::Gas ? 1.0 : 5.0);
  p.hp_fraction = item.quantity("hp_fraction", dim::none, 0.0);
  if (item.has("water_time")) {
    const double tw = item.quantity("water_time", dim::time);
    item.check("water_time", tw > 0, "must be > 0");
    item.check("water_time", p.type == GenType::Hydro, "only for type: hydro", {"type"});
    item.check("water_time", !item.has("turbine_time") && !item.has("hp_fraction"),
               "water_time sets turbine_time = T_w/2 and hp_fraction = −2; give one or the other");
    p.turbine_time = tw / 2;
    p.hp_fraction = -2.0;
  }
  p.governor_time = item.quantity("governor_time", dim::time, p.type == GenType::Hydro ? 5.0 : 0.0);
  item.check("governor_time", p.governor_time >= 0, "must be ≥ 0");
  p.setpoint_time = item.quantity("setpoint_time", dim::time, 10.0);
  p.participation = item.quantity("participation", dim::none, -1.0);
  p.cost = item.quantity("cost", dim::none, 0.0);
  p.availability = item.profile("availability", dim::none, 1.0);
  if (item.has("set_point")) {
    p.set_point = item.profile("set_point", dim::power);
  } else if (!c.dispatch) {
    item.error_at_key("set_point", "missing 'set_point' (needed without a power.dispatch section)");
  }
  p.trip_at = item.quantity("trip_at", dim::time, kInf);
  item.check("capacity", p.capacity > 0, "must be > 0");
  item.check("min_output", p.min_output >= 0 && p.min_output <= p.capacity,
             "must lie between 0 and capacity", {"capacity"});
  item.check("ramp_up", p.ramp_up > 0, "must be > 0");
  item.check("ramp_down", p.ramp_down > 0, "must be > 0");
  item.check("droop", p.droop >= 0, "must be ≥ 0 (0: no governor)");
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
