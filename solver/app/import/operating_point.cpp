#include "solver/app/import/operating_point.hpp"

#include <fmt/format.h>

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>

#include "solver/study/constants.hpp"

namespace steppe::gas::imported {

namespace {

constexpr double kDeadBand = 1.2e12;        // Pa², δ: a 1 bar reduction at 60 bar
constexpr double kGain = 1e-9;              // kg/s per Pa² beyond the dead band
constexpr double kStationLift = kDeadBand;  // Pa², the lift a station gives in the flow solve
constexpr double kRamp = 1e8;               // Pa², β of the smooth ramp
constexpr double kLeak = 1e-14;             // kg/s per Pa²
constexpr double kZeroFlow = 1e6;           // Pa², regularises the pipe law at zero flow
constexpr double kMinFlow = 0.1;            // kg/s: less is closed
constexpr double kReference = 60e5;         // Pa, the supply group's pressure in the flow solve
constexpr double kTopFraction = 0.9;        // of the supply zone's range of offsets
constexpr double kStepFraction = 0.7;       // … times this for each regulator on the way
constexpr double kTwoWayRatio = 1.5;        // upper bounds this far apart: regulate downwards only
// Pa², the least reduction of a regulator at the levels.
constexpr double kMargin = 0.25 * kDeadBand;

enum class Kind { Passive, Regulator, Station };

struct Edge {
  std::size_t link;
  int a, b;  // groups
  Kind kind;
  double k = 0.0;    // passive: π_a − π_b = k·ṁ|ṁ|
  bool fwd = true;   // regulators: a → b allowed
  bool rev = false;  // regulators: b → a allowed
};

struct Ramp {
  double v, d;
};
Ramp ramp(double x) {
  const double r = std::sqrt(x * x + kRamp * kRamp);
  return {0.5 * (x + r), 0.5 * (1.0 + x / r)};
}

// Flow a → b and its derivative with respect to π_a − π_b.
std::pair<double, double> edge_flow(const Edge& e, double d) {
  double q = 0.0, dq = 0.0;
  if (e.kind != Kind::Passive) q = kLeak * d, dq = kLeak;
  if (e.kind == Kind::Passive) {
    const double s = std::sqrt(e.k * std::abs(d) + kZeroFlow * kZeroFlow);
    q += d / s;
    dq += 1.0 / s - 0.5 * e.k * std::abs(d) / (s * s * s);
  } else if (e.kind == Kind::Station) {
    const Ramp r = ramp(d + kStationLift);
    q += kGain * r.v, dq += kGain * r.d;
  } else {
    if (e.fwd) {
      const Ramp r = ramp(d - kDeadBand);
      q += kGain * r.v, dq += kGain * r.d;
    }
    if (e.rev) {
      const Ramp r = ramp(-d - kDeadBand);
      q -= kGain * r.v, dq += kGain * r.d;
    }
  }
  return {q, dq};
}

struct UnionFind {
  std::vector<int> p;
  explicit UnionFind(std::size_t n) : p(n) { std::iota(p.begin(), p.end(), 0); }
  int find(int i) {
    while (p[std::size_t(i)] != i) i = p[std::size_t(i)] = p[std::size_t(p[std::size_t(i)])];
    return i;
  }
  void join(int a, int b) { p[std::size_t(find(a))] = find(b); }
};

bool active(const Link& l) {
  return l.type == "controlValve" || (l.type == "compressorStation" && !l.idle);
}

class OperatingPoint {
 public:
  OperatingPoint(Network& net, std::vector<std::string>& errors)
      : net_(net),
        errors_(errors),
        rt_(constants::kGasConstant / (net.molar_mass * 1e-3) * net.temperature),
        opened_(net.links.size(), 0) {}

  void run() {
    for (int round = 0; round < 64; ++round) {
      form_groups();
      if (!solve_flows()) return;
      if (!anchor()) continue;  // a regulator was opened: again
      if (!levels()) return;
      apply();
      return;
    }
    errors_.push_back(fmt::format("{}: error: no operating point: the controls did not settle",
                                  net_.nodes.front().where));
  }

