// Running a loaded study from start to end, as `steppe run` and each scenario of
// `steppe sweep` do: a Run (solver/run/run.hpp) with the observers the options ask for —
// the results file, progress on the terminal, checkpoints and stop signals, the Jacobian
// check — and the final status (complete / failed / interrupted) with solver statistics.
#pragma once

#include <functional>
#include <string>

#include "solver/io/checkpoint.hpp"
#include "solver/io/results_file.hpp"
#include "solver/run/constraints.hpp"
#include "solver/run/observers.hpp"
#include "solver/study/study.hpp"

namespace steppe {

struct RunOptions {
  std::string output;  // results path; "" = the study's own choice
  ProgressMode progress = ProgressMode::Auto;
  bool check_jacobian = false;  // compare analytic and finite-difference Jacobians first
  // Attribute every step to the unknown that limited it; RunResult::step_limiters.
  bool step_report = false;
  // Checkpoints (see solver/io/checkpoint.hpp): written every `checkpoint_every` s of
  // simulated time (0: never) and when SIGTERM/SIGINT arrives (stop_signal()), to
  // `checkpoint_path` ("" = default_checkpoint_path(output)). A run that completes
  // removes its checkpoint.
  double checkpoint_every = 0.0;
  std::string checkpoint_path;
  // Continue from this checkpoint instead of starting (the study must be the one loaded
  // from its text); the results file named in it is continued, or `output` if given
  // (a sweep directory that was moved) — only if that file is the checkpoint's run's.
  const Checkpoint* restart = nullptr;
  // A fresh run may replace an existing results file (`steppe run --force`) and the
  // partial file of an unfinished run. Never anything but a regular file.
  bool replace = false;
  // Extra root attributes for the results file (e.g. a sweep scenario's name).
  std::vector<Attribute> extra_attributes;
  // More observers, told after the results file and the progress display.
  std::vector<RunObserver*> observers;
  // Called after every integrator step (a sweep's rank 0 answering MPI work requests:
  // a worker waits one step, not one output interval).
  std::function<void()> step_poll;
};

struct RunResult {
  int exit_code = 0;  // 0 complete, 1 solver failure, 128 + signal when stopped by one
  std::string output_path;
  std::string message;  // the failure, if any
  SolverStats stats;
  double wall_seconds = 0.0;
  long samples = 0;
  long events = 0;
  std::string checkpoint_path;        // the checkpoint written when the run was stopped, or ""
  std::vector<Violation> violations;  // the monitored limits that were violated
  std::size_t monitored = 0;          // limits monitored
  // With RunOptions::step_report: the 10 unknowns that limited the most steps of this
  // run (a restart: of its own steps), and the steps attributed.
  std::vector<StepLimiter> step_limiters;
  std::int64_t steps_attributed = 0;
};

// The results path a run of `study` writes by default: study.output, or
// outputs/<study file stem>.h5 relative to the current directory.
std::string default_output_path(const Study& study);

// Where a run writes while it goes: `output_path` + ".part", renamed to `output_path` when
// the run ends (complete or failed). A running study can be watched there (SWMR).
std::string partial_path(const std::string& output_path);

// Integrates the study and writes its results file. A solver failure ends with
// exit_code 1, the file keeping every sample so far with status "failed". SIGTERM or
// SIGINT ends it after the current output sample with a checkpoint, the results closed
// with status "interrupted", and exit_code 143 or 130.
//
// Before anything is computed it takes the destination (solver/io/output_guard.hpp): the
// lock of the results file (and of a checkpoint path of its own), the check that only
// regular files are replaced (and only with `replace`), and for a restart that the
// results file is the checkpoint's run's. Any of these refusing throws
// std::runtime_error (exit 2) with nothing changed; so does a results file that cannot
// be written.
RunResult run_study(Study& study, const RunOptions& options);

// Throws std::runtime_error unless checkpoint `c` fits `study` (the study loaded from its
// text): its sizes, its study's hash, and its time, which must be that of the output sample
// before `c.next_output`. read_checkpoint has checked the file itself.
void check_checkpoint_fits(const Checkpoint& c, const Study& study);

}  // namespace steppe
