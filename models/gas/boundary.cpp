#include "models/gas/boundary.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/gas/context.hpp"

namespace steppe::gas {

// ---- Supply ----------------------------------------------------------------------------

GasSupply::GasSupply(std::string name, const GasNode& node, Profile pressure, double max_flow,
                     double tau)
    : Component("gas supply", std::move(name)),
      node_(node),
      pressure_(std::move(pressure)),
      max_flow_(max_flow),
      tau_(tau) {}

void GasSupply::bind() {
  p_ = node_.pressure();
  const bool storage = node_.volume() > 0;
  hold_.set(1, &p_, &storage, tau_);
}

namespace {
constexpr double kOne[1] = {1.0}, kZero[1] = {0.0};
}

std::vector<UnknownSpec> GasSupply::unknowns() const {
  const double q_scale = std::isfinite(max_flow_) ? std::max(1.0, max_flow_) : 100.0;
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, q_scale},
          {"delivered_mass", "kg", VarKind::Differential, q_scale * 3600.0, true}};
}

void GasSupply::residual(const State& s, double* F) const {
  const int q = offset(), M = offset() + 1;
  F[q] = limited_ ? s.y[q] - max_flow_
                  : hold_.residual(s, kOne, kZero, pressure_.value(s.t), pressure_.slope(s.t));
  F[M] = s.yp[M] - s.y[q];
  F[p_] -= s.y[q];
}

void GasSupply::jacobian(const State&, JacobianWriter& J) const {
  const int q = offset(), M = offset() + 1;
  J.add(q, q, limited_ ? 1.0 : 0.0);
  hold_.jacobian(q, J, limited_ ? kZero : kOne, kZero);
  J.add(M, M, 0.0, 1.0);
  J.add(M, q, -1.0);
  J.add(p_, q, -1.0);
}

// Both roots fall through zero at the switch, with a small band so a state sitting
// exactly on the switching surface still sees the crossing.
void GasSupply::roots(const State& s, double* g) const {
  const double p_set = pressure_.value(s.t);
  g[0] = limited_ ? p_set - s.y[p_] + 1e-9 * p_set                 // pressure recovers
                  : max_flow_ - s.y[offset()] + 1e-9 * max_flow_;  // flow exceeds its limit
}

EventAction GasSupply::on_root(int, int direction, const State& s) {
  if (direction > 0) return {};
  limited_ = !limited_;
  if (limited_)
    return {true, "mode", s.y[offset()],
            fmt::format("flow limit {:.6g} kg/s reached: pressure no longer held", max_flow_),
            "kg s-1"};
  return {true, "mode", s.y[p_], "pressure back at its set point: pressure control resumed", "Pa"};
}

EventAction GasSupply::settle(const State& s) {
  if (!std::isfinite(max_flow_)) return {};
  double g = 0.0;
  roots(s, &g);
  return g < 0 ? on_root(0, -1, s) : EventAction{};
}

void GasSupply::save(DiscreteState& out) const {
  out.put(limited_);
}

void GasSupply::restore(DiscreteState& in) {
  in.get(limited_);
}

void GasSupply::declare_outputs(OutputPlan& plan) {
  out_q_ = plan.column(kGroupSupplies, name(), "mass_flow", "kg s-1", "mass flow supplied");
  out_v_ = plan.column(kGroupSupplies, name(), "standard_volume_flow", "m3 s-1",
                       "volume flow supplied at normal conditions");
  plan.companion(kGroupSupplies, "standard_volume_flow", "mass_flow");
  out_m_ =
      plan.column(kGroupSupplies, name(), "delivered_mass", "kg", "mass supplied since the start");
  out_limited_ = plan.column(kGroupSupplies, name(), "flow_limited", "1",
                             "1 while the flow limit holds instead of the pressure");
  plan.flags(kGroupSupplies, "flow_limited", {{0, "pressure_control"}, {1, "flow_limit"}});
  plan.dimension(kGroupSupplies, "supply");
  plan.connection(kGroupSupplies, name(), "node", kGroupNodes, node_.name());
  plan.value(kGroupSupplies, name(), "max_flow", max_flow_, "kg s-1", "highest mass flow");
}

void GasSupply::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_q_, s.y[offset()]);
  out.set(out_v_, s.y[offset()] / node_.gas().normal_density());
  out.set(out_m_, s.y[offset() + 1]);
  out.set(out_limited_, limited_ ? 1.0 : 0.0);
}

// ---- Offtake ---------------------------------------------------------------------------

GasOfftake::GasOfftake(std::string name, const GasNode& node, Profile mass_flow)
    : Component("gas offtake", std::move(name)), node_(node), flow_(std::move(mass_flow)) {}

std::vector<UnknownSpec> GasOfftake::unknowns() const {
  double peak = 1.0;
  for (double v : flow_.values()) peak = std::max(peak, std::abs(v));
  return {{"withdrawn_mass", "kg", VarKind::Differential, peak * 3600.0, true}};
}

void GasOfftake::residual(const State& s, double* F) const {
  const double m = flow_.value(s.t);
  F[offset()] = s.yp[offset()] - m;
  F[p_] += m;
}

void GasOfftake::jacobian(const State&, JacobianWriter& J) const {
  J.add(offset(), offset(), 0.0, 1.0);
}

void GasOfftake::declare_outputs(OutputPlan& plan) {
  out_q_ = plan.column(kGroupOfftakes, name(), "mass_flow", "kg s-1", "mass flow withdrawn");
  out_v_ = plan.column(kGroupOfftakes, name(), "standard_volume_flow", "m3 s-1",
                       "volume flow withdrawn at normal conditions");
  plan.companion(kGroupOfftakes, "standard_volume_flow", "mass_flow");
  out_m_ =
      plan.column(kGroupOfftakes, name(), "withdrawn_mass", "kg", "mass withdrawn since the start");
  plan.connection(kGroupOfftakes, name(), "node", kGroupNodes, node_.name());
}

void GasOfftake::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_q_, flow_.value(s.t));
  out.set(out_v_, flow_.value(s.t) / node_.gas().normal_density());
  out.set(out_m_, s.y[offset()]);
}

// ---- readers: gas.supplies[i], gas.offtakes[i]
void read_supply(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "supplies");
  GasNode* node = c.nodes.find(item, "node");
  Profile p = item.profile("pressure", dim::pressure);
  const double qmax =
      item.quantity("max_flow", dim::mass_flow, std::numeric_limits<double>::infinity());
  item.check("max_flow", qmax > 0, "must be > 0");
  item.finish();
  if (name.empty() || !node) return;
  c.system.emplace<GasSupply>(name, *node, std::move(p), qmax);
  c.parts.mark(node);
  c.supply_limits.emplace_back(node, qmax);
}

void read_offtake(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "offtakes");
  GasNode* node = c.nodes.find(item, "node");
  Profile q = item.profile("mass_flow", dim::mass_flow);
  item.finish();
  if (name.empty() || !node) return;
  c.demands.emplace_back(node, q.value(0.0));
  c.demand_items.push_back(item);
  c.system.emplace<GasOfftake>(name, *node, std::move(q));
}

}  // namespace steppe::gas
