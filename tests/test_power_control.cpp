// Frequency control and protection of the power system (models/power) against hand
// derivations and closed forms:
//  - RoCoF right after a trip: −ΔP·f0/(2·Σ H·S online), the tripped unit's inertia gone
//    (units, zone, synthetic inertia of wind and storage)
//  - AGC saturation: the integral stops at the regulating range, the frequency settles at
//    the offset the remaining primary response gives, and AGC recovers at once (no windup)
//  - governor deadband: the steady offset of a no-step deadband
//  - UFLS by RoCoF and by frequency, staged restoration, generator under-frequency trip
//  - dispatch: base points ramp at the units' ramp rate, no restart at a dispatch; a
//    scheduled tie holds its contract; no set point above capacity
//  - hydro governor with transient droop: the linearised closed loop (the engine's
//    eigenvalues) against the roots of the characteristic polynomial of the transfer
//    functions; Kundur's default temporary droop and reset time
//  - the analytic Jacobian of the new elements and modes against finite differences
#include <fmt/format.h>

#include <Eigen/Dense>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <complex>

#include "models/power/generator.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "solver/engine/linearisation.hpp"
#include "study_run.hpp"

using namespace steppe;
using testing::StudyRun;

namespace {

// Zone unknowns: 0 Δf, 1 θ, 2 ACE, 3 λ (with AGC).
constexpr int kDf = 0, kLambda = 3;  // zone unknowns: Δf, …, λ (row 2 is the ACE)

int count_containing(const StudyRun& run, const std::string& element, const std::string& text) {
  int n = 0;
  for (const auto& e : run.events)
    n += e.element == element && e.message.find(text) != std::string::npos;
  return n;
}

double event_time(const StudyRun& run, const std::string& element, const std::string& text,
                  int nth = 0) {
  for (const auto& e : run.events)
    if (e.element == element && e.message.find(text) != std::string::npos && nth-- == 0)
      return e.time;
  return -1;
}

}  // namespace

TEST_CASE("RoCoF right after a trip is −ΔP·f0/(2·Σ H·S online) without the lost unit",
          "[power][inertia]") {
  // Online before the trip: the zone's own 1 s on 1 GW, A 4 s on 2.2 GW, Lost 5 s on
  // 600 MW, the wind farm's synthetic 3 s on 100 MW (producing), the battery's 2 s on
  // 50 MW. At the trip Δf = 0: no governor or damping term acts yet, and the unit's output
  // (400 MW) and inertia leave together.
  const double f0 = 50, dP = 400e6;
  const double h_after = 1 * 1e9 + 4 * 2.2e9 + 3 * 100e6 + 2 * 50e6;
  const double h_before = h_after + 5 * 600e6;
  StudyRun run(R"(
study: {name: rocof, duration: 30 s, output_interval: 1 s}
solver: {rtol: 1e-9, atol: 1e-9}
power:
  zones:
    - {name: Z, inertia: 1 s, base: 1 GW, damping: 1, load: 2100 MW}
  generators:
    - {name: A, zone: Z, capacity: 2 GW, set_point: 1.6 GW, inertia: 4 s, rating: 2.2 GW,
       hp_fraction: 0.3, turbine_time: 7 s}
    - {name: Lost, zone: Z, type: gas, capacity: 500 MW, set_point: 400 MW, inertia: 5 s,
       rating: 600 MW, governor: false, trip_at: 10 s}
  wind:
    - {name: W, zone: Z, turbines: 40, rated_power: 2.5 MW, speed: 13 m/s,
       measurement_height: 90 m, synthetic_inertia: 3 s}
  storage:
    - {name: BESS, zone: Z, energy: 100 MWh, power: 50 MW, synthetic_inertia: 2 s}
)");
  const auto& z = run.get<power::Zone>("Z");
  CHECK(std::abs(run.value("Z", kDf)) < 1e-9);
  CHECK(z.inertia_online(run.state()) == Approx(h_before).epsilon(1e-12));
  run.to(10.0);  // the trip, handled: the state just after it
  const double rocof = run.integ->yp()[z.df()];
  const double expect = -dP * f0 / (2 * h_after);
  INFO("RoCoF " << rocof << " Hz/s, expected " << expect << " (with the lost unit's inertia "
                << -dP * f0 / (2 * h_before) << ")");
  CHECK(std::abs(rocof / expect - 1) < 1e-6);
  CHECK(z.inertia_online(run.state()) == Approx(h_after).epsilon(1e-12));
  CHECK(run.get<power::Generator>("Lost").inertia(run.state()) == 0.0);
  run.to(30);
  CHECK(run.value("Z", kDf) < -0.05);
}

