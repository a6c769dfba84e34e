#include "models/power/dispatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>

#include "models/power/common.hpp"

namespace steppe::power {

Dispatcher::Dispatcher(std::string name, double interval, double ramp_time, double tie_margin,
                       std::vector<Zone*> zones, std::vector<Tie*> ties,
                       std::vector<Generator*> gens, std::vector<Renewable*> renewables,
                       std::vector<double> infinite_price, bool interval_max)
    : Component("power dispatch", std::move(name)),
      interval_(interval),
      ramp_time_(ramp_time),
      interval_max_(interval_max),
      tie_room_(1.0 - tie_margin),
      zones_(std::move(zones)),
      ties_(std::move(ties)),
      gens_(std::move(gens)),
      renewables_(std::move(renewables)),
      infinite_price_(std::move(infinite_price)) {
  for (Zone* z : zones_) z->set_dispatched();
  for (Generator* g : gens_) {
    g->set_dispatched();
    committable_ = committable_ || g->params().committable;
  }
}

void Dispatcher::net_load(double t, std::vector<double>& net, std::vector<double>& renew) const {
  auto zi = [&](const Zone* z) { return zone_index(z); };
  for (std::size_t k = 0; k < zones_.size(); ++k) {
    const Zone& z = *zones_[k];
    if (z.infinite()) continue;
    net[k] = z.load(t) * (1.0 - z.shed_fraction());
    for (const Injector* i : z.injectors()) net[k] -= i->scheduled(t);
  }
  // Contracted transfers: load at the sending end, supply at the receiving end.
  for (const Tie* tie : ties_)
    if (tie->scheduled() && tie->in_service()) {
      net[zi(&tie->from())] += tie->schedule(t);
      net[zi(&tie->to())] -= tie->schedule(t);
    }
  for (const Renewable* w : renewables_) {
    net[zi(&w->zone())] -= w->available(t);
    renew[zi(&w->zone())] += w->available(t);
  }
}

Dispatcher::Plan Dispatcher::merit(double t, const std::vector<char>& on, bool ahead) const {
  const std::size_t nz = zones_.size();
  auto zi = [&](const Zone* z) { return zone_index(z); };
  Plan plan;
  plan.setp.assign(gens_.size(), 0.0);
  plan.flow.assign(ties_.size(), 0.0);
  plan.keep.assign(nz, 1.0);
  std::vector<double> net(nz, 0.0), renew(nz, 0.0);
  net_load(t, net, renew);
  if (ahead) {
    std::vector<double> later(nz, 0.0), renew_later(nz, 0.0);
    net_load(t + interval_, later, renew_later);
    for (std::size_t k = 0; k < nz; ++k) net[k] = std::max(net[k], later[k]);
  }
  // Supplies in merit order: surplus first (cost −∞), then unit headroom, then external.
  struct Supply {
    std::size_t zone;
    double amount, cost;
    std::size_t gen;  // gens_.size(): not a unit
  };
  std::vector<Supply> supplies;
  for (std::size_t g = 0; g < gens_.size(); ++g) {
    const Generator* u = gens_[g];
    if (!on[g]) continue;
    const std::size_t k = zi(&u->zone());
    plan.setp[g] = u->capability_min(t);
    net[k] -= plan.setp[g];
    plan.cost += u->params().cost * plan.setp[g] / 1e6;
    // An AGC unit keeps its share of the zone's regulating reserve free (not below P_min).
    const double held = u->zone().agc_reserve() * std::max(0.0, u->participation());
    const double top = std::max(plan.setp[g], u->capability(t) - held);
    supplies.push_back({k, top - plan.setp[g], u->params().cost, g});
  }
  for (std::size_t k = 0; k < nz; ++k) {
    if (zones_[k]->infinite()) supplies.push_back({k, kInf, infinite_price_[k], gens_.size()});
    if (net[k] < 0 && !zones_[k]->infinite()) {
      supplies.push_back({k, -net[k], -kInf, gens_.size()});
      net[k] = 0.0;
    }
  }
  std::stable_sort(supplies.begin(), supplies.end(),
                   [](const Supply& a, const Supply& b) { return a.cost < b.cost; });
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
            if (!tie.in_service() || tie.scheduled()) continue;
            const std::size_t f = zi(&tie.from()), to = zi(&tie.to());
            std::size_t b = nz;
            if (f == a && tie_room_ * tie.params().limit_forward - plan.flow[e] > eps) b = to;
            if (to == a && tie_room_ * tie.params().limit_reverse + plan.flow[e] > eps) b = f;
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
        const auto e = static_cast<std::size_t>(via[b]);
        const Tie& tie = *ties_[e];
        const double room = zi(&tie.to()) == b
                                ? tie_room_ * tie.params().limit_forward - plan.flow[e]
                                : tie_room_ * tie.params().limit_reverse + plan.flow[e];
        d = std::min(d, room);
      }
      for (std::size_t b = dest; b != s.zone; b = prev[b]) {
        const auto e = static_cast<std::size_t>(via[b]);
        plan.flow[e] += zi(&ties_[e]->to()) == b ? d : -d;
      }
      net[dest] -= d;
      s.amount -= d;
      if (s.gen < gens_.size()) plan.setp[s.gen] += d;
      if (s.cost > -kInf) plan.cost += s.cost * d / 1e6;  // surplus renewables are free
    }
    // Surplus that found no deficit: curtail wind and solar in its zone.
    if (s.cost == -kInf && s.amount > eps && renew[s.zone] > 0)
      plan.keep[s.zone] = std::max(0.0, 1.0 - s.amount / renew[s.zone]);
  }
  for (std::size_t k = 0; k < nz; ++k) plan.unserved += std::max(0.0, net[k]);
  return plan;
}