 private:
  void form_groups() {
    const std::size_t n = net_.nodes.size();
    UnionFind uf(n);
    for (std::size_t k = 0; k < net_.links.size(); ++k) {
      const Link& l = net_.links[k];
      if (l.type == "shortPipe" || (l.type == "valve" && l.open) || opened_[k])
        uf.join(l.from, l.to);
    }
    group_.assign(n, -1);
    std::map<int, int> index;
    for (std::size_t i = 0; i < n; ++i) {
      const int r = uf.find(static_cast<int>(i));
      auto [it, fresh] = index.emplace(r, static_cast<int>(index.size()));
      group_[i] = it->second;
    }
    ng_ = index.size();
    // Upper bounds per group (for the direction of two-way regulators).
    gmax_.assign(ng_, kInf);
    for (std::size_t i = 0; i < n; ++i)
      gmax_[std::size_t(group_[i])] = std::min(gmax_[std::size_t(group_[i])], net_.nodes[i].pmax);
    edges_.clear();
    for (std::size_t k = 0; k < net_.links.size(); ++k) {
      const Link& l = net_.links[k];
      const int a = group_[std::size_t(l.from)], b = group_[std::size_t(l.to)];
      if (a == b) continue;
      Edge e{k, a, b, Kind::Passive};
      if (l.type == "pipe") {
        const double area = std::numbers::pi * l.diameter * l.diameter / 4.0;
        // λ fixed, or Swamee–Jain at Re 1e7 (fully turbulent).
        const double lam = l.lambda ? *l.lambda
                                    : 0.25 / std::pow(std::log10(l.roughness / l.diameter / 3.7 +
                                                                 5.74 / std::pow(1e7, 0.9)),
                                                      2.0);
        e.k = lam * l.length * rt_ / (l.diameter * area * area);
      } else if (l.type == "resistor") {
        const double area = std::numbers::pi * l.diameter * l.diameter / 4.0;
        e.k = l.drag * rt_ / (area * area);
      } else if (l.type == "controlValve" && !opened_[k] && l.open) {
        e.kind = Kind::Regulator;
        e.rev = l.bidirectional;
        const double ma = gmax_[std::size_t(a)], mb = gmax_[std::size_t(b)];
        if (l.bidirectional && ma > kTwoWayRatio * mb) e.rev = false;
        if (l.bidirectional && mb > kTwoWayRatio * ma) e.fwd = false;
      } else if (l.type == "compressorStation" && !l.idle) {
        e.kind = Kind::Station;
      } else {
        continue;  // closed
      }
      edges_.push_back(e);
    }
    inj_.assign(ng_, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const Node& nd = net_.nodes[i];
      if (!nd.nominated() || static_cast<int>(i) == net_.supply) continue;
      inj_[std::size_t(group_[i])] += (nd.type == "source" ? 1.0 : -1.0) * nd.flow.front();
    }
  }

  // Residual (net outflow − injection per group; the reference row zero) and flows.
  double residual(const Eigen::VectorXd& pi, Eigen::VectorXd& F) {
    F = -Eigen::Map<const Eigen::VectorXd>(inj_.data(), Eigen::Index(ng_));
    for (const Edge& e : edges_) {
      const double q = edge_flow(e, pi[e.a] - pi[e.b]).first;
      F[e.a] += q, F[e.b] -= q;
    }
    F[ref_] = 0.0;
    return F.cwiseAbs().maxCoeff();
  }

  bool solve_flows() {
    ref_ = group_[std::size_t(net_.supply)];
    Eigen::VectorXd pi = Eigen::VectorXd::Constant(Eigen::Index(ng_), kReference * kReference);
    Eigen::VectorXd F, Fn, step;
    double norm = residual(pi, F);
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
    std::vector<Eigen::Triplet<double>> t;
    for (int it = 0; it < 200 && norm > 1e-6; ++it) {
      t.clear();
      for (const Edge& e : edges_) {
        const double dq = edge_flow(e, pi[e.a] - pi[e.b]).second;
        for (auto [r, c, v] : {std::tuple{e.a, e.a, dq}, std::tuple{e.a, e.b, -dq},
                               std::tuple{e.b, e.a, -dq}, std::tuple{e.b, e.b, dq}})
          if (r != ref_) t.emplace_back(r, c, v);
      }
      t.emplace_back(ref_, ref_, 1.0);
      const auto size = static_cast<Eigen::Index>(ng_);
      Eigen::SparseMatrix<double> J(size, size);
      J.setFromTriplets(t.begin(), t.end());
      lu.compute(J);
      if (lu.info() != Eigen::Success) break;
      step = lu.solve(-F);
      double lam = 1.0, next = norm;
      for (int k = 0; k < 40; ++k, lam *= 0.5) {
        next = residual(pi + lam * step, Fn);
        if (next < (1.0 - 1e-4 * lam) * norm) break;
      }
      pi += lam * step;
      norm = residual(pi, F);
    }
    if (!(norm < 1e-3)) {
      errors_.push_back(fmt::format(
          "{}: error: no operating point: the network flow computation for the nomination did "
          "not converge (largest imbalance {:.3g} kg/s)",
          net_.nodes[std::size_t(net_.supply)].where, norm));
      return false;
    }
    pi_.assign(pi.data(), pi.data() + pi.size());
    flow_.assign(net_.links.size(), 0.0);
    for (const Edge& e : edges_) flow_[e.link] = edge_flow(e, pi[e.a] - pi[e.b]).first;
    return true;
  }

