// The stepping Run (solver/run/run.hpp): advance_to between output times takes no sample
// and lands exactly on t; samples come at k·interval whatever the steps asked; observers
// hear started, events, samples and finished in order; a stop requested by an observer
// ends the run at that sample; the state reached step by step equals the closed form.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "models/domains.hpp"
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
