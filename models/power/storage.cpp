#include "models/power/storage.hpp"

#include <algorithm>
#include <cmath>

#include "models/power/common.hpp"
#include "models/power/context.hpp"

namespace steppe::power {

Storage::Storage(std::string name, Zone& zone, Params p)
    : Component("power storage", std::move(name)), zone_(zone), p_(std::move(p)) {}

std::vector<UnknownSpec> Storage::unknowns() const {
  return {{"power", "W", VarKind::Algebraic, std::max(1e6, p_.power_discharge)},
          // a storage level: held at soc_initial·energy by the steady start
          {"energy", "J", VarKind::Differential, std::max(1e6, p_.energy), true}};
}

void Storage::bind() {
  p_i_ = offset();
  e_i_ = offset() + 1;
  df_ = zone_.df();
  bal_ = zone_.balance_row();
  eg_ = zone_.energy(Zone::kGenerated);
}

void Storage::initial_values(std::span<double> y) const {
  y[0] = 0.0;
  y[1] = p_.soc_initial * p_.energy;
}

double Storage::eta() const {
  return std::sqrt(p_.efficiency);
}

double Storage::command(const State& s) const {
  return p_.schedule.value(s.t) - gain() * s.y[df_] / zone_.f0() - mass() * s.yp[df_];
}

void Storage::residual(const State& s, double* F) const {
  const double P = s.y[p_i_];
  switch (mode_) {
    case Mode::Normal:
      F[p_i_] = P - command(s);
      break;
    case Mode::MaxDischarge:
      F[p_i_] = P - p_.power_discharge;
      break;
    case Mode::MaxCharge:
      F[p_i_] = P + p_.power_charge;
      break;
    case Mode::Empty:
    case Mode::Full:
      F[p_i_] = P;
      break;
  }
  F[e_i_] = s.yp[e_i_] + (charging_ ? eta() : 1.0 / eta()) * P;
  F[eg_] -= P;
  F[bal_] -= P;
}

void Storage::jacobian(const State&, JacobianWriter& J) const {
  J.add(p_i_, p_i_, 1.0);
  J.add(p_i_, df_, mode_ == Mode::Normal ? gain() / zone_.f0() : 0.0,
        mode_ == Mode::Normal ? mass() : 0.0);
  J.add(e_i_, e_i_, 0.0, 1.0);
  J.add(e_i_, p_i_, charging_ ? eta() : 1.0 / eta());
  J.add(bal_, p_i_, -1.0);
  J.add(eg_, p_i_, -1.0);
}

void Storage::roots(const State& s, double* g) const {
  const double c = command(s), E = s.y[e_i_];
  g[0] = p_.power_discharge - c;
  g[1] = c + p_.power_charge;
  g[2] = mode_ == Mode::Empty ? kNoRoot : E - e_min();
  g[3] = mode_ == Mode::Full ? kNoRoot : e_max() - E;
  g[4] = c;
}

Storage::Mode Storage::want(const State& s) const {
  const double c = command(s), E = s.y[e_i_];
  if (c > 0 && (E <= e_min() + energy_margin() || mode_ == Mode::Empty)) return Mode::Empty;
  if (c < 0 && (E >= e_max() - energy_margin() || mode_ == Mode::Full)) return Mode::Full;
  if (c > p_.power_discharge) return Mode::MaxDischarge;
  if (c < -p_.power_charge) return Mode::MaxCharge;
  return Mode::Normal;
}

EventAction Storage::update(const State& s) {
  const Mode m = want(s);
  const bool ch = command(s) < 0;
  EventAction a;
  if (m != mode_ || ch != charging_) a.reinitialise = true;
  if (m != mode_ && (m == Mode::Empty || m == Mode::Full))
    a = {true, "limit", s.y[e_i_], m == Mode::Empty ? "storage empty" : "storage full", "J"};
  mode_ = m;
  charging_ = ch;
  return a;
}

EventAction Storage::on_root(int i, int direction, const State& s) {
  if (i == 2 && direction < 0 && command(s) > 0) mode_ = Mode::Empty;
  if (i == 3 && direction < 0 && command(s) < 0) mode_ = Mode::Full;
  // Leaving Empty/Full: only when the command reverses.
  if (i == 4) {
    if (mode_ == Mode::Empty && direction < 0) mode_ = Mode::Normal;
    if (mode_ == Mode::Full && direction > 0) mode_ = Mode::Normal;
  }
  const Mode before = mode_;
  EventAction a = update(s);
  if (i == 2 || i == 3) {
    if (before == Mode::Empty || before == Mode::Full)
      a = {true, "limit", s.y[e_i_], before == Mode::Empty ? "storage empty" : "storage full", "J"};
  }
  a.reinitialise = true;
  return a;
}

EventAction Storage::settle(const State& s) {
  return update(s);
}

EventAction Storage::on_stop(double, const State& s) {
  return update(s);
}

void Storage::save(DiscreteState& out) const {
  out.put(mode_), out.put(charging_);
}

void Storage::restore(DiscreteState& in) {
  in.get(mode_), in.get(charging_);
}

void Storage::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupStorage;
  out_ = {plan.column(g, name(), "power", "W", "output (+ discharging, − charging)"),
          plan.column(g, name(), "energy", "J", "stored energy"),
          plan.column(g, name(), "state_of_charge", "1", "stored energy over capacity")};
  plan.connection(g, name(), "zone", kGroupZones, zone_.name());
  plan.value(g, name(), "energy_capacity", p_.energy, "J", "energy capacity");
  plan.value(g, name(), "power_discharge", p_.power_discharge, "W", "discharge rating");
  plan.value(g, name(), "power_charge", p_.power_charge, "W", "charge rating");
}

