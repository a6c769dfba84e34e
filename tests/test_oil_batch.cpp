// Batch tracking of crude grades and a drag reducer (models/oil/batch.cpp) against
// independent oracles:
//   - plug flow: an interface reaches each pipe outlet (station) when the volume pumped
//     since the batch started equals the linefill volume up to there, t = ρ_ref A x / m;
//   - mass of each grade conserved: linefill + delivered − received constant;
//   - the steady Darcy–Weisbach head loss with each grade's ρ, ν (Churchill's f by hand),
//     and with the drag reducer's reduced factor (1 − DR) f;
//   - the analytic Jacobian with grades and drag reducer against finite differences;
//   - bad input (undefined grade, overlapping batches, concentration beyond the curve).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "models/common/churchill.hpp"
#include "models/domains.hpp"
#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/study/study.hpp"
#include "study_run.hpp"

using namespace steppe;

namespace {

using testing::StudyRun;

constexpr double kRhoA = 850.0, kNuA = 12e-6, kRhoB = 820.0, kNuB = 6e-6;
constexpr double kD = 0.508 - 2 * 0.008, kM = 200.0;
const double kA = M_PI * kD * kD / 4;

// Three 30 km pipes in a row (or one of `length`), 200 kg/s received at the head,
// delivered against 5 bar; `extra` adds keys to the oil section.
std::string batch_study(const std::string& duration, const std::string& extra, int pipes = 3,
                        const std::string& length = "30 km") {
  std::string list;
  for (int i = 1; i <= pipes; ++i)
    list += fmt::format(
        "    - {{name: P{}, length: {}, outer_diameter: 508 mm, wall_thickness: 8 mm, roughness: "
        "0.05 mm, max_segment_length: 500 m{}}}\n",
        i, length, i > 1 ? fmt::format(", upstream: P{}", i - 1) : "");
  return fmt::format(R"(
study: {{name: batch, duration: {}, output_interval: 1 h}}
solver: {{rtol: 1e-8, atol: 1e-8}}
oil:
  initial_flow: 200 kg/s
  initial_pressure: 20 bar
  fluids:
    - {{name: Russian transit, density: 850 kg/m3, viscosity: 12 cSt}}
    - {{name: Kumkol blend, density: 820 kg/m3, viscosity: 6 cSt}}
  pipes:
{}  injections:
    - {{name: Receipt, pipe: P1, at: 0, mass_flow: 200 kg/s}}
  terminals:
    - {{name: Delivery, pipe: P{}, end: outlet, pressure: 5 bar}}
{})",
                     duration, list, pipes, extra);
}

const char* kDra =
    "  drag_reducer: {concentration: [0, 10 ppm, 20 ppm], reduction: [0, 25 %, 35 %]}\n";

// Steady Darcy–Weisbach pressure drop over length L at mass flow m of the reference grade A
// (volume flow Q = m/ρ_A) for a crude of density ρ, viscosity ν, Darcy factor × r.
double darcy(double L, double rho, double nu, double r = 1.0) {
  const double q = kM / kRhoA, v = q / kA, re = v * kD / nu;
  const double f = friction::churchill_f(re, 0.05e-3 / kD);
  return r * f * L / kD * rho * v * v / 2;
}

double event_time(const StudyRun& run, const std::string& element, const std::string& needle) {
  for (const auto& e : run.events)
    if (e.kind == "batch" && e.element == element && e.message.find(needle) != std::string::npos)
      return e.time;
  return -1;
}

double dp(const StudyRun& run, const std::string& pipe) {
  const auto& p = run.get<oil::Pipe>(pipe);
  return run.y(p.inlet().pressure()) - run.y(p.outlet().pressure());
}

}  // namespace

