#include "models/oil/junction.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace steppe::oil {

EventAction maop_event(int direction, double p, double maop, const std::string& pipe,
                       double chainage) {
  EventAction a;
  a.kind = "limit";
  a.value = p;
  a.units = "Pa";
  a.message =
      fmt::format("pressure {} MAOP {:.6g} Pa at {:.3f} km ({})",
                  direction > 0 ? "rose above" : "fell below", maop, chainage / 1000.0, pipe);
  return a;
}

Node::Node(std::string name, double chainage, double elevation)
    : Component("oil node", std::move(name)), chainage_(chainage), z_(elevation) {}

void Node::set_limits(double maop, double vapour, double guess) {
  maop_ = std::min(maop_, maop);
  vapour_ = std::max(vapour_, vapour);
  guess_ = guess;
}

std::vector<UnknownSpec> Node::unknowns() const {
  std::vector<UnknownSpec> u{{"pressure", "Pa", VarKind::Algebraic, 1e6}};
  if (has_cavity())
    u.push_back({"vapour_volume", "m3", VarKind::Differential, volume_scale_, true});
  return u;
}

void Node::initial_values(std::span<double> y) const {
  y[0] = guess_;
  if (has_cavity()) y[1] = 0.0;
}

void Node::residual(const State& s, double* F) const {
  if (!has_cavity()) return;  // the flows through the node make its row
  const int p = pressure(), v = cavity_volume();
  F[p] -= rho_ * s.yp[v];
  F[v] = cavitating_ ? s.y[p] - vapour_ : s.yp[v];
}

void Node::jacobian(const State&, JacobianWriter& J) const {
  if (!has_cavity()) return;
  const int p = pressure(), v = cavity_volume();
  J.add(p, v, 0.0, -rho_);
  J.add(v, p, cavitating_ ? 1.0 : 0.0);
  J.add(v, v, 0.0, cavitating_ ? 0.0 : 1.0);
}

void Node::roots(const State& s, double* g) const {
  g[0] = s.y[pressure()] - maop_;
}

EventAction Node::on_root(int, int direction, const State& s) {
  return maop_event(direction, s.y[pressure()], maop_, name(), chainage_);
}

}  // namespace steppe::oil
