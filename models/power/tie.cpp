#include "models/power/tie.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/power/common.hpp"
#include "models/power/context.hpp"

namespace steppe::power {

Tie::Tie(std::string name, Zone& from, Zone& to, Params p)
    : Component("power tie", std::move(name)), from_(from), to_(to), p_(p) {}

std::vector<UnknownSpec> Tie::unknowns() const {
  double scale = 1e8;
  if (std::isfinite(p_.limit_forward)) scale = std::max(1e6, p_.limit_forward);
  return {{"power_flow", "W", VarKind::Algebraic, scale}};
}

void Tie::residual(const State& s, double* F) const {
  const double P = s.y[flow()];
  F[flow()] = in_service_ ? P - p_.susceptance * (s.y[from_.theta()] - s.y[to_.theta()]) : P;
  F[from_.balance_row()] += P;
  F[to_.balance_row()] -= P;
  if (from_.has_agc()) F[from_.ace_row()] -= P;
  if (to_.has_agc()) F[to_.ace_row()] += P;
  F[from_.energy(Zone::kExported)] -= P;
  F[to_.energy(Zone::kExported)] += P;
}

void Tie::jacobian(const State&, JacobianWriter& J) const {
  const double b = in_service_ ? p_.susceptance : 0.0;
  J.add(flow(), flow(), 1.0);
  J.add(flow(), from_.theta(), -b);
  J.add(flow(), to_.theta(), b);
  J.add(from_.balance_row(), flow(), 1.0);
  J.add(to_.balance_row(), flow(), -1.0);
  if (from_.has_agc()) J.add(from_.ace_row(), flow(), -1.0);
  if (to_.has_agc()) J.add(to_.ace_row(), flow(), 1.0);
  J.add(from_.energy(Zone::kExported), flow(), -1.0);
  J.add(to_.energy(Zone::kExported), flow(), 1.0);
}

void Tie::roots(const State& s, double* g) const {
  const double P = s.y[flow()];
  const bool fwd = in_service_ && std::isfinite(p_.limit_forward);
  const bool rev = in_service_ && std::isfinite(p_.limit_reverse);
  // Overloaded: the root that leaves (limit − band); otherwise the one that enters
  // (limit + band).
  const bool held = !clearing_;
  const double bf = over_ == 1 && held ? -band(p_.limit_forward) : band(p_.limit_forward);
  const double br = over_ == -1 && held ? -band(p_.limit_reverse) : band(p_.limit_reverse);
  g[0] = fwd ? p_.limit_forward + bf - P : kNoRoot;
  g[1] = rev ? p_.limit_reverse + br + P : kNoRoot;
  g[2] = in_service_ && over_ != 0 && held && std::isfinite(p_.trip_delay)
             ? over_since_ + p_.trip_delay - s.t
             : kNoRoot;
  g[3] = in_service_ && clearing_ ? clear_since_ + p_.overload_reset - s.t : kNoRoot;
}

EventAction Tie::on_root(int i, int direction, const State& s) {
  const double P = s.y[flow()];
  EventAction a;
  if (i < 2) {
    const int sign = i == 0 ? 1 : -1;
    const double lim = i == 0 ? p_.limit_forward : p_.limit_reverse;
    if (direction < 0 && over_ == sign && clearing_) {  // back over: the episode goes on
      clearing_ = false;
      over_since_ = s.t;
      if (std::isfinite(p_.trip_delay))  // the protection picks up again (no restart)
        a = {
            false, "mode", P,
            fmt::format("overload protection picked up again: trips after {:.6g} s", p_.trip_delay),
            "W"};
    } else if (direction < 0 && over_ != sign) {
      over_ = sign;
      over_since_ = s.t;
      clearing_ = false;
      a = {false, "limit", P,
           fmt::format("flow {:.6g} MW exceeds the {} limit {:.6g} MW", P / 1e6,
                       i == 0 ? "forward" : "reverse", lim / 1e6),
           "W"};
    } else if (direction > 0 && over_ == sign && !clearing_) {
      clearing_ = true;
      clear_since_ = s.t;
      if (p_.overload_reset <= 0) return on_root(3, -1, s);
      if (std::isfinite(p_.trip_delay))
        a = {false, "mode", P, "overload protection dropped off (flow below the limit)", "W"};
    }
  } else if (i == 2 && direction < 0 && over_ != 0 && !clearing_ && in_service_) {
    in_service_ = false;
    over_ = 0;
    a = {true, "mode", P, fmt::format("tie tripped after {:.6g} s of overload", p_.trip_delay),
         "W"};
  } else if (i == 3 && direction < 0 && clearing_) {
    const bool fwd = over_ == 1;
    over_ = 0;
    clearing_ = false;
    a = {false, "limit", P,
         fmt::format("flow {:.6g} MW back below the {} limit for {:.6g} s", P / 1e6,
                     fwd ? "forward" : "reverse", p_.overload_reset),
         "W"};
  }
  return a;
}

// A limit crossed at a restart (no root sees it): enter, leave or resume the episode.
EventAction Tie::settle(const State& s) {
  if (!in_service_) return {};
  const double P = s.y[flow()];
  const double above_f = std::isfinite(p_.limit_forward) ? P - p_.limit_forward
                                                         : -std::numeric_limits<double>::infinity();
  const double above_r = std::isfinite(p_.limit_reverse) ? -P - p_.limit_reverse
                                                         : -std::numeric_limits<double>::infinity();
  const double bf = band(p_.limit_forward), br = band(p_.limit_reverse);
  if (over_ != 1 && above_f > bf) return on_root(0, -1, s);
  if (over_ != -1 && above_r > br) return on_root(1, -1, s);
  if (over_ == 1 && clearing_ && above_f > bf) return on_root(0, -1, s);
  if (over_ == -1 && clearing_ && above_r > br) return on_root(1, -1, s);
  if (over_ == 1 && !clearing_ && above_f < -bf) return on_root(0, 1, s);
  if (over_ == -1 && !clearing_ && above_r < -br) return on_root(1, 1, s);
  return {};
}

void Tie::save(DiscreteState& out) const {
  out.put(in_service_), out.put(over_), out.put(over_since_), out.put(clearing_),
      out.put(clear_since_);
}

void Tie::restore(DiscreteState& in) {
  in.get(in_service_), in.get(over_), in.get(over_since_), in.get(clearing_), in.get(clear_since_);
}

void Tie::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupTies;
  out_ = {plan.column(g, name(), "power_flow", "W", "power flow from → to"),
          plan.column(g, name(), "limit_forward", "W", "transfer limit from → to"),
          plan.column(g, name(), "limit_reverse", "W", "transfer limit to → from"),
          plan.column(g, name(), "loading", "1", "flow over the limit in its direction"),
          plan.column(g, name(), "in_service", "1", "1 in service, 0 tripped"),
          plan.column(g, name(), "schedule", "W", "contracted transfer from → to (0: none)")};
  plan.flags(g, "in_service", {{0, "tripped"}, {1, "in_service"}});
  plan.connection(g, name(), "from_zone", kGroupZones, from_.name());
  plan.connection(g, name(), "to_zone", kGroupZones, to_.name());
  plan.limit(out_[0], "max_power_flow", Bound::Upper, p_.limit_forward, "transfer limit from → to");
  plan.limit(out_[0], "min_power_flow", Bound::Lower, -p_.limit_reverse,
             "transfer limit to → from, as a bound on power_flow (−limit)");
  plan.value(g, name(), "susceptance", p_.susceptance, "W rad-1", "susceptance");
}

