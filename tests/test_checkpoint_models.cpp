// Checkpoints of the discrete state (System::save_discrete / restore_discrete, the
// EventSource::save/restore of every model) against the oracle "a fresh copy of the study
// given the saved discrete state is the same DAE":
//   study A is integrated past its events to a time T; its discrete state sA is restored
//   into a fresh copy B of the same study; then
//     (a) B saves exactly sA,
//     (b) the residual, (c) the root functions, (d) the next stop time and (e) the output
//         frame of B at A's (T, y, y'), and halfway to the next stop time, equal A's bit
//         for bit (NaN-aware),
//     and after the last T, A and B run the same sequence of event handlers (settle, every
//     root falling, every root rising, the next stop) and report and do the same: state
//     that matters only for later events (a trip latch, a schedule's ramp) must be there;
//   and a fresh copy that did not get sA differs from A in (b)–(e) wherever A's events
//   changed modes (f), so the comparison can fail. Studies: the check valve of the lumped
//   network; gas compressor limits, supply flow limit, check, control and scheduled
//   valves; an oil line with a pump trip and restart, bypass and check valve; power
//   UFLS, tie overload and trip, storage modes, ramp and capacity modes, merit-order
//   dispatch with curtailment; coupling derate and trip by low gas pressure, a tripped
//   electric pump station; the Kazakhstan–China corridor with a pump and a unit trip.
// A truncated, extended or foreign checkpoint is refused with std::runtime_error.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "coupling_studies.hpp"
#include "models/domains.hpp"
#include "solver/engine/integrator.hpp"
#include "solver/study/study.hpp"

using namespace steppe;

