#include "solver/engine/integrator.hpp"

#include <fmt/format.h>
#include <ida/ida.h>
#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <numeric>

#include "solver/engine/fast_vector.hpp"

namespace steppe {

namespace {

// IDAGetReturnFlagName/KINGetReturnFlagName return a malloc'd string the caller frees.
std::string flag_name(char* name) {
  std::string s = name ? name : "?";
  std::free(name);
  return s;
}

// RAII for the SUNDIALS objects; declared so that the solver memory is freed before the
// linear solver, the matrix and the vectors, and the context last.
struct ContextDeleter {
  void operator()(SUNContext c) const { SUNContext_Free(&c); }
};
struct VectorDeleter {
  void operator()(N_Vector v) const { N_VDestroy(v); }
};
struct MatrixDeleter {
  void operator()(SUNMatrix m) const { SUNMatDestroy(m); }
};
struct LinSolDeleter {
  void operator()(SUNLinearSolver s) const { SUNLinSolFree(s); }
};
struct IdaDeleter {
  void operator()(void* m) const { IDAFree(&m); }
};
struct KinDeleter {
  void operator()(void* m) const { KINFree(&m); }
};
using ContextPtr = std::unique_ptr<std::remove_pointer_t<SUNContext>, ContextDeleter>;
using VectorPtr = std::unique_ptr<std::remove_pointer_t<N_Vector>, VectorDeleter>;
using MatrixPtr = std::unique_ptr<std::remove_pointer_t<SUNMatrix>, MatrixDeleter>;
using LinSolPtr = std::unique_ptr<std::remove_pointer_t<SUNLinearSolver>, LinSolDeleter>;
using IdaPtr = std::unique_ptr<void, IdaDeleter>;
using KinPtr = std::unique_ptr<void, KinDeleter>;

std::string flag_meaning(int flag) {
  switch (flag) {
    case IDA_TOO_MUCH_WORK:
      return "too many steps before the next output (raise solver.max_steps)";
    case IDA_TOO_MUCH_ACC:
      return "the tolerances cannot be met in floating point";
    case IDA_ERR_FAIL:
      return "the error test failed repeatedly or with the minimum step";
    case IDA_CONV_FAIL:
      return "the Newton iteration failed to converge repeatedly or with the minimum step";
    case IDA_LINIT_FAIL:
      return "the linear solver's setup failed";
    case IDA_LSETUP_FAIL:
      return "the Jacobian factorisation failed (a singular or non-finite Jacobian)";
    case IDA_LSOLVE_FAIL:
      return "the linear solve failed";
    case IDA_RES_FAIL:
      return "the residual failed unrecoverably";
    case IDA_REP_RES_ERR:
      return "the residual failed repeatedly (non-finite values)";
    case IDA_RTFUNC_FAIL:
      return "a root function failed";
    case IDA_CONSTR_FAIL:
      return "a constraint could not be met";
    case IDA_FIRST_RES_FAIL:
      return "the first residual call failed";
    case IDA_NO_RECOVERY:
      return "the initial-condition calculation could not recover from a residual error";
    case IDA_BAD_EWT:
      return "an error weight became non-positive (a non-finite or too small state)";
    case IDA_ILL_INPUT:
      return "an input to IDA was illegal";
    default:
      return "see the SUNDIALS IDA documentation";
  }
}

// KLU's initialise (called by IDA at every (re)initialisation) forces a new symbolic
// analysis and a full factorisation with pivoting. The pattern never changes during a
// run, so once analysed, KLU keeps its symbolic analysis and pivot order and only
// refactorises numerically (its own condition check still falls back to a full
// factorisation when the pivots degrade).
int klu_initialise_keeping_analysis(SUNLinearSolver S) {
  auto* content = static_cast<SUNLinearSolverContent_KLU>(S->content);
  if (!content->symbolic || !content->numeric) content->first_factorize = 1;
  content->last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

}  // namespace

struct Integrator::Impl {
  System& sys;
  SolverOptions opt;
  double t0, t_end;
  double t = 0.0;
  double stop = 0.0;  // the stop time currently set
  int n = 0;
  std::string callback_error;  // kept from a failing callback
  // Root-function calls in the current IDASolve call: IDA's root search converges in a few
  // dozen per root, and a restored history no run can have (a forged checkpoint) could
  // keep it searching for ever; beyond kMaxRootCalls the search is a solver failure.
  long root_calls = 0;
  static constexpr long kMaxRootCalls = 1000000;
  std::string ida_message;           // IDA's own last error text
  SolverStats totals;                // accumulated over re-initialisations
  std::vector<double> dense_values;  // CSC values when the linear solver is dense
  std::vector<int> roots_found;      // IDAGetRootInfo's flags, sized once
  // Stop times: the residual's rows on either side of a stop (left and right limits of
  // the inputs) and each row's typical size, to tell a jump from a kink.
  std::vector<double> f_left, f_right, row_size;
  std::vector<double> jac_cj1, jac_cj0;  // the Jacobian at cj = 1 and 0 (mark_differential)
  // IDA's state at the last stop it went on across with its history (a kink): if IDA fails
  // before the next stop, the engine goes back there and restarts instead.
  double kink_t = -1.0;
  std::vector<double> kink_y, kink_yp;
  StepObserver* observer = nullptr;
  // Step limiters (count_step_limiters): per unknown, the steps whose weighted local error
  // estimate it had the largest of; the vectors are IDA's weights and estimates.
  std::vector<std::int64_t> limiters;
  std::int64_t limited_steps = 0;
  VectorPtr limiter_w, limiter_e;
  // Data-less vectors with IDA's vector operations for interpolate(), pointed at the
  // caller's arrays (no allocation per call; a plain serial vector would fall back to
  // SUNDIALS' unoptimised, unfused operations).
  VectorPtr dky_y, dky_yp;
  std::function<bool()> interrupt;  // asked after each step
  bool interrupted = false;         // the last advance() stopped early
  double hin = 0.0;                 // the first step IDA was given (IDASetInitStep; 0: its own)
  Integrator* self = nullptr;       // what the observer is given