void Tie::write_outputs(const State& s, OutputFrame& out) const {
  const double P = s.y[flow()];
  const double lim = P >= 0 ? p_.limit_forward : p_.limit_reverse;
  out.set(out_[0], P);
  out.set(out_[1], p_.limit_forward);
  out.set(out_[2], p_.limit_reverse);
  out.set(out_[3], std::isfinite(lim) && lim > 0 ? std::abs(P) / lim : 0.0);
  out.set(out_[4], in_service_ ? 1.0 : 0.0);
  out.set(out_[5], p_.scheduled ? p_.schedule.value(s.t) : 0.0);
}

// ---- reader: power.ties[i]
void read_tie(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "ties");
  Zone* from = c.zones.find(item, "from");
  Zone* to = c.zones.find(item, "to");
  Tie::Params p;
  p.susceptance = item.quantity("susceptance", dim::power);
  const double lim = item.quantity("limit", dim::power, kInf);
  p.limit_forward = item.quantity("limit_forward", dim::power, "limit", lim);
  p.limit_reverse = item.quantity("limit_reverse", dim::power, "limit", lim);
  p.trip_delay = item.quantity("trip_delay", dim::time, kInf);
  p.overload_reset = item.quantity("overload_reset", dim::time, 10.0);
  p.scheduled = item.has("schedule");
  if (p.scheduled) p.schedule = item.profile("schedule", dim::power);
  item.check("susceptance", p.susceptance > 0, "must be > 0 (power per radian)");
  item.check("limit_forward", p.limit_forward > 0, "must be > 0");
  item.check("limit_reverse", p.limit_reverse > 0, "must be > 0");
  item.check("trip_delay", p.trip_delay >= 0, "must be ≥ 0");
  item.check("overload_reset", p.overload_reset >= 0, "must be ≥ 0");
  if (p.scheduled)
    item.check("schedule", profile_in(p.schedule, -p.limit_reverse, p.limit_forward),
               "must lie within the tie's limits (−limit_reverse … limit_forward)");
  if (from && from == to) item.error_at_key("to", "a tie must join two different zones");
  item.finish();
  if (name.empty() || !from || !to || from == to) return;
  Tie& tie = c.system.emplace<Tie>(name, *from, *to, p);
  from->ties.push_back(&tie);
  to->ties.push_back(&tie);
  c.ties.push_back(&tie);
}

}  // namespace steppe::power
