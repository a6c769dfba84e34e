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
      fcond_(p_.ufls.size(), 0),
      rcond_(p_.ufls.size(), 0),
      timer_(p_.ufls.size(), 0.0) {
  first_energy_ = p_.infinite ? 3 : p_.agc ? 4 : 2;
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
    if (p_.agc) {
      u.push_back({"area_control_error", "W", VarKind::Algebraic, s});
      u.push_back({"agc_integral", "W", VarKind::Differential, s});
    }
  }
  // Running totals: no steady value of their own (held at 0 by the steady start).
  for (const char* e :
       {"energy_generated", "energy_served", "energy_shed", "energy_curtailed", "energy_exported"})
    u.push_back({e, "J", VarKind::Differential, s * 3600.0, true});
  return u;
}

int Zone::agc_slot(const Injector& unit) const {
  if (!p_.agc || unit.participation() <= 0) return -1;
  int k = 0;
  for (const Injector* i : injectors_) {
    if (i == &unit) return k;
    if (i->participation() > 0) ++k;
  }
  return -1;
}

void Zone::bind() {
  ref_df_ = ref_->df();
  regulators_.clear();
  if (p_.agc)
    for (const Injector* i : injectors_)
      if (i->participation() > 0) regulators_.push_back(i);
  share_.assign(regulators_.size(), Share::Reg);
}

void Zone::initial_values(std::span<double> y) const {
  std::fill(y.begin(), y.end(), 0.0);
}

double Zone::scheduled_export(double t) const {
  double p = dispatched_ ? 0.0 : p_.interchange.value(t);
  for (const Tie* tie : ties) {
    if (!tie->in_service()) continue;
    const double sign = &tie->from() == this ? 1.0 : -1.0;
    if (tie->scheduled())
      p += sign * tie->schedule(t);
    else if (dispatched_)
      p += sign * tie->planned(t);
  }
  return p;
}

double Zone::inertia_online(const State& s) const {
  double h = p_.inertia * p_.base;
  for (const Injector* i : injectors_) h += i->inertia(s);
  return h;
}

// ---- AGC
Zone::Range Zone::range(double t) const {
  Range r;
  r.level_up = 0.0;
  r.level_dn = 0.0;
  for (const Injector* i : regulators_) {
    const RegulatingBand b = i->band(t);
    const double a = i->participation();
    r.up += b.up;
    r.down += b.down;
    r.level_up = std::max(r.level_up, b.up / a);
    r.level_dn = std::min(r.level_dn, -b.down / a);
    r.any = r.any || b.up > 0 || b.down > 0;
  }
  return r;
}

// ACE + T_agc·dΛ/dt of the limit AGC holds: the integral's own pull (−ACE/T_agc) against
// the limit's motion (a base point ramping towards a unit's limit narrows the range; the
// range's levels are piecewise linear in t, their slope a forward difference).
double Zone::pull(const State& s, const Range& r, Agc side) const {
  constexpr double h = 1e-3;  // s
  const Range ahead = range(s.t + h);
  const double level = side == Agc::AtMax ? r.level_up : r.level_dn;
  const double next = side == Agc::AtMax ? ahead.level_up : ahead.level_dn;
  return s.y[ace_row()] + p_.agc_time * (next - level) / h;
}

double Zone::agc_share(int slot, const State& s) const {
  if (slot < 0) return 0.0;
  const auto k = static_cast<std::size_t>(slot);
  const RegulatingBand b = regulators_[k]->band(s.t);
  if (b.up <= 0 && b.down <= 0) return 0.0;
  const double a = regulators_[k]->participation();
  double ds = 0.0;
  if (soft_shares()) return soft_share(a * s.y[agc_row()], b, ds);
  switch (share_[k]) {
    case Share::Up:
      return b.up;
    case Share::Down:
      return -b.down;
    case Share::Reg:
      break;
  }
  return a * s.y[agc_row()];
}

double Zone::agc_slope(int slot, const State& s) const {
  if (slot < 0) return 0.0;
  const auto k = static_cast<std::size_t>(slot);
  const RegulatingBand b = regulators_[k]->band(s.t);
  if (b.up <= 0 && b.down <= 0) return 0.0;
  const double a = regulators_[k]->participation();
  if (soft_shares()) {
    double ds = 0.0;
    soft_share(a * s.y[agc_row()], b, ds);
    return a * ds;
  }
  return share_[k] == Share::Reg ? a : 0.0;
}

