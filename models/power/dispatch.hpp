// Merit-order dispatch: no unknown, acts at stop times where the inputs stay continuous.
//
//   Every `interval` recomputes the generators' base points in merit order against the
//   forecast net load (load − wind − solar − storage schedule at that instant), moving
//   power through ties up to their limits (a transport model: exact for radial tie
//   networks, meshes get the schedule, the physics splits the flow; a tie with its own
//   `schedule` carries that, and no merit-order flow), and the scheduled interchange per
//   zone; curtails wind and solar when the minimum outputs exceed the load. Base points
//   never leave [P_min, P_max]. They move linearly from their current value at the unit's
//   ramp rate (over at least `ramp_time`), interchange schedules over `ramp_time`: the
//   units' targets are continuous, so a dispatch needs no restart of the integrator (only
//   a change of curtailment, a jump, does). AGC keeps its integral: the new base points
//   cover the forecast, so the integral returns to the forecast error.
#pragma once

#include <string>
#include <vector>

#include "models/power/generator.hpp"
#include "models/power/renewable.hpp"
#include "models/power/tie.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/component.hpp"

namespace steppe::power {

class Dispatcher : public Component, public EventSource {
 public:
  // `renewables`: the variable sources dispatch takes as they come and may curtail; the
  // zones' other injectors enter through their scheduled() injection.
  Dispatcher(std::string name, double interval, double ramp_time, std::vector<Zone*> zones,
             std::vector<Tie*> ties, std::vector<Generator*> gens,
             std::vector<Renewable*> renewables, std::vector<double> infinite_price);
  // Computes set points, interchange schedules and curtailment caps for inputs at t; the
  // AGC signals z of state `s` (if given) move into the units' base points. Returns the
  // unserved forecast load [W] (summed over zones).
  double dispatch(double t, const State* s);

  std::vector<UnknownSpec> unknowns() const override { return {}; }
  void bind() override {
    next_ = interval_;
    dispatch(0.0, nullptr);
  }
  void initial_values(std::span<double>) const override {}
  void residual(const State&, double*) const override {}
  void jacobian(const State&, JacobianWriter&) const override {}
  void declare_outputs(OutputPlan&) override {}
  void write_outputs(const State&, OutputFrame&) const override {}
  void stop_times(double t0, double t1, std::vector<double>& out) const override {
    if (next_ > t0 && next_ <= t1) out.push_back(next_);
  }
  EventAction on_stop(double t, const State& s) override;
  void save(DiscreteState& out) const override;
  void restore(DiscreteState& in) override;

 private:
  double interval_, ramp_time_;
  double next_ = 0.0;  // time of the next dispatch
  std::vector<Zone*> zones_;
  std::vector<Tie*> ties_;
  std::vector<Generator*> gens_;
  std::vector<Renewable*> renewables_;
  std::vector<double> infinite_price_;  // per zone (inf for ordinary zones)
};

}  // namespace steppe::power
