#include "models/gas/node.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/gas/context.hpp"

namespace steppe::gas {

GasNode::GasNode(std::string name, const GasProperties& gas, double initial_pressure,
                 double min_pressure, double max_pressure, double height)
    : Component("gas node", std::move(name)),
      gas_(gas),
      initial_pressure_(initial_pressure),
      min_pressure_(min_pressure),
      max_pressure_(max_pressure),
      height_(height) {}

std::vector<UnknownSpec> GasNode::unknowns() const {
  return {{"pressure", "Pa", volume_ > 0 ? VarKind::Differential : VarKind::Algebraic,
           std::max(1e5, initial_pressure_)}};
}

void GasNode::residual(const State& s, double* F) const {
  const int p = pressure();
  double drho = 0.0;
  gas_.density(s.y[p], &drho);
  F[p] += volume_ * drho * s.yp[p];
}

void GasNode::jacobian(const State& s, JacobianWriter& J) const {
  const int p = pressure();
  double drho = 0.0, d2rho = 0.0;
  gas_.density(s.y[p], &drho, &d2rho);
  J.add(p, p, volume_ * d2rho * s.yp[p], volume_ * drho);
}

void GasNode::declare_outputs(OutputPlan& plan) {
  out_p_ = plan.column(kGroupNodes, name(), "pressure", "Pa", "node pressure (absolute)");
  plan.limit(out_p_, "max_pressure", Bound::Upper, max_pressure_,
             "highest pressure allowed (MAOP)");
  if (min_pressure_ > 0)
    plan.limit(out_p_, "min_pressure", Bound::Lower, min_pressure_,
               "lowest pressure allowed (minimum delivery pressure)");
  plan.value(kGroupNodes, name(), "height", height_, "m", "height above the reference");
  declare_location(plan, kGroupNodes, name(), where_);
}

void GasNode::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_p_, s.y[pressure()]);
}

void GasNode::roots(const State& s, double* g) const {
  const double p = s.y[pressure()];
  g[0] = std::isfinite(max_pressure_) ? max_pressure_ - p : 1.0;
  g[1] = min_pressure_ > 0 ? p - min_pressure_ : 1.0;
  g[2] = p;  // absolute zero
}

EventAction GasNode::on_root(int i, int direction, const State& s) {
  const double p = s.y[pressure()];
  EventAction a;
  a.kind = "limit";
  a.value = p;
  a.units = "Pa";
  if (i == 2) {
    a.kind = "nonphysical";
    a.fatal = true;
    a.message = "absolute pressure fell to zero: the network cannot carry its demand";
    return a;
  }
  if (i == 0)
    a.message = fmt::format("pressure {} max_pressure {:.6g} bar",
                            direction < 0 ? "rose above" : "fell back below", max_pressure_ / 1e5);
  else
    a.message = fmt::format("pressure {} min_pressure {:.6g} bar",
                            direction < 0 ? "fell below" : "recovered above", min_pressure_ / 1e5);
  return a;
}

// ---- reader: gas.nodes[i]
void read_node(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "nodes");
  const double p0 = item.quantity("initial_pressure", dim::pressure, 50e5);
  const double pmin = item.quantity("min_pressure", dim::pressure, 0.0);
  const double pmax =
      item.quantity("max_pressure", dim::pressure, std::numeric_limits<double>::infinity());
  const double h = item.quantity("height", dim::length, 0.0);
  item.check("initial_pressure", p0 > 0, "must be > 0 (absolute pressure)");
  const Coordinates where = read_location(item);
  item.check("max_pressure", pmax > pmin, "must be above min_pressure");
  item.finish();
  if (name.empty()) return;
  GasNode& node = c.system.emplace<GasNode>(name, c.gas, p0, pmin, pmax, h);
  node.set_location(where);
  c.nodes.add(name, &node, item);
}

// References to nodes stay quiet when the list itself had errors.
void nodes_read(Context& c, bool had_errors) {
  c.nodes.set_complete(!had_errors);
}

}  // namespace steppe::gas
