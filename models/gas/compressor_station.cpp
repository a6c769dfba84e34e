#include "models/gas/compressor_station.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/gas/context.hpp"

namespace steppe::gas {

namespace {

constexpr double kBand = 1e-9;
constexpr const char* kStationGroup = "gas/compressor_stations";
constexpr const char* kUnitGroup = "gas/compressor_units";
constexpr const char* kLimitNames[] = {"speed_max", "speed_min", "power_max", "choke"};

const char* limit_name(int l) {
  return l >= 0 && l < 4 ? kLimitNames[l] : "control";
}

// A point inside the map where a stopped unit's speed and flow wait (the guess it starts
// from): the middle speed, at the middle of that speed line's heads.
std::pair<double, double> parking(const CompressorUnitSpec& u) {
  const double n = 0.5 * (u.speed_min + u.speed_max);
  const CompressorMap& m = u.map;
  const double hs = m.head(m.surge_flow(m.highest_head() * 0.5), n);
  const double hc = m.head(m.choke_flow(m.highest_head() * 0.5), n);
  double q = m.flow_at(0.5 * (hs + hc), n);
  if (!std::isfinite(q)) q = 0.5 * m.largest_flow();
  return {n, q};
}

}  // namespace

struct CompressorStationOnMaps::Eval {
  // Station: head and suction density.
  double H = 0, H_ps = 0, H_pd = 0, rho = 0, rho_p = 0;
  // Unit: inlet volume flow, map head, efficiency, power, the surge-control, surge and
  // choke mass flows, the driver's limit, the fuel.
  double Q = 0, Q_m = 0, Q_ps = 0;
  double hm = 0, hm_q = 0, hm_n = 0;
  double eta = 1, eta_q = 0, eta_n = 0;
  double P = 0, P_m = 0, P_n = 0, P_ps = 0, P_pd = 0;
  double mscl = 0, mscl_ps = 0, mscl_pd = 0;
  double msurge = 0, msurge_ps = 0, msurge_pd = 0;
  double mchoke = 0, mchoke_ps = 0, mchoke_pd = 0;
  double pmax = 0, pmax_n = 0;
  double fuel = 0, fuel_P = 0;
};

CompressorStationOnMaps::CompressorStationOnMaps(std::string name, const GasNode& suction,
                                                 const GasNode& discharge, const GasNode& fuel,
                                                 CompressorStationSpec spec,
                                                 const GasProperties& gas)
    : Component("gas compressor station", std::move(name)),
      suction_(suction),
      discharge_(discharge),
      fuel_(fuel),
      spec_(std::move(spec)),
      gas_(gas),
      unit_(spec_.units.size()),
      scratch_(spec_.units.size()) {
  for (const auto& u : spec_.units) parked_.push_back(parking(u));
  // A typical flow: the units' largest map flow at the suction node's initial density.
  double q = 0.0;
  for (const auto& u : spec_.units) q += u.map.largest_flow();
  flow_scale_ = std::max(1.0, q * gas_.density(suction_.initial_pressure()));
  for (std::size_t i = 0; i < unit_.size(); ++i) {
    const double v = spec_.units[i].running.value(0.0) >= 0.5 ? 1.0 : 0.0;
    unit_[i].scheduled = v;
    unit_[i].running = v > 0;
  }
  update_lead();
  bypass_open_ = spec_.bypass == Bypass::TwoWay && !any_running();
}

std::vector<UnknownSpec> CompressorStationOnMaps::unknowns() const {
  std::vector<UnknownSpec> u = {{"load", "1", VarKind::Algebraic, 1.0},
                                {"bypass_flow", "kg s-1", VarKind::Algebraic, flow_scale_},
                                {"fuel_burnt", "kg", VarKind::Differential, 1e3, true}};
  for (const auto& s : spec_.units) {
    u.push_back({s.name + " speed", "s-1", VarKind::Algebraic, s.speed_max});
    u.push_back({s.name + " mass_flow", "kg s-1", VarKind::Algebraic, flow_scale_});
    u.push_back({s.name + " recycle_flow", "kg s-1", VarKind::Differential, flow_scale_});
  }
  return u;
}

void CompressorStationOnMaps::bind() {
  ps_ = suction_.pressure();
  pd_ = discharge_.pressure();
  pf_ = fuel_.pressure();
  const int idx[2] = {pd_, ps_};
  const bool storage[2] = {discharge_.volume() > 0, suction_.volume() > 0};
  hold_.set(2, idx, storage, spec_.control_time_constant);
  bypass_hold_.set(2, idx, storage, spec_.control_time_constant);
}

void CompressorStationOnMaps::initial_values(std::span<double> y) const {
  const double rho = gas_.density(suction_.initial_pressure());
  y[0] = 0.0;
  y[1] = y[2] = 0.0;
  for (int i = 0; i < units(); ++i) {
    const CompressorUnitSpec& u = spec_.units[std::size_t(i)];
    const auto [pn, pq] = parked_[std::size_t(i)];
    y[std::size_t(3 + 3 * i)] = pn;
    y[std::size_t(4 + 3 * i)] = rho * pq;
    y[std::size_t(5 + 3 * i)] = 0.0;
    if (i == lead_)
      y[0] = spec_.sharing == LoadSharing::EqualSpeed
                 ? pn / u.speed_max
                 : pq / ((1.0 + spec_.surge_margin) * u.map.surge_flow(u.map.head(pq, pn)));
  }
}

double CompressorStationOnMaps::head(double ps, double pd, double* d_ps, double* d_pd) const {
  const double k = spec_.isentropic_exponent, m = (k - 1.0) / k;
  double dz = 0.0;
  const double Z = gas_.z(ps, &dz);
  const double rt = gas_.gas_constant() * gas_.temperature;
  const double r = pd / ps, rm = std::pow(r, m);
  const double H = Z * rt / m * (rm - 1.0);
  const double dH_dr = Z * rt * rm / r;
  if (d_ps) *d_ps = dz * rt / m * (rm - 1.0) - dH_dr * pd / (ps * ps);
  if (d_pd) *d_pd = dH_dr / ps;
  return H;
}

void CompressorStationOnMaps::evaluate(const State& s, int i, Eval& e) const {
  const CompressorUnitSpec& u = spec_.units[std::size_t(i)];
  const CompressorMap& map = u.map;
  const double ps = s.y[ps_], pd = s.y[pd_];
  const double n = s.y[n_index(i)], m = s.y[m_index(i)];
  e.H = head(ps, pd, &e.H_ps, &e.H_pd);
  e.rho = gas_.density(ps, &e.rho_p);
  e.Q = m / e.rho;
  e.Q_m = 1.0 / e.rho;
  e.Q_ps = -m * e.rho_p / (e.rho * e.rho);
  e.hm = map.head(e.Q, n, &e.hm_q, &e.hm_n);
  e.eta = map.efficiency(e.Q, n, &e.eta_q, &e.eta_n);
  // P = ṁ·H/η(Q, n).
  e.P = m * e.H / e.eta;
  const double dP_deta = -e.P / e.eta;
  e.P_m = e.H / e.eta + dP_deta * e.eta_q * e.Q_m;
  e.P_n = dP_deta * e.eta_n;
  e.P_ps = m * e.H_ps / e.eta + dP_deta * e.eta_q * e.Q_ps;
  e.P_pd = m * e.H_pd / e.eta;
  // Mass flows at the boundary lines: ρ_s·Q_b(H).
  auto boundary = [&](double qb, double dqb, double k, double* v, double* v_ps, double* v_pd) {
    *v = k * e.rho * qb;
    *v_ps = k * (e.rho_p * qb + e.rho * dqb * e.H_ps);
    *v_pd = k * e.rho * dqb * e.H_pd;
  };
  double dq = 0.0;
  const double qs = map.surge_flow(e.H, &dq);
  boundary(qs, dq, 1.0 + spec_.surge_margin, &e.mscl, &e.mscl_ps, &e.mscl_pd);
  boundary(qs, dq, 1.0, &e.msurge, &e.msurge_ps, &e.msurge_pd);
  const double qc = map.choke_flow(e.H, &dq);
  boundary(qc, dq, 1.0, &e.mchoke, &e.mchoke_ps, &e.mchoke_pd);
  if (u.has_max_power) {
    double dpt = 0.0;
    e.pmax = u.max_power.value(n, spec_.ambient_temperature.value(s.t), &e.pmax_n, &dpt);
  }
  // Fuel: E(P)/LHV for gas turbines.
  if (u.electric) {
    e.fuel = e.fuel_P = 0.0;
  } else if (u.fuel_power[0] != 0.0 || u.fuel_power[1] != 0.0 || u.fuel_power[2] != 0.0) {
    const auto& c = u.fuel_power;
    e.fuel = (c[0] + (c[1] + c[2] * e.P) * e.P) / spec_.fuel_lhv;
    e.fuel_P = (c[1] + 2.0 * c[2] * e.P) / spec_.fuel_lhv;
  } else {
    e.fuel_P = 1.0 / (u.drive_efficiency * spec_.fuel_lhv);
    e.fuel = e.P * e.fuel_P;
  }
}

bool CompressorStationOnMaps::any_running() const {
  return std::any_of(unit_.begin(), unit_.end(), [](const UnitState& u) { return u.running; });
}

void CompressorStationOnMaps::update_lead() {
  lead_ = 0;
  for (int i = 0; i < units(); ++i)
    if (unit_[std::size_t(i)].running) {
      lead_ = i;
      return;
    }
}

double CompressorStationOnMaps::net_flow(const double* y) const {
  double q = y[b_index()];
  for (int i = 0; i < units(); ++i)
    if (unit_[std::size_t(i)].running)
      q += y[m_index(i)] - y[r_index(i)];
    else
      q -= y[r_index(i)];
  return q;
}

double CompressorStationOnMaps::fuel_flow(const State& s) const {
  double f = 0.0;
  Eval e;
  for (int i = 0; i < units(); ++i)
    if (unit_[std::size_t(i)].running) {
      evaluate(s, i, e);
      f += e.fuel;
    }
  return f;
}

bool CompressorStationOnMaps::pressure_control(double t, double* a, double* da, double* target,
                                               double* rate) const {
  a[0] = a[1] = da[0] = da[1] = *target = *rate = 0.0;
  if (limit_ != None || !any_running()) return false;
  const Profile& sp = spec_.set_point;
  switch (spec_.control) {
    case StationControl::Discharge:
      a[0] = 1.0, *target = sp.value(t), *rate = sp.slope(t);
      return true;
    case StationControl::Suction:
      a[1] = 1.0, *target = sp.value(t), *rate = sp.slope(t);
      return true;
    case StationControl::Ratio:
      a[0] = 1.0, a[1] = -sp.value(t), da[1] = -sp.slope(t);
      return true;
    case StationControl::Flow:
    case StationControl::Speed:
      return false;
  }
  return false;
}

void CompressorStationOnMaps::residual(const State& s, double* F) const {
  const double* y = s.y;
  const double ps = y[ps_];
  const double x = y[x_index()];
  Eval e;
  double fuel = 0.0, net = 0.0;
  // The station row's value in a unit's limit is set while that unit is evaluated.
  double station_row = 0.0;
  bool station_set = false;
  for (int i = 0; i < units(); ++i) {
    const CompressorUnitSpec& u = spec_.units[std::size_t(i)];
    const UnitState& st = unit_[std::size_t(i)];
    const int N = n_index(i), M = m_index(i), R = r_index(i);
    const double n = y[N], m = y[M], r = y[R];
    evaluate(s, i, e);
    if (st.running) {
      F[M] = (e.hm - e.H) / u.map.highest_head();
      const double share = spec_.sharing == LoadSharing::EqualSpeed ? n / u.speed_max : m / e.mscl;
      F[N] = share - x;
      F[R] = st.recycle ? s.yp[R] - (e.mscl - m) / spec_.anti_surge_time
                        : s.yp[R] + r / spec_.valve_close_time;
      fuel += e.fuel;
      net += m - r;
      if (limit_unit_ == i) {
        station_set = true;
        switch (limit_) {
          case SpeedMax:
            station_row = (n - u.speed_max) / u.speed_max;
            break;
          case SpeedMin:
            station_row = (n - u.speed_min) / u.speed_max;
            break;
          case PowerMax:
            station_row = (e.P - e.pmax) / e.pmax;
            break;
          case Choke:
            station_row = (m - e.mchoke) / flow_scale_;
            break;
          case None:
            station_set = false;
            break;
        }
      }
    } else {
      const auto [pn, pq] = parked_[std::size_t(i)];
      F[M] = (m - e.rho * pq) / flow_scale_;
      F[N] = (n - pn) / u.speed_max;
      F[R] = s.yp[R] + r / spec_.valve_close_time;
    }
  }
  // Bypass (its flow is part of the station's net flow).
  const int B = b_index();
  if (bypass_open()) {
    const double ab[2] = {1.0, -1.0}, zero[2] = {0.0, 0.0};
    F[B] = bypass_hold_.residual(s, ab, zero, 0.0, 0.0);
  } else {
    F[B] = y[B] / flow_scale_;
  }
  net += y[B];
  // Station row.
  const int X = x_index();
  double a[2], da[2], target, rate;
  if (!any_running())
    F[X] = x;
  else if (station_set)
    F[X] = station_row;
  else if (pressure_control(s.t, a, da, &target, &rate))
    F[X] = hold_.residual(s, a, da, target, rate);
  else if (spec_.control == StationControl::Flow)
    F[X] = (net - spec_.set_point.value(s.t)) / flow_scale_;
  else  // speed
    F[X] = (y[n_index(lead_)] - spec_.set_point.value(s.t)) /
           spec_.units[std::size_t(lead_)].speed_max;
  // Fuel and the node balances.
  F[fuel_index()] = s.yp[fuel_index()] - fuel;
  F[ps_] += net;
  F[pd_] -= net;
  F[pf_] += fuel;
  (void)ps;
}

void CompressorStationOnMaps::jacobian(const State& s, JacobianWriter& J) const {
  const double* y = s.y;
  const int X = x_index();
  Eval e;
  // The station row's entries in p_s, p_d and per unit (n, ṁ, r), gathered per mode.
  double st_ps = 0.0, st_pd = 0.0, st_x = 0.0, st_b = 0.0;
  auto& st_unit = scratch_;
  std::fill(st_unit.begin(), st_unit.end(), std::array<double, 3>{0.0, 0.0, 0.0});
  const bool idle = !any_running();
  double a[2], da[2], target, rate;
  const bool pressure = pressure_control(s.t, a, da, &target, &rate);
  const bool flow_control = !idle && limit_ == None && spec_.control == StationControl::Flow;
  if (idle) st_x = 1.0;
  if (flow_control) {
    st_b = 1.0 / flow_scale_;
    for (int i = 0; i < units(); ++i)
      if (unit_[std::size_t(i)].running) st_unit[std::size_t(i)][2] = -1.0 / flow_scale_;
  }
  for (int i = 0; i < units(); ++i) {
    const CompressorUnitSpec& u = spec_.units[std::size_t(i)];
    const UnitState& st = unit_[std::size_t(i)];
    const int N = n_index(i), M = m_index(i), R = r_index(i);
    const double m = y[M];
    evaluate(s, i, e);
    const double hr = u.map.highest_head();
    double map_m, map_n, map_ps, map_pd, sh_n, sh_m, sh_ps, sh_pd, sh_x, rc_r, rc_rp, rc_m, rc_ps,
        rc_pd;
    double f_m = 0, f_n = 0, f_ps = 0, f_pd = 0;
    if (st.running) {
      map_m = e.hm_q * e.Q_m / hr;
      map_n = e.hm_n / hr;
      map_ps = (e.hm_q * e.Q_ps - e.H_ps) / hr;
      map_pd = -e.H_pd / hr;
      if (spec_.sharing == LoadSharing::EqualSpeed) {
        sh_n = 1.0 / u.speed_max, sh_m = sh_ps = sh_pd = 0.0;
      } else {
        sh_n = 0.0;
        sh_m = 1.0 / e.mscl;
        sh_ps = -m / (e.mscl * e.mscl) * e.mscl_ps;
        sh_pd = -m / (e.mscl * e.mscl) * e.mscl_pd;
      }
      sh_x = -1.0;
      rc_rp = 1.0;
      if (st.recycle) {
        const double k = 1.0 / spec_.anti_surge_time;
        rc_r = 0.0, rc_m = k, rc_ps = -k * e.mscl_ps, rc_pd = -k * e.mscl_pd;
      } else {
        rc_r = 1.0 / spec_.valve_close_time, rc_m = rc_ps = rc_pd = 0.0;
      }
      f_m = e.fuel_P * e.P_m, f_n = e.fuel_P * e.P_n;
      f_ps = e.fuel_P * e.P_ps, f_pd = e.fuel_P * e.P_pd;
      auto& su = st_unit[std::size_t(i)];
      if (flow_control)
        su[1] += 1.0 / flow_scale_;
      else if (!idle && limit_ == None && !pressure && i == lead_)
        su[0] += 1.0 / u.speed_max;
      if (limit_unit_ == i) switch (limit_) {
          case SpeedMax:
          case SpeedMin:
            su[0] += 1.0 / u.speed_max;
            break;
          case PowerMax: {
            // (P − P_max(n))/P_max(n)
            const double inv = 1.0 / e.pmax;
            su[0] += e.P_n * inv - e.P / (e.pmax * e.pmax) * e.pmax_n;
            su[1] += e.P_m * inv;
            st_ps += e.P_ps * inv, st_pd += e.P_pd * inv;
            break;
          }
          case Choke:
            su[1] += 1.0 / flow_scale_;
            st_ps -= e.mchoke_ps / flow_scale_, st_pd -= e.mchoke_pd / flow_scale_;
            break;
          case None:
            break;
        }
    } else {
      const double pq = parked_[std::size_t(i)].second;
      map_m = 1.0 / flow_scale_, map_n = 0.0, map_ps = -e.rho_p * pq / flow_scale_, map_pd = 0.0;
      sh_n = 1.0 / u.speed_max, sh_m = sh_ps = sh_pd = sh_x = 0.0;
      rc_r = 1.0 / spec_.valve_close_time, rc_rp = 1.0, rc_m = rc_ps = rc_pd = 0.0;
    }
    J.add(M, M, map_m);
    J.add(M, N, map_n);
    J.add(M, ps_, map_ps);
    J.add(M, pd_, map_pd);
    J.add(N, N, sh_n);
    J.add(N, M, sh_m);
    J.add(N, ps_, sh_ps);
    J.add(N, pd_, sh_pd);
    J.add(N, X, sh_x);
    J.add(R, R, rc_r, rc_rp);
    J.add(R, M, rc_m);
    J.add(R, ps_, rc_ps);
    J.add(R, pd_, rc_pd);
    const double on = st.running ? 1.0 : 0.0;
    J.add(ps_, M, on);
    J.add(ps_, R, -on);
    J.add(pd_, M, -on);
    J.add(pd_, R, on);
    // Fuel: its row and its node.
    J.add(fuel_index(), M, -f_m);
    J.add(fuel_index(), N, -f_n);
    J.add(fuel_index(), ps_, -f_ps);
    J.add(fuel_index(), pd_, -f_pd);
    J.add(pf_, M, f_m);
    J.add(pf_, N, f_n);
    J.add(pf_, ps_, f_ps);
    J.add(pf_, pd_, f_pd);
  }
  // Station row.
  J.add(X, X, st_x);
  const double zero[2] = {0.0, 0.0};
  hold_.jacobian(X, J, pressure ? a : zero, pressure ? da : zero);  // (X, p_d), (X, p_s)
  J.add(X, ps_, st_ps);
  J.add(X, pd_, st_pd);
  J.add(X, b_index(), st_b);
  for (int i = 0; i < units(); ++i) {
    const auto& su = st_unit[std::size_t(i)];
    J.add(X, n_index(i), su[0]);
    J.add(X, m_index(i), su[1]);
    J.add(X, r_index(i), su[2]);
  }
  // Bypass row and its node entries.
  const int B = b_index();
  const bool open = bypass_open();
  const double ab[2] = {1.0, -1.0};
  J.add(B, B, open ? 0.0 : 1.0 / flow_scale_);
  bypass_hold_.jacobian(B, J, open ? ab : zero, zero);
  J.add(ps_, B, 1.0);
  J.add(pd_, B, -1.0);
  J.add(fuel_index(), fuel_index(), 0.0, 1.0);
}

CompressorStationOnMaps::UnitPoint CompressorStationOnMaps::unit_point(const State& s,
                                                                       int i) const {
  Eval e;
  evaluate(s, i, e);
  UnitPoint p;
  const CompressorMap& map = spec_.units[std::size_t(i)].map;
  p.head = e.H;
  p.q_surge = map.surge_flow(e.H);
  p.q_control = (1.0 + spec_.surge_margin) * p.q_surge;
  p.q_choke = map.choke_flow(e.H);
  p.max_power =
      spec_.units[std::size_t(i)].has_max_power ? e.pmax : std::numeric_limits<double>::infinity();
  p.r = s.y[r_index(i)];
  if (!unit_[std::size_t(i)].running) return p;
  p.n = s.y[n_index(i)];
  p.m = s.y[m_index(i)];
  p.q = e.Q;
  p.eta = e.eta;
  p.power = e.P;
  p.fuel = e.fuel;
  return p;
}

double CompressorStationOnMaps::demand(const State& s) const {
  const double sp = spec_.set_point.value(s.t);
  const double ps = s.y[ps_], pd = s.y[pd_];
  switch (spec_.control) {
    case StationControl::Discharge:
      return (sp - pd) / 1e5;
    case StationControl::Suction:
      return (ps - sp) / 1e5;
    case StationControl::Ratio:
      return sp - pd / ps;
    case StationControl::Flow:
      return (sp - net_flow(s.y)) / flow_scale_;
    case StationControl::Speed:
      return (sp - s.y[n_index(lead_)]) / spec_.units[std::size_t(lead_)].speed_max;
  }
  return 0.0;
}

void CompressorStationOnMaps::roots(const State& s, double* g) const {
  const int nroots = root_count();
  std::fill(g, g + nroots, 1.0);
  Eval e;
  const double ps = s.y[ps_], pd = s.y[pd_];
  for (int i = 0; i < units(); ++i) {
    const UnitState& st = unit_[std::size_t(i)];
    if (!st.running) continue;
    const CompressorUnitSpec& u = spec_.units[std::size_t(i)];
    evaluate(s, i, e);
    double* gi = g + kRootsPerUnit * i;
    const double n = s.y[n_index(i)], m = s.y[m_index(i)], r = s.y[r_index(i)];
    // Which limit may take over from the active one: from control, any; from a speed limit,
    // only power_max (from speed_max); from power_max, the speed limits; from choke, the
    // speed and power limits. (The choke limit is a flow limit at a head the control holds:
    // at a speed limit the unit follows its speed line, extrapolated past the choke line.)
    auto active = [&](Limit l) {
      if (limit_ == None) return true;
      if (limit_ == l && limit_unit_ == i) return false;
      switch (limit_) {
        case SpeedMax:
          return l == PowerMax;
        case SpeedMin:
          return false;
        case PowerMax:
          return l == SpeedMax || l == SpeedMin;
        case Choke:
          return l != Choke;
        case None:
          break;
      }
      return true;
    };
    if (active(SpeedMax)) gi[SpeedMax] = (u.speed_max - n) / u.speed_max + kBand;
    if (active(SpeedMin)) gi[SpeedMin] = (n - u.speed_min) / u.speed_max + kBand;
    if (active(PowerMax) && u.has_max_power) gi[PowerMax] = (e.pmax - e.P) / e.pmax + kBand;
    if (active(Choke)) gi[Choke] = (e.mchoke - m) / flow_scale_ + kBand;
    gi[4] = st.recycle ? r / flow_scale_ + kBand : (m - e.mscl) / flow_scale_ + kBand;
    if (u.trip_on_surge) gi[5] = (m - e.msurge) / flow_scale_ + kBand;
    if (u.min_suction_pressure > 0)
      gi[6] = (ps - u.min_suction_pressure) / u.min_suction_pressure + kBand;
    if (std::isfinite(u.max_discharge_pressure))
      gi[7] = (u.max_discharge_pressure - pd) / u.max_discharge_pressure + kBand;
  }
  const int base = kRootsPerUnit * units();
  if (limit_ != None && any_running()) {
    const double d = demand(s);
    g[base] = (limit_ == SpeedMin ? -d : d) + kBand;
  }
  if (spec_.bypass != Bypass::None && !any_running()) {
    if (!bypass_open_)
      g[base + 1] = (pd - ps) / 1e5 + kBand;
    else if (spec_.bypass == Bypass::OneWay)
      g[base + 1] = s.y[b_index()] / flow_scale_ + kBand;
  }
}

EventAction CompressorStationOnMaps::set_limit(Limit l, int unit, const State& s) {
  const Limit from = limit_;
  const int from_unit = limit_unit_;
  limit_ = l;
  limit_unit_ = l == None ? -1 : unit;
  const double ratio = s.y[pd_] / s.y[ps_];
  const std::string who =
      l == None ? "" : fmt::format(" (unit {})", spec_.units[std::size_t(unit)].name);
  const std::string was = from == None ? "control"
                                       : fmt::format("{} of unit {}", limit_name(from),
                                                     spec_.units[std::size_t(from_unit)].name);
  return {true, l == None ? "mode" : "limit", ratio,
          fmt::format("{} → {}{} (ratio {:.4f}, net flow {:.6g} kg/s)", was, limit_name(l), who,
                      ratio, net_flow(s.y))};
}

EventAction CompressorStationOnMaps::trip(int i, const std::string& why, double value) {
  UnitState& st = unit_[std::size_t(i)];
  st.running = false;
  st.tripped = true;
  st.recycle = false;
  if (limit_unit_ == i) limit_ = None, limit_unit_ = -1;
  update_lead();
  if (!any_running()) bypass_open_ = spec_.bypass == Bypass::TwoWay;
  return {true, "trip", value,
          fmt::format("unit {} trips: {}", spec_.units[std::size_t(i)].name, why)};
}

EventAction CompressorStationOnMaps::on_root(int i, int direction, const State& s) {
  if (direction > 0) return {};
  const int base = kRootsPerUnit * units();
  if (i == base) return set_limit(None, -1, s);
  if (i == base + 1) {
    bypass_open_ = !bypass_open_;
    return {true, "mode", s.y[ps_] - s.y[pd_],
            fmt::format("bypass {} (suction {:.6g} bar, discharge {:.6g} bar)",
                        bypass_open_ ? "opens" : "closes", s.y[ps_] / 1e5, s.y[pd_] / 1e5)};
  }
  const int unit = i / kRootsPerUnit, k = i % kRootsPerUnit;
  UnitState& st = unit_[std::size_t(unit)];
  if (!st.running) return {};
  const UnitPoint p = unit_point(s, unit);
  const std::string& un = spec_.units[std::size_t(unit)].name;
  switch (k) {
    case SpeedMax:
    case SpeedMin:
    case PowerMax:
    case Choke:
      return set_limit(static_cast<Limit>(k), unit, s);
    case 4:
      st.recycle = !st.recycle;
      return {true, "mode", p.q,
              st.recycle
                  ? fmt::format("unit {}: anti-surge recycle opens at the surge control line "
                                "(inlet flow {:.6g} m³/s, head {:.6g} kJ/kg)",
                                un, p.q, p.head / 1e3)
                  : fmt::format("unit {}: anti-surge recycle closes (inlet flow {:.6g} m³/s)", un,
                                p.q)};
    case 5:
      return trip(unit,
                  fmt::format("surge (inlet flow {:.6g} m³/s below the surge line's {:.6g} m³/s)",
                              p.q, p.q_surge),
                  p.q);
    case 6:
      return trip(
          unit,
          fmt::format("suction pressure {:.6g} bar below min_suction_pressure", s.y[ps_] / 1e5),
          s.y[ps_]);
    case 7:
      return trip(
          unit,
          fmt::format("discharge pressure {:.6g} bar above max_discharge_pressure", s.y[pd_] / 1e5),
          s.y[pd_]);
    default:
      return {};
  }
}

EventAction CompressorStationOnMaps::settle(const State& s) {
  std::vector<double> g(static_cast<std::size_t>(root_count()));
  roots(s, g.data());
  for (int i = 0; i < root_count(); ++i)
    if (g[std::size_t(i)] < 0) return on_root(i, -1, s);
  return {};
}

void CompressorStationOnMaps::stop_times(double t0, double t1, std::vector<double>& out) const {
  spec_.set_point.breakpoints(t0, t1, out);
  spec_.ambient_temperature.breakpoints(t0, t1, out);
  for (const auto& u : spec_.units) u.running.breakpoints(t0, t1, out);
}

EventAction CompressorStationOnMaps::on_stop(double t, const State& s) {
  (void)s;
  std::string msg;
  double value = 0.0;
  for (int i = 0; i < units(); ++i) {
    UnitState& st = unit_[std::size_t(i)];
    const double v = spec_.units[std::size_t(i)].running.value(t) >= 0.5 ? 1.0 : 0.0;
    if (v == st.scheduled) continue;
    st.scheduled = v;
    const bool start = v > 0;
    if (start == st.running) continue;
    st.running = start;
    st.tripped = false;
    st.recycle = false;
    if (!start && limit_unit_ == i) limit_ = None, limit_unit_ = -1;
    msg += fmt::format("{}unit {} {}", msg.empty() ? "" : "; ", spec_.units[std::size_t(i)].name,
                       start ? "starts" : "stops");
    value += start ? 1.0 : -1.0;
  }
  if (msg.empty()) return {};
  update_lead();
  if (any_running())
    bypass_open_ = false;
  else
    bypass_open_ = spec_.bypass == Bypass::TwoWay;
  return {true, "schedule", value, msg};
}

void CompressorStationOnMaps::save(DiscreteState& out) const {
  for (const UnitState& u : unit_)
    out.put(u.running), out.put(u.tripped), out.put(u.recycle), out.put(u.scheduled);
  out.put(limit_), out.put(limit_unit_), out.put(lead_), out.put(bypass_open_);
}

void CompressorStationOnMaps::restore(DiscreteState& in) {
  for (UnitState& u : unit_)
    in.get(u.running), in.get(u.tripped), in.get(u.recycle), in.get(u.scheduled);
  in.get(limit_), in.get(limit_unit_), in.get(lead_), in.get(bypass_open_);
}

void CompressorStationOnMaps::declare_outputs(OutputPlan& plan) {
  const std::string n = name();
  const char* g = kStationGroup;
  out_station_ = {
      plan.column(g, n, "mass_flow", "kg s-1", "net flow suction → discharge (bypass included)"),
      plan.column(g, n, "pressure_ratio", "1", "discharge / suction pressure"),
      plan.column(g, n, "head", "J kg-1", "isentropic head between suction and discharge"),
      plan.column(g, n, "shaft_power", "W", "shaft power of the running units"),
      plan.column(g, n, "recycle_flow", "kg s-1", "anti-surge recycle of all units"),
      plan.column(g, n, "bypass_flow", "kg s-1", "flow through the station bypass"),
      plan.column(g, n, "fuel_mass_flow", "kg s-1", "fuel gas burnt, taken from the fuel node"),
      plan.column(g, n, "fuel_burnt", "kg", "fuel gas burnt since the start"),
      plan.column(g, n, "load", "1", "load command shared by the units (relative speed or margin)"),
      plan.column(g, n, "running_units", "1", "number of units running"),
      plan.column(g, n, "active_limit", "1",
                  "-1 control, 0 speed_max, 1 speed_min, 2 power_max, 3 choke"),
      plan.column(g, n, "ambient_temperature", "K", "ambient temperature at the station"),
  };
  out_unit_.clear();
  for (const auto& u : spec_.units) {
    const std::string e = n + "/" + u.name;
    const char* gu = kUnitGroup;
    for (const auto& [q, units, ln] : std::initializer_list<std::array<const char*, 3>>{
             {"speed", "s-1", "rotational speed (revolutions per second)"},
             {"inlet_volume_flow", "m3 s-1", "volume flow at suction conditions"},
             {"mass_flow", "kg s-1", "mass flow through the compressor (recycle included)"},
             {"recycle_flow", "kg s-1", "anti-surge recycle, discharge → suction"},
             {"efficiency", "1", "isentropic efficiency from the map"},
             {"shaft_power", "W", "shaft power"},
             {"recycle_power", "W", "shaft power spent on recycled gas"},
             {"fuel_mass_flow", "kg s-1", "fuel gas burnt by the driver"},
             {"max_power", "W", "driver power available at its speed and the ambient temperature"},
             {"surge_margin", "1", "(Q − Q_surge)/Q_surge at the unit's head"},
             {"surge_control_flow", "m3 s-1", "inlet flow at the surge control line"},
             {"status", "1", "0 stopped, 1 running, 2 running on recycle, 3 tripped"},
         })
      out_unit_.push_back(plan.column(gu, e, q, units, ln));
  }
}

void CompressorStationOnMaps::write_outputs(const State& s, OutputFrame& out) const {
  const double ps = s.y[ps_], pd = s.y[pd_];
  double power = 0.0, recycle = 0.0, fuel = 0.0;
  int running = 0;
  constexpr int kPerUnit = 12;
  for (int i = 0; i < units(); ++i) {
    const UnitPoint p = unit_point(s, i);
    const UnitState& st = unit_[std::size_t(i)];
    const double status = st.running ? (st.recycle ? 2.0 : 1.0) : (st.tripped ? 3.0 : 0.0);
    const double rp = p.m > 0 ? p.power * p.r / p.m : 0.0;
    const double values[kPerUnit] = {
        p.n,         p.q,
        p.m,         p.r,
        p.eta,       p.power,
        rp,          p.fuel,
        p.max_power, p.q_surge > 0 ? (p.q - p.q_surge) / p.q_surge : 0.0,
        p.q_control, status};
    for (int k = 0; k < kPerUnit; ++k)
      out.set(out_unit_[std::size_t(kPerUnit * i + k)],
              st.running || k == 3 || k == 11 ? values[k] : 0.0);
    power += p.power, recycle += p.r, fuel += p.fuel;
    running += st.running ? 1 : 0;
  }
  const double values[] = {net_flow(s.y),
                           pd / ps,
                           head(ps, pd),
                           power,
                           recycle,
                           s.y[b_index()],
                           fuel,
                           s.y[fuel_index()],
                           s.y[x_index()],
                           static_cast<double>(running),
                           static_cast<double>(limit_),
                           spec_.ambient_temperature.value(s.t)};
  for (std::size_t k = 0; k < out_station_.size(); ++k) out.set(out_station_[k], values[k]);
}

// ---- reader: gas.compressor_stations[i]
namespace {

// max_power: a constant, or {temperature: [...], power: [...], speed: [...]} fitted as
// P_max(n, T) by least squares (quadratic in each; without speeds, in T alone).
bool read_max_power(const Reader& unit, CompressorUnitSpec& u) {
  if (!unit.has("max_power")) return true;
  const Reader r = unit.child("max_power");
  if (r.node().IsScalar()) {
    const double p = r.as_quantity(dim::power).value_or(0.0);
    unit.check("max_power", p > 0, "must be > 0");
    u.has_max_power = p > 0;
    u.max_power = Poly2(p);
    return p > 0;
  }
  if (!r.is_map()) {
    r.error("expected a power or a mapping {temperature: [...], power: [...], speed: [...]}");
    return false;
  }
  std::vector<double> T, P, n;
  for (const Reader& x : r.items("temperature"))
    T.push_back(x.as_quantity(dim::temperature).value_or(-1.0));
  for (const Reader& x : r.items("power")) P.push_back(x.as_quantity(dim::power).value_or(-1.0));
  if (r.has("speed"))
    for (const Reader& x : r.items("speed"))
      n.push_back(x.as_quantity(dim::frequency).value_or(-1.0));
  if (!r.has("temperature")) r.text("temperature");
  if (!r.has("power")) r.text("power");
  r.finish();
  if (r.has_error("temperature") || r.has_error("power") || r.has_error("speed")) return false;
  bool ok = true;
  auto check = [&](const char* key, bool good, const std::string& msg) {
    r.check(key, good, msg);
    ok = ok && good;
  };
  check("power", P.size() == T.size() && !P.empty(),
        fmt::format("{} powers for {} temperatures: give one power per temperature", P.size(),
                    T.size()));
  check("speed", n.empty() || n.size() == T.size(),
        fmt::format("{} speeds for {} temperatures: give one speed per point", n.size(), T.size()));
  check("power", std::all_of(P.begin(), P.end(), [](double p) { return p > 0; }),
        "powers must be > 0");
  check("temperature", std::all_of(T.begin(), T.end(), [](double t) { return t > 0; }),
        "temperatures must be > 0 K");
  if (!ok) return false;
  if (n.empty()) {
    std::vector<double> s = T;
    std::sort(s.begin(), s.end());
    const int distinct = static_cast<int>(std::unique(s.begin(), s.end()) - s.begin());
    n.assign(T.size(), 0.0);
    u.max_power = *Poly2::fit(n, T, P, Poly2::in_y(std::min(2, distinct - 1)));
  } else {
    u.max_power = Poly2::fit_best(n, T, P);
  }
  u.has_max_power = true;
  return true;
}

bool read_unit(const Reader& item, CompressorUnitSpec& u, std::vector<std::string>& names) {
  const std::size_t errors_before = item.context().diagnostics.size();
  u.name = item.text("name");
  if (!u.name.empty()) {
    if (std::find(names.begin(), names.end(), u.name) != names.end())
      item.error_at_key("name", fmt::format("duplicate unit name '{}' in this station", u.name));
    names.push_back(u.name);
  }
  const auto map = read_compressor_map(item.child("map"));
  if (map) u.map = *map;
  const double lo = map ? map->lowest_speed() : 0.0, hi = map ? map->highest_speed() : 0.0;
  u.speed_min = item.quantity("speed_min", dim::frequency, lo);
  u.speed_max = item.quantity("speed_max", dim::frequency, hi);
  if (map) {
    item.check("speed_min", u.speed_min >= lo * (1 - 1e-9) && u.speed_min < u.speed_max,
               fmt::format("must lie within the map's speeds ({:.6g} to {:.6g} rpm) and below "
                           "speed_max",
                           lo * 60, hi * 60));
    item.check(
        "speed_max", u.speed_max <= hi * (1 + 1e-9) && u.speed_max > 0,
        fmt::format("must lie within the map's speeds ({:.6g} to {:.6g} rpm)", lo * 60, hi * 60));
  }
  u.running = item.profile("running", dim::none, 1.0);
  const std::string drive = item.choice("drive", {"gas_turbine", "electric"}, "gas_turbine");
  u.electric = drive == "electric";
  u.drive_efficiency = item.quantity("drive_efficiency", dim::none, u.electric ? 0.95 : 0.34);
  item.check("drive_efficiency", u.drive_efficiency > 0 && u.drive_efficiency <= 1,
             "must lie in (0, 1]");
  if (item.has("fuel_power")) {
    const auto xs = item.items("fuel_power");
    const Dimension dims[3] = {dim::power, dim::none, dim::none / dim::power};
    if (xs.size() != 3)
      item.error_at_key("fuel_power",
                        "expected [e0, e1, e2]: fuel energy rate E = e0 + e1·P + e2·P² (e0 in W, "
                        "e2 in 1/W)");
    else
      for (std::size_t k = 0; k < 3; ++k) u.fuel_power[k] = xs[k].as_quantity(dims[k]).value_or(0);
    if (u.electric) item.error_at_key("fuel_power", "an electric drive burns no fuel");
  }
  read_max_power(item, u);
  u.trip_on_surge = item.flag("trip_on_surge", true);
  u.min_suction_pressure = item.quantity("min_suction_pressure", dim::pressure, 0.0);
  u.max_discharge_pressure = item.quantity("max_discharge_pressure", dim::pressure,
                                           std::numeric_limits<double>::infinity());
  item.check("min_suction_pressure", u.min_suction_pressure >= 0, "must be ≥ 0");
  item.check("max_discharge_pressure", u.max_discharge_pressure > 0, "must be > 0");
  item.finish();
  return map && item.context().diagnostics.size() == errors_before;
}

}  // namespace

void read_compressor_station(const Reader& item, Context& ctx) {
  std::string name = ctx.names.claim(item, "compressor_stations");
  auto [from, to] = ctx.ends(item);
  const GasNode* fuel = item.has("fuel_node") ? ctx.nodes.find(item, "fuel_node") : from;
  CompressorStationSpec c;
  const std::string control =
      item.choice("control", {"discharge", "suction", "ratio", "flow", "speed"}, "discharge");
  c.control = control == "suction" ? StationControl::Suction
              : control == "ratio" ? StationControl::Ratio
              : control == "flow"  ? StationControl::Flow
              : control == "speed" ? StationControl::Speed
                                   : StationControl::Discharge;
  const Dimension sp_dim = control == "ratio"   ? dim::none
                           : control == "flow"  ? dim::mass_flow
                           : control == "speed" ? dim::frequency
                                                : dim::pressure;
  c.set_point = item.profile("set_point", sp_dim);
  c.sharing =
      item.choice("load_sharing", {"equal_speed", "equal_margin"}, "equal_speed") == "equal_margin"
          ? LoadSharing::EqualMargin
          : LoadSharing::EqualSpeed;
  c.surge_margin = item.quantity("surge_control_margin", dim::none, 0.1);
  item.check("surge_control_margin", c.surge_margin >= 0 && c.surge_margin < 1,
             "must lie in [0, 1) (the surge control line's flow is (1 + margin) × the surge "
             "line's)");
  c.anti_surge_time = item.quantity("anti_surge_time", dim::time, 2.0);
  item.check("anti_surge_time", c.anti_surge_time > 0, "must be > 0");
  c.ambient_temperature = item.profile("ambient_temperature", dim::temperature, 288.15);
  c.isentropic_exponent = item.quantity("isentropic_exponent", dim::none, 1.3);
  item.check("isentropic_exponent", c.isentropic_exponent > 1 && c.isentropic_exponent < 2,
             "must lie in (1, 2)");
  c.fuel_lhv = item.quantity("fuel_lhv", dim::specific_energy, 47e6);
  item.check("fuel_lhv", c.fuel_lhv > 0, "must be > 0");
  c.control_time_constant = item.quantity("control_time_constant", dim::time, 1.0);
  item.check("control_time_constant", c.control_time_constant > 0, "must be > 0");
  const std::string bypass = item.choice("bypass", {"none", "one_way", "two_way"}, "none");
  c.bypass = bypass == "one_way"   ? Bypass::OneWay
             : bypass == "two_way" ? Bypass::TwoWay
                                   : Bypass::None;
  bool units_ok = true;
  std::vector<std::string> unit_names;
  const auto units = item.map_items("units", "name: U1, map: {speed_lines: [...], ...}");
  for (const Reader& u : units) {
    CompressorUnitSpec spec;
    units_ok = read_unit(u, spec, unit_names) && units_ok;
    c.units.push_back(std::move(spec));
  }
  if (!item.has("units") || (units.empty() && !item.has_error("units")))
    item.error_at_key("units", "a compressor station needs at least one unit");
  item.finish();
  if (ctx.flow.extended()) {
    // Its flow is shared among units, recycles and the bypass: no LinkFlow companion carries
    // its energy or composition yet (gas.compressors does).
    item.error_at_key("units",
                      "compressor stations on maps carry no energy or composition yet: with "
                      "gas.energy or gas.tracking use gas.compressors");
    return;
  }
  if (name.empty() || !from || !to || !fuel || !units_ok || c.units.empty()) return;
  ctx.system.emplace<CompressorStationOnMaps>(name, *from, *to, *fuel, std::move(c), ctx.gas);
  ctx.parts.join(from, to);
}

}  // namespace steppe::gas
