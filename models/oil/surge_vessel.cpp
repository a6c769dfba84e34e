// Surge vessel at a pipe end: an open surge tank (a standpipe open to the atmosphere) or
// an air vessel (a closed vessel with a gas cushion), connected through a throttle.
//
//   q   [kg/s] (algebraic)      mass flow from the line's node into the vessel
//   V   [m³]   (differential)   liquid volume in the vessel
//   S   [m³]   (differential, open tank only, held in the steady start) volume spilled
//                               over the tank's crest since the start
// Throttle (connection of area A_c = π d_c²/4, loss coefficient ζ, both directions):
//   p − p_b(V) − R q √(q² + q_ε²) = 0,   R = ζ/(2 ρ A_c²),   q_ε = 10⁻⁴ of the flow scale
// (a smooth q|q|), p the absolute pressure of the pipe end's node, p_b the pressure at the
// vessel's bottom (at the node's elevation):
//   open tank   p_b = p_atm + ρ g h,  h = V/A_t  (level above the connection, area A_t)
//   air vessel  p_b = p_g = p₀ (V_g0/V_g)ⁿ,  V_g = V_T − V  (polytropic gas, exponent n;
//               the liquid's own depth in the vessel is neglected)
// p₀ is the node's pressure at the initial state, so the gas volume there is the given
// V_g0 (settle() anchors it once and the initial state is solved again).
// Liquid balance:
//   normal      ρ V' − q = 0,                 S' = 0
//   overflow    ρ V' − q + ρ Q_w(h) = 0,      S' − Q_w(h) = 0      (open tank only)
//   Q_w = c_w L_w w (w² + w_ε²)^¼,  w = h − H  (≈ c_w L_w w^{3/2}: a sharp-crested weir,
//   Francis' c_w = 1.84 m^½/s, crest length L_w = 2√(π A_t), the perimeter of a round
//   tank; w_ε = 1 mm makes it smooth through w = 0)
// The flow q leaves the node's row (junction.hpp). In a steady start V' = 0 gives q = 0:
// the open tank's level is the line's piezometric head at the connection.
// Roots (each falling through zero): open tank in normal mode H − h (the level reaches the
// crest: overflow), in overflow h − H (back below the crest); V (the vessel has drained:
// air or gas would enter the line, outside the model: the run stops, a fatal event).
// Outputs oil/surge_vessels: pressure, mass_flow, liquid_volume, level (open), gas_pressure,
// gas_volume (air vessel), spilled_volume (open); NaN where a quantity does not apply.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "models/oil/context.hpp"
#include "models/oil/junction.hpp"

namespace steppe::oil {

namespace {

constexpr double kFrancis = 1.84;   // m^½/s, sharp-crested weir Q = c L w^{3/2}
constexpr double kWeirBand = 1e-3;  // m

struct SurgeVesselSpec {
  std::string name;
  bool air = false;
  double area = 0, crest = 0;                         // open tank: m², m above the connection
  double volume = 0, gas_volume = 0, exponent = 1.2;  // air vessel: m³, m³, 1
  double resistance = 0;                              // R [Pa/(kg/s)²]
  double density = 850, flow_scale = 100;
};

class SurgeVessel : public Component, public EventSource {
 public:
  SurgeVessel(SurgeVesselSpec spec, Node& node, double p_guess)
      : Component(spec.air ? "oil air vessel" : "oil surge tank", spec.name),
        sp_(std::move(spec)),
        node_(node),
        p0_(p_guess),
        q_eps_(1e-4 * sp_.flow_scale),
        weir_(kFrancis * 2 * std::sqrt(M_PI * sp_.area)) {}

  std::vector<UnknownSpec> unknowns() const override {
    const double vs = sp_.air ? sp_.volume : sp_.area * sp_.crest;
    std::vector<UnknownSpec> u{{"mass_flow", "kg s-1", VarKind::Algebraic, sp_.flow_scale},
                               {"liquid_volume", "m3", VarKind::Differential, vs}};
    if (!sp_.air) u.push_back({"spilled_volume", "m3", VarKind::Differential, vs, true});
    return u;
  }
  void bind() override { p_ = node_.pressure(); }
  void initial_values(std::span<double> y) const override {
    y[0] = 0.0;
    if (sp_.air) {
      y[1] = sp_.volume - sp_.gas_volume;
    } else {
      y[1] = sp_.area * (p0_ - kAtmosphere) / (sp_.density * kGravity);
      y[2] = 0.0;
    }
  }