namespace {

using Loader = std::function<std::unique_ptr<Study>()>;

Loader from_text(std::string yaml, std::vector<std::string> overrides = {}) {
  return [yaml = std::move(yaml), overrides = std::move(overrides)] {
    return load_study_text(yaml, "test.yaml", overrides, domains());
  };
}

Loader corridor(std::vector<std::string> overrides) {
  return [overrides = std::move(overrides)] {
    return load_study(std::string(STEPPE_SOURCE_DIR) + "/inputs/kazakhstan_china.yaml", overrides,
                      domains());
  };
}

// What the engine sees of a system's discrete state at (t, y, y') for each t of `times`
// (residual, roots and output frame of every time, one after the other), and its next
// stop time after the first.
struct Observed {
  std::vector<double> discrete, residual, roots, frame;
  double next_stop = 0.0;
};

Observed observe(const System& sys, const std::vector<double>& times, const double* y,
                 const double* yp, double t_end) {
  Observed o;
  o.discrete = sys.save_discrete();
  o.next_stop = sys.next_stop(times.front(), t_end);
  std::vector<double> f(static_cast<std::size_t>(sys.size())),
      g(static_cast<std::size_t>(sys.root_count())), frame;
  for (double t : times) {
    sys.residual(t, y, yp, f.data());
    if (!g.empty()) sys.roots(t, y, yp, g.data());
    sys.write_outputs({t, y, yp}, frame);
    o.residual.insert(o.residual.end(), f.begin(), f.end());
    o.roots.insert(o.roots.end(), g.begin(), g.end());
    o.frame.insert(o.frame.end(), frame.begin(), frame.end());
  }
  return o;
}

// The first index where a and b differ (bitwise equal values or both NaN are the same),
// or -1; a different length counts as a difference at the shorter length.
long first_difference(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return static_cast<long>(i);
  return a.size() == b.size() ? -1 : static_cast<long>(n);
}

struct Differences {
  long discrete, residual, roots, frame;
  bool next_stop;
  bool observable() const { return residual >= 0 || roots >= 0 || frame >= 0 || next_stop; }
  std::string describe(const System& sys, const Observed& a, const Observed& b) const {
    std::string s;
    auto at = [](const std::vector<double>& v, long i) {
      return i >= 0 && static_cast<std::size_t>(i) < v.size() ? v[static_cast<std::size_t>(i)]
                                                              : std::nan("");
    };
    if (discrete >= 0)
      s += fmt::format("discrete[{}]: {} vs {}; ", discrete, at(a.discrete, discrete),
                       at(b.discrete, discrete));
    if (residual >= 0)
      s += fmt::format("residual of {}: {} vs {}; ",
                       sys.describe(static_cast<int>(residual % std::max(1, sys.size()))),
                       at(a.residual, residual), at(b.residual, residual));
    if (roots >= 0)
      s += fmt::format("root {}: {} vs {}; ", roots, at(a.roots, roots), at(b.roots, roots));
    if (frame >= 0)
      s +=
          fmt::format("output value {}: {} vs {}; ", frame, at(a.frame, frame), at(b.frame, frame));
    if (next_stop) s += fmt::format("next stop {} vs {}; ", a.next_stop, b.next_stop);
    return s.empty() ? "no difference" : s;
  }
};

Differences compare(const Observed& a, const Observed& b) {
  return {first_difference(a.discrete, b.discrete), first_difference(a.residual, b.residual),
          first_difference(a.roots, b.roots), first_difference(a.frame, b.frame),
          a.next_stop != b.next_stop};
}

// Drives the event handlers of a system at (t, y, y'): settle, every root crossed
// falling, every root crossed rising, then the next stop time. Records what each step
// reported and what the engine sees after it, so two copies that differ in any discrete
// state a handler reads (a trip latch, a capacity factor, a timer) give different logs.
struct Probe {
  std::vector<std::string> log;
  std::vector<Observed> after;
};

Probe probe(System& sys, double t, const double* y, const double* yp, double t_end) {
  Probe p;
  const State s{t, y, yp};
  const double ns = sys.next_stop(t, t_end);
  auto record = [&](bool reinit, const std::vector<EventRecord>& events) {
    std::string line = fmt::format("reinitialise {}, fatal '{}':", reinit, sys.fatal());
    for (const auto& e : events)
      line += fmt::format(" [{} {} {} {} {}]", e.time, e.kind, e.element, e.value, e.message);
    p.log.push_back(line);
    p.after.push_back(observe(sys, {t, 0.5 * (t + ns)}, y, yp, t_end));
  };
  std::vector<EventRecord> events;
  record(sys.settle(s, events), events);
  for (int dir : {-1, +1}) {
    std::vector<int> found(static_cast<std::size_t>(sys.root_count()), dir);
    events.clear();
    record(found.empty() ? false : sys.on_roots(found.data(), s, events), events);
  }
  if (ns < t_end) {
    events.clear();
    record(sys.on_stop(ns, {ns, y, yp}, events), events);
  }
  return p;
}

struct RestorePoint {
  double t;
  // A's events up to t changed modes that a fresh copy of the study does not have.
  bool fresh_differs;
};

// Integrates study A through `points` in turn. At each point T, a fresh copy B gets A's
// discrete state and must (a) save the same state and show the same (b) residual, (c)
// roots, (d) next stop and (e) outputs at A's (T, y, y') and halfway to the next stop
// time; a fresh copy without it must differ (f) where `fresh_differs`. After the last
// point, A and B go through the same probe() of their event handlers and must agree.
// `expected` lists elements that must have recorded an event by the last point. Returns
// A's discrete state at the last point.
std::vector<double> check_restore(const Loader& load, const std::vector<RestorePoint>& points,
                                  const std::vector<std::string>& expected) {
  auto a = load();
  const double t_end = a->settings.duration;
  Integrator integ(a->system, a->settings.solver, 0.0, t_end);
  std::vector<EventRecord> events;
  integ.initialise(events);
  std::vector<double> saved;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const RestorePoint& p = points[k];
    REQUIRE(p.t < t_end);
    integ.advance(p.t, events);
    REQUIRE(integ.t() == p.t);
    const double* y = integ.y();
    const double* yp = integ.yp();
    // Halfway to the next stop time: ramping schedules and running timers matter there.
    const std::vector<double> times{p.t, 0.5 * (p.t + a->system.next_stop(p.t, t_end))};
    const Observed oa = observe(a->system, times, y, yp, t_end);
    saved = oa.discrete;

    auto b = load();
    b->system.restore_discrete(oa.discrete);
    const Observed ob = observe(b->system, times, y, yp, t_end);
    const Differences d = compare(oa, ob);
    INFO("t = " << p.t << " s, " << events.size() << " events, " << oa.discrete.size()
                << " discrete values; restored copy: " << d.describe(a->system, oa, ob));
    CHECK(d.discrete < 0);     // (a)
    CHECK(d.residual < 0);     // (b)
    CHECK(d.roots < 0);        // (c)
    CHECK_FALSE(d.next_stop);  // (d)
    CHECK(d.frame < 0);        // (e)

    auto fresh = load();
    const Observed of = observe(fresh->system, times, y, yp, t_end);
    const Differences df = compare(oa, of);
    INFO("fresh copy: " << df.describe(a->system, oa, of));
    if (p.fresh_differs) {  // (f)
      CHECK(df.discrete >= 0);
      CHECK(df.observable());
    }

    if (k + 1 == points.size()) {
      for (const std::string& name : expected) {
        int n = 0;
        for (const auto& e : events) n += e.element == name;
        INFO("events of " << name);
        CHECK(n > 0);
      }
      const Probe pa = probe(a->system, p.t, y, yp, t_end);
      const Probe pb = probe(b->system, p.t, y, yp, t_end);
      REQUIRE(pa.log.size() == pb.log.size());
      for (std::size_t i = 0; i < pa.log.size(); ++i) {
        const Differences dp = compare(pa.after[i], pb.after[i]);
        INFO("probe step " << i << ": " << pa.log[i] << " | " << pb.log[i] << " | "
                           << dp.describe(a->system, pa.after[i], pb.after[i]));
        CHECK(pa.log[i] == pb.log[i]);
        CHECK(dp.discrete < 0);
        CHECK_FALSE(dp.observable());
      }
    }
  }
  return saved;
}