namespace {

// A zone whose load step (300 MW) exceeds its AGC range (unit A: 200 MW of headroom);
// B does not regulate but has a governor. The load falls back at 2000 s.
const char* kSaturation = R"(
study: {name: agc saturation, duration: 3000 s, output_interval: 1 s}
solver: {rtol: 1e-9, atol: 1e-9, max_order: 2}
power:
  zones:
    - name: Z
      inertia: 5 s
      base: 1.5 GW
      damping: 1
      load: {times: [0, 100 s, 2000 s], values: [1000 MW, 1300 MW, 1000 MW],
             interpolation: step}
      agc: {time_constant: 60 s}
  generators:
    - {name: A, zone: Z, capacity: 1100 MW, set_point: 900 MW, participation: 1,
       turbine_time: 5 s}
    - {name: B, zone: Z, type: gas, capacity: 500 MW, set_point: 100 MW, participation: 0,
       turbine_time: 2 s}
)";

}  // namespace

TEST_CASE("AGC saturates at its regulating range and recovers without windup", "[power][agc]") {
  // Range up R = 1100 − 900 = 200 MW (A's headroom; α_A = 1, so Λ_up = 200 MW). Once A's
  // set point and governor sit at its capacity, only B's governor (K_B = 500 MW/0.05 per
  // unit frequency) and the load's damping (D·P_L = 1300 MW) respond:
  //   (1100 + 100 − 1300)·1e6 = (K_B + D·P_L)·Δf/f0   →   Δf = −100·50/11300 Hz.
  const double f0 = 50, R = 200e6;
  const double df_ss = -(300e6 - R) * f0 / (500e6 / 0.05 + 1.0 * 1300e6);
  StudyRun run(kSaturation);
  const auto& z = run.get<power::Zone>("Z");
  run.to(1999);
  INFO("Δf " << run.value("Z", kDf) << " vs " << df_ss << ", λ " << run.value("Z", kLambda));
  CHECK(run.value("Z", kDf) == Approx(df_ss).epsilon(1e-6));
  CHECK(run.value("Z", kLambda) == Approx(R).epsilon(1e-9));  // the integral stopped there
  CHECK(z.agc_share(z.agc_slot(run.get<power::Generator>("A")), run.state()) ==
        Approx(R).epsilon(1e-12));
  REQUIRE(count_containing(run, "Z", "AGC saturated") == 1);
  const double t_sat = event_time(run, "Z", "AGC saturated");
  CHECK(t_sat > 100);
  CHECK(t_sat < 200);
  // A windup integral would stand at ∫ACE dt/T = B·|Δf|·(1999 − t_sat)/T ≈ 9 GW here and
  // hold A at its capacity for minutes after the load falls back; bounded, it resumes the
  // moment the load falls back and returns to 0 from above. (The first seconds carry the
  // governors' own swing: f overshoots by +1.1 Hz and dips 0.06 Hz below 50 Hz once, with λ
  // nearly still — primary control, not AGC.)
  const double bias = (1000e6 + 1100e6 / 0.05 + 500e6 / 0.05) / f0;
  INFO("bias " << bias << " W/Hz");
  run.to(2030);
  double lam_prev = run.value("Z", kLambda), lam_min = lam_prev, f_min = 1e9;
  bool monotone = true;
  for (double t = 2030.5; t <= 3000; t += 0.5) {
    run.to(t);
    const double lam = run.value("Z", kLambda);
    monotone = monotone && lam <= lam_prev + 1e-9 * R;
    lam_prev = lam;
    lam_min = std::min(lam_min, lam);
    f_min = std::min(f_min, run.value("Z", kDf));
  }
  REQUIRE(count_containing(run, "Z", "AGC recovered") == 1);
  CHECK(event_time(run, "Z", "AGC recovered") == Approx(2000).margin(1.0));
  CHECK(monotone);
  CHECK(lam_min > -1e-6 * R);  // no overshoot past the schedule
  CHECK(f_min > -1e-6);        // the frequency comes back to 50 Hz from above
  CHECK(std::abs(run.value("Z", kDf)) < 1e-6);
  CHECK(std::abs(run.value("Z", kLambda)) < 1e-3 * R);
}

TEST_CASE("AGC in saturation: the analytic Jacobian equals finite differences",
          "[power][agc][jacobian]") {
  StudyRun run(kSaturation);
  for (double t : {150.0, 1999.0, 2000.2, 2100.0}) {
    run.to(t);
    for (double cj : {0.0, 1e-2, 10.0}) {
      JacobianCheck jc =
          check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
      INFO("t " << t << " cj " << cj << ": " << jc.describe(run.system()));
      CHECK(jc.max_error < 1e-6);
    }
  }
}

