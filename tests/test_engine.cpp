// The engine against closed-form solutions of the lumped network (models/lumped):
//   one tank (C) behind a link (G) to a held pressure p0, fed by Q(t):
//     C dp/dt = Q(t) − G (p − p0),  τ = C/G
//   step Q at t_s:  p − p0 = Q/G · (1 − exp(−(t − t_s)/τ))
//   ramp Q = a·t:   p − p0 = a/G · (t − τ (1 − exp(−t/τ)))
// plus mode switching (check valve), root events, the analytic Jacobian against finite
// differences, KLU against dense, and failures inside callbacks.
#include <fmt/format.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "solver/engine/ida_state.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/run/simulation.hpp"
#include "study_run.hpp"

using namespace steppe;

namespace {

constexpr double C = 2e-2, G = 1e-5, tau = C / G, p0 = 50e5, Q = 20.0;

std::string tank_study(const std::string& source_profile, const std::string& extra_solver = "",
                       const std::string& node_extra = "") {
  return fmt::format(R"(
study: {{name: t, duration: 3 h, output_interval: 10 min}}
solver: {{rtol: 1e-8, atol: 1e-8{}}}
lumped:
  nodes:
    - {{name: Tank, capacitance: {}, initial_pressure: {}{}}}
    - {{name: Grid, capacitance: 0}}
  links:
    - {{name: Outlet, from: Tank, to: Grid, conductance: {}}}
  sources:
    - name: In
      node: Tank
      mass_flow: {}
  boundaries:
    - {{name: Hold, node: Grid, pressure: {}}}
)",
                     extra_solver, C, p0, node_extra, G, source_profile, p0);
}

using TestRun = testing::StudyRun;

}  // namespace

TEST_CASE("step response of a tank matches the closed form to 1e-6", "[engine][closed-form]") {
  const double ts = 1000.0;
  TestRun run(
      tank_study(fmt::format("{{times: [0, {}], values: [0, {}], interpolation: step}}", ts, Q)));
  CHECK(run.value("Tank") == Approx(p0).epsilon(1e-12));  // steady start
  double worst = 0.0, worst_balance = 0.0;
  for (double t = 100.0; t <= 3 * 3600.0; t += 100.0) {
    run.to(t);
    const double exact = t < ts ? 0.0 : Q / G * (1 - std::exp(-(t - ts) / tau));
    const double dp = run.value("Tank") - p0;
    worst = std::max(worst, std::abs(dp - exact) / (Q / G));
    // Algebraic constraints hold at every output: link law and mass balance at the junction.
    const double flow = run.value("Outlet");
    worst_balance = std::max(worst_balance, std::abs(flow - G * dp) / Q);
    worst_balance = std::max(worst_balance, std::abs(flow + run.value("Hold")) / Q);
  }
  INFO("max relative error " << worst);
  CHECK(worst < 1e-6);
  CHECK(worst_balance < 1e-7);  // algebraic equations hold to the Newton tolerance (~rtol)
  const auto stats = run.integ->stats();
  CHECK(stats.reinitialisations >= 1);  // the step at t_s is a stop time
}

TEST_CASE("ramp response of a tank matches the closed form to 1e-6", "[engine][closed-form]") {
  const double a = 2e-3;  // kg/s²
  TestRun run(tank_study(
      fmt::format("{{times: [0, 3 h], values: [0, {}], interpolation: linear}}", a * 3 * 3600)));
  double worst = 0.0;
  for (double t = 60.0; t <= 3 * 3600.0; t += 60.0) {
    run.to(t);
    const double exact = a / G * (t - tau * (1 - std::exp(-t / tau)));
    worst = std::max(worst, std::abs(run.value("Tank") - p0 - exact) / (a * 3 * 3600 / G));
  }
  INFO("max relative error " << worst);
  CHECK(worst < 1e-6);
}

TEST_CASE("a root event is found at the closed-form crossing time", "[engine][events]") {
  const double ts = 1000.0, pmax = 60e5;
  TestRun run(
      tank_study(fmt::format("{{times: [0, {}], values: [0, {}], interpolation: step}}", ts, Q), "",
                 fmt::format(", max_pressure: {}", pmax)));
  run.to(3 * 3600.0);
  const double t_cross = ts - tau * std::log(1 - (pmax - p0) * G / Q);
  REQUIRE(run.events.size() == 1);
  CHECK(run.events[0].kind == "limit");
  CHECK(run.events[0].element == "Tank");
  CHECK(run.events[0].time == Approx(t_cross).epsilon(1e-6));
  CHECK(run.events[0].value == Approx(pmax).epsilon(1e-6));
}

