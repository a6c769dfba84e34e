// Underground gas storage (UGS): a depleted field or aquifer joined to a network node by its
// wells and a station — Bozoi UGS on Beineu–Bozoi–Shymkent, Akyrtobe UGS near Taraz.
//
//   unknowns  q [kg/s] (algebraic): withdrawal into the node (> 0) or injection (< 0)
//             W [kg] (differential): working gas in store, 0 … W_max (cushion gas not counted;
//             held at its initial value by the steady start, like a tank level)
//   store     dW/dt + q = 0
//   node row  −= q (the injection pattern: the node's balance sees a source)
//   reservoir p_r(W) = p_empty + (p_full − p_empty)·W/W_max     (linearised material balance)
//   wells     back-pressure law q = C·(p_r² − p_wh²): the wellhead pressure
//             p_wh = √(p_r² − q/C), with C from the drawdown Δp at full inventory and the full
//             withdrawal rate: C = q_w,max / (p_full² − (p_full − Δp)²)
//   station   the wellhead–line relation: gas flows from the higher pressure to the lower; the
//             station compresses when it must push against the line (withdrawing with
//             p_wh < p_line: r = p_line/p_wh; injecting: r = p_wh/p_line), at polytropic power
//             P = |q|·Z R_s T/m·(r^m − 1)/η_p, m = (κ − 1)/(κ η_p); r = 1 otherwise (output only)
//   limits    deliverability curves of the inventory fraction w = W/W_max (piecewise linear):
//             withdrawal ≤ Q_w(W) = q_w,max·φ_w(w), injection ≤ Q_i(W) = q_i,max·φ_i(w)
//   modes     control by schedule:  q = q_set(t)   (rate profile: > 0 withdraw, < 0 inject, 0 idle)
//             control by pressure:  p_node = p_set(t)   (withdraws or injects what holds the line
//                                   pressure: a PressureConstraint, τ = 1 s on a node with storage)
//             withdraw limit: q = Q_w(W)      inject limit: q = −Q_i(W)
//             empty: q = 0 (W reached 0)      full: q = 0 (W reached W_max)
//   switches  (roots, each falling through zero; bands of 1e-9 of the scale)
//             schedule:  control → withdraw limit when q_set rises through Q_w(W), → inject limit
//                        when −q_set rises through Q_i(W); a limit → control when q_set comes
//                        back inside it; control or withdraw limit → empty when W falls through 0;
//                        control or inject limit → full when W rises through W_max; empty →
//                        control when q_set turns to injection, full → control when it turns to
//                        withdrawal
//             pressure:  control → withdraw limit when q rises through Q_w(W), → inject limit
//                        when −q rises through Q_i(W); withdraw limit (or empty) → control when
//                        the line pressure rises through p_set, inject limit (or full) → control
//                        when it falls through p_set; empty and full as above
//   events    every switch (kind "mode", or "limit" when a deliverability limit or the empty or
//             full store takes over), and the schedule's operating mode changing at a stop
//             time (kind "schedule": withdrawal, injection or idle starts)
//   outputs   gas/storages: mass_flow, inventory, inventory_fraction, reservoir_pressure,
//             wellhead_pressure, compression_ratio, compression_power, mode (0 control,
//             1 withdraw limit, 2 inject limit, 3 empty, 4 full)
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "models/common/curve.hpp"
#include "models/common/pressure_constraint.hpp"
#include "models/gas/context.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

namespace {

constexpr const char* kGroup = "gas/storages";
constexpr double kBand = 1e-9;

enum class Mode { Control, WithdrawLimit, InjectLimit, Empty, Full };
constexpr const char* kModeNames[] = {"control", "withdrawal limit", "injection limit", "empty",
                                      "full"};

struct StorageSpec {
  double capacity = 0.0;                              // W_max [kg]
  double initial = 0.5;                               // W(0)/W_max
  double p_empty = 0.0;                               // reservoir pressure with no working gas [Pa]
  double p_full = 0.0;                                // … with the store full [Pa]
  double well_coefficient = 0;                        // C [kg/(s·Pa²)]
  double max_withdrawal = 0.0, max_injection = 0.0;   // kg/s
  Curve withdrawal_curve{1.0}, injection_curve{1.0};  // φ_w(w), φ_i(w)
  bool pressure_control = false;
  Profile rate{0.0};       // q_set(t) [kg/s], schedule control
  Profile set_point{0.0};  // p_set(t) [Pa], pressure control
  double polytropic_efficiency = 0.8, isentropic_exponent = 1.3;
};

class GasStorage : public Component, public EventSource {
 public:
  GasStorage(std::string name, const GasNode& node, StorageSpec spec, const GasProperties& gas)
      : Component("gas storage", std::move(name)), node_(node), sp_(std::move(spec)), gas_(gas) {}