TEST_CASE("a governor deadband widens the steady offset by K·db/(K + D·P_L)", "[power][governor]") {
  // One governed unit (K = C/R per unit frequency) behind a no-step deadband db, a load
  // step ΔP and damping D·P_L: −K·(Δf + db)/f0 = ΔP + D·P_L·Δf/f0 for Δf < −db, so
  //   Δf = −(ΔP·f0 + K·db)/(K + D·P_L).
  const double f0 = 50, C = 2e9, R = 0.05, K = C / R, db = 0.02, dP = 100e6, PL = 1.5e9;
  const double df = -(dP * f0 + K * db) / (K + PL);
  StudyRun run(R"(
study: {name: deadband, duration: 300 s, output_interval: 1 s}
solver: {rtol: 1e-9, atol: 1e-9}
power:
  zones:
    - name: Z
      inertia: 5 s
      base: 2 GW
      load: {times: [0, 10 s], values: [1400 MW, 1500 MW], interpolation: step}
  generators:
    - {name: G, zone: Z, capacity: 2 GW, set_point: 1400 MW, deadband: 0.02 Hz,
       turbine_time: 3 s}
)");
  run.to(9);
  CHECK(std::abs(run.value("Z", kDf)) < 1e-9);
  run.to(300);
  INFO("Δf " << run.value("Z", kDf) << " vs " << df);
  CHECK(run.value("Z", kDf) == Approx(df).epsilon(1e-7));
  // Without the deadband: −ΔP·f0/(K + D·P_L).
  StudyRun plain(R"(
study: {name: deadband, duration: 300 s, output_interval: 1 s}
solver: {rtol: 1e-9, atol: 1e-9}
power:
  zones:
    - name: Z
      inertia: 5 s
      base: 2 GW
      load: {times: [0, 10 s], values: [1400 MW, 1500 MW], interpolation: step}
  generators:
    - {name: G, zone: Z, capacity: 2 GW, set_point: 1400 MW, turbine_time: 3 s}
)");
  plain.to(300);
  CHECK(plain.value("Z", kDf) == Approx(-dP * f0 / (K + PL)).epsilon(1e-7));
}

TEST_CASE("UFLS by RoCoF and by frequency, staged restoration, an under-frequency trip",
          "[power][ufls][protection]") {
  // Losing 400 MW of 2 GW with Σ H·S = 2·2 + 4·2.5 GW·s gives RoCoF −400·50/28000 =
  // −0.714 Hz/s at once: stage 1 (RoCoF below −0.5 Hz/s) picks up at the trip and sheds
  // 0.1 s later. The peaker's under-frequency relay (49.8 Hz, 1 s) trips it. AGC brings
  // the frequency back; each stage reconnects `restore_delay` after f stays above 49.9 Hz.
  StudyRun run(R"(
study: {name: ufls, duration: 600 s, output_interval: 0.5 s}
solver: {rtol: 1e-8, atol: 1e-8, max_order: 2}
power:
  zones:
    - name: Z
      inertia: 2 s
      base: 2 GW
      damping: 1
      load: 2 GW
      agc: {time_constant: 20 s}
      ufls:
        - {rocof: -0.5 Hz/s, delay: 0.1 s, fraction: 10 %, restore_above: 49.9 Hz,
           restore_delay: 30 s}
        - {threshold: 49.7 Hz, rocof: -0.1 Hz/s, delay: 0.2 s, fraction: 5 %,
           restore_above: 49.95 Hz, restore_delay: 60 s}
  generators:
    - {name: A, zone: Z, capacity: 2.5 GW, set_point: 1.6 GW, inertia: 4 s, hp_fraction: 0.3,
       turbine_time: 7 s, ramp: 300 MW/min, participation: 1}
    - {name: Lost, zone: Z, type: gas, capacity: 500 MW, set_point: 400 MW, inertia: 5 s,
       governor: false, trip_at: 10 s, participation: 0}
    - {name: Peaker, zone: Z, type: gas, capacity: 300 MW, set_point: 0 MW,
       underfrequency_trip: {threshold: 49.8 Hz, delay: 1 s}, participation: 0}
)");
  const auto& z = run.get<power::Zone>("Z");
  run.to(10.0);
  CHECK(run.integ->yp()[z.df()] == Approx(-400e6 * 50 / (2 * (2 * 2e9 + 4 * 2.5e9))).epsilon(1e-6));
  run.to(600);
  // Stage 1: armed at the trip, shed after its delay.
  CHECK(event_time(run, "Z", "stage 1 armed") == Approx(10.0).margin(1e-9));
  CHECK(event_time(run, "Z", "stage 1 shed") == Approx(10.1).margin(1e-9));
  // Stage 2 needs both conditions, f < 49.7 Hz and RoCoF < −0.1 Hz/s: it picks up while
  // both hold and drops off when the RoCoF recovers, before its 0.2 s delay.
  int armed2 = 0;
  for (const auto& e : run.events)
    if (e.element == "Z" && e.message.find("stage 2 armed") != std::string::npos) {
      ++armed2;
      CHECK(e.value <= 49.7 + 1e-9);
    }
  CHECK(armed2 >= 1);
  CHECK(count_containing(run, "Z", "stage 2 disarmed") == armed2);
  CHECK(count_containing(run, "Z", "stage 2 shed") == 0);
  // The peaker: picked up when f fell through 49.8 Hz, tripped 1 s later.
  const double t_pick = event_time(run, "Peaker", "picked up");
  REQUIRE(t_pick > 10);
  CHECK(event_time(run, "Peaker", "tripped by its under-frequency") ==
        Approx(t_pick + 1.0).margin(1e-9));
  // Restoration of stage 1: 30 s after the last time f rose above 49.9 Hz.
  double t_above = -1;
  for (const auto& e : run.events)
    if (e.element == "Z" && e.message.find("stage 1: frequency above") != std::string::npos &&
        (event_time(run, "Z", "stage 1 restored") < 0 ||
         e.time < event_time(run, "Z", "stage 1 restored")))
      t_above = e.time;
  REQUIRE(t_above > 10);
  CHECK(event_time(run, "Z", "stage 1 restored") == Approx(t_above + 30).margin(1e-9));
  CHECK(z.shed_fraction() == 0.0);
  CHECK(std::abs(run.value("Z", kDf)) < 1e-6);
  // Shed energy: 10 % of 2 GW (damped by the frequency) from 10.1 s to the reconnection.
  const double e_shed = run.value("Z", z.energy(power::Zone::kShed) - z.offset());
  CHECK(e_shed == Approx(0.1 * 2e9 * (t_above + 30 - 10.1)).epsilon(1e-9));
}

