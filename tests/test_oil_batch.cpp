// Batch tracking of crude grades and a drag reducer (models/oil/batch.cpp) against
// independent oracles:
//   - plug flow: an interface reaches each pipe outlet (station) when the volume pumped
//     since the batch started equals the linefill volume up to there, t = ρ_B A x / ṁ (the
//     receipt is a mass flow ṁ of the entering grade B, so its volume flow is ṁ/ρ_B);
//   - mass of each grade and of the whole crude conserved, pipe by pipe and along the line:
//     linefill − initial linefill = received − delivered (true masses, kg);
//   - the steady Darcy–Weisbach head loss with each grade's ρ, ν (Churchill's f by hand,
//     volume flow ṁ/ρ of the grade), and with the drag reducer's reduced factor (1 − DR) f;
//     downstream of the interface the density and viscosity are the grade's;
//   - the analytic Jacobian with grades and drag reducer against finite differences;
//   - bad input (undefined grade, overlapping batches, concentration beyond the curve).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <tuple>

#include "models/common/churchill.hpp"
#include "models/domains.hpp"
#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "models/oil/station.hpp"
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
                        const std::string& length = "30 km", const std::string& injections = "") {
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
{}  terminals:
    - {{name: Delivery, pipe: P{}, end: outlet, pressure: 5 bar}}
{})",
                     duration, list, injections, pipes, extra);
}

const char* kDra =
    "  drag_reducer: {concentration: [0, 10 ppm, 20 ppm], reduction: [0, 25 %, 35 %]}\n";

// Steady Darcy–Weisbach pressure drop over length L at mass flow ṁ of a crude of density ρ
// (volume flow Q = ṁ/ρ), viscosity ν, Darcy factor × r.
double darcy(double L, double rho, double nu, double r = 1.0) {
  const double q = kM / rho, v = q / kA, re = v * kD / nu;
  const double f = friction::churchill_f(re, 0.05e-3 / kD);
  return r * f * L / kD * rho * v * v / 2;
}

// The Jacobian check's tolerance: 1e-5 as for the other oil elements; with cj = 0 (∂F/∂y
// alone) 2e-4, for one kind of entry the central differences cannot resolve in doubles: an
// inflow total's row (scalar_in: y' − m̃*_0 φ*_0, a flux of ≈ 200 kg/s) depends on the cells
// downstream of the inlet only through the tail of the smooth upwind switch,
// (1 − σ)/2 = mε²/(4 m²) ≈ 2e-9, so the check's step of 1e-6 on a fraction moves the flux by
// ≈ 1e-13 kg/s, a few ulps of 200 kg/s: the difference quotient resolves that entry (≈ 1e-7,
// 2e-10 of its row's size) to only 20–50 %, which the check, judging entries below 1e-6 of
// the row size absolutely, reports as 5e-5 to 1.3e-4. With cj > 0 (what IDA uses) the
// total's own y' term enters its row size and every entry agrees to 1e-5 (measured 1.4e-6).
double jacobian_tolerance(double cj) {
  return cj == 0 ? 2e-4 : 1e-5;
}

