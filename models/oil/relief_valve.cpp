#include "models/oil/relief_valve.hpp"

#include <fmt/format.h>

#include "models/oil/context.hpp"

namespace steppe::oil {

ReliefValve::ReliefValve(ReliefSpec spec, const Pipe& pipe, Node& node, int end_cell)
    : Component("oil relief valve", spec.name),
      sp_(std::move(spec)),
      pipe_(pipe),
      node_(node),
      cell_(end_cell) {}

void ReliefValve::bind() {
  p_ = node_.pressure();
  rho_ = pipe_.density_of_cell(cell_);
}

std::vector<UnknownSpec> ReliefValve::unknowns() const {
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale},
          {"tank_volume", "m3", VarKind::Differential, 1.0, true}};
}

void ReliefValve::initial_values(std::span<double> y) const {
  y[0] = 0.0;
  y[1] = sp_.initial_volume;
}

void ReliefValve::residual(const State& s, double* F) const {
  const int iq = offset(), iv = offset() + 1;
  const double q = s.y[iq], rho = rho_(s.y), full = rho * sp_.rated_flow;
  switch (mode_) {
    case Mode::Closed:
      F[iq] = q;
      break;
    case Mode::Lifting:
      F[iq] = q - full * (s.y[p_] - sp_.set_pressure) / sp_.accumulation;
      break;
    case Mode::Full:
      F[iq] = q - full;
      break;
  }
  F[iv] = rho * s.yp[iv] - q;
  F[p_] += q;
}

void ReliefValve::jacobian(const State& s, JacobianWriter& J) const {
  const int iq = offset(), iv = offset() + 1;
  const double rho = rho_(s.y);
  const double lift = mode_ == Mode::Lifting ? (s.y[p_] - sp_.set_pressure) / sp_.accumulation
                      : mode_ == Mode::Full  ? 1.0
                                             : 0.0;
  J.add(iq, iq, 1.0);
  J.add(iq, p_, mode_ == Mode::Lifting ? -rho * sp_.rated_flow / sp_.accumulation : 0.0);
  rho_.add_jacobian(J, iq, -sp_.rated_flow * lift);
  J.add(iv, iv, 0.0, rho);
  rho_.add_jacobian(J, iv, s.yp[iv]);
  J.add(iv, iq, -1.0);
  J.add(p_, iq, 1.0);
}

void ReliefValve::roots(const State& s, double* g) const {
  g[0] = s.y[p_] - sp_.set_pressure;
  g[1] = s.y[p_] - sp_.set_pressure - sp_.accumulation;
}

EventAction ReliefValve::on_root(int i, int direction, const State& s) {
  const double p = s.y[p_];
  if (i == 0 && direction > 0 && mode_ == Mode::Closed) {
    mode_ = Mode::Lifting;
    return {true, "mode", p, "relief valve opened at its set pressure"};
  }
  if (i == 0 && direction < 0 && mode_ == Mode::Lifting) {
    mode_ = Mode::Closed;
    return {true, "mode", p, "relief valve reseated"};
  }
  if (i == 1 && direction > 0 && mode_ == Mode::Lifting) {
    mode_ = Mode::Full;
    return {true, "mode", p, "relief valve at full lift (set pressure + accumulation)"};
  }
  if (i == 1 && direction < 0 && mode_ == Mode::Full) {
    mode_ = Mode::Lifting;
    return {true, "mode", p, "relief valve below full lift"};
  }
  return {};
}

EventAction ReliefValve::settle(const State& s) {
  double g[2];
  roots(s, g);
  if (mode_ == Mode::Closed && g[0] > 0) return on_root(0, +1, s);
  if (mode_ == Mode::Lifting && g[1] > 0) return on_root(1, +1, s);
  if (mode_ == Mode::Lifting && g[0] < 0) return on_root(0, -1, s);
  if (mode_ == Mode::Full && g[1] < 0) return on_root(1, -1, s);
  return {};
}

void ReliefValve::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/relief_valves";
  out_ = plan.column(g, name(), "pressure", "Pa", "absolute pressure at the relief valve");
  plan.column(g, name(), "mass_flow", "kg s-1", "mass flow relieved into the tank");
  plan.column(g, name(), "lift", "1", "relative lift: 0 closed, 1 at set pressure + accumulation");
  plan.column(g, name(), "tank_volume", "m3", "liquid volume in the relief tank");
}

void ReliefValve::write_outputs(const State& s, OutputFrame& out) const {
  const double q = s.y[offset()];
  out.set(out_ + 0, s.y[p_]);
  out.set(out_ + 1, q);
  out.set(out_ + 2, q / (rho_(s.y) * sp_.rated_flow));
  out.set(out_ + 3, s.y[offset() + 1]);
}

// ---- reader: oil.relief_valves[i]
void read_relief_valve(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "relief_valves");
  Pipe* p = c.pipes.find(item, "pipe");
  std::string end = item.choice("end", {"inlet", "outlet"}, "outlet");
  ReliefSpec sp;
  sp.name = name;
  sp.set_pressure = item.quantity("set_pressure", dim::pressure);
  const double acc = item.quantity("accumulation", dim::none, 0.1);
  sp.rated_flow = item.quantity("rated_flow", dim::volume_flow);
  sp.initial_volume = item.quantity("initial_volume", dim::volume, 0.0);
  item.check("set_pressure", sp.set_pressure > 0, "must be > 0 (absolute)");
  item.check("accumulation", acc > 0 && acc <= 1,
             "must lie in (0, 1] (a fraction of set_pressure)");
  item.check("rated_flow", sp.rated_flow > 0, "must be > 0");
  item.check("initial_volume", sp.initial_volume >= 0, "must be ≥ 0");
  if (p && sp.set_pressure > p->spec().maop)
    item.error_at_key(
        "set_pressure",
        fmt::format("set pressure {:.6g} Pa lies above the MAOP {:.6g} Pa of pipe '{}'",
                    sp.set_pressure, p->spec().maop, p->name()));
  item.finish();
  if (name.empty() || !p || sp.set_pressure <= 0 || acc <= 0 || acc > 1 || sp.rated_flow <= 0)
    return;
  Node& node = end == "inlet" ? p->inlet() : p->outlet();
  if (node.held()) {
    item.error_at_key("end",
                      "this pipe end is held by a terminal: a relief valve needs a free end");
    return;
  }
  sp.accumulation = acc * sp.set_pressure;
  sp.flow_scale = c.flow_scale;
  c.system.emplace<ReliefValve>(std::move(sp), *p, node, end == "inlet" ? 0 : p->cells() - 1);
}

}  // namespace steppe::oil
