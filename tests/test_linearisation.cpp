// The linearised DAE's modes (solver/engine/linearisation.hpp) against closed forms:
//   one tank behind a link to a held pressure:  C·dp/dt = −G·(p − p0)  →  λ = −G/C
//   two tanks in a row, the second held through G2:
//     C1·p1' = −G1·(p1 − p2),  C2·p2' = G1·(p1 − p2) − G2·(p2 − p0)
//     λ² + (G1/C1 + (G1 + G2)/C2)·λ + G1·G2/(C1·C2) = 0
// (the algebraic unknowns — link flows, the held junction — give no finite eigenvalue;
// running totals give λ = 0).
#include <catch2/catch.hpp>
#include <cmath>
#include <complex>

#include "solver/engine/linearisation.hpp"
#include "study_run.hpp"

using namespace steppe;
using testing::StudyRun;

namespace {

bool has(const std::vector<std::complex<double>>& ev, std::complex<double> want, double tol) {
  for (const auto& e : ev)
    if (std::abs(e - want) <= tol * std::abs(want)) return true;
  return false;
}

}  // namespace

TEST_CASE("a tank behind a link decays at −G/C", "[engine][linearisation]") {
  StudyRun run(R"(
study: {name: t, duration: 1 h, output_interval: 10 min}
lumped:
  nodes:
    - {name: Tank, capacitance: 2e-2 kg/Pa, initial_pressure: 50 bar}
    - {name: Grid, capacitance: 0}
  links:
    - {name: Outlet, from: Tank, to: Grid, conductance: 1e-5 kg/s/Pa}
  boundaries:
    - {name: Hold, node: Grid, pressure: 50 bar}
)");
  const auto ev = eigenvalues(run.system(), run.state());
  INFO(ev.size());
  REQUIRE(!ev.empty());
  CHECK(has(ev, {-1e-5 / 2e-2, 0.0}, 1e-9));
  for (const auto& e : ev) CHECK(e.real() <= 1e-12);  // nothing grows
}

TEST_CASE("two tanks in a row have the closed-form pair of modes", "[engine][linearisation]") {
  const double C1 = 2e-2, C2 = 5e-3, G1 = 1e-5, G2 = 4e-5;
  StudyRun run(R"(
study: {name: t, duration: 1 h, output_interval: 10 min}
lumped:
  nodes:
    - {name: T1, capacitance: 2e-2 kg/Pa, initial_pressure: 50 bar}
    - {name: T2, capacitance: 5e-3 kg/Pa, initial_pressure: 50 bar}
    - {name: Grid, capacitance: 0}
  links:
    - {name: L1, from: T1, to: T2, conductance: 1e-5 kg/s/Pa}
    - {name: L2, from: T2, to: Grid, conductance: 4e-5 kg/s/Pa}
  boundaries:
    - {name: Hold, node: Grid, pressure: 50 bar}
)");
  const double b = G1 / C1 + (G1 + G2) / C2, c = G1 * G2 / (C1 * C2);
  const double disc = std::sqrt(b * b - 4 * c);
  const auto ev = eigenvalues(run.system(), run.state());
  CHECK(has(ev, {(-b + disc) / 2, 0.0}, 1e-9));
  CHECK(has(ev, {(-b - disc) / 2, 0.0}, 1e-9));
  CHECK_THROWS_AS(eigenvalues(run.system(), run.state(), 2), std::invalid_argument);
}