  // Pressure at the vessel's bottom and its derivative with respect to V.
  double bottom_pressure(double v, double& dv) const {
    if (!sp_.air) {
      dv = sp_.density * kGravity / sp_.area;
      return kAtmosphere + dv * v;
    }
    const double vg = sp_.volume - v;
    const double pg = p0_ * std::pow(sp_.gas_volume / vg, sp_.exponent);
    dv = sp_.exponent * pg / vg;
    return pg;
  }
  // Weir flow [m³/s] over the crest and its derivative with respect to V.
  double weir(double v, double& dv) const {
    const double w = v / sp_.area - sp_.crest, r = w * w + kWeirBand * kWeirBand;
    const double r4 = std::sqrt(std::sqrt(r));
    dv = weir_ * (r + 0.5 * w * w) * r4 / r / sp_.area;
    return weir_ * w * r4;
  }

  void residual(const State& s, double* F) const override {
    const int iq = offset(), iv = offset() + 1;
    const double q = s.y[iq], v = s.y[iv];
    double dpb = 0;
    F[iq] =
        s.y[p_] - bottom_pressure(v, dpb) - sp_.resistance * q * std::sqrt(q * q + q_eps_ * q_eps_);
    F[iv] = sp_.density * s.yp[iv] - q;
    if (!sp_.air) {
      const int is = offset() + 2;
      double dw = 0;
      const double qw = overflow_ ? weir(v, dw) : 0.0;
      F[iv] += sp_.density * qw;
      F[is] = s.yp[is] - qw;
    }
    F[p_] += q;
  }

  void jacobian(const State& s, JacobianWriter& J) const override {
    const int iq = offset(), iv = offset() + 1;
    const double q = s.y[iq], v = s.y[iv], r = std::sqrt(q * q + q_eps_ * q_eps_);
    double dpb = 0, dw = 0;
    bottom_pressure(v, dpb);
    J.add(iq, p_, 1.0);
    J.add(iq, iv, -dpb);
    J.add(iq, iq, -sp_.resistance * (r + q * q / r));
    if (!sp_.air && overflow_) weir(v, dw);
    J.add(iv, iv, sp_.density * dw, sp_.density);
    J.add(iv, iq, -1.0);
    if (!sp_.air) {
      const int is = offset() + 2;
      J.add(is, is, 0.0, 1.0);
      J.add(is, iv, -dw);
    }
    J.add(p_, iq, 1.0);
  }

  int root_count() const override { return 2; }
  void roots(const State& s, double* g) const override {
    const double h = s.y[offset() + 1] / sp_.area;
    g[0] = sp_.air ? 1.0 : (overflow_ ? h - sp_.crest : sp_.crest - h);
    g[1] = s.y[offset() + 1];
  }
  EventAction on_root(int i, int direction, const State& s) override {
    if (direction > 0) return {};
    const double v = s.y[offset() + 1];
    if (i == 1) {
      EventAction a{false, "nonphysical", s.y[p_],
                    sp_.air ? "air vessel drained of liquid: its gas would enter the line"
                            : "surge tank drained: air would enter the line",
                    "Pa"};
      a.fatal = true;
      return a;
    }
    if (sp_.air) return {};
    overflow_ = !overflow_;
    return {
        true, "mode", v / sp_.area,
        overflow_ ? "surge tank overflowing its crest" : "surge tank level back below its crest",
        "m"};
  }
  EventAction settle(const State& s) override {
    if (sp_.air && !anchored_) {
      // The gas volume at the initial state is the given one: p₀ is the node's pressure
      // there (q = 0 in a steady start); the initial state is solved again with it.
      anchored_ = true;
      p0_ = s.y[p_];
      return {true, "", p0_, ""};
    }
    double g[2];
    roots(s, g);
    if (g[1] < 0) return on_root(1, -1, s);
    if (g[0] < 0) return on_root(0, -1, s);
    return {};
  }
  void stop_times(double, double, std::vector<double>&) const override {}
  void save(DiscreteState& out) const override {
    out.put(overflow_);
    out.put(anchored_);
    out.put(p0_);
  }
  void restore(DiscreteState& in) override {
    in.get(overflow_);
    in.get(anchored_);
    in.get(p0_);
  }

