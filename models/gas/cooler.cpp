// After-cooler: a gas cooler between a compressor's discharge (from) and the line (to),
// with an outlet temperature set point (needs the energy equation, gas.energy).
//
//   unknowns  ṁ [kg/s] (algebraic), from → to;  T_out [K] (algebraic), the outlet temperature
//   pressure  p_from − p_to − Δp = 0   (a PressureConstraint: on nodes with storage imposed as
//             d/dt(c) + c/τ = 0, τ = 1 s); node rows from += ṁ, to −= ṁ
//   outlet    h_out = h(p_to, T_out, w_from);  the inlet h_in = h(p_from, T_from, w_from)
//   modes (the T_out row):
//     cooling   T_out − T_set(t) = 0
//     idle      h_out − h_in = 0            the inlet is at or below the set point: no duty
//     limited   ṁ⁺·(h_in − h_out) − Q_max = 0   the duty limit holds, T_out above T_set
//   roots     cooling → idle when T_from falls through T_set; idle → cooling when T_out rises
//             through T_set; cooling → limited when the duty rises through Q_max;
//             limited → cooling when T_out falls through T_set (events, kind "mode")
//   energy    to node −= ṁ⁺·(h_out − h_to), from node −= ṁ⁻·(h_to − h_from) (reverse flow
//             passes uncooled), fractions carried alike (models/gas/flow_model.hpp)
//   duty      Q = ṁ⁺·(h_in − h_out) [W], heat taken from the gas
// Outputs (/gas/coolers): mass_flow, inlet_temperature, outlet_temperature, duty, mode.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "models/common/pressure_constraint.hpp"
#include "models/gas/context.hpp"
#include "models/gas/flow_model.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

namespace {

constexpr const char* kGroupCoolers = "gas/coolers";
constexpr double kEps = 1e-4;   // kg/s: upwind smoothing
constexpr double kBand = 1e-6;  // K / relative: root bands
constexpr double kOpen[2] = {1.0, -1.0}, kNone[2] = {0.0, 0.0};

class GasCooler : public Component, public EventSource {
 public:
  enum Mode { Cooling = 0, Idle = 1, Limited = 2 };

  GasCooler(std::string name, const GasNode& from, const GasNode& to, const FlowModel& flow,
            Profile set_point, double pressure_drop, double duty_max)
      : Component("gas cooler", std::move(name)),
        from_(from),
        to_(to),
        flow_(flow),
        set_point_(std::move(set_point)),
        dp_(pressure_drop),
        q_max_(duty_max) {}

  std::vector<UnknownSpec> unknowns() const override {
    return {{"mass_flow", "kg s-1", VarKind::Algebraic, 100.0},
            {"outlet_temperature", "K", VarKind::Algebraic, 300.0}};
  }
  void bind() override {
    for (int c = 0; c < flow_.vars(); ++c) {
      from_cell_.idx[c] = from_.offset() + c;
      to_cell_.idx[c] = to_.offset() + c;
    }
    const int idx[2] = {from_.pressure(), to_.pressure()};
    const bool storage[2] = {from_.volume() > 0, to_.volume() > 0};
    hold_.set(2, idx, storage, 1.0);
  }
  void initial_values(std::span<double> y) const override {
    y[0] = 0.0;
    y[1] = set_point_.value(0.0);
  }

  // What the cooler needs at a state: inlet, outlet and to-node thermo, the upwind split.
  struct Point {
    CellThermo in, out, to, from;
    Upwind up;
  };
  Point point(const State& s) const {
    Point q;
    double z[kMaxVars] = {};
    flow_.gather(s, from_cell_, z);
    flow_.cell(z, &q.in);
    q.from = q.in;
    z[0] = s.y[to_.pressure()];
    z[1] = s.y[offset() + 1];
    flow_.cell(z, &q.out);
    flow_.gather(s, to_cell_, z);
    flow_.cell(z, &q.to);
    q.up = upwind(s.y[offset()], kEps);
    return q;
  }
  double duty(const Point& q) const { return q.up.into_b * (q.in.h - q.out.h); }