TEST_CASE("dispatch: base points ramp at the unit's ramp rate, without restarts",
          "[power][dispatch]") {
  // The load ramps linearly (no breakpoint inside the run); one dispatch an hour. The only
  // stop times are the dispatches, whose base points move continuously: no restart in 3 h
  // (nothing reaches a limit: A has no governor and does not regulate, B's band is not
  // reached).
  // Merit order: both at their minimum, then A (10 MW/min) up to its capacity, then B.
  //   0 h: load 600 MW → A 550, B 50;  1 h: 750 MW → A 700: 150 MW at 10 MW/min, 15 min
  //   (longer than the 10 min ramp time);  2 h: 900 MW → A 790 (9 min at its rate: the
  //   10 min ramp time), B 110 over 10 min (B could do it in 72 s).
  StudyRun run(R"(
study: {name: ramped dispatch, duration: 3 h, output_interval: 1 min}
solver: {rtol: 1e-7, atol: 1e-7, max_order: 2}
power:
  zones:
    - name: Z
      inertia: 5 s
      base: 2 GW
      load: {times: [0, 3 h], values: [600 MW, 1050 MW]}
      agc: {time_constant: 60 s}
  generators:
    - {name: A, zone: Z, capacity: 790 MW, min_output: 200 MW, cost: 10, ramp: 10 MW/min,
       participation: 0, governor: false}
    - {name: B, zone: Z, type: gas, capacity: 1000 MW, min_output: 50 MW, cost: 20,
       ramp: 50 MW/min, participation: 1}
  dispatch: {interval: 1 h, ramp_time: 10 min}
)");
  const auto& a = run.get<power::Generator>("A");
  const auto& b = run.get<power::Generator>("B");
  CHECK(a.base_point(0) == Approx(550e6).epsilon(1e-12));
  CHECK(b.base_point(0) == Approx(50e6).epsilon(1e-12));
  double worst = -1e9;  // set point − available output, over the samples
  for (double t = 60; t <= 3 * 3600; t += 60) {
    run.to(t);
    for (const auto* g : {&a, &b}) worst = std::max(worst, g->set_point(run.state()) - g->p_max(t));
    if (t == 3600 + 600) CHECK(a.base_point(t) == Approx(650e6).epsilon(1e-12));
    if (t == 3600 + 1200) CHECK(a.base_point(t) == Approx(700e6).epsilon(1e-12));
    if (t == 7200 + 300) CHECK(b.base_point(t) == Approx(50e6 + 60e6 * 0.5).epsilon(1e-12));
  }
  CHECK(a.base_point(3 * 3600) == Approx(790e6).epsilon(1e-12));
  CHECK(worst <= 0);
  CHECK(run.integ->stats().reinitialisations == 0);
  CHECK(run.events.empty());
}