TEST_CASE(
    "batch interface arrives at every station after linefill volume / flow; grade mass "
    "conserved; Jacobian",
    "[oil][batch]") {
  StudyRun run(
      batch_study("23 h", std::string(kDra) +
                              "  batches:\n"
                              "    - {name: K1, pipe: P1, grade: Kumkol blend, start: 1 h, end: "
                              "30 h}\n"
                              "    - {name: DRA1, pipe: P1, dra: 8 ppm, start: 2 h, end: 4 h}\n"));
  std::vector<const oil::Pipe*> pipes;
  for (const char* n : {"P1", "P2", "P3"}) pipes.push_back(&run.get<oil::Pipe>(n));
  const System& sys = run.system();
  double worst_cons = 0, worst_jac = 0;
  for (double t = 3600; t <= 23 * 3600; t += 3600) {
    run.to(t);
    for (const oil::Pipe* p : pipes) {
      // Σ M_i φ_i (the grade's reference mass) − (received − delivered).
      const double held = p->grade_volume(run.state(), 1) * kRhoA;
      const double net = run.y(p->scalar_in(0)) - run.y(p->scalar_out(0));
      const double total = p->linefill(run.state());
      worst_cons = std::max(worst_cons, std::abs(held - net) / total);
    }
    if (t == 3 * 3600 || t == 8 * 3600) {
      for (double cj : {0.0, 10.0}) {
        JacobianCheck jc = check_jacobian(sys, run.integ->t(), run.integ->y(), run.integ->yp(), cj);
        INFO("t = " << t << ", cj = " << cj << ": " << jc.describe(sys));
        worst_jac = std::max(worst_jac, jc.max_error);
        // The largest relative differences sit on entries below 1e-6 in absolute value
        // (rows of a scalar that is 0 everywhere around: finite-difference round-off).
        CHECK((jc.max_error < 1e-5 || std::abs(jc.analytic - jc.finite_difference) < 1e-6));
      }
    }
  }
  double worst_arrival = 0;
  for (int k = 1; k <= 3; ++k) {
    const double plug = 3600 + kRhoA * kA * 30e3 * k / kM;
    const double t = event_time(run, fmt::format("P{}", k), "front of grade Kumkol blend");
    INFO("P" << k << ": arrival " << t << " s, plug flow " << plug << " s");
    REQUIRE(t > 0);
    worst_arrival = std::max(worst_arrival, std::abs(t - plug) / (plug - 3600));
    fmt::print(
        "oil batch: front at the outlet of P{} at {:.1f} s, plug flow {:.1f} s, rel {:.2e}\n", k, t,
        plug, (t - plug) / (plug - 3600));
  }
  // The drag reducer slug (2 h to 4 h) passes P1's outlet (no station: it carries on).
  const double dra_front = event_time(run, "P1", "front of drag reducer");
  const double dra_plug = 7200 + kRhoA * kA * 30e3 / kM;
  fmt::print("oil batch: DRA front at P1 outlet {:.1f} s, plug flow {:.1f} s\n", dra_front,
             dra_plug);
  CHECK(std::abs(dra_front - dra_plug) / (dra_plug - 7200) < 0.005);
  fmt::print("oil batch: worst |grade mass − (in − out)|/linefill {:.2e}, worst Jacobian {:.2e}\n",
             worst_cons, worst_jac);
  CHECK(worst_arrival < 0.005);
  CHECK(worst_cons < 1e-9);
}