// ---- Studies (from the domain tests, with their events) ---------------------------------

// Tank behind a check valve Grid → Tank: the valve closes at once, reopens at 2000 s.
const char* kCheckValve = R"(
study: {name: cv, duration: 8000 s, output_interval: 100 s}
solver: {rtol: 1e-9, atol: 1e-9, initial: given}
lumped:
  nodes:
    - {name: Tank, capacitance: 1e-2, initial_pressure: 50e5, max_pressure: 52e5}
    - {name: Grid, capacitance: 0, initial_pressure: 50e5}
  links:
    - {name: Valve, from: Grid, to: Tank, conductance: 1e-5, check_valve: true}
  sources:
    - name: In
      node: Tank
      mass_flow: {times: [0, 1000 s], values: [10, -10], interpolation: step}
  boundaries:
    - {name: Hold, node: Grid, pressure: 50e5}
)";

// Supply → 150 km → compressor → 150 km → offtake ramping up: the station reaches its
// ratio limit.
const char* kCompressor = R"(
study: {name: cs, duration: 2 d, output_interval: 30 min}
solver: {rtol: 1e-7, atol: 1e-7, max_order: 2}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K, law: papay}
  max_segment_length: 10 km
  nodes:
    - {name: Border, initial_pressure: 60 bar}
    - {name: Suction, initial_pressure: 55 bar}
    - {name: Discharge, initial_pressure: 70 bar}
    - {name: City, initial_pressure: 60 bar}
  pipes:
    - {name: P1, from: Border, to: Suction, length: 150 km, diameter: 1067 mm}
    - {name: P2, from: Discharge, to: City, length: 150 km, diameter: 1067 mm}
  supplies:
    - {name: S, node: Border, pressure: 60 bar}
  compressors:
    - {name: CS, from: Suction, to: Discharge, control: discharge, set_point: 70 bar,
       ratio_max: 1.4}
  offtakes:
    - {name: D, node: City, mass_flow: {times: [0, 1 d], values: [200, 350], interpolation: linear}}
)";

// A supply with a flow limit feeds a check valve; the far end is held by a second supply
// whose pressure drops (the first supply reaches its limit) and then rises above the
// first's (the flow reverses and the check valve closes).
const char* kSupplyAndCheckValve = R"(
study: {name: sv, duration: 1 d, output_interval: 30 min}
solver: {rtol: 1e-7, atol: 1e-7, max_order: 2}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K}
  max_segment_length: 5 km
  nodes:
    - {name: A, initial_pressure: 60 bar}
    - {name: B, initial_pressure: 58 bar}
    - {name: C, initial_pressure: 57 bar}
    - {name: E, initial_pressure: 55 bar}
  pipes:
    - {name: P1, from: A, to: B, length: 50 km, diameter: 700 mm}
    - {name: P2, from: C, to: E, length: 50 km, diameter: 700 mm}
  supplies:
    - {name: S, node: A, pressure: 60 bar, max_flow: 60 kg/s}
    - name: Far
      node: E
      pressure: {times: [0, 2 h, 8 h], values: [55 bar, 30 bar, 65 bar], interpolation: step}
  valves:
    - {name: V, from: B, to: C, kind: check_valve}
  offtakes:
    - {name: D, node: E, mass_flow: 20 kg/s}
)";

