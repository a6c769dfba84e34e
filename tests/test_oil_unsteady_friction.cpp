// Brunone unsteady friction in the Vítkovský sign form (models/oil/pipe.hpp) against a hand
// derivation: on the first front after an instantaneous closure (a wave m = F(x + a t)
// running upstream into forward flow, decelerating it) ∂m/∂t = a F' and a sgn(m)|∂m/∂x| =
// −a F', so k(∂m/∂t + a sgn(m)|∂m/∂x|) = 0: the first Joukowsky rise ρaV0 and its arrival
// are those of the quasi-steady line, whatever k. The reservoir's reflection (m = G(x − a t)
// from 0 to −m0) has ∂m/∂t = −aG' and a sgn(m)|∂m/∂x| = −aG' behind it (sgn 0 ahead): the
// term adds k..2k times ∂m/∂t to the inertia, so that front runs at a/√(1+k)..a/√(1+2k) and
// is back at the valve between L/a(1 + √1.1) and L/a(1 + √1.2) after the closure for k = 0.1.
// The waves are damped: the peak of the third period falls below the first.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "study_run.hpp"

using namespace steppe;

namespace {
std::string line(double k) {
  return fmt::format(R"(
study: {{name: brunone, duration: 20 s, output_interval: 1 s}}
solver: {{rtol: 1e-5, atol: 1e-5, max_order: 2, max_step: 5 ms}}
oil:
  initial_flow: 155 kg/s
  initial_pressure: 50 bar
  fluids:
    - {{name: Crude, density: 850 kg/m3, reference_temperature: 20 degC,
       thermal_expansion: 7e-4, viscosity: 8 cSt, temperature: 10 degC}}
  pipes:
    - {{name: P1, length: 1000 m, outer_diameter: 0.5, wall_thickness: 0.01, wave_speed: 1000,
       friction: 0, unsteady_friction: {}, max_segment_length: 10 m}}
  valves:
    - name: V
      upstream: P1
      outlet_pressure: 49 bar
      loss_coefficient: 233.65
      opening: {{times: [0, 1 s], values: [1, 0], interpolation: step}}
  terminals:
    - {{name: Reservoir, pipe: P1, end: inlet, pressure: 50 bar}}
)",
                     k);
}
}  // namespace

TEST_CASE("Brunone unsteady friction: first Joukowsky rise unchanged, later peaks damped",
          "[oil][surge][unsteady]") {
  testing::StudyRun run(line(0.1));
  const auto& pipe = run.get<oil::Pipe>("P1");
  CHECK(pipe.unsteady_coefficient() == 0.1);
  const double m0 = run.y(run.study->system.find("V")->offset());
  const double dpj = 1000.0 / pipe.area() * m0;  // ρ a V0 = Z m0
  const int ip = pipe.outlet().pressure();
  const double p0 = run.y(ip);
  double first = 0, third = 0, t_half = 0;
  for (double t = 1.0; t <= 1.0 + 3 * 4.0; t += 0.002) {
    run.to(t);
    const double dp = run.y(ip) - p0;
    if (t < 1.0 + 2.0) first = std::max(first, dp);
    if (t > 1.0 + 8.0 && t < 1.0 + 10.0) third = std::max(third, dp);
    if (t_half == 0 && dp > 0.5 * dpj) t_half = t - 1.0;
  }
  // The reservoir's reflection, back at the valve: the valve pressure falls through half.
  double t_fall = 0;
  testing::StudyRun again(line(0.1));
  for (double t = 2.5; t <= 3.5; t += 0.001) {
    again.to(t);
    if (again.y(ip) - p0 < 0.5 * dpj) {
      t_fall = t - 1.0;
      break;
    }
  }
  fmt::print(
      "oil Brunone k = 0.1: first rise {:+.3f} % of ρaV0, half-rise at {:.4f} s after closure, "
      "reflection back through half at {:.4f} s (bracket {:.4f}..{:.4f} s); third-period peak "
      "{:.3f} ρaV0\n",
      100 * (first / dpj - 1), t_half, t_fall, 1 + std::sqrt(1.1), 1 + std::sqrt(1.2), third / dpj);
  CHECK(first == Approx(dpj).epsilon(0.02));
  CHECK(t_fall > 1 + std::sqrt(1.1));
  CHECK(t_fall < 1 + std::sqrt(1.2));
  CHECK(third < 0.95 * first);
}