  ContextPtr ctx;
  VectorPtr y, yp, id, atol, tmp;
  MatrixPtr A;
  LinSolPtr LS;
  KluHistory klu_history;  // declared after LS: detaches before the solver is freed
  IdaPtr ida;

  Impl(System& s, const SolverOptions& o, double t0_, double tend_)
      : sys(s), opt(o), t0(t0_), t_end(tend_), t(t0_), n(s.size()) {}

  double* Y() const { return N_VGetArrayPointer(y.get()); }
  double* YP() const { return N_VGetArrayPointer(yp.get()); }

  // Calls `f` and turns any exception into an error code, keeping the message.
  template <class F>
  int guarded(F&& f) noexcept {
    try {
      return f();
    } catch (const std::exception& e) {
      callback_error = e.what();
    } catch (...) {
      callback_error = "unknown exception in a model callback";
    }
    return -1;
  }

  // A sparse J gets the system's CSC pattern (its values are written separately).
  void copy_pattern(SUNMatrix J) const {
    std::copy(sys.col_ptr().begin(), sys.col_ptr().end(), SM_INDEXPTRS_S(J));
    std::copy(sys.row_index().begin(), sys.row_index().end(), SM_INDEXVALS_S(J));
  }
  // A dense J gets the CSC values in dense_values (sized once in create()).
  void scatter_dense(SUNMatrix J) const {
    SUNMatZero(J);
    const auto& cp = sys.col_ptr();
    const auto& ri = sys.row_index();
    for (int c = 0; c < n; ++c)
      for (auto k = cp[std::size_t(c)]; k < cp[std::size_t(c) + 1]; ++k)
        SM_ELEMENT_D(J, ri[std::size_t(k)], c) = dense_values[std::size_t(k)];
  }

  void fill_matrix(SUNMatrix J, double tt, const double* yy, const double* yyp, double cj) {
    if (SUNMatGetID(J) == SUNMATRIX_SPARSE) {
      copy_pattern(J);
      sys.jacobian(tt, yy, yyp, cj, SM_DATA_S(J));
    } else {
      sys.jacobian(tt, yy, yyp, cj, dense_values.data());
      scatter_dense(J);
    }
  }

  static int residual_cb(sunrealtype tt, N_Vector yy, N_Vector yyp, N_Vector rr, void* user) {
    auto* self = static_cast<Impl*>(user);
    return self->guarded([&] {
      bool ok = self->sys.residual(tt, N_VGetArrayPointer(yy), N_VGetArrayPointer(yyp),
                                   N_VGetArrayPointer(rr));
      if (!ok) self->callback_error = self->sys.error();
      return ok ? 0 : 1;  // non-finite: recoverable, IDA retries with a smaller step
    });
  }
  static int jacobian_cb(sunrealtype tt, sunrealtype cj, N_Vector yy, N_Vector yyp, N_Vector,
                         SUNMatrix J, void* user, N_Vector, N_Vector, N_Vector) {
    auto* self = static_cast<Impl*>(user);
    return self->guarded([&] {
      self->fill_matrix(J, tt, N_VGetArrayPointer(yy), N_VGetArrayPointer(yyp), cj);
      return 0;
    });
  }
  static int roots_cb(sunrealtype tt, N_Vector yy, N_Vector yyp, sunrealtype* g, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (++self->root_calls > kMaxRootCalls) {
      self->callback_error = fmt::format(
          "the search for events did not converge ({} root-function calls in one solver call)",
          kMaxRootCalls);
      return 1;
    }
    return self->guarded([&] {
      self->sys.roots(tt, N_VGetArrayPointer(yy), N_VGetArrayPointer(yyp), g);
      return 0;
    });
  }
  static void error_cb(int, const char* module, const char* function, char* msg, void* user) {
    auto* self = static_cast<Impl*>(user);
    self->ida_message = fmt::format("{} {}: {}", module, function, msg);
  }

  void check(int flag, const char* what) {
    if (flag < 0)
      throw SolverFailure(fmt::format("{} failed with flag {} ({})", what, flag,
                                      flag_name(IDAGetReturnFlagName(flag))),
                          t);
  }

  void create() {
    SUNContext c = nullptr;
    if (SUNContext_Create(nullptr, &c) != 0) throw std::runtime_error("SUNContext_Create failed");
    ctx.reset(c);
    y.reset(N_VNew_Serial(n, ctx.get()));
    yp.reset(N_VNew_Serial(n, ctx.get()));
    id.reset(N_VNew_Serial(n, ctx.get()));
    atol.reset(N_VNew_Serial(n, ctx.get()));
    tmp.reset(N_VNew_Serial(n, ctx.get()));
    if (!y || !yp || !id || !atol || !tmp) throw std::runtime_error("could not create vectors");
    if (opt.fast_vectors)
      for (N_Vector v : {y.get(), yp.get(), id.get(), atol.get(), tmp.get()}) use_fast_kernels(v);
    dky_y.reset(N_VCloneEmpty(y.get()));
    dky_yp.reset(N_VCloneEmpty(y.get()));
    if (!dky_y || !dky_yp) throw std::runtime_error("could not create vectors");
    std::fill(Y(), Y() + n, 0.0);
    std::fill(YP(), YP() + n, 0.0);
    for (int i = 0; i < n; ++i) {
      const auto& s = sys.spec(i);
      NV_Ith_S(id.get(), i) = s.kind == VarKind::Differential ? 1.0 : 0.0;
      NV_Ith_S(atol.get(), i) = opt.atol * s.scale;
    }
    make_linear_solver(A, LS);
    if (opt.linear_solver == LinearSolverKind::Klu) {
      LS->ops->initialize = klu_initialise_keeping_analysis;
      klu_history.attach(LS.get());
    }
    roots_found.assign(static_cast<std::size_t>(std::max(1, sys.root_count())), 0);
    if (opt.linear_solver == LinearSolverKind::Dense)
      dense_values.resize(static_cast<std::size_t>(sys.nonzeros()));
    ida.reset(IDACreate(ctx.get()));
    if (!ida) throw std::runtime_error("IDACreate failed");
  }

