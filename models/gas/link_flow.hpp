// The energy and composition a compressor or valve carries between its nodes (the
// equations head link_flow.cpp).
#pragma once

#include "models/gas/flow_model.hpp"
#include "models/gas/node.hpp"

namespace steppe::gas {

class LinkFlow : public Component {
 public:
  // `link` holds the flow ṁ as its unknown 0; exponent m > 0 for a compressor's polytropic
  // discharge temperature, 0 for isenthalpic throttling.
  LinkFlow(const Component& link, const GasNode& from, const GasNode& to, const FlowModel& flow,
           double exponent);

  double discharge_temperature(const double* y) const;

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override;
  void initial_values(std::span<double>) const override {}
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;

 private:
  static constexpr double kEps = 1e-4;  // kg/s: upwind smoothing
  Inflow forward(const State& s, const Upwind& up, const CellThermo& from) const;
  Inflow backward(const Upwind& up, const CellThermo& to) const;

  const Component& link_;
  const GasNode& from_;
  const GasNode& to_;
  const FlowModel& flow_;
  double exponent_;
  Cell from_cell_, to_cell_;
  int m_ = -1;
  int out_td_ = -1;
};

}  // namespace steppe::gas
