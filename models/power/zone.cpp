#include "models/power/zone.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/power/common.hpp"
#include "models/power/context.hpp"
#include "models/power/injector.hpp"
#include "models/power/tie.hpp"

namespace steppe::power {

namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;
}  // namespace

Zone::Zone(std::string name, Params p)
    : Component("power zone", std::move(name)),
      p_(std::move(p)),
      stage_(p_.ufls.size(), Stage::Idle),
      armed_at_(p_.ufls.size(), 0.0) {
  first_energy_ = (p_.infinite || p_.agc) ? 3 : 2;
}

std::vector<UnknownSpec> Zone::unknowns() const {
  const double s = std::max(p_.base, 1e6);
  std::vector<UnknownSpec> u;
  if (p_.infinite) {
    u.push_back({"frequency_deviation", "Hz", VarKind::Algebraic, 1.0});
    u.push_back({"angle", "rad", VarKind::Algebraic, 1.0});
    u.push_back({"external_power", "W", VarKind::Algebraic, std::max(s, 1e9)});
  } else {
    u.push_back({"frequency_deviation", "Hz", VarKind::Differential, 1.0});
    u.push_back({"angle", "rad", is_reference() ? VarKind::Algebraic : VarKind::Differential, 1.0});
    if (p_.agc) u.push_back({"agc_signal", "W", VarKind::Differential, s});
  }
  // Running totals: no steady value of their own (held at 0 by the steady start).
  for (const char* e :
       {"energy_generated", "energy_served", "energy_shed", "energy_curtailed", "energy_exported"})
    u.push_back({e, "J", VarKind::Differential, s * 3600.0, true});
  return u;
}

void Zone::bind() {
  ref_df_ = ref_->df();
}

void Zone::initial_values(std::span<double> y) const {
  std::fill(y.begin(), y.end(), 0.0);
}

double Zone::scheduled_export(double t) const {
  return dispatched_ ? export_.value(t) : p_.interchange.value(t);
}

void Zone::set_scheduled_export(double p, double t, double ramp_time) {
  export_.set(scheduled_export(t), p, t, ramp_time);
}

void Zone::residual(const State& s, double* F) const {
  const double* y = s.y;
  const double* yp = s.yp;
  const double pl = p_.load.value(s.t);
  const double fac = 1.0 + p_.damping * y[df()] / p_.f0;
  const double served = (1.0 - shed_) * pl * fac;
  if (p_.infinite) {
    F[df()] = y[df()];
    F[theta()] = y[theta()];
    F[balance_row()] += -y[offset() + 2] + served;
  } else {
    F[df()] += mass() * yp[df()] + served;
    F[theta()] = is_reference() ? y[theta()] : yp[theta()] - kTwoPi * (y[df()] - y[ref_df_]);
    if (p_.agc)
      F[agc_row()] += p_.agc_time * yp[agc_row()] + p_.agc_bias * y[df()] - scheduled_export(s.t);
  }
  F[energy(kGenerated)] += yp[energy(kGenerated)] - (p_.infinite ? y[offset() + 2] : 0.0);
  F[energy(kServed)] += yp[energy(kServed)] - served;
  F[energy(kShed)] += yp[energy(kShed)] - shed_ * pl;
  F[energy(kCurtailed)] += yp[energy(kCurtailed)];
  F[energy(kExported)] += yp[energy(kExported)];
}