TEST_CASE("check valve switches modes at the right times", "[engine][events][modes]") {
  // Tank behind a check valve Grid → Tank, given initial state p = p0.
  // Q > 0 for t < 1000: the valve closes at once and the tank rises linearly by Q·t/C;
  // then Q < 0: the tank falls back, reaches p0 at t = 2000, the valve opens and the tank
  // relaxes to p0 − Q/G.
  const double c = 1e-2, g = 1e-5, q = 10.0, tc = c / g;
  const std::string yaml = fmt::format(R"(
study: {{name: cv, duration: 8000 s, output_interval: 100 s}}
solver: {{rtol: 1e-9, atol: 1e-9, initial: given}}
lumped:
  nodes:
    - {{name: Tank, capacitance: {}, initial_pressure: {}}}
    - {{name: Grid, capacitance: 0, initial_pressure: {}}}
  links:
    - {{name: Valve, from: Grid, to: Tank, conductance: {}, check_valve: true}}
  sources:
    - name: In
      node: Tank
      mass_flow: {{times: [0, 1000 s], values: [{}, {}], interpolation: step}}
  boundaries:
    - {{name: Hold, node: Grid, pressure: {}}}
)",
                                       c, p0, p0, g, q, -q, p0);
  TestRun run(yaml);
  run.to(500.0);
  CHECK(run.value("Tank") - p0 == Approx(q * 500 / c).epsilon(1e-7));
  run.to(1500.0);
  CHECK(run.value("Tank") - p0 == Approx(q * 500 / c).epsilon(1e-7));
  run.to(8000.0);
  const double exact = -q / g * (1 - std::exp(-(8000.0 - 2000.0) / tc));
  CHECK(run.value("Tank") - p0 == Approx(exact).epsilon(1e-6));
  REQUIRE(run.events.size() == 2);
  CHECK(run.events[0].kind == "mode");
  CHECK(run.events[0].time < 1.0);
  CHECK(run.events[1].kind == "mode");
  CHECK(run.events[1].time == Approx(2000.0).epsilon(1e-6));
}

TEST_CASE("analytic Jacobian equals central finite differences", "[engine][jacobian]") {
  TestRun run(tank_study("{times: [0, 1 h], values: [0, 30 kg/s], interpolation: linear}"));
  run.to(1800.0);
  const System& sys = run.study->system;
  for (double cj : {0.0, 1e-3, 10.0}) {
    JacobianCheck jc = check_jacobian(sys, run.integ->t(), run.integ->y(), run.integ->yp(), cj);
    INFO(jc.describe(sys));
    CHECK(jc.max_error < 1e-6);
  }
  CHECK(sys.describe(sys.find("Tank")->offset()) == "lumped node Tank: pressure");
  CHECK(sys.describe(sys.find("Outlet")->offset()) == "lumped link Outlet: mass_flow");
}

TEST_CASE("KLU and dense linear solvers give the same solution", "[engine][klu]") {
  const std::string profile =
      "{times: [0, 1000 s, 5000 s], values: [0, 20, 5], interpolation: linear}";
  TestRun klu(tank_study(profile, ", linear_solver: klu"));
  TestRun dense(tank_study(profile, ", linear_solver: dense"));
  klu.to(3 * 3600.0);
  dense.to(3 * 3600.0);
  // Same equations, different round-off in the factorisation: agreement to ~rtol.
  CHECK(klu.value("Tank") == Approx(dense.value("Tank")).epsilon(1e-8));
  CHECK(klu.study->system.nonzeros() < klu.study->system.size() * klu.study->system.size());
}

TEST_CASE("a given initial state is made consistent by IDACalcIC", "[engine][init]") {
  // Start away from equilibrium: p(0) = p0 + 5 bar, Q = 0 → p − p0 = 5 bar · exp(−t/τ).
  TestRun run(
      tank_study("0", ", initial: given", ""),
      {"lumped.nodes.Tank.initial_pressure=55 bar", "lumped.nodes.Grid.initial_pressure=50 bar"});
  CHECK(run.value("Outlet") == Approx(G * 5e5).epsilon(1e-9));  // algebraic from CalcIC
  run.to(2000.0);
  CHECK(run.value("Tank") - p0 == Approx(5e5 * std::exp(-2000.0 / tau)).epsilon(1e-6));
}

namespace {
// A component that fails inside the residual after t_fail: by exception or with NaN.
class Failing : public Component {
 public:
  Failing(bool nan, double t_fail)
      : Component("test failing", nan ? "NaNer" : "Thrower"), nan_(nan), t_fail_(t_fail) {}
  std::vector<UnknownSpec> unknowns() const override {
    return {{"x", "1", VarKind::Differential, 1.0}};
  }
  void initial_values(std::span<double> y) const override { y[0] = 1.0; }
  void residual(const State& s, double* F) const override {
    if (s.t > t_fail_) {
      if (!nan_) throw std::runtime_error("model exploded");
      F[offset()] = std::nan("");
      return;
    }
    F[offset()] = s.yp[offset()] + s.y[offset()];
  }
  void jacobian(const State&, JacobianWriter& J) const override {
    J.add(offset(), offset(), 1.0, 1.0);
  }
  void declare_outputs(OutputPlan&) override {}
  void write_outputs(const State&, OutputFrame&) const override {}

