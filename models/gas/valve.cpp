#include "models/gas/valve.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "models/gas/context.hpp"

namespace steppe::gas {

namespace {
const char* mode_name(GasValve::Mode m) {
  switch (m) {
    case GasValve::Open:
      return "open";
    case GasValve::Closed:
      return "closed";
    case GasValve::Regulating:
      return "regulating";
    case GasValve::Resistive:
      return "resistive";
  }
  return "?";
}
constexpr double kFlowBand = 1e-9;      // kg/s
constexpr double kPressureBand = 1e-3;  // Pa
}  // namespace

GasValve::GasValve(std::string name, const GasNode& from, const GasNode& to, ValveSpec spec,
                   const GasProperties& gas)
    : Component("gas valve", std::move(name)),
      from_(from),
      to_(to),
      spec_(std::move(spec)),
      gas_(gas) {
  switch (spec_.kind) {
    case ValveKind::ShortPipe:
    case ValveKind::CheckValve:
      mode_ = Open;
      break;
    case ValveKind::Valve:
      mode_ = spec_.open.value(0.0) > 0.5 ? Open : Closed;
      break;
    case ValveKind::ControlValve:
      mode_ = Regulating;
      break;
    case ValveKind::Resistor:
      mode_ = Resistive;
      area_ = std::numbers::pi * spec_.diameter * spec_.diameter / 4.0;
      laminar_flow_ = 2000.0 * area_ * gas_.viscosity / spec_.diameter;  // Re = 2000
      break;
  }
}

std::vector<UnknownSpec> GasValve::unknowns() const {
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, 100.0}};
}

void GasValve::bind() {
  pf_ = from_.pressure();
  pt_ = to_.pressure();
  const int idx[2] = {pf_, pt_};
  const bool storage[2] = {from_.volume() > 0, to_.volume() > 0};
  hold_.set(2, idx, storage, 1.0);
}

namespace {
constexpr double kOpen[2] = {1.0, -1.0}, kOutlet[2] = {0.0, 1.0}, kNone[2] = {0.0, 0.0};
}

void GasValve::residual(const State& s, double* F) const {
  const int mi = offset();
  const double m = s.y[mi], pf = s.y[pf_], pt = s.y[pt_];
  switch (mode_) {
    case Open:
      F[mi] = hold_.residual(s, kOpen, kNone, 0.0, 0.0);
      break;
    case Closed:
      F[mi] = m;
      break;
    case Regulating:
      F[mi] = spec_.flow_control ? m - spec_.set_point.value(s.t)
                                 : hold_.residual(s, kOutlet, kNone, spec_.set_point.value(s.t),
                                                  spec_.set_point.slope(s.t));
      break;
    case Resistive: {
      const double rho = gas_.density(0.5 * (pf + pt));
      const double w = std::sqrt(m * m + laminar_flow_ * laminar_flow_);
      F[mi] = pf - pt - spec_.drag * m * w / (2.0 * rho * area_ * area_);
      break;
    }
  }
  F[pf_] += m;
  F[pt_] -= m;
}

void GasValve::jacobian(const State& s, JacobianWriter& J) const {
  const int mi = offset();
  switch (mode_) {
    case Open:
      J.add(mi, mi, 0.0);
      hold_.jacobian(mi, J, kOpen, kNone);  // (mi, p_from), (mi, p_to)
      break;
    case Regulating:
      J.add(mi, mi, spec_.flow_control ? 1.0 : 0.0);
      hold_.jacobian(mi, J, spec_.flow_control ? kNone : kOutlet, kNone);
      break;
    case Closed:
      J.add(mi, mi, 1.0);
      hold_.jacobian(mi, J, kNone, kNone);
      break;
    case Resistive: {
      const double m = s.y[mi];
      double drho = 0.0;
      const double rho = gas_.density(0.5 * (s.y[pf_] + s.y[pt_]), &drho);
      const double k = spec_.drag / (2.0 * area_ * area_);
      const double w = std::sqrt(m * m + laminar_flow_ * laminar_flow_);
      const double term = k * m * w / rho;
      J.add(mi, mi, -k * (w + m * m / w) / rho);
      J.add(mi, pf_, 1.0 + term / rho * 0.5 * drho);
      J.add(mi, pt_, -1.0 + term / rho * 0.5 * drho);
      break;
    }
  }
  J.add(pf_, mi, 1.0);
  J.add(pt_, mi, -1.0);
}