  // Zones and the link holding each; false if a regulator had to be opened.
  bool anchor() {
    UnionFind uf(ng_);
    for (const Edge& e : edges_)
      if (e.kind == Kind::Passive) uf.join(e.a, e.b);
    zone_.assign(ng_, -1);
    std::map<int, int> index;
    for (std::size_t g = 0; g < ng_; ++g) {
      auto [it, fresh] =
          index.emplace(uf.find(static_cast<int>(g)), static_cast<int>(index.size()));
      zone_[g] = it->second;
    }
    nz_ = index.size();
    // The working regulators and stations, largest flows first.
    std::vector<std::size_t> act;
    for (const Edge& e : edges_)
      if (e.kind != Kind::Passive && std::abs(flow_[e.link]) >= kMinFlow) act.push_back(e.link);
    std::sort(act.begin(), act.end(), [&](std::size_t x, std::size_t y) {
      return std::abs(flow_[x]) > std::abs(flow_[y]);
    });
    auto zone_at = [&](int node) { return zone_[std::size_t(group_[std::size_t(node)])]; };
    holder_.assign(nz_, -1);
    role_.assign(net_.links.size(), Role::Closed);
    const int z0 = zone_at(net_.supply);
    holder_[std::size_t(z0)] = -2;  // the supply
    std::vector<int> queue{z0};
    for (std::size_t qi = 0; qi < queue.size(); ++qi)
      for (std::size_t k : act) {
        const Link& l = net_.links[k];
        const bool fwd = flow_[k] > 0;
        const int up = zone_at(fwd ? l.from : l.to), down = zone_at(fwd ? l.to : l.from);
        if (up == down) continue;
        const bool station = l.type == "compressorStation";
        int held = -1;
        if (up == queue[qi] && holder_[std::size_t(down)] == -1) held = down;
        if (station && down == queue[qi] && holder_[std::size_t(up)] == -1) held = up;
        if (held < 0 || role_[k] != Role::Closed) continue;
        holder_[std::size_t(held)] = static_cast<int>(k);
        role_[k] = !station ? Role::Outlet : held == down ? Role::Discharge : Role::Suction;
        queue.push_back(held);
      }
    // Regulators and stations that hold no zone.
    std::vector<char> held_group(ng_, 0);
    held_group[std::size_t(ref_)] = 1;
    for (std::size_t k : act)
      if (role_[k] == Role::Outlet || role_[k] == Role::Discharge || role_[k] == Role::Suction) {
        const Link& l = net_.links[k];
        const bool fwd = flow_[k] > 0;
        const int node = role_[k] == Role::Suction ? l.from : (fwd ? l.to : l.from);
        held_group[std::size_t(group_[std::size_t(node)])] = 1;
      }
    for (std::size_t k : act) {
      if (role_[k] != Role::Closed) continue;
      const Link& l = net_.links[k];
      if (l.type == "compressorStation") {
        role_[k] = Role::Flow;
        continue;
      }
      const int out = group_[std::size_t(flow_[k] > 0 ? l.to : l.from)];
      if (held_group[std::size_t(out)]) {  // its outlet's pressure is held already
        role_[k] = Role::Flow;
        continue;
      }
      held_group[std::size_t(out)] = 1;
      role_[k] = Role::Outlet;
    }
    // Zones nothing holds: open the largest regulator leaving each towards a held zone.
    bool opened = false;
    for (int z = 0; z < static_cast<int>(nz_); ++z) {
      if (holder_[std::size_t(z)] != -1) continue;
      std::size_t best = net_.links.size();
      for (std::size_t k : act) {
        const Link& l = net_.links[k];
        if (l.type != "controlValve") continue;
        const bool fwd = flow_[k] > 0;
        if (zone_at(fwd ? l.from : l.to) == z && zone_at(fwd ? l.to : l.from) != z &&
            (best == net_.links.size() || std::abs(flow_[k]) > std::abs(flow_[best])))
          best = k;
      }
      if (best == net_.links.size() && hold_dead_zone(z)) continue;
      if (best == net_.links.size()) {
        errors_.push_back(fmt::format(
            "{}: error: no operating point: nothing can hold the pressure of the zone of "
            "node \"{}\" (no regulator or station works into or out of it)",
            net_.nodes[zone_node(z)].where, net_.nodes[zone_node(z)].id));
        failed_ = true;
        return true;
      }
      opened_[best] = 1, opened = true;
    }
    return !opened;
  }

