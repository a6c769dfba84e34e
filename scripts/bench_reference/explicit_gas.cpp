// The explicit reference for the gas benchmarks: the staggered-grid scheme of Gyrya & Zlotnik
// (2019), "An explicit staggered-grid method for numerical simulation of large-scale natural
// gas pipeline networks", Applied Mathematical Modelling 65, 34–51 (arXiv 1803.00418), on a
// line of pipe sections in series, written for scripts/bench_gas_table.py. Not part of Steppe.
//
// Physics (Steppe's isothermal pipe, models/gas/pipe.hpp, with a fixed Darcy λ, no gravity):
//   ∂ρ/∂t + (1/A) ∂ṁ/∂x = 0,   ∂ṁ/∂t + A ∂p/∂x = −λ ṁ|ṁ| / (2 D A ρ),   ρ = p / (Z(p) R T)
// with Z = 1 (ideal) or Papay's law (the pseudo-critical properties of Steppe's gas_law.cpp).
//
// Grid (the same semi-discretisation in space as Steppe's): a section of length L is cut into
// N segments of dx = L/N; density and pressure live at the N+1 points, mass flow on the
// segments; the end points are nodes holding the half-cells A·dx/2. The mean density of a
// segment is ρ((p_j + p_{j+1})/2), as in Steppe (with an ideal gas it is (ρ_j + ρ_{j+1})/2,
// the paper's choice).
//
// Time (the paper's staggering): ρ at t_n = n·Δt, ṁ at t_{n+1/2}. One step:
//   interior point i:  ρ_i^{n+1} = ρ_i^n + Δt/(A dx) · (ṁ_{i−1} − ṁ_i)^{n+1/2}
//   end node, flow:    ρ^{n+1} = ρ^n + Δt/(A dx/2) · (inflow − outflow)^{n+1/2}
//                      (a suction node: its section's last segment in, the next section's
//                      first segment out; the line's end: the last segment in, the
//                      withdrawal w(t_{n+1/2}) out)
//   end node, pressure: p^{n+1} given (the supply; a compressor's discharge set point)
//   p^{n+1} = p(ρ^{n+1})   (Papay: the smaller root of the quadratic ρRT(1 − a p + b p²) = p)
//   segment j:  (ṁ^{n+3/2} − ṁ^{n+1/2})/Δt + A (p_{j+1} − p_j)^{n+1}/dx
//                 + λ/(2 D A ρ̄^{n+1}) · ½ (ṁ|ṁ|^{n+3/2} + ṁ|ṁ|^{n+1/2}) = 0
//     the friction averaged over the old and new flow, as in the paper: with
//     a = Δt λ/(4 D A ρ̄) and y = ṁ^{n+1/2} − Δt A Δp/dx − a ṁ|ṁ|^{n+1/2} the new flow solves
//     ṁ + a ṁ|ṁ| = y, i.e. ṁ = 2y / (1 + √(1 + 4a|y|)).
// Δt = CFL · dx_min / c_max with c² = dp/dρ, its largest value over 0 … 1.1·(largest
// boundary pressure), shortened so that the duration is a whole number of steps.
// A compressor with discharge-pressure control is its discharge node held at the set point
// (no fuel drawn, no limits reached); its flow is the next section's first segment's.
// Initial state: the discrete steady state at the withdrawal w(0), marched segment by
// segment (Newton on each segment's momentum balance), every section carrying w(0).
//
// Input: a text file of `key value…` lines (`#` comments):
//   specific_gravity G | temperature T [K] | law ideal|papay
//   supply_pressure p [Pa]         pressure at the head of the first section
//   discharge_pressure p [Pa]      pressure at the head of every later section
//   section L [m] D [m] λ N        one line per section, in flow order
//   withdrawal FILE                a CSV file: a header row, then `time [s], mass flow
//                                  [kg/s]` rows, linear in time
//   period P [s]                   0: none; else the table repeats (points in [0, P))
//   duration T [s] | cfl C | output_interval Δ [s]
// Output: OUTPUT.csv, `time_s,outlet_pressure_Pa` at every output interval from 0 (the
// pressure at the line's end node, linear between steps), and one line on stdout:
//   steps N dt Δt cells C wall_s W        (W: the whole run, reading to writing)
// Build: g++ -O3 -fno-math-errno -std=c++20 explicit_gas.cpp -o explicit_gas (as the benchmark
// does; tests/CMakeLists.txt builds it too, for its smoke test)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr double kGasConstant = 8.314462618;  // J/(mol·K)
constexpr double kMolarMassAir = 28.9647e-3;  // kg/mol
constexpr double kPsi = 6894.757293168;       // Pa

