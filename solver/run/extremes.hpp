// Exact extremes between output samples. A component declares a column with
// OutputPlan::extremes (a power zone's frequency and RoCoF); the results file then holds,
// beside that series q, q_lowest and q_highest — the lowest and highest value since the
// previous sample (the first sample: the initial state) — and q_lowest_time and
// q_highest_time, when they occurred (s since the start).
//
// They are the extremes of the integrator's own solution, not of the samples: the tracker
// is told of every internal step IDA accepts (Integrator::set_step_observer) and of every
// state after a jump, and evaluates the owning components' outputs there (not the whole
// frame). Inside a step [t0, t1] it also evaluates the midpoint on IDA's interpolating
// polynomial; where the parabola through the three values peaks inside the step beyond
// both ends and beyond the record so far, a golden-section search on the polynomial finds
// the peak's time to 1e-4 of the step (21 evaluations; its value is then off by at most
// |A|·(1e-4)²/4, A the parabola's curvature over the step: 2.5e-9 of the change within the
// step — 1e-6 took 31 evaluations, 7 % of the corridor's run, for nothing visible). A frequency
// nadir between two samples is thus what an output interval going to zero would sample
// (tests/test_run.cpp checks it against a run sampled every 10 ms).
//
// Restart: a checkpoint carries the record so far (a stop signal can stop a run between
// two samples), so a run continued from one gives the same extremes. Going back to a kink
// (the integrator restarting there after a failure) restores the record as it was at the
// kink.
#pragma once

#include <cmath>
#include <vector>

#include "solver/engine/integrator.hpp"
#include "solver/run/run.hpp"

namespace steppe {

// Golden-section search of [a, b] for the largest f(t), to `tol` or to the resolution of t,
// whichever is coarser: it stops when a step no longer shrinks the bracket (late in a long
// run doubles near t are far apart: 4.7e-10 s at t = 2.5e6 s, so a tolerance of 1e-6 of a
// 1e-4 s step could never be met). Returns the best point seen (t, f(t)); `evaluations`
// counts the calls of f.
struct GoldenResult {
  double t, value;
  int evaluations;
};
template <class F>
GoldenResult golden_max(F&& f, double a, double b, double tol) {
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double x1 = b - g * (b - a), x2 = a + g * (b - a);
  double f1 = f(x1), f2 = f(x2);
  int n = 2;
  while (b - a > tol && std::isfinite(f1) && std::isfinite(f2)) {
    const double width = b - a;
    if (f1 > f2) {
      b = x2, x2 = x1, f2 = f1;
      x1 = b - g * (b - a), f1 = f(x1);
    } else {
      a = x1, x1 = x2, f1 = f2;
      x2 = a + g * (b - a), f2 = f(x2);
    }
    ++n;
    if (!(b - a < width) || !(x1 < x2)) break;  // at the resolution of t
  }
  if (!std::isfinite(f1)) return {x2, f2, n};
  if (!std::isfinite(f2)) return {x1, f1, n};
  return f1 >= f2 ? GoldenResult{x1, f1, n} : GoldenResult{x2, f2, n};
}

class ExtremesTracker : public RunObserver, public StepObserver {
 public:
  explicit ExtremesTracker(const System& system);
  // Columns tracked (OutputPlan::extremes); nothing to do without.
  std::size_t tracked() const { return columns_.size(); }

  // RunObserver: the initial (or resumed) state opens the record; each sample writes it
  // into the run's frame (it must be told before the results file) and starts anew.
  void started(Run& run) override;
  void sample(Run& run) override;
  // StepObserver
  void step(double t0, double t1, const Integrator& integ) override;
  void jumped(const Integrator& integ) override;
  void mark() override { saved_ = record_; }
  void rewind() override { record_ = saved_; }
  // The record so far (lo, lo_t, hi, hi_t, last per column), for a checkpoint taken between
  // samples; restore() takes it back, and the started() that follows keeps it.
  std::vector<double> save() const override;
  void restore(const std::vector<double>& saved) override;

 private:
  struct Record {
    double lo, lo_t, hi, hi_t;
    double last;  // the value at the end of what was told
  };
  // The tracked values at state s (the owning components' outputs only).
  void evaluate(const State& s, std::vector<double>& out);
  // The value of tracked column k at t inside the last step.
  double value_at(const Integrator& integ, std::size_t k, double t);
  void restart(const State& s);
  void update(std::size_t k, double v, double t);
  void refine(const Integrator& integ, std::size_t k, double t0, double t1, bool highest);

  const System& system_;
  std::vector<ResultsLayout::Extreme> columns_;
  std::vector<int> components_;  // the components computing them
  std::vector<double> frame_, y_, yp_, v1_, vm_;
  std::vector<Record> record_, saved_;
  bool restored_ = false;  // restore() since the last started()
};

}  // namespace steppe