// ---- equations
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
    if (p_.agc) {
      // The ties add −P_out to the ACE row.
      F[ace_row()] += y[ace_row()] - p_.agc_bias * y[df()] + scheduled_export(s.t);
      const double lam = y[agc_row()];
      switch (agc_) {
        case Agc::Normal:
          F[agc_row()] = p_.agc_time * yp[agc_row()] + y[ace_row()];
          break;
        case Agc::AtMax:
          F[agc_row()] = kTrack * yp[agc_row()] - (range(s.t).level_up - lam);
          break;
        case Agc::AtMin:
          F[agc_row()] = kTrack * yp[agc_row()] - (range(s.t).level_dn - lam);
          break;
        case Agc::NoRange:
          F[agc_row()] = kTrack * yp[agc_row()] + lam;
          break;
      }
    }
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
      const bool normal = agc_ == Agc::Normal;
      J.add(ace_row(), ace_row(), 1.0);
      J.add(ace_row(), df(), -p_.agc_bias);
      J.add(agc_row(), agc_row(), normal ? 0.0 : 1.0, normal ? p_.agc_time : kTrack);
      J.add(agc_row(), ace_row(), normal ? 1.0 : 0.0);
    }
  }
  for (int k = 0; k < 5; ++k) J.add(energy(k), energy(k), 0.0, 1.0);
  J.add(energy(kServed), df(), -dserved);
  if (p_.infinite) J.add(energy(kGenerated), offset() + 2, -1.0);
}

// ---- events
// Roots: per UFLS stage 5 (frequency condition, RoCoF condition, shed timer, restore
// level, restore timer); with AGC 3 (upper and lower range, leaving saturation) and 2 per
// participating unit (its upper and lower band).
int Zone::root_count() const {
  int n = ufls_roots();
  if (p_.agc && !p_.infinite) n += 3 + 2 * static_cast<int>(regulators_.size());
  return n;
}

void Zone::roots(const State& s, double* g) const {
  // Frequency conditions as differences of Δf (f0 + Δf would round away the last digits
  // and leave a root function at exactly zero).
  const double dev = s.y[df()];
  for (std::size_t k = 0; k < stage_.size(); ++k) {
    const UflsStage& st = p_.ufls[k];
    double* gk = g + kRootsPerStage * k;
    const bool watching = stage_[k] == Stage::Idle || stage_[k] == Stage::Armed;
    gk[0] = watching && st.has_threshold() ? dev - (st.threshold - p_.f0) : kNoRoot;
    gk[1] = watching && st.has_rocof() ? rocof(s) - st.rocof : kNoRoot;
    gk[2] = stage_[k] == Stage::Armed ? timer_[k] + st.delay - s.t : kNoRoot;
    const bool shed = stage_[k] == Stage::Shed || stage_[k] == Stage::Restoring;
    gk[3] = shed && st.restore_above > 0 ? (st.restore_above - p_.f0) - dev : kNoRoot;
    gk[4] = stage_[k] == Stage::Restoring ? timer_[k] + st.restore_delay - s.t : kNoRoot;
  }
  if (!p_.agc || p_.infinite) return;
  double* ga = g + ufls_roots();
  const double lam = s.y[agc_row()];
  const Range r = range(s.t);
  // Hysteresis e on every switch (a unit with no headroom left must not make a root
  // function that sits at zero): a share jumps by at most e when it switches.
  const double e = share_band();
  ga[0] = agc_ == Agc::Normal ? r.level_up + e - lam : kNoRoot;
  ga[1] = agc_ == Agc::Normal ? lam - r.level_dn + e : kNoRoot;
  ga[2] = agc_ == Agc::AtMax   ? ace_band() - pull(s, r)
          : agc_ == Agc::AtMin ? pull(s, r) + ace_band()
                               : kNoRoot;
  for (std::size_t k = 0; k < regulators_.size(); ++k) {
    const RegulatingBand b = regulators_[k]->band(s.t);
    const double a = regulators_[k]->participation() * lam;
    const bool none = (b.up <= 0 && b.down <= 0) || soft_shares();  // offline: no share
    ga[3 + 2 * k] = none ? kNoRoot : b.up + (share_[k] == Share::Up ? -e : e) - a;
    ga[4 + 2 * k] = none ? kNoRoot : a + b.down + (share_[k] == Share::Down ? -e : e);
  }
}