int GasValve::root_count() const {
  return spec_.kind == ValveKind::CheckValve || spec_.kind == ValveKind::ControlValve ? 2 : 0;
}

// Every root falls through zero when its switch is due; 1.0 marks one not armed.
void GasValve::roots(const State& s, double* g) const {
  const double m = s.y[offset()], pf = s.y[pf_], pt = s.y[pt_];
  const double sp = spec_.kind == ValveKind::ControlValve ? spec_.set_point.value(s.t) : 0.0;
  g[0] = g[1] = 1.0;
  if (spec_.kind == ValveKind::CheckValve) {
    g[0] = mode_ == Open ? m + kFlowBand : pt - pf + kPressureBand;
    return;
  }
  if (spec_.flow_control) {
    switch (mode_) {
      case Regulating:
        g[0] = pf - pt + kPressureBand;  // no pressure drop left to pass the set flow
        break;
      case Open:
        g[0] = sp - m + kFlowBand;  // the flow reaches the set point again
        g[1] = m + kFlowBand;
        break;
      case Closed:
        g[0] = pt - pf + kPressureBand;  // a forward pressure difference again
        break;
      case Resistive:
        break;
    }
    return;
  }
  switch (mode_) {
    case Regulating:
      g[0] = pf - sp + kPressureBand;  // upstream can no longer hold the set point
      g[1] = m + kFlowBand;            // flow reverses
      break;
    case Open:
      g[0] = sp - pt + kPressureBand;  // outlet reaches the set point again
      g[1] = m + kFlowBand;
      break;
    case Closed:
      g[0] = pt - sp + kPressureBand;
      break;  // outlet falls below the set point
    case Resistive:
      break;
  }
}

GasValve::Mode GasValve::wanted(const State& s) const {
  const double m = s.y[offset()], pf = s.y[pf_], pt = s.y[pt_];
  if (spec_.kind == ValveKind::CheckValve) {
    if (mode_ == Open) return m < -kFlowBand ? Closed : Open;
    return pf - pt > kPressureBand ? Open : Closed;
  }
  if (spec_.kind != ValveKind::ControlValve) return mode_;
  const double sp = spec_.set_point.value(s.t);
  if (spec_.flow_control) {
    switch (mode_) {
      case Regulating:
        return pf - pt < -kPressureBand ? Open : Regulating;
      case Open:
        if (m < -kFlowBand) return Closed;
        return m > sp + kFlowBand ? Regulating : Open;
      case Closed:
        return pf - pt > kPressureBand ? Open : Closed;
      case Resistive:
        break;
    }
    return mode_;
  }
  switch (mode_) {
    case Regulating:
      if (m < -kFlowBand) return Closed;
      return pf < sp - kPressureBand ? Open : Regulating;
    case Open:
      if (m < -kFlowBand) return Closed;
      return pt > sp + kPressureBand ? Regulating : Open;
    case Closed:
      if (pt < sp - kPressureBand) return pf >= sp ? Regulating : Open;
      return Closed;
    case Resistive:
      break;
  }
  return mode_;
}

EventAction GasValve::switch_to(Mode m, double value, const char* units, const std::string& why) {
  const Mode from = mode_;
  mode_ = m;
  return {true, "mode", value, fmt::format("{} → {}: {}", mode_name(from), mode_name(m), why),
          units};
}

EventAction GasValve::on_root(int i, int direction, const State& s) {
  if (direction > 0) return {};
  const double flow = s.y[offset()];
  if (spec_.kind == ValveKind::CheckValve)
    return mode_ == Open ? switch_to(Closed, flow, "kg s-1", "flow reversed")
                         : switch_to(Open, flow, "kg s-1", "forward pressure difference");
  if (spec_.flow_control) {
    switch (mode_) {
      case Regulating:
        return switch_to(Open, s.y[pf_] - s.y[pt_], "Pa",
                         "no pressure drop left to pass the set flow");
      case Open:
        return i == 0 ? switch_to(Regulating, flow, "kg s-1", "flow back at the set point")
                      : switch_to(Closed, flow, "kg s-1", "flow reversed");
      case Closed:
        return switch_to(Open, s.y[pf_] - s.y[pt_], "Pa", "forward pressure difference");
      case Resistive:
        break;
    }
    return {};
  }
  switch (mode_) {
    case Regulating:
      return i == 0 ? switch_to(Open, s.y[pf_], "Pa", "inlet pressure below the set point")
                    : switch_to(Closed, flow, "kg s-1", "flow reversed");
    case Open:
      return i == 0 ? switch_to(Regulating, s.y[pt_], "Pa", "outlet pressure back at the set point")
                    : switch_to(Closed, flow, "kg s-1", "flow reversed");
    case Closed:
      return s.y[pf_] >= spec_.set_point.value(s.t)
                 ? switch_to(Regulating, s.y[pt_], "Pa", "outlet pressure below the set point")
                 : switch_to(Open, s.y[pt_], "Pa", "outlet pressure below the set point");
    case Resistive:
      break;
  }
  return {};
}

