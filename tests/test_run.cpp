// The stepping Run (solver/run/run.hpp): advance_to between output times takes no sample
// and lands exactly on t; samples come at k·interval whatever the steps asked; observers
// hear started, events, samples and finished in order; a stop requested by an observer
// ends the run at that sample; the state reached step by step equals the closed form.
// Exact extremes (solver/run/extremes.hpp): the nadir between samples equals a finely
// sampled run's; the nadir, its time and the RoCoF of a trip and of a load loss equal the
// closed form of a first-order governor with load damping.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <numbers>
#include <stdexcept>

#include "models/domains.hpp"
#include "solver/run/extremes.hpp"
#include "solver/run/run.hpp"

using namespace steppe;

namespace {

// C·dp/dt = Q·[t ≥ 1000 s] − G·(p − p0): p − p0 = Q/G·(1 − exp(−(t − 1000)/τ)).
constexpr double C = 2e-2, G = 1e-5, tau = C / G, p0 = 50e5, Q = 20.0, ts = 1000.0;

const char* kTank = R"(
study: {name: t, duration: 2 h, output_interval: 10 min}
solver: {rtol: 1e-8, atol: 1e-8}
lumped:
  nodes:
    - {name: Tank, capacitance: 2e-2 kg/Pa, initial_pressure: 50 bar}
    - {name: Grid, capacitance: 0}
  links:
    - {name: Outlet, from: Tank, to: Grid, conductance: 1e-5 kg/s/Pa}
  sources:
    - {name: In, node: Tank, mass_flow: {times: [0, 1000], values: [0, 20], interpolation: step}}
  boundaries:
    - {name: Hold, node: Grid, pressure: 50 bar}
)";

struct Recorder : RunObserver {
  std::vector<std::string> calls;
  std::vector<double> sample_times;
  double stop_at = -1;
  void started(Run& run) override { calls.push_back(fmt::format("started {}", run.t())); }
  void events(Run&, std::span<const EventRecord> r) override {
    calls.push_back(fmt::format("events {}", r.size()));
  }
  void sample(Run& run) override {
    sample_times.push_back(run.t());
    if (stop_at >= 0 && run.t() >= stop_at) run.request_stop("enough", 99);
  }
  void finished(Run&, const RunEnd& end) override {
    calls.push_back(fmt::format("finished {}", status_name(end.status)));
  }
};

double tank_pressure(const Run& run) {
  return run.state().y[run.system().find("Tank")->offset()];
}

}  // namespace

TEST_CASE("a Run advances to any time and samples at the output times", "[run]") {
  auto study = load_study_text(kTank, "tank.yaml", {}, domains());
  Run run(*study);
  Recorder rec;
  run.add_observer(rec);
  REQUIRE(run.initialise() == Run::Progress::Reached);
  CHECK(rec.sample_times == std::vector<double>{0.0});
  // Between outputs: no sample, exactly at t.
  REQUIRE(run.advance_to(123.456) == Run::Progress::Reached);
  CHECK(run.t() == 123.456);
  CHECK(rec.sample_times.size() == 1);
  // Across three output times.
  REQUIRE(run.advance_to(1900.0) == Run::Progress::Reached);
  CHECK(run.t() == 1900.0);
  CHECK(rec.sample_times == std::vector<double>{0.0, 600.0, 1200.0, 1800.0});
  const double exact = p0 + Q / G * (1 - std::exp(-(1900.0 - ts) / tau));
  CHECK(tank_pressure(run) == Approx(exact).epsilon(1e-7));
  // To the end: the last sample at the end, Finished.
  REQUIRE(run.advance_to(1e9) == Run::Progress::Finished);
  CHECK(run.t() == 7200.0);
  CHECK(rec.sample_times.size() == 13);
  CHECK(rec.sample_times.back() == 7200.0);
  run.close();
  REQUIRE(rec.calls.size() >= 2);
  CHECK(rec.calls.front() == "started 0");
  CHECK(rec.calls.back() == "finished complete");
  run.close();  // idempotent
  CHECK(std::count(rec.calls.begin(), rec.calls.end(), "finished complete") == 1);
}

TEST_CASE("an observer stops a Run at a sample", "[run]") {
  auto study = load_study_text(kTank, "tank.yaml", {}, domains());
  Run run(*study);
  Recorder rec;
  rec.stop_at = 1800.0;
  run.add_observer(rec);
  run.initialise();
  CHECK(run.advance_to(run.t_end()) == Run::Progress::Stopped);
  CHECK(run.t() == 1800.0);
  CHECK(run.next_output() == 4);
  CHECK(run.end().status == RunStatus::Interrupted);
  CHECK(run.end().exit_code == 99);
  run.close();
  CHECK(rec.calls.back() == "finished interrupted");
}