// Supply → 50 km → regulator and (in parallel) a scheduled valve → 50 km → offtake; the
// supply pressure falls below the regulator's set point and comes back.
const char* kValves = R"(
study: {name: v, duration: 1 d, output_interval: 30 min}
solver: {rtol: 1e-7, atol: 1e-7, max_order: 2}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K}
  max_segment_length: 5 km
  nodes:
    - {name: A, initial_pressure: 60 bar}
    - {name: B, initial_pressure: 55 bar}
    - {name: C, initial_pressure: 40 bar}
    - {name: E, initial_pressure: 38 bar}
    - {name: F, initial_pressure: 38 bar}
  pipes:
    - {name: P1, from: A, to: B, length: 50 km, diameter: 700 mm}
    - {name: P2, from: C, to: E, length: 50 km, diameter: 700 mm}
    - {name: P3, from: E, to: F, length: 20 km, diameter: 500 mm}
  supplies:
    - name: S
      node: A
      pressure: {times: [0, 6 h, 12 h, 18 h], values: [60 bar, 60 bar, 36 bar, 60 bar]}
  valves:
    - {name: R, from: B, to: C, kind: control_valve, set_point: 40 bar}
    - {name: Block, from: E, to: F, kind: valve,
       open: {times: [0, 3 h], values: [1, 0], interpolation: step}}
  offtakes:
    - {name: D, node: E, mass_flow: 30 kg/s}
    - {name: DF, node: F, mass_flow: 1 kg/s}
)";

// Tank → PS (PI on discharge, min suction) → 80 km (offtake) → check valve → tank, from a
// given state; PS trips at 1 h and restarts at 2 h.
const char* kOilLine = R"(
study: {name: trip, duration: 4 h, output_interval: 10 min}
solver: {rtol: 1e-7, atol: 1e-7, initial: given}
oil:
  initial_flow: 0 kg/s
  initial_pressure: 10 bar
  fluids:
    - name: Kumkol blend
      density: 850 kg/m3
      reference_temperature: 20 degC
      thermal_expansion: 7e-4
      viscosity: {temperatures: [20 degC, 50 degC], values: [8 cSt, 4 cSt]}
      temperature: 10 degC
  route: {distance: [0, 4 km, 88 km], elevation: [320 m, 300 m, 280 m]}
  pipes:
    - {name: Suction, length: 4 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 1 km}
    - {name: Line, length: 80 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 2 km, maop: 70 bar, friction: 0.016}
    - {name: Tail, length: 4 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 1 km}
  stations:
    - name: PS
      upstream: Suction
      downstream: Line
      pumps: {count: 2, arrangement: parallel, shutoff_head: 400 m, rated_head: 300 m,
              rated_flow: 0.4 m3/s}
      control: {variable: discharge, setpoint: 20 bar, proportional_band: 20 bar,
                integral_time: 60 s, min_suction_pressure: 0.5 bar, max_speed: 1.1}
      trips: [1 h]
      restarts: [2 h]
      rundown_time: 15 s
  valves:
    - {name: Check, upstream: Line, downstream: Tail, loss_coefficient: 0.5, check_valve: true}
  injections:
    - name: Offtake
      pipe: Line
      at: 30 km
      mass_flow: {times: [0, 30 min, 90 min, 3 h], values: [-50, -150, -150, 0], interpolation: linear}
  terminals:
    - name: Atasu tank
      pipe: Suction
      end: inlet
      tank: {area: 3000 m2, initial_level: 12 m}
    - name: Receipt tank
      pipe: Tail
      end: outlet
      tank: {area: 3000 m2, initial_level: 6 m}
)";

// A unit trip overloads the tie, which trips after 5 s; the South islands and sheds.
const std::string kIsland = std::string(STEPPE_TEST_DATA) + "/power_island.yaml";

// A battery discharging at full power runs empty at 2592 s.
const std::string kBattery = std::string(STEPPE_TEST_DATA) + "/power_battery.yaml";

// A set-point step ramps at the ramp limit; a unit is held at its capacity.
const std::string kRamp = std::string(STEPPE_TEST_DATA) + "/power_ramp_limits.yaml";

// Every power element (tests/data/power_all_elements.yaml).
const std::string kPowerAll = std::string(STEPPE_TEST_DATA) + "/power_all_elements.yaml";

