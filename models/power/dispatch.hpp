// Merit-order dispatch: no unknown, acts at stop times where the inputs stay continuous.
//
//   Every `interval` recomputes the generators' base points in merit order against the
//   forecast net load (load − wind − solar − storage schedule ± contracted transfers; with
//   forecast `instant` at that instant, with `interval_max` per zone the larger of its
//   values at that instant and one interval later, so that a load rising through the
//   interval leaves the AGC reserve in place instead of using it up; the initial dispatch
//   plans for the instant, which the steady start balances), moving
//   power through ties up to their limits (a transport model: exact for radial tie
//   networks, meshes get the schedule, the physics splits the flow; a tie with its own
//   `schedule` carries that, and no merit-order flow; with `tie_margin` m only (1 − m) of
//   each limit, a reliability margin for the flows that load changes, governors and AGC
//   add between dispatches), and the scheduled interchange per
//   zone; curtails wind and solar when the minimum outputs exceed the load. A zone's AGC
//   `reserve` R is held free on its regulating units: unit i is loaded at most to
//   max(P_min,i, P_max,i − α_i·R) (α normalised in the zone), so AGC finds that much
//   up-room after each dispatch (what is left of the load goes to the next supply in merit
//   order, over the ties, or unserved). Base points
//   never leave [P_min, P_max]. They move linearly from their current value at the unit's
//   ramp rate (over at least `ramp_time`), interchange schedules over `ramp_time`: the
//   units' targets are continuous, so a dispatch needs no restart of the integrator (only
//   a change of curtailment, a jump, does). AGC keeps its integral: the new base points
//   cover the forecast, so the integral returns to the forecast error.
//
//   Commitment (units with `min_up_time`, `min_down_time` or `start_cost`; the others are
//   on whenever available): a priority list over the merit order above, whose cost rate is
//   C = Σ cost_i·P_i + Σ price·import (currency per hour; surplus wind and solar free).
//   Units that may stop (on for min_up_time) are tried off in falling order of cost, a stop
//   kept when the plan serves as much load and (C_on − C_off)·max(min_down_time, interval)
//   exceeds the start cost it will need; units that may start (off for min_down_time,
//   available) are tried on in rising order of cost, a start kept when it serves load the
//   plan cannot or (C_off − C_on)·max(min_up_time, interval) exceeds its start cost. A
//   start synchronises the unit at its minimum output, a stop unloads it at its ramp rate
//   and desynchronises it at the minimum (models/power/generator.hpp): both restart the
//   integrator. The initial dispatch commits freely and at once.
#pragma once

#include <algorithm>
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
  Dispatcher(std::string name, double interval, double ramp_time, double tie_margin,
             std::vector<Zone*> zones, std::vector<Tie*> ties, std::vector<Generator*> gens,
             std::vector<Renewable*> renewables, std::vector<double> infinite_price,
             bool interval_max = false);
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
  // A merit-order plan for the units marked on: their set points, the ties' flows, the
  // share of wind and solar kept per zone, the load it cannot serve [W] and its cost rate
  // (currency per hour).
  struct Plan {
    std::vector<double> setp, flow, keep;
    double unserved = 0.0, cost = 0.0;
  };
  // `ahead`: per zone the larger net load of t and t + interval (forecast interval_max).
  Plan merit(double t, const std::vector<char>& on, bool ahead) const;
  // The zones' net load at t (load − schedules ± contracted transfers − renewables) into
  // `net`, the renewables' available output per zone into `renew`.
  void net_load(double t, std::vector<double>& net, std::vector<double>& renew) const;
  std::size_t zone_index(const Zone* z) const {
    return static_cast<std::size_t>(std::find(zones_.begin(), zones_.end(), z) - zones_.begin());
  }
  // Commitment decisions on `on`; `best` is the plan for `on` before and after.
  void commit(double t, std::vector<char>& on, Plan& best, bool ahead) const;

  double interval_, ramp_time_;
  bool interval_max_;  // forecast: the larger net load of now and one interval ahead
  double tie_room_;    // 1 − tie_margin: the share of a tie's limit merit order may use
  double next_ = 0.0;  // time of the next dispatch
  std::vector<Zone*> zones_;
  std::vector<Tie*> ties_;
  std::vector<Generator*> gens_;
  std::vector<Renewable*> renewables_;
  std::vector<double> infinite_price_;  // per zone (inf for ordinary zones)
  bool committable_ = false;            // some unit is started and stopped by dispatch
};

}  // namespace steppe::power
