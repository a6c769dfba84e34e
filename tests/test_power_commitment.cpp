// Unit commitment by dispatch (models/power/dispatch.hpp) against a hand-worked schedule
// (tests/data/power_commitment.yaml).
//
// One zone: Base (10 GW, cost 10, always on), Mid (1 GW, cost 50, always on) and Peaker
// (500 MW, minimum 200 MW, cost 30, min up 8 h, min down 3 h, start cost 10,000). The load
// is 10.3 GW or 9 GW, changing over the half hour before a dispatch (hourly):
//   at 10.3 GW: Peaker on: Base 10,000 + Peaker 300 → 100,000 + 9,000 = 109,000 per hour;
//               off: Base 10,000 + Mid 300 → 115,000. A start saves 6,000 per hour, over its
//               8 h minimum up time 48,000 > 10,000: started.
//   at 9 GW:    on (at its minimum): Base 8,800 + Peaker 200 → 94,000; off: 90,000. A stop
//               saves 4,000 per hour, over its 3 h minimum down time 12,000 > 10,000:
//               stopped (with a start cost of 20,000 it is not).
// Load 10.3 GW until 4 h, 9 GW until 10 h, 10.3 GW until 12 h, 9 GW until 20 h, 10.3 GW.
//   4 h   stop: unloads from 300 MW at 50 MW/min over the dispatch's 10 min ramp time and
//         desynchronises when its schedule passes 200 MW: 4 h + 10 min · 100/300 = 14,600 s
//   10 h  start (off since 14,600 s, more than 3 h)
//   12 h  no stop: on for less than 8 h; it runs at its 200 MW minimum until
//   18 h  stop, at once (it is at its minimum): 64,800 s
//   20 h  no start: off for less than 3 h; Mid covers the 300 MW
//   21 h  start: 75,600 s
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/power/generator.hpp"
#include "solver/study/study.hpp"
#include "study_run.hpp"

using namespace steppe;

namespace {

const std::string kStudy = std::string(STEPPE_TEST_DATA) + "/power_commitment.yaml";

struct Switch {
  double time;
  std::string what;
};

std::vector<Switch> switches(const testing::StudyRun& run) {
  std::vector<Switch> out;
  for (const auto& e : run.events)
    if (e.element == "Peaker" && e.message.find("by dispatch") != std::string::npos)
      out.push_back({e.time, e.message});
  return out;
}

}  // namespace

TEST_CASE("commitment: starts and stops where they pay, held on and off for their minimum times",
          "[power][dispatch][commitment]") {
  testing::StudyRun run(read_study_file(kStudy));
  const auto& peaker = run.get<power::Generator>("Peaker");
  const auto& mid = run.get<power::Generator>("Mid");
  auto power_at = [&](double t, const power::Generator& g) {
    run.to(t);
    return g.power(run.state());
  };
  // Initial dispatch: on, carrying the 300 MW beyond Base.
  CHECK(power_at(3 * 3600.0, peaker) == Approx(300e6).epsilon(1e-4));
  CHECK(power_at(5 * 3600.0, peaker) == 0.0);
  CHECK(mid.power(run.state()) == Approx(0.0).margin(1e-4 * 300e6));
  CHECK(power_at(11 * 3600.0, peaker) == Approx(300e6).epsilon(1e-4));
  // Held on at its minimum (the load no longer needs it) until its 8 h are up.
  CHECK(power_at(17 * 3600.0, peaker) == Approx(200e6).epsilon(1e-4));
  CHECK(power_at(19 * 3600.0, peaker) == 0.0);
  // Held off for 3 h although the load needs it: Mid covers.
  CHECK(power_at(20.75 * 3600.0, peaker) == 0.0);
  // (to 1 MW: Base, at its 10 GW, still governs a residual Δf of 4e-5 Hz: 0.18 MW)
  CHECK(mid.power(run.state()) == Approx(300e6).margin(1e6));
  CHECK(power_at(23 * 3600.0, peaker) == Approx(300e6).epsilon(1e-4));
  CHECK(mid.power(run.state()) == Approx(0.0).margin(1e-4 * 300e6));

  const std::vector<Switch> got = switches(run);
  const std::vector<Switch> want = {
      {14600.0, "stopped"}, {36000.0, "started"}, {64800.0, "stopped"}, {75600.0, "started"}};
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    INFO(got[k].time << " s: " << got[k].what);
    CHECK(got[k].time == Approx(want[k].time).margin(1e-6));
    CHECK(got[k].what.find(want[k].what) != std::string::npos);
  }
  // Two starts after the initial dispatch (which commits without a start).
  CHECK(peaker.starts() == 2.0);
}

TEST_CASE("commitment: a stop that does not save its next start is not taken",
          "[power][dispatch][commitment]") {
  // Start cost 20,000 > 4,000 per hour × 3 h: Peaker stays on through the 9 GW hours.
  testing::StudyRun run(read_study_file(kStudy), {"power.generators.Peaker.start_cost=20000"});
  const auto& peaker = run.get<power::Generator>("Peaker");
  run.to(8 * 3600.0);
  CHECK(peaker.power(run.state()) == Approx(200e6).epsilon(1e-4));
  run.to(24 * 3600.0);
  CHECK(switches(run).empty());
}
