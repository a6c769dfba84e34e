#include "models/coupling/gas_plant.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/coupling/context.hpp"
#include "models/gas/node.hpp"
#include "models/power/common.hpp"
#include "models/power/generator.hpp"

namespace steppe::coupling {

GasPlant::GasPlant(std::string name, power::Generator& gen, const gas::GasNode& node, Params p)
    : Component("coupling gas plant", std::move(name)), gen_(gen), node_(node), p_(std::move(p)) {}

std::vector<UnknownSpec> GasPlant::unknowns() const {
  // Typical fuel flow at full output, over an hour.
  const double cap = std::max(gen_.params().capacity, 1e6);
  const double scale = std::max(fuel_flow(cap) * 3600.0, 1.0);
  return {{"fuel_burnt", "kg", VarKind::Differential, scale, true}};
}

void GasPlant::bind() {
  pn_ = node_.pressure();
  tracking_ = node_.flow() && node_.flow()->tracking ? node_.flow() : nullptr;
}

double GasPlant::lhv(const State& s, double* grad) const {
  if (!tracking_) return p_.lhv;
  double z[gas::kMaxVars] = {};
  tracking_->gather(s, node_.cell(), z);
  return tracking_->heating_value(z, grad);
}

double GasPlant::heat_rate(double P, double* slope) const {
  const auto& x = p_.hr_power;
  const auto& v = p_.hr_rate;
  if (slope) *slope = 0.0;
  if (x.size() == 1 || P <= x.front()) return v.front();
  if (P >= x.back()) return v.back();
  // The segment [x[k], x[k+1]) holding P (right-continuous slope at the points).
  const auto k = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), P) - x.begin()) - 1;
  const double m = (v[k + 1] - v[k]) / (x[k + 1] - x[k]);
  if (slope) *slope = m;
  return v[k] + m * (P - x[k]);
}

double GasPlant::fuel_flow(double P, double* dfdP, double lhv) const {
  if (lhv <= 0) lhv = p_.lhv;
  double slope = 0.0;
  const double hr = heat_rate(P, &slope);
  if (dfdP) *dfdP = (hr + P * slope) / lhv;
  return P * hr / lhv;
}

void GasPlant::residual(const State& s, double* F) const {
  const double fuel = fuel_flow(s);
  F[pn_] += fuel;
  F[offset()] = s.yp[offset()] - fuel;
}

void GasPlant::jacobian(const State& s, JacobianWriter& J) const {
  double dfdP = 0.0, grad_lhv[gas::kMaxVars] = {};
  const double q = lhv(s, grad_lhv);
  const double fuel = fuel_flow(gen_.power(s), &dfdP, q);
  const auto grad = gen_.power_gradient();
  for (const auto& [col, w] : grad) J.add(pn_, col, w * dfdP);
  J.add(offset(), offset(), 0.0, 1.0);
  for (const auto& [col, w] : grad) J.add(offset(), col, -w * dfdP);
  // ∂(P·HR/LHV)/∂w_k = −fuel·(∂LHV/∂w_k)/LHV
  for (int k = 1; tracking_ && k <= tracking_->tracked(); ++k) {
    const int v = tracking_->fraction_var(k);
    const double d = -fuel * grad_lhv[v] / q;
    J.add(pn_, node_.cell().idx[v], d);
    J.add(offset(), node_.cell().idx[v], -d);
  }
}

void GasPlant::roots(const State& s, double* g) const {
  if (!p_.has_min_pressure || state_ == Supply::Tripped) {
    g[0] = power::kNoRoot;
    return;
  }
  const double threshold = p_.min_pressure + (state_ == Supply::Derated ? p_.band : 0.0);
  g[0] = (s.y[pn_] - threshold) / 1e5;
}

