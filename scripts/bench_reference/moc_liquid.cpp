// Method-of-characteristics reference for the oil surge benchmark (scripts/bench_oil.py):
// reservoir – pipe – valve, the valve shut instantly at t_c; the textbook MOC at Courant 1
// (Wylie & Streeter, Fluid Transients in Systems, ch. 3), written for this benchmark.
//
// Unknowns at the N + 1 grid points of a pipe of length L (Δx = L/N, Δt = Δx/a): pressure
// p [Pa] and mass flow m [kg/s]; Z = a/A the characteristic impedance, friction per reach
// R = f Δx/(2 D ρ A²) (Darcy f, first order, explicit):
//   C+ (from A = i−1):  p_P + Z m_P = p_A + Z m_A − R m_A|m_A| =: C_P
//   C− (from B = i+1):  p_P − Z m_P = p_B − Z m_B + R m_B|m_B| =: C_M
// Reservoir (i = 0): p = p_r, m = (p_r − C_M)/Z. Valve (i = N): open, p − p_out = K m|m| with
// K = ζ/(2ρA²) (the quadratic with C+); shut, m = 0 and p = C_P. Steady start: m0 from
// p_r − p_out = (R N + K) m0², p falling linearly by R m0² per reach.
//
// usage: moc_liquid L a D rho f p_r p_out zeta N t_c t_end repeat
// prints one line of JSON: steps, wall_s (per run, the best of `repeat`), the valve's
// peak and trough of p − p_valve,0 [Pa], m0 [kg/s], and the period from the zero crossings.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 13) {
    std::fprintf(stderr, "usage: moc_liquid L a D rho f p_r p_out zeta N t_c t_end repeat\n");
    return 2;
  }
  const double L = std::atof(argv[1]), a = std::atof(argv[2]), D = std::atof(argv[3]);
  const double rho = std::atof(argv[4]), f = std::atof(argv[5]), pr = std::atof(argv[6]);
  const double pout = std::atof(argv[7]), zeta = std::atof(argv[8]);
  const int N = std::atoi(argv[9]);
  const double tc = std::atof(argv[10]), t_end = std::atof(argv[11]);
  const int repeat = std::max(1, std::atoi(argv[12]));
  const double A = M_PI * D * D / 4, Z = a / A, dx = L / N, dt = dx / a;
  const double R = f * dx / (2 * D * rho * A * A), K = zeta / (2 * rho * A * A);
  const double m0 = std::sqrt((pr - pout) / (R * N + K));
  const long steps = std::lround(std::ceil(t_end / dt));
  std::vector<double> p(N + 1), m(N + 1), pn(N + 1), mn(N + 1);
  double best = 1e300, peak = 0, trough = 0, period = 0, pv0 = 0;
  for (int rep = 0; rep < repeat; ++rep) {
    for (int i = 0; i <= N; ++i) p[i] = pr - R * m0 * m0 * i, m[i] = m0;
    pv0 = p[N];
    peak = 0, trough = 0;
    std::vector<double> cross;
    double prev = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (long k = 1; k <= steps; ++k) {
      const double t = k * dt;
      for (int i = 1; i < N; ++i) {
        const double cp = p[i - 1] + Z * m[i - 1] - R * m[i - 1] * std::abs(m[i - 1]);
        const double cm = p[i + 1] - Z * m[i + 1] + R * m[i + 1] * std::abs(m[i + 1]);
        pn[i] = 0.5 * (cp + cm);
        mn[i] = (cp - cm) / (2 * Z);
      }
      const double cm0 = p[1] - Z * m[1] + R * m[1] * std::abs(m[1]);
      pn[0] = pr;
      mn[0] = (pr - cm0) / Z;
      const double cpN = p[N - 1] + Z * m[N - 1] - R * m[N - 1] * std::abs(m[N - 1]);
      if (t < tc) {  // K m² + Z m − (C_P − p_out) = 0 (forward flow)
        const double c = cpN - pout;
        mn[N] = K > 0 ? (-Z + std::sqrt(Z * Z + 4 * K * c)) / (2 * K) : c / Z;
        pn[N] = cpN - Z * mn[N];
      } else {
        mn[N] = 0;
        pn[N] = cpN;
      }
      std::swap(p, pn);
      std::swap(m, mn);
      const double dp = p[N] - pv0;
      peak = std::max(peak, dp), trough = std::min(trough, dp);
      if (t > tc && (prev > 0) != (dp > 0)) cross.push_back(t - dt + dt * prev / (prev - dp));
      prev = dp;
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, wall);
    if (cross.size() >= 3)
      period = 2 * (cross.back() - cross.front()) / static_cast<double>(cross.size() - 1);
  }
  std::printf(
      "{\"steps\": %ld, \"wall_s\": %.9g, \"peak_pa\": %.17g, \"trough_pa\": %.17g, \"m0\": %.17g, "
      "\"period_s\": %.17g}\n",
      steps, best, peak, trough, m0, period);
  return 0;
}