namespace {

// A zone losing a 400 MW unit at 10 s: the governor of A (turbine 7 s) arrests the fall a
// few seconds later, between the 7 s samples at 14 and 21 s.
const char* kTrip = R"(
study: {name: nadir, duration: 60 s, output_interval: 7 s}
solver: {rtol: 1e-9, atol: 1e-9}
power:
  zones:
    - {name: Z, inertia: 1 s, base: 1 GW, damping: 1, load: 2000 MW}
  generators:
    - {name: A, zone: Z, capacity: 2 GW, set_point: 1.6 GW, inertia: 4 s, rating: 2.2 GW,
       hp_fraction: 0.3, turbine_time: 7 s}
    - {name: Lost, zone: Z, type: gas, capacity: 500 MW, set_point: 400 MW, inertia: 5 s,
       rating: 600 MW, governor: false, trip_at: 10 s}
)";

// Per sample: a zone column and its exact extremes, read from the frame the results file
// gets (told after the tracker, as the results file is).
struct FrameRecorder : RunObserver {
  std::vector<int> columns;
  std::vector<double> t;
  std::vector<std::vector<double>> rows;
  std::vector<EventRecord> recorded;
  void sample(Run& run) override {
    t.push_back(run.t());
    std::vector<double> row;
    for (int c : columns) row.push_back(run.frame()[std::size_t(c)]);
    rows.push_back(row);
  }
  void events(Run&, std::span<const EventRecord> r) override {
    recorded.insert(recorded.end(), r.begin(), r.end());
  }
  // The row whose column `col` is the lowest (highest) of all rows.
  std::size_t extreme_row(std::size_t col, bool highest = false) const {
    std::size_t k = 0;
    for (std::size_t i = 1; i < rows.size(); ++i)
      if (highest ? rows[i][col] > rows[k][col] : rows[i][col] < rows[k][col]) k = i;
    return k;
  }
};

int zone_column(const System& sys, const std::string& series) {
  for (const auto& s : sys.layout().series())
    if (s.name == series && sys.layout().groups()[std::size_t(s.group)].path == "power/zones")
      return s.first_column;
  throw std::runtime_error("no series " + series);
}

// Runs `yaml` with `overrides` to its end, the tracker on or off, recording the zone
// series `series` at every sample.
FrameRecorder zone_run(const char* yaml, const std::vector<std::string>& overrides, bool track,
                       std::initializer_list<const char*> series) {
  auto study = load_study_text(yaml, "zone.yaml", overrides, domains());
  Run run(*study);
  ExtremesTracker tracker(study->system);
  FrameRecorder rec;
  for (const char* q : series) rec.columns.push_back(zone_column(study->system, q));
  if (track) {
    run.watch_steps(tracker);
    run.add_observer(tracker);
  }
  run.add_observer(rec);
  run.initialise();
  run.advance_to(run.t_end());
  run.close();
  INFO(run.end().message);
  REQUIRE(run.end().status == RunStatus::Complete);
  return rec;
}

// kTrip; the columns: frequency, its lowest and when, rocof, its lowest and when.
FrameRecorder trip_run(const std::vector<std::string>& overrides, bool track) {
  return zone_run(kTrip, overrides, track,
                  {"frequency", "frequency_lowest", "frequency_lowest_time", "rocof",
                   "rocof_lowest", "rocof_lowest_time"});
}

}  // namespace