  // The matrix and linear solver of the chosen kind (KLU on the fixed CSC pattern, or dense).
  void make_linear_solver(MatrixPtr& matrix, LinSolPtr& solver) const {
    if (opt.linear_solver == LinearSolverKind::Klu) {
      matrix.reset(SUNSparseMatrix(n, n, sys.nonzeros(), CSC_MAT, ctx.get()));
      if (matrix && opt.fast_vectors) use_fast_kernels(matrix.get());
      if (matrix) solver.reset(SUNLinSol_KLU(y.get(), matrix.get(), ctx.get()));
    } else {
      matrix.reset(SUNDenseMatrix(n, n, ctx.get()));
      if (matrix) solver.reset(SUNLinSol_Dense(y.get(), matrix.get(), ctx.get()));
    }
    if (!matrix || !solver) throw std::runtime_error("could not create the linear solver");
  }

  void setup_ida() {
    void* m = ida.get();
    check(IDAInit(m, residual_cb, t, y.get(), yp.get()), "IDAInit");
    check(IDASetUserData(m, this), "IDASetUserData");
    check(IDASetErrHandlerFn(m, error_cb, this), "IDASetErrHandlerFn");
    check(IDASVtolerances(m, opt.rtol, atol.get()), "IDASVtolerances");
    check(IDASetLinearSolver(m, LS.get(), A.get()), "IDASetLinearSolver");
    check(IDASetJacFn(m, jacobian_cb), "IDASetJacFn");
    check(IDASetId(m, id.get()), "IDASetId");
    check(IDASetMaxOrd(m, opt.max_order), "IDASetMaxOrd");
    check(IDASetMaxNumSteps(m, opt.max_steps), "IDASetMaxNumSteps");
    if (opt.max_step > 0) check(IDASetMaxStep(m, opt.max_step), "IDASetMaxStep");
    if (opt.initial_step > 0) check(IDASetInitStep(m, opt.initial_step), "IDASetInitStep");
    hin = opt.initial_step > 0 ? opt.initial_step : 0.0;
    if (sys.root_count() > 0) {
      check(IDARootInit(m, sys.root_count(), roots_cb), "IDARootInit");
      IDASetNoInactiveRootWarn(m);
    }
  }

  // Adds IDA's counters since its last (re)initialisation to `s`.
  void add_counters(SolverStats& s) const {
    void* m = ida.get();
    long v = 0;
    IDAGetNumSteps(m, &v), s.steps += v;
    IDAGetNumResEvals(m, &v), s.residual_evals += v;
    IDAGetNumJacEvals(m, &v), s.jacobian_evals += v;
    IDAGetNumNonlinSolvIters(m, &v), s.nonlinear_iterations += v;
    IDAGetNumNonlinSolvConvFails(m, &v), s.nonlinear_failures += v;
    IDAGetNumErrTestFails(m, &v), s.error_test_failures += v;
    IDAGetNumGEvals(m, &v), s.root_evals += v;
    IDAGetNumLinSolvSetups(m, &v), s.linear_setups += v;
  }

  // IDA's consistent initialisation (IDA_YA_YDP_INIT) solves for y' of the unknowns marked
  // differential and for y of the others, and takes the residual to depend on no other
  // unknown's y'. A pressure constraint in its differentiated form (models/common/
  // pressure_constraint.hpp) breaks that where it holds a node without storage (an
  // algebraic pressure) to one with storage — a short pipe from a pipe junction to an exit
  // node: its row holds that node's p', which the initialisation never moves, while its
  // Newton matrix carries cj·∂F/∂p' in that column. The iteration then converges at best
  // linearly and fails on a large enough jump (GasLib-134, day 17). So every unknown whose
  // y' enters the residual in the current modes counts as differential here: its y stays
  // (the constraint keeps c where it was) and its y' is solved for.
  void mark_differential() {
    if (jac_cj1.empty()) {
      jac_cj1.resize(static_cast<std::size_t>(sys.nonzeros()));
      jac_cj0.resize(static_cast<std::size_t>(sys.nonzeros()));
    }
    sys.jacobian(t, Y(), YP(), 1.0, jac_cj1.data());
    sys.jacobian(t, Y(), YP(), 0.0, jac_cj0.data());
    const auto& cp = sys.col_ptr();
    bool changed = false;
    for (int c = 0; c < n; ++c) {
      bool d = sys.spec(c).kind == VarKind::Differential;
      for (auto k = cp[std::size_t(c)]; k < cp[std::size_t(c) + 1] && !d; ++k)
        d = jac_cj1[std::size_t(k)] != jac_cj0[std::size_t(k)];
      const double v = d ? 1.0 : 0.0;
      if (NV_Ith_S(id.get(), c) != v) NV_Ith_S(id.get(), c) = v, changed = true;
    }
    if (changed) check(IDASetId(ida.get(), id.get()), "IDASetId");
  }

  // Makes (y, y') consistent at t: algebraic unknowns and all derivatives from the
  // differential unknowns.
  void consistent_ic() {
    mark_differential();
    double span = std::max(t_end - t, 1e-6);
    double tout1 = t + std::min(span, opt.initial_step > 0 ? opt.initial_step : 1e-3 * span);
    int flag = IDACalcIC(ida.get(), IDA_YA_YDP_INIT, tout1);
    if (flag == IDA_LINESEARCH_FAIL) {
      // Near-consistent starts (right after a mode switch) can stall IDA's line search on
      // a step below its tolerance; plain Newton steps then converge.
      check(IDAReInit(ida.get(), t, y.get(), yp.get()), "IDAReInit");
      IDASetLineSearchOffIC(ida.get(), SUNTRUE);
      flag = IDACalcIC(ida.get(), IDA_YA_YDP_INIT, tout1);
      IDASetLineSearchOffIC(ida.get(), SUNFALSE);
    }
    if (flag < 0) fail(flag, "IDACalcIC (consistent initial values)");
    IDAGetConsistentIC(ida.get(), y.get(), yp.get());
  }

