// Underground gas storage (models/gas/storage.cpp) against closed forms:
//   constant withdrawal q from W0:      W(t) = W0 − q·t, empty at t = W0/q (an event there)
//   deliverability φ_w(w) = w, demand q: the limit takes over at W* = W_max·q/q_max, at
//                                        t* = (W0 − W*)/q; then W = W*·exp(−(t − t*)·q_max/W_max)
//   pressure control:                    the node pressure held at its set point while the
//                                        store gives what the line lacks, up to its limit
// plus mass balance over a 30-day inject/withdraw cycle, the analytic Jacobian in every mode,
// and bad input with locations.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "models/gas/node.hpp"
#include "models/gas/pipe.hpp"
#include "solver/engine/jacobian_check.hpp"
#include "study_run.hpp"

using namespace steppe;
using testing::StudyRun;

namespace {

// A supply holding node A at 60 bar, a 20 km pipe to B, the storage at B (and an offtake).
std::string storage_study(const std::string& storage, const std::string& offtake = "0 kg/s",
                          const std::string& duration = "4 h") {
  return fmt::format(R"(
study: {{name: ugs, duration: {}, output_interval: 10 min}}
solver: {{rtol: 1e-9, atol: 1e-9}}
gas:
  fluid: {{specific_gravity: 0.6, temperature: 288.15, law: ideal}}
  max_segment_length: 5 km
  nodes:
    - {{name: A, initial_pressure: 60 bar}}
    - {{name: B, initial_pressure: 60 bar}}
  pipes:
    - {{name: P, from: A, to: B, length: 20 km, diameter: 700 mm}}
  supplies:
    - {{name: S, node: A, pressure: 60 bar}}
  offtakes:
    - {{name: City, node: B, mass_flow: {}}}
  storages:
    - {}
)",
                     duration, offtake, storage);
}

const gas::GasNode& node(const StudyRun& r, const std::string& n) {
  return dynamic_cast<const gas::GasNode&>(*r.system().find(n, "gas node"));
}

double inventory(const StudyRun& r) {
  return r.value("UGS", 1);
}
double flow(const StudyRun& r) {
  return r.value("UGS", 0);
}

void check_jacobian_here(const StudyRun& run) {
  for (double cj : {0.0, 1e-2, 10.0}) {
    const JacobianCheck jc =
        check_jacobian(run.system(), run.integ->t(), run.integ->y(), run.integ->yp(), cj);
    INFO(jc.describe(run.system()));
    CHECK(jc.max_error < 1e-5);
  }
}

// The 0-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
  const auto pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  return static_cast<int>(std::count(text.begin(), text.begin() + long(pos), '\n'));
}

Diagnostics errors_of(const std::string& text) {
  try {
    load_study_text(text, "bad.yaml", {}, domains());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("the study loaded without errors");
  return {};
}

}  // namespace

TEST_CASE("constant withdrawal empties the working gas in W0/q", "[gas][storage][closed-form]") {
  // W0 = 1e6 kg at 100 kg/s: empty at 10,000 s exactly.
  StudyRun run(storage_study(
      "{name: UGS, node: B, working_gas: 1e6 kg, initial_inventory: 1, rate: 100 kg/s, "
      "reservoir_pressure: {empty: 50 bar, full: 90 bar}, withdrawal: {max_rate: 200 kg/s}, "
      "injection: {max_rate: 100 kg/s}}"));
  const double W0 = 1e6, q = 100.0, t_empty = W0 / q;
  CHECK(inventory(run) == Approx(W0).epsilon(1e-12));
  CHECK(flow(run) == Approx(q).epsilon(1e-12));
  check_jacobian_here(run);
  double worst = 0.0;
  for (double t = 600.0; t < t_empty; t += 600.0) {
    run.to(t);
    worst = std::max(worst, std::abs(inventory(run) - (W0 - q * t)) / W0);
  }
  CHECK(worst < 1e-9);
  run.to(4 * 3600.0);
  // One event: the store became empty at W0/q.
  REQUIRE(run.count("limit", "UGS") == 1);
  for (const auto& e : run.events)
    if (e.element == "UGS" && e.kind == "limit") {
      CHECK(e.time == Approx(t_empty).epsilon(1e-7));
      CHECK_THAT(e.message, Catch::Contains("empty"));
    }
  CHECK(std::abs(inventory(run)) < 1e-6 * W0);
  CHECK(std::abs(flow(run)) < 1e-9);
  check_jacobian_here(run);
}

