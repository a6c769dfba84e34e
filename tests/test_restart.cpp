// Checkpoint and restart of the integrator: a run snapshotted part-way and continued by
// a fresh Integrator of the same study must take the same steps as a run that never
// stopped. The oracle is the uninterrupted run itself (same code, no restart): with
// IDA's full history restored, the continued trajectory agrees to round-off (KLU may
// pivot differently on its first factorisation) and exactly with the dense solver.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "models/domains.hpp"
#include "solver/engine/integrator.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/study/study.hpp"

using namespace steppe;

namespace {

std::string source_path(const std::string& rel) {
  return std::string(STEPPE_SOURCE_DIR) + "/" + rel;
}

struct Trace {
  std::vector<std::vector<double>> y;  // y at each output time
  std::vector<EventRecord> events;
  SolverStats stats;
};

// Integrates `study` over output times k·dt for k in [k0, k1], recording y.
void integrate(Integrator& integ, const Study& study, int k0, int k1, Trace& out) {
  const double dt = study.settings.output_interval, t_end = study.settings.duration;
  for (int k = k0; k <= k1; ++k) {
    integ.advance(std::min(k * dt, t_end), out.events);
    out.y.emplace_back(integ.y(), integ.y() + study.system.size());
  }
  out.stats = integ.stats();
}

// Largest |a − b| / (|a| + scale) over all recorded samples.
double max_rel_difference(const Trace& a, const Trace& b, const System& sys, std::size_t from) {
  double worst = 0.0;
  for (std::size_t s = 0; s < b.y.size(); ++s)
    for (int i = 0; i < sys.size(); ++i) {
      const double x = a.y[from + s][std::size_t(i)], z = b.y[s][std::size_t(i)];
      worst = std::max(worst, std::abs(x - z) / (std::abs(x) + 1e-6 * sys.spec(i).scale));
    }
  return worst;
}

// The demo study and its integrator's snapshot after one hour.
struct DemoHour {
  std::unique_ptr<Study> study = load_study(source_path("inputs/demo_tank.yaml"), {}, domains());
  Snapshot snapshot = [this] {
    std::vector<EventRecord> ev;
    Integrator integ(study->system, study->settings.solver, 0.0, study->settings.duration);
    integ.initialise(ev);
    integ.advance(3600, ev);
    return integ.snapshot();
  }();
  // Resumes a fresh integrator of the study from `s`.
  void resume(const Snapshot& s) const {
    Integrator integ(study->system, study->settings.solver, 0.0, study->settings.duration);
    integ.resume(s);
  }
};

struct Case {
  std::string name, path;
  std::vector<std::string> overrides;
  double tolerance;
};

void check_restart(const Case& c, int k_stop, int k_end) {
  // A: uninterrupted.
  auto a = load_study(source_path(c.path), c.overrides, domains());
  Integrator ia(a->system, a->settings.solver, 0.0, a->settings.duration);
  Trace ta;
  ia.initialise(ta.events);
  integrate(ia, *a, 1, k_end, ta);

  // B: stopped at output k_stop, snapshot written to a checkpoint file and read back.
  auto b = load_study(source_path(c.path), c.overrides, domains());
  Integrator ib(b->system, b->settings.solver, 0.0, b->settings.duration);
  Trace tb;
  ib.initialise(tb.events);
  integrate(ib, *b, 1, k_stop, tb);
  Checkpoint ck;
  ck.run_id = "0123456789abcdef0123456789abcdef";
  ck.study_path = b->path;
  ck.study_text = b->text_as_run;
  ck.unknowns = b->system.size();
  ck.nonzeros = b->system.nonzeros();
  ck.next_output = k_stop + 1;
  ck.samples = k_stop + 1;
  ck.state = ib.snapshot();
  const auto file = std::filesystem::temp_directory_path() / ("steppe-restart-" + c.name + ".ckpt");
  write_checkpoint(file.string(), ck);
  const Checkpoint back = read_checkpoint(file.string());
  std::filesystem::remove(file);
  REQUIRE(back.state.arrays.size() == ck.state.arrays.size());

  // C: a fresh study from the checkpoint's text, resumed.
  auto cs = load_study_text(back.study_text, back.study_path, {}, domains());
  Integrator ic(cs->system, cs->settings.solver, 0.0, cs->settings.duration);
  ic.resume(back.state);
  REQUIRE(ic.t() == ib.t());
  Trace tc;
  integrate(ic, *cs, k_stop + 1, k_end, tc);

  const double diff = max_rel_difference(ta, tc, a->system, std::size_t(k_stop));
  INFO(c.name << ": max relative difference after restart " << diff);
  CHECK(diff <= c.tolerance);
  // The same steps: counters continue from the checkpoint.
  CHECK(tc.stats.steps == ta.stats.steps);
  CHECK(tc.stats.reinitialisations == ta.stats.reinitialisations);
  // The same events after the stop, at the same times.
  std::vector<EventRecord> after;
  for (const auto& e : ta.events)
    if (e.time > ib.t()) after.push_back(e);
  REQUIRE(after.size() == tc.events.size());
  for (std::size_t k = 0; k < after.size(); ++k) {
    CHECK(after[k].element == tc.events[k].element);
    CHECK(after[k].kind == tc.events[k].kind);
    CHECK(after[k].time == Approx(tc.events[k].time).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("restart: dense solver continues bit for bit", "[restart]") {
  check_restart({"tank-dense", "inputs/demo_tank.yaml", {"solver.linear_solver=dense"}, 0.0}, 100,
                288);
}

TEST_CASE("restart: KLU continues to round-off", "[restart]") {
  check_restart({"tank-klu", "inputs/demo_tank.yaml", {}, 1e-12}, 100, 288);
  // Stopped between the compressor step (6 h) and the check valve's opening.
  check_restart({"tank-klu-late", "inputs/demo_tank.yaml", {}, 1e-12}, 217, 288);
}

TEST_CASE("restart: the corridor continues through its events", "[restart][corridor][long]") {
  check_restart({"corridor",
                 "inputs/kazakhstan_china.yaml",
                 {"study.duration=18 h", "study.output_interval=10 min"},
                 1e-10},
                40, 108);
}

TEST_CASE("restart: a snapshot from another study is refused", "[restart]") {
  auto a = load_study(source_path("inputs/demo_tank.yaml"), {}, domains());
  Integrator ia(a->system, a->settings.solver, 0.0, a->settings.duration);
  std::vector<EventRecord> ev;
  ia.initialise(ev);
  ia.advance(3600, ev);
  Snapshot s = ia.snapshot();
  auto c =
      load_study(source_path("inputs/kazakhstan_china.yaml"), {"study.duration=1 h"}, domains());
  Integrator ic(c->system, c->settings.solver, 0.0, c->settings.duration);
  CHECK_THROWS_WITH(ic.resume(s), Catch::Contains("unknowns"));
}

// Found by the checkpoint fuzzer: a solver count of −3.6e207 was cast to an integer
// (undefined behaviour). A count that is not a whole number in [0, 2^53], or a time that is
// not finite, is refused.
TEST_CASE("restart: a snapshot with a count or a time out of range is refused", "[restart]") {
  const DemoHour demo;
  for (double bad : {-3.6057e207, -1.0, 0.5, 1e300, std::nan("")}) {
    Snapshot s = demo.snapshot;
    for (auto& [name, values] : s.arrays)
      if (name == "totals") values[0] = bad;
    CHECK_THROWS_WITH(demo.resume(s), Catch::Contains("where a count belongs"));
  }
  Snapshot s = demo.snapshot;
  for (auto& [name, values] : s.arrays)
    if (name == "t") values = {std::numeric_limits<double>::infinity()};
  CHECK_THROWS_WITH(demo.resume(s), Catch::Contains("'t' is not a finite number"));
  CHECK_NOTHROW(demo.resume(demo.snapshot));
}

// Found by the checkpoint fuzzer: IDA's order kk set to 0 in a history that has taken
// steps made its predictor ask for a linear combination of no vectors. Order 0 is refused
// after a step (IDA sets 1 at its first step and never goes below).
TEST_CASE("restart: a snapshot with order 0 after a step is refused", "[restart]") {
  const DemoHour demo;
  Snapshot s = demo.snapshot;
  bool found = false;
  for (auto& [name, values] : s.arrays)
    if (name == "ida.ints") {
      REQUIRE(values.at(0) >= 1.0);  // kk of a history that has stepped
      values[0] = 0.0;
      found = true;
    }
  REQUIRE(found);
  CHECK_THROWS_WITH(demo.resume(s), Catch::Contains("order kk after a step is 0"));
}
