#include "solver/engine/ida_state.hpp"

#include <fmt/format.h>
#include <ida/ida.h>
#include <ida/ida_impl.h>
#include <ida/ida_ls_impl.h>
#include <sundials/sundials_config.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>
#include <sunnonlinsol/sunnonlinsol_newton.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>

static_assert(SUNDIALS_VERSION_MAJOR == 6 && SUNDIALS_VERSION_MINOR == 4,
              "solver/engine/ida_state.cpp reads IDA's private state as laid out in SUNDIALS 6.4; "
              "check ida/ida_impl.h of this version before changing this assertion");

// IDA's own first-call set-up (error weights, linear-solver and nonlinear-solver
// initialisation). Exported by libsundials_ida 6.4, declared in no installed header.
extern "C" int IDAInitialSetup(IDAMem IDA_mem);

namespace steppe {

void Snapshot::put(const std::string& name, std::vector<double> values) {
  arrays.emplace_back(name, std::move(values));
}

bool Snapshot::has(const std::string& name) const {
  return std::any_of(arrays.begin(), arrays.end(), [&](const auto& a) { return a.first == name; });
}

const std::vector<double>& Snapshot::get(const std::string& name) const {
  for (const auto& a : arrays)
    if (a.first == name) return a.second;
  throw std::runtime_error(fmt::format("checkpoint: no '{}'", name));
}

namespace {

struct RealField {
  const char* name;
  sunrealtype IDAMemRec::*field;
};
// An integer or flag, with the whole values a run can give it: [lo, hi], hi kMaxOrder for
// IDA's maximum order (an order indexes its history arrays).
constexpr double kMaxOrder = -1.0;
struct IntField {
  const char* name;
  int IDAMemRec::*field;
  double lo, hi;
};
struct LongField {
  const char* name;
  long int IDAMemRec::*field;
};

// Step control, Newton bookkeeping, stop time and root-finder scalars.
constexpr RealField kReals[] = {
    {"hin", &IDAMemRec::ida_hin},
    {"h0u", &IDAMemRec::ida_h0u},
    {"hh", &IDAMemRec::ida_hh},
    {"hused", &IDAMemRec::ida_hused},
    {"eta", &IDAMemRec::ida_eta},
    {"tn", &IDAMemRec::ida_tn},
    {"tretlast", &IDAMemRec::ida_tretlast},
    {"cj", &IDAMemRec::ida_cj},
    {"cjlast", &IDAMemRec::ida_cjlast},
    {"cjold", &IDAMemRec::ida_cjold},
    {"cjratio", &IDAMemRec::ida_cjratio},
    {"ss", &IDAMemRec::ida_ss},
    {"oldnrm", &IDAMemRec::ida_oldnrm},
    {"epsNewt", &IDAMemRec::ida_epsNewt},
    {"toldel", &IDAMemRec::ida_toldel},
    {"tolsf", &IDAMemRec::ida_tolsf},
    {"tstop", &IDAMemRec::ida_tstop},
    {"tlo", &IDAMemRec::ida_tlo},
    {"thi", &IDAMemRec::ida_thi},
    {"trout", &IDAMemRec::ida_trout},
    {"toutc", &IDAMemRec::ida_toutc},
    {"ttol", &IDAMemRec::ida_ttol},
};
constexpr IntField kInts[] = {
    {"kk", &IDAMemRec::ida_kk, 0, kMaxOrder},     {"kused", &IDAMemRec::ida_kused, 0, kMaxOrder},
    {"knew", &IDAMemRec::ida_knew, 0, kMaxOrder}, {"phase", &IDAMemRec::ida_phase, 0, 1},
    {"ns", &IDAMemRec::ida_ns, 0, 1e9},           {"tstopset", &IDAMemRec::ida_tstopset, 0, 1},
    {"taskc", &IDAMemRec::ida_taskc, 1, 2},  // IDA_NORMAL, IDA_ONE_STEP
    {"irfnd", &IDAMemRec::ida_irfnd, 0, 1},       {"mxgnull", &IDAMemRec::ida_mxgnull, 0, 1e9},
};
constexpr LongField kLongs[] = {
    {"nst", &IDAMemRec::ida_nst},         {"nre", &IDAMemRec::ida_nre},
    {"ncfn", &IDAMemRec::ida_ncfn},       {"netf", &IDAMemRec::ida_netf},
    {"nni", &IDAMemRec::ida_nni},         {"nnf", &IDAMemRec::ida_nnf},
    {"nsetups", &IDAMemRec::ida_nsetups}, {"nge", &IDAMemRec::ida_nge},
};

// A field's place in its table (and so in the saved array), by name.
template <class Field, std::size_t N>
constexpr std::size_t field_index(const Field (&table)[N], std::string_view name) {
  for (std::size_t k = 0; k < N; ++k)
    if (name == table[k].name) return k;
  throw std::logic_error("no such field");  // a compile-time error in constant evaluation
}
constexpr std::size_t kOrder = field_index(kInts, "kk");
constexpr std::size_t kSteps = field_index(kLongs, "nst");
// Per-order coefficient arrays (MXORDP1 entries each).
constexpr std::pair<const char*, sunrealtype (IDAMemRec::*)[MXORDP1]> kOrderArrays[] = {
    {"psi", &IDAMemRec::ida_psi},     {"alpha", &IDAMemRec::ida_alpha},
    {"beta", &IDAMemRec::ida_beta},   {"sigma", &IDAMemRec::ida_sigma},
    {"gamma", &IDAMemRec::ida_gamma},
};
// Work vectors that carry information from one step to the next.
constexpr std::pair<const char*, N_Vector IDAMemRec::*> kVectors[] = {
    {"ewt", &IDAMemRec::ida_ewt},
    {"yy", &IDAMemRec::ida_yy},
    {"yp", &IDAMemRec::ida_yp},
    {"yypredict", &IDAMemRec::ida_yypredict},
    {"yppredict", &IDAMemRec::ida_yppredict},
    {"delta", &IDAMemRec::ida_delta},
    {"savres", &IDAMemRec::ida_savres},
    {"ee", &IDAMemRec::ida_ee},
};
// Linear-solver interface counters.
constexpr std::pair<const char*, long int IDALsMemRec::*> kLsLongs[] = {
    {"nje", &IDALsMemRec::nje},     {"npe", &IDALsMemRec::npe},     {"nli", &IDALsMemRec::nli},
    {"nps", &IDALsMemRec::nps},     {"ncfl", &IDALsMemRec::ncfl},   {"nreDQ", &IDALsMemRec::nreDQ},
    {"nst0", &IDALsMemRec::nst0},   {"nni0", &IDALsMemRec::nni0},   {"ncfn0", &IDALsMemRec::ncfn0},
    {"ncfl0", &IDALsMemRec::ncfl0}, {"nwarn", &IDALsMemRec::nwarn},
};

int phi_count(const IDAMemRec& m) {
  return std::max(m.ida_maxord_alloc, 3) + 1;
}

// Some of IDA's vector pointers are only set inside IDASolve (yy and yp point at the
// caller's vectors there): nothing to save or restore for those.
std::vector<double> vector_values(N_Vector v) {
  if (!v) return {};
  const double* p = N_VGetArrayPointer(v);
  return std::vector<double>(p, p + N_VGetLength(v));
}

void set_vector(N_Vector v, const std::vector<double>& values, const std::string& name) {
  if (!v) return;  // IDA points it at the caller's vector in IDASolve (yy, yp)
  if (static_cast<sunindextype>(values.size()) != N_VGetLength(v))
    throw std::runtime_error(
        fmt::format("checkpoint: '{}' has {} values, the study has {} unknowns", name,
                    values.size(), static_cast<long long>(N_VGetLength(v))));
  std::copy(values.begin(), values.end(), N_VGetArrayPointer(v));
}

const std::vector<double>& sized(const Snapshot& in, const std::string& name, std::size_t n) {
  const std::vector<double>& v = in.get(name);
  if (v.size() != n)
    throw std::runtime_error(
        fmt::format("checkpoint: '{}' has {} values, expected {}", name, v.size(), n));
  return v;
}

SUNNonlinearSolverContent_Newton newton_content(const IDAMemRec& m) {
  if (!m.NLS || SUNNonlinSolGetType(m.NLS) != SUNNONLINEARSOLVER_ROOTFIND)
    throw std::runtime_error("checkpoint: IDA does not use its Newton solver");
  return static_cast<SUNNonlinearSolverContent_Newton>(m.NLS->content);
}

// A saved integer or flag must be a whole number in [lo, hi]: IDA indexes its history
// with some of them (the order kk), so an edited value must never reach it.
void check_whole(const std::vector<double>& v, std::size_t k, double lo, double hi,
                 const std::string& what) {
  const double x = v.at(k);
  if (!(x == std::floor(x) && x >= lo && x <= hi))
    throw std::runtime_error(fmt::format(
        "checkpoint: IDA's {} is {:g}, which no run can have ({} to {})", what, x, lo, hi));
}

void check_values(const IDAMemRec& m, const Snapshot& in, std::size_t nr) {
  const double order = m.ida_maxord;
  const auto& ints = in.get("ida.ints");
  const auto& longs = in.get("ida.longs");
  for (std::size_t k = 0; k < std::size(kInts); ++k)
    check_whole(ints, k, kInts[k].lo, kInts[k].hi == kMaxOrder ? order : kInts[k].hi,
                kInts[k].name);
  for (std::size_t k = 0; k < std::size(kLongs); ++k)
    check_whole(longs, k, 0, 9007199254740992.0, kLongs[k].name);
  // IDA sets the order to 1 at its first step and never lowers it below 1 again; its
  // predictor combines kk of its history arrays, so an order 0 after a step asks for an
  // empty combination (found by the checkpoint fuzzer).
  if (longs.at(kSteps) > 0) check_whole(ints, kOrder, 1, order, "order kk after a step");
  const auto& ls = in.get("ida.ls");
  for (std::size_t k = 0; k < ls.size(); ++k) check_whole(ls, k, 0, 9007199254740992.0, "counter");
  const auto& newton = in.get("ida.newton");
  if (newton.size() != 3) throw std::runtime_error("checkpoint: 'ida.newton' has the wrong size");
  check_whole(newton, 0, 0, 1, "Newton jcur");
  check_whole(newton, 1, 0, 1e9, "Newton iterations");
  check_whole(newton, 2, 0, 1e9, "Newton failures");
  for (const double x : in.get("ida.reals"))
    if (std::isnan(x)) throw std::runtime_error("checkpoint: IDA's step control holds NaN");
  if (nr > 0) {
    for (std::size_t k = 0; k < nr; ++k) {
      check_whole(in.get("ida.iroots"), k, -1, 1, "root flag");
      check_whole(sized(in, "ida.gactive", nr), k, 0, 1, "root activity");
    }
  }
}

}  // namespace

// The KluHistory of each attached solver (the setup operation has no user pointer).
struct KluHistoryAccess {
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::map<SUNLinearSolver, KluHistory*>& registry() {
    static std::map<SUNLinearSolver, KluHistory*> r;
    return r;
  }
  // The setup of a KLU solver: a full factorisation with pivoting (SUNLinSolSetup_KLU) the
  // first time, then numeric refactorisations on that pivot order, pivoting afresh when
  // they degrade: when KLU's condition estimate (rcond: the smallest over the largest
  // pivot magnitude) falls below kRepivot times that of the last full factorisation, or a
  // refactorisation fails (a zero pivot after a mode switch changed the matrix). SUNDIALS'
  // own test (rcond < u^(2/3), then condest > u^(-2/3)) is absolute: the Jacobian of a
  // study in SI units (pressures in Pa, powers in W, angles in rad) has pivots 10^13 apart
  // (the corridor's rcond is 3e-14 right after a full factorisation), and that test made
  // every setup a full factorisation (1,000 of 1,000 in a day of the corridor; this one 2).
  // Records the matrix of each full factorisation (KluHistory).
  static constexpr double kRepivot = 1e-3;
  static int setup(SUNLinearSolver S, SUNMatrix A) {
    auto* c = static_cast<SUNLinearSolverContent_KLU>(S->content);
    KluHistory* h = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex());
      if (auto it = registry().find(S); it != registry().end()) h = it->second;
    }
    if (!h) return SUNLinSolSetup_KLU(S, A);
    if (c->first_factorize == 0 && c->symbolic && c->numeric) {
      auto* colptr = SUNSparseMatrix_IndexPointers(A);
      auto* rowind = SUNSparseMatrix_IndexValues(A);
      double* data = SUNSparseMatrix_Data(A);
      bool ok = sun_klu_refactor(colptr, rowind, data, c->symbolic, c->numeric, &c->common) != 0 &&
                sun_klu_rcond(c->symbolic, c->numeric, &c->common) != 0;
      if (ok && !(c->common.rcond >= kRepivot * h->fresh_rcond_)) {
        sun_klu_free_numeric(&c->numeric, &c->common);
        c->numeric = sun_klu_factor(colptr, rowind, data, c->symbolic, &c->common);
        ok = c->numeric && sun_klu_rcond(c->symbolic, c->numeric, &c->common) != 0;
        if (ok) record(*h, A, c->common.rcond);
      } else if (ok) {
        h->pivot_is_last_ = false;
      }
      if (ok) {
        c->last_flag = SUNLS_SUCCESS;
        return SUNLS_SUCCESS;
      }
    }
    c->first_factorize = 1;
    const int flag = SUNLinSolSetup_KLU(S, A);
    if (flag != SUNLS_SUCCESS) return flag;
    if (sun_klu_rcond(c->symbolic, c->numeric, &c->common) == 0) return SUNLS_PACKAGE_FAIL_REC;
    record(*h, A, c->common.rcond);
    return flag;
  }
  // The matrix of a full factorisation and its rcond.
  static void record(KluHistory& h, SUNMatrix A, double rcond) {
    const double* data = SM_DATA_S(A);
    h.pivot_matrix_.assign(data, data + SM_NNZ_S(A));
    h.fresh_rcond_ = rcond;
    h.pivot_is_last_ = true;
  }
};