EventAction GasPlant::low_pressure(const State& s) {
  const double p = s.y[pn_];
  if (p_.on_low == LowPressure::Trip) {
    state_ = Supply::Tripped;
    gen_.trip(s);
    return {true, "limit", p,
            fmt::format("gas supply pressure at {} fell to {:.6g} bar (minimum {:.6g} bar): "
                        "unit tripped",
                        node_.name(), p / 1e5, p_.min_pressure / 1e5),
            "Pa"};
  }
  state_ = Supply::Derated;
  gen_.set_capacity_factor(p_.derate_to);
  gen_.reclassify(s);
  return {true, "limit", p,
          fmt::format("gas supply pressure at {} fell to {:.6g} bar (minimum {:.6g} bar): "
                      "derated to {:.4g} % of capacity",
                      node_.name(), p / 1e5, p_.min_pressure / 1e5, 100 * p_.derate_to),
          "Pa"};
}

EventAction GasPlant::recover(const State& s) {
  const double p = s.y[pn_];
  state_ = Supply::Normal;
  gen_.set_capacity_factor(1.0);
  gen_.reclassify(s);
  return {true, "limit", p,
          fmt::format("gas supply pressure at {} rose to {:.6g} bar (recovery above {:.6g} bar): "
                      "full capacity",
                      node_.name(), p / 1e5, (p_.min_pressure + p_.band) / 1e5),
          "Pa"};
}

EventAction GasPlant::on_root(int, int direction, const State& s) {
  if (direction < 0 && state_ == Supply::Normal) return low_pressure(s);
  if (direction > 0 && state_ == Supply::Derated) return recover(s);
  return {};
}

EventAction GasPlant::settle(const State& s) {
  if (p_.has_min_pressure && state_ == Supply::Normal && s.y[pn_] < p_.min_pressure)
    return low_pressure(s);
  return {};
}

// The generator saves the capacity factor and trip this sets on it.
void GasPlant::save(DiscreteState& out) const {
  out.put(state_);
}

void GasPlant::restore(DiscreteState& in) {
  in.get(state_);
}

void GasPlant::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupGasPlants;
  out_ = {plan.column(g, name(), "fuel_mass_flow", "kg s-1",
                      "fuel gas drawn from the node: P·HR(P)/LHV"),
          plan.column(g, name(), "node_pressure", "Pa", "gas pressure at the supply node"),
          plan.column(g, name(), "heat_rate", "1", "heat rate HR(P), J of fuel per J electric"),
          plan.column(g, name(), "power", "W", "electrical output of the generator"),
          plan.column(g, name(), "derated", "1",
                      "0 normal, 1 derated for low supply pressure, 2 tripped by it"),
          plan.column(g, name(), "fuel_burnt", "kg", "fuel burnt since start")};
  plan.flags(g, "derated", {{0, "normal"}, {1, "derated"}, {2, "tripped"}});
  plan.connection(g, name(), "node", "gas/nodes", node_.name());
  plan.connection(g, name(), "generator", "power/generators", gen_.name());
  if (p_.min_pressure > 0)
    plan.limit(out_[1], "min_supply_pressure", Bound::Lower, p_.min_pressure,
               "lowest gas supply pressure for full output");
}

void GasPlant::write_outputs(const State& s, OutputFrame& out) const {
  const double P = gen_.power(s);
  const double vals[] = {fuel_flow(P, nullptr, lhv(s)),
                         s.y[pn_],
                         heat_rate(P),
                         P,
                         state_ == Supply::Normal    ? 0.0
                         : state_ == Supply::Derated ? 1.0
                                                     : 2.0,
                         s.y[offset()]};
  for (std::size_t k = 0; k < out_.size(); ++k) out.set(out_[k], vals[k]);
}

void GasPlant::summary(const State& s, std::vector<std::pair<std::string, double>>& out) const {
  out.emplace_back("coupling_gas_plant_fuel_burnt_kg", s.y[offset()]);
}

