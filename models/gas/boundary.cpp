#include "models/gas/boundary.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/gas/context.hpp"

namespace steppe::gas {

// ---- Supply ----------------------------------------------------------------------------

GasSupply::GasSupply(std::string name, const GasNode& node, Profile pressure, double max_flow,
                     double tau, SupplyGas gas)
    : Component("gas supply", std::move(name)),
      node_(node),
      pressure_(std::move(pressure)),
      max_flow_(max_flow),
      tau_(tau),
      gas_(std::move(gas)) {}

void GasSupply::bind() {
  p_ = node_.pressure();
  const bool storage = node_.volume() > 0;
  hold_.set(1, &p_, &storage, tau_);
  flow_ = node_.flow();
}

namespace {
constexpr double kOne[1] = {1.0}, kZero[1] = {0.0};
}

std::vector<UnknownSpec> GasSupply::unknowns() const {
  const double q_scale = std::isfinite(max_flow_) ? std::max(1.0, max_flow_) : 100.0;
  std::vector<UnknownSpec> u = {
      {"mass_flow", "kg s-1", VarKind::Algebraic, q_scale},
      {"delivered_mass", "kg", VarKind::Differential, q_scale * 3600.0, true}};
  if (node_.flow() && node_.flow()->thermal)
    u.push_back({"delivered_enthalpy", "J", VarKind::Differential, q_scale * 3600.0 * 1e5, true});
  return u;
}

void GasSupply::residual(const State& s, double* F) const {
  const int q = offset(), M = offset() + 1;
  F[q] = limited_ ? s.y[q] - max_flow_
                  : hold_.residual(s, kOne, kZero, pressure_.value(s.t), pressure_.slope(s.t));
  F[M] = s.yp[M] - s.y[q];
  F[p_] -= s.y[q];
  if (flow_) residual_extended(s, F);
}

void GasSupply::jacobian(const State& s, JacobianWriter& J) const {
  const int q = offset(), M = offset() + 1;
  J.add(q, q, limited_ ? 1.0 : 0.0);
  hold_.jacobian(q, J, limited_ ? kZero : kOne, kZero);
  J.add(M, M, 0.0, 1.0);
  J.add(M, q, -1.0);
  J.add(p_, q, -1.0);
  if (flow_) jacobian_extended(s, J);
}

namespace {
constexpr double kSupplyEps = 1e-6;  // kg/s: upwind smoothing of the supply's flow
}

Inflow GasSupply::inflow(const State& s, CellThermo* node, CellThermo* in) const {
  double z[kMaxVars] = {};
  flow_->gather(s, node_.cell(), z);
  flow_->cell(z, node);
  if (flow_->thermal) z[1] = gas_.temperature.value(s.t);
  double wb = 0.0;  // mass fraction of the blended gas
  if (gas_.blend_source >= 0) {
    const double y = gas_.blend_fraction.value(s.t);
    const double ma = flow_->sources[std::size_t(gas_.source)].gas.molar_mass();
    const double mb = flow_->sources[std::size_t(gas_.blend_source)].gas.molar_mass();
    wb = y * mb / (y * mb + (1.0 - y) * ma);
  }
  for (int k = 1; k < kMaxSources; ++k)
    w_[k] = (k == gas_.source ? 1.0 - wb : 0.0) + (k == gas_.blend_source ? wb : 0.0);
  for (int k = 1; k <= flow_->tracked(); ++k) z[flow_->fraction_var(k)] = w_[k];
  flow_->cell(z, in);
  const Upwind up = upwind(s.y[offset()], kSupplyEps);
  Inflow i;
  i.rate = up.into_b, i.d_rate = up.d_into_b, i.rate_col = offset();
  i.h = in->h;
  i.nh = 1;
  i.h_col[0] = p_, i.h_grad[0] = in->h_d[0];
  i.w = w_;
  return i;
}

void GasSupply::residual_extended(const State& s, double* F) const {
  CellThermo tn, ti;
  const Inflow i = inflow(s, &tn, &ti);
  flow_->inflow(s, node_.cell(), tn, i, F);
  if (!flow_->thermal) return;
  const int e = offset() + 2;
  const Upwind up = upwind(s.y[offset()], kSupplyEps);
  F[e] = s.yp[e] - (up.into_b * ti.h - up.into_a * tn.h);
}

void GasSupply::jacobian_extended(const State& s, JacobianWriter& J) const {
  CellThermo tn, ti;
  const Inflow i = inflow(s, &tn, &ti);
  flow_->inflow_jacobian(s, node_.cell(), tn, i, J);
  if (!flow_->thermal) return;
  const int e = offset() + 2;
  const Upwind up = upwind(s.y[offset()], kSupplyEps);
  J.add(e, e, 0.0, 1.0);
  J.add(e, offset(), -(up.d_into_b * ti.h - up.d_into_a * tn.h));
  for (int c = 0; c < flow_->vars(); ++c)
    J.add(e, node_.cell().idx[c],
          -((c == 0 ? up.into_b * ti.h_d[0] : 0.0) - up.into_a * tn.h_d[c]));
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
  if (node_.flow() && node_.flow()->thermal)
    out_e_ = plan.column(kGroupSupplies, name(), "delivered_enthalpy", "J",
                         "enthalpy brought in since the start");
}

void GasSupply::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_q_, s.y[offset()]);
  out.set(out_v_, s.y[offset()] / node_.gas().normal_density());
  out.set(out_m_, s.y[offset() + 1]);
  out.set(out_limited_, limited_ ? 1.0 : 0.0);
  if (out_e_ >= 0) out.set(out_e_, s.y[offset() + 2]);
}