void Zone::update_shed() {
  shed_ = 0.0;
  for (std::size_t k = 0; k < stage_.size(); ++k)
    if (stage_[k] == Stage::Shed || stage_[k] == Stage::Restoring) shed_ += p_.ufls[k].fraction;
  shed_ = std::min(shed_, 1.0);
}

// The stage's pick-up conditions changed: arm, disarm, or shed at once (no delay).
EventAction Zone::check_stage(std::size_t k, const State& s) {
  const UflsStage& st = p_.ufls[k];
  const bool pick = (!st.has_threshold() || fcond_[k]) && (!st.has_rocof() || rcond_[k]);
  const double f = p_.f0 + s.y[df()];
  if (pick && stage_[k] == Stage::Idle) {
    if (st.delay <= 0) {
      stage_[k] = Stage::Shed;
      update_shed();
      return {true, "limit", f,
              fmt::format("UFLS stage {} shed {:.4g} % of load at {:.6g} Hz, RoCoF {:.4g} Hz/s",
                          k + 1, 100 * st.fraction, f, rocof(s)),
              "Hz"};
    }
    stage_[k] = Stage::Armed;
    timer_[k] = s.t;
    return {false, "mode", f,
            fmt::format("UFLS stage {} armed: frequency {:.6g} Hz, RoCoF {:.4g} Hz/s", k + 1, f,
                        rocof(s)),
            "Hz"};
  }
  if (!pick && stage_[k] == Stage::Armed) {
    stage_[k] = Stage::Idle;
    return {false, "mode", f,
            fmt::format("UFLS stage {} disarmed: its pick-up conditions no longer hold", k + 1),
            "Hz"};
  }
  return {};
}

EventAction Zone::stage_root(std::size_t k, int r, int direction, const State& s) {
  const UflsStage& st = p_.ufls[k];
  const double f = p_.f0 + s.y[df()];
  switch (r) {
    case 0:
      fcond_[k] = direction < 0;
      return check_stage(k, s);
    case 1:
      rcond_[k] = direction < 0;
      return check_stage(k, s);
    case 2:
      if (direction < 0 && stage_[k] == Stage::Armed) {
        stage_[k] = Stage::Shed;
        update_shed();
        return {true, "limit", f,
                fmt::format("UFLS stage {} shed {:.4g} % of load after {:.6g} s", k + 1,
                            100 * st.fraction, st.delay),
                "Hz"};
      }
      break;
    case 3:  // the restore level: recorded, no restart
      if (direction < 0 && stage_[k] == Stage::Shed) {
        stage_[k] = Stage::Restoring;
        timer_[k] = s.t;
        if (st.restore_delay <= 0) return stage_root(k, 4, -1, s);
        return {false, "mode", f,
                fmt::format("UFLS stage {}: frequency above {:.6g} Hz, reconnecting in {:.6g} s",
                            k + 1, st.restore_above, st.restore_delay),
                "Hz"};
      }
      if (direction > 0 && stage_[k] == Stage::Restoring) {
        stage_[k] = Stage::Shed;
        return {false, "mode", f,
                fmt::format("UFLS stage {}: frequency below {:.6g} Hz again, reconnection held",
                            k + 1, st.restore_above),
                "Hz"};
      }
      break;
    case 4:
      if (direction < 0 && stage_[k] == Stage::Restoring) {
        stage_[k] = Stage::Idle;
        fcond_[k] = rcond_[k] = 0;
        update_shed();
        return {true, "mode", f,
                fmt::format("UFLS stage {} restored: {:.4g} % of load reconnected after {:.6g} s "
                            "above {:.6g} Hz",
                            k + 1, 100 * st.fraction, st.restore_delay, st.restore_above),
                "Hz"};
      }
      break;
    default:
      break;
  }
  return {};
}