TEST_CASE("dispatch holds the AGC reserve free on the regulating units", "[power][dispatch]") {
  // Zone Z with reserve R = 120 MW; A (cheap, α 0.75 after normalising 3 : 1) and B (α 0.25)
  // regulate, C does not. Load 1,000 MW at t = 0. By hand, in merit order A → B → C:
  //   all at their minimum: A 100, B 100, C 50 → 750 MW left;
  //   A up to 600 − 0.75·120 = 510 (410 more) → 340 left;
  //   B up to 400 − 0.25·120 = 370 (270 more) → 70 left;
  //   C (no AGC, no reserve) 50 + 70 = 120.
  // Without the reserve: A 600, B 350, C 50. Up-room left to AGC: 90 + 30 = 120 MW = R.
  const char* study = R"(
study: {name: reserve, duration: 10 s, output_interval: 1 s}
power:
  zones:
    - {name: Z, inertia: 5 s, load: 1000 MW, agc: {time_constant: 60 s%s}}
  generators:
    - {name: A, zone: Z, capacity: 600 MW, min_output: 100 MW, cost: 10, participation: 3}
    - {name: B, zone: Z, capacity: 400 MW, min_output: 100 MW, cost: 20, participation: 1}
    - {name: C, zone: Z, capacity: 500 MW, min_output: 50 MW, cost: 30, participation: 0}
  dispatch: {interval: 1 h}
)";
  auto base = [&](const std::string& extra) {
    const std::string text(study);
    const std::size_t at = text.find("%s");
    StudyRun run(text.substr(0, at) + extra + text.substr(at + 2));
    std::array<double, 3> b{};
    int i = 0;
    for (const char* n : {"A", "B", "C"})
      b[std::size_t(i++)] = run.get<power::Generator>(n).base_point(0);
    return b;
  };
  const auto held = base(", reserve: 120 MW");
  CHECK(held[0] == Approx(510e6).epsilon(1e-12));
  CHECK(held[1] == Approx(370e6).epsilon(1e-12));
  CHECK(held[2] == Approx(120e6).epsilon(1e-12));
  const auto none = base("");
  CHECK(none[0] == Approx(600e6).epsilon(1e-12));
  CHECK(none[1] == Approx(350e6).epsilon(1e-12));
  CHECK(none[2] == Approx(50e6).epsilon(1e-12));
}

TEST_CASE("dispatch leaves the tie margin free on every tie", "[power][dispatch]") {
  // Cheap N exports to dear S over a 500 MW tie; S's load 900 MW. By hand: S's unit at its
  // 100 MW minimum, 800 MW to find; N's unit (cost 5) sends the tie's room: 500 MW without
  // a margin, (1 − 0.1)·500 = 450 MW with tie_margin 0.1; S's unit covers the rest (300 or
  // 350 MW more: base point 400 or 450 MW).
  const char* study = R"(
study: {name: margin, duration: 10 s, output_interval: 1 s}
power:
  zones:
    - {name: N, inertia: 5 s, load: 0 MW}
    - {name: S, inertia: 5 s, load: 900 MW}
  ties:
    - {name: NS, from: N, to: S, susceptance: 5000 MW, limit: 500 MW}
  generators:
    - {name: GN, zone: N, capacity: 2000 MW, min_output: 0 MW, cost: 5}
    - {name: GS, zone: S, capacity: 1000 MW, min_output: 100 MW, cost: 50}
  dispatch: {interval: 1 h%s}
)";
  for (const auto& [extra, tie] : {std::pair{"", 500e6}, std::pair{", tie_margin: 0.1", 450e6}}) {
    const std::string text(study);
    const std::size_t at = text.find("%s");
    StudyRun run(text.substr(0, at) + extra + text.substr(at + 2));
    CHECK(run.get<power::Generator>("GN").base_point(0) == Approx(tie).epsilon(1e-12));
    CHECK(run.get<power::Generator>("GS").base_point(0) == Approx(900e6 - tie).epsilon(1e-12));
  }
}

namespace {

// A hydro-only zone: load P_L with damping D on its own inertia H_z (on base S), one hydro
// unit (capacity C, droop R_p, water time T_w, servo T_g and, when given, temporary droop R_T
// with reset time T_R), no AGC.
std::string hydro_zone(const std::string& td) {
  return fmt::format(R"(
study: {{name: hydro, duration: 60 s, output_interval: 1 s}}
solver: {{rtol: 1e-10, atol: 1e-10}}
power:
  zones:
    - {{name: South, inertia: 4 s, base: 500 MW, damping: 1, load: 500 MW}}
  generators:
    - {{name: Hydro, zone: South, type: hydro, capacity: 800 MW, droop: 0.05, water_time: 1.5 s,
       governor_time: 0.5 s, set_point: 500 MW{}}}
)",
                     td);
}

// Roots of the polynomial c[0] + c[1]·s + … + c[n]·s^n (companion matrix).
std::vector<std::complex<double>> poly_roots(const std::vector<double>& c) {
  const int n = static_cast<int>(c.size()) - 1;
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(n, n);
  for (int i = 1; i < n; ++i) A(i, i - 1) = 1.0;
  for (int i = 0; i < n; ++i) A(i, n - 1) = -c[std::size_t(i)] / c[std::size_t(n)];
  Eigen::EigenSolver<Eigen::MatrixXd> es(A);
  std::vector<std::complex<double>> r;
  for (int i = 0; i < n; ++i) r.push_back(es.eigenvalues()(i));
  return r;
}

