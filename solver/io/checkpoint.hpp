// Checkpoints: everything a run needs to continue exactly where it stopped.
//
// A checkpoint is a small HDF5 file (file_type "steppe-checkpoint"): root attributes
// name the study (its text as run, overrides applied), the results file and how much of
// it was written (samples, events), the next output index and the wall time so far;
// group /state holds the integrator snapshot (Integrator::snapshot(): y, y', IDA's step
// history, the Jacobian in use, statistics, every event source's discrete state), one
// f8 dataset per array. It is written to a temporary name and renamed, so a checkpoint
// on disk is always whole.
//
// `steppe run --restart CKPT` reloads the study from the checkpoint's text, resumes the
// integrator and continues the same results file (cut back to the checkpoint's rows).
#pragma once

#include <cstdint>
#include <string>

#include "solver/engine/ida_state.hpp"

namespace steppe {

struct Checkpoint {
  std::string study_path;    // the study file the run started from (CSV paths are relative to it)
  std::string study_text;    // the study as run
  std::string results_path;  // the results file the run writes (final name)
  std::int64_t unknowns = 0, nonzeros = 0;
  std::int64_t next_output = 0;   // index k of the next output sample (t = k · interval)
  std::int64_t samples = 0;       // rows written to the results file
  std::int64_t events = 0;        // events written to the results file
  double checkpoint_every = 0.0;  // s simulated; 0 = only on a signal
  double wall_seconds = 0.0;      // wall time spent up to the checkpoint
  std::string reason;             // "periodic", "SIGTERM", "SIGINT"
  Snapshot state;
};

// Throws std::runtime_error naming the path.
void write_checkpoint(const std::string& path, const Checkpoint& c);
Checkpoint read_checkpoint(const std::string& path);

// The checkpoint a run writing `results_path` keeps: results_path + ".ckpt".
std::string default_checkpoint_path(const std::string& results_path);

}  // namespace steppe