EventAction Zone::agc_root(int r, int direction, const State& s) {
  const double lam = s.y[agc_row()];
  const Range rg = range(s.t);
  if (r == 0 && direction < 0 && agc_ == Agc::Normal) {
    agc_ = Agc::AtMax;
    for (Share& sh : share_) sh = Share::Up;
    return {true, "limit", lam,
            fmt::format("AGC saturated: regulating range up {:.6g} MW exhausted", rg.up / 1e6),
            "W"};
  }
  if (r == 1 && direction < 0 && agc_ == Agc::Normal) {
    agc_ = Agc::AtMin;
    for (Share& sh : share_) sh = Share::Down;
    return {true, "limit", lam,
            fmt::format("AGC saturated: regulating range down {:.6g} MW exhausted", rg.down / 1e6),
            "W"};
  }
  if (r == 2 && direction < 0 && (agc_ == Agc::AtMax || agc_ == Agc::AtMin)) {
    agc_ = Agc::Normal;
    return {true, "limit", s.y[ace_row()], "AGC recovered: within its regulating range", "W"};
  }
  EventAction a;
  if (r >= 3) {  // a unit reaches or leaves its band: not recorded
    const auto k = static_cast<std::size_t>((r - 3) / 2);
    const Share before = share_[k];
    if ((r - 3) % 2 == 0)
      share_[k] = direction < 0 ? Share::Up : Share::Reg;
    else
      share_[k] = direction < 0 ? Share::Down : Share::Reg;
    a.reinitialise = share_[k] != before;
  }
  return a;
}

EventAction Zone::on_root(int i, int direction, const State& s) {
  if (i < ufls_roots())
    return stage_root(static_cast<std::size_t>(i / kRootsPerStage), i % kRootsPerStage, direction,
                      s);
  return agc_root(i - ufls_roots(), direction, s);
}

// The AGC mode and the units' shares the state calls for (after every restart: a unit
// tripped, a band moved).
EventAction Zone::settle_agc(const State& s) {
  const double lam = s.y[agc_row()];
  const Range r = range(s.t);
  EventAction a;
  const Agc before = agc_;
  if (!r.any) {
    agc_ = Agc::NoRange;
  } else if (agc_ == Agc::NoRange) {
    agc_ = Agc::Normal;
  }
  // The roots' own switching surfaces, with their hysteresis: a mode just entered at a root
  // sits on its surface and must not be switched back here (that made AGC "recover" and
  // "saturate" again at one instant).
  // An integral past its limit that the ACE already pulls back inside faster than the
  // limit moves (by half the band recovery asks for: the ACE of the two modes' consistent
  // states differs a little) stays normal and re-enters by itself: saturating it there
  // would recover at once in the next round, and the rounds would alternate without end.
  const double e = share_band();
  if (agc_ == Agc::Normal && lam > r.level_up + e && !(pull(s, r, Agc::AtMax) > 0.5 * ace_band()))
    agc_ = Agc::AtMax;
  if (agc_ == Agc::Normal && lam < r.level_dn - e && !(pull(s, r, Agc::AtMin) < -0.5 * ace_band()))
    agc_ = Agc::AtMin;
  if (agc_ == Agc::AtMax && pull(s, r) > ace_band()) agc_ = Agc::Normal;
  if (agc_ == Agc::AtMin && pull(s, r) < -ace_band()) agc_ = Agc::Normal;
  for (std::size_t k = 0; k < regulators_.size(); ++k) {
    const RegulatingBand b = regulators_[k]->band(s.t);
    const double x = regulators_[k]->participation() * lam;
    const Share sh = share_[k];
    share_[k] = agc_ == Agc::AtMax || x > b.up + (sh == Share::Up ? -e : e)        ? Share::Up
                : agc_ == Agc::AtMin || x < -b.down - (sh == Share::Down ? -e : e) ? Share::Down
                                                                                   : Share::Reg;
  }
  if (agc_ != before) {
    a.reinitialise = true;
    a.kind = "limit";
    a.value = lam;
    a.message = agc_ == Agc::NoRange ? "AGC has no regulating range (no participating unit online)"
                : agc_ == Agc::AtMax ? fmt::format(
                                           "AGC saturated: regulating range up {:.6g} MW "
                                           "exhausted",
                                           r.up / 1e6)
                : agc_ == Agc::AtMin ? fmt::format(
                                           "AGC saturated: regulating range down {:.6g} "
                                           "MW exhausted",
                                           r.down / 1e6)
                                     : "AGC recovered: within its regulating range";
  }
  return a;
}