void KluHistory::attach(void* klu) {
  detach();
  auto* S = static_cast<SUNLinearSolver>(klu);
  if (SUNLinSolGetID(S) != SUNLINEARSOLVER_KLU)
    throw std::logic_error("KluHistory: not a KLU linear solver");
  std::lock_guard<std::mutex> lock(KluHistoryAccess::mutex());
  KluHistoryAccess::registry()[S] = this;
  S->ops->setup = KluHistoryAccess::setup;
  klu_ = klu;
}

void KluHistory::detach() {
  if (!klu_) return;
  std::lock_guard<std::mutex> lock(KluHistoryAccess::mutex());
  KluHistoryAccess::registry().erase(static_cast<SUNLinearSolver>(klu_));
  klu_ = nullptr;
}

void KluHistory::save(Snapshot& out) const {
  out.put("klu.pivot_matrix", pivot_matrix_);
  out.put("klu.pivot_is_last", {pivot_is_last_ ? 1.0 : 0.0});
}

void KluHistory::restore(const Snapshot& in, void* matrix, const std::vector<double>& current) {
  auto* S = static_cast<SUNLinearSolver>(klu_);
  auto* A = static_cast<SUNMatrix>(matrix);
  const auto nnz = static_cast<std::size_t>(SM_NNZ_S(A));
  const auto& pivot = in.get("klu.pivot_matrix");
  if (!S || current.size() != nnz || (pivot.size() != nnz && !pivot.empty()))
    throw std::runtime_error("checkpoint: the saved KLU factorisation does not fit the study");
  auto* content = static_cast<SUNLinearSolverContent_KLU>(S->content);
  content->first_factorize = 1;
  double* data = SM_DATA_S(A);
  if (!pivot.empty()) {
    std::copy(pivot.begin(), pivot.end(), data);
    if (SUNLinSolSetup(S, A) != SUNLS_SUCCESS)
      throw std::runtime_error("checkpoint: KLU could not factorise the saved pivot matrix");
  }
  std::copy(current.begin(), current.end(), data);
  // (an edited checkpoint's empty or longer flag is refused, not read past its end)
  if ((pivot.empty() || sized(in, "klu.pivot_is_last", 1)[0] == 0.0) &&
      SUNLinSolSetup(S, A) != SUNLS_SUCCESS)
    throw std::runtime_error("checkpoint: KLU could not factorise the saved Jacobian");
}