  Inflow forward(const Point& q) const {
    Inflow in;
    in.rate = q.up.into_b, in.d_rate = q.up.d_into_b, in.rate_col = offset();
    in.from = &from_cell_;
    in.h = q.out.h;
    in.h_col[0] = to_.pressure(), in.h_grad[0] = q.out.h_d[0];
    in.h_col[1] = offset() + 1, in.h_grad[1] = q.out.h_d[1];
    in.nh = 2;
    for (int c = 2; c < flow_.vars(); ++c)
      in.h_col[in.nh] = from_cell_.idx[c], in.h_grad[in.nh++] = q.out.h_d[c];
    return in;
  }
  Inflow backward(const Point& q) const {
    Inflow in;
    in.rate = q.up.into_a, in.d_rate = q.up.d_into_a, in.rate_col = offset();
    in.from = &to_cell_;
    in.h = q.to.h;
    in.nh = flow_.vars();
    for (int c = 0; c < in.nh; ++c) in.h_col[c] = to_cell_.idx[c], in.h_grad[c] = q.to.h_d[c];
    return in;
  }

  void residual(const State& s, double* F) const override {
    const int mi = offset(), ti = offset() + 1;
    const Point q = point(s);
    F[mi] = hold_.residual(s, kOpen, kNone, dp_, 0.0);
    switch (mode_) {
      case Cooling:
        F[ti] = s.y[ti] - set_point_.value(s.t);
        break;
      case Idle:
        F[ti] = (q.out.h - q.in.h) / q.in.cp();
        break;
      case Limited:
        F[ti] = (duty(q) - q_max_) / (q_max_ / 100.0);
        break;
    }
    F[from_.pressure()] += s.y[mi];
    F[to_.pressure()] -= s.y[mi];
    flow_.inflow(s, to_cell_, q.to, forward(q), F);
    flow_.inflow(s, from_cell_, q.from, backward(q), F);
  }

  void jacobian(const State& s, JacobianWriter& J) const override {
    const int mi = offset(), ti = offset() + 1;
    const Point q = point(s);
    J.add(mi, mi, 0.0);
    hold_.jacobian(mi, J, kOpen, kNone);
    // The T_out row over (ṁ, T_out, p_from, T_from, p_to, w_from…) in every mode.
    const int n = flow_.vars();
    double d_m = 0, d_t = 0, d_pf = 0, d_tf = 0, d_pt = 0, d_w[kMaxVars] = {};
    const double cp = q.in.cp();
    if (mode_ == Cooling) {
      d_t = 1.0;
    } else {
      // f = k·(h_out − h_in): idle k = 1/c_p; limited f = −(ṁ⁺/s)(h_out − h_in) with s = Q_max/100.
      const double k = mode_ == Idle ? 1.0 / cp : -q.up.into_b / (q_max_ / 100.0);
      if (mode_ == Limited) d_m = -q.up.d_into_b * (q.out.h - q.in.h) / (q_max_ / 100.0);
      d_t = k * q.out.h_d[1];
      d_pt = k * q.out.h_d[0];
      d_pf = -k * q.in.h_d[0];
      d_tf = -k * q.in.h_d[1];
      for (int c = 2; c < n; ++c) d_w[c] = k * (q.out.h_d[c] - q.in.h_d[c]);
    }
    J.add(ti, mi, d_m);
    J.add(ti, ti, d_t);
    J.add(ti, from_cell_.idx[0], d_pf);
    J.add(ti, from_cell_.idx[1], d_tf);
    J.add(ti, to_cell_.idx[0], d_pt);
    for (int c = 2; c < n; ++c) J.add(ti, from_cell_.idx[c], d_w[c]);
    J.add(from_.pressure(), mi, 1.0);
    J.add(to_.pressure(), mi, -1.0);
    flow_.inflow_jacobian(s, to_cell_, q.to, forward(q), J);
    flow_.inflow_jacobian(s, from_cell_, q.from, backward(q), J);
  }

