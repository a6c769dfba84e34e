#include "models/lumped/network.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "models/lumped/context.hpp"

namespace steppe::lumped {

// ---- Node ------------------------------------------------------------------------------

Node::Node(std::string name, double capacitance, double initial_pressure, double max_pressure)
    : Component("lumped node", std::move(name)),
      capacitance_(capacitance),
      initial_pressure_(initial_pressure),
      max_pressure_(max_pressure) {}

std::vector<UnknownSpec> Node::unknowns() const {
  return {{"pressure", "Pa", capacitance_ > 0 ? VarKind::Differential : VarKind::Algebraic,
           std::max(1e5, std::abs(initial_pressure_))}};
}

void Node::initial_values(std::span<double> y) const {
  y[0] = initial_pressure_;
}

void Node::residual(const State& s, double* F) const {
  F[pressure()] += capacitance_ * s.yp[pressure()];
}

void Node::jacobian(const State&, JacobianWriter& J) const {
  J.add(pressure(), pressure(), 0.0, capacitance_);
}

void Node::declare_outputs(OutputPlan& plan) {
  out_pressure_ = plan.column(kGroupNodes, name(), "pressure", "Pa", "node pressure");
  plan.limit(out_pressure_, "max_pressure", Bound::Upper, max_pressure_,
             "highest pressure allowed");
  plan.value(kGroupNodes, name(), "capacitance", capacitance_, "kg Pa-1", "capacitance dm/dp");
  declare_location(plan, kGroupNodes, name(), where_);
}

void Node::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_pressure_, s.y[pressure()]);
}

int Node::root_count() const {
  return std::isfinite(max_pressure_) ? 1 : 0;
}

void Node::roots(const State& s, double* g) const {
  g[0] = s.y[pressure()] - max_pressure_;
}

EventAction Node::on_root(int, int direction, const State& s) {
  EventAction a;
  a.kind = "limit";
  a.value = s.y[pressure()];
  a.message = fmt::format("pressure {} max_pressure {:.6g} Pa",
                          direction > 0 ? "rose above" : "fell below", max_pressure_);
  a.units = "Pa";
  return a;
}

// ---- Link ------------------------------------------------------------------------------

Link::Link(std::string name, const Node& from, const Node& to, double conductance, Profile opening,
           bool check_valve)
    : Component("lumped link", std::move(name)),
      from_(from),
      to_(to),
      conductance_(conductance),
      opening_(std::move(opening)),
      check_valve_(check_valve) {}

std::vector<UnknownSpec> Link::unknowns() const {
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, std::max(1.0, conductance_ * 1e5)}};
}

void Link::bind() {
  pf_ = from_.pressure();
  pt_ = to_.pressure();
}

void Link::initial_values(std::span<double> y) const {
  y[0] = 0.0;
}

void Link::residual(const State& s, double* F) const {
  const int m = offset();
  const double flow = s.y[m];
  if (open_)
    F[m] = flow - conductance_ * opening_.value(s.t) * (s.y[pf_] - s.y[pt_]);
  else
    F[m] = flow;
  F[pf_] += flow;  // leaves `from`
  F[pt_] -= flow;  // enters `to`
}

void Link::jacobian(const State& s, JacobianWriter& J) const {
  const int m = offset();
  const double g = open_ ? conductance_ * opening_.value(s.t) : 0.0;
  J.add(m, m, 1.0);
  J.add(m, pf_, -g);
  J.add(m, pt_, g);
  J.add(pf_, m, 1.0);
  J.add(pt_, m, -1.0);
}

void Link::declare_outputs(OutputPlan& plan) {
  out_flow_ = plan.column(kGroupLinks, name(), "mass_flow", "kg s-1", "mass flow from → to");
  out_open_ = plan.column(kGroupLinks, name(), "open", "1",
                          "1 if the link conducts, 0 if a check valve is closed");
  plan.flags(kGroupLinks, "open", {{0, "closed"}, {1, "open"}});
  plan.connection(kGroupLinks, name(), "from_node", kGroupNodes, from_.name());
  plan.connection(kGroupLinks, name(), "to_node", kGroupNodes, to_.name());
  plan.value(kGroupLinks, name(), "conductance", conductance_, "kg s-1 Pa-1", "conductance");
}

void Link::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_flow_, s.y[offset()]);
  out.set(out_open_, open_ ? 1.0 : 0.0);
}

void Link::roots(const State& s, double* g) const {
  g[0] = open_ ? s.y[offset()] + flow_band() : s.y[pf_] - s.y[pt_] - dp_band();
}

EventAction Link::settle(const State& s) {
  if (!check_valve_) return {};
  if (open_ && s.y[offset()] < -flow_band()) return on_root(0, -1, s);
  if (!open_ && s.y[pf_] - s.y[pt_] > dp_band()) return on_root(0, +1, s);
  return {};
}

