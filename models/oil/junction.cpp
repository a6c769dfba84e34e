#include "models/oil/junction.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace steppe::oil {

EventAction limit_event(int i, int direction, double p, double maop, double pv,
                        const std::string& pipe, double chainage) {
  const std::string place = fmt::format("at {:.3f} km ({})", chainage / 1000.0, pipe);
  EventAction a;
  a.kind = "limit";
  a.value = p;
  a.units = "Pa";
  if (i == 0)
    a.message = fmt::format("pressure {} MAOP {:.6g} Pa {}",
                            direction > 0 ? "rose above" : "fell below", maop, place);
  else
    a.message = fmt::format("pressure {} vapour pressure {:.6g} Pa {}{}",
                            direction < 0 ? "fell below" : "rose above", pv, place,
                            direction < 0 ? ": column separation risk" : "");
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
  return {{"pressure", "Pa", capacitance() > 0 ? VarKind::Differential : VarKind::Algebraic, 1e6}};
}

void Node::residual(const State& s, double* F) const {
  F[pressure()] += capacitance() * s.yp[pressure()];
}

void Node::jacobian(const State&, JacobianWriter& J) const {
  J.add(pressure(), pressure(), 0.0, capacitance());
}

void Node::roots(const State& s, double* g) const {
  g[0] = s.y[pressure()] - maop_;
  g[1] = s.y[pressure()] - vapour_;
}

EventAction Node::on_root(int i, int direction, const State& s) {
  return limit_event(i, direction, s.y[pressure()], maop_, vapour_, name(), chainage_);
}

}  // namespace steppe::oil