std::vector<double> poly_mul(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> c(a.size() + b.size() - 1, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < b.size(); ++j) c[i + j] += a[i] * b[j];
  return c;
}

}  // namespace

TEST_CASE(
    "hydro governor with transient droop: the closed loop's modes are the roots of "
    "its characteristic polynomial, all stable",
    "[power][hydro][linearisation]") {
  // Swing (M·s + D·P_L/f0)·Δf = ΔP_m − ΔP_L; governor and turbine from −Δf to ΔP_m:
  //   K/f0 · (1 + T_R·s)/(1 + A·s) · 1/(1 + T_g·s) · (1 − T_w·s)/(1 + T_w·s/2),
  //   K = C/R_p, A = (R_T/R_p)·T_R (Kundur §9.2), so the closed loop's modes solve
  //   (M·s + D·P_L/f0)(1 + A·s)(1 + T_g·s)(1 + T_w·s/2) + K/f0·(1 + T_R·s)(1 − T_w·s) = 0.
  // Kundur's defaults for T_w = 1.5 s and T_M = 2·3 s: R_T = (2.3 − 0.075)·1.5/6,
  // T_R = (5 − 0.25)·1.5.
  const double f0 = 50, M = 2 * 4 * 500e6 / f0, Dl = 500e6 / f0, K = 800e6 / 0.05 / f0;
  const double Tg = 0.5, Tw = 1.5, Rp = 0.05;
  const double RT_default = (2.3 - 0.15 * (Tw - 1)) * Tw / 6,
               TR_default = (5 - 0.5 * (Tw - 1)) * Tw;
  struct Case {
    std::string keys;
    double RT, TR;
    bool stable;
  };
  for (const Case& c : {Case{"", RT_default, TR_default, true},
                        Case{", temporary_droop: 0.5, reset_time: 5 s", 0.5, 5.0, true},
                        Case{", temporary_droop: 0", 0.0, 0.0, false}}) {
    std::vector<double> ch = poly_mul(poly_mul({Dl, M}, {1, Tg}), {1, Tw / 2});
    std::vector<double> gov = {K, -K * Tw};  // K/f0 folded into K
    if (c.RT > 0) {
      ch = poly_mul(ch, {1, c.RT / Rp * c.TR});
      gov = poly_mul(gov, {1, c.TR});
    }
    for (std::size_t i = 0; i < gov.size(); ++i) ch[i] += gov[i];
    const auto closed_form = poly_roots(ch);
    StudyRun run(hydro_zone(c.keys));
    const auto ev = eigenvalues(run.system(), run.state());
    INFO("case '" << c.keys << "'");
    bool stable = true;
    for (const auto& r : closed_form) {
      double best = 1e9;
      for (const auto& e : ev) best = std::min(best, std::abs(e - r));
      INFO("closed-form mode " << r << " nearest engine mode at " << best);
      CHECK(best < 1e-7 * std::max(1.0, std::abs(r)));
      stable = stable && r.real() < 0;
    }
    CHECK(stable == c.stable);
    // The engine's other modes: the set-point follower (−1/T_sp) and the energy
    // accumulators (0, found by QZ to ~1e-8): none grows.
    int growing = 0;
    for (const auto& e : ev) {
      growing += e.real() > 1e-6 * std::max(1.0, std::abs(e));
      INFO("engine mode " << e);
    }
    CHECK((growing == 0) == c.stable);
  }
}