TEST_CASE("the deliverability limit takes over where the curve crosses the demand",
          "[gas][storage][closed-form]") {
  // φ_w(w) = w: Q_w = q_max·W/W_max. Demand q = 50 kg/s, q_max = 100 kg/s, from full:
  // W* = W_max/2 at t* = (W_max − W*)/q; then W = W*·exp(−(t − t*)·q_max/W_max).
  const double Wmax = 2e6, qmax = 100.0, q = 50.0;
  StudyRun run(storage_study(
      "{name: UGS, node: B, working_gas: 2e6 kg, initial_inventory: 1, rate: 50 kg/s, "
      "reservoir_pressure: {empty: 50 bar, full: 90 bar}, "
      "withdrawal: {max_rate: 100 kg/s, curve: {inventory: [0, 1], fraction: [0, 1]}}, "
      "injection: {max_rate: 100 kg/s}}",
      "0 kg/s", "12 h"));
  const double W_star = Wmax * q / qmax, t_star = (Wmax - W_star) / q;
  run.to(t_star - 600.0);
  CHECK(flow(run) == Approx(q).epsilon(1e-10));
  check_jacobian_here(run);
  run.to(t_star + 600.0);
  REQUIRE(run.count("limit", "UGS") == 1);
  for (const auto& e : run.events)
    if (e.element == "UGS" && e.kind == "limit") {
      CHECK(e.time == Approx(t_star).epsilon(1e-6));
      CHECK(e.value == Approx(W_star).epsilon(1e-6));  // the inventory where it happened
      CHECK_THAT(e.message, Catch::Contains("withdrawal limit"));
    }
  check_jacobian_here(run);
  double worst = 0.0;
  for (double t = t_star + 1200.0; t <= 12 * 3600.0; t += 1200.0) {
    run.to(t);
    const double exact = W_star * std::exp(-(t - t_star) * qmax / Wmax);
    worst = std::max(worst, std::abs(inventory(run) - exact) / W_star);
    CHECK(flow(run) == Approx(qmax * inventory(run) / Wmax).epsilon(1e-8));
  }
  CHECK(worst < 1e-6);
}

TEST_CASE("a pressure-controlled storage holds the line and gives up at its limit",
          "[gas][storage]") {
  // The supply at A holds 60 bar, the storage holds B at 58 bar: the pipe carries the
  // steady flow of a 2 bar drop (about 92 kg/s), the city takes 250 kg/s, the store gives
  // the rest until the city's demand steps to 400 kg/s, beyond what the pipe at 2 bar and
  // the store (200 kg/s) can give: the store stays at its limit, the line pressure falls.
  StudyRun run(storage_study(
      "{name: UGS, node: B, working_gas: 3 bcm, initial_inventory: 0.5, control: pressure, "
      "set_point: 58 bar, reservoir_pressure: {empty: 50 bar, full: 90 bar}, "
      "withdrawal: {max_rate: 200 kg/s}, injection: {max_rate: 150 kg/s}}",
      "{times: [0, 2 h], values: [250 kg/s, 400 kg/s], interpolation: step}", "6 h"));
  const int pB = node(run, "B").pressure();
  CHECK(run.y(pB) == Approx(58e5).epsilon(1e-9));
  // Mass balance at B: pipe outlet + storage = city.
  const double pipe_in = run.value("S", 0);  // the supply gives what enters the pipe
  CHECK(pipe_in + flow(run) == Approx(250.0).epsilon(1e-6));
  CHECK(flow(run) > 100.0);
  check_jacobian_here(run);
  run.to(3600.0);
  CHECK(run.y(pB) == Approx(58e5).epsilon(1e-7));
  CHECK(run.count("limit", "UGS") == 0);
  run.to(6 * 3600.0);
  CHECK(run.count("limit", "UGS") == 1);
  CHECK(flow(run) == Approx(200.0).epsilon(1e-9));  // at its withdrawal limit
  CHECK(run.y(pB) < 58e5 - 1e4);                    // the line pressure no longer held
  check_jacobian_here(run);
}

