// Compressor station between a suction node s and a discharge node d.
//
//   unknowns  ṁ [kg/s] (algebraic), the flow through the station, s → d;
//             M_f [kg] (differential, a running total held by the steady start): fuel burnt,
//             row M_f' − ṁ_fuel = 0 (output fuel_burnt, root attribute gas_fuel_burnt_kg)
//   node rows suction += ṁ,  discharge −= ṁ,  fuel node (default suction) += ṁ_fuel
//   control   the station's set point, one of
//             (pressure equations are PressureConstraints: on nodes with storage they are
//             imposed as d/dt(c) + c/τ = 0, τ = control_time_constant)
//               ratio:      p_d − r_set(t)·p_s = 0
//               discharge:  p_d − p_set(t) = 0
//               suction:    p_s − p_set(t) = 0
//               flow:       ṁ − q_set(t) = 0
//   limits    each a mode that replaces the control equation when reached (root events):
//               ratio_max:  p_d − r_max·p_s = 0       ratio_min: p_d − r_min·p_s = 0
//               power_max:  P(ṁ, p_s, p_d) − P_max = 0
//               flow_max:   ṁ − q_max = 0
//             a limit is released when the control's own demand e falls back inside it
//             (e = p_set − p_d, p_s − p_set, r_set − r or q_set − ṁ: positive = wants more
//             compression), and another limit may take over from a limit.
//   power     polytropic head H = Z_s R T / m · (r^m − 1), m = (κ − 1)/(κ η_p), r = p_d/p_s
//             shaft power P = ṁ·H/η_p  [W]
//   drive     gas turbine: fuel ṁ_fuel = P / (η_drive · LHV), drawn from the fuel node (the
//             suction node unless fuel_node names another: node row fuel += ṁ_fuel);
//             electric: electric power P/η_drive (a load for the coupling issue), no fuel.
// The gas temperature is the network's (isothermal): the discharge temperature rise and
// after-cooling are not modelled. Reverse flow through a station is not modelled
// (stations have no bypass valve yet); ratio_min (default 1) keeps p_d ≥ p_s.
#pragma once

#include <array>
#include <limits>

#include "models/common/gas_law.hpp"
#include "models/common/pressure_constraint.hpp"
#include "models/gas/node.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

inline constexpr const char* kGroupCompressors = "gas/compressors";

enum class CompressorControl { Ratio, Discharge, Suction, Flow };
enum class CompressorDrive { GasTurbine, Electric };

struct CompressorSpec {
  CompressorControl control = CompressorControl::Discharge;
  Profile set_point{0.0};  // ratio (1), pressure (Pa) or flow (kg/s)
  double ratio_max = std::numeric_limits<double>::infinity();
  double ratio_min = 1.0;
  double power_max = std::numeric_limits<double>::infinity();  // W, shaft
  double flow_max = std::numeric_limits<double>::infinity();   // kg/s
  double polytropic_efficiency = 0.82;
  double isentropic_exponent = 1.3;  // κ
  CompressorDrive drive = CompressorDrive::GasTurbine;
  double drive_efficiency = 0.34;      // gas-turbine thermal, or motor efficiency
  double fuel_lhv = 47e6;              // J/kg
  double control_time_constant = 1.0;  // s: pressure set points on nodes with storage
};

class CompressorStation : public Component, public EventSource, public SummarySource {
 public:
  // The modes, in the order of the root functions.
  enum Limit { None = -1, RatioMax = 0, RatioMin = 1, PowerMax = 2, FlowMax = 3 };

  CompressorStation(std::string name, const GasNode& suction, const GasNode& discharge,
                    CompressorSpec spec, const GasProperties& gas,
                    const GasNode* fuel_node = nullptr);

  Limit active_limit() const { return limit_; }
  const GasNode& suction() const { return suction_; }
  const GasNode& discharge() const { return discharge_; }
  const CompressorSpec& spec() const { return spec_; }
  // Shaft power P and its partial derivatives in ṁ, p_s, p_d.
  double shaft_power(double m, double ps, double pd, std::array<double, 3>* grad = nullptr) const;
  double fuel_flow(double power) const;
  // Electric power drawn (W) at state y: P/η for electric drives, 0 for gas turbines.
  double electric_power(const double* y) const;
  // The same with its gradient in (ṁ, p_s, p_d), at the global indices power_columns().
  double electric_power(const double* y, std::array<double, 3>* grad) const;
  std::array<int, 3> power_columns() const { return {offset(), ps_, pd_}; }
  int fuel_node() const { return pf_; }  // its pressure index
  bool electric() const { return spec_.drive == CompressorDrive::Electric; }

  std::vector<UnknownSpec> unknowns() const override;
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("gas_fuel_burnt_kg", s.y[offset() + 1]);
  }
  void bind() override;
  void initial_values(std::span<double> y) const override { y[0] = y[1] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return 5; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    spec_.set_point.breakpoints(t0, t1, out);
  }
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  double demand(const State& s) const;  // e: > 0 wants more compression
  // Coefficients (on p_d, p_s), their rates and the target of a pressure mode; false for
  // the flow and power modes.
  bool pressure_mode(double t, double* a, double* da, double* target, double* rate) const;
  EventAction switch_to(Limit l, const State& s);

  const GasNode& suction_;
  const GasNode& discharge_;
  const GasNode* fuel_;
  CompressorSpec spec_;
  const GasProperties& gas_;
  double m_exp_;  // m = (κ − 1)/(κ η_p)
  Limit limit_ = None;
  PressureConstraint hold_;
  int ps_ = -1, pd_ = -1, pf_ = -1;
  int out_flow_ = -1, out_ratio_ = -1, out_power_ = -1, out_fuel_ = -1, out_burnt_ = -1,
      out_elec_ = -1, out_mode_ = -1;
};

}  // namespace steppe::gas
