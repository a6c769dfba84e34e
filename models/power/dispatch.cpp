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
                       std::vector<double> infinite_price)
    : Component("power dispatch", std::move(name)),
      interval_(interval),
      ramp_time_(ramp_time),
      tie_room_(1.0 - tie_margin),
      zones_(std::move(zones)),
      ties_(std::move(ties)),
      gens_(std::move(gens)),
      renewables_(std::move(renewables)),
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
    for (const Injector* i : z.injectors()) net[k] -= i->scheduled(t);
  }
  // Contracted transfers: load at the sending end, supply at the receiving end.
  for (const Tie* tie : ties_)
    if (tie->scheduled() && tie->in_service()) {
      net[zi(&tie->from())] += tie->schedule(t);
      net[zi(&tie->to())] -= tie->schedule(t);
    }
  for (Renewable* w : renewables_) {
    w->set_cap(kInf);
    net[zi(&w->zone())] -= w->available(t);
    renew[zi(&w->zone())] += w->available(t);
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
    // An AGC unit keeps its share of the zone's regulating reserve free (not below P_min).
    const double held = u->zone().agc_reserve() * std::max(0.0, u->participation());
    const double top = std::max(setp[g], u->p_max(t) - held);
    supplies.push_back({k, top - setp[g], u->params().cost, u});
  }
  for (std::size_t k = 0; k < nz; ++k) {
    if (zones_[k]->infinite()) supplies.push_back({k, kInf, infinite_price_[k], nullptr});
    if (net[k] < 0 && !zones_[k]->infinite()) {
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
            if (!tie.in_service() || tie.scheduled()) continue;
            const std::size_t f = zi(&tie.from()), to = zi(&tie.to());
            std::size_t b = nz;
            if (f == a && tie_room_ * tie.params().limit_forward - flow[e] > eps) b = to;
            if (to == a && tie_room_ * tie.params().limit_reverse + flow[e] > eps) b = f;
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
                ? tie_room_ * tie.params().limit_forward - flow[static_cast<std::size_t>(via[b])]
                : tie_room_ * tie.params().limit_reverse + flow[static_cast<std::size_t>(via[b])];
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
      for (Renewable* w : renewables_)
        if (zi(&w->zone()) == s.zone) w->set_cap(keep * w->available(t));
    }
  }
  // Base points move from where they are (targets stay continuous); AGC keeps its integral.
  const double ramp = st ? ramp_time_ : 0.0;
  for (std::size_t g = 0; g < gens_.size(); ++g) gens_[g]->set_schedule(setp[g], t, ramp, !st);
  for (std::size_t e = 0; e < ties_.size(); ++e) ties_[e]->set_planned(flow[e], t, ramp);
  double unserved = 0.0;
  for (std::size_t k = 0; k < nz; ++k) unserved += std::max(0.0, net[k]);
  return unserved;
}

EventAction Dispatcher::on_stop(double t, const State& s) {
  if (t < next_) return {};
  next_ += interval_;
  // Base points and interchange schedules stay continuous; a new curtailment cap is a jump
  // in a renewable's output and restarts the integrator.
  std::vector<double> caps;
  for (const Renewable* w : renewables_) caps.push_back(w->cap());
  const double unserved = dispatch(t, &s);
  EventAction a;
  for (std::size_t k = 0; k < renewables_.size(); ++k)
    a.reinitialise = a.reinitialise || renewables_[k]->cap() != caps[k];
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