TEST_CASE(
    "head loss follows the grade: steady Darcy with each grade's ρ, ν; the drag reducer's "
    "reduced factor",
    "[oil][batch]") {
  const double L = 30e3, fill = kRhoA * kA * L / kM;  // s per line volume
  SECTION("grade B displaces grade A") {
    StudyRun run(batch_study("30 h",
                             "  batches:\n    - {name: K1, pipe: P1, grade: Kumkol blend, start: "
                             "1 h, end: 30 h}\n",
                             1, "30 km"));
    run.to(3600);
    const double a = dp(run, "P1"), a_ref = darcy(L, kRhoA, kNuA);
    run.to(3600 + 4 * fill);
    const double b = dp(run, "P1"), b_ref = darcy(L, kRhoB, kNuB);
    fmt::print("oil batch: Δp grade A {:.6e} (Darcy {:.6e}), grade B {:.6e} (Darcy {:.6e})\n", a,
               a_ref, b, b_ref);
    CHECK(a == Approx(a_ref).epsilon(1e-4));
    CHECK(b == Approx(b_ref).epsilon(1e-4));
    // Linefill by grade after four line volumes: all B.
    const auto& p = run.get<oil::Pipe>("P1");
    CHECK(p.grade_volume(run.state(), 1) / (kA * L) == Approx(1.0).epsilon(1e-3));
  }
  SECTION(
      "drag reducer at 8 ppm: 20 % less friction (curve 25 % at 10 ppm); its front moves with the "
      "flow") {
    StudyRun run(batch_study("30 h",
                             std::string(kDra) +
                                 "  batches:\n    - {name: D1, pipe: P1, dra: 8 ppm, start: 1 "
                                 "h, end: 30 h}\n",
                             1, "30 km"));
    run.to(3600 + 4 * fill);
    const double r = dp(run, "P1"), r_ref = darcy(L, kRhoA, kNuA, 0.8);
    fmt::print("oil batch: Δp with DRA {:.6e} (Darcy × 0.8 {:.6e})\n", r, r_ref);
    CHECK(r == Approx(r_ref).epsilon(1e-4));
    const double t = event_time(run, "P1", "front of drag reducer");
    fmt::print("oil batch: DRA front at the outlet {:.1f} s, plug flow {:.1f} s\n", t, 3600 + fill);
    CHECK(std::abs(t - 3600 - fill) / fill < 0.005);
  }
}

namespace {
Diagnostics errors_of(const std::string& text) {
  try {
    load_study_text(text, "bad.yaml", {}, domains());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("the study loaded without errors");
  return {};
}
int line_of(const std::string& text, const std::string& needle) {
  const auto pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  return static_cast<int>(std::count(text.begin(), text.begin() + long(pos), '\n'));
}
}  // namespace

TEST_CASE("bad batch input exits with its location", "[oil][batch][input]") {
  {  // a batch of an undefined grade
    const std::string text = batch_study(
        "1 h", "  batches:\n    - {name: K1, pipe: P1, grade: Tengiz, start: 1 h, end: 2 h}\n");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "oil.batches[0].grade");
    CHECK(d.entries()[0].where.line == line_of(text, "Tengiz"));
    CHECK_THAT(d.entries()[0].message, Catch::Contains("Tengiz"));
  }
  {  // overlapping batches at one inlet
    const std::string text = batch_study(
        "1 h",
        "  batches:\n    - {name: K1, pipe: P1, grade: Kumkol blend, start: 1 h, end: 5 h}\n"
        "    - {name: K2, pipe: P1, grade: Russian transit, start: 4 h, end: 6 h}\n");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "oil.batches[1].start");
    CHECK(d.entries()[0].where.line == line_of(text, "name: K2"));
    CHECK_THAT(d.entries()[0].message, Catch::Contains("overlaps batch 'K1'"));
  }
  {  // a drag reducer concentration beyond its curve
    const std::string text = batch_study(
        "1 h", std::string(kDra) +
                   "  batches:\n    - {name: D1, pipe: P1, dra: 30 ppm, start: 1 h, end: 2 h}\n");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "oil.batches[0].dra");
    CHECK(d.entries()[0].where.line == line_of(text, "30 ppm"));
    CHECK_THAT(d.entries()[0].message, Catch::Contains("beyond the drag_reducer curve"));
  }
  {  // a reduction of 100 % or more
    std::string dra = kDra;
    dra.replace(dra.find("35 %"), 4, "100 %");
    const std::string text = batch_study(
        "1 h", dra + "  batches:\n    - {name: D1, pipe: P1, dra: 5 ppm, start: 1 h, end: 2 h}\n");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "oil.drag_reducer.reduction[2]");
  }
}