TEST_CASE(
    "hydro governor with transient droop: a 1 MW trip decays at the rate of the "
    "dominant closed-loop pole",
    "[power][hydro]") {
  // The zone of the test above with Kundur's default temporary droop, 501 MW of load and a
  // 1 MW unit (no governor, no inertia) that trips at 5 s. The closed form: the roots of the
  // characteristic polynomial of the transfer functions (D·P_L = 501 MW). The simulation:
  // Prony's method on the frequency samples 10–60 s after the trip (the fast servo mode has
  // decayed by then; differences of consecutive samples remove the steady offset), a
  // linear prediction of order 3 fitted by least squares, its roots z_k, poles ln(z_k)/Δt.
  const double f0 = 50, M = 2 * 4 * 500e6 / f0, Dl = 501e6 / f0, K = 800e6 / 0.05 / f0;
  const double Tg = 0.5, Tw = 1.5, Rp = 0.05;
  const double RT = (2.3 - 0.15 * (Tw - 1)) * Tw / 6, TR = (5 - 0.5 * (Tw - 1)) * Tw;
  std::vector<double> ch =
      poly_mul(poly_mul(poly_mul({Dl, M}, {1, Tg}), {1, Tw / 2}), {1, RT / Rp * TR});
  const std::vector<double> gov = poly_mul({K, -K * Tw}, {1, TR});
  for (std::size_t i = 0; i < gov.size(); ++i) ch[i] += gov[i];
  double sigma = -1e9;  // the dominant pole's real part
  for (const auto& r : poly_roots(ch)) sigma = std::max(sigma, r.real());
  REQUIRE(sigma < 0);
  StudyRun run(R"(
study: {name: hydro trip, duration: 70 s, output_interval: 1 s}
solver: {rtol: 1e-10, atol: 1e-12}
power:
  zones:
    - {name: South, inertia: 4 s, base: 500 MW, damping: 1, load: 501 MW}
  generators:
    - {name: Hydro, zone: South, type: hydro, capacity: 800 MW, droop: 0.05, water_time: 1.5 s,
       governor_time: 0.5 s, set_point: 500 MW}
    - {name: Lost, zone: South, type: gas, capacity: 1 MW, set_point: 1 MW, governor: false,
       trip_at: 5 s}
)");
  const double dt = 0.25;
  std::vector<double> f;
  for (double t = 15; t <= 65 + 1e-9; t += dt) {
    run.to(t);
    f.push_back(run.value("South", kDf));
  }
  std::vector<double> d;
  for (std::size_t i = 0; i + 1 < f.size(); ++i) d.push_back(f[i + 1] - f[i]);
  const int order = 3, rows = static_cast<int>(d.size()) - order;
  Eigen::MatrixXd A(rows, order);
  Eigen::VectorXd b(rows);
  for (int n = 0; n < rows; ++n) {
    for (int k = 0; k < order; ++k) A(n, k) = d[std::size_t(n + order - 1 - k)];
    b(n) = d[std::size_t(n + order)];
  }
  const Eigen::VectorXd c = A.colPivHouseholderQr().solve(b);
  // z³ − c0·z² − c1·z − c2 = 0, as c[0] + c[1]·z + … (ascending).
  const auto z = poly_roots({-c(2), -c(1), -c(0), 1.0});
  double measured = -1e9;
  for (const auto& zk : z) {
    INFO("measured pole " << std::log(zk) / dt);
    measured = std::max(measured, std::log(std::abs(zk)) / dt);
  }
  INFO("dominant pole: closed form " << sigma << " 1/s, simulated " << measured << " 1/s");
  CHECK(std::abs(measured / sigma - 1) < 0.02);
  // The offset the permanent droop leaves, −ΔP·f0/(C/R_p + D·P_L), nearly reached 60 s after
  // the trip (the slow modes have e^{σ·60 s} ≈ 2e-4 of their start left, on a transient
  // several times the offset).
  CHECK(f.back() == Approx(-1e6 * f0 / (800e6 / Rp + 501e6)).epsilon(3e-3));
}

TEST_CASE(
    "transient droop, deadband, unit inertia, relays and UFLS modes: the analytic "
    "Jacobian equals finite differences",
    "[power][jacobian]") {
  // A hydro unit with transient droop behind a deadband, a steam unit with inertia and an
  // under-frequency relay, a unit that trips, synthetic inertia of a battery, two UFLS
  // stages (by RoCoF and by frequency) and AGC: checked before the trip, in the swing, with
  // a stage shed and the deadband left, and late.
  StudyRun run(R"(
study: {name: jacobian, duration: 200 s, output_interval: 1 s}
solver: {rtol: 1e-8, atol: 1e-8, max_order: 2}
power:
  zones:
    - name: Z
      inertia: 2 s
      base: 2 GW
      damping: 1
      load: 2 GW
      agc: {time_constant: 20 s}
      ufls:
        - {rocof: -0.5 Hz/s, delay: 0.1 s, fraction: 10 %, restore_above: 49.9 Hz,
           restore_delay: 30 s}
        - {threshold: 49.7 Hz, delay: 0.2 s, fraction: 5 %}
  generators:
    - {name: A, zone: Z, capacity: 2.5 GW, set_point: 1.2 GW, inertia: 4 s, hp_fraction: 0.3,
       turbine_time: 7 s, ramp: 300 MW/min, participation: 1, deadband: 0.01 Hz,
       underfrequency_trip: {threshold: 47 Hz, delay: 1 s}}
    - {name: H, zone: Z, type: hydro, capacity: 600 MW, set_point: 400 MW, water_time: 1.5 s,
       inertia: 3 s, deadband: 0.02 Hz, participation: 0.5}
    - {name: Lost, zone: Z, type: gas, capacity: 500 MW, set_point: 400 MW, inertia: 5 s,
       governor: false, trip_at: 10 s, participation: 0}
  storage:
    - {name: BESS, zone: Z, energy: 100 MWh, power: 50 MW, synthetic_inertia: 2 s, droop: 0.05}
)");
  for (double t : {5.0, 10.05, 10.5, 12.0, 40.0, 200.0}) {
    run.to(t);
    for (double cj : {0.0, 1e-2, 10.0}) {
      JacobianCheck jc =
          check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
      INFO("t " << t << " cj " << cj << ": " << jc.describe(run.system()));
      CHECK(jc.max_error < 1e-6);
    }
  }
  CHECK(count_containing(run, "Z", "stage 1 shed") == 1);
}

