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
  F[flow()] = in_service_ ? P - p_.susceptance * (s.y[from_.theta()] - s.y[to_.theta()]) -
                                p_.damping * (s.y[from_.df()] - s.y[to_.df()])
                          : P;
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
  if (p_.damping > 0) {  // in the pattern while tripped too (as the angles' entries)
    const double k = in_service_ ? p_.damping : 0.0;
    J.add(flow(), from_.df(), -k);
    J.add(flow(), to_.df(), k);
  }
  J.add(from_.balance_row(), flow(), 1.0);
  J.add(to_.balance_row(), flow(), -1.0);
  if (from_.has_agc()) J.add(from_.ace_row(), flow(), -1.0);
  if (to_.has_agc()) J.add(to_.ace_row(), flow(), 1.0);
  J.add(from_.energy(Zone::kExported), flow(), -1.0);
  J.add(to_.energy(Zone::kExported), flow(), 1.0);
}

// The flow seen from side k (0 forward: P, 1 reverse: −P) and that side's limit.
double Tie::along(int k, double P) const {
  return k == 0 ? P : -P;
}
double Tie::limit(int k) const {
  return k == 0 ? p_.limit_forward : p_.limit_reverse;
}

void Tie::roots(const State& s, double* g) const {
  const double P = s.y[flow()];
  g[2] = kNoRoot;
  for (int k = 0; k < 2; ++k) {
    const Side& d = side_[k];
    const bool on = in_service_ && std::isfinite(limit(k));
    // Overloaded: the root that leaves (limit − band); otherwise the one that enters
    // (limit + band).
    const double b = d.mode == Overload::Overloaded ? -band(limit(k)) : band(limit(k));
    g[k] = on ? limit(k) + b - along(k, P) : kNoRoot;
    if (on && d.mode == Overload::Overloaded && std::isfinite(p_.trip_delay))
      g[2] = d.since + p_.trip_delay - s.t;  // at most one side is Overloaded
    g[3 + k] = on && d.mode == Overload::Clearing ? d.cleared + p_.overload_reset - s.t : kNoRoot;
  }
}

EventAction Tie::on_root(int i, int direction, const State& s) {
  const double P = s.y[flow()];
  if (i == 2) {
    if (direction >= 0 || !in_service_) return {};
    in_service_ = false;
    side_ = {};
    return {true, "mode", P, fmt::format("tie tripped after {:.6g} s of overload", p_.trip_delay),
            "W"};
  }
  const int k = i < 2 ? i : i - 3;
  const char* dir = k == 0 ? "forward" : "reverse";
  Side& d = side_[k];
  const bool protection = std::isfinite(p_.trip_delay);
  if (i >= 3) {  // below the limit for overload_reset: the episode ends
    if (direction >= 0 || d.mode != Overload::Clearing) return {};
    d.mode = Overload::Normal;
    return {false, "limit", P,
            fmt::format("flow {:.6g} MW back below the {} limit for {:.6g} s", P / 1e6, dir,
                        p_.overload_reset),
            "W"};
  }
  if (direction < 0 && d.mode != Overload::Overloaded) {
    const bool resumed = d.mode == Overload::Clearing;
    d.mode = Overload::Overloaded;
    d.since = s.t;
    if (!resumed)
      return {false, "limit", P,
              fmt::format("flow {:.6g} MW exceeds the {} limit {:.6g} MW", P / 1e6, dir,
                          limit(k) / 1e6),
              "W"};
    if (protection)  // back over: the episode goes on, the protection picks up again
      return {
          false, "mode", P,
          fmt::format("overload protection picked up again: trips after {:.6g} s", p_.trip_delay),
          "W"};
  } else if (direction > 0 && d.mode == Overload::Overloaded) {
    d.mode = Overload::Clearing;
    d.cleared = s.t;
    if (p_.overload_reset <= 0) return on_root(3 + k, -1, s);
    if (protection)
      return {false, "mode", P, "overload protection dropped off (flow below the limit)", "W"};
  }
  return {};
}

// A limit crossed at a restart (no root sees it): enter, leave or resume the episode on
// each side. Both sides switch at one restart only when the flow jumps from beyond one
// limit to beyond the other; then the entering side's record is returned (the other side's
// drop-off of the protection is implied by it).
EventAction Tie::settle(const State& s) {
  if (!in_service_) return {};
  const double P = s.y[flow()];
  EventAction a;
  for (int k = 0; k < 2; ++k) {
    if (!std::isfinite(limit(k))) continue;
    const double above = along(k, P) - limit(k), b = band(limit(k));
    const bool over = side_[k].mode == Overload::Overloaded;
    EventAction x;
    if (!over && above > b) x = on_root(k, -1, s);
    if (over && above < -b) x = on_root(k, 1, s);
    if (!x.kind.empty() && (a.kind.empty() || x.kind == "limit")) a = x;
  }
  return a;
}

void Tie::save(DiscreteState& out) const {
  out.put(in_service_);
  planned_.save(out);
  for (const Side& d : side_) out.put(d.mode), out.put(d.since), out.put(d.cleared);
}

void Tie::restore(DiscreteState& in) {
  in.get(in_service_);
  planned_.restore(in);
  for (Side& d : side_) in.get(d.mode), in.get(d.since), in.get(d.cleared);
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
  plan.value(g, name(), "damping", p_.damping, "W Hz-1",
             "damping power per Hz of frequency difference from → to");
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
  p.damping = item.quantity("damping", dim::power / dim::frequency, 0.0);
  const double lim = item.quantity("limit", dim::power, kInf);
  p.limit_forward = item.quantity("limit_forward", dim::power, "limit", lim);
  p.limit_reverse = item.quantity("limit_reverse", dim::power, "limit", lim);
  p.trip_delay = item.quantity("trip_delay", dim::time, kInf);
  p.overload_reset = item.quantity("overload_reset", dim::time, 10.0);
  p.scheduled = item.has("schedule");
  if (p.scheduled) p.schedule = item.profile("schedule", dim::power);
  item.check("susceptance", p.susceptance > 0, "must be > 0 (power per radian)");
  item.check("damping", p.damping >= 0 && p.damping <= 1e13,
             "must be in [0, 1e13] W/Hz (10,000 GW/Hz)");
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