TEST_CASE("exact extremes: the nadir between samples equals a finely sampled run's",
          "[run][extremes][nadir]") {
  const FrameRecorder coarse = trip_run({}, true);
  const FrameRecorder plain = trip_run({}, false);
  const FrameRecorder fine = trip_run({"study.output_interval=10 ms"}, false);
  auto lowest = [](const FrameRecorder& r, int col) {
    const std::size_t k = r.extreme_row(std::size_t(col));
    return std::pair{r.rows[k][std::size_t(col)], r.t[k]};
  };
  // Told of every step, IDA takes the same steps: the samples are the same.
  REQUIRE(coarse.rows.size() == plain.rows.size());
  for (std::size_t i = 0; i < coarse.rows.size(); ++i)
    CHECK(std::abs(coarse.rows[i][0] - plain.rows[i][0]) < 1e-12);
  const auto [nadir, nadir_t] = lowest(coarse, 1);  // frequency_lowest over the rows
  std::size_t k = 0;
  for (std::size_t i = 0; i < coarse.rows.size(); ++i)
    if (coarse.rows[i][1] == nadir) k = i;
  const double nadir_time = coarse.rows[k][2];
  const auto [fine_nadir, fine_t] = lowest(fine, 0);
  const auto [sampled, sampled_t] = lowest(coarse, 0);
  INFO("nadir exact " << nadir << " Hz at " << nadir_time << " s; 10 ms samples " << fine_nadir
                      << " Hz at " << fine_t << " s; 7 s samples " << sampled << " Hz at "
                      << sampled_t << " s");
  // A 10 ms sample is within ½·f''·(5 ms)² ≈ 1e-7 Hz of the true minimum.
  CHECK(std::abs(nadir - fine_nadir) < 1e-6);
  CHECK(nadir <= fine_nadir + 1e-9);
  CHECK(std::abs(nadir_time - fine_t) < 0.011);
  CHECK(sampled - nadir > 0.02);  // the 7 s samples miss it by more than 20 mHz
  CHECK(nadir_time > 14.0);
  CHECK(nadir_time < 21.0);  // between two samples
  // RoCoF at the trip (a jump: right after it) is the closed form −ΔP·f0/(2 Σ H·S) of the
  // units left online: the zone's own 1 s on 1 GW and A's 4 s on 2.2 GW.
  const double rocof_expected = -400e6 * 50 / (2 * (1 * 1e9 + 4 * 2.2e9));
  const auto [rocof, rocof_row_t] = lowest(coarse, 4);
  std::size_t j = 0;
  for (std::size_t i = 0; i < coarse.rows.size(); ++i)
    if (coarse.rows[i][4] == rocof) j = i;
  const auto [rocof_sampled, rocof_sampled_t] = lowest(coarse, 3);
  INFO("RoCoF exact " << rocof << " Hz/s at " << coarse.rows[j][5] << " s (closed form "
                      << rocof_expected << "); lowest 7 s sample " << rocof_sampled << " Hz/s");
  fmt::print(
      "extremes: nadir {:.9f} Hz at {:.4f} s; 10 ms samples {:.9f} Hz at {:.2f} s; 7 s samples "
      "{:.6f} Hz at {:.0f} s; RoCoF {:.6f} Hz/s (closed form {:.6f}), lowest 7 s sample {:.6f}\n",
      nadir, nadir_time, fine_nadir, fine_t, sampled, sampled_t, rocof, rocof_expected,
      rocof_sampled);
  CHECK(std::abs(rocof / rocof_expected - 1) < 1e-6);
  CHECK(coarse.rows[j][5] == Approx(10.0).margin(1e-9));
  CHECK(rocof_sampled > 0.5 * rocof_expected);  // samples see less than half of it
  (void)nadir_t, (void)rocof_row_t, (void)rocof_sampled_t;
}

TEST_CASE("an interrupt stops a Run between samples, and resumed it ends as if never stopped",
          "[run][extremes][restart]") {
  // kTrip stopped at the first step past 11 s, between the samples at 7 and 14 s and after
  // the trip at 10 s: the RoCoF's lowest value of that interval (at 10 s) was gathered
  // before the stop and must reach the 14 s sample through the snapshot.
  const FrameRecorder whole = trip_run({}, true);
  const char* cols[] = {"frequency", "frequency_lowest", "frequency_lowest_time",
                        "rocof",     "rocof_lowest",     "rocof_lowest_time"};
  auto open = [&](std::unique_ptr<Study>& study, FrameRecorder& rec) {
    study = load_study_text(kTrip, "zone.yaml", {}, domains());
    for (const char* q : cols) rec.columns.push_back(zone_column(study->system, q));
  };
  std::unique_ptr<Study> s1, s2;
  FrameRecorder first, second;
  open(s1, first);
  Run run(*s1);
  ExtremesTracker tracker(s1->system);
  run.watch_steps(tracker);
  run.add_observer(tracker);
  run.add_observer(first);
  run.set_interrupt([&run] { return run.t() > 11.0; });
  run.initialise();
  REQUIRE(run.advance_to(run.t_end()) == Run::Progress::Stopped);
  const double t_stop = run.t();
  CHECK(t_stop > 11.0);
  CHECK(t_stop < 14.0);
  CHECK(run.next_output() == 2);  // samples at 0 and 7 s taken
  const Snapshot snap = run.snapshot();
  REQUIRE(snap.has("step_observer"));
  run.close();
  CHECK(run.end().status == RunStatus::Interrupted);

  open(s2, second);
  Run again(*s2);
  again.resume(snap, 2);
  ExtremesTracker tracker2(s2->system);
  again.watch_steps(tracker2);  // as run_study: after resume()
  again.add_observer(tracker2);
  again.add_observer(second);
  CHECK(again.advance_to(again.t_end()) == Run::Progress::Finished);
  again.close();

  REQUIRE(first.rows.size() + second.rows.size() == whole.rows.size());
  for (std::size_t i = 0; i < whole.rows.size(); ++i) {
    const auto& row = i < first.rows.size() ? first.rows[i] : second.rows[i - first.rows.size()];
    for (std::size_t c = 0; c < row.size(); ++c) {
      INFO("sample " << i << " " << cols[c]);
      CHECK(row[c] == whole.rows[i][c]);
    }
  }
  // The 14 s sample's RoCoF low is the trip's, at 10 s, from before the stop.
  CHECK(second.rows.front()[5] == Approx(10.0).margin(1e-9));
  fmt::print(
      "interrupt between samples at t = {:.6f} s; resumed run equal to the whole run at "
      "all {} samples (RoCoF low {:.6f} Hz/s at {:.3f} s carried over)\n",
      t_stop, whole.rows.size(), second.rows.front()[4], second.rows.front()[5]);
}