  int root_count() const override { return 2; }
  void roots(const State& s, double* g) const override {
    const double tset = set_point_.value(s.t), tout = s.y[offset() + 1];
    g[1] = mode_ == Cooling && std::isfinite(q_max_) ? (q_max_ - duty(point(s))) / q_max_ + kBand
                                                     : 1.0;
    switch (mode_) {
      case Cooling:
        g[0] = s.y[from_cell_.idx[1]] - tset + kBand;
        break;
      case Idle:
        g[0] = tset - tout + kBand;
        break;
      case Limited:
        g[0] = tout - tset + kBand;
        break;
    }
  }
  EventAction on_root(int i, int direction, const State& s) override {
    if (direction > 0) return {};
    if (i == 1) return switch_to(Limited, s);
    return switch_to(mode_ == Cooling ? Idle : Cooling, s);
  }
  EventAction settle(const State& s) override {
    const Mode m = wanted(s);
    return m == mode_ ? EventAction{} : switch_to(m, s);
  }
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    set_point_.breakpoints(t0, t1, out);
  }
  void save(DiscreteState& out) const override { out.put(mode_); }
  void restore(DiscreteState& in) override { in.get(mode_); }

  void declare_outputs(OutputPlan& plan) override {
    const char* g = kGroupCoolers;
    out_ = {
        plan.column(g, name(), "mass_flow", "kg s-1", "mass flow through the cooler"),
        plan.column(g, name(), "inlet_temperature", "K", "gas temperature entering"),
        plan.column(g, name(), "outlet_temperature", "K", "gas temperature leaving"),
        plan.column(g, name(), "duty", "W", "heat taken from the gas"),
        plan.column(g, name(), "mode", "1", "0 cooling to the set point, 1 idle, 2 duty limit")};
  }
  void write_outputs(const State& s, OutputFrame& out) const override {
    const Point q = point(s);
    const double v[] = {s.y[offset()], s.y[from_cell_.idx[1]], s.y[offset() + 1], duty(q),
                        double(mode_)};
    for (std::size_t k = 0; k < out_.size(); ++k) out.set(out_[k], v[k]);
  }

 private:
  // The mode the state calls for.
  Mode wanted(const State& s) const {
    const double tset = set_point_.value(s.t);
    switch (mode_) {
      case Cooling:
        if (s.y[from_cell_.idx[1]] < tset) return Idle;
        if (std::isfinite(q_max_) && duty(point(s)) > q_max_) return Limited;
        return Cooling;
      case Idle:
        return s.y[offset() + 1] > tset ? Cooling : Idle;
      case Limited:
        return s.y[offset() + 1] < tset ? Cooling : Limited;
    }
    return mode_;
  }
  EventAction switch_to(Mode m, const State& s) {
    static const char* kNames[] = {"cooling", "idle", "duty limit"};
    const Mode from = mode_;
    mode_ = m;
    const double q = duty(point(s));
    return {true, "mode", q,
            fmt::format("{} → {} (inlet {:.2f} K, outlet {:.2f} K, duty {:.4g} MW)", kNames[from],
                        kNames[m], s.y[from_cell_.idx[1]], s.y[offset() + 1], q / 1e6)};
  }

  const GasNode& from_;
  const GasNode& to_;
  const FlowModel& flow_;
  Profile set_point_;
  double dp_, q_max_;
  Mode mode_ = Cooling;
  PressureConstraint hold_;
  Cell from_cell_, to_cell_;
  std::vector<int> out_;
};

}  // namespace

// ---- reader: gas.coolers[i]
void read_cooler(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "coolers");
  auto [from, to] = c.ends(item);
  Profile set_point = item.profile("outlet_temperature", dim::temperature);
  const double dp = item.quantity("pressure_drop", dim::pressure, 0.0);
  const double qmax =
      item.quantity("duty_max", dim::power, std::numeric_limits<double>::infinity());
  item.check("pressure_drop", dp >= 0, "must be ≥ 0");
  item.check("duty_max", qmax > 0, "must be > 0");
  item.finish();
  if (!c.energy.on) {
    item.error_at_key("outlet_temperature",
                      "a cooler needs the energy equation (a gas.energy section)");
    return;
  }
  if (name.empty() || !from || !to) return;
  c.system.emplace<GasCooler>(name, *from, *to, c.flow, std::move(set_point), dp, qmax);
  c.parts.join(from, to);
}

}  // namespace steppe::gas
