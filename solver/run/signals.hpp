// Stopping a run from outside: SIGTERM and SIGINT (what SLURM and a terminal send before
// killing a job) set a flag instead of killing the process; a running study checks it
// after every integrator step (run_study: Run::set_interrupt), writes a checkpoint there,
// closes its results and returns 128 + the signal's number.
#pragma once

namespace steppe {

void install_stop_handlers();
// The signal received (SIGTERM, SIGINT), or 0.
int stop_signal();
// For tests: forget a received signal.
void clear_stop_signal();

}  // namespace steppe