// ---- Offtake ---------------------------------------------------------------------------

GasOfftake::GasOfftake(std::string name, const GasNode& node, Profile mass_flow)
    : Component("gas offtake", std::move(name)), node_(node), flow_(std::move(mass_flow)) {}

std::vector<UnknownSpec> GasOfftake::unknowns() const {
  double peak = 1.0;
  for (double v : flow_.values()) peak = std::max(peak, std::abs(v));
  std::vector<UnknownSpec> u = {
      {"withdrawn_mass", "kg", VarKind::Differential, peak * 3600.0, true}};
  if (thermal())
    u.push_back({"withdrawn_enthalpy", "J", VarKind::Differential, peak * 3600.0 * 1e5, true});
  return u;
}

namespace {
constexpr double kOfftakeEps = 1e-6;  // kg/s: smoothing of the out/in split
}

// Offtake with the extended model: ṁ > 0 leaves at the node's state; ṁ < 0 injects the
// fluid's gas (source 0) at fluid.temperature. The split out/in is the smooth upwind one.
Inflow GasOfftake::injection(const State& s, double m, CellThermo* node, CellThermo* in) const {
  const FlowModel& fm = *node_.flow();
  double z[kMaxVars] = {};
  fm.gather(s, node_.cell(), z);
  fm.cell(z, node);
  if (fm.thermal) z[1] = fm.fluid_temperature();
  for (int k = 1; k <= fm.tracked(); ++k) z[fm.fraction_var(k)] = 0.0;
  fm.cell(z, in);
  const Upwind u = upwind(m, kOfftakeEps);
  Inflow i;
  i.rate = u.into_a;  // the injected flow
  i.h = in->h;
  i.nh = 1;
  i.h_col[0] = p_, i.h_grad[0] = in->h_d[0];
  i.w = kNoFractions;
  return i;
}

void GasOfftake::residual(const State& s, double* F) const {
  const double m = flow_.value(s.t);
  F[offset()] = s.yp[offset()] - m;
  F[p_] += m;
  if (!node_.flow()) return;
  const FlowModel& fm = *node_.flow();
  CellThermo tn, ti;
  const Inflow in = injection(s, m, &tn, &ti);
  fm.inflow(s, node_.cell(), tn, in, F);
  if (!fm.thermal) return;
  const Upwind u = upwind(m, kOfftakeEps);
  F[offset() + 1] = s.yp[offset() + 1] - (u.into_b * tn.h - u.into_a * ti.h);
}