  // A zone without flow (no nomination, every regulator to it shut): a regulator that may
  // feed it from a held zone holds it at no flow.
  bool hold_dead_zone(int z) {
    for (const Edge& e : edges_) {
      if (e.kind != Kind::Regulator || role_[e.link] != Role::Closed) continue;
      const int za = zone_[std::size_t(e.a)], zb = zone_[std::size_t(e.b)];
      const bool into_b = e.fwd && zb == z && za != z && holder_[std::size_t(za)] != -1;
      const bool into_a = e.rev && za == z && zb != z && holder_[std::size_t(zb)] != -1;
      if (!into_a && !into_b) continue;
      holder_[std::size_t(z)] = static_cast<int>(e.link);
      role_[e.link] = Role::Outlet;
      flow_[e.link] = into_b ? 1e-12 : -1e-12;  // no flow; the sign gives the direction
      return true;
    }
    return false;
  }

  // Moves offsets (down from the upper bounds, or up from the lower ones) until every
  // regulator reduces by δ/4, no station lowers the pressure and none exceeds ratio_max; false
  // (an error) if they never settle: a loop of rules that would have to gain pressure.
  bool relax(std::vector<double>& x, bool down) {
    bool changed = true;
    for (std::size_t it = 0; changed; ++it) {
      if (it > 10 * (nz_ + 10)) {
        errors_.push_back(fmt::format(
            "{}: error: no operating point: the regulators and stations of the nomination's "
            "flows form a loop that would have to gain pressure",
            net_.nodes[std::size_t(net_.supply)].where));
        return false;
      }
      changed = false;
      auto cap = [&](std::size_t z, double bound) {  // x_z ≤ bound
        if (down && x[z] > bound + 1.0) x[z] = bound, changed = true;
      };
      auto floor = [&](std::size_t z, double bound) {  // x_z ≥ bound
        if (!down && x[z] < bound - 1.0) x[z] = bound, changed = true;
      };
      for (std::size_t k = 0; k < net_.links.size(); ++k) {
        if (role_[k] == Role::Closed || opened_[k]) continue;
        const Link& l = net_.links[k];
        const bool fwd = flow_[k] > 0;
        const int u = fwd ? l.from : l.to, v = fwd ? l.to : l.from;
        const auto a = std::size_t(zone_[std::size_t(group_[std::size_t(u)])]);
        const auto b = std::size_t(zone_[std::size_t(group_[std::size_t(v)])]);
        if (a == b) continue;
        const double pu = pi_at(u), pv = pi_at(v);
        if (l.type == "controlValve") {  // x_b + π_v ≤ x_a + π_u − δ/4
          cap(b, x[a] + pu - pv - kMargin);
          floor(a, x[b] + pv - pu + kMargin);
        } else {  // x_a + π_u ≤ x_b + π_v ≤ r²·(x_a + π_u)
          cap(a, x[b] + pv - pu);
          floor(b, x[a] + pu - pv);
          if (std::isfinite(l.ratio_max)) {
            const double r2 = l.ratio_max * l.ratio_max;
            cap(b, r2 * (x[a] + pu) - pv);
            floor(a, (x[b] + pv) / r2 - pu);
          }
        }
      }
    }
    return true;
  }

