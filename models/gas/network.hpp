// The gas network as a whole: owns the gas properties and the flow model (energy
// equation, composition tracking) every element refers to, and reports the total line
// pack (no unknowns of its own).
#pragma once

#include <cmath>
#include <vector>

#include "models/common/gas_law.hpp"
#include "models/gas/flow_model.hpp"
#include "models/gas/pipe.hpp"
#include "solver/engine/component.hpp"

namespace steppe::gas {

class GasNetwork : public Component {
 public:
  GasNetwork(const GasProperties& gas, FlowModel flow)
      : Component("gas network", "total"), gas_(gas), flow_(std::move(flow)) {}
  const GasProperties& gas() const { return gas_; }
  const FlowModel& flow() const { return flow_; }
  // For the section's reader, before assembly: tables once the pressures are known.
  GasProperties& mutable_gas() { return gas_; }
  FlowModel& mutable_flow() { return flow_; }
  void add_pipe(const GasPipe& p) { pipes_.push_back(&p); }
  // Monitored bounds on the total line pack (kg; NaN/inf: none).
  void set_linepack_bounds(double min, double max) { min_pack_ = min, max_pack_ = max; }
  double linepack(const double* y) const {
    double sum = 0.0;
    for (const GasPipe* p : pipes_) sum += p->linepack(y);
    return sum;
  }

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void initial_values(std::span<double>) const override {}
  void residual(const State&, double*) const override {}
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan& plan) override {
    out_pack_ = plan.column("gas/network", name(), "linepack", "kg", "gas held in all pipes");
    plan.limit(out_pack_, "min_linepack", Bound::Lower, min_pack_, "lowest line pack wanted");
    plan.limit(out_pack_, "max_linepack", Bound::Upper, max_pack_, "highest line pack wanted");
  }
  void write_outputs(const State& s, OutputFrame& out) const override {
    out.set(out_pack_, linepack(s.y));
  }

 private:
  GasProperties gas_;
  FlowModel flow_;
  std::vector<const GasPipe*> pipes_;
  double min_pack_ = NAN, max_pack_ = NAN;
  int out_pack_ = -1;
};

}  // namespace steppe::gas