double Dispatcher::dispatch(double t, const State* st) {
  const bool initial = st == nullptr;
  std::vector<char> on(gens_.size());
  for (std::size_t g = 0; g < gens_.size(); ++g)
    on[g] = gens_[g]->online(t) && !gens_[g]->stopping();
  // The initial dispatch plans for the instant: the steady start balances the state at t.
  const bool ahead = interval_max_ && !initial;
  Plan best = merit(t, on, ahead);
  if (committable_) commit(t, on, best, ahead);
  // Commitment first (a started unit's schedule rises from zero, a stopped one unloads
  // to zero), then base points from where they are (targets stay continuous; AGC keeps
  // its integral) and interchange schedules.
  const double ramp = initial ? 0.0 : ramp_time_;
  for (std::size_t g = 0; g < gens_.size(); ++g) {
    Generator* u = gens_[g];
    if (on[g] && (!u->committed() || u->stopping())) u->start(t, initial);
    if (!on[g] && u->committed() && u->params().committable && !u->stopping())
      u->stop(t, ramp, initial);
    if (!u->stopping()) u->set_schedule(best.setp[g], t, ramp, initial);
  }
  for (std::size_t e = 0; e < ties_.size(); ++e) ties_[e]->set_planned(best.flow[e], t, ramp);
  for (Renewable* w : renewables_) {
    const double keep = best.keep[zone_index(&w->zone())];
    w->set_cap(keep < 1.0 ? keep * w->available(t) : kInf);
  }
  return best.unserved;
}

// Priority-list commitment: stops in falling, starts in rising order of cost, each kept
// when it pays over the time it binds (a stop must save the start cost it will need
// within max(min_down_time, interval); a start must save its start cost within
// max(min_up_time, interval)) or, for a start, when it serves load the plan cannot.
void Dispatcher::commit(double t, std::vector<char>& on, Plan& best, bool ahead) const {
  const double eps = 1.0;  // W
  std::vector<std::size_t> order;
  for (std::size_t g = 0; g < gens_.size(); ++g)
    if (gens_[g]->params().committable) order.push_back(g);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return gens_[a]->params().cost > gens_[b]->params().cost;
  });
  auto saving = [&](const Plan& p, double span) {
    return (best.cost - p.cost) * std::max(span, interval_) / 3600.0;
  };
  for (const std::size_t g : order) {
    const Generator& u = *gens_[g];
    if (!on[g] || !u.stoppable(t)) continue;
    on[g] = 0;
    Plan p = merit(t, on, ahead);
    if (p.unserved <= best.unserved + eps &&
        saving(p, u.params().min_down_time) > u.params().start_cost)
      best = std::move(p);
    else
      on[g] = 1;
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::size_t g = *it;
    const Generator& u = *gens_[g];
    if (on[g] || !u.startable(t)) continue;
    on[g] = 1;
    Plan p = merit(t, on, ahead);
    // Taking back a stop while the unit unloads costs no start.
    const double price = u.committed() ? 0.0 : u.params().start_cost;
    if (p.unserved < best.unserved - eps ||
        (p.unserved <= best.unserved + eps && saving(p, u.params().min_up_time) > price))
      best = std::move(p);
    else
      on[g] = 0;
  }
}

EventAction Dispatcher::on_stop(double t, const State& s) {
  if (t < next_) return {};
  next_ += interval_;
  // Base points and interchange schedules stay continuous; a new curtailment cap is a jump
  // in a renewable's output and restarts the integrator.
  std::vector<double> caps;
  for (const Renewable* w : renewables_) caps.push_back(w->cap());
  std::vector<char> committed;
  for (const Generator* g : gens_) committed.push_back(g->committed());
  const double unserved = dispatch(t, &s);
  EventAction a;
  for (std::size_t k = 0; k < renewables_.size(); ++k)
    a.reinitialise = a.reinitialise || renewables_[k]->cap() != caps[k];
  // A start or an immediate stop changes the unit's equations (its event is recorded when
  // the modes settle after the restart).
  for (std::size_t g = 0; g < gens_.size(); ++g)
    a.reinitialise = a.reinitialise || gens_[g]->committed() != bool(committed[g]);
  if (unserved > 1.0) {
    a.kind = "schedule";
    a.value = unserved;
    a.message =
        fmt::format("dispatch short of {:.6g} MW (forecast load it cannot reach)", unserved / 1e6);
  }
  return a;
}

// The set points, interchange schedules and curtailment caps a dispatch hands down are
// saved by the generators, zones and renewables that hold them; the dispatcher keeps only
// the time of its next dispatch.
void Dispatcher::save(DiscreteState& out) const {
  out.put(next_);
}

void Dispatcher::restore(DiscreteState& in) {
  in.get(next_);
}

}  // namespace steppe::power
