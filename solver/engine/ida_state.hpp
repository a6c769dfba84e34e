// Saving and restoring IDA's complete integration state, so that a run continued from a
// checkpoint takes the same steps as a run that never stopped.
//
// IDA has no public API for this: its state (the BDF history phi, step sizes and order,
// the Newton and error-test bookkeeping, the root finder's bracketing values, the
// counters) lives in IDAMemRec, declared in the installed private header ida/ida_impl.h.
// This file is the only place that reads or writes it, and it is written for the
// SUNDIALS version Debian 12 ships (6.4): a different major/minor version fails to
// compile here (see the static_assert), rather than restoring the wrong fields.
//
// Restoring: the caller sets IDA up as for a fresh run (IDAInit, tolerances, linear
// solver, root functions), then calls restore_ida_state(), which runs IDA's own initial
// set-up (error weights, linear-solver and Newton initialisation) and then overwrites
// the step history, step control, counters and root-finding state; the caller finally
// refills the Jacobian matrix and factorises it (see Integrator::resume). The linear
// solver's factors are recomputed from the same Jacobian values, so the first Newton
// iterations after a restart see the same matrix as the uninterrupted run (KLU may pick
// other pivots than an earlier refactorisation did: differences at round-off level).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace steppe {

// Named arrays of doubles (integers and flags stored exactly as doubles).
struct Snapshot {
  std::vector<std::pair<std::string, std::vector<double>>> arrays;

  void put(const std::string& name, std::vector<double> values);
  // Throws std::runtime_error("checkpoint: no '<name>'") when absent.
  const std::vector<double>& get(const std::string& name) const;
  bool has(const std::string& name) const;
};

// KLU pivots at its first factorisation (and again when its refactorisations degrade,
// see KluHistoryAccess::setup) and keeps that pivot order in every later refactorisation, so its
// factors depend on which matrix it last pivoted on, not only on the current one. KluHistory
// records that matrix (by wrapping the solver's setup operation) so that a restart can
// pivot on the same matrix and then refactorise with the current one: the same factors,
// bit for bit, as the run that never stopped.
class KluHistory {
 public:
  KluHistory() = default;
  KluHistory(const KluHistory&) = delete;
  KluHistory& operator=(const KluHistory&) = delete;
  ~KluHistory() { detach(); }
  // Starts recording the setups of `klu` (a SUNLinearSolver of the KLU kind).
  void attach(void* klu);
  void detach();
  // Appends "klu.pivot_matrix" and "klu.pivot_is_last" to `out`.
  void save(Snapshot& out) const;
  // Leaves `klu` holding the factors the saved run had for the matrix `A` (a sparse
  // SUNMatrix) whose values are `current`: pivots on the saved matrix, then refactorises
  // with `current`. Throws std::runtime_error if a factorisation fails.
  void restore(const Snapshot& in, void* A, const std::vector<double>& current);

 private:
  friend struct KluHistoryAccess;
  void* klu_ = nullptr;
  std::vector<double> pivot_matrix_;  // CSC values of the last full factorisation
  bool pivot_is_last_ = false;        // the last setup was that full factorisation
  double fresh_rcond_ = 0.0;          // KLU's rcond right after that factorisation
};

// Appends IDA's state ("ida.*" arrays) to `out`. `ida_mem` is the IDA memory.
void save_ida_state(void* ida_mem, Snapshot& out);
// Restores what save_ida_state wrote into an IDA memory set up for the same system
// (same size, options and root count). Throws std::runtime_error on a mismatch.
void restore_ida_state(void* ida_mem, const Snapshot& in);

}  // namespace steppe