  // f per zone: kTopFraction at the supply's, kStepFraction times less per regulator from it
  // (along the holding links), then lowered until no regulator raises f and every station
  // has one f on both sides.
  std::vector<double> fractions() const {
    std::vector<double> f(nz_, -1.0);
    const auto z0 = std::size_t(zone_[std::size_t(group_[std::size_t(net_.supply)])]);
    f[z0] = kTopFraction;
    for (bool more = true; more;) {  // down the holding links (a tree)
      more = false;
      for (std::size_t z = 0; z < nz_; ++z) {
        if (f[z] >= 0 || holder_[z] < 0) continue;
        const auto k = std::size_t(holder_[z]);
        const Link& l = net_.links[k];
        const int other = zone_[std::size_t(group_[std::size_t(l.from)])] == int(z) ? l.to : l.from;
        const double fo = f[std::size_t(zone_[std::size_t(group_[std::size_t(other)])])];
        if (fo < 0) continue;
        f[z] = l.type == "controlValve" ? kStepFraction * fo : fo;
        more = true;
      }
    }
    for (double& v : f)
      if (v < 0) v = kTopFraction;
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t k = 0; k < net_.links.size(); ++k) {
        if (role_[k] == Role::Closed || opened_[k]) continue;
        const Link& l = net_.links[k];
        const bool fwd = flow_[k] > 0;
        const auto a = std::size_t(zone_[std::size_t(group_[std::size_t(fwd ? l.from : l.to)])]);
        const auto b = std::size_t(zone_[std::size_t(group_[std::size_t(fwd ? l.to : l.from)])]);
        if (a == b) continue;
        const double m = std::min(f[a], f[b]);
        if (f[b] > m) f[b] = m, changed = true;
        if (l.type != "controlValve" && f[a] > m) f[a] = m, changed = true;
      }
    }
    return f;
  }

  std::size_t zone_node(int z) const {
    for (std::size_t i = 0; i < net_.nodes.size(); ++i)
      if (zone_[std::size_t(group_[i])] == z) return i;
    return 0;
  }

  double pi_at(int node) const { return pi_[std::size_t(group_[std::size_t(node)])]; }