// The Jacobian check's tolerance where a receipt of another grade enters a cell: there the
// backward difference of the fraction is the receipt's jump (≈ 0.56) and the forward one
// ≈ 1e-6, so the limiter's product ab moves on its scale ε² = 1e-6 within ≈ 2e-6 of the
// cell's neighbour, and the check's difference quotient (steps 1e-6, 5e-7) is off by 0.1 %;
// steps of 1e-8, 1e-9 and 1e-10 agree with the analytic entry to 3e-6, 1e-8 and 1e-8
// (measured), so entries beyond the tolerance are differenced again with 1e-9
// (check_jacobian's refine_above).
double receipt_jacobian_error(const System& sys, const StudyRun& run, double cj) {
  const double tol = jacobian_tolerance(cj);
  const JacobianCheck jc =
      check_jacobian(sys, run.integ->t(), run.integ->y(), run.integ->yp(), cj, tol);
  INFO("cj = " << cj << ": " << jc.describe(sys) << " (" << jc.refined << " entries refined)");
  CHECK(jc.max_error < tol);
  return jc.max_error;
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
    "batch interface arrives at every station after linefill volume / flow, grade mass "
    "conserved, Jacobian",
    "[oil][batch][long]") {
  StudyRun run(
      batch_study("23 h", std::string(kDra) +
                              "  batches:\n"
                              "    - {name: K1, pipe: P1, grade: Kumkol blend, start: 1 h, end: "
                              "30 h}\n"
                              "    - {name: DRA1, pipe: P1, dra: 8 ppm, start: 2 h, end: 4 h}\n"));
  std::vector<const oil::Pipe*> pipes;
  for (const char* n : {"P1", "P2", "P3"}) pipes.push_back(&run.get<oil::Pipe>(n));
  const System& sys = run.system();
  // Mass [kg] of grade g (0: A, 1: B, −1: all) in pipe p, and received / delivered by it.
  auto held = [&](const oil::Pipe* p, int g) {
    return g < 0 ? p->linefill(run.state())
                 : p->grade_volume(run.state(), g) * (g == 0 ? kRhoA : kRhoB);
  };
  auto passed = [&](const oil::Pipe* p, int g, bool out) {
    auto at = [&](int s) { return run.y(out ? p->scalar_out(s) : p->scalar_in(s)); };
    const double all = at(p->scalars()), b = at(0) * kRhoB / kRhoA;  // totals: true kg; B at ρ_A
    return g < 0 ? all : g == 1 ? b : all - b;
  };
  double start[3][3], line_start[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i)
    for (int g = -1; g <= 1; ++g) {
      start[i][g + 1] = held(pipes[std::size_t(i)], g);
      line_start[g + 1] += start[i][g + 1];
    }
  const double line_fill = line_start[0];
  double worst_cons = 0, worst_line = 0, worst_jac = 0;
  for (double t = 3600; t <= 23 * 3600; t += 3600) {
    run.to(t);
    for (int g = -1; g <= 1; ++g) {
      double line = 0;
      for (int i = 0; i < 3; ++i) {
        const oil::Pipe* p = pipes[std::size_t(i)];
        const double change = held(p, g) - start[i][g + 1];
        line += change;
        const double net = passed(p, g, false) - passed(p, g, true);
        worst_cons = std::max(worst_cons, std::abs(change - net) / line_fill);
      }
      const double net = passed(pipes[0], g, false) - passed(pipes[2], g, true);
      worst_line = std::max(worst_line, std::abs(line - net) / line_fill);
    }
    if (t == 3 * 3600 || t == 8 * 3600) {
      for (double cj : {0.0, 10.0}) {
        JacobianCheck jc = check_jacobian(sys, run.integ->t(), run.integ->y(), run.integ->yp(), cj);
        INFO("t = " << t << ", cj = " << cj << ": " << jc.describe(sys));
        worst_jac = std::max(worst_jac, jc.max_error);
        CHECK(jc.max_error < jacobian_tolerance(cj));
      }
    }
  }
  double worst_arrival = 0;
  for (int k = 1; k <= 3; ++k) {
    const double plug = 3600 + kRhoB * kA * 30e3 * k / kM;
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
  const double dra_plug = 7200 + kRhoB * kA * 30e3 / kM;
  fmt::print("oil batch: DRA front at P1 outlet {:.1f} s, plug flow {:.1f} s\n", dra_front,
             dra_plug);
  CHECK(std::abs(dra_front - dra_plug) / (dra_plug - 7200) < 0.005);
  fmt::print(
      "oil batch: worst |Δmass − (in − out)|/linefill by grade and total: per pipe {:.2e}, "
      "along the line {:.2e}; worst Jacobian {:.2e}\n",
      worst_cons, worst_line, worst_jac);
  CHECK(worst_arrival < 0.005);
  CHECK(worst_cons < 1e-9);
  CHECK(worst_line < 1e-9);
}

TEST_CASE(
    "head loss follows the grade: steady Darcy with each grade's ρ, ν, the drag reducer's "
    "reduced factor",
    "[oil][batch][long]") {
  const double L = 30e3, fill = kRhoB * kA * L / kM;  // s per line volume of grade B
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
    // Linefill by grade after four line volumes: all B; at the outlet the density is B's
    // (the viscosity's exponent is B's fraction: Δp above checks ν_B in the friction).
    const auto& p = run.get<oil::Pipe>("P1");
    CHECK(p.grade_volume(run.state(), 1) / (kA * L) == Approx(1.0).epsilon(1e-3));
    const double rho_out = p.cell_density(run.state(), p.cells() - 1);
    fmt::print("oil batch: density at the outlet {:.9g} kg/m3 (grade B {})\n", rho_out, kRhoB);
    CHECK(rho_out == Approx(kRhoB).epsilon(1e-9));
    CHECK(p.grade_fraction(run.state(), p.cells() - 1, 1) == Approx(1.0).epsilon(1e-9));
  }
  SECTION(
      "drag reducer at 8 ppm: 20 % less friction (curve 25 % at 10 ppm); its front moves with the "
      "flow") {
    StudyRun run(batch_study("30 h",
                             std::string(kDra) +
                                 "  batches:\n    - {name: D1, pipe: P1, dra: 8 ppm, start: 1 "
                                 "h, end: 30 h}\n",
                             1, "30 km"));
    const double fill_a = kRhoA * kA * L / kM;  // the drag reducer rides in grade A
    run.to(3600 + 4 * fill_a);
    const double r = dp(run, "P1"), r_ref = darcy(L, kRhoA, kNuA, 0.8);
    fmt::print("oil batch: Δp with DRA {:.6e} (Darcy × 0.8 {:.6e})\n", r, r_ref);
    CHECK(r == Approx(r_ref).epsilon(1e-4));
    const double t = event_time(run, "P1", "front of drag reducer");
    fmt::print("oil batch: DRA front at the outlet {:.1f} s, plug flow {:.1f} s\n", t,
               3600 + fill_a);
    CHECK(std::abs(t - 3600 - fill_a) / fill_a < 0.005);
  }
}