  std::vector<UnknownSpec> unknowns() const override {
    return {{"mass_flow", "kg s-1", VarKind::Algebraic, q_scale()},
            {"inventory", "kg", VarKind::Differential, sp_.capacity, true}};
  }
  void bind() override {
    p_ = node_.pressure();
    const bool storage = node_.volume() > 0;
    hold_.set(1, &p_, &storage, 1.0);
  }
  void initial_values(std::span<double> y) const override {
    y[0] = 0.0;
    y[1] = sp_.initial * sp_.capacity;
  }

  void residual(const State& s, double* F) const override {
    const int q = offset(), W = offset() + 1;
    const double qq = s.y[q];
    switch (mode_) {
      case Mode::Control:
        F[q] = sp_.pressure_control ? hold_.residual(s, kOne, kZero, sp_.set_point.value(s.t),
                                                     sp_.set_point.slope(s.t))
                                    : qq - sp_.rate.value(s.t);
        break;
      case Mode::WithdrawLimit:
        F[q] = qq - withdrawal_limit(s.y[W]);
        break;
      case Mode::InjectLimit:
        F[q] = qq + injection_limit(s.y[W]);
        break;
      case Mode::Empty:
      case Mode::Full:
        F[q] = qq;
        break;
    }
    F[W] = s.yp[W] + qq;
    F[p_] -= qq;
  }

  void jacobian(const State& s, JacobianWriter& J) const override {
    const int q = offset(), W = offset() + 1;
    const bool held = mode_ == Mode::Control && sp_.pressure_control;
    double dq_dw = 0.0;
    if (mode_ == Mode::WithdrawLimit) withdrawal_limit(s.y[W], &dq_dw), dq_dw = -dq_dw;
    if (mode_ == Mode::InjectLimit) injection_limit(s.y[W], &dq_dw);
    J.add(q, q, held ? 0.0 : 1.0);
    J.add(q, W, dq_dw);
    hold_.jacobian(q, J, held ? kOne : kZero, kZero);
    J.add(W, W, 0.0, 1.0);
    J.add(W, q, 1.0);
    J.add(p_, q, -1.0);
  }

  int root_count() const override { return 4; }

  // Root k falls through zero when the switch to target(mode, k) is due (kNoSwitch: never).
  void roots(const State& s, double* g) const override {
    const double W = s.y[offset() + 1], q = s.y[offset()];
    const double bq = kBand * q_scale(), bw = kBand * sp_.capacity;
    const double qw = withdrawal_limit(W), qi = injection_limit(W);
    const double p = s.y[p_];
    const double p_set = sp_.pressure_control ? sp_.set_point.value(s.t) : 0.0;
    const double bp = kBand * std::max(p_set, 1e5);
    const double q_set = sp_.pressure_control ? 0.0 : sp_.rate.value(s.t);
    std::fill(g, g + 4, 1.0);
    switch (mode_) {
      case Mode::Control:
        g[0] = (sp_.pressure_control ? qw - q : qw - q_set) + bq;
        g[1] = (sp_.pressure_control ? qi + q : qi + q_set) + bq;
        g[2] = W + bw;
        g[3] = sp_.capacity - W + bw;
        break;
      case Mode::WithdrawLimit:
        g[0] = (sp_.pressure_control ? p_set - p + bp : q_set - qw + bq);
        g[2] = W + bw;
        break;
      case Mode::InjectLimit:
        g[1] = (sp_.pressure_control ? p - p_set + bp : -q_set - qi + bq);
        g[3] = sp_.capacity - W + bw;
        break;
      case Mode::Empty:
        g[0] = sp_.pressure_control ? p_set - p + bp : q_set + bq;
        break;
      case Mode::Full:
        g[0] = sp_.pressure_control ? p - p_set + bp : -q_set + bq;
        break;
    }
  }

  EventAction on_root(int i, int direction, const State& s) override {
    if (direction > 0) return {};
    static constexpr Mode kTarget[5][4] = {
        {Mode::WithdrawLimit, Mode::InjectLimit, Mode::Empty, Mode::Full},  // control
        {Mode::Control, Mode::Control, Mode::Empty, Mode::Control},         // withdraw limit
        {Mode::Control, Mode::Control, Mode::Control, Mode::Full},          // inject limit
        {Mode::Control, Mode::Control, Mode::Control, Mode::Control},       // empty
        {Mode::Control, Mode::Control, Mode::Control, Mode::Control},       // full
    };
    return switch_to(kTarget[static_cast<int>(mode_)][i], s);
  }