EventAction Zone::settle(const State& s) {
  EventAction a;
  const double f = p_.f0 + s.y[df()];
  for (std::size_t k = 0; k < stage_.size(); ++k) {
    const UflsStage& st = p_.ufls[k];
    // A restore level crossed at a restart (no root sees it).
    if (st.restore_above > 0 && (stage_[k] == Stage::Shed) == (f > st.restore_above) &&
        (stage_[k] == Stage::Shed || stage_[k] == Stage::Restoring)) {
      EventAction b = stage_root(k, 3, stage_[k] == Stage::Shed ? -1 : 1, s);
      if (b.reinitialise || a.kind.empty()) a = b;
      continue;
    }
    if (stage_[k] != Stage::Idle && stage_[k] != Stage::Armed) continue;
    fcond_[k] = st.has_threshold() && f < st.threshold;
    rcond_[k] = st.has_rocof() && rocof(s) < st.rocof;
    EventAction b = check_stage(k, s);
    if (!b.kind.empty()) {
      b.reinitialise = b.reinitialise || a.reinitialise;
      a = b;
    }
  }
  if (p_.agc && !p_.infinite) {
    EventAction b = settle_agc(s);
    if (b.reinitialise) a = b;
  }
  return a;
}

void Zone::save(DiscreteState& out) const {
  out.put(stage_), out.put(fcond_), out.put(rcond_), out.put(timer_), out.put(shed_);
  out.put(agc_), out.put(share_);
}

void Zone::restore(DiscreteState& in) {
  in.get(stage_), in.get(fcond_), in.get(rcond_), in.get(timer_), in.get(shed_);
  in.get(agc_), in.get(share_);
}

void Zone::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.load.jumps(t0, t1, out);
  if (p_.agc && !dispatched_) p_.interchange.jumps(t0, t1, out);
}

