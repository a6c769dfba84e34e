#include "models/oil/terminal.hpp"

#include "models/oil/context.hpp"

namespace steppe::oil {

Terminal::Terminal(TerminalSpec spec, Node& node)
    : Component("oil terminal", spec.name), sp_(std::move(spec)), node_(node) {
  node_.hold();
}

std::vector<UnknownSpec> Terminal::unknowns() const {
  std::vector<UnknownSpec> u{{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale}};
  if (sp_.tank) u.push_back({"level", "m", VarKind::Differential, 1.0, true});
  return u;
}

void Terminal::initial_values(std::span<double> y) const {
  y[0] = 0.0;
  if (sp_.tank) y[1] = sp_.initial_level;
}

void Terminal::residual(const State& s, double* F) const {
  const int iq = offset();
  const double q = s.y[iq];
  if (sp_.tank) {
    const int ih = offset() + 1;
    F[iq] = s.y[p_] - sp_.gas_pressure - sp_.density * kGravity * s.y[ih];
    F[ih] = sp_.density * sp_.area * s.yp[ih] + q;
  } else {
    F[iq] = s.y[p_] - held_pressure(s.t);
  }
  F[p_] -= q;
}

double Terminal::held_pressure(double t) const {
  const double v = sp_.pressure.value(t);
  return sp_.by_head ? kAtmosphere + sp_.density * kGravity * (v - sp_.elevation) : v;
}

void Terminal::jacobian(const State&, JacobianWriter& J) const {
  const int iq = offset();
  J.add(iq, p_, 1.0);
  if (sp_.tank) {
    const int ih = offset() + 1;
    J.add(iq, ih, -sp_.density * kGravity);
    J.add(ih, ih, 0.0, sp_.density * sp_.area);
    J.add(ih, iq, 1.0);
  }
  J.add(p_, iq, -1.0);
}

void Terminal::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/terminals";
  out_ = plan.column(g, name(), "pressure", "Pa", "absolute pressure at the terminal");
  plan.column(g, name(), "pressure_gauge", "Pa", "gauge pressure at the terminal");
  plan.column(g, name(), "head", "m", "piezometric head (p − p_atm)/(ρ g) + z at the terminal");
  plan.column(g, name(), "mass_flow", "kg s-1", "mass flow from the terminal into the line");
  plan.column(g, name(), "level", "m", "tank level (0 for a pressure or head terminal)");
  plan.connection(g, name(), "pipe", "oil/pipes", sp_.pipe);
  plan.text(g, name(), "end", sp_.end, "the end of the pipe it sits at (inlet, outlet)");
  declare_location(plan, g, name(), sp_.where);
}

void Terminal::write_outputs(const State& s, OutputFrame& out) const {
  const double p = s.y[p_];
  out.set(out_ + 0, p);
  out.set(out_ + 1, p - kAtmosphere);
  out.set(out_ + 2, (p - kAtmosphere) / (sp_.density * kGravity) + sp_.elevation);
  out.set(out_ + 3, s.y[offset()]);
  out.set(out_ + 4, sp_.tank ? s.y[offset() + 1] : 0.0);
}

// ---- Injection -------------------------------------------------------------------------

Injection::Injection(std::string name, const Pipe& pipe, int point, Profile mass_flow,
                     double density)
    : Component("oil injection", std::move(name)),
      pipe_(pipe),
      k_(point),
      flow_(std::move(mass_flow)),
      density_(density) {}

void Injection::residual(const State& s, double* F) const {
  pipe_.inject(k_, flow_.value(s.t), F);
}

void Injection::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/injections";
  out_ = plan.column(g, name(), "mass_flow", "kg s-1", "mass flow into the line (< 0: delivery)");
  plan.column(g, name(), "volume_flow", "m3 s-1", "volume flow at line temperature");
  plan.column(g, name(), "pressure", "Pa", "absolute pressure at the injection point");
  plan.connection(g, name(), "pipe", "oil/pipes", pipe_.name());
  plan.value(g, name(), "chainage", pipe_.spec().chainage + k_ * pipe_.dx(), "m",
             "route distance of the injection point");
}

void Injection::write_outputs(const State& s, OutputFrame& out) const {
  const double m = flow_.value(s.t);
  out.set(out_ + 0, m);
  out.set(out_ + 1, m / density_);
  out.set(out_ + 2, pipe_.point_pressure(s, k_));
}

