#include "models/gas/compressor.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/gas/context.hpp"

namespace steppe::gas {

namespace {
const char* limit_name(int l) {
  switch (l) {
    case CompressorStation::RatioMax:
      return "ratio_max";
    case CompressorStation::RatioMin:
      return "ratio_min";
    case CompressorStation::PowerMax:
      return "power_max";
    case CompressorStation::FlowMax:
      return "flow_max";
    default:
      return "control";
  }
}
}  // namespace

CompressorStation::CompressorStation(std::string name, const GasNode& suction,
                                     const GasNode& discharge, CompressorSpec spec,
                                     const GasProperties& gas, const GasNode* fuel_node)
    : Component("gas compressor", std::move(name)),
      suction_(suction),
      discharge_(discharge),
      fuel_(fuel_node ? fuel_node : &suction),
      spec_(std::move(spec)),
      gas_(gas),
      m_exp_((spec_.isentropic_exponent - 1.0) /
             (spec_.isentropic_exponent * spec_.polytropic_efficiency)) {}

std::vector<UnknownSpec> CompressorStation::unknowns() const {
  const double scale = std::isfinite(spec_.flow_max) ? spec_.flow_max : 100.0;
  return {{"mass_flow", "kg s-1", VarKind::Algebraic, scale},
          {"fuel_burnt", "kg", VarKind::Differential, 1e3, true}};
}

void CompressorStation::bind() {
  ps_ = suction_.pressure();
  pd_ = discharge_.pressure();
  pf_ = fuel_->pressure();
  const int idx[2] = {pd_, ps_};
  const bool storage[2] = {discharge_.volume() > 0, suction_.volume() > 0};
  hold_.set(2, idx, storage, spec_.control_time_constant);
}

bool CompressorStation::pressure_mode(double t, double* a, double* da, double* target,
                                      double* rate) const {
  a[0] = a[1] = da[0] = da[1] = *target = *rate = 0.0;
  switch (limit_) {
    case RatioMax:
      a[0] = 1.0, a[1] = -spec_.ratio_max;
      return true;
    case RatioMin:
      a[0] = 1.0, a[1] = -spec_.ratio_min;
      return true;
    case PowerMax:
    case FlowMax:
      return false;
    case None:
      break;
  }
  const Profile& sp = spec_.set_point;
  switch (spec_.control) {
    case CompressorControl::Ratio:
      a[0] = 1.0, a[1] = -sp.value(t), da[1] = -sp.slope(t);
      return true;
    case CompressorControl::Discharge:
      a[0] = 1.0, *target = sp.value(t), *rate = sp.slope(t);
      return true;
    case CompressorControl::Suction:
      a[1] = 1.0, *target = sp.value(t), *rate = sp.slope(t);
      return true;
    case CompressorControl::Flow:
      return false;
  }
  return false;
}

double CompressorStation::shaft_power(double m, double ps, double pd,
                                      std::array<double, 3>* grad) const {
  double dz = 0.0;
  const double Z = gas_.z(ps, &dz);
  const double rt = gas_.gas_constant() * gas_.temperature;
  const double r = pd / ps, rm = std::pow(r, m_exp_);
  const double head = Z * rt / m_exp_ * (rm - 1.0);
  const double eta = spec_.polytropic_efficiency;
  if (grad) {
    const double drm_dr = m_exp_ * rm / r;
    const double dh_dps = rt / m_exp_ * (dz * (rm - 1.0) + Z * drm_dr * (-pd / (ps * ps)));
    const double dh_dpd = rt / m_exp_ * Z * drm_dr / ps;
    *grad = {head / eta, m * dh_dps / eta, m * dh_dpd / eta};
  }
  return m * head / eta;
}

double CompressorStation::fuel_flow(double power) const {
  return spec_.drive == CompressorDrive::GasTurbine
             ? power / (spec_.drive_efficiency * spec_.fuel_lhv)
             : 0.0;
}

double CompressorStation::electric_power(const double* y) const {
  if (spec_.drive != CompressorDrive::Electric) return 0.0;
  return shaft_power(y[offset()], y[ps_], y[pd_]) / spec_.drive_efficiency;
}

double CompressorStation::electric_power(const double* y, std::array<double, 3>* grad) const {
  if (spec_.drive != CompressorDrive::Electric) {
    *grad = {0.0, 0.0, 0.0};
    return 0.0;
  }
  const double P = shaft_power(y[offset()], y[ps_], y[pd_], grad);
  for (double& g : *grad) g /= spec_.drive_efficiency;
  return P / spec_.drive_efficiency;
}

void CompressorStation::residual(const State& s, double* F) const {
  const int mi = offset();
  const double m = s.y[mi], ps = s.y[ps_], pd = s.y[pd_];
  double a[2], da[2], target, rate;
  if (pressure_mode(s.t, a, da, &target, &rate))
    F[mi] = hold_.residual(s, a, da, target, rate);
  else if (limit_ == PowerMax)
    F[mi] = (shaft_power(m, ps, pd) - spec_.power_max) / spec_.power_max * 1e5;
  else
    F[mi] = m - (limit_ == FlowMax ? spec_.flow_max : spec_.set_point.value(s.t));
  const double fuel = fuel_flow(shaft_power(m, ps, pd));
  F[ps_] += m;
  F[pf_] += fuel;
  F[pd_] -= m;
  F[mi + 1] = s.yp[mi + 1] - fuel;
}

void CompressorStation::jacobian(const State& s, JacobianWriter& J) const {
  const int mi = offset();
  const double m = s.y[mi], ps = s.y[ps_], pd = s.y[pd_];
  std::array<double, 3> g{};
  shaft_power(m, ps, pd, &g);
  double a[2], da[2], target, rate;
  if (pressure_mode(s.t, a, da, &target, &rate)) {
    J.add(mi, mi, 0.0);
    hold_.jacobian(mi, J, a, da);  // (mi, p_d), (mi, p_s)
  } else if (limit_ == PowerMax) {
    const double k = 1e5 / spec_.power_max;
    J.add(mi, mi, g[0] * k);
    J.add(mi, pd_, g[2] * k);
    J.add(mi, ps_, g[1] * k);
  } else {
    J.add(mi, mi, 1.0);
    J.add(mi, pd_, 0.0);
    J.add(mi, ps_, 0.0);
  }
  const double f = fuel_flow(1.0);  // fuel per watt
  J.add(ps_, mi, 1.0);
  J.add(pf_, mi, f * g[0]);
  J.add(pf_, ps_, f * g[1]);
  J.add(pf_, pd_, f * g[2]);
  J.add(pd_, mi, -1.0);
  J.add(mi + 1, mi + 1, 0.0, 1.0);
  J.add(mi + 1, mi, -f * g[0]);
  J.add(mi + 1, ps_, -f * g[1]);
  J.add(mi + 1, pd_, -f * g[2]);
}

double CompressorStation::demand(const State& s) const {
  const double sp = spec_.set_point.value(s.t);
  const double ps = s.y[ps_], pd = s.y[pd_];
  switch (spec_.control) {
    case CompressorControl::Ratio:
      return sp - pd / ps;
    case CompressorControl::Discharge:
      return (sp - pd) / 1e5;
    case CompressorControl::Suction:
      return (ps - sp) / 1e5;
    case CompressorControl::Flow:
      return sp - s.y[offset()];
  }
  return 0.0;
}

void CompressorStation::roots(const State& s, double* g) const {
  const double m = s.y[offset()], ps = s.y[ps_], pd = s.y[pd_];
  const double r = pd / ps;
  constexpr double band = 1e-9;
  auto active = [&](Limit l, double limit) { return limit_ != l && std::isfinite(limit); };
  g[RatioMax] = active(RatioMax, spec_.ratio_max) ? spec_.ratio_max - r + band : 1.0;
  g[RatioMin] = active(RatioMin, spec_.ratio_min) ? r - spec_.ratio_min + band : 1.0;
  g[PowerMax] = active(PowerMax, spec_.power_max)
                    ? (spec_.power_max - shaft_power(m, ps, pd)) / spec_.power_max + band
                    : 1.0;
  g[FlowMax] = active(FlowMax, spec_.flow_max) ? (spec_.flow_max - m) / spec_.flow_max + band : 1.0;
  // Release: the control's demand returns inside the active limit.
  const double e = demand(s);
  g[4] = limit_ == None ? 1.0 : (limit_ == RatioMin ? -e : e) + band;
}

EventAction CompressorStation::switch_to(Limit l, const State& s) {
  const Limit from = limit_;
  limit_ = l;
  const double r = s.y[pd_] / s.y[ps_];
  return {true, "mode", r,
          fmt::format("{} → {} (ratio {:.4f}, flow {:.6g} kg/s, power {:.4g} MW)", limit_name(from),
                      limit_name(l), r, s.y[offset()],
                      shaft_power(s.y[offset()], s.y[ps_], s.y[pd_]) / 1e6),
          "1"};
}

EventAction CompressorStation::on_root(int i, int direction, const State& s) {
  if (direction > 0) return {};
  return switch_to(i == 4 ? None : static_cast<Limit>(i), s);
}

EventAction CompressorStation::settle(const State& s) {
  double g[5];
  roots(s, g);
  for (int i = 0; i < 5; ++i)
    if (g[i] < 0) return on_root(i, -1, s);
  return {};
}

void CompressorStation::save(DiscreteState& out) const {
  out.put(limit_);
}

void CompressorStation::restore(DiscreteState& in) {
  in.get(limit_);
}

void CompressorStation::declare_outputs(OutputPlan& plan) {
  const char* grp = kGroupCompressors;
  out_flow_ = plan.column(grp, name(), "mass_flow", "kg s-1", "mass flow through the station");
  out_ratio_ = plan.column(grp, name(), "pressure_ratio", "1", "discharge / suction pressure");
  out_power_ = plan.column(grp, name(), "shaft_power", "W", "shaft power (polytropic head)");
  out_fuel_ = plan.column(grp, name(), "fuel_mass_flow", "kg s-1",
                          "fuel gas burnt by gas-turbine drives, taken from the fuel node");
  out_burnt_ = plan.column(grp, name(), "fuel_burnt", "kg", "fuel gas burnt since the start");
  out_elec_ = plan.column(grp, name(), "electric_power", "W", "power drawn by electric drives");
  out_mode_ = plan.column(grp, name(), "active_limit", "1",
                          "the limit in force instead of the control, if any");
  plan.flags(
      grp, "active_limit",
      {{-1, "control"}, {0, "ratio_max"}, {1, "ratio_min"}, {2, "power_max"}, {3, "flow_max"}});
  plan.connection(grp, name(), "from_node", kGroupNodes, suction_.name());
  plan.connection(grp, name(), "to_node", kGroupNodes, discharge_.name());
  plan.value(grp, name(), "ratio_max", spec_.ratio_max, "1", "highest pressure ratio");
  plan.value(grp, name(), "ratio_min", spec_.ratio_min, "1", "lowest pressure ratio");
  plan.value(grp, name(), "power_max", spec_.power_max, "W", "shaft power rating");
  plan.value(grp, name(), "flow_max", spec_.flow_max, "kg s-1", "highest mass flow");
}

void CompressorStation::write_outputs(const State& s, OutputFrame& out) const {
  const double m = s.y[offset()], ps = s.y[ps_], pd = s.y[pd_];
  const double P = shaft_power(m, ps, pd);
  out.set(out_flow_, m);
  out.set(out_ratio_, pd / ps);
  out.set(out_power_, P);
  out.set(out_fuel_, fuel_flow(P));
  out.set(out_burnt_, s.y[offset() + 1]);
  out.set(out_elec_, electric_power(s.y));
  out.set(out_mode_, static_cast<double>(limit_));
}

// ---- reader: gas.compressors[i]
void read_compressor(const Reader& item, Context& ctx) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::string name = ctx.names.claim(item, "compressors");
  auto [from, to] = ctx.ends(item);
  const GasNode* fuel = item.has("fuel_node") ? ctx.nodes.find(item, "fuel_node") : from;
  CompressorSpec c;
  const std::string control =
      item.choice("control", {"discharge", "suction", "ratio", "flow"}, "discharge");
  c.control = control == "suction" ? CompressorControl::Suction
              : control == "ratio" ? CompressorControl::Ratio
              : control == "flow"  ? CompressorControl::Flow
                                   : CompressorControl::Discharge;
  const Dimension sp_dim = control == "ratio"  ? dim::none
                           : control == "flow" ? dim::mass_flow
                                               : dim::pressure;
  // Its dimension follows the control: with a control that cannot be read, it is not read.
  if (item.has_error("control"))
    item.has("set_point");
  else
    c.set_point = item.profile("set_point", sp_dim);
  c.ratio_max = item.quantity("ratio_max", dim::none, kInf);
  c.ratio_min = item.quantity("ratio_min", dim::none, 1.0);
  c.power_max = item.quantity("power_max", dim::power, kInf);
  c.flow_max = item.quantity("flow_max", dim::mass_flow, kInf);
  c.polytropic_efficiency = item.quantity("polytropic_efficiency", dim::none, 0.82);
  c.isentropic_exponent = item.quantity("isentropic_exponent", dim::none, 1.3);
  const std::string drive = item.choice("drive", {"gas_turbine", "electric"}, "gas_turbine");
  c.drive = drive == "electric" ? CompressorDrive::Electric : CompressorDrive::GasTurbine;
  c.drive_efficiency =
      item.quantity("drive_efficiency", dim::none, drive == "electric" ? 0.95 : 0.34);
  c.fuel_lhv = item.quantity("fuel_lhv", dim::specific_energy, 47e6);
  c.control_time_constant = item.quantity("control_time_constant", dim::time, 1.0);
  item.check("control_time_constant", c.control_time_constant > 0, "must be > 0");
  item.check("ratio_max", c.ratio_max > 1, "must be > 1");
  item.check("ratio_min", c.ratio_min > 0 && c.ratio_min < c.ratio_max,
             "must be > 0 and below ratio_max", {"ratio_max"});
  item.check("power_max", c.power_max > 0, "must be > 0");
  item.check("flow_max", c.flow_max > 0, "must be > 0");
  item.check("polytropic_efficiency", c.polytropic_efficiency > 0 && c.polytropic_efficiency <= 1,
             "must lie in (0, 1]");
  item.check("isentropic_exponent", c.isentropic_exponent > 1 && c.isentropic_exponent < 2,
             "must lie in (1, 2)");
  item.check("drive_efficiency", c.drive_efficiency > 0 && c.drive_efficiency <= 1,
             "must lie in (0, 1]");
  item.check("fuel_lhv", c.fuel_lhv > 0, "must be > 0");
  item.finish();
  if (name.empty() || !from || !to || !fuel) return;
  ctx.system.emplace<CompressorStation>(name, *from, *to, std::move(c), ctx.gas, fuel);
  ctx.parts.join(from, to);
}

}  // namespace steppe::gas
