#include "models/oil/terminal.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/oil/context.hpp"

namespace steppe::oil {

Terminal::Terminal(TerminalSpec spec, Node& node)
    : Component("oil terminal", spec.name), sp_(std::move(spec)), node_(node) {
  node_.hold();
}

// Unknowns: the mass flow, the mass since the start, the tank level (a tank).
std::vector<UnknownSpec> Terminal::unknowns() const {
  std::vector<UnknownSpec> u{{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale},
                             {"cumulative_mass", "kg", VarKind::Differential, 1e3, true}};
  if (sp_.tank) u.push_back({"level", "m", VarKind::Differential, 1.0, true});
  return u;
}

void Terminal::initial_values(std::span<double> y) const {
  y[0] = y[1] = 0.0;
  if (sp_.tank) y[2] = sp_.initial_level;
}

void Terminal::residual(const State& s, double* F) const {
  const int iq = offset(), im = offset() + 1;
  const double q = s.y[iq];
  if (sp_.tank) {
    const int ih = offset() + 2;
    F[iq] = s.y[p_] - sp_.gas_pressure - sp_.density * kGravity * s.y[ih];
    F[ih] = sp_.density * sp_.area * s.yp[ih] + q;
  } else {
    F[iq] = s.y[p_] - held_pressure(s.t);
  }
  F[im] = s.yp[im] - q;
  F[p_] -= q;
}

double Terminal::held_pressure(double t) const {
  const double v = sp_.pressure.value(t);
  return sp_.by_head ? kAtmosphere + sp_.density * kGravity * (v - sp_.elevation) : v;
}

void Terminal::jacobian(const State&, JacobianWriter& J) const {
  const int iq = offset(), im = offset() + 1;
  J.add(iq, p_, 1.0);
  J.add(im, im, 0.0, 1.0);
  J.add(im, iq, -1.0);
  if (sp_.tank) {
    const int ih = offset() + 2;
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
  plan.column(g, name(), "cumulative_mass", "kg",
              "mass from the terminal into the line since the start (< 0: delivered)");
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
  out.set(out_ + 4, sp_.tank ? s.y[offset() + 2] : 0.0);
  out.set(out_ + 5, s.y[offset() + 1]);
}

// ---- Injection -------------------------------------------------------------------------

Injection::Injection(std::string name, const Pipe& pipe, int point, Profile mass_flow, int grade)
    : Component("oil injection", std::move(name)),
      pipe_(pipe),
      k_(point),
      flow_(std::move(mass_flow)),
      grade_(grade) {}

std::vector<UnknownSpec> Injection::unknowns() const {
  return {{"cumulative_mass", "kg", VarKind::Differential, 1e3, true}};
}

void Injection::residual(const State& s, double* F) const {
  const double m = flow_.value(s.t);
  F[offset()] = s.yp[offset()] - m;
  pipe_.inject(k_, grade_, m, s, F);
}

void Injection::jacobian(const State& s, JacobianWriter& J) const {
  J.add(offset(), offset(), 0.0, 1.0);
  pipe_.inject_jacobian(k_, grade_, flow_.value(s.t), s, J);
}

void Injection::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/injections";
  out_ = plan.column(g, name(), "mass_flow", "kg s-1", "mass flow into the line (< 0: delivery)");
  plan.column(
      g, name(), "volume_flow", "m3 s-1",
      "volume flow at line temperature (the receipt's grade, else the crude where it enters)");
  plan.column(g, name(), "pressure", "Pa", "absolute pressure at the injection point");
  plan.column(g, name(), "cumulative_mass", "kg",
              "mass into the line since the start (< 0: delivered)");
  plan.connection(g, name(), "pipe", "oil/pipes", pipe_.name());
  plan.value(g, name(), "chainage", pipe_.spec().chainage + k_ * pipe_.dx(), "m",
             "route distance of the injection point");
  plan.text(g, name(), "grade",
            grade_ >= 0 ? pipe_.spec().grades[std::size_t(grade_)].name : std::string(),
            "the crude received (empty: the line's crude where it enters)");
}

void Injection::write_outputs(const State& s, OutputFrame& out) const {
  const double m = flow_.value(s.t);
  out.set(out_ + 0, m);
  out.set(out_ + 1, m / density(s));
  out.set(out_ + 2, pipe_.point_pressure(s, k_));
  out.set(out_ + 3, s.y[offset()]);
}

// The density of what the injection moves: its grade's, else the crude beside its point.
double Injection::density(const State& s) const {
  if (grade_ >= 0) return pipe_.spec().grades[std::size_t(grade_)].density;
  const int c = std::clamp(k_, 1, pipe_.cells()) - 1;
  return pipe_.cell_density(s, c);
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
  int grade = -1;
  bool ok = true;
  if (item.has("grade")) {  // a receipt of a named crude (turns batch tracking on)
    const Fluid* fluid = c.fluids.find(item, "grade");
    ok = fluid != nullptr;
    for (std::size_t i = 0; fluid && i < c.fluid_names.size(); ++i)
      if (c.fluid_names[i] == fluid->name) grade = int(i);
    const auto& v = flow.values();
    if (fluid && !item.has_error("mass_flow") && !v.empty() &&
        *std::min_element(v.begin(), v.end()) < 0) {
      item.error_at_key("grade", fmt::format("a receipt of '{}' needs mass_flow ≥ 0 (it reaches "
                                             "{:.6g} kg/s); a delivery takes the crude that is "
                                             "there: leave grade out",
                                             fluid->name, *std::min_element(v.begin(), v.end())));
      ok = false;
    }
  }
  if (p) item.check("at", at >= 0 && at <= p->spec().length, "must lie within the pipe");
  item.finish();
  if (name.empty() || !p || !ok || at < 0 || at > p->spec().length) return;
  c.system.emplace<Injection>(name, *p, p->nearest_point(at), std::move(flow), grade);
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