void save_ida_state(void* ida_mem, Snapshot& out) {
  const IDAMemRec& m = *static_cast<IDAMem>(ida_mem);
  std::vector<double> reals, ints, longs;
  for (const auto& f : kReals) reals.push_back(m.*f.field);
  for (const auto& f : kInts) ints.push_back(m.*f.field);
  for (const auto& f : kLongs) longs.push_back(static_cast<double>(m.*f.field));
  out.put("ida.reals", std::move(reals));
  out.put("ida.ints", std::move(ints));
  out.put("ida.longs", std::move(longs));
  for (const auto& [name, field] : kOrderArrays)
    out.put(std::string("ida.") + name, std::vector<double>(m.*field, m.*field + MXORDP1));
  for (int j = 0; j < phi_count(m); ++j)
    out.put(fmt::format("ida.phi{}", j), vector_values(m.ida_phi[j]));
  for (const auto& [name, field] : kVectors)
    out.put(std::string("ida.") + name, vector_values(m.*field));
  const auto nr = static_cast<std::size_t>(std::max(m.ida_nrtfn, 0));
  if (nr > 0) {
    out.put("ida.iroots", std::vector<double>(m.ida_iroots, m.ida_iroots + nr));
    out.put("ida.gactive", std::vector<double>(m.ida_gactive, m.ida_gactive + nr));
    out.put("ida.glo", std::vector<double>(m.ida_glo, m.ida_glo + nr));
    out.put("ida.ghi", std::vector<double>(m.ida_ghi, m.ida_ghi + nr));
    out.put("ida.grout", std::vector<double>(m.ida_grout, m.ida_grout + nr));
  }
  const auto* nls = newton_content(m);
  out.put("ida.newton", {static_cast<double>(nls->jcur), static_cast<double>(nls->niters),
                         static_cast<double>(nls->nconvfails)});
  const auto* ls = static_cast<const IDALsMemRec*>(m.ida_lmem);
  if (!ls) throw std::runtime_error("checkpoint: IDA has no linear solver attached");
  std::vector<double> ls_longs;
  for (const auto& [name, field] : kLsLongs) ls_longs.push_back(static_cast<double>(ls->*field));
  out.put("ida.ls", std::move(ls_longs));
}

