// Checkpoints: everything a run needs to continue exactly where it stopped.
//
// A checkpoint is a small HDF5 file (file_type "steppe-checkpoint", format_version "2.0"):
// root attributes name the run (run_id, the SHA-256 of its study text), the study (its
// text as run, overrides applied), the results file and how much of it was written
// (samples, events), the next output index and the wall time so far; group /state holds
// the integrator snapshot (Integrator::snapshot(): y, y', IDA's step history, the
// Jacobian in use, statistics, every event source's discrete state) and, in step_observer,
// the exact extremes gathered since the last sample (Run::snapshot(): a stop signal can
// stop a run between samples), one f8 dataset per array. It is written to a temporary name and renamed, so a checkpoint on disk is
// always whole.
//
// Integrity: every /state dataset carries the SHA-256 of its values (attribute sha256),
// and the root attribute checksum_sha256 covers every root attribute and every dataset's
// name, length and digest. Reading verifies all of them and the plain consistency of the
// numbers (counts, sizes, times): a flipped bit, a truncated file or an edited value is
// refused with the block named, never integrated.
//
// `steppe run --restart CKPT` reloads the study from the checkpoint's text, checks that the
// results file beside it is that run's (solver/io/output_guard.hpp), resumes the
// integrator and continues the same results file (cut back to the checkpoint's rows).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "solver/engine/ida_state.hpp"

namespace steppe {

struct Checkpoint {
  std::string run_id;        // the run's id, as in its results file
  std::string study_sha256;  // of study_text (set by write_checkpoint)
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
// Throws std::runtime_error naming the path and what is wrong (missing, not a checkpoint,
// another format version, a block that does not match its checksum, inconsistent
// numbers).
Checkpoint read_checkpoint(const std::string& path);

// The same in memory (the checkpoint-reader fuzz target and tests): the bytes of the file
// write_checkpoint would write, and reading such bytes (`label` names them in messages).
// `seal` = false leaves the checksums out, as a file edited by hand would lack them.
std::vector<unsigned char> checkpoint_image(const Checkpoint& c, bool seal = true);
Checkpoint read_checkpoint_image(const void* data, std::size_t size, const std::string& label);

// The checkpoint a run writing `results_path` keeps: results_path + ".ckpt".
std::string default_checkpoint_path(const std::string& results_path);

}  // namespace steppe