// Must-run coal against a load it nearly covers: the dispatch curtails the wind farm.
const char* kCurtail = R"(
study: {name: curtail, duration: 3 h, output_interval: 10 min}
solver: {rtol: 1e-8, atol: 1e-8}
power:
  zones:
    - name: South
      inertia: 4 s
      base: 3 GW
      load: {times: [0, 1 h, 3 h], values: [2.5 GW, 2.05 GW, 2.05 GW]}
      agc: {time_constant: 30 s}
  generators:
    - {name: Coal, zone: South, capacity: 3 GW, min_output: 2 GW, cost: 10}
  wind:
    - {name: Zhanatas, zone: South, turbines: 40, rated_power: 2.5 MW, speed: 15 m/s,
       measurement_height: 90 m}
  dispatch: {interval: 1 h}
)";

// A gas-fired unit at the end of a 20 km line (tests/coupling_studies.hpp) at 800 MW; the
// city offtake pulls the pressure under the unit's minimum supply pressure.
std::string plant_study(const std::string& offtake, const std::string& plant_extra,
                        const std::string& zone, const std::string& duration) {
  return testing::plant_study(offtake, "800 MW", plant_extra, zone, duration);
}

// Tank farm → PS (electric motors, a load in South) → 150 km → receipt; PS trips at 1 h.
const char* kPumpLoad = R"(
study: {name: pump, duration: 2 h, output_interval: 10 min}
solver: {rtol: 1e-9, atol: 1e-9}
oil:
  initial_flow: 600 kg/s
  initial_pressure: 30 bar
  fluids:
    - {name: crude, density: 850 kg/m3, viscosity: {temperatures: [0 degC, 50 degC], values: [8 cSt, 8 cSt]}}
  route: {distance: [0, 10 km, 160 km], elevation: [200 m, 200 m, 300 m]}
  pipes:
    - {name: Suction, length: 10 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm, friction: 0.015}
    - {name: Discharge, length: 150 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       friction: 0.015, max_segment_length: 5 km}
  stations:
    - name: Atasu PS
      upstream: Suction
      downstream: Discharge
      pumps: {count: 2, arrangement: series, shutoff_head: 300 m, rated_head: 230 m,
              rated_flow: 0.8 m3/s}
      control: {variable: speed, setpoint: 1.0}
      trips: [1 h]
      rundown_time: 20 s
  terminals:
    - {name: Tank farm, pipe: Suction, end: inlet, pressure: 3 bar}
    - {name: Receipt, pipe: Discharge, end: outlet, pressure: 5 bar}
power:
  zones:
    - {name: South, infinite_bus: true, load: 2 GW}
  generators:
    - {name: G, zone: South, capacity: 2000 MW, set_point: 1600 MW}
coupling:
  pump_loads:
    - {station: Atasu PS, zone: South}
)";

}  // namespace

TEST_CASE("checkpoint: lumped check valve", "[checkpoint][lumped]") {
  check_restore(from_text(kCheckValve), {{1500.0, true}, {2500.0, false}, {5000.0, false}},
                {"Valve", "Tank"});
}

TEST_CASE("checkpoint: gas compressor at its ratio limit", "[checkpoint][gas]") {
  check_restore(from_text(kCompressor), {{1.5 * 86400.0, true}}, {"CS"});
}

TEST_CASE("checkpoint: gas supply flow limit and check valve", "[checkpoint][gas]") {
  check_restore(from_text(kSupplyAndCheckValve), {{5 * 3600.0, true}, {14 * 3600.0, true}}, {"S"});
}

TEST_CASE("checkpoint: gas regulator and scheduled valve", "[checkpoint][gas]") {
  check_restore(from_text(kValves), {{4 * 3600.0, true}, {15 * 3600.0, true}}, {"Block"});
}

TEST_CASE("checkpoint: oil line with a pump trip, restart and check valve", "[checkpoint][oil]") {
  check_restore(from_text(kOilLine), {{1.5 * 3600.0, true}, {2.5 * 3600.0, false}}, {"PS"});
}

TEST_CASE("checkpoint: power UFLS, tie overload and trip", "[checkpoint][power]") {
  check_restore(from_text(read_study_file(kIsland)), {{12.0, true}, {30.0, true}},
                {"Syrdarya", "NS"});
}

TEST_CASE("checkpoint: power storage runs empty", "[checkpoint][power]") {
  check_restore(from_text(read_study_file(kBattery)), {{3000.0, true}}, {"B"});
}

TEST_CASE("checkpoint: power ramp and capacity modes", "[checkpoint][power]") {
  check_restore(from_text(read_study_file(kRamp)), {{300.0, true}, {3000.0, true}},
                {"G", "Capped"});
}