TEST_CASE("soft AGC shares: a unit's band edge without a restart, the same steady state",
          "[power][agc][soft]") {
  // A (α 0.5, 50 MW of headroom) and C (α 0.5, 450 MW); the load steps +200 MW at 100 s.
  // λ rises until A's share α·λ reaches its 50 MW edge (λ = 100 MW) and C takes the rest:
  // steady state λ = 300 MW (A 50 MW, C 150 MW), Δf = 0. With share_smoothing f the share
  // is the centred soft clamp of α·λ to [−d, u] with corners f·base wide: the same steady
  // state (λ far past A's corner), the law at every sample, no restart at the edge.
  const std::string study = R"(
study: {name: soft shares, duration: 2000 s, output_interval: 1 s}
solver: {rtol: 1e-9, atol: 1e-9, max_order: 2}
power:
  zones:
    - name: Z
      inertia: 5 s
      base: 1.5 GW
      damping: 1
      load: {times: [0, 100 s], values: [1000 MW, 1200 MW], interpolation: step}
      agc: {time_constant: 60 s}
  generators:
    - {name: A, zone: Z, capacity: 1000 MW, set_point: 950 MW, participation: 0.5,
       turbine_time: 5 s}
    - {name: C, zone: Z, type: gas, capacity: 500 MW, set_point: 50 MW, participation: 0.5,
       turbine_time: 2 s}
)";
  const double f = 1e-3, d = f * 1.5e9;
  auto inside = [](double u, double lo, double hi, double w) {
    w = std::min(w, 0.5 * (hi - lo));
    if (u <= lo - w) return lo;
    if (u >= hi + w) return hi;
    if (u < lo + w) return lo + (u - lo + w) * (u - lo + w) / (4 * w);
    if (u > hi - w) return hi - (hi + w - u) * (hi + w - u) / (4 * w);
    return u;
  };
  StudyRun hard(study);
  StudyRun run(study, {"power.zones.Z.agc.share_smoothing=1e-3"});
  const auto& z = run.get<power::Zone>("Z");
  const auto& a = run.get<power::Generator>("A");
  double worst = 0.0;
  for (double t = 1; t <= 2000; t += 1) {
    run.to(t);
    const double lam = run.value("Z", kLambda);
    worst = std::max(worst, std::abs(z.agc_share(z.agc_slot(a), run.state()) -
                                     inside(0.5 * lam, -(950e6 - 0.0), 50e6, d)));
  }
  hard.to(2000);
  INFO("share against the corner's law: " << worst << " W; restarts soft "
                                          << run.integ->stats().reinitialisations << ", hard "
                                          << hard.integ->stats().reinitialisations);
  CHECK(worst < 1e-9 * 50e6);
  CHECK(run.integ->stats().reinitialisations + 1 == hard.integ->stats().reinitialisations);
  for (StudyRun* r : {&run, &hard}) {
    const auto& zz = r->get<power::Zone>("Z");
    CHECK(r->value("Z", kLambda) == Approx(300e6).epsilon(1e-6));
    CHECK(std::abs(r->value("Z", kDf)) < 1e-6);
    CHECK(zz.agc_share(zz.agc_slot(r->get<power::Generator>("A")), r->state()) ==
          Approx(50e6).epsilon(1e-9));
    CHECK(zz.agc_share(zz.agc_slot(r->get<power::Generator>("C")), r->state()) ==
          Approx(150e6).epsilon(1e-6));
  }
  // Jacobian with every AGC zone of the all-elements system on soft shares (1 %).
  StudyRun big(
      read_study_file(std::string(STEPPE_TEST_DATA) + "/power_all_elements.yaml"),
      {"power.zones.North.agc.share_smoothing=0.01", "power.zones.South.agc.share_smoothing=0.01",
       "power.zones.Central Asia.agc.share_smoothing=0.01"});
  for (double t : {1800.0, 4000.0}) {
    big.to(t);
    JacobianCheck jc = check_jacobian(big.study->system, big.integ->t(), big.integ->y(),
                                      big.integ->yp(), 10.0, 1e-6);
    INFO("t " << t << ": " << jc.describe(big.study->system));
    CHECK(jc.max_error < 1e-6);
  }
}
