// Gas-fired generator ↔ gas node: a power generator burning gas drawn from a gas node,
// inside the one DAE (no splitting between the domains).
//
//   unknown    M [kg] (differential, quadrature): fuel burnt since the start
//   fuel       ṁ_fuel = P·HR(P)/LHV [kg/s], P = the generator's electrical output
//              (F_H·x + (1 − F_H)·r of its governor order x and turbine r, 0 offline),
//              HR(P) the heat rate [J/J] linearly interpolated in a part-load table
//              (constant outside it, or one value). P·HR(P) is continuous; its derivative
//              HR + P·HR' jumps at the table's points (Newton sees a kink there, no event).
//   rows       gas node mass balance += ṁ_fuel (an offtake), with ∂/∂x, ∂/∂r across
//              domains; own row dM/dt − ṁ_fuel = 0
//   LHV        with composition tracking (gas.tracking) the net heating value of the gas at
//              the node, Σ_k w_k·LHV_k (models/gas/flow_model.hpp): a hydrogen blend arriving
//              raises the fuel mass flow; otherwise the plant's `lhv`, by default the
//              fluid composition's (or 47 MJ/kg without a composition)
//   events     (with a minimum supply pressure p_min) a root on p_node − p_min: the unit
//              derates — the generator's capacity factor falls to `derate_to` (its maximum
//              output a(t)·f·P_cap; it goes to its limit mode) — or trips (permanent, the
//              generator's own trip). A derated unit recovers when p_node rises above
//              p_min + band (hysteresis). Recorded as kind "limit".
#pragma once

#include <vector>

#include "models/gas/node.hpp"
#include "models/power/generator.hpp"
#include "solver/engine/component.hpp"

namespace steppe::coupling {

inline constexpr const char* kGroupGasPlants = "coupling/gas_plants";

enum class LowPressure { Derate, Trip };

class GasPlant : public Component, public EventSource, public SummarySource {
 public:
  struct Params {
    std::vector<double> hr_power{0.0};  // W, increasing
    std::vector<double> hr_rate{2.0};   // J/J at those outputs
    double lhv = 47e6;                  // J/kg
    bool has_min_pressure = false;
    double min_pressure = 0.0;  // Pa
    double band = 1e5;          // Pa: recovery above min_pressure + band
    LowPressure on_low = LowPressure::Derate;
    double derate_to = 0.5;  // capacity factor while derated
  };
  GasPlant(std::string name, power::Generator& gen, const gas::GasNode& node, Params p);

  // Heat rate [J/J] at output P, and its slope dHR/dP.
  double heat_rate(double P, double* slope = nullptr) const;
  // Fuel mass flow [kg/s] at output P and heating value lhv (J/kg; the plant's own by
  // default), and d/dP.
  double fuel_flow(double P, double* dfdP = nullptr, double lhv = 0.0) const;
  double fuel_flow(const State& s) const { return fuel_flow(gen_.power(s), nullptr, lhv(s)); }
  // The heating value the plant burns at state s (local with tracking), and its gradient
  // over the node's unknowns.
  double lhv(const State& s, double* grad = nullptr) const;
  bool derated() const { return state_ == Supply::Derated; }
  bool tripped() const { return state_ == Supply::Tripped; }
  const power::Generator& generator() const { return gen_; }
  const gas::GasNode& node() const { return node_; }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return 1; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  EventAction settle(const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override;

 private:
  enum class Supply { Normal, Derated, Tripped };
  EventAction low_pressure(const State& s);
  EventAction recover(const State& s);

  power::Generator& gen_;
  const gas::GasNode& node_;
  Params p_;
  Supply state_ = Supply::Normal;
  int pn_ = -1;
  const gas::FlowModel* tracking_ = nullptr;  // the node's flow model with tracking
  std::vector<int> out_;
};

}  // namespace steppe::coupling