TEST_CASE("pump head becomes pressure at the density of the batch at the suction",
          "[oil][batch][pump]") {
  // Tank (3 bar) → P1 (10 km) → PS (one pump at rated speed) → P2 (10 km) → 15 bar; grade B
  // (light) enters P1 at 1 h and reaches the suction after one line volume.
  StudyRun run(R"(
study: {name: batch pump, duration: 10 h, output_interval: 1 h}
solver: {rtol: 1e-8, atol: 1e-8}
oil:
  initial_flow: 200 kg/s
  initial_pressure: 10 bar
  fluids:
    - {name: Russian transit, density: 850 kg/m3, viscosity: 12 cSt}
    - {name: Kumkol blend, density: 820 kg/m3, viscosity: 6 cSt}
  pipes:
    - {name: P1, length: 10 km, outer_diameter: 508 mm, wall_thickness: 8 mm, max_segment_length: 500 m}
    - {name: P2, length: 10 km, outer_diameter: 508 mm, wall_thickness: 8 mm, max_segment_length: 500 m}
  stations:
    - {name: PS, upstream: P1, downstream: P2,
       pumps: {count: 1, shutoff_head: 300 m, rated_head: 230 m, rated_flow: 0.25 m3/s}}
  terminals:
    - {name: Tank, pipe: P1, end: inlet, pressure: 3 bar}
    - {name: Receipt, pipe: P2, end: outlet, pressure: 15 bar}
  batches:
    - {name: K1, pipe: P1, grade: Kumkol blend, start: 1 h, end: 10 h}
)");
  const auto& p1 = run.get<oil::Pipe>("P1");
  const auto& p2 = run.get<oil::Pipe>("P2");
  const auto& st = run.get<oil::Station>("PS");
  const double h0 = 300.0, k = 70.0 / (0.25 * 0.25);
  // ρ g H(1, Q = ṁ/ρ) by hand against p_d − p_u, with the station's own speed and flow.
  auto check = [&](double rho, const char* grade) {
    const double m = run.y(st.offset()), s = run.y(st.offset() + 1), q = m / rho;
    const double dp_hand = rho * oil::kGravity * (h0 * s * s - k * q * q);
    const double dp = run.y(p2.inlet().pressure()) - run.y(p1.outlet().pressure());
    fmt::print(
        "oil batch pump: {} at the suction: Δp {:.6f} Pa, ρ g H by hand {:.6f} Pa (ρ {}, ṁ "
        "{:.4f} kg/s, s {:.6f}), rel {:.2e}\n",
        grade, dp, dp_hand, rho, m, s, (dp - dp_hand) / dp_hand);
    CHECK(dp == Approx(dp_hand).epsilon(1e-6));  // the curve is regularised within 1e-4 m3/s
    CHECK(st.suction_density(run.integ->y()) == Approx(rho).epsilon(1e-9));
  };
  run.to(3600);
  check(kRhoA, "heavy grade A");
  // The interface at the suction: the Jacobian through the suction density.
  const double fill = kRhoB * kA * 10e3 / 200.0;
  run.to(3600 + fill);
  for (double cj : {0.0, 10.0}) {
    JacobianCheck jc =
        check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
    INFO("cj = " << cj << ": " << jc.describe(run.system()));
    CHECK(jc.max_error < jacobian_tolerance(cj));
  }
  run.to(10 * 3600);
  check(kRhoB, "light grade B");
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

TEST_CASE(
    "a receipt of another grade mixes into the line: plug-flow front, mixture by volume, Darcy "
    "with the mixture, grade mass and running totals conserved, Jacobian",
    "[oil][batch][receipt]") {
  // P1 carries grade A (200 kg/s from its head); from 1 h P2's inlet receives 250 kg/s of
  // grade B; an offtake of the line's crude (the mixture there) leaves P3 at 15 km (30 kg/s).
  const double mb = 250.0, mo = 30.0, L = 30e3;
  StudyRun run(batch_study(
      "30 h", "", 3, "30 km",
      "    - {name: Kumkol in, pipe: P2, at: 0, grade: Kumkol blend, mass_flow: {times: [0, 1 "
      "h], values: [0, 250 kg/s], interpolation: step}}\n"
      "    - {name: Offtake, pipe: P3, at: 15 km, mass_flow: -30 kg/s}\n"));
  std::vector<const oil::Pipe*> pipes;
  for (const char* n : {"P1", "P2", "P3"}) pipes.push_back(&run.get<oil::Pipe>(n));
  const oil::Pipe &p2 = *pipes[1], &p3 = *pipes[2];
  const System& sys = run.system();
  const int receipt = sys.find("Receipt")->offset(), kumkol = sys.find("Kumkol in")->offset();
  const int offtake = sys.find("Offtake")->offset(), delivery = sys.find("Delivery")->offset() + 1;
  // Oracles: downstream of the receipt the mixture by volume, φ_B = Q_B/(Q_A + Q_B).
  const double qa = kM / kRhoA, qb = mb / kRhoB, phi = qb / (qa + qb);
  const double rho_mix = phi * kRhoB + (1 - phi) * kRhoA;
  const double nu_mix = std::exp(phi * std::log(kNuB) + (1 - phi) * std::log(kNuA));
  const double b_share = phi * kRhoB / rho_mix;  // B's share of the mixture's mass
  // B's totals [kg]: what a pipe holds, and what passed its inlet / outlet.
  auto held_b = [&](const oil::Pipe& p) { return p.grade_volume(run.state(), 1) * kRhoB; };
  auto in_b = [&](const oil::Pipe& p) { return run.y(p.scalar_in(0)) * kRhoB / kRhoA; };
  auto out_b = [&](const oil::Pipe& p) { return run.y(p.scalar_out(0)) * kRhoB / kRhoA; };
  double line0 = 0;
  for (auto* p : pipes) line0 += p->linefill(run.state());
  double worst_books = 0, worst_b = 0, worst_jac = 0, offtake_b = 0, offtake_b_prev = 0;
  // Volume [m³] out through P2's outlet: grade A's mass at ρ_A, B's reference mass at ρ_A.
  const int all = p2.scalars();
  auto out_volume = [&]() {
    const double b_ref = run.y(p2.scalar_out(0));
    return (run.y(p2.scalar_out(all)) - b_ref * kRhoB / kRhoA) / kRhoA + b_ref / kRhoA;
  };
  double v_start = 0;
  for (double t = 3600; t <= 30 * 3600; t += 3600) {
    run.to(t);
    if (t == 3600) v_start = out_volume();
    // Every kilogram: Δlinefill = the running totals of what feeds the line (receipts,
    // offtake, the delivery terminal), each the integral of its own flow (true mass: the
    // offtake draws the mixture at its density).
    double line = 0;
    for (auto* p : pipes) line += p->linefill(run.state());
    const double fed = run.y(receipt) + run.y(kumkol) + run.y(offtake) + run.y(delivery);
    worst_books = std::max(worst_books, std::abs(line - line0 - fed) / line0);
    CHECK(run.y(kumkol) == Approx(std::max(0.0, t - 3600) * mb).epsilon(1e-9));
    CHECK(run.y(offtake) == Approx(-mo * t).epsilon(1e-9));
    // Grade B in P2: held = received + in through its inlet − out through its outlet (what
    // comes from P1 is the smooth upwind switch's tail, (1 − σ)/2 ≈ 1e-9 of the flow).
    worst_b =
        std::max(worst_b, std::abs(held_b(p2) - (run.y(kumkol) + in_b(p2) - out_b(p2))) / line0);
    offtake_b_prev = offtake_b;
    offtake_b = in_b(p3) - out_b(p3) - held_b(p3);  // what P3's offtake took of B
    if (t == 2 * 3600 || t == 8 * 3600)
      for (double cj : {0.0, 10.0})
        worst_jac = std::max(worst_jac, receipt_jacobian_error(sys, run, cj));
  }
  // The front reaches P2's outlet at plug flow: when the volume out through the outlet since
  // 1 h equals P2's volume A L (the line packs while the flow rises, so not at 1 h +
  // A L/(Q_A + Q_B)). The scheme spreads the front but conserves B, so by its centroid: B's
  // volume out by the end = φ × (the volume out since that moment), i.e.
  //   V_out(end) − V_out(1 h) − V_B,out(end)/φ = A L.
  const double v_b = run.y(p2.scalar_out(0)) / kRhoA;
  const double v_centroid = out_volume() - v_start - v_b / phi, v_pipe = kA * L;
  const double t_half = event_time(run, "P2", "front of grade Kumkol blend");
  fmt::print(
      "oil receipt: front at the outlet of P2 after {:.3f} m3 out (centroid), P2's volume "
      "{:.3f} m3 (rel {:.2e}); fraction ½ at {:.1f} s (1 h + A L/Q {:.1f} s)\n",
      v_centroid, v_pipe, v_centroid / v_pipe - 1, t_half, 3600 + v_pipe / (qa + qb));
  CHECK(std::abs(v_centroid / v_pipe - 1) < 0.005);
  // The fraction-½ event: the mixture is φ = 0.564, so ½ lies high on the spread front and
  // follows the centroid.
  CHECK(t_half > 3600 + v_pipe / (qa + qb));
  // Steady after 30 h: P3 is full of the mixture; downstream of the offtake it loses the
  // steady Darcy drop of the mixture at 420 kg/s.
  const int mid = p3.cells() / 2;
  const double rho3 = p3.cell_density(run.state(), mid),
               phi3 = p3.grade_fraction(run.state(), mid, 1);
  const double m3 = kM + mb - mo, v3 = m3 / rho_mix / kA, re = v3 * kD / nu_mix;
  // From the face after the cell beside the offtake (it takes half of it) to the outlet.
  const double l3 = (p3.cells() - mid - 1) * p3.dx();
  const double darcy3 = friction::churchill_f(re, 0.05e-3 / kD) * l3 / kD * rho_mix * v3 * v3 / 2;
  const double dp3 =
      p3.point_pressure(run.state(), mid + 1) - p3.point_pressure(run.state(), p3.cells());
  // The offtake takes B at B's share of the mixture: 30 kg/s × ρ_B φ / ρ over the last hour.
  const double offtake_rate = (offtake_b - offtake_b_prev) / 3600;
  fmt::print(
      "oil receipt: P3 φ_B {:.9f} (by volume {:.9f}), ρ {:.6f} ({:.6f}); Δp downstream half "
      "{:.6e} (Darcy with the mixture {:.6e}); B through the offtake {:.6f} kg/s ({:.6f}); "
      "books {:.2e}, B in P2 {:.2e}; Jacobian {:.1e}\n",
      phi3, phi, rho3, rho_mix, dp3, darcy3, offtake_rate, b_share * mo, worst_books, worst_b,
      worst_jac);
  CHECK(phi3 == Approx(phi).epsilon(1e-6));
  CHECK(rho3 == Approx(rho_mix).epsilon(1e-9));
  CHECK(dp3 == Approx(darcy3).epsilon(1e-4));
  CHECK(offtake_rate == Approx(b_share * mo).epsilon(1e-6));
  CHECK(worst_books < 1e-10);
  CHECK(worst_b < 1e-9);
}

TEST_CASE(
    "a valve's loss and a relief valve's volume follow the grade passing, linefill sets the "
    "initial mixture",
    "[oil][batch][valve]") {
  // 20 bar → P1 (10 km) → valve (ζ 5) → P2 (10 km) → relief valve (set 5 bar, 10 %,
  // 0.5 m³/s), no terminal downstream: the relief valve passes the whole flow. Grade B
  // enters at P1's inlet from the start; P1 starts with 25 % of B already in it.
  const std::string text = R"(
study: {name: valve, duration: 12 h, output_interval: 1 h}
solver: {rtol: 1e-8, atol: 1e-8}
oil:
  initial_flow: 200 kg/s
  initial_pressure: 15 bar
  fluids:
    - {name: Russian transit, density: 850 kg/m3, viscosity: 12 cSt}
    - {name: Kumkol blend, density: 820 kg/m3, viscosity: 6 cSt}
  pipes:
    - {name: P1, length: 10 km, outer_diameter: 508 mm, wall_thickness: 8 mm, max_segment_length: 500 m, linefill: {Kumkol blend: 25 %}}
    - {name: P2, length: 10 km, outer_diameter: 508 mm, wall_thickness: 8 mm, max_segment_length: 500 m}
  valves:
    - {name: V, upstream: P1, downstream: P2, loss_coefficient: 5}
  relief_valves:
    - {name: RV, pipe: P2, end: outlet, set_pressure: 5 bar, accumulation: 0.1, rated_flow: 0.5 m3/s}
  terminals:
    - {name: Head, pipe: P1, end: inlet, pressure: 20 bar}
  batches:
    - {name: B, pipe: P1, grade: Kumkol blend, start: 0 h, end: 100 h}
)";
  StudyRun run(text);
  const System& sys = run.system();
  const auto& p1 = run.get<oil::Pipe>("P1");
  const auto& p2 = run.get<oil::Pipe>("P2");
  // linefill: 25 % of P1's volume is B at the start, P2 none.
  const double vol = kA * 10e3;
  const double b1 = p1.grade_volume(run.state(), 1), b2 = p2.grade_volume(run.state(), 1);
  const double all1 = b1 + p1.grade_volume(run.state(), 0);  // A L and the packing
  fmt::print(
      "oil linefill: P1 starts with {:.9f} of its linefill in B ({:.0f} of {:.0f} m3), "
      "P2 {:.6f}\n",
      b1 / all1, b1, vol, b2 / vol);
  CHECK(b1 / all1 == Approx(0.25).epsilon(1e-12));
  CHECK(all1 == Approx(vol).epsilon(2e-3));
  CHECK(b2 == 0.0);
  const int im = sys.find("V")->offset(), iq = sys.find("RV")->offset(), iv = iq + 1;
  double worst_jac = 0;
  run.to(3600);  // the front is in P2
  for (double cj : {0.0, 10.0})
    worst_jac = std::max(worst_jac, receipt_jacobian_error(sys, run, cj));
  run.to(11 * 3600);
  const double v0 = run.y(iv);
  run.to(12 * 3600);
  // Steady with B everywhere: the valve's loss ζ m²/(2 ρ_B A²) (A the pipe's bore), the relief
  // valve's lift q/(ρ_B Q_r) = (p − p_set)/Δp_a and its tank filling at q/ρ_B.
  const double m = run.y(im), q = run.y(iq);
  const double dpv = run.y(p1.outlet().pressure()) - run.y(p2.inlet().pressure());
  // the valve's law with its regularisation m_ε = 1 % of the flow scale (200 kg/s), which
  // moves Δp by (m_ε/m)²/2 = 1.6e-5 here
  const double me = 2.0, want = 5.0 * m * std::sqrt(m * m + me * me) / (2 * kRhoB * kA * kA);
  const double p = run.y(p2.outlet().pressure());
  const double lift = (p - 5e5) / 0.5e5, rate = (run.y(iv) - v0) / 3600;
  fmt::print(
      "oil valve with grade B: Δp {:.6f} Pa (ζ m²/(2 ρ_B A²) {:.6f}, with ρ_A {:.6f}); relief "
      "flow {:.6f} kg/s = ρ_B Q_r lift {:.6f}, tank filling {:.9f} m3/s (q/ρ_B {:.9f}); "
      "Jacobian {:.1e}\n",
      dpv, want, want * kRhoB / kRhoA, q, kRhoB * 0.5 * lift, rate, q / kRhoB, worst_jac);
  CHECK(m == Approx(q).epsilon(1e-9));
  CHECK(dpv == Approx(want).epsilon(1e-8));
  CHECK(q == Approx(kRhoB * 0.5 * lift).epsilon(1e-6));
  CHECK(rate == Approx(q / kRhoB).epsilon(1e-6));
}