// ρ(p) and p(ρ) for Z = 1 − a·p + b·p² (ideal: a = b = 0).
struct GasLaw {
  double rt = 0.0;  // R_s·T
  double a = 0.0, b = 0.0;

  double density(double p) const { return p / ((1.0 - a * p + b * p * p) * rt); }
  // dρ/dp, for the sound speed.
  double density_slope(double p) const {
    const double z = 1.0 - a * p + b * p * p, dz = -a + 2.0 * b * p;
    return (z - p * dz) / (z * z * rt);
  }
  double pressure(double rho) const {
    if (b == 0.0 && a == 0.0) return rho * rt;
    // b·q·p² − (1 + a·q)·p + q = 0, q = ρRT: the root that tends to q as q → 0.
    const double q = rho * rt, s = 1.0 + a * q;
    return 2.0 * q / (s + std::sqrt(s * s - 4.0 * b * q * q));
  }
};

GasLaw make_gas_law(double gravity, double temperature, const std::string& law) {
  GasLaw g;
  g.rt = kGasConstant / (gravity * kMolarMassAir) * temperature;
  if (law == "papay") {
    const double tpc = (168.0 + 325.0 * gravity - 12.5 * gravity * gravity) / 1.8;  // K
    const double ppc = (677.0 + 15.0 * gravity - 37.5 * gravity * gravity) * kPsi;  // Pa
    const double tr = temperature / tpc;
    g.a = 3.52 * std::pow(10.0, -0.9813 * tr) / ppc;
    g.b = 0.274 * std::pow(10.0, -0.8157 * tr) / (ppc * ppc);
  } else if (law != "ideal") {
    throw std::runtime_error("law must be ideal or papay, not '" + law + "'");
  }
  return g;
}

// A piecewise-linear table, optionally periodic (between the last point and the next
// period's first point it interpolates linearly, as Steppe's profiles do).
struct Table {
  std::vector<double> t, v;
  double period = 0.0;

  double operator()(double time) const {
    if (period > 0.0) time -= period * std::floor(time / period);
    if (time <= t.front() && period <= 0.0) return v.front();
    const auto hi = std::upper_bound(t.begin(), t.end(), time);
    if (hi == t.end()) {
      if (period <= 0.0) return v.back();
      const double t1 = t.front() + period;  // the next period's first point
      return v.back() + (v.front() - v.back()) * (time - t.back()) / (t1 - t.back());
    }
    if (hi == t.begin()) {  // periodic, before the first point: from the last one
      const double t0 = t.back() - period;
      return v.back() + (v.front() - v.back()) * (time - t0) / (t.front() - t0);
    }
    const std::size_t k = std::size_t(hi - t.begin());
    return v[k - 1] + (v[k] - v[k - 1]) * (time - t[k - 1]) / (t[k] - t[k - 1]);
  }
};

Table read_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Table tab;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream row(line);
    double t = 0.0, v = 0.0;
    if (!(row >> t >> v)) throw std::runtime_error(path + ": bad row '" + line + "'");
    if (!tab.t.empty() && t <= tab.t.back())
      throw std::runtime_error(path + ": times must increase");
    tab.t.push_back(t);
    tab.v.push_back(v);
  }
  if (tab.t.empty()) throw std::runtime_error(path + ": no rows");
  return tab;
}

struct Section {
  double length = 0.0, diameter = 0.0, lambda = 0.0;
  int segments = 1;
  // state
  double area = 0.0, dx = 0.0;
  std::vector<double> rho, p, m;  // N+1 points, N+1 points, N segments
};