void restore_ida_state(void* ida_mem, const Snapshot& in) {
  IDAMemRec& m = *static_cast<IDAMem>(ida_mem);
  const auto nr = static_cast<std::size_t>(std::max(m.ida_nrtfn, 0));
  // Check everything before changing anything.
  sized(in, "ida.reals", std::size(kReals));
  sized(in, "ida.ints", std::size(kInts));
  sized(in, "ida.longs", std::size(kLongs));
  for (int j = 0; j < phi_count(m); ++j) in.get(fmt::format("ida.phi{}", j));
  if (nr > 0 && in.get("ida.iroots").size() != nr)
    throw std::runtime_error(fmt::format("checkpoint: {} root functions saved, the study has {}",
                                         in.get("ida.iroots").size(), nr));
  check_values(m, in, nr);

  // IDA's own first-call set-up, as IDASolve does it on a fresh start.
  if (IDAInitialSetup(&m) != IDA_SUCCESS)
    throw std::runtime_error("checkpoint: IDA's initial set-up failed on the restored state");
  m.ida_SetupDone = SUNTRUE;

  const auto& reals = in.get("ida.reals");
  const auto& ints = in.get("ida.ints");
  const auto& longs = in.get("ida.longs");
  for (std::size_t k = 0; k < std::size(kReals); ++k) m.*kReals[k].field = reals[k];
  for (std::size_t k = 0; k < std::size(kInts); ++k) m.*kInts[k].field = static_cast<int>(ints[k]);
  for (std::size_t k = 0; k < std::size(kLongs); ++k)
    m.*kLongs[k].field = static_cast<long int>(longs[k]);
  for (const auto& [name, field] : kOrderArrays) {
    const auto& v = sized(in, std::string("ida.") + name, MXORDP1);
    std::copy(v.begin(), v.end(), m.*field);
  }
  for (int j = 0; j < phi_count(m); ++j) {
    const std::string name = fmt::format("ida.phi{}", j);
    set_vector(m.ida_phi[j], in.get(name), name);
  }
  for (const auto& [name, field] : kVectors) {
    const std::string key = std::string("ida.") + name;
    set_vector(m.*field, in.get(key), key);
  }
  if (nr > 0) {
    const auto& iroots = sized(in, "ida.iroots", nr);
    const auto& gactive = sized(in, "ida.gactive", nr);
    const auto& glo = sized(in, "ida.glo", nr);
    const auto& ghi = sized(in, "ida.ghi", nr);
    const auto& grout = sized(in, "ida.grout", nr);
    for (std::size_t k = 0; k < nr; ++k) {
      m.ida_iroots[k] = static_cast<int>(iroots[k]);
      m.ida_gactive[k] = static_cast<sunbooleantype>(gactive[k]);
      m.ida_glo[k] = glo[k];
      m.ida_ghi[k] = ghi[k];
      m.ida_grout[k] = grout[k];
    }
  }
  auto* nls = newton_content(m);
  const auto& newton = sized(in, "ida.newton", 3);
  nls->jcur = static_cast<sunbooleantype>(newton[0]);
  nls->niters = static_cast<long int>(newton[1]);
  nls->nconvfails = static_cast<long int>(newton[2]);
  auto* ls = static_cast<IDALsMemRec*>(m.ida_lmem);
  if (!ls) throw std::runtime_error("checkpoint: IDA has no linear solver attached");
  const auto& ls_longs = sized(in, "ida.ls", std::size(kLsLongs));
  for (std::size_t k = 0; k < std::size(kLsLongs); ++k)
    ls->*kLsLongs[k].second = static_cast<long int>(ls_longs[k]);
}

}  // namespace steppe