// ---- Point -----------------------------------------------------------------------------

Point::Point(std::string name, const Pipe& pipe, int point)
    : Component("oil point", std::move(name)), pipe_(pipe), k_(point) {}

void Point::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/points";
  out_ = plan.column(g, name(), "pressure", "Pa", "absolute pressure at the point");
  plan.column(g, name(), "pressure_gauge", "Pa", "gauge pressure at the point");
  plan.column(g, name(), "head", "m", "piezometric head (p − p_atm)/(ρ g) + z");
  plan.column(g, name(), "mass_flow", "kg s-1", "mass flow at the point");
  plan.column(g, name(), "distance", "m", "route distance of the point");
  plan.connection(g, name(), "pipe", "oil/pipes", pipe_.name());
  declare_location(plan, g, name(), where_);
}

void Point::write_outputs(const State& s, OutputFrame& out) const {
  const double p = pipe_.point_pressure(s, k_);
  out.set(out_ + 0, p);
  out.set(out_ + 1, p - kAtmosphere);
  out.set(out_ + 2, (p - kAtmosphere) / (pipe_.density() * kGravity) + pipe_.point_elevation(k_));
  out.set(out_ + 3, pipe_.point_flow(s, k_));
  out.set(out_ + 4, pipe_.point_chainage(k_));
}

// ---- readers: oil.terminals[i], oil.injections[i], oil.points[i]
void read_terminal(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "terminals");
  Pipe* p = c.pipes.find(item, "pipe");
  std::string end = item.choice("end", {"inlet", "outlet"}, "inlet");
  TerminalSpec sp;
  sp.name = name;
  sp.pipe = p ? p->name() : "";
  sp.end = end;
  sp.where = read_location(item);
  Reader tk = item.child("tank");
  if (tk.defined()) {
    sp.tank = true;
    if (!tk.is_map())
      tk.error("expected a mapping {area, initial_level, gas_pressure}");
    else {
      sp.area = tk.quantity("area", dim::area);
      sp.initial_level = tk.quantity("initial_level", dim::length, 5.0);
      sp.gas_pressure = tk.quantity("gas_pressure", dim::pressure, kAtmosphere);
      tk.check("area", sp.area > 0, "must be > 0");
      tk.finish();
    }
    if (item.has("pressure")) item.error_at_key("pressure", "give either pressure, head or tank");
    if (item.has("head")) item.error_at_key("head", "give either pressure, head or tank");
  } else if (item.has("head")) {
    sp.by_head = true;
    sp.pressure = item.profile("head", dim::length);
    if (item.has("pressure")) item.error_at_key("pressure", "give either pressure or head");
  } else {
    sp.pressure = item.profile("pressure", dim::pressure);
  }
  item.finish();
  if (name.empty() || !p) return;
  Node& node = end == "inlet" ? p->inlet() : p->outlet();
  sp.elevation = node.elevation();
  if (node.held()) {
    item.error_at_key("end", "this pipe end already has a terminal");
    return;
  }
  sp.density = p->density();
  sp.flow_scale = c.flow_scale;
  c.system.emplace<Terminal>(std::move(sp), node);
  c.parts.mark(p);
}

void read_injection(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "injections");
  Pipe* p = c.pipes.find(item, "pipe");
  const double at = item.quantity("at", dim::length, 0.0);
  Profile flow = item.profile("mass_flow", dim::mass_flow);
  if (p) item.check("at", at >= 0 && at <= p->spec().length, "must lie within the pipe");
  item.finish();
  if (name.empty() || !p || at < 0 || at > p->spec().length) return;
  c.system.emplace<Injection>(name, *p, p->nearest_point(at), std::move(flow), p->density());
}

void read_point(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "points");
  Pipe* p = c.pipes.find(item, "pipe");
  const double at = item.quantity("at", dim::length, 0.0);
  const Coordinates where = read_location(item);
  if (p) item.check("at", at >= 0 && at <= p->spec().length, "must lie within the pipe");
  item.finish();
  if (name.empty() || !p || at < 0 || at > p->spec().length) return;
  c.system.emplace<Point>(name, *p, p->nearest_point(at)).set_location(where);
}

}  // namespace steppe::oil