struct Case {
  GasLaw gas;
  double supply_pressure = 0.0, discharge_pressure = 0.0;
  std::vector<Section> sections;
  Table withdrawal;
  double duration = 0.0, cfl = 0.9, output_interval = 600.0;
};

Case read_case(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Case c;
  double gravity = 0.6, temperature = 288.15, period = 0.0;
  std::string law = "ideal", table;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string key;
    if (!(row >> key) || key[0] == '#') continue;
    bool ok = true;
    if (key == "specific_gravity")
      ok = bool(row >> gravity);
    else if (key == "temperature")
      ok = bool(row >> temperature);
    else if (key == "law")
      ok = bool(row >> law);
    else if (key == "supply_pressure")
      ok = bool(row >> c.supply_pressure);
    else if (key == "discharge_pressure")
      ok = bool(row >> c.discharge_pressure);
    else if (key == "withdrawal")
      ok = bool(row >> table);
    else if (key == "period")
      ok = bool(row >> period);
    else if (key == "duration")
      ok = bool(row >> c.duration);
    else if (key == "cfl")
      ok = bool(row >> c.cfl);
    else if (key == "output_interval")
      ok = bool(row >> c.output_interval);
    else if (key == "section") {
      Section s;
      ok = bool(row >> s.length >> s.diameter >> s.lambda >> s.segments) && s.segments > 0;
      c.sections.push_back(s);
    } else {
      throw std::runtime_error(path + ": unknown key '" + key + "'");
    }
    if (!ok) throw std::runtime_error(path + ": bad line '" + line + "'");
  }
  if (c.sections.empty() || table.empty() || c.duration <= 0.0 || c.supply_pressure <= 0.0 ||
      (c.sections.size() > 1 && c.discharge_pressure <= 0.0))
    throw std::runtime_error(path + ": needs sections, withdrawal, duration and pressures");
  c.gas = make_gas_law(gravity, temperature, law);
  c.withdrawal = read_table(table);
  c.withdrawal.period = period;
  return c;
}

// The steady state at flow w: each segment's momentum balance A(q − p)/dx + λw|w|/(2DAρ(p̄))
// = 0 solved for its downstream pressure q by Newton.
void steady_state(Case& c, double w) {
  for (std::size_t k = 0; k < c.sections.size(); ++k) {
    Section& s = c.sections[k];
    const int n = s.segments;
    s.area = std::numbers::pi * s.diameter * s.diameter / 4.0;
    s.dx = s.length / n;
    s.rho.assign(std::size_t(n + 1), 0.0);
    s.p.assign(std::size_t(n + 1), 0.0);
    s.m.assign(std::size_t(n), w);
    s.p[0] = k == 0 ? c.supply_pressure : c.discharge_pressure;
    const double drag = s.lambda * w * std::abs(w) / (2.0 * s.diameter * s.area);
    for (int j = 0; j < n; ++j) {
      const double p0 = s.p[std::size_t(j)];
      double q = p0;
      for (int it = 0; it < 50; ++it) {
        const double pm = 0.5 * (p0 + q), rho = c.gas.density(pm);
        const double f = s.area * (q - p0) / s.dx + drag / rho;
        const double df = s.area / s.dx - drag / (rho * rho) * c.gas.density_slope(pm) * 0.5;
        const double step = f / df;
        q -= step;
        if (std::abs(step) < 1e-9 * p0) break;
      }
      if (!(q > 0.0)) throw std::runtime_error("no steady state: the flow is too large");
      s.p[std::size_t(j + 1)] = q;
    }
    for (int i = 0; i <= n; ++i) s.rho[std::size_t(i)] = c.gas.density(s.p[std::size_t(i)]);
  }
}