void Zone::jacobian(const State& s, JacobianWriter& J) const {
  const double pl = p_.load.value(s.t);
  const double dserved = (1.0 - shed_) * pl * p_.damping / p_.f0;  // ∂served/∂Δf
  if (p_.infinite) {
    J.add(df(), df(), 1.0);
    J.add(theta(), theta(), 1.0);
    J.add(balance_row(), offset() + 2, -1.0);
    J.add(balance_row(), df(), dserved);
  } else {
    J.add(df(), df(), dserved, mass());
    if (is_reference()) {
      J.add(theta(), theta(), 1.0);
    } else {
      J.add(theta(), theta(), 0.0, 1.0);
      J.add(theta(), df(), -kTwoPi);
      J.add(theta(), ref_df_, kTwoPi);
    }
    if (p_.agc) {
      J.add(agc_row(), agc_row(), 0.0, p_.agc_time);
      J.add(agc_row(), df(), p_.agc_bias);
    }
  }
  for (int k = 0; k < 5; ++k) J.add(energy(k), energy(k), 0.0, 1.0);
  J.add(energy(kServed), df(), -dserved);
  if (p_.infinite) J.add(energy(kGenerated), offset() + 2, -1.0);
}

void Zone::roots(const State& s, double* g) const {
  const double f = p_.f0 + s.y[df()];
  for (std::size_t k = 0; k < stage_.size(); ++k) {
    g[2 * k] = stage_[k] == Stage::Shed ? kNoRoot : f - p_.ufls[k].threshold;
    g[2 * k + 1] = stage_[k] == Stage::Armed ? armed_at_[k] + p_.ufls[k].delay - s.t : kNoRoot;
  }
}

void Zone::update_shed() {
  shed_ = 0.0;
  for (std::size_t k = 0; k < stage_.size(); ++k)
    if (stage_[k] == Stage::Shed) shed_ += p_.ufls[k].fraction;
  shed_ = std::min(shed_, 1.0);
}

EventAction Zone::on_root(int i, int direction, const State& s) {
  const auto k = static_cast<std::size_t>(i / 2);
  const UflsStage& st = p_.ufls[k];
  EventAction a;
  if (i % 2 == 0) {
    if (direction < 0 && stage_[k] == Stage::Idle) {
      stage_[k] = Stage::Armed;
      armed_at_[k] = s.t;
      a = {true, "mode", p_.f0 + s.y[df()],
           fmt::format("UFLS stage {} armed: frequency below {:.6g} Hz", k + 1, st.threshold),
           "Hz"};
      if (st.delay <= 0) {
        stage_[k] = Stage::Shed;
        update_shed();
        a.kind = "limit";
        a.message = fmt::format("UFLS stage {} shed {:.4g} % of load at {:.6g} Hz", k + 1,
                                100 * st.fraction, st.threshold);
      }
    } else if (direction > 0 && stage_[k] == Stage::Armed) {
      stage_[k] = Stage::Idle;
      a = {true, "mode", p_.f0 + s.y[df()],
           fmt::format("UFLS stage {} disarmed: frequency recovered", k + 1), "Hz"};
    }
  } else if (direction < 0 && stage_[k] == Stage::Armed) {
    stage_[k] = Stage::Shed;
    update_shed();
    a = {true, "limit", p_.f0 + s.y[df()],
         fmt::format("UFLS stage {} shed {:.4g} % of load after {:.6g} s below {:.6g} Hz", k + 1,
                     100 * st.fraction, st.delay, st.threshold),
         "Hz"};
  }
  return a;
}

EventAction Zone::settle(const State& s) {
  for (std::size_t k = 0; k < stage_.size(); ++k)
    if (stage_[k] == Stage::Idle && p_.f0 + s.y[df()] < p_.ufls[k].threshold) {
      stage_[k] = Stage::Armed;
      armed_at_[k] = s.t;
    }
  return {};
}

void Zone::save(DiscreteState& out) const {
  out.put(stage_), out.put(armed_at_), out.put(shed_);
  export_.save(out);
}

void Zone::restore(DiscreteState& in) {
  in.get(stage_), in.get(armed_at_), in.get(shed_);
  export_.restore(in);
}

void Zone::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.load.breakpoints(t0, t1, out);
  if (p_.agc && !dispatched_) p_.interchange.breakpoints(t0, t1, out);
}