TEST_CASE("bad batch input exits with its location", "[oil][batch][input]") {
  {  // a receipt of an undefined grade; a graded "receipt" that delivers
    const std::string text =
        batch_study("1 h", "", 3, "30 km",
                    "    - {name: R2, pipe: P2, at: 0, grade: Tengiz, mass_flow: 10 kg/s}\n"
                    "    - {name: R3, pipe: P3, at: 0, grade: Kumkol blend, mass_flow: {times: [0, "
                    "1 h], values: [10, -5], interpolation: linear}}\n");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 2);
    CHECK(d.entries()[0].key_path == "oil.injections[1].grade");
    CHECK(d.entries()[0].where.line == line_of(text, "Tengiz"));
    CHECK(d.entries()[1].key_path == "oil.injections[2].grade");
    CHECK(d.entries()[1].where.line == line_of(text, "name: R3"));
    CHECK_THAT(d.entries()[1].message, Catch::Contains("needs mass_flow ≥ 0"));
  }
  {  // linefill: an unknown crude, the pipe's own fluid, fractions above 1 in sum
    for (const auto& [fill, key, needle] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"{Tengiz: 10 %}", "oil.pipes[0].linefill.Tengiz", "no fluid named 'Tengiz'"},
             {"{Russian transit: 10 %}", "oil.pipes[0].linefill.Russian transit",
              "is the pipe's fluid"},
             {"{Kumkol blend: 120 %}", "oil.pipes[0].linefill.Kumkol blend", "lies in [0, 1]"}}) {
      std::string text = batch_study("1 h",
                                     "  batches:\n    - {name: K1, pipe: P1, grade: Kumkol "
                                     "blend, start: 1 h, end: 2 h}\n");
      text.replace(text.find("max_segment_length: 500 m}"), 26,
                   "max_segment_length: 500 m, linefill: " + fill + "}");
      const Diagnostics d = errors_of(text);
      INFO(fill);
      REQUIRE(d.size() == 1);
      CHECK(d.entries()[0].key_path == key);
      CHECK(d.entries()[0].where.line == line_of(text, "linefill"));
      CHECK_THAT(d.entries()[0].message, Catch::Contains(needle));
    }
    std::string text = batch_study("1 h", "");  // no batch tracking
    text.replace(text.find("max_segment_length: 500 m}"), 26,
                 "max_segment_length: 500 m, linefill: {Kumkol blend: 10 %}}");
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "oil.pipes[0].linefill");
    CHECK_THAT(d.entries()[0].message, Catch::Contains("needs batch tracking"));
  }
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
