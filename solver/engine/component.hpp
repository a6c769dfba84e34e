// The contract between the physics and the engine.
//
// A Component owns a block of unknowns and the residual rows for them, in the DAE
//   F(t, y, y') = 0.
// It never sees SUNDIALS types: it reads the global y, y' through a State, adds to the
// global residual (its own rows, and — the injection pattern — other components' balance
// rows, e.g. a link adds its flow to its nodes' mass balances), and pushes its Jacobian
// entries ∂F/∂y and ∂F/∂y' through a JacobianWriter.
//
// jacobian() must push the same (row, column) sequence on every call, whatever the
// state or mode (push zeros where an entry vanishes): the first call records the sparsity
// pattern, every later call only writes values in that order, so the hot path has no
// lookups.
//
// Components that have discrete behaviour also implement EventSource: root functions
// for state events (IDA root finding), scheduled stop times, and mode switches.
#pragma once

#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "solver/engine/events.hpp"
#include "solver/engine/outputs.hpp"

namespace steppe {

enum class VarKind { Differential, Algebraic };

struct UnknownSpec {
  std::string name;   // "pressure"
  std::string units;  // "Pa"
  VarKind kind = VarKind::Differential;
  double scale = 1.0;  // typical magnitude: absolute tolerance = atol · scale
  // Held in the steady start: a state that has no steady value of its own — a running
  // total (delivered mass, served energy) or a storage level (a tank, a battery's charge).
  // The steady start keeps it at its initial value and solves everything else; the
  // integration then lets it move.
  bool quadrature = false;
};

// The global state handed to components: t, y, y' (all unknowns of the system).
struct State {
  double t = 0.0;
  const double* y = nullptr;
  const double* yp = nullptr;
};

class JacobianWriter {
 public:
  // Adds ∂F_row/∂y_col = dy and ∂F_row/∂y'_col = dyp (row, col global indices).
  void add(int row, int col, double dy, double dyp = 0.0) {
    if (recording_) {
      rows_.push_back(row);
      cols_.push_back(col);
      return;
    }
    values_[slots_[cursor_++]] += dy + cj_ * dyp;
  }

 private:
  friend class System;
  bool recording_ = false;
  std::vector<int> rows_, cols_;  // while recording
  const int* slots_ = nullptr;    // entry k → index into values_
  double* values_ = nullptr;
  double cj_ = 0.0;
  std::size_t cursor_ = 0;
};

class Component {
 public:
  Component(std::string kind, std::string name) : kind_(std::move(kind)), name_(std::move(name)) {}
  virtual ~Component() = default;
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;

  const std::string& kind() const { return kind_; }  // "lumped node"
  const std::string& name() const { return name_; }  // "Tank-1"
  int offset() const { return offset_; }             // global index of the first unknown

  virtual std::vector<UnknownSpec> unknowns() const = 0;
  // Called once offsets are assigned: cache the global indices of ports.
  virtual void bind() {}
  // Initial guess for own unknowns (y[offset()...]) before the steady start, or the
  // given initial state when the study starts from it.
  virtual void initial_values(std::span<double> y_own) const = 0;
  // Adds this component's contributions to F (which the system zeroes first).
  virtual void residual(const State& s, double* F) const = 0;
  virtual void jacobian(const State& s, JacobianWriter& J) const = 0;
  virtual void declare_outputs(OutputPlan& plan) = 0;
  virtual void write_outputs(const State& s, OutputFrame& out) const = 0;

 private:
  friend class System;
  std::string kind_, name_;
  int offset_ = -1;
};

// Components that summarise a run in root attributes of the results file (energy totals,
// delivered mass): called once with the final state, complete or failed.
class SummarySource {
 public:
  virtual ~SummarySource() = default;
  // Appends (attribute name, SI value) pairs, names saying domain, quantity and unit
  // ("power_energy_served_J"). Values of one name from several components are added:
  // every zone adds its served energy to the system's total.
  virtual void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const = 0;
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Checkpoints: put every piece of discrete state (see DiscreteState); restore reads
  // the same pieces in the same order into a freshly built component of the same study.
  virtual void save(DiscreteState& out) const = 0;
  virtual void restore(DiscreteState& in) = 0;
  // Number of root functions (fixed for the run).
  virtual int root_count() const { return 0; }
  // g_i(t, y, y') whose sign changes are events; g has root_count() entries.
  virtual void roots(const State& s, double* g) const { (void)s, (void)g; }
  // Root i was crossed (direction +1 rising, -1 falling).
  virtual EventAction on_root(int i, int direction, const State& s) {
    (void)i, (void)direction, (void)s;
    return {};
  }
  // Times in (t0, t1] where an input is not smooth or something is scheduled.
  virtual void stop_times(double t0, double t1, std::vector<double>& out) const = 0;
  // After the initial state is found: switch to the mode that state calls for (e.g. a
  // check valve whose steady flow came out reversed closes). A returned action with
  // reinitialise = true makes the engine solve for the initial state again.
  virtual EventAction settle(const State& s) {
    (void)s;
    return {};
  }
  // The integrator reached stop time t (one of stop_times()).
  virtual EventAction on_stop(double t, const State& s) {
    (void)t, (void)s;
    return {};
  }
};

}  // namespace steppe