  void declare_outputs(OutputPlan& plan) override {
    const std::string g = "oil/surge_vessels";
    out_ = plan.column(g, name(), "pressure", "Pa", "absolute pressure at the connection");
    plan.column(g, name(), "mass_flow", "kg s-1", "mass flow from the line into the vessel");
    plan.column(g, name(), "liquid_volume", "m3", "liquid volume in the vessel");
    plan.column(g, name(), "level", "m", "open tank: level above the connection (NaN: air vessel)");
    plan.column(g, name(), "gas_pressure", "Pa", "pressure above the liquid (atmosphere: open)");
    plan.column(g, name(), "gas_volume", "m3", "air vessel: gas volume (NaN: open tank)");
    plan.column(g, name(), "spilled_volume", "m3",
                "open tank: volume spilled over the crest since the start (NaN: air vessel)");
  }
  void write_outputs(const State& s, OutputFrame& out) const override {
    const double v = s.y[offset() + 1], nan = std::numeric_limits<double>::quiet_NaN();
    double dpb = 0;
    out.set(out_ + 0, s.y[p_]);
    out.set(out_ + 1, s.y[offset()]);
    out.set(out_ + 2, v);
    out.set(out_ + 3, sp_.air ? nan : v / sp_.area);
    out.set(out_ + 4, sp_.air ? bottom_pressure(v, dpb) : kAtmosphere);
    out.set(out_ + 5, sp_.air ? sp_.volume - v : nan);
    out.set(out_ + 6, sp_.air ? nan : s.y[offset() + 2]);
  }

 private:
  SurgeVesselSpec sp_;
  Node& node_;
  double p0_;  // air vessel: gas pressure at V_g0
  double q_eps_, weir_;
  bool overflow_ = false, anchored_ = false;
  int p_ = -1, out_ = -1;
};

}  // namespace

// ---- reader: oil.surge_vessels[i]
void read_surge_vessel(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "surge_vessels");
  Pipe* p = c.pipes.find(item, "pipe");
  const std::string end = item.choice("end", {"inlet", "outlet"}, "outlet");
  const std::string type = item.choice("type", {"open", "air_vessel"}, "open");
  if (item.has_error("type")) return;  // its keys depend on the type: one fault, one error
  SurgeVesselSpec sp;
  sp.name = name;
  sp.air = type == "air_vessel";
  bool ok = true;
  if (sp.air) {
    sp.volume = item.quantity("volume", dim::volume);
    sp.gas_volume = item.quantity("gas_volume", dim::volume);
    sp.exponent = item.quantity("polytropic_exponent", dim::none, 1.2);
    item.check("volume", sp.volume > 0, "must be > 0 (the vessel's total volume)");
    item.check("gas_volume", sp.gas_volume > 0 && sp.gas_volume < sp.volume,
               "must lie in (0, volume): the gas cushion at the initial state", {"volume"});
    item.check("polytropic_exponent", sp.exponent >= 1 && sp.exponent <= 1.67,
               "must lie in [1, 1.67] (1 isothermal, 1.4 adiabatic air)");
    ok = sp.volume > 0 && sp.gas_volume > 0 && sp.gas_volume < sp.volume && sp.exponent >= 1 &&
         sp.exponent <= 1.67;
  } else {
    sp.area = item.quantity("area", dim::area);
    sp.crest = item.quantity("height", dim::length);
    item.check("area", sp.area > 0, "must be > 0 (the tank's cross-section)");
    item.check("height", sp.crest > 0, "must be > 0 (the crest above the connection)");
    ok = sp.area > 0 && sp.crest > 0;
  }
  const double zeta = item.quantity("loss_coefficient", dim::none, 0.0);
  double dc = p ? p->spec().inner_diameter : 1.0;
  dc = item.quantity("connection_diameter", dim::length, dc);
  item.check("loss_coefficient", zeta >= 0, "must be ≥ 0");
  item.check("connection_diameter", dc > 0, "must be > 0");
  item.finish();
  if (name.empty() || !p || !ok || zeta < 0 || dc <= 0) return;
  Node& node = end == "inlet" ? p->inlet() : p->outlet();
  if (node.held()) {
    item.error_at_key("end",
                      "this pipe end is held by a terminal: a surge vessel needs a free end");
    return;
  }
  sp.density = p->density();
  sp.flow_scale = c.flow_scale;
  const double ac = M_PI * dc * dc / 4;
  sp.resistance = zeta / (2 * sp.density * ac * ac);
  c.system.emplace<SurgeVessel>(std::move(sp), node, p->spec().pressure_guess);
}

}  // namespace steppe::oil
