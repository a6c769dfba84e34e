// A run of a study, one step at a time — open, initialise, advance_to, close (EPANET's
// open/init/next/close). `steppe run` and `steppe sweep` drive it through run_study()
// (solver/run/simulation.hpp); a coupled model, a controller in the loop or a Python
// binding can drive it directly:
//
//   Run run(study);                       // open: the integrator, nothing computed yet
//   run.add_observer(writer);             // results file, progress, checkpoints, …
//   run.initialise();                     // steady start (or run.resume(checkpoint))
//   while (run.advance_to(t) == Run::Progress::Reached) { read run.state(); t += …; }
//   run.close();                          // observers hear how it ended
//
// Output samples are taken at the study's output times (k · output_interval, and the end);
// advance_to(t) integrates through every output time up to t, telling the observers of the
// events on the way and of each sample. An observer may ask the run to stop (a signal, a
// wall-time limit): advance_to returns Stopped after the current sample — or between
// samples, when the interrupt poll (set_interrupt) stops the integrator at a step.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "solver/engine/integrator.hpp"
#include "solver/study/study.hpp"

namespace steppe {

class Run;

// How a run ended.
enum class RunStatus { Complete, Failed, Interrupted };
const char* status_name(RunStatus s);  // "complete", "failed", "interrupted"

struct RunEnd {
  RunStatus status = RunStatus::Complete;
  std::string message;  // the failure or the reason of the stop
  int exit_code = 0;    // 0 complete, 1 solver failure, 128 + signal
};

// Sees a run go by. Observers are told in the order they were added.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // The initial state is found, or a checkpoint resumed (run.resumed()).
  virtual void started(Run& run) { (void)run; }
  // Events recorded since the last call (before the sample that follows them).
  virtual void events(Run& run, std::span<const EventRecord> records) { (void)run, (void)records; }
  // An output sample at run.t(); run.next_output() is the index of the next one.
  virtual void sample(Run& run) { (void)run; }
  // The integrator stopped between two samples at run.t() because the interrupt poll
  // (Run::set_interrupt) said so; advance_to then returns Stopped.
  virtual void interrupted(Run& run) { (void)run; }
  // The run ends (close()).
  virtual void finished(Run& run, const RunEnd& end) { (void)run, (void)end; }
};

class Run {
 public:
  enum class Progress { Reached, Finished, Stopped, Failed };

  // Opens a run of `study` (which must outlive it). `wall_before` is the wall time spent
  // before a restart, counted in wall_seconds().
  explicit Run(Study& study, double wall_before = 0.0);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // An observer added after resume() is told started() at once (a restart checks the
  // checkpoint against the integrator before it opens the results file).
  void add_observer(RunObserver& observer);
  // Tell `observer` of every internal step of the integrator (solver/run/extremes.hpp).
  // After resume() from a snapshot taken between samples, it gets back what it had.
  void watch_steps(StepObserver& observer);
  // Asked after every integrator step; true stops the run there, between samples: the
  // observers hear interrupted() (a checkpoint is taken at that time) and advance_to
  // returns Stopped. A stop signal checked at samples only could wait a whole output
  // interval.
  void set_interrupt(std::function<bool()> poll) { integ_->set_interrupt(std::move(poll)); }
  // Attribute every step from now on to the unknown that limited it (Integrator).
  void count_step_limiters() { integ_->count_step_limiters(); }

  // Finds the initial state and takes the first sample. A failure is reported by the
  // returned Failed (message in end()), as for advance_to.
  Progress initialise();
  // Continues from a snapshot (snapshot()) instead, the next output sample being
  // `next_output`. Throws std::runtime_error when the snapshot does not fit the study.
  void resume(const Snapshot& snapshot, std::int64_t next_output);

  // Integrates to t (clamped to the end of the study), sampling at every output time on
  // the way. Reached: at t; Finished: at the end of the study; Stopped: an observer asked
  // to stop (at the sample just taken); Failed: the solver gave up (end() says where).
  Progress advance_to(double t);
  // Asked by an observer: stop after the current sample (status Interrupted).
  void request_stop(std::string reason, int exit_code);
  // The end of the run; tells the observers. Idempotent.
  void close();

  const Study& study() const { return study_; }
  const System& system() const { return study_.system; }
  const Integrator& integrator() const { return *integ_; }
  double t() const { return integ_->t(); }
  double t_end() const { return study_.settings.duration; }
  State state() const { return integ_->state(); }
  // The output frame (System::write_outputs) of the current state, computed once per
  // sample and shared by the observers that need it (results file, constraint monitor).
  // An observer told before the results file may fill columns the components leave NaN
  // (the exact extremes).
  std::vector<double>& frame();
  bool resumed() const { return resumed_; }
  // Index k of the next output sample (at k · output_interval).
  std::int64_t next_output() const { return next_output_; }
  // The integrator's snapshot and what the step observer has gathered since the last
  // sample ("step_observer").
  Snapshot snapshot() const;
  SolverStats stats() const { return integ_->stats(); }
  double wall_seconds() const;
  // How the run ended, or is ending (status Complete until something else happens).
  const RunEnd& end() const { return end_; }

 private:
  void take_sample();
  void report_events();
  Progress fail(const SolverFailure& e);
  Progress stop_between_samples();

  Study& study_;
  std::unique_ptr<Integrator> integ_;
  std::vector<RunObserver*> observers_;
  StepObserver* step_observer_ = nullptr;
  std::vector<double> step_observer_saved_;  // from the snapshot resumed
  std::vector<EventRecord> pending_;
  std::vector<double> frame_;
  double frame_t_ = -1.0;
  bool frame_valid_ = false;
  std::int64_t next_output_ = 1;
  bool resumed_ = false, stop_requested_ = false, closed_ = false;
  RunEnd end_;
  double wall_before_ = 0.0;
  std::chrono::steady_clock::time_point wall0_;
};

}  // namespace steppe