void Zone::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupZones;
  category_of_.clear();
  for (const Injector* i : injectors_) {
    const auto it = std::find_if(categories_.begin(), categories_.end(),
                                 [&](const OutputCategory& c) { return c.name == i->category(); });
    if (it == categories_.end())
      throw std::logic_error(
          fmt::format("zone {}: no output category '{}'", name(), std::string(i->category())));
    category_of_.push_back(static_cast<std::size_t>(it - categories_.begin()));
  }
  by_category_.assign(categories_.size(), 0.0);
  out_ = {
      plan.column(g, name(), "frequency", "Hz", "zone frequency"),
      plan.column(g, name(), "load", "W", "load served (after shedding, with damping)"),
      plan.column(g, name(), "shed_load", "W", "load shed by under-frequency stages"),
      plan.column(g, name(), "generation", "W", "total generation (incl. storage, external)"),
  };
  out_category_.clear();
  for (const OutputCategory& c : categories_)
    out_category_.push_back(
        plan.column(g, name(), fmt::format("generation_{}", c.name), "W", c.long_name));
  for (const int h : {
           plan.column(g, name(), "generation_external", "W", "infinite-bus supply"),
           plan.column(g, name(), "net_interchange", "W", "net export over ties"),
           plan.column(g, name(), "scheduled_interchange", "W", "scheduled net export"),
           plan.column(g, name(), "curtailment", "W", "wind and solar power curtailed"),
           plan.column(g, name(), "agc_signal", "W", "AGC integral signal z"),
           plan.column(g, name(), "energy_generated", "J", "generated energy since start"),
           plan.column(g, name(), "energy_served", "J", "served load energy since start"),
           plan.column(g, name(), "energy_shed", "J", "shed load energy since start"),
           plan.column(g, name(), "energy_curtailed", "J", "curtailed energy since start"),
           plan.column(g, name(), "energy_exported", "J", "net exported energy since start"),
       })
    out_.push_back(h);
  plan.limit(out_[0], "min_frequency", Bound::Lower, p_.f0 - p_.frequency_band,
             "lower edge of the normal frequency band");
  plan.limit(out_[0], "max_frequency", Bound::Upper, p_.f0 + p_.frequency_band,
             "upper edge of the normal frequency band");
  plan.limit(out_[8], "min_agc_signal", Bound::Lower, -p_.agc_range, "AGC regulating range (down)");
  plan.limit(out_[8], "max_agc_signal", Bound::Upper, p_.agc_range, "AGC regulating range (up)");
  plan.value(g, name(), "nominal_frequency", p_.f0, "Hz", "nominal frequency f0");
  plan.value(g, name(), "inertia", p_.infinite ? NAN : p_.inertia, "s",
             "aggregated inertia constant H");
  declare_location(plan, g, name(), p_.where);
}

void Zone::write_outputs(const State& s, OutputFrame& out) const {
  const double pl = p_.load.value(s.t);
  const double ext = p_.infinite ? s.y[offset() + 2] : 0.0;
  std::fill(by_category_.begin(), by_category_.end(), 0.0);
  double curtailed = 0.0;
  for (std::size_t k = 0; k < injectors_.size(); ++k) {
    by_category_[category_of_[k]] += injectors_[k]->injection(s);
    curtailed += injectors_[k]->curtailed(s);
  }
  double total = 0.0;
  for (std::size_t c = 0; c < by_category_.size(); ++c) {
    total += by_category_[c];
    out.set(out_category_[c], by_category_[c]);
  }
  double net = 0;
  for (const Tie* t : ties) net += (&t->from() == this ? 1.0 : -1.0) * s.y[t->flow()];
  const double vals[] = {p_.f0 + s.y[df()],
                         (1 - shed_) * pl * (1 + p_.damping * s.y[df()] / p_.f0),
                         shed_ * pl,
                         total + ext,
                         ext,
                         net,
                         scheduled_export(s.t),
                         curtailed,
                         p_.agc ? s.y[agc_row()] : 0.0,
                         s.y[energy(0)],
                         s.y[energy(1)],
                         s.y[energy(2)],
                         s.y[energy(3)],
                         s.y[energy(4)]};
  for (std::size_t k = 0; k < out_.size(); ++k) out.set(out_[k], vals[k]);
}

