// Guarding the files of a results destination, so that none is lost or mixed up:
//
// - what may be replaced: a run writes only where there is nothing yet or a regular file
//   (replaced only when asked); a directory, a device, a FIFO, a socket or a symbolic
//   link is never replaced, and that is said before anything runs;
// - who writes: a run holds an exclusive lock on its destination (`<out>.lock`, an
//   advisory flock that the kernel releases when the process ends, however it ends) for
//   as long as it writes `<out>.part`, renames it and its checkpoint; a second writer of
//   the same destination is refused at once, the message naming the holder (pid, host,
//   since when). The lock file is removed when its run ends; one left by a killed run is
//   taken over by the next;
// - which run a file belongs to: every results file carries a `run_id` (random, made when
//   the run starts and kept through its restarts) and the SHA-256 of the study it runs;
//   a checkpoint carries both, and a restart continues only the file they match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "solver/io/checkpoint.hpp"

namespace steppe {

// Throws std::runtime_error unless a run may write `path` (`role` names it in messages:
// "results file", "checkpoint"): nothing is there yet and the nearest existing directory
// above it is a writable directory, or a regular file is there and `replace` is set.
void check_writable_destination(const std::string& path, const std::string& role, bool replace);

// Exclusive ownership of a results destination (see above).
class OutputLock {
 public:
  // Takes the lock `destination` + ".lock"; throws std::runtime_error naming the holder
  // when another process has it, or saying why the lock file cannot be made.
  explicit OutputLock(const std::string& destination);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// What a results file says about its run, read without changing it (SWMR-read when its
// writer was killed). nullopt when it is not a readable HDF5 file.
struct ResultsIdentity {
  std::string file_type;     // "steppe-results"
  std::string run_id;        // "" when absent (written by an older steppe)
  std::string study_sha256;  // of the study text as run
  std::string status;
  std::int64_t samples = 0;  // rows of /time
  std::int64_t events = 0;   // rows of /events/event
};
std::optional<ResultsIdentity> read_results_identity(const std::string& path);

// A new run id: 32 hex digits from the system's random source, the time and the pid.
std::string new_run_id();

// Before a restart touches anything: finds the results file that `c` continues — the
// partial file `final_path` + ".part", or `final_path` itself when the run was stopped
// and renamed — and checks that it is that run's (run id and study hash) and holds the
// rows the checkpoint counts. Leaves it at the partial name (renaming the final file
// when that is the one) and returns that name. Throws std::runtime_error, having changed
// nothing, when no file fits or when the final file fits but an unrelated partial file
// is in the way.
std::string claim_results_for_restart(const Checkpoint& c, const std::string& final_path);
// Whether claim_results_for_restart would find the checkpoint's results file (changes
// nothing).
bool results_fit_checkpoint(const Checkpoint& c, const std::string& final_path);

}  // namespace steppe