TEST_CASE("exact extremes: nadir, its time and RoCoF of a step loss against the closed form",
          "[run][extremes][nadir]") {
  // One zone: inertia H on base S (the zone's own and the governed unit's, both staying
  // online), load P_L with damping D, one unit of capacity C with droop R whose governor
  // and turbine are one first-order lag T_g (hp_fraction 1: P = x, T_g·dx/dt + x = u), and a
  // unit of output ΔP, without governor, that trips at t = 0 (taking its own inertia).
  // Per unit of S: Δω = Δf/f0, m = ΔP_m/S, p = ΔP/S, k = C/(R·S), d = D·P_L/S.
  //   swing     2H·dΔω/dt = m − p − d·Δω
  //   governor  T_g·dm/dt = −k·Δω − m
  // Laplace, Δω(0) = m(0) = 0 and the step −p/s:
  //   Δω(s)·[2H·s + d + k/(1 + T_g·s)] = −p/s
  //   Δω(s) = −p·(1 + T_g·s) / (s·[2H·T_g·s² + (2H + d·T_g)·s + (k + d)])
  //         = −p/(2H·T_g) · (1 + T_g·s) / (s·[(s + σ)² + ω_d²]),
  //   σ = (2H + d·T_g)/(4H·T_g),  ω_n² = (k + d)/(2H·T_g),  ω_d² = ω_n² − σ²  (> 0 here).
  // RoCoF ρ = dΔω/dt has the transform s·Δω(s) (Δω(0) = 0); splitting
  //   1 + T_g·s = T_g·(s + σ) + (1 − σ·T_g)
  // gives  ρ(t) = −p/(2H·T_g) · e^{−σt}·[T_g·cos ω_d·t + (1 − σ·T_g)/ω_d · sin ω_d·t],
  // so ρ(0+) = −p/(2H) (the RoCoF right after the trip: in Hz/s −ΔP·f0/(2H·S)), and the
  // nadir is the first zero of ρ: with ψ = atan2((1 − σ·T_g)/ω_d, T_g) the bracket is
  // A·cos(ω_d·t − ψ), zero at  t_n = (π/2 + ψ)/ω_d.
  // Δω itself: Δω(t) = Δω_ss + e^{−σt}·[a·cos ω_d·t + b·sin ω_d·t] with Δω_ss = −p/(k + d)
  // (the final value), a = −Δω_ss (Δω(0) = 0) and −σ·a + ω_d·b = ρ(0+) = −p/(2H), i.e.
  // b = (σ·a − p/(2H))/ω_d; the nadir Δf_n = f0·Δω(t_n). After the nadir ρ > 0 until
  // t_n + π/ω_d; the overshoot there stays below f0 with these values (49.998 Hz).
  // The run is sampled every 1 s; the extremes since the start are the extremes of the
  // per-sample records (q_lowest, q_highest and their times).
  const double f0 = 50, S = 10e9, PL = 8e9, D = 1.0, C = 10e9, R = 0.0625, Tg = 6.0, dP = 0.4e9;
  const double Hz = 3.0, Hg = 2.0, Hlost = 4.0, Slost = 0.5e9;  // inertia: zone, unit, lost
  const double H = (Hz * S + Hg * C) / S;                       // 5 s on S, after the trip
  const double k = C / (R * S), d = D * PL / S, p = dP / S;
  const double sigma = (2 * H + d * Tg) / (4 * H * Tg), wn2 = (k + d) / (2 * H * Tg);
  const double wd = std::sqrt(wn2 - sigma * sigma);
  const double psi = std::atan2((1 - sigma * Tg) / wd, Tg);
  const double t_n = (std::numbers::pi / 2 + psi) / wd;
  const double ss = -p / (k + d), a = -ss, b = (sigma * a - p / (2 * H)) / wd;
  auto dw = [&](double t) {
    return ss + std::exp(-sigma * t) * (a * std::cos(wd * t) + b * std::sin(wd * t));
  };
  const double f_nadir = f0 * (1 + dw(t_n)), rocof0 = -p / (2 * H) * f0;
  const double t_trip = 5.0;
  // The same zone loses load instead: a step of the load from P_L + ΔP to P_L (damping
  // then on P_L, as above) gives the mirror image, the highest frequency at t_n.
  for (const bool loss_of_load : {false, true}) {
    const std::string load =
        loss_of_load ? fmt::format("{{times: [0, {}], values: [{}, {}], interpolation: step}}",
                                   t_trip, PL + dP, PL)
                     : fmt::format("{}", PL);
    const std::string lost =
        loss_of_load ? ""
                     : fmt::format(
                           "    - {{name: Lost, zone: Z, type: gas, capacity: {dP}, governor: "
                           "false, set_point: {dP}, inertia: {Hl}, rating: {Sl}, trip_at: {tt}}}",
                           fmt::arg("dP", dP), fmt::arg("Hl", Hlost), fmt::arg("Sl", Slost),
                           fmt::arg("tt", t_trip));
    const std::string yaml =
        fmt::format(R"(
study: {{name: nadir, duration: 120 s, output_interval: 1 s}}
solver: {{rtol: 1e-8, atol: 1e-8}}
power:
  frequency: {f0}
  zones:
    - {{name: Z, inertia: {Hz}, base: {S}, damping: {D}, load: {load}}}
  generators:
    - {{name: G, zone: Z, capacity: {C}, droop: {R}, governor_time: {Tg}, hp_fraction: 1,
       inertia: {Hg}, set_point: {G0}}}
{lost}
)",
                    fmt::arg("f0", f0), fmt::arg("Hz", Hz), fmt::arg("S", S), fmt::arg("D", D),
                    fmt::arg("load", load), fmt::arg("C", C), fmt::arg("R", R), fmt::arg("Tg", Tg),
                    fmt::arg("Hg", Hg), fmt::arg("G0", loss_of_load ? PL + dP : PL - dP),
                    fmt::arg("lost", lost));
    // Columns: 0 frequency, 1 lowest, 2 its time, 3 highest, 4 its time, 5 RoCoF lowest,
    // 6 its time, 7 RoCoF highest, 8 its time.
    const FrameRecorder rec =
        zone_run(yaml.c_str(), {}, true,
                 {"frequency", "frequency_lowest", "frequency_lowest_time", "frequency_highest",
                  "frequency_highest_time", "rocof_lowest", "rocof_lowest_time", "rocof_highest",
                  "rocof_highest_time"});
    const double sign = loss_of_load ? -1.0 : 1.0;  // Δf of the load loss is −Δf of the trip
    const std::size_t f_ext_col = loss_of_load ? 3 : 1, f_other_col = loss_of_load ? 1 : 3;
    const std::size_t r_ext_col = loss_of_load ? 7 : 5;
    // Before the extremum (the sample 2 s after the step, t_n = 3.2 s) the frequency moves
    // one way since the previous sample: that sample's record is its present value.
    const std::size_t before = 7;
    REQUIRE(rec.t[before] == 7.0);
    REQUIRE(rec.t[before] < t_trip + t_n);
    const double f_before = f0 * (1 + sign * dw(rec.t[before] - t_trip));
    CHECK(rec.rows[before][f_ext_col] == Approx(f_before).epsilon(1e-9));
    CHECK(rec.rows[before][f_ext_col + 1] == rec.t[before]);
    CHECK(rec.rows[before][f_ext_col] == rec.rows[before][0]);
    // The extremum on the side of the step since the start, and the other side's: f0.
    const std::size_t i = rec.extreme_row(f_ext_col, loss_of_load);
    const double f_ext = rec.rows[i][f_ext_col], t_ext = rec.rows[i][f_ext_col + 1];
    const double f_other = rec.rows[rec.extreme_row(f_other_col, !loss_of_load)][f_other_col];
    const std::size_t j = rec.extreme_row(r_ext_col, loss_of_load);
    const double r_ext = rec.rows[j][r_ext_col], t_r = rec.rows[j][r_ext_col + 1];
    const double f_expect = f0 + sign * (f_nadir - f0);
    const std::string what = fmt::format(
        "{}: {:.10g} Hz at {:.10g} s after the step (closed form {:.10g} Hz at {:.10g} s: "
        "error {:.3g} of the drop, time {:.3g} relative); RoCoF {:.10g} Hz/s (closed form "
        "{:.10g}: {:.3g} relative)",
        loss_of_load ? "load loss, peak" : "trip, nadir", f_ext, t_ext - t_trip, f_expect, t_n,
        std::abs(f_ext - f_expect) / std::abs(f_nadir - f0), (t_ext - t_trip) / t_n - 1, r_ext,
        sign * rocof0, r_ext / (sign * rocof0) - 1);
    INFO(what);
    fmt::print("closed form: {}\n", what);
    // Tolerances: the integration's (rtol 1e-8) on Δf; the time of a minimum of IDA's
    // interpolating polynomial (golden section to 1e-4 of the step).
    CHECK(std::abs(f_ext - f_expect) < 1e-6 * std::abs(f_nadir - f0));
    CHECK(t_ext - t_trip == Approx(t_n).epsilon(1e-6));
    // RoCoF right after the step, as IDA's consistent initialisation after the jump and its
    // first step give it (their Newton tolerance). Its time: the jump, or the end of the
    // first step after it when that sees the RoCoF a round-off larger (the load loss:
    // 7.9e-8 s later, 1.3e-9 Hz/s more, measured) — |ρ| falls after the step, ρ'(0+) =
    // ρ(0+)·(1 − 2σ·T_g)/T_g, a few 1e-9 of ρ over such a step.
    CHECK(r_ext == Approx(sign * rocof0).epsilon(1e-5));
    CHECK(t_r >= t_trip);
    CHECK(t_r - t_trip < 1e-6);
    CHECK(std::abs(f_other - f0) < 1e-9);  // ρ < 0 after the trip until t_n, then the
                                           // overshoot stays below f0 (Δω_ss < 0)
    CHECK(std::abs(rec.rows.back()[0] - f0 * (1 + sign * ss)) <
          1e-4 * f0 * std::abs(ss));  // settled
    if (!loss_of_load) {
      int trips = 0;
      for (const auto& e : rec.recorded) trips += e.element == "Lost" && e.kind == "mode";
      CHECK(trips == 1);
    }
  }
}