  EventAction settle(const State& s) override {
    // The initial state may already lie beyond a switch: follow the switches it calls for.
    EventAction last;
    for (int round = 0; round < 4; ++round) {
      double g[4];
      roots(s, g);
      const int k = static_cast<int>(std::find_if(g, g + 4, [](double v) { return v < 0; }) - g);
      if (k == 4) break;
      last = on_root(k, -1, s);
    }
    return last;
  }

  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    if (sp_.pressure_control)
      sp_.set_point.breakpoints(t0, t1, out);
    else
      sp_.rate.breakpoints(t0, t1, out);
  }

  // A schedule step: record the operating mode it starts, and follow a limit it jumps past.
  EventAction on_stop(double t, const State& s) override {
    EventAction a;
    if (!sp_.pressure_control) {
      const int op = operating(sp_.rate.value(t));
      if (op != operating_) {
        operating_ = op;
        static constexpr const char* kStarts[] = {"idle", "withdrawal", "injection"};
        a = {false, "schedule", sp_.rate.value(t),
             fmt::format("{} starts ({:.6g} kg/s scheduled)", kStarts[op], sp_.rate.value(t)),
             "kg s-1"};
      }
    }
    const EventAction settled = settle(State{t, s.y, s.yp});
    if (!settled.kind.empty()) return settled;
    return a;
  }

  void save(DiscreteState& out) const override { out.put(mode_), out.put(operating_); }
  void restore(DiscreteState& in) override { in.get(mode_), in.get(operating_); }

  void declare_outputs(OutputPlan& plan) override {
    const std::string n = name();
    out_ = {
        plan.column(kGroup, n, "mass_flow", "kg s-1", "withdrawal into the line (− injection)"),
        plan.column(kGroup, n, "inventory", "kg", "working gas in store"),
        plan.column(kGroup, n, "inventory_fraction", "1", "working gas / working gas capacity"),
        plan.column(kGroup, n, "reservoir_pressure", "Pa", "reservoir pressure (absolute)"),
        plan.column(kGroup, n, "wellhead_pressure", "Pa", "wellhead pressure (absolute)"),
        plan.column(kGroup, n, "compression_ratio", "1",
                    "station compression ratio (1: no compression)"),
        plan.column(kGroup, n, "compression_power", "W", "station compression shaft power"),
        plan.column(kGroup, n, "mode", "1", "the limit in force instead of the control, if any"),
    };
    plan.flags(kGroup, "mode",
               {{0, "control"},
                {1, "withdrawal_limit"},
                {2, "injection_limit"},
                {3, "empty"},
                {4, "full"}});
    plan.connection(kGroup, n, "node", kGroupNodes, node_.name());
    plan.value(kGroup, n, "working_gas", sp_.capacity, "kg", "working gas capacity");
    plan.value(kGroup, n, "max_withdrawal", sp_.max_withdrawal, "kg s-1", "withdrawal rating");
    plan.value(kGroup, n, "max_injection", sp_.max_injection, "kg s-1", "injection rating");
  }

  void write_outputs(const State& s, OutputFrame& out) const override {
    const double q = s.y[offset()], W = s.y[offset() + 1], p_line = s.y[p_];
    const double pr = reservoir_pressure(W);
    const double pwh = std::sqrt(std::max(0.0, pr * pr - q / sp_.well_coefficient));
    // Compression where the station pushes against the higher pressure.
    double ratio = 1.0;
    if (q > 0 && pwh < p_line) ratio = p_line / pwh;
    if (q < 0 && pwh > p_line) ratio = pwh / p_line;
    const double p_suction = q > 0 ? pwh : p_line;
    const double kappa = sp_.isentropic_exponent, eta = sp_.polytropic_efficiency;
    const double m = (kappa - 1.0) / (kappa * eta);
    const double head =
        gas_.z(p_suction) * gas_.gas_constant() * gas_.temperature / m * (std::pow(ratio, m) - 1.0);
    const double values[] = {q,   W,     W / sp_.capacity,         pr,
                             pwh, ratio, std::abs(q) * head / eta, static_cast<double>(mode_)};
    for (std::size_t k = 0; k < out_.size(); ++k) out.set(out_[k], values[k]);
  }

 private:
  static constexpr double kOne[1] = {1.0}, kZero[1] = {0.0};