// ---- outputs
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
           plan.column(g, name(), "rocof", "Hz s-1", "rate of change of frequency df/dt"),
           plan.column(g, name(), "inertia_online", "J",
                       "inertia online: Σ H·S of the zone and its online units (W·s)"),
           plan.column(g, name(), "kinetic_energy", "J",
                       "kinetic energy of the rotating masses online, Σ H·S·(f/f0)²"),
           plan.column(g, name(), "ace", "W", "area control error (net export − schedule + B·Δf)"),
           plan.column(g, name(), "agc_integral", "W",
                       "AGC integral λ (a unit is asked α·λ within its band)"),
           plan.column(g, name(), "agc_integral_limit_up", "W",
                       "upper limit Λ_up of the AGC integral (max over units of band up / α)"),
           plan.column(g, name(), "agc_integral_limit_down", "W",
                       "lower limit Λ_dn of the AGC integral (min over units of −band down / α)"),
           plan.column(g, name(), "agc_signal", "W",
                       "regulation asked of the units, Σ of their shares (within the range)"),
           plan.column(g, name(), "regulating_range_up", "W",
                       "regulating range up: Σ upper bands of the participating units"),
           plan.column(g, name(), "regulating_range_down", "W",
                       "regulating range down: Σ lower bands of the participating units"),
           plan.column(g, name(), "regulating_reserve_up", "W",
                       "regulating reserve left up: range up − AGC signal"),
           plan.column(g, name(), "regulating_reserve_down", "W",
                       "regulating reserve left down: range down + AGC signal"),
           plan.column(g, name(), "agc_mode", "1",
                       "0 normal, 1 saturated at its upper range, -1 at its lower, 2 no range"),
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
  plan.extremes(out_[0]);           // the frequency nadir and peak between samples
  plan.extremes(out_[8]);           // RoCoF (the 5th column of the list below the categories)
  const int agc_signal = out_[15];  // the 12th column of the list above
  plan.limit(agc_signal, "min_agc_signal", Bound::Lower, -p_.agc_range,
             "AGC regulating range (down)");
  plan.limit(agc_signal, "max_agc_signal", Bound::Upper, p_.agc_range, "AGC regulating range (up)");
  plan.flags(g, "agc_mode",
             {{-1, "at_lower_range"}, {0, "normal"}, {1, "at_upper_range"}, {2, "no_range"}});
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
  const double f = p_.f0 + s.y[df()];
  const double h = p_.infinite ? 0.0 : inertia_online(s);
  const bool agc = p_.agc && !p_.infinite;
  double z = 0.0;
  for (std::size_t k = 0; agc && k < regulators_.size(); ++k)
    z += agc_share(static_cast<int>(k), s);
  const Range r = agc ? range(s.t) : Range{};
  const double mode = !agc                   ? 0.0
                      : agc_ == Agc::AtMax   ? 1.0
                      : agc_ == Agc::AtMin   ? -1.0
                      : agc_ == Agc::NoRange ? 2.0
                                             : 0.0;
  const double vals[] = {f,
                         (1 - shed_) * pl * (1 + p_.damping * s.y[df()] / p_.f0),
                         shed_ * pl,
                         total + ext,
                         ext,
                         net,
                         scheduled_export(s.t),
                         curtailed,
                         p_.infinite ? 0.0 : rocof(s),
                         h,
                         h * (f / p_.f0) * (f / p_.f0),
                         agc ? s.y[ace_row()] : 0.0,
                         agc ? s.y[agc_row()] : 0.0,
                         r.level_up,
                         r.level_dn,
                         z,
                         r.up,
                         r.down,
                         r.up - z,
                         r.down + z,
                         mode,
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
      p.activation_time = agc.quantity("activation_time", dim::time, kInf);
      p.agc_reserve = agc.quantity("reserve", dim::power, 0.0);
      p.share_smoothing = agc.quantity("share_smoothing", dim::none, 0.0);
      agc.check("share_smoothing", p.share_smoothing >= 0 && p.share_smoothing <= 0.01,
                "must lie between 0 (shares clamped as modes) and 0.01 (corners 1 % of base)");
      agc.check("time_constant", p.agc_time > 0, "must be > 0");
      agc.check("reserve", p.agc_reserve >= 0, "must be ≥ 0");
      agc.check("range", !(p.agc_range <= 0), "must be > 0");
      agc.check("activation_time", p.activation_time > 0, "must be > 0");
      agc.finish();
    }
  }
  p.interchange = item.profile("interchange", dim::power, 0.0);
  p.frequency_band = item.quantity("frequency_band", dim::frequency, NAN);
  item.check("frequency_band", !(p.frequency_band <= 0) && !(p.frequency_band >= p.f0),
             "must lie between 0 and f0");
  p.where = read_location(item);
  for (const Reader& st : item.map_items(
           "ufls", "threshold: 49.2 Hz, delay: 0.3 s, fraction: 5 %, restore_above: 49.9 Hz")) {
    UflsStage u;
    u.threshold = st.quantity("threshold", dim::frequency, 0.0);
    if (st.has("rocof")) u.rocof = st.quantity("rocof", dim::frequency / dim::time);
    u.delay = st.quantity("delay", dim::time, 0.0);
    u.fraction = st.quantity("fraction", dim::none);
    u.restore_above = st.quantity("restore_above", dim::frequency, 0.0);
    u.restore_delay = st.quantity("restore_delay", dim::time, 60.0);
    if (!st.has("threshold") && !st.has("rocof"))
      st.error("a stage needs a 'threshold' (Hz), a 'rocof' (Hz/s) or both");
    if (st.has("threshold"))
      st.check("threshold", u.threshold > 0 && u.threshold < c.f0, "must lie between 0 and f0");
    if (st.has("rocof"))
      st.check("rocof", u.rocof < 0, "must be < 0 (a falling frequency, e.g. -0.5 Hz/s)");
    st.check("delay", u.delay >= 0, "must be ≥ 0");
    st.check("fraction", u.fraction > 0 && u.fraction <= 1, "must lie in (0, 1]");
    if (st.has("restore_above"))
      st.check("restore_above",
               u.restore_above > std::max(u.threshold, 0.0) && u.restore_above < c.f0 + 5,
               "must lie above the stage's threshold (and near f0)");
    if (st.has("restore_delay"))
      st.check("restore_delay", st.has("restore_above"), "needs 'restore_above'");
    st.check("restore_delay", u.restore_delay >= 0, "must be ≥ 0");
    st.finish();
    p.ufls.push_back(u);
  }
  if (!p.infinite) {
    item.check("inertia", p.inertia >= 0,
               "must be ≥ 0 (the inertia H of the zone's rotating mass not listed as units)");
    item.check("base", p.base > 0, "must be > 0");
    item.check("price", !item.has("price"),
               "only an infinite bus has a price (a finite zone's units carry their own cost)");
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
