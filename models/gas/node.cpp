#include "models/gas/node.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/gas/context.hpp"

namespace steppe::gas {

GasNode::GasNode(std::string name, const GasProperties& gas, double initial_pressure,
                 double min_pressure, double max_pressure, double height, const FlowModel* flow)
    : Component("gas node", std::move(name)),
      gas_(gas),
      initial_pressure_(initial_pressure),
      min_pressure_(min_pressure),
      max_pressure_(max_pressure),
      height_(height),
      flow_(flow && flow->extended() ? flow : nullptr) {}

std::vector<UnknownSpec> GasNode::unknowns() const {
  std::vector<UnknownSpec> u = {{"pressure", "Pa",
                                 volume_ > 0 ? VarKind::Differential : VarKind::Algebraic,
                                 std::max(1e5, initial_pressure_)}};
  if (flow_ && flow_->thermal) u.push_back({"temperature", "K", VarKind::Differential, 300.0});
  if (flow_)
    for (int k = 1; k <= flow_->tracked(); ++k)
      u.push_back(
          {"fraction " + flow_->sources[std::size_t(k)].name, "1", VarKind::Differential, 1.0});
  return u;
}

void GasNode::bind() {
  if (flow_)
    for (int c = 0; c < flow_->vars(); ++c) cell_.idx[c] = offset() + c;
}

void GasNode::initial_values(std::span<double> y) const {
  y[0] = initial_pressure_;
  if (!flow_) return;
  if (flow_->thermal) y[1] = flow_->fluid_temperature();
  for (int k = 1; k <= flow_->tracked(); ++k) y[std::size_t(flow_->fraction_var(k))] = 0.0;
}

double GasNode::mass(const double* y) const {
  if (!flow_) return volume_ * gas_.density(y[pressure()]);
  double z[kMaxVars] = {};
  for (int c = 0; c < flow_->vars(); ++c) z[c] = y[cell_.idx[c]];
  CellThermo t;
  flow_->cell(z, &t);
  return volume_ * t.rho;
}

void GasNode::residual(const State& s, double* F) const {
  if (flow_) {
    flow_->storage(s, cell_, volume_, mixing_volume(), F);
    return;
  }
  const int p = pressure();
  double drho = 0.0;
  gas_.density(s.y[p], &drho);
  F[p] += volume_ * drho * s.yp[p];
}

void GasNode::jacobian(const State& s, JacobianWriter& J) const {
  if (flow_) {
    flow_->storage_jacobian(s, cell_, volume_, mixing_volume(), J);
    return;
  }
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
  if (!flow_) return;
  if (flow_->thermal)
    out_t_ = plan.column(kGroupNodes, name(), "temperature", "K", "gas temperature (mixed)");
  if (!flow_->tracking) return;
  out_lhv_ = plan.column(kGroupNodes, name(), "heating_value", "J kg-1",
                         "net (lower) heating value of the gas at the node, per kg");
  for (int i = 0; i < gerg2008::kComponents; ++i) {
    bool present = false;
    for (const GasSource& src : flow_->sources)
      present = present || (src.gas.mixture && src.gas.mixture->composition()[std::size_t(i)] > 0);
    if (present)
      out_x_.emplace_back(
          i, plan.column(kGroupNodes, name(),
                         "mole_fraction_" + std::string(gerg2008::component_name(i)), "1",
                         "mole fraction of " + std::string(gerg2008::component_name(i))));
  }
}

void GasNode::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_p_, s.y[pressure()]);
  if (!flow_) return;
  if (flow_->thermal) out.set(out_t_, s.y[cell_.idx[1]]);
  if (!flow_->tracking) return;
  double z[kMaxVars] = {};
  for (int c = 0; c < flow_->vars(); ++c) z[c] = s.y[cell_.idx[c]];
  out.set(out_lhv_, flow_->heating_value(z));
  for (const auto& [i, h] : out_x_) out.set(h, flow_->mole_fraction(z, i));
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
  GasNode& node = c.system.emplace<GasNode>(name, c.gas, p0, pmin, pmax, h, &c.flow);
  node.set_location(where);
  c.nodes.add(name, &node, item);
}

// References to nodes stay quiet when the list itself had errors.
void nodes_read(Context& c, bool had_errors) {
  c.nodes.set_complete(!had_errors);
}

}  // namespace steppe::gas