  double q_scale() const { return std::max({1.0, sp_.max_withdrawal, sp_.max_injection}); }
  double reservoir_pressure(double W) const {
    return sp_.p_empty + (sp_.p_full - sp_.p_empty) * W / sp_.capacity;
  }
  double withdrawal_limit(double W, double* dq_dw = nullptr) const {
    double d = 0.0;
    const double v = sp_.max_withdrawal * sp_.withdrawal_curve.value(W / sp_.capacity, &d);
    if (dq_dw) *dq_dw = sp_.max_withdrawal * d / sp_.capacity;
    return v;
  }
  double injection_limit(double W, double* dq_dw = nullptr) const {
    double d = 0.0;
    const double v = sp_.max_injection * sp_.injection_curve.value(W / sp_.capacity, &d);
    if (dq_dw) *dq_dw = sp_.max_injection * d / sp_.capacity;
    return v;
  }
  static int operating(double rate) { return rate > 0 ? 1 : rate < 0 ? 2 : 0; }

  EventAction switch_to(Mode next, const State& s) {
    if (next == mode_) return {};
    const Mode from = mode_;
    mode_ = next;
    const double W = s.y[offset() + 1];
    const bool limit = next != Mode::Control;
    std::string msg =
        limit ? fmt::format("{} at {:.4g} % of working gas ({} before)",
                            kModeNames[static_cast<int>(next)], 100.0 * W / sp_.capacity,
                            kModeNames[static_cast<int>(from)])
              : fmt::format("back to {} control (from {})",
                            sp_.pressure_control ? "pressure" : "schedule",
                            kModeNames[static_cast<int>(from)]);
    return {true, limit ? "limit" : "mode", limit ? W : s.y[offset()], std::move(msg),
            limit ? "kg" : "kg s-1"};
  }

  const GasNode& node_;
  StorageSpec sp_;
  const GasProperties& gas_;
  PressureConstraint hold_;
  Mode mode_ = Mode::Control;
  int operating_ = 0;  // what the schedule asks at the last stop: 0 idle, 1 withdraw, 2 inject
  int p_ = -1;
  std::vector<int> out_;
};

// {inventory: [w…], fraction: [φ…]}: fractions of the inventory, increasing from 0 to 1,
// and of the maximum rate, in [0, 1]. A constant 1 when absent.
Curve read_curve(const Reader& owner) {
  Reader r = owner.child("curve");
  if (!r.defined()) return Curve(1.0);
  if (!r.is_map()) {
    r.error("expected a mapping {inventory: [0, 0.5, 1], fraction: [0.2, 0.8, 1]}");
    return Curve(1.0);
  }
  std::vector<double> w, f;
  for (const Reader& x : r.items("inventory")) w.push_back(x.as_quantity(dim::none).value_or(-1));
  for (const Reader& x : r.items("fraction")) f.push_back(x.as_quantity(dim::none).value_or(-1));
  if (!r.has("inventory")) r.text("inventory");  // reports the missing key
  if (!r.has("fraction")) r.text("fraction");
  r.finish();
  if (r.has_error("inventory") || r.has_error("fraction") || w.empty()) return Curve(1.0);
  bool ok = true;
  auto check = [&](const char* key, bool good, const std::string& msg) {
    r.check(key, good, msg);
    ok = ok && good;
  };
  check("fraction", f.size() == w.size(),
        fmt::format("{} fractions for {} inventories: give one fraction per inventory", f.size(),
                    w.size()));
  check("inventory", std::adjacent_find(w.begin(), w.end(), std::greater_equal<>()) == w.end(),
        "inventories must increase strictly");
  check("inventory", w.front() >= 0 && w.back() <= 1,
        "inventories are fractions of the working gas capacity, in [0, 1]");
  check("fraction", std::all_of(f.begin(), f.end(), [](double v) { return v >= 0 && v <= 1; }),
        "fractions of the maximum rate must lie in [0, 1]");
  return ok ? Curve(std::move(w), std::move(f)) : Curve(1.0);
}

}  // namespace