double largest_sound_speed(const Case& c) {
  const double p_top = 1.1 * std::max(c.supply_pressure, c.discharge_pressure);
  double c2 = 0.0;
  for (int k = 1; k <= 200; ++k) c2 = std::max(c2, 1.0 / c.gas.density_slope(p_top * k / 200));
  return std::sqrt(c2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: explicit_gas INPUT OUTPUT.csv\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  Case c;
  try {
    c = read_case(argv[1]);
    steady_state(c, c.withdrawal(0.0));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "explicit_gas: %s\n", e.what());
    return 2;
  }
  double dx_min = c.sections.front().dx;
  long cells = 0;
  for (const Section& s : c.sections) {
    dx_min = std::min(dx_min, s.dx);
    cells += s.segments;
  }
  const long steps = long(std::ceil(c.duration / (c.cfl * dx_min / largest_sound_speed(c))));
  const double dt = c.duration / double(steps);

  const GasLaw gas = c.gas;
  const std::size_t nsec = c.sections.size();
  const Section& last = c.sections.back();
  std::vector<double> out_t, out_p;
  double next_out = 0.0;
  const auto record = [&](double t0, double p0, double t1, double p1) {
    while (next_out <= t1 + 1e-9 * dt && next_out <= c.duration + 1e-9 * dt) {
      const double f = t1 > t0 ? (next_out - t0) / (t1 - t0) : 1.0;
      out_t.push_back(next_out);
      out_p.push_back(p0 + f * (p1 - p0));
      next_out += c.output_interval;
    }
  };
  record(0.0, last.p.back(), 0.0, last.p.back());

  for (long n = 0; n < steps; ++n) {
    const double t = n * dt, t_half = t + 0.5 * dt;
    const double p_out_old = last.p.back();
    // Densities to t_{n+1} from the flows at t_{n+1/2}.
    for (std::size_t k = 0; k < nsec; ++k) {
      Section& s = c.sections[k];
      const int n_seg = s.segments;
      double* rho = s.rho.data();
      const double* m = s.m.data();
      const double f = dt / (s.area * s.dx);
      for (int i = 1; i < n_seg; ++i) rho[i] += f * (m[i - 1] - m[i]);
      const double outflow = k + 1 < nsec ? c.sections[k + 1].m[0] : c.withdrawal(t_half);
      rho[n_seg] += 2.0 * f * (m[n_seg - 1] - outflow);
    }
    // Pressures at t_{n+1}; the heads are held.
    for (std::size_t k = 0; k < nsec; ++k) {
      Section& s = c.sections[k];
      const int n_seg = s.segments;
      const double* rho = s.rho.data();
      double* p = s.p.data();
      for (int i = 1; i <= n_seg; ++i) p[i] = gas.pressure(rho[i]);
    }
    // Flows to t_{n+3/2}.
    for (Section& s : c.sections) {
      const int n_seg = s.segments;
      const double* p = s.p.data();
      double* m = s.m.data();
      const double grad = dt * s.area / s.dx;
      const double fric = dt * s.lambda / (4.0 * s.diameter * s.area);
      for (int j = 0; j < n_seg; ++j) {
        const double pm = 0.5 * (p[j] + p[j + 1]);  // a = fric/ρ(p̄) = fric·Z(p̄)·RT/p̄
        const double a = fric * gas.rt * (1.0 - gas.a * pm + gas.b * pm * pm) / pm;
        const double mo = m[j];
        const double y = mo - grad * (p[j + 1] - p[j]) - a * mo * std::abs(mo);
        m[j] = 2.0 * y / (1.0 + std::sqrt(1.0 + 4.0 * a * std::abs(y)));
      }
    }
    record(t, p_out_old, t + dt, last.p.back());
  }

  std::FILE* f = std::fopen(argv[2], "w");
  if (!f) {
    std::fprintf(stderr, "explicit_gas: cannot write %s\n", argv[2]);
    return 2;
  }
  std::fprintf(f, "time_s,outlet_pressure_Pa\n");
  for (std::size_t k = 0; k < out_t.size(); ++k)
    std::fprintf(f, "%.6f,%.10g\n", out_t[k], out_p[k]);
  std::fclose(f);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("steps %ld dt %.9g cells %ld wall_s %.6f\n", steps, dt, cells, wall);
  return 0;
}
