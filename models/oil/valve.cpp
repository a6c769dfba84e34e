#include "models/oil/valve.hpp"

#include <algorithm>
#include <cmath>

#include "models/oil/context.hpp"

namespace steppe::oil {

Valve::Valve(ValveSpec spec, const Pipe& upstream_pipe, Node* downstream)
    : Component("oil valve", spec.name),
      sp_(std::move(spec)),
      pipe_(upstream_pipe),
      up_(upstream_pipe.outlet()),
      dn_(downstream) {
  k0_ = sp_.loss / (2.0 * sp_.area * sp_.area);
}

std::vector<UnknownSpec> Valve::unknowns() const {
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale}};
}

void Valve::bind() {
  pu_ = up_.pressure();
  pd_ = dn_ ? dn_->pressure() : -1;
  rho_ = pipe_.density_of_cell(pipe_.cells() - 1);
}

double Valve::tau(double t) const {
  const double u = std::clamp(sp_.opening.value(t), 0.0, 1.0);
  switch (sp_.characteristic) {
    case 1:
      return u * u;
    case 2:
      return (std::pow(50.0, u) - 1.0) / 49.0;
    default:
      return u;
  }
}

void Valve::residual(const State& s, double* F) const {
  const int im = offset();
  const double m = s.y[im];
  if (open_) {
    const double tt = tau(s.t);
    const double r = std::sqrt(m * m + m_eps() * m_eps());
    F[im] = k0_ / rho_(s.y) * m * r - tt * tt * (s.y[pu_] - p_down(s));
  } else {
    F[im] = m;
  }
  F[pu_] += m;
  if (dn_) F[pd_] -= m;
}

void Valve::jacobian(const State& s, JacobianWriter& J) const {
  const int im = offset();
  const double m = s.y[im];
  double dm = 1.0, dp = 0.0, drho = 0.0;
  if (open_) {
    const double tt = tau(s.t), rho = rho_(s.y);
    const double r = std::sqrt(m * m + m_eps() * m_eps());
    dm = k0_ / rho * (r + m * m / r);
    dp = tt * tt;
    drho = -k0_ / (rho * rho) * m * r;
  }
  rho_.add_jacobian(J, im, drho);
  J.add(im, im, dm);
  J.add(im, pu_, -dp);
  J.add(pu_, im, 1.0);
  if (dn_) {
    J.add(im, pd_, dp);
    J.add(pd_, im, -1.0);
  }
}

void Valve::declare_outputs(OutputPlan& plan) {
  const std::string g = "oil/valves";
  out_ = plan.column(g, name(), "mass_flow", "kg s-1", "mass flow upstream → downstream");
  plan.column(g, name(), "upstream_pressure", "Pa", "pressure upstream of the valve");
  plan.column(g, name(), "downstream_pressure", "Pa", "pressure downstream of the valve");
  plan.column(g, name(), "opening", "1", "stroke u(t) (0 closed, 1 open)");
  plan.column(g, name(), "open", "1", "0 if a check valve is closed");
  plan.flags(g, "open", {{0, "closed"}, {1, "open"}});
  plan.connection(g, name(), "upstream_pipe", "oil/pipes", sp_.upstream);
  plan.connection(g, name(), "downstream_pipe", "oil/pipes", sp_.downstream);
}

void Valve::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_ + 0, s.y[offset()]);
  out.set(out_ + 1, s.y[pu_]);
  out.set(out_ + 2, p_down(s));
  out.set(out_ + 3, sp_.opening.value(s.t));
  out.set(out_ + 4, open_ ? 1.0 : 0.0);
}

void Valve::roots(const State& s, double* g) const {
  g[0] = open_ ? s.y[offset()] + m_eps() : s.y[pu_] - p_down(s) - dp_band();
}

EventAction Valve::on_root(int, int direction, const State& s) {
  EventAction a;
  if (open_ && direction < 0) {
    open_ = false;
    a = {true, "mode", s.y[offset()], "check valve closed: flow reversed", "kg s-1"};
  } else if (!open_ && direction > 0) {
    open_ = true;
    a = {true, "mode", s.y[pu_] - p_down(s), "check valve opened: forward pressure difference",
         "Pa"};
  }
  return a;
}

EventAction Valve::settle(const State& s) {
  if (!sp_.check) return {};
  if (open_ && s.y[offset()] < -m_eps()) return on_root(0, -1, s);
  if (!open_ && s.y[pu_] - p_down(s) > dp_band()) return on_root(0, +1, s);
  return {};
}

void Valve::save(DiscreteState& out) const {
  out.put(open_);
}

void Valve::restore(DiscreteState& in) {
  in.get(open_);
}

// ---- reader: oil.valves[i]
void read_valve(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "valves");
  Pipe* up = c.pipes.find(item, "upstream");
  const bool to_pressure = !item.has("downstream");
  Pipe* dn = to_pressure ? nullptr : c.pipes.find(item, "downstream");
  ValveSpec sp;
  if (to_pressure) sp.outlet_pressure = item.profile("outlet_pressure", dim::pressure);
  sp.name = name;
  const double d = item.quantity("diameter", dim::length, up ? up->spec().inner_diameter : 0.5);
  sp.loss = item.quantity("loss_coefficient", dim::none, 0.2);
  sp.opening = item.profile("opening", dim::none, 1.0);
  std::string ch =
      item.choice("characteristic", {"linear", "quadratic", "equal_percentage"}, "linear");
  sp.characteristic = ch == "linear" ? 0 : ch == "quadratic" ? 1 : 2;
  sp.check = item.flag("check_valve", false);
  item.check("diameter", d > 0, "must be > 0");
  item.check("loss_coefficient", sp.loss > 0, "must be > 0");
  item.check("opening",
             std::all_of(sp.opening.values().begin(), sp.opening.values().end(),
                         [](double v) { return v >= 0 && v <= 1; }),
             "opening must lie between 0 and 1");
  if (up && dn && up == dn) item.error_at_key("downstream", "must differ from upstream");
  item.finish();
  if (name.empty() || !up || (!to_pressure && !dn) || up == dn || d <= 0) return;
  sp.area = M_PI * d * d / 4;
  sp.upstream = up->name();
  sp.downstream = dn ? dn->name() : "";
  sp.flow_scale = c.flow_scale;
  c.system.emplace<Valve>(std::move(sp), *up, dn ? &dn->inlet() : nullptr);
  if (to_pressure)
    c.parts.mark(up);
  else
    c.parts.join(up, dn);
}

}  // namespace steppe::oil