void Zone::summary(const State& s, std::vector<std::pair<std::string, double>>& out) const {
  out.emplace_back("power_energy_generated_J", s.y[energy(kGenerated)]);
  out.emplace_back("power_energy_served_J", s.y[energy(kServed)]);
  out.emplace_back("power_energy_shed_J", s.y[energy(kShed)]);
  out.emplace_back("power_energy_curtailed_J", s.y[energy(kCurtailed)]);
}

// ---- reader: power.zones[i]
void read_zone(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "zones");
  Zone::Params p;
  p.f0 = c.f0;
  p.infinite = item.flag("infinite_bus", false);
  p.load = item.profile("load", dim::power, 0.0);
  p.inertia = item.quantity("inertia", dim::time, p.infinite ? 0.0 : 5.0);
  p.base = item.quantity("base", dim::power, std::max(1e6, profile_max(p.load)));
  p.damping = item.quantity("damping", dim::none, 1.0);
  const double price = item.quantity("price", dim::none, 1e6);
  if (Reader agc = item.child("agc"); agc.defined()) {
    if (!agc.is_map()) {
      agc.error("expected a mapping such as {time_constant: 60 s, bias: 1500 MW/Hz}");
    } else {
      p.agc = true;
      p.agc_time = agc.quantity("time_constant", dim::time, 60.0);
      p.agc_bias = agc.quantity("bias", dim::power / dim::frequency, -1.0);
      p.agc_range = agc.quantity("range", dim::power, NAN);
      agc.check("time_constant", p.agc_time > 0, "must be > 0");
      agc.check("range", !(p.agc_range <= 0), "must be > 0");
      agc.finish();
    }
  }
  p.interchange = item.profile("interchange", dim::power, 0.0);
  p.frequency_band = item.quantity("frequency_band", dim::frequency, NAN);
  item.check("frequency_band", !(p.frequency_band <= 0) && !(p.frequency_band >= p.f0),
             "must lie between 0 and f0");
  p.where = read_location(item);
  for (const Reader& st :
       item.map_items("ufls", "threshold: 49.2 Hz, delay: 0.3 s, fraction: 5 %")) {
    UflsStage u;
    u.threshold = st.quantity("threshold", dim::frequency);
    u.delay = st.quantity("delay", dim::time, 0.0);
    u.fraction = st.quantity("fraction", dim::none);
    st.check("threshold", u.threshold > 0 && u.threshold < c.f0, "must lie between 0 and f0");
    st.check("delay", u.delay >= 0, "must be ≥ 0");
    st.check("fraction", u.fraction > 0 && u.fraction <= 1, "must lie in (0, 1]");
    st.finish();
    p.ufls.push_back(u);
  }
  if (!p.infinite) {
    item.check("inertia", p.inertia > 0, "must be > 0 (the zone's aggregated inertia H)");
    item.check("base", p.base > 0, "must be > 0");
  } else {
    item.check("agc", !p.agc, "an infinite bus has no AGC");
    item.check("ufls", p.ufls.empty(), "an infinite bus sheds no load");
  }
  item.check("damping", p.damping >= 0, "must be ≥ 0");
  item.check("load", profile_in(p.load, 0.0, kInf), "load must be ≥ 0");
  item.finish();
  if (name.empty()) return;
  Zone& zone = c.system.emplace<Zone>(name, std::move(p));
  c.zones.add(name, &zone, item);
  c.zone_list.push_back(&zone);
  c.zone_price.push_back(price);
}

// References to zones stay quiet when the list itself had errors.
void zones_read(Context& c, bool had_errors) {
  c.zones.set_complete(!had_errors);
}

}  // namespace steppe::power