  void reinitialise() {
    double h_last = 0.0;
    IDAGetLastStep(ida.get(), &h_last);
    add_counters(totals);  // IDAReInit resets IDA's own counters
    totals.reinitialisations++;
    check(IDAReInit(ida.get(), t, y.get(), yp.get()), "IDAReInit");
    consistent_ic();
    // A warm restart: the first step after the jump is the one in use before it, bounded
    // by the jump's size as IDA bounds its own first step, h·‖y'‖_wrms ≤ 1/2 (the new
    // derivatives, in IDA's error weights) — instead of IDA's default, which also caps it
    // at a thousandth of the way to the next output.
    if (opt.warm_restart && opt.initial_step <= 0 && h_last > 0) {
      double h0 = h_last;
      if (IDAGetErrWeights(ida.get(), tmp.get()) == IDA_SUCCESS) {
        const double ypnorm = N_VWrmsNorm(yp.get(), tmp.get());
        if (ypnorm > 0.5 / h0) h0 = 0.5 / ypnorm;
      }
      check(IDASetInitStep(ida.get(), h0), "IDASetInitStep");
      hin = h0;
    }
    stop = t;  // force a new stop time
  }

  // After an event: re-initialise, then let every source check that its mode still fits
  // the consistent state (an input step can carry a flow past a limit at once, where no
  // root can see it cross), re-initialising again while some source switches.
  void reinitialise_and_settle(std::vector<EventRecord>& events) {
    for (int round = 0;; ++round) {
      reinitialise();
      const bool again = sys.settle({t, Y(), YP()}, events);
      stop_if_fatal();
      if (!again) return;
      if (round == 20)
        throw SolverFailure(fmt::format("the modes do not settle after an event at t = {:.9g} s "
                                        "(20 rounds; see the last events)",
                                        t),
                            t);
    }
  }

  void steady_start();

  // Each residual row's typical size Σ_j |∂F_i/∂y_j + ∂F_i/∂y'_j·(1 s⁻¹)|·scale_j at the
  // current state: what an input's jump is measured against.
  void measure_rows() {
    std::vector<double> vals(static_cast<std::size_t>(sys.nonzeros()));
    sys.jacobian(t, Y(), YP(), 1.0, vals.data());
    row_size.assign(static_cast<std::size_t>(n), 0.0);
    const auto& cp = sys.col_ptr();
    const auto& ri = sys.row_index();
    for (int c = 0; c < n; ++c)
      for (auto k = cp[std::size_t(c)]; k < cp[std::size_t(c) + 1]; ++k)
        row_size[std::size_t(ri[std::size_t(k)])] +=
            std::abs(vals[std::size_t(k)]) * sys.spec(c).scale;
    f_left.assign(std::size_t(n), 0.0);
    f_right.assign(std::size_t(n), 0.0);
    kink_y.assign(std::size_t(n), 0.0);
    kink_yp.assign(std::size_t(n), 0.0);
  }

  // Whether the residual jumps between f_left and f_right: some row changes by more than
  // 1e-10 of its typical size (a kink of a linear input changes it by rounding only).
  bool residual_jumps() const {
    for (std::size_t i = 0; i < f_left.size(); ++i) {
      const double d = std::abs(f_right[i] - f_left[i]);
      if (!(d <= 1e-10 * row_size[i])) return true;
    }
    return false;
  }

  // |error weight × local error estimate| of every unknown for the last step, in `out`
  // (`scratch`: a vector of the same length); false if IDA has none to give.
  bool weighted_local_errors(N_Vector out, N_Vector scratch) const {
    if (IDAGetErrWeights(ida.get(), out) != IDA_SUCCESS ||
        IDAGetEstLocalErrors(ida.get(), scratch) != IDA_SUCCESS)
      return false;
    N_VProd(out, scratch, out);
    N_VAbs(out, out);
    return true;
  }

  // The unknown with the largest weighted local error estimate of the step just taken.
  void note_step_limiter() {
    if (!weighted_local_errors(limiter_w.get(), limiter_e.get())) return;
    const double* we = NV_DATA_S(limiter_w.get());
    int best = -1;
    double largest = -1.0;
    for (int i = 0; i < n; ++i)
      if (we[i] > largest) largest = we[i], best = i;
    if (best < 0) return;
    ++limiters[static_cast<std::size_t>(best)];
    ++limited_steps;
  }

  // An event said the state left the physical domain: stop with its message.
  void stop_if_fatal() const {
    if (!sys.fatal().empty())
      throw SolverFailure(fmt::format("non-physical state at t = {:.9g} s: {}", t, sys.fatal()), t);
  }

  // Rows of running totals become the identity (y_i − y0_i = 0) in the steady Jacobian.
  void replace_quadrature_rows(SUNMatrix J, const std::vector<std::pair<int, double>>& q) const {
    std::vector<char> is_q(static_cast<std::size_t>(n), 0);
    for (const auto& [i, v] : q) is_q[std::size_t(i)] = 1;
    const auto& cp = sys.col_ptr();
    const auto& ri = sys.row_index();
    for (int c = 0; c < n; ++c)
      for (auto k = cp[std::size_t(c)]; k < cp[std::size_t(c) + 1]; ++k) {
        const auto r = ri[std::size_t(k)];
        if (!is_q[std::size_t(r)]) continue;
        const double v = r == c ? 1.0 : 0.0;
        if (SUNMatGetID(J) == SUNMATRIX_SPARSE)
          SM_DATA_S(J)[k] = v;
        else
          SM_ELEMENT_D(J, r, c) = v;
      }
  }