 private:
  bool nan_;
  double t_fail_;
};
}  // namespace

TEST_CASE("failures inside callbacks become SolverFailure with the element named",
          "[engine][failure]") {
  for (bool nan : {false, true}) {
    System sys;
    sys.emplace<Failing>(nan, 5.0);
    sys.assemble();
    SolverOptions opt;
    opt.initial = InitialState::Given;
    Integrator integ(sys, opt, 0.0, 10.0);
    std::vector<EventRecord> ev;
    integ.initialise(ev);
    integ.advance(4.0, ev);
    CHECK(integ.y()[0] == Approx(std::exp(-4.0)).epsilon(1e-4));
    try {
      integ.advance(10.0, ev);
      FAIL("no failure");
    } catch (const SolverFailure& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(e.time() >= 4.0);
      CHECK(e.time() <= 5.0 + 1e-9);
      CHECK_THAT(msg, Catch::Contains(nan ? "test failing NaNer: x" : "model exploded"));
      CHECK_THAT(msg, Catch::Contains("failed at t ="));
    }
  }
}

namespace {
// A component with a spatial profile output: x_k = k·y at distances 0, 500, 1000 m.
class Profiled : public Component {
 public:
  Profiled() : Component("test profiled", "P") {}
  std::vector<UnknownSpec> unknowns() const override {
    return {{"y", "1", VarKind::Differential, 1.0}};
  }
  void initial_values(std::span<double> y) const override { y[0] = 2.0; }
  void residual(const State& s, double* F) const override { F[offset()] = s.yp[offset()]; }
  void jacobian(const State&, JacobianWriter& J) const override {
    J.add(offset(), offset(), 0.0, 1.0);
  }
  void declare_outputs(OutputPlan& plan) override {
    scalar_ = plan.column("test/things", name(), "y", "1", "the state");
    profile_ = plan.profile("test/profiles/P", "distance", {0.0, 500.0, 1000.0}, "m",
                            "distance along P", "x", "Pa", "k times y");
  }
  void write_outputs(const State& s, OutputFrame& out) const override {
    out.set(scalar_, s.y[offset()]);
    for (int k = 0; k < 3; ++k) out.set(profile_ + k, k * s.y[offset()]);
  }

 private:
  int scalar_ = -1, profile_ = -1;
};
}  // namespace

TEST_CASE("profile outputs get a coordinate group and their own columns", "[engine][outputs]") {
  System sys;
  sys.emplace<Profiled>();
  sys.assemble();
  const ResultsLayout& layout = sys.layout();
  REQUIRE(layout.groups().size() == 2);
  const auto& g = layout.groups()[1];
  CHECK(g.path == "test/profiles/P");
  CHECK(g.coord_name == "distance");
  CHECK(g.coord_values == std::vector<double>{0.0, 500.0, 1000.0});
  CHECK(layout.frame_size() == 4);
  std::vector<double> y{2.0}, yp{0.0}, frame;
  sys.write_outputs({0.0, y.data(), yp.data()}, frame);
  const int col = layout.series()[1].first_column;
  CHECK(frame[std::size_t(col) + 2] == 4.0);
  CHECK(frame[std::size_t(layout.series()[0].first_column)] == 2.0);
}

namespace {
// x' = −x/τ from x(0) = amplitude: one unknown whose error the step control must follow
// (its typical size 1, so its absolute tolerance is atol).
class Decay : public Component {
 public:
  Decay(std::string name, double amplitude, double tau)
      : Component("test decay", std::move(name)), amplitude_(amplitude), tau_(tau) {}
  std::vector<UnknownSpec> unknowns() const override {
    return {{"x", "1", VarKind::Differential, 1.0}};
  }
  void initial_values(std::span<double> y) const override { y[0] = amplitude_; }
  void residual(const State& s, double* F) const override {
    F[offset()] = s.yp[offset()] + s.y[offset()] / tau_;
  }
  void jacobian(const State&, JacobianWriter& J) const override {
    J.add(offset(), offset(), 1.0 / tau_, 1.0);
  }
  void declare_outputs(OutputPlan&) override {}
  void write_outputs(const State&, OutputFrame&) const override {}

 private:
  double amplitude_, tau_;
};
}  // namespace