TEST_CASE("checkpoint: power dispatch, wind, solar, storage, availability", "[checkpoint][power]") {
  check_restore(from_text(read_study_file(kPowerAll)), {{4000.0, true}, {7300.0, true}},
                {"Moinak"});
}

// Checkpoints while the peaker unloads to stop (4 h … 14,600 s), held on at its minimum
// (13 h) and held off (20.5 h): its commitment, the time of its last switch, its coming
// desynchronisation and its start count come back.
TEST_CASE("checkpoint: unit commitment by dispatch", "[checkpoint][power]") {
  check_restore(
      from_text(read_study_file(std::string(STEPPE_TEST_DATA) + "/power_commitment.yaml")),
      {{14500.0, true}, {13 * 3600.0, true}, {20.5 * 3600.0, true}}, {"Peaker"});
}

TEST_CASE("checkpoint: dispatch curtailment", "[checkpoint][power]") {
  check_restore(from_text(kCurtail), {{1.5 * 3600.0, true}}, {});
}

TEST_CASE("checkpoint: coupling derate and trip by low gas pressure", "[checkpoint][coupling]") {
  const std::string offtake =
      "{times: [0, 6 h, 12 h, 13 h], values: [100, 400, 400, 100], interpolation: linear}";
  check_restore(from_text(plant_study(offtake, R"(
      min_supply_pressure: 60 bar
      recovery_band: 2 bar
      derate_to: 0.5)",
                                      "{name: South, infinite_bus: true, load: 2 GW}", "1 d")),
                {{11 * 3600.0, true}}, {"TPP-2"});
  check_restore(
      from_text(plant_study("{times: [0, 6 h], values: [100, 400], interpolation: linear}",
                            R"(
      min_supply_pressure: 60 bar
      on_low_pressure: trip)",
                            "{name: South, inertia: 5 s, base: 3 GW, load: 1.6 GW}", "12 h")),
      {{10 * 3600.0, true}}, {"TPP-2"});
}

TEST_CASE("checkpoint: coupling, a tripped electric pump station", "[checkpoint][coupling]") {
  check_restore(from_text(kPumpLoad), {{3660.0, true}}, {"Atasu PS"});
}

TEST_CASE("checkpoint: Kazakhstan–China corridor with a pump and a unit trip",
          "[checkpoint][corridor][long]") {
  check_restore(corridor({"study.duration=8 h", "power.generators.Syrdarya TPP.trip_at=6 h",
                          "oil.stations.AA PS2.trips=[6 h]"}),
                {{3 * 3600.0, true}, {7 * 3600.0, true}},
                {"Syrdarya TPP", "AA PS2", "North-South"});
}

TEST_CASE("checkpoint: a truncated, extended or foreign discrete state is refused",
          "[checkpoint][errors]") {
  const std::vector<double> island =
      check_restore(from_text(read_study_file(kIsland)), {{30.0, true}}, {});
  const std::vector<double> valve = check_restore(from_text(kCheckValve), {{1500.0, true}}, {});
  REQUIRE(island.size() > 2);
  auto fresh = from_text(read_study_file(kIsland));

  std::vector<double> cut = island;
  cut.pop_back();
  CHECK_THROWS_AS(fresh()->system.restore_discrete(cut), std::runtime_error);
  cut.resize(island.size() / 2);
  CHECK_THROWS_AS(fresh()->system.restore_discrete(cut), std::runtime_error);
  CHECK_THROWS_AS(fresh()->system.restore_discrete({}), std::runtime_error);
  std::vector<double> longer = island;
  longer.push_back(0.0);
  CHECK_THROWS_AS(fresh()->system.restore_discrete(longer), std::runtime_error);

  // Another study's state, both ways; and the same study with one UFLS stage less.
  CHECK_THROWS_AS(fresh()->system.restore_discrete(valve), std::runtime_error);
  CHECK_THROWS_AS(from_text(kCheckValve)()->system.restore_discrete(island), std::runtime_error);
  auto one_stage =
      from_text(read_study_file(kIsland), {"power.zones.South.ufls=[{threshold: 49.2 Hz, delay: "
                                           "0.3 s, fraction: 10 %}]"});
  try {
    one_stage()->system.restore_discrete(island);
    FAIL("a state with two UFLS stages went into a zone with one");
  } catch (const std::runtime_error& e) {
    INFO(e.what());
    CHECK_THAT(std::string(e.what()), Catch::Contains("South"));
  }
  // The state round-trips into its own study.
  CHECK_NOTHROW(fresh()->system.restore_discrete(island));
}
