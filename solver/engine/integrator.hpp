// Integrates a System with SUNDIALS IDA (variable-order BDF) and the KLU sparse direct
// solver (or a dense one for small checks), with the analytic Jacobian.
//
// The consistent initial state is a steady state solved by KINSOL from the study's
// initial boundary values (InitialState::Steady), or the components' given values with
// the algebraic unknowns and all derivatives from IDACalcIC (InitialState::Given).
// Stop times of the event sources (profile breakpoints, schedules) are IDA stop times;
// at each, and after a root that changes a mode, IDA is re-initialised and IDACalcIC
// restores consistency. SUNDIALS types stay in integrator.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/engine/ida_state.hpp"
#include "solver/engine/outputs.hpp"
#include "solver/engine/system.hpp"

namespace steppe {

enum class InitialState { Steady, Given };
enum class LinearSolverKind { Klu, Dense };

struct SolverOptions {
  double rtol = 1e-6;
  double atol = 1e-6;         // relative to each unknown's scale: atol_i = atol · scale_i
  double max_step = 0.0;      // s; 0 = no limit
  double initial_step = 0.0;  // s; 0 = IDA's choice
  int max_order = 5;          // BDF order limit, 1..5
  long max_steps = 100000;    // steps allowed between two outputs
  LinearSolverKind linear_solver = LinearSolverKind::Klu;
  bool fast_vectors = true;  // IDA's vector operations: ours (optimised) or SUNDIALS' own
  bool warm_restart = true;  // after a jump, restart with the step in use before it
  InitialState initial = InitialState::Steady;
};

struct SolverStats {
  std::int64_t steps = 0, residual_evals = 0, jacobian_evals = 0, nonlinear_iterations = 0,
               nonlinear_failures = 0, error_test_failures = 0, root_evals = 0,
               reinitialisations = 0,
               continued_stops = 0,  // stop times where nothing jumped: no re-initialisation
      linear_setups = 0;             // Jacobian factorisations (KLU numeric or full)
  int last_order = 0;
  double last_step = 0.0;
};

// The integrator gave up: what() names the time, IDA's flag and its meaning, and the
// unknowns with the largest weighted local error.
class SolverFailure : public std::runtime_error {
 public:
  SolverFailure(const std::string& what, double t) : std::runtime_error(what), t_(t) {}
  double time() const { return t_; }

 private:
  double t_;
};

class Integrator;

// An unknown and the number of steps whose error it limited: of all unknowns, its local
// error estimate was the largest in IDA's error weights (rtol·|y| + atol·scale).
struct StepLimiter {
  std::string unknown;  // System::describe
  std::int64_t steps = 0;
};

// Sees the solution between output times: told after every internal step IDA accepts (cut
// at roots and stop times) and after every jump, so it can find what samples miss (exact
// extremes, solver/run/extremes.hpp). Its calls must not throw.
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  // The solution is known on [t0, t1] (t1 = integ.t(), the state integ.state()); inside,
  // integ.interpolate() gives it from IDA's interpolating polynomial.
  virtual void step(double t0, double t1, const Integrator& integ) = 0;
  // A new state at integ.t() after a jump (a mode switched, an input stepped): no
  // interpolation back from it.
  virtual void jumped(const Integrator& integ) = 0;
  // IDA continues across a kink from integ.t(); if it fails before the next stop, the
  // engine goes back to that kink (rewind()) and what was told since is void.
  virtual void mark() {}
  virtual void rewind() {}
  // What it has gathered so far, for a snapshot taken between two of the caller's samples
  // (empty: nothing), and that again from a snapshot.
  virtual std::vector<double> save() const { return {}; }
  virtual void restore(const std::vector<double>& saved) { (void)saved; }
};

class Integrator {
 public:
  Integrator(System& system, const SolverOptions& options, double t0, double t_end);
  ~Integrator();
  Integrator(const Integrator&) = delete;
  Integrator& operator=(const Integrator&) = delete;

  // Finds the consistent initial state at t0, settling modes (events appended).
  // Throws SolverFailure.
  void initialise(std::vector<EventRecord>& events);
  // Integrates to t_out (≤ t_end), handling stop times and roots on the way; events are
  // appended to `events`. On return y()/yp() hold the state at t_out — or, when the
  // interrupt poll said so after a step, at that step (interrupted()). Throws SolverFailure.
  void advance(double t_out, std::vector<EventRecord>& events);
  // Asked after every step (IDA is then asked for one step at a time: the same steps,
  // roots and output values as without); true stops advance() there. Empty: never.
  void set_interrupt(std::function<bool()> poll);
  // The last advance() returned before its t_out because the poll said so.
  bool interrupted() const;

  // The complete state after advance(): y, y', IDA's step history and control, the
  // Jacobian in use, stop time, statistics and every event source's discrete state. A
  // fresh Integrator of the same study given it in resume() continues with the same steps.
  Snapshot snapshot() const;
  // In place of initialise(): continues from a snapshot. Throws std::runtime_error when
  // the snapshot does not fit the study (size, Jacobian pattern, event sources).
  void resume(const Snapshot& snapshot);

  // Tell `observer` (may be null) of every step from now on. With one, IDA is asked for
  // one step at a time: the same steps, roots and output values as without.
  void set_step_observer(StepObserver* observer);
  // The state at t within the last step (in the observer's [t0, t1]), from
  // IDA's interpolating polynomial; y and yp hold the system's size. False outside it.
  bool interpolate(double t, double* y, double* yp) const;

  double t() const;
  const double* y() const;
  const double* yp() const;
  State state() const { return {t(), y(), yp()}; }
  SolverStats stats() const;

  // From now on, attribute every step to the unknown that limited it (StepLimiter; IDA is
  // then asked for one step at a time: the same steps). A diagnostic for choosing
  // tolerances and scales: which unknowns make the steps small. Counts start at zero on
  // each call and are not part of snapshots (a restart counts its own steps).
  void count_step_limiters();
  // The `top` unknowns that limited the most steps since count_step_limiters(), most
  // first (none with zero steps), and in `attributed` the steps counted.
  std::vector<StepLimiter> step_limiters(std::size_t top, std::int64_t& attributed) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steppe
