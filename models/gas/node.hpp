// Gas network node: a junction holding the end points of its pipes.
//
//   unknown  p [Pa]: differential if pipes end here (their half-segment volumes V give it
//            capacity), algebraic otherwise (a junction of compressors and valves only)
//   mass balance   V·dρ/dp(p)·dp/dt + Σ outflows − Σ inflows = 0                  [kg/s]
//            pipes, compressors, valves, supplies and offtakes add their flows to this
//            row (the injection pattern); the node adds only its storage term.
//   with the energy equation or composition tracking (models/gas/flow_model.hpp) the node
//   is a mixing cell with unknowns z = [p, T, w₁ …]:
//     mass     V·Σ ∂ρ/∂z_c·dz_c/dt + Σ outflows − Σ inflows = 0
//     energy   V_m·(ρ·dh/dt − dp/dt) − Σ inflows·(h_in − h) = 0                      [W]
//     fraction V_m·ρ·dw_k/dt − Σ inflows·(w_in,k − w_k) = 0                          [kg/s]
//     V_m = V, or 1 m³ (the station piping) for a node without pipes; every element
//     that brings gas in adds its inflow terms, outflows leave T and w unchanged.
//   events   pressure crossing min_pressure or max_pressure (recorded, kind "limit");
//            the absolute pressure reaching zero stops the run (kind "nonphysical"): the
//            network cannot carry its demand
#pragma once

#include <limits>

#include "models/common/gas_law.hpp"
#include "models/common/location.hpp"
#include "models/gas/flow_model.hpp"
#include "solver/engine/component.hpp"

namespace steppe::gas {

inline constexpr const char* kGroupNodes = "gas/nodes";

class GasNode : public Component, public EventSource {
 public:
  GasNode(std::string name, const GasProperties& gas, double initial_pressure,
          double min_pressure = 0.0, double max_pressure = std::numeric_limits<double>::infinity(),
          double height = 0.0, const FlowModel* flow = nullptr);

  int pressure() const { return offset(); }
  double height() const { return height_; }
  void set_location(const Coordinates& where) { where_ = where; }
  double initial_pressure() const { return initial_pressure_; }
  double max_pressure() const { return max_pressure_; }
  const GasProperties& gas() const { return gas_; }
  // A pipe end adds its half-segment volume (m³); call before assembly.
  void add_volume(double v) { volume_ += v; }
  double volume() const { return volume_; }
  // Gas held in the node's volume at state y (kg).
  double mass(const double* y) const;
  // The extended model (energy, tracking), or nullptr for the isothermal single gas.
  const FlowModel* flow() const { return flow_; }
  // The node as a gas cell (its unknowns z); valid after assembly.
  const Cell& cell() const { return cell_; }
  // Volume of the energy and fraction balances: V, or 1 m³ without pipes.
  double mixing_volume() const { return volume_ > 0 ? volume_ : 1.0; }

  std::vector<UnknownSpec> unknowns() const override;
  void initial_values(std::span<double> y) const override;
  void bind() override;
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

  int root_count() const override { return 3; }
  void roots(const State& s, double* g) const override;
  EventAction on_root(int i, int direction, const State& s) override;
  void stop_times(double, double, std::vector<double>&) const override {}
  // No discrete state: nothing changes after assembly.
  void save(DiscreteState&) const override {}
  void restore(DiscreteState&) override {}

 private:
  const GasProperties& gas_;
  double initial_pressure_, min_pressure_, max_pressure_, height_;
  double volume_ = 0.0;
  const FlowModel* flow_ = nullptr;
  Cell cell_;
  Coordinates where_;
  int out_p_ = -1, out_t_ = -1, out_lhv_ = -1;
  std::vector<std::pair<int, int>> out_x_;  // (component, handle)
};

}  // namespace steppe::gas