TEST_CASE("every step is attributed to the unknown whose weighted local error limited it",
          "[engine][step-report]") {
  // Two independent decays with the same time constant: one of amplitude 1, one of 1e-9
  // (a thousandth of the absolute tolerance). The weighted local error of a BDF step is
  // proportional to the amplitude, so the first limits every step; swapped, the other.
  for (const bool first_large : {true, false}) {
    INFO("the large decay is " << (first_large ? "A" : "B"));
    System sys;
    sys.emplace<Decay>("A", first_large ? 1.0 : 1e-9, 100.0);
    sys.emplace<Decay>("B", first_large ? 1e-9 : 1.0, 100.0);
    sys.assemble();
    SolverOptions opt;
    opt.initial = InitialState::Given;
    opt.rtol = opt.atol = 1e-6;
    Integrator integ(sys, opt, 0.0, 1000.0);
    std::vector<EventRecord> ev;
    integ.initialise(ev);
    integ.count_step_limiters();
    integ.advance(1000.0, ev);
    CHECK(integ.y()[first_large ? 0 : 1] == Approx(std::exp(-10.0)).margin(1e-5));  // atol 1e-6
    std::int64_t attributed = 0;
    const auto limiters = integ.step_limiters(10, attributed);
    CHECK(attributed == integ.stats().steps);
    REQUIRE(limiters.size() == 1);
    CHECK(limiters[0].unknown == fmt::format("test decay {}: x", first_large ? "A" : "B"));
    CHECK(limiters[0].steps == attributed);
  }
}

TEST_CASE("KLU pivots afresh only when a refactorisation's condition degrades 1000-fold",
          "[engine][klu]") {
  // M(e) = [[1, 1], [1, 1 + e]]: LU with the first row as pivot leaves U22 = e, so KLU's
  // rcond (smallest over largest pivot) is ≈ e. The setup keeps the pivot order of its
  // last full factorisation while rcond stays above 1e-3 of that factorisation's, and
  // pivots afresh below (recording the current matrix). Every solve is exact to
  // cond(M)·u.
  SUNContext ctx = nullptr;
  REQUIRE(SUNContext_Create(nullptr, &ctx) == 0);
  SUNMatrix A = SUNSparseMatrix(2, 2, 4, CSC_MAT, ctx);
  N_Vector x = N_VNew_Serial(2, ctx), b = N_VNew_Serial(2, ctx);
  SUNLinearSolver S = SUNLinSol_KLU(x, A, ctx);
  REQUIRE(S != nullptr);
  {
    KluHistory history;
    history.attach(S);
    auto* ptr = SUNSparseMatrix_IndexPointers(A);
    auto* idx = SUNSparseMatrix_IndexValues(A);
    double* val = SUNSparseMatrix_Data(A);
    ptr[0] = 0, ptr[1] = 2, ptr[2] = 4;
    idx[0] = 0, idx[1] = 1, idx[2] = 0, idx[3] = 1;
    REQUIRE(SUNLinSolInitialize(S) == SUNLS_SUCCESS);
    auto setup_and_solve = [&](double e) {
      val[0] = 1.0, val[1] = 1.0, val[2] = 1.0, val[3] = 1.0 + e;  // columns of M(e)
      REQUIRE(SUNLinSolSetup(S, A) == SUNLS_SUCCESS);
      NV_Ith_S(b, 0) = 2.0 - 3.0, NV_Ith_S(b, 1) = 2.0 - 3.0 * (1.0 + e);  // M(e)·(2, −3)
      REQUIRE(SUNLinSolSolve(S, A, x, b, 0.0) == SUNLS_SUCCESS);
      const double tol = 1e-14 / e;  // cond(M) ≈ 4/e, times a few u
      CHECK(NV_Ith_S(x, 0) == Approx(2.0).epsilon(tol));
      CHECK(NV_Ith_S(x, 1) == Approx(-3.0).epsilon(tol));
      Snapshot snap;
      history.save(snap);
      return std::pair{snap.get("klu.pivot_is_last")[0] != 0.0, snap.get("klu.pivot_matrix")};
    };
    const auto [first, m0] = setup_and_solve(0.1);
    CHECK(first);  // the first setup pivots
    CHECK(m0[3] == 1.1);
    const auto [second, m1] = setup_and_solve(0.2);  // better conditioned: refactorised
    CHECK_FALSE(second);
    CHECK(m1 == m0);
    const auto [third, m2] = setup_and_solve(2e-4);  // 500× worse than the pivoted one
    CHECK_FALSE(third);
    CHECK(m2 == m0);
    const auto [fourth, m3] = setup_and_solve(5e-5);  // 2,000× worse: pivots afresh
    CHECK(fourth);
    CHECK(m3[3] == 1.0 + 5e-5);
    const auto [fifth, m4] = setup_and_solve(1e-7);  // 500× worse than that one
    CHECK_FALSE(fifth);
    CHECK(m4 == m3);
  }
  SUNLinSolFree(S);
  N_VDestroy(x);
  N_VDestroy(b);
  SUNMatDestroy(A);
  SUNContext_Free(&ctx);
}