void Storage::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], s.y[p_i_]);
  out.set(out_[1], s.y[e_i_]);
  out.set(out_[2], p_.energy > 0 ? s.y[e_i_] / p_.energy : 0.0);
}

// ---- reader: power.storage[i]
void read_storage(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "storage");
  Zone* zone = c.zones.find(item, "zone");
  Storage::Params p;
  p.energy = item.quantity("energy", dim::energy);
  const double pw = item.quantity("power", dim::power, 0.0);
  p.power_discharge = item.quantity("power_discharge", dim::power, "power", pw);
  p.power_charge = item.quantity("power_charge", dim::power, "power_discharge", p.power_discharge);
  p.efficiency = item.quantity("efficiency", dim::none, 0.9);
  p.soc_initial = item.quantity("soc_initial", dim::none, 0.5);
  p.soc_min = item.quantity("soc_min", dim::none, 0.0);
  p.soc_max = item.quantity("soc_max", dim::none, 1.0);
  p.schedule = item.profile("schedule", dim::power, 0.0);
  p.droop = item.quantity("droop", dim::none, 0.0);
  p.synthetic_inertia = synthetic_inertia(item);
  item.check("energy", p.energy > 0, "must be > 0");
  item.check("power_discharge", p.power_discharge > 0,
             "must be > 0 (give power or power_discharge)");
  item.check("power_charge", p.power_charge > 0, "must be > 0");
  item.check("efficiency", p.efficiency > 0 && p.efficiency <= 1, "must lie in (0, 1]");
  item.check("soc_min", p.soc_min >= 0 && p.soc_min < p.soc_max && p.soc_max <= 1,
             "need 0 ≤ soc_min < soc_max ≤ 1");
  item.check("soc_initial", p.soc_initial >= p.soc_min && p.soc_initial <= p.soc_max,
             "must lie between soc_min and soc_max");
  item.check("droop", p.droop >= 0, "must be ≥ 0 (0: no frequency response)");
  item.finish();
  if (name.empty() || !zone) return;
  Storage& s = c.system.emplace<Storage>(name, *zone, std::move(p));
  zone->attach(s);
}

}  // namespace steppe::power
