// `steppe sweep`: runs the scenarios of a study's sweep block, each to its own results
// file in one directory, and writes the directory's ensemble index (solver/batch/ensemble.hpp).
//
//   serial        steppe sweep STUDY -o DIR             every scenario, one after another
//   MPI           mpirun -np N steppe sweep STUDY -o DIR
//                 rank 0 hands out scenario indices on request (it runs scenarios too and
//                 answers requests after each of its solver steps); each rank writes its own
//                 files; rank 0 writes the index once every rank is done.
//   SLURM array   steppe sweep STUDY -o DIR --index $SLURM_ARRAY_TASK_ID   one scenario
//                 steppe sweep --gather DIR                              the index afterwards
//
// A directory is resumable: a scenario whose results file is complete for the same
// study text is kept (unless `force`), one with a checkpoint beside its file
// (interrupted by SIGTERM, or killed after a periodic checkpoint) continues from it, any
// other is run afresh. A failed scenario is recorded in the index and does not stop the
// others. SIGTERM/SIGINT stop the sweep: running scenarios write checkpoints, nothing new
// starts, the index is written, and the exit code is 143/130.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "solver/study/study.hpp"

namespace steppe {

struct SweepOptions {
  std::string dir;                     // output directory
  std::vector<std::string> overrides;  // --set, applied to the base study first
  std::optional<int> index;            // run only this scenario (SLURM arrays)
  bool force = false;                  // rerun scenarios that are already complete
  double checkpoint_every = 0.0;       // s simulated, for every scenario; 0 = on signals only
  bool quiet = false;                  // no per-scenario lines
};

// Exit code: 0 every scenario run complete, 1 some failed, 2 bad input (thrown as
// InputError by the loader), 128 + signal when stopped.
int run_sweep(const std::string& study_path, std::span<const Domain> domains,
              const SweepOptions& options);
// The number of scenarios (for SLURM array ranges) and their list.
int count_scenarios(const std::string& study_path, std::span<const Domain> domains,
                    const std::vector<std::string>& overrides, bool list);
// Writes DIR/ensemble.h5 from DIR/sweep.yaml and the scenario files; exit code 0 when
// every scenario is complete, 1 otherwise.
int gather_sweep(const std::string& dir, bool quiet);

// Whether this process was started by mpirun/srun with more than one rank.
bool launched_under_mpi();

}  // namespace steppe
