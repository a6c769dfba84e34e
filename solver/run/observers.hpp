// What watches a run (solver/run/run.hpp): the results file, the progress display,
// checkpoints and stop signals, the Jacobian check. run_study() assembles them; a program
// driving a Run itself picks the ones it wants.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "solver/io/checkpoint.hpp"
#include "solver/io/results_file.hpp"
#include "solver/run/run.hpp"

namespace steppe {

// The results file of a run. It is written under a temporary name beside the target
// (`final_path` + ".part") and renamed when the run ends (complete, failed or interrupted,
// with its status): a killed run never replaces an earlier good file. Continuing a
// checkpoint (`restart`) reopens that partial file, cut back to the checkpoint's rows
// (claim_results_for_restart, solver/io/output_guard.hpp, has checked that it is the
// checkpoint's and put it there). Whoever drives it holds the destination's OutputLock.
class ResultsWriter : public RunObserver {
 public:
  // Creates the file (or continues it); throws std::runtime_error when it cannot.
  ResultsWriter(const Study& study, const std::string& final_path, const Checkpoint* restart,
                const std::vector<Attribute>& extra_attributes);

  void events(Run& run, std::span<const EventRecord> records) override;
  void sample(Run& run) override;
  // Final status, solver statistics and the components' summaries; closes and renames.
  void finished(Run& run, const RunEnd& end) override;

  // Writes what is buffered and flushes the file (before a checkpoint names its rows).
  void flush() { file_->flush(); }
  // A table written when the file closes (the constraint monitor's, which finishes first).
  void add_table(Table table) { tables_.push_back(std::move(table)); }
  // See ResultsFile::at_whole_chunks: where a periodic checkpoint is taken.
  bool at_whole_chunks() const { return file_->at_whole_chunks(); }
  std::int64_t samples_written() const { return file_->samples_written(); }
  std::int64_t events_written() const { return file_->events_written(); }
  long samples() const { return samples_; }  // taken so far, including before a restart
  long events() const { return events_; }
  const std::string& final_path() const { return final_path_; }

 private:
  std::string final_path_, part_path_;
  std::unique_ptr<ResultsFile> file_;
  std::vector<Table> tables_;
  long samples_ = 0, events_ = 0;
  double output_seconds_ = 0.0;  // wall time spent writing
};

// Checkpoints every `every` s of simulated time (0: never) and when SIGTERM/SIGINT arrives
// (then the run stops with exit code 128 + signal): at the next sample, or between samples
// when the run's interrupt poll stopped the integrator there (run_study polls the signal
// after every step). A run that does not end interrupted
// removes its checkpoint: stale once complete, and a failed run continued from it would
// fail the same way.
class Checkpointer : public RunObserver {
 public:
  // `run_id` names the run in each checkpoint, as its results file does.
  Checkpointer(const Study& study, ResultsWriter& writer, std::string path, double every,
               std::string run_id);
  void started(Run& run) override;
  void sample(Run& run) override;
  void interrupted(Run& run) override;
  void finished(Run& run, const RunEnd& end) override;
  const std::string& path() const { return path_; }

 private:
  void write(Run& run, const std::string& reason);
  void stop(Run& run, int sig);  // a checkpoint for signal `sig`, then the run stops
  const Study& study_;
  ResultsWriter& writer_;
  std::string path_, run_id_;
  double every_ = 0.0, last_ = 0.0;
};

enum class ProgressMode { Auto, Bar, Lines, Quiet };

// Progress on stderr: a bar redrawn in place on a terminal, plain lines otherwise.
class ProgressDisplay : public RunObserver {
 public:
  explicit ProgressDisplay(ProgressMode mode);
  void started(Run& run) override;
  void sample(Run& run) override { update(run.t(), false); }
  void finished(Run& run, const RunEnd& end) override;

 private:
  void update(double t, bool final);
  ProgressMode mode_;
  double t0_ = 0.0, t_end_ = 1.0;
  std::chrono::steady_clock::time_point started_, last_;
  double next_line_frac_ = 0.1;
  bool printed_final_ = false;
};

// Compares the analytic and finite-difference Jacobians at the initial state (at cj = 0
// and cj = 1/output interval) and prints the worst entry on stderr.
class JacobianCheckReport : public RunObserver {
 public:
  void started(Run& run) override;
};

}  // namespace steppe