EventAction GasValve::settle(const State& s) {
  const Mode m = wanted(s);
  return m == mode_ ? EventAction{} : switch_to(m, s.y[offset()], "kg s-1", "initial state");
}

void GasValve::stop_times(double t0, double t1, std::vector<double>& out) const {
  if (spec_.kind == ValveKind::Valve) spec_.open.breakpoints(t0, t1, out);
  if (spec_.kind == ValveKind::ControlValve) spec_.set_point.breakpoints(t0, t1, out);
}

EventAction GasValve::on_stop(double t, const State& s) {
  if (spec_.kind != ValveKind::Valve) return {};
  const Mode m = spec_.open.value(t) > 0.5 ? Open : Closed;
  if (m == mode_) return {};
  EventAction a = switch_to(m, s.y[offset()], "kg s-1", "scheduled");
  a.kind = "schedule";
  return a;
}

void GasValve::save(DiscreteState& out) const {
  out.put(mode_);
}

void GasValve::restore(DiscreteState& in) {
  in.get(mode_);
}

void GasValve::declare_outputs(OutputPlan& plan) {
  out_flow_ = plan.column(kGroupValves, name(), "mass_flow", "kg s-1", "mass flow from → to");
  out_mode_ = plan.column(kGroupValves, name(), "mode", "1", "valve mode");
  plan.flags(kGroupValves, "mode",
             {{0, "open"}, {1, "closed"}, {2, "regulating"}, {3, "resistive"}});
  plan.connection(kGroupValves, name(), "from_node", kGroupNodes, from_.name());
  plan.connection(kGroupValves, name(), "to_node", kGroupNodes, to_.name());
}

void GasValve::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_flow_, s.y[offset()]);
  out.set(out_mode_, static_cast<double>(mode_));
}

// ---- reader: gas.valves[i]
void read_valve(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "valves");
  auto [from, to] = c.ends(item);
  ValveSpec v;
  const std::string kind = item.choice(
      "kind", {"valve", "check_valve", "control_valve", "short_pipe", "resistor"}, "valve");
  v.kind = kind == "check_valve"     ? ValveKind::CheckValve
           : kind == "control_valve" ? ValveKind::ControlValve
           : kind == "short_pipe"    ? ValveKind::ShortPipe
           : kind == "resistor"      ? ValveKind::Resistor
                                     : ValveKind::Valve;
  if (v.kind == ValveKind::Valve) {
    v.open = item.profile("open", dim::none, 1.0);
    item.check("open", v.open.interpolation() == Interpolation::Step || v.open.is_constant(),
               "a valve's open profile must use interpolation: step (1 open, 0 closed)");
  }
  if (v.kind == ValveKind::ControlValve) {
    v.flow_control = item.choice("control", {"pressure", "flow"}, "pressure") == "flow";
    v.set_point = item.profile("set_point", v.flow_control ? dim::mass_flow : dim::pressure);
    if (v.flow_control) {
      bool ok = true;
      for (double q : v.set_point.values()) ok = ok && q >= 0;
      item.check("set_point", ok,
                 "a flow set point must be >= 0 (the regulator passes gas from → to)");
    }
  }
  if (v.kind == ValveKind::Resistor) {
    v.drag = item.quantity("drag", dim::none);
    v.diameter = item.quantity("diameter", dim::length);
    item.check("drag", v.drag > 0, "must be > 0");
    item.check("diameter", v.diameter > 0, "must be > 0");
  }
  item.finish();
  if (name.empty() || !from || !to) return;
  c.system.emplace<GasValve>(name, *from, *to, std::move(v), c.gas);
  c.parts.join(from, to);
}

}  // namespace steppe::gas