  [[noreturn]] void fail(int flag, const std::string& during) {
    std::string msg = fmt::format("{} failed at t = {:.9g} s: {} — {}", during, t,
                                  flag_name(IDAGetReturnFlagName(flag)), flag_meaning(flag));
    if (!ida_message.empty()) msg += fmt::format("\n  IDA says: {}", ida_message);
    if (!callback_error.empty()) msg += fmt::format("\n  model: {}", callback_error);
    // The unknowns with the largest weighted local error estimates.
    VectorPtr wv(N_VNew_Serial(n, ctx.get())), ev(N_VNew_Serial(n, ctx.get()));
    if (weighted_local_errors(wv.get(), ev.get())) {
      std::vector<std::pair<double, int>> werr;
      for (int i = 0; i < n; ++i) werr.emplace_back(NV_Ith_S(wv.get(), i), i);
      std::sort(werr.rbegin(), werr.rend());
      msg += "\n  largest weighted local errors:";
      for (std::size_t k = 0; k < std::min<std::size_t>(5, werr.size()); ++k)
        msg +=
            fmt::format("\n    {:.3g}  {} = {:.6g} {}", werr[k].first, sys.describe(werr[k].second),
                        Y()[werr[k].second], sys.spec(werr[k].second).units);
    }
    throw SolverFailure(msg, t);
  }
};

// Steady start: F(t0, y, 0) = 0 by KINSOL with the same sparse Jacobian at cj = 0.
void Integrator::Impl::steady_start() {
  KinPtr kin(KINCreate(ctx.get()));
  if (!kin) throw std::runtime_error("KINCreate failed");
  struct KinData {
    Impl* self;
    std::vector<double> zeros;
    std::vector<std::pair<int, double>> quadratures;  // index, held value
  } data{this, std::vector<double>(static_cast<std::size_t>(n), 0.0), {}};
  // Running totals (quadratures) have no steady state: their rows become y − y0 = 0.
  for (int i = 0; i < n; ++i)
    if (sys.spec(i).quadrature) data.quadratures.emplace_back(i, Y()[i]);
  auto func = [](N_Vector u, N_Vector f, void* user) -> int {
    auto* d = static_cast<KinData*>(user);
    return d->self->guarded([&] {
      const double* uu = N_VGetArrayPointer(u);
      double* ff = N_VGetArrayPointer(f);
      bool ok = d->self->sys.residual(d->self->t0, uu, d->zeros.data(), ff);
      if (!ok) d->self->callback_error = d->self->sys.error();
      for (const auto& [i, y0] : d->quadratures) ff[i] = uu[i] - y0;
      return ok ? 0 : 1;
    });
  };
  auto jac = [](N_Vector u, N_Vector, SUNMatrix J, void* user, N_Vector, N_Vector) -> int {
    auto* d = static_cast<KinData*>(user);
    return d->self->guarded([&] {
      d->self->fill_matrix(J, d->self->t0, N_VGetArrayPointer(u), d->zeros.data(), 0.0);
      if (!d->quadratures.empty()) d->self->replace_quadrature_rows(J, d->quadratures);
      return 0;
    });
  };
  MatrixPtr KA;
  LinSolPtr KLS;
  make_linear_solver(KA, KLS);
  void* k = kin.get();
  auto kcheck = [&](int flag, const char* what) {
    if (flag < 0)
      throw SolverFailure(
          fmt::format("{} failed ({})", what, flag_name(KINGetReturnFlagName(flag))), t0);
  };
  kcheck(KINInit(k, func, y.get()), "KINInit");
  kcheck(KINSetUserData(k, &data), "KINSetUserData");
  kcheck(KINSetLinearSolver(k, KLS.get(), KA.get()), "KINSetLinearSolver");
  kcheck(KINSetJacFn(k, jac), "KINSetJacFn");
  kcheck(KINSetErrHandlerFn(
             k,
             [](int, const char*, const char*, char* msg, void* u) {
               static_cast<Impl*>(u)->ida_message = msg;
             },
             this),
         "KINSetErrHandlerFn");
  kcheck(KINSetNumMaxIters(k, 200), "KINSetNumMaxIters");
  kcheck(KINSetMaxSetupCalls(k, 1), "KINSetMaxSetupCalls");
  kcheck(KINSetFuncNormTol(k, 1e-10), "KINSetFuncNormTol");
  kcheck(KINSetScaledStepTol(k, 1e-14), "KINSetScaledStepTol");
  // Scales: unknowns by their typical magnitude; each residual row by the size of its
  // terms at those magnitudes (Σ_j |∂F_i/∂y_j| · scale_j), from the Jacobian at the guess.
  VectorPtr us(N_VNew_Serial(n, ctx.get())), fs(N_VNew_Serial(n, ctx.get()));
  std::vector<double> vals(static_cast<std::size_t>(sys.nonzeros()));
  sys.jacobian(t0, Y(), data.zeros.data(), 0.0, vals.data());
  std::vector<double> row_size(static_cast<std::size_t>(n), 0.0);
  for (int c = 0; c < n; ++c)
    for (auto q = sys.col_ptr()[std::size_t(c)]; q < sys.col_ptr()[std::size_t(c) + 1]; ++q)
      row_size[std::size_t(sys.row_index()[std::size_t(q)])] +=
          std::abs(vals[std::size_t(q)]) * sys.spec(c).scale;
  for (int i = 0; i < n; ++i) {
    NV_Ith_S(us.get(), i) = 1.0 / sys.spec(i).scale;
    NV_Ith_S(fs.get(), i) = row_size[std::size_t(i)] > 0 ? 1.0 / row_size[std::size_t(i)] : 1.0;
  }
  for (const auto& [i, y0] : data.quadratures) NV_Ith_S(fs.get(), i) = 1.0 / sys.spec(i).scale;
  int flag = KINSol(k, y.get(), KIN_LINESEARCH, us.get(), fs.get());
  if (flag < 0) {
    std::string msg = fmt::format(
        "the steady start at t = {:.6g} s failed: {}. Check that every part of the network has "
        "a pressure (or frequency) reference and that the initial demands can be carried.",
        t0, flag_name(KINGetReturnFlagName(flag)));
    if (!callback_error.empty()) msg += "\n  model: " + callback_error;
    std::vector<double> F(static_cast<std::size_t>(n));
    sys.residual(t0, Y(), data.zeros.data(), F.data());
    std::vector<std::pair<double, int>> worst;
    for (int i = 0; i < n; ++i)
      worst.emplace_back(std::abs(F[std::size_t(i)] * NV_Ith_S(fs.get(), i)), i);
    std::sort(worst.rbegin(), worst.rend());
    msg += "\n  largest scaled residuals:";
    for (std::size_t q = 0; q < std::min<std::size_t>(5, worst.size()); ++q)
      msg +=
          fmt::format("\n    {:.3g}  {} = {:.6g} {}", worst[q].first, sys.describe(worst[q].second),
                      Y()[worst[q].second], sys.spec(worst[q].second).units);
    throw SolverFailure(msg, t0);
  }
}

Integrator::Integrator(System& system, const SolverOptions& options, double t0, double t_end)
    : impl_(std::make_unique<Impl>(system, options, t0, t_end)) {
  impl_->create();
}

Integrator::~Integrator() = default;

void Integrator::initialise(std::vector<EventRecord>& events) {
  Impl& m = *impl_;
  m.sys.initial_values(std::span<double>(m.Y(), static_cast<std::size_t>(m.n)));
  std::fill(m.YP(), m.YP() + m.n, 0.0);
  m.sys.set_segment_end(m.sys.next_stop(m.t, m.t_end));
  m.setup_ida();
  // Modes depend on the initial state and the initial state on the modes: repeat until
  // no component switches (a handful of rounds at most for check valves and limits).
  for (int round = 0;; ++round) {
    if (m.opt.initial == InitialState::Steady) m.steady_start();
    m.check(IDAReInit(m.ida.get(), m.t, m.y.get(), m.yp.get()), "IDAReInit");
    m.consistent_ic();
    const bool resettle = m.sys.settle({m.t, m.Y(), m.YP()}, events);
    m.stop_if_fatal();
    if (!resettle) break;
    if (round == 20)
      throw SolverFailure(
          "the initial modes do not settle after 20 rounds (a check valve or "
          "limit keeps switching at the initial state)",
          m.t);
  }
  m.measure_rows();
  m.stop = m.t;
}

void Integrator::advance(double t_out, std::vector<EventRecord>& events) {
  Impl& m = *impl_;
  t_out = std::min(t_out, m.t_end);
  std::vector<int>& found = m.roots_found;
  m.interrupted = false;
  long steps_taken = 0;     // one step at a time (below): the steps towards t_out
  bool after_root = false;  // the last IDASolve returned at a root and IDA goes on from it
  while (m.t < t_out) {
    if (m.stop <= m.t) {
      m.stop = m.sys.next_stop(m.t, m.t_end);
      m.sys.set_segment_end(m.stop);
      m.check(IDASetStopTime(m.ida.get(), m.stop), "IDASetStopTime");
    }
    const double target = std::min(t_out, m.stop);
    double tret = m.t;
    m.callback_error.clear();
    m.root_calls = 0;
    int flag = IDA_SUCCESS;
    if (!m.observer && !m.interrupt && m.limiters.empty()) {
      flag = IDASolve(m.ida.get(), target, &tret, m.y.get(), m.yp.get(), IDA_NORMAL);
    } else {
      // Step by step, each told to the observer. The first step after a (re)start: IDA
      // chooses it from the output time asked for, so it is asked for the target, in
      // one-step mode (below). Then, while IDA is ahead of the last time it returned, to
      // that point (no new step: the same interpolation and root search up to it); else to
      // just past its current time (exactly one new step). IDA takes the same steps as with
      // `target` alone (an output time is no stop time) and finds the same roots.
      while (flag == IDA_SUCCESS && tret < target) {
        m.root_calls = 0;
        long int nst = 0;
        IDAGetNumSteps(m.ida.get(), &nst);
        double tn = tret;
        IDAGetCurrentTime(m.ida.get(), &tn);
        const double t_prev = tret;
        if (nst == 0 && !(m.hin > 0 && tret + m.hin >= target)) {
          // One step, which cannot pass the target (IDA's own first step is a thousandth
          // of the way to it; a given one, m.hin, is shorter than the way): no root beyond
          // the target is found.
          flag = IDASolve(m.ida.get(), target, &tret, m.y.get(), m.yp.get(), IDA_ONE_STEP);
        } else if (nst == 0) {
          // A given first step reaching the target: that step as IDA_NORMAL takes it.
          flag = IDASolve(m.ida.get(), target, &tret, m.y.get(), m.yp.get(), IDA_NORMAL);
        } else {
          const double tout =
              tn > tret ? std::min(target, tn) : std::min(target, std::nextafter(tn, HUGE_VAL));
          flag = IDASolve(m.ida.get(), tout, &tret, m.y.get(), m.yp.get(), IDA_NORMAL);
        }
        if (flag < 0) break;
        // solver.max_steps bounds the steps before the next output as in one IDASolve call.
        long nst_after = nst;
        IDAGetNumSteps(m.ida.get(), &nst_after);
        steps_taken += nst_after > nst ? nst_after - nst : 0;
        if (steps_taken > m.opt.max_steps) {
          flag = IDA_TOO_MUCH_WORK;
          break;
        }
        m.t = tret;
        if (!m.limiters.empty() && nst_after > nst) m.note_step_limiter();
        if (m.observer && tret > t_prev) m.observer->step(t_prev, tret, *m.self);
        if (flag == IDA_SUCCESS && tret < target && m.interrupt && m.interrupt()) {
          m.interrupted = true;
          break;
        }
      }
    }
    m.t = tret;
    if (m.interrupted) return;
    if (flag < 0 && m.kink_t >= 0) {
      // IDA went on across a kink with its history and then failed (a closure's end, a
      // ramp's corner too sharp for the step in use): back to the kink, restart there.
      m.t = m.kink_t;
      m.kink_t = -1.0;
      std::copy(m.kink_y.begin(), m.kink_y.end(), m.Y());
      std::copy(m.kink_yp.begin(), m.kink_yp.end(), m.YP());
      m.totals.continued_stops--;
      m.callback_error.clear();
      m.ida_message.clear();
      if (m.observer) m.observer->rewind();
      m.reinitialise_and_settle(events);
      if (m.observer) m.observer->jumped(*m.self);
      m.stop = m.t;
      continue;
    }
    if (flag == IDA_ILL_INPUT && after_root &&
        m.ida_message.find("IDARcheck2") != std::string::npos) {
      // A root function that crossed zero so slowly that it is still exactly zero a hair
      // after the root (a pressure creeping through a limit; IDA's "root found at and very
      // near t"): IDA stops before any step. A restart there treats a root function that is
      // zero at the start as inactive until it leaves zero.
      m.callback_error.clear();
      m.ida_message.clear();
      after_root = false;
      m.reinitialise_and_settle(events);
      if (m.observer) m.observer->jumped(*m.self);
      continue;
    }
    if (flag < 0) m.fail(flag, "IDA");
    const State s{m.t, m.Y(), m.YP()};
    after_root = false;
    if (flag == IDA_ROOT_RETURN) {
      IDAGetRootInfo(m.ida.get(), found.data());
      m.kink_t = -1.0;  // events since: no going back
      const bool reinit = m.sys.on_roots(found.data(), s, events);
      m.stop_if_fatal();
      if (reinit) {
        m.reinitialise_and_settle(events);
        if (m.observer) m.observer->jumped(*m.self);
      }
      after_root = !reinit;
      continue;
    }
    if (flag == IDA_TSTOP_RETURN || m.t >= m.stop) {
      // An input breakpoint or a scheduled event. Where something jumps — an input, or the
      // equations after an event — consistency is restored with the inputs of the next
      // segment and IDA starts afresh; at a kink (a linear table's point) nothing jumps and
      // IDA simply goes on with its history.
      m.t = m.stop;
      if (m.t < m.t_end) {
        const State at{m.t, m.Y(), m.YP()};
        m.sys.residual(m.t, m.Y(), m.YP(), m.f_left.data());  // inputs' left limits
        m.sys.set_segment_end(m.sys.next_stop(m.t, m.t_end));
        const bool changed = m.sys.on_stop(m.t, at, events);
        m.stop_if_fatal();
        m.sys.residual(m.t, m.Y(), m.YP(), m.f_right.data());  // right limits, new modes
        m.kink_t = -1.0;
        if (changed || m.residual_jumps()) {
          m.reinitialise_and_settle(events);
          if (m.observer) m.observer->jumped(*m.self);
        } else {
          m.totals.continued_stops++;
          m.kink_t = m.t;
          std::copy(m.Y(), m.Y() + m.n, m.kink_y.begin());
          std::copy(m.YP(), m.YP() + m.n, m.kink_yp.begin());
          if (m.observer) m.observer->mark();
          m.stop = m.t;  // the next stop time is set at the top of the loop
        }
      }
    }
  }
}

Snapshot Integrator::snapshot() const {
  const Impl& m = *impl_;
  Snapshot s;
  s.put("t", {m.t});
  s.put("stop", {m.stop});
  s.put("segment_end", {m.sys.segment_end()});
  const SolverStats& st = m.totals;
  s.put("totals", {double(st.steps), double(st.residual_evals), double(st.jacobian_evals),
                   double(st.nonlinear_iterations), double(st.nonlinear_failures),
                   double(st.error_test_failures), double(st.root_evals),
                   double(st.reinitialisations), double(st.continued_stops)});
  s.put("y", std::vector<double>(m.Y(), m.Y() + m.n));
  s.put("yp", std::vector<double>(m.YP(), m.YP() + m.n));
  // The Jacobian values of the current factorisation: KLU leaves the matrix as filled;
  // the dense solver factorises in place, so its CSC copy is kept in dense_values.
  const double* jac =
      m.opt.linear_solver == LinearSolverKind::Klu ? SM_DATA_S(m.A.get()) : m.dense_values.data();
  s.put("jacobian", std::vector<double>(jac, jac + m.sys.nonzeros()));
  s.put("discrete", m.sys.save_discrete());
  s.put("row_size", m.row_size);
  if (m.opt.linear_solver == LinearSolverKind::Klu) m.klu_history.save(s);
  save_ida_state(m.ida.get(), s);
  return s;
}

void Integrator::resume(const Snapshot& snap) {
  Impl& m = *impl_;
  const auto& y = snap.get("y");
  const auto& yp = snap.get("yp");
  const auto& jac = snap.get("jacobian");
  if (y.size() != std::size_t(m.n) || yp.size() != std::size_t(m.n))
    throw std::runtime_error(
        fmt::format("checkpoint: {} unknowns saved, the study has {}", y.size(), m.n));
  if (jac.size() != std::size_t(m.sys.nonzeros()))
    throw std::runtime_error(fmt::format(
        "checkpoint: {} Jacobian non-zeros saved, the study has {}", jac.size(), m.sys.nonzeros()));
  // One number each (a crafted checkpoint may hold none: an error, not std::out_of_range).
  auto scalar = [&](const char* name) {
    const auto& v = snap.get(name);
    if (v.size() != 1)
      throw std::runtime_error(
          fmt::format("checkpoint: '{}' has {} values, not 1", name, v.size()));
    if (!std::isfinite(v[0]))
      throw std::runtime_error(fmt::format("checkpoint: '{}' is not a finite number", name));
    return v[0];
  };
  m.sys.restore_discrete(snap.get("discrete"));
  m.row_size = snap.has("row_size") ? snap.get("row_size") : std::vector<double>();
  if (m.row_size.size() != std::size_t(m.n))
    throw std::runtime_error(
        fmt::format("checkpoint: 'row_size' has {} values, the study {}", m.row_size.size(), m.n));
  m.f_left.assign(std::size_t(m.n), 0.0);
  m.f_right.assign(std::size_t(m.n), 0.0);
  m.kink_y.assign(std::size_t(m.n), 0.0);
  m.kink_yp.assign(std::size_t(m.n), 0.0);
  m.kink_t = -1.0;
  m.t = scalar("t");
  m.stop = scalar("stop");
  m.sys.set_segment_end(scalar("segment_end"));
  const auto& tot = snap.get("totals");
  if (tot.size() < 8 || tot.size() > 10)
    throw std::runtime_error("checkpoint: 'totals' has the wrong size");
  // Counts: whole, ≥ 0 and below 2^53 (a damaged or crafted value is refused, never cast
  // into undefined behaviour).
  auto count = [&](std::size_t k) -> std::int64_t {
    if (k >= tot.size()) return 0;
    const double x = tot[k];
    if (!(x >= 0 && x <= 9007199254740992.0 && x == std::floor(x)))
      throw std::runtime_error(
          fmt::format("checkpoint: 'totals' holds {} where a count belongs", x));
    return static_cast<std::int64_t>(x);
  };
  SolverStats& st = m.totals;
  st.steps = count(0), st.residual_evals = count(1), st.jacobian_evals = count(2);
  st.nonlinear_iterations = count(3), st.nonlinear_failures = count(4);
  st.error_test_failures = count(5), st.root_evals = count(6), st.reinitialisations = count(7);
  st.continued_stops = count(8), st.linear_setups = count(9);
  std::copy(y.begin(), y.end(), m.Y());
  std::copy(yp.begin(), yp.end(), m.YP());
  if (m.row_size.size() != std::size_t(m.n)) m.measure_rows();  // a checkpoint without them
  m.setup_ida();
  restore_ida_state(m.ida.get(), snap);
  // t lies within IDA's last step, where its history interpolates: [t_n − h, t_n].
  double tn = m.t, h = 0.0;
  IDAGetCurrentTime(m.ida.get(), &tn);
  IDAGetLastStep(m.ida.get(), &h);
  const double slack = 1e-9 * std::max(1.0, std::abs(tn));
  if (!(m.t <= tn + slack && m.t >= tn - std::abs(h) - slack))
    throw std::runtime_error(fmt::format(
        "checkpoint: its time {:.9g} s is outside the solver's last step [{:.9g}, {:.9g}] s", m.t,
        tn - std::abs(h), tn));
  // The factorisation IDA was using, recomputed from the same matrices.
  SUNMatrix A = m.A.get();
  if (m.opt.linear_solver == LinearSolverKind::Klu) {
    m.copy_pattern(A);
    m.klu_history.restore(snap, A, jac);
  } else {
    std::copy(jac.begin(), jac.end(), m.dense_values.begin());
    m.scatter_dense(A);
    if (SUNLinSolSetup(m.LS.get(), A) != SUNLS_SUCCESS)
      throw std::runtime_error("checkpoint: the saved Jacobian could not be factorised");
  }
}

void Integrator::set_interrupt(std::function<bool()> poll) {
  impl_->interrupt = std::move(poll);
}

bool Integrator::interrupted() const {
  return impl_->interrupted;
}

void Integrator::set_step_observer(StepObserver* observer) {
  impl_->observer = observer;
  impl_->self = this;
}

void Integrator::count_step_limiters() {
  Impl& m = *impl_;
  m.limiters.assign(static_cast<std::size_t>(std::max(m.n, 1)), 0);
  m.limited_steps = 0;
  m.limiter_w.reset(N_VNew_Serial(m.n, m.ctx.get()));
  m.limiter_e.reset(N_VNew_Serial(m.n, m.ctx.get()));
  if (!m.limiter_w || !m.limiter_e) throw std::runtime_error("could not create vectors");
}

std::vector<StepLimiter> Integrator::step_limiters(std::size_t top,
                                                   std::int64_t& attributed) const {
  const Impl& m = *impl_;
  attributed = m.limited_steps;
  std::vector<int> order;
  for (std::size_t i = 0; i < m.limiters.size() && int(i) < m.n; ++i)
    if (m.limiters[i] > 0) order.push_back(static_cast<int>(i));
  std::stable_sort(order.begin(), order.end(), [&m](int a, int b) {
    return m.limiters[std::size_t(a)] > m.limiters[std::size_t(b)];
  });
  if (order.size() > top) order.resize(top);
  std::vector<StepLimiter> out;
  for (int i : order) out.push_back({m.sys.describe(i), m.limiters[std::size_t(i)]});
  return out;
}

bool Integrator::interpolate(double t, double* y, double* yp) const {
  const Impl& m = *impl_;
  N_VSetArrayPointer(y, m.dky_y.get());
  N_VSetArrayPointer(yp, m.dky_yp.get());
  return IDAGetDky(m.ida.get(), t, 0, m.dky_y.get()) == IDA_SUCCESS &&
         IDAGetDky(m.ida.get(), t, 1, m.dky_yp.get()) == IDA_SUCCESS;
}

double Integrator::t() const {
  return impl_->t;
}
const double* Integrator::y() const {
  return impl_->Y();
}
const double* Integrator::yp() const {
  return impl_->YP();
}

SolverStats Integrator::stats() const {
  Impl& m = *impl_;
  SolverStats s = m.totals;
  if (m.ida) {
    m.add_counters(s);
    IDAGetLastOrder(m.ida.get(), &s.last_order);
    IDAGetLastStep(m.ida.get(), &s.last_step);
  }
  return s;
}

}  // namespace steppe