EventAction Link::on_root(int, int direction, const State& s) {
  EventAction a;
  if (open_ && direction < 0) {
    open_ = false;
    a = {true, "mode", s.y[offset()], "check valve closed: flow reversed", "kg s-1"};
  } else if (!open_ && direction > 0) {
    open_ = true;
    a = {true, "mode", s.y[pf_] - s.y[pt_], "check valve opened: forward pressure difference",
         "Pa"};
  }
  return a;
}

void Link::save(DiscreteState& out) const {
  out.put(open_);
}

void Link::restore(DiscreteState& in) {
  in.get(open_);
}

void Link::stop_times(double t0, double t1, std::vector<double>& out) const {
  opening_.breakpoints(t0, t1, out);
}

// ---- Source ----------------------------------------------------------------------------

Source::Source(std::string name, const Node& node, Profile mass_flow)
    : Component("lumped source", std::move(name)), node_(node), flow_(std::move(mass_flow)) {}

void Source::residual(const State& s, double* F) const {
  F[row_] -= flow_.value(s.t);
}

void Source::declare_outputs(OutputPlan& plan) {
  out_flow_ = plan.column(kGroupSources, name(), "mass_flow", "kg s-1", "injected mass flow");
  plan.connection(kGroupSources, name(), "node", kGroupNodes, node_.name());
}

void Source::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_flow_, flow_.value(s.t));
}

// ---- Boundary --------------------------------------------------------------------------

Boundary::Boundary(std::string name, const Node& node, Profile pressure)
    : Component("lumped boundary", std::move(name)), node_(node), pressure_(std::move(pressure)) {}

std::vector<UnknownSpec> Boundary::unknowns() const {
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, 1.0}};
}

void Boundary::residual(const State& s, double* F) const {
  const int q = offset();
  F[q] = s.y[p_] - pressure_.value(s.t);
  F[p_] -= s.y[q];  // supplies q into its node
}

void Boundary::jacobian(const State&, JacobianWriter& J) const {
  const int q = offset();
  J.add(q, p_, 1.0);
  J.add(p_, q, -1.0);
}

void Boundary::declare_outputs(OutputPlan& plan) {
  out_flow_ = plan.column(kGroupBoundaries, name(), "mass_flow", "kg s-1",
                          "mass flow supplied into the network");
  out_pressure_ = plan.column(kGroupBoundaries, name(), "pressure", "Pa", "set pressure");
  plan.dimension(kGroupBoundaries, "boundary");
  plan.connection(kGroupBoundaries, name(), "node", kGroupNodes, node_.name());
}

void Boundary::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_flow_, s.y[offset()]);
  out.set(out_pressure_, pressure_.value(s.t));
}

// ---- readers: lumped.nodes[i], .links[i], .sources[i], .boundaries[i]
void read_node(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "nodes");
  double cap = item.quantity("capacitance", dim::flow_capacitance);
  double p0 = item.quantity("initial_pressure", dim::pressure, 1e5);
  double pmax =
      item.quantity("max_pressure", dim::pressure, std::numeric_limits<double>::infinity());
  const Coordinates where = read_location(item);
  item.check("capacitance", cap >= 0, "must be ≥ 0 (0 makes the node a junction)");
  item.finish();
  if (name.empty()) return;
  Node& node = c.system.emplace<Node>(name, cap, p0, pmax);
  node.set_location(where);
  c.nodes.add(name, &node, item);
}

// References to nodes stay quiet when the list itself had errors.
void nodes_read(Context& c, bool had_errors) {
  c.nodes.set_complete(!had_errors);
}

void read_link(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "links");
  const Node* from = c.nodes.find(item, "from");
  const Node* to = c.nodes.find(item, "to");
  double g = item.quantity("conductance", dim::flow_conductance);
  Profile opening = item.profile("opening", dim::none, 1.0);
  bool check = item.flag("check_valve", false);
  item.check("conductance", g > 0, "must be > 0");
  if (from && from == to) item.error_at_key("to", "a link must join two different nodes");
  item.check("opening",
             std::all_of(opening.values().begin(), opening.values().end(),
                         [](double v) { return v >= 0 && v <= 1; }),
             "opening must lie between 0 and 1");
  item.finish();
  if (name.empty() || !from || !to || from == to) return;
  c.system.emplace<Link>(name, *from, *to, g, std::move(opening), check);
  c.parts.join(from, to);
}

void read_source(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "sources");
  const Node* node = c.nodes.find(item, "node");
  Profile flow = item.profile("mass_flow", dim::mass_flow);
  item.finish();
  if (!name.empty() && node) c.system.emplace<Source>(name, *node, std::move(flow));
}

void read_boundary(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "boundaries");
  const Node* node = c.nodes.find(item, "node");
  Profile p = item.profile("pressure", dim::pressure);
  item.finish();
  if (!name.empty() && node) {
    c.system.emplace<Boundary>(name, *node, std::move(p));
    c.parts.mark(node);
  }
}

}  // namespace steppe::lumped