  bool levels() {
    if (failed_) return false;
    const std::size_t n = net_.nodes.size();
    std::vector<double> lo(nz_, -kInf), hi(nz_, kInf);
    for (std::size_t i = 0; i < n; ++i) {
      const Node& nd = net_.nodes[i];
      const auto z = std::size_t(zone_[std::size_t(group_[i])]);
      const double pi = pi_at(static_cast<int>(i));
      lo[z] = std::max(lo[z], nd.pmin * nd.pmin - pi);
      if (std::isfinite(nd.pmax)) hi[z] = std::min(hi[z], nd.pmax * nd.pmax - pi);
    }
    for (std::size_t z = 0; z < nz_; ++z)
      if (!std::isfinite(hi[z])) hi[z] = std::max(lo[z], 0.0) + kReference * kReference;
    // The highest and the lowest offsets every link's rule allows (within the zones' upper,
    // resp. lower, bounds). Between them x_z = bottom_z + f_z·(top_z − bottom_z) satisfies
    // every rule when f never rises along a regulator and is equal across a station (the
    // rules are linear in the offsets): f = 0.9 at the supply's zone and 0.7 times less for
    // each regulator on the way, so each regulator has room to reduce (when the bounds
    // leave no room, x = top: the highest offsets).
    std::vector<double> top = hi, bottom = lo;
    if (!relax(top, true) || !relax(bottom, false)) return false;
    bool fits = true;
    for (std::size_t z = 0; z < nz_; ++z) fits = fits && bottom[z] <= top[z];
    const std::vector<double> f = fractions();
    x_.assign(nz_, 0.0);
    for (std::size_t z = 0; z < nz_; ++z)
      x_[z] = fits ? bottom[z] + f[z] * (top[z] - bottom[z]) : top[z];
    p_.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const double p2 = pi_at(static_cast<int>(i)) + x_[std::size_t(zone_[std::size_t(group_[i])])];
      if (!(p2 > 1e10)) {  // below 1 bar
        errors_.push_back(fmt::format(
            "{}: error: no operating point: the nomination's flows need a pressure below 1 bar "
            "at node \"{}\"",
            net_.nodes[i].where, net_.nodes[i].id));
        return false;
      }
      p_[i] = std::sqrt(p2);
    }
    return true;
  }

  void apply() {
    auto& links = net_.links;
    int n_open = 0, n_closed = 0, n_flow = 0;
    for (std::size_t k = 0; k < links.size(); ++k) {
      Link& l = links[k];
      if (!active(l)) continue;
      const double q = flow_[k];
      if (opened_[k]) {
        l.type = "valve", l.open = true, ++n_open;
        l.comment = fmt::format("a regulator opened fully (lossless): {:.4g} kg/s", std::abs(q));
        continue;
      }
      if (role_[k] == Role::Closed) {
        l.comment = l.type == "controlValve"
                        ? "a regulator the nomination's flows do not use: closed"
                        : "a station the nomination's flows do not use: closed";
        l.type = "valve", l.open = false, l.units.clear(), ++n_closed;
        continue;
      }
      if (q < 0) std::swap(l.from, l.to);  // two-way regulators: the way the gas flows
      if (l.type == "controlValve" && role_[k] == Role::Flow) {
        l.control = "flow", l.set_point = std::abs(q), ++n_flow;
        l.comment = fmt::format(
            "its outlet's pressure is held by another regulator: flow held at the computed "
            "operating point ({} → {})",
            bar(p_[std::size_t(l.from)]), bar(p_[std::size_t(l.to)]));
        continue;
      }
      if (l.type == "controlValve") {
        l.control = "control_valve";
        l.set_point = p_[std::size_t(l.to)];
        l.comment =
            fmt::format("outlet held at the computed operating point ({:.4g} kg/s, {} → {})",
                        std::abs(q), bar(p_[std::size_t(l.from)]), bar(l.set_point));
        continue;
      }
      const double ratio = p_[std::size_t(l.to)] / p_[std::size_t(l.from)];
      if (role_[k] == Role::Discharge)
        l.control = "discharge", l.set_point = p_[std::size_t(l.to)];
      else if (role_[k] == Role::Suction)
        l.control = "suction", l.set_point = p_[std::size_t(l.from)];
      else
        l.control = "flow", l.set_point = std::abs(q), ++n_flow;
      l.comment =
          fmt::format("{} control at the computed operating point ({:.4g} kg/s, ratio {:.4g})",
                      l.control, std::abs(q), ratio);
    }
    net_.supply_pressure = p_[std::size_t(net_.supply)];
    std::vector<std::string> outside;
    for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
      Node& nd = net_.nodes[i];
      nd.initial = p_[i];
      if (p_[i] < nd.pmin * (1 - 1e-9) || p_[i] > nd.pmax * (1 + 1e-9))
        outside.push_back(
            fmt::format("{} {} in [{}, {}]", nd.id, bar(p_[i]), bar(nd.pmin), bar(nd.pmax)));
    }
    net_.controls = "flow";
    auto& a = net_.assumptions;
    a.push_back(fmt::format(
        "operating point: a network flow computation for the nomination (solver/app/import/"
        "operating_point.hpp) gives every regulator's and station's flow; zones are held from "
        "the supply outwards; each zone's pressures between the lowest and highest its nodes' "
        "bounds allow with every regulator reducing and no station lowering the pressure (0.9 "
        "of the way up at the supply's zone, 0.7 times less per regulator downstream); {} "
        "regulators or stations closed (no flow), {} regulators opened fully, {} regulators or "
        "stations at a flow set point.",
        n_closed, n_open, n_flow));
    if (outside.empty())
      a.push_back("every node's pressure at the operating point lies within its bounds.");
    else
      a.push_back(fmt::format("at the operating point {} node(s) lie outside their bounds: {}",
                              outside.size(), fmt::join(outside, "; ")));
  }

  enum class Role { Closed, Outlet, Discharge, Suction, Flow };

  Network& net_;
  std::vector<std::string>& errors_;
  double rt_;
  std::vector<char> opened_;
  std::vector<int> group_;
  std::size_t ng_ = 0;
  std::vector<double> gmax_, inj_, pi_, flow_;
  std::vector<Edge> edges_;
  int ref_ = 0;
  std::vector<int> zone_, holder_;
  std::size_t nz_ = 0;
  std::vector<Role> role_;
  std::vector<double> x_, p_;
  bool failed_ = false;
};

}  // namespace

void solve_operating_point(Network& net, std::vector<std::string>& errors) {
  if (!prepare_network(net, errors)) return;
  OperatingPoint(net, errors).run();
}

}  // namespace steppe::gas::imported