void GasOfftake::jacobian(const State& s, JacobianWriter& J) const {
  J.add(offset(), offset(), 0.0, 1.0);
  if (!node_.flow()) return;
  const FlowModel& fm = *node_.flow();
  const double m = flow_.value(s.t);
  CellThermo tn, ti;
  const Inflow in = injection(s, m, &tn, &ti);
  fm.inflow_jacobian(s, node_.cell(), tn, in, J);
  if (!fm.thermal) return;
  const Upwind u = upwind(m, kOfftakeEps);
  const int e = offset() + 1;
  J.add(e, e, 0.0, 1.0);
  for (int c = 0; c < fm.vars(); ++c)
    J.add(e, node_.cell().idx[c], -(u.into_b * tn.h_d[c] - (c == 0 ? u.into_a * ti.h_d[0] : 0.0)));
}

void GasOfftake::declare_outputs(OutputPlan& plan) {
  out_q_ = plan.column(kGroupOfftakes, name(), "mass_flow", "kg s-1", "mass flow withdrawn");
  out_v_ = plan.column(kGroupOfftakes, name(), "standard_volume_flow", "m3 s-1",
                       "volume flow withdrawn at normal conditions");
  plan.companion(kGroupOfftakes, "standard_volume_flow", "mass_flow");
  out_m_ =
      plan.column(kGroupOfftakes, name(), "withdrawn_mass", "kg", "mass withdrawn since the start");
  plan.connection(kGroupOfftakes, name(), "node", kGroupNodes, node_.name());
  if (thermal())
    out_e_ = plan.column(kGroupOfftakes, name(), "withdrawn_enthalpy", "J",
                         "enthalpy taken out since the start");
}

void GasOfftake::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_q_, flow_.value(s.t));
  out.set(out_v_, flow_.value(s.t) / node_.gas().normal_density());
  out.set(out_m_, s.y[offset()]);
  if (out_e_ >= 0) out.set(out_e_, s.y[offset() + 1]);
}

// ---- readers: gas.supplies[i], gas.offtakes[i]
void read_supply(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "supplies");
  GasNode* node = c.nodes.find(item, "node");
  Profile p = item.profile("pressure", dim::pressure);
  const double qmax =
      item.quantity("max_flow", dim::mass_flow, std::numeric_limits<double>::infinity());
  item.check("max_flow", qmax > 0, "must be > 0");
  SupplyGas gas;
  gas.temperature = Profile(c.gas.temperature);
  if (item.has("temperature")) {
    if (c.energy.on)
      gas.temperature = item.profile("temperature", dim::temperature);
    else
      item.error_at_key("temperature", "needs the energy equation (a gas.energy section)");
  }
  if (item.has("composition")) gas.source = c.read_source(item, name);
  if (item.has("blend")) {
    const Reader b = item.child("blend");
    if (!b.is_map()) {
      item.error_at_key("blend", "expected {composition: {hydrogen: 1}, fraction: 10 %}");
    } else {
      if (!b.has("composition")) b.text("composition");  // reports the missing key
      if (b.has("composition")) gas.blend_source = c.read_source(b, name + " blend");
      gas.blend_fraction = b.profile("fraction", dim::none);
      bool ok = true;
      for (double v : gas.blend_fraction.values()) ok = ok && v >= 0 && v <= 1;
      b.check("fraction", ok, "a mole fraction lies in [0, 1] (write 10 %)");
      b.finish();
    }
  }
  item.finish();
  if (name.empty() || !node) return;
  c.system.emplace<GasSupply>(name, *node, std::move(p), qmax, 1.0, std::move(gas));
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
