// The stepping Run (solver/run/run.hpp): advance_to between output times takes no sample
// and lands exactly on t; samples come at k·interval whatever the steps asked; observers
// hear started, events, samples and finished in order; a stop requested by an observer
// ends the run at that sample; the state reached step by step equals the closed form.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

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
  void sample(Run& run) override {
    t.push_back(run.t());
    std::vector<double> row;
    for (int c : columns) row.push_back(run.frame()[std::size_t(c)]);
    rows.push_back(row);
  }
};

int zone_column(const System& sys, const std::string& series) {
  for (const auto& s : sys.layout().series())
    if (s.name == series && sys.layout().groups()[std::size_t(s.group)].path == "power/zones")
      return s.first_column;
  throw std::runtime_error("no series " + series);
}

// Runs kTrip with `overrides`, the tracker on or off; the columns: frequency, its lowest and
// when, rocof, its lowest and when.
FrameRecorder trip_run(const std::vector<std::string>& overrides, bool track) {
  auto study = load_study_text(kTrip, "trip.yaml", overrides, domains());
  Run run(*study);
  ExtremesTracker tracker(study->system);
  FrameRecorder rec;
  for (const char* q : {"frequency", "frequency_lowest", "frequency_lowest_time", "rocof",
                        "rocof_lowest", "rocof_lowest_time"})
    rec.columns.push_back(zone_column(study->system, q));
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

}  // namespace

TEST_CASE("exact extremes: the nadir between samples equals a finely sampled run's",
          "[run][extremes][nadir]") {
  const FrameRecorder coarse = trip_run({}, true);
  const FrameRecorder plain = trip_run({}, false);
  const FrameRecorder fine = trip_run({"study.output_interval=10 ms"}, false);
  auto lowest = [](const FrameRecorder& r, int col) {
    std::size_t k = 0;
    for (std::size_t i = 1; i < r.rows.size(); ++i)
      if (r.rows[i][std::size_t(col)] < r.rows[k][std::size_t(col)]) k = i;
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