// ---- reader: gas.storages[i]
void read_storage(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "storages");
  GasNode* node = c.nodes.find(item, "node");
  StorageSpec sp;
  sp.capacity = item.quantity("working_gas", dim::mass);
  sp.initial = item.quantity("initial_inventory", dim::none, 0.5);
  item.check("working_gas", sp.capacity > 0, "must be > 0 (the working gas capacity)");
  item.check("initial_inventory", sp.initial >= 0 && sp.initial <= 1,
             "must lie in [0, 1] (a fraction of working_gas; above 1 the store would overflow)");

  Reader rp = item.child("reservoir_pressure");
  if (!rp.defined()) {
    item.text("reservoir_pressure");  // reports the missing key
  } else if (!rp.is_map()) {
    rp.error("expected a mapping {empty: 40 bar, full: 95 bar} (absolute, at the reservoir)");
  } else {
    sp.p_empty = rp.quantity("empty", dim::pressure);
    sp.p_full = rp.quantity("full", dim::pressure);
    rp.check("empty", sp.p_empty > 0, "must be > 0 (absolute; the cushion gas's pressure)");
    rp.check("full", sp.p_full > sp.p_empty, "must be above the empty store's pressure");
    rp.finish();
  }

  auto read_rate = [&](const char* key, double& max_rate, Curve& curve) {
    Reader r = item.child(key);
    if (!r.defined()) {
      item.text(key);  // reports the missing key
    } else if (!r.is_map()) {
      r.error(
          "expected a mapping {max_rate: 20 mcm/d, curve: {inventory: [...], fraction: [...]}}");
    } else {
      max_rate = r.quantity("max_rate", dim::mass_flow);
      r.check("max_rate", max_rate > 0, "must be > 0");
      curve = read_curve(r);
      r.finish();
    }
  };
  read_rate("withdrawal", sp.max_withdrawal, sp.withdrawal_curve);
  read_rate("injection", sp.max_injection, sp.injection_curve);

  const double drawdown = item.quantity("drawdown", dim::pressure, 0.1 * sp.p_full);
  item.check("drawdown", drawdown > 0 && drawdown < sp.p_full,
             "must be > 0 and below the full reservoir pressure");

  const std::string control = item.choice("control", {"schedule", "pressure"}, "schedule");
  sp.pressure_control = control == "pressure";
  if (sp.pressure_control) {
    sp.set_point = item.profile("set_point", dim::pressure);
    item.check("rate", !item.has("rate"), "control: pressure takes a set_point, not a rate");
  } else {
    sp.rate = item.profile("rate", dim::mass_flow, 0.0);
    item.check("set_point", !item.has("set_point"),
               "control: schedule takes a rate, not a set_point (or set control: pressure)");
  }
  sp.polytropic_efficiency = item.quantity("polytropic_efficiency", dim::none, 0.8);
  sp.isentropic_exponent = item.quantity("isentropic_exponent", dim::none, 1.3);
  item.check("polytropic_efficiency", sp.polytropic_efficiency > 0 && sp.polytropic_efficiency <= 1,
             "must lie in (0, 1]");
  item.check("isentropic_exponent", sp.isentropic_exponent > 1 && sp.isentropic_exponent < 2,
             "must lie in (1, 2)");
  item.finish();

  const bool pressures_ok = sp.p_empty > 0 && sp.p_full > sp.p_empty && drawdown > 0 &&
                            drawdown < sp.p_full && sp.max_withdrawal > 0;
  if (pressures_ok) {
    const double pwh_full = sp.p_full - drawdown;
    sp.well_coefficient = sp.max_withdrawal / (sp.p_full * sp.p_full - pwh_full * pwh_full);
    // The wells must deliver the withdrawal curve at every inventory: p_r² > Q_w/C.
    for (int k = 0; k <= 100; ++k) {
      const double w = k / 100.0;
      const double pr = sp.p_empty + (sp.p_full - sp.p_empty) * w;
      const double qw = sp.max_withdrawal * sp.withdrawal_curve.value(w);
      if (qw / sp.well_coefficient >= pr * pr) {
        item.error_at_key(
            "withdrawal",
            fmt::format("the wells cannot deliver {:.6g} kg/s at {:.0f} % inventory (reservoir "
                        "pressure {:.4g} bar, drawdown {:.4g} bar at full): lower the curve there "
                        "or the drawdown",
                        qw, 100 * w, pr / 1e5, drawdown / 1e5));
        break;
      }
    }
  }
  if (name.empty() || !node || !pressures_ok || !(sp.capacity > 0) || sp.initial < 0 ||
      sp.initial > 1 || !(sp.max_injection > 0))
    return;
  if (sp.pressure_control) {  // a pressure reference, within what it can withdraw
    c.parts.mark(node);
    c.supply_limits.emplace_back(node, sp.max_withdrawal * sp.withdrawal_curve.value(sp.initial));
  }
  c.system.emplace<GasStorage>(name, *node, std::move(sp), c.gas);
}

}  // namespace steppe::gas