// ---- reader: coupling.gas_plants[i]
namespace {

// The heat rate: one value, or {power: [...], rate: [...]} with increasing powers.
void read_heat_rate(const Reader& item, GasPlant::Params& p) {
  const Reader hr = item.child("heat_rate");
  if (!hr.defined()) {
    item.text("heat_rate");  // reports the missing key
    return;
  }
  auto plausible = [](double r) { return r >= 1.0 && r <= 20.0; };
  const char* range =
      "a heat rate is fuel energy per electric energy, between 1 and 20 J/J (3.6–72 MJ/kWh); "
      "give units, e.g. 7.2 MJ/kWh";
  if (!hr.is_map()) {
    const double r = item.quantity("heat_rate", dim::none, 2.0);
    item.check("heat_rate", plausible(r), range);
    p.hr_power = {0.0};
    p.hr_rate = {r};
    return;
  }
  if (hr.node().size() == 0) {
    hr.error("the heat-rate table is empty: give a heat rate or {power: [...], rate: [...]}");
    return;
  }
  std::vector<double> power, rate;
  for (const Reader& x : hr.items("power"))
    power.push_back(x.as_quantity(dim::power).value_or(0.0));
  for (const Reader& x : hr.items("rate")) rate.push_back(x.as_quantity(dim::none).value_or(1.0));
  if (!hr.has("power")) hr.text("power");
  if (!hr.has("rate")) hr.text("rate");
  hr.finish();
  if (hr.has_error("power") || hr.has_error("rate")) return;
  if (power.empty()) {
    hr.error_at_key("power", "the heat-rate table has no points: give powers and their rates");
    return;
  }
  hr.check(
      "rate", rate.size() == power.size(),
      fmt::format("{} rates for {} powers: give one rate per power", rate.size(), power.size()));
  hr.check("power",
           std::adjacent_find(power.begin(), power.end(), std::greater_equal<>()) == power.end(),
           "powers must increase strictly");
  hr.check("power", std::all_of(power.begin(), power.end(), [](double x) { return x >= 0; }),
           "powers must be ≥ 0");
  hr.check("rate", std::all_of(rate.begin(), rate.end(), plausible), range);
  if (rate.size() == power.size()) {
    p.hr_power = std::move(power);
    p.hr_rate = std::move(rate);
  }
}

}  // namespace

void read_gas_plant(const Reader& item, Context& c) {
  auto* gen = c.find<power::Generator>(item, "generator", "power generator");
  auto* node = c.find<gas::GasNode>(item, "gas_node", "gas node");
  if (gen && gen->type() != power::GenType::Gas) {
    item.error_at_key("generator",
                      fmt::format("generator '{}' is of type {}: a gas plant needs a generator "
                                  "of type gas",
                                  gen->name(), power::kGenTypeNames[std::size_t(gen->type())]));
    gen = nullptr;
  }
  GasPlant::Params p;
  read_heat_rate(item, p);
  // The node's gas: with tracking its local heating value, else the composition's.
  const gas::FlowModel* fm = node ? node->flow() : nullptr;
  const bool tracking = fm && fm->tracking;
  if (tracking && item.has("lhv"))
    item.error_at_key("lhv",
                      "with composition tracking the plant burns the gas at its node: its "
                      "heating value follows the composition (drop lhv)");
  double lhv0 = 47e6;
  if (node && node->gas().mixture) lhv0 = node->gas().net_heating_value();
  p.lhv = tracking ? lhv0 : item.quantity("lhv", dim::specific_energy, lhv0);
  item.check("lhv", p.lhv > 0, "must be > 0");
  p.has_min_pressure = item.has("min_supply_pressure");
  p.min_pressure = item.quantity("min_supply_pressure", dim::pressure, 0.0);
  item.check("min_supply_pressure", p.min_pressure >= 0, "must be ≥ 0");
  p.on_low = item.choice("on_low_pressure", {"derate", "trip"}, "derate") == "trip"
                 ? LowPressure::Trip
                 : LowPressure::Derate;
  p.derate_to = item.quantity("derate_to", dim::none, 0.5);
  item.check("derate_to", p.derate_to >= 0 && p.derate_to < 1,
             "the capacity factor while derated must be in [0, 1)");
  p.band = item.quantity("recovery_band", dim::pressure, 1e5);
  item.check("recovery_band", p.band > 0, "must be > 0");
  const std::string name = item.text("name", gen ? gen->name() : "");
  item.finish();
  if (!gen || !node || !c.claim(item, "generator", gen)) return;
  c.system.emplace<GasPlant>(name, *gen, *node, std::move(p));
}

}  // namespace steppe::coupling