// The golden-section search that places an extreme inside a step ends at the resolution of
// t: 31 days into a run (t ≈ 2.7e6 s, doubles 4.7e-10 s apart) a 1e-4 s step with a
// tolerance of 1e-6 of it (1e-10 s) could never be met — the search looped for ever and
// the corridor's 30-day run hung in its fourth week. The function counts its calls and
// gives up after 1,000 so that this test fails instead of hanging.
TEST_CASE("exact extremes: the golden-section search ends at the resolution of t",
          "[run][extremes]") {
  int calls = 0;
  auto peak_at = [&calls](double tp) {
    return [&calls, tp](double t) {
      if (++calls > 1000) throw std::runtime_error("golden-section search does not end");
      return -(t - tp) * (t - tp);
    };
  };
  // An ordinary step: the peak to 1e-6 of it.
  GoldenResult r = golden_max(peak_at(0.3), 0.0, 1.0, 1e-6);
  CHECK(std::abs(r.t - 0.3) <= 1e-6);
  CHECK(r.evaluations == calls);
  CHECK(r.evaluations <= 35);  // (ln 1e-6 / ln 0.618) + 2
  // A 1e-4 s step 31 days in: the bracket stops shrinking at a few ulps of t.
  calls = 0;
  const double a = 31 * 86400.0, tp = a + 3e-5;
  r = golden_max(peak_at(tp), a, a + 1e-4, 1e-10);
  const double ulp = std::nextafter(tp, 2 * tp) - tp;
  CHECK(std::abs(r.t - tp) <= 8 * ulp);
  CHECK(r.evaluations <= 40);
}