TEST_CASE("a storage's working gas balances over a 30-day cycle to 1e-9",
          "[gas][storage][balance]") {
  // Inject 10 days, idle 5, withdraw 10, idle 5, with the city's demand swinging daily.
  StudyRun run(storage_study(
      "{name: UGS, node: B, working_gas: 4 bcm, initial_inventory: 0.3, "
      "rate: {times: [0, 10 d, 15 d, 25 d], values: [-80 kg/s, 0, 120 kg/s, 0], "
      "interpolation: step}, reservoir_pressure: {empty: 50 bar, full: 95 bar}, "
      "withdrawal: {max_rate: 230 kg/s, curve: {inventory: [0, 0.3, 1], fraction: [0.3, 0.7, 1]}}, "
      "injection: {max_rate: 170 kg/s, curve: {inventory: [0, 0.8, 1], fraction: [1, 1, 0.5]}}}",
      "{times: [0, 12 h], values: [150 kg/s, 250 kg/s], repeat: daily}", "30 d"));
  const auto& sys = run.system();
  auto pack = [&] {
    double total = 0.0;
    for (const auto& c : sys.components())
      if (const auto* p = dynamic_cast<const gas::GasPipe*>(c.get()))
        total += p->linepack(run.integ->y());
    return total;
  };
  const double W0 = inventory(run), pack0 = pack();
  run.to(30 * 86400.0);
  // Gas in store and in the line changes only by what the supply gave and the city took.
  const double supplied = run.value("S", 1), taken = run.value("City", 0);
  const double dW = inventory(run) - W0, dpack = pack() - pack0;
  CHECK(std::abs(dW + dpack - (supplied - taken)) < 1e-9 * W0);
  // The schedule's volumes: −80 kg/s for 10 d in, 120 kg/s for 10 d out.
  CHECK(dW == Approx(80.0 * 10 * 86400 - 120.0 * 10 * 86400).epsilon(1e-7));
  CHECK(run.count("schedule", "UGS") == 4);  // injection, idle, withdrawal, idle start
  std::vector<double> at;
  for (const auto& e : run.events)
    if (e.kind == "schedule" && e.element == "UGS") at.push_back(e.time / 86400);
  CHECK(at == std::vector<double>{0, 10, 15, 25});  // each when the schedule steps
}

TEST_CASE("storage input errors point at their key", "[gas][storage][input]") {
  const std::string ok =
      "{name: UGS, node: B, working_gas: 1 bcm, rate: 0 kg/s, reservoir_pressure: {empty: 50 "
      "bar, full: 90 bar}, withdrawal: {max_rate: 100 kg/s}, injection: {max_rate: 100 kg/s}}";
  {  // negative capacity
    std::string s = ok;
    s.replace(s.find("1 bcm"), 5, "-1 bcm");
    const std::string text = storage_study(s);
    const Diagnostics d = errors_of(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.storages[0].working_gas");
    CHECK(d.entries()[0].where.line == line_of(text, "-1 bcm"));
    CHECK(d.entries()[0].where.column ==
          int(text.find("-1 bcm") - text.rfind('\n', text.find("-1 bcm")) - 1));
    CHECK_THAT(d.entries()[0].message, Catch::Contains("must be > 0"));
  }
  {  // inventory above capacity
    std::string s = ok;
    s.replace(s.find("rate: 0 kg/s"), 12, "rate: 0 kg/s, initial_inventory: 1.2");
    const Diagnostics d = errors_of(storage_study(s));
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.storages[0].initial_inventory");
    CHECK_THAT(d.entries()[0].message, Catch::Contains("overflow"));
  }
  {  // a storage on an undefined node
    std::string s = ok;
    s.replace(s.find("node: B"), 7, "node: Bozoj");
    const Diagnostics d = errors_of(storage_study(s));
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.storages[0].node");
    CHECK_THAT(d.entries()[0].message, Catch::Contains("no node named 'Bozoj'"));
  }
  {  // wells that cannot deliver the withdrawal curve
    std::string s = ok;
    s.replace(s.find("rate: 0 kg/s"), 12, "rate: 0 kg/s, drawdown: 49 bar");
    const Diagnostics d = errors_of(storage_study(s));
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.storages[0].withdrawal");
    CHECK_THAT(d.entries()[0].message, Catch::Contains("cannot deliver"));
  }
}
