// The performance map of a centrifugal (turbo) compressor, fitted once from its data.
//
//   data      speed lines: at speeds n_k, the isentropic (adiabatic) head H [J/kg] against
//             the inlet volume flow Q [m³/s], each line from its surge point to its choke
//             point, optionally with the efficiency at each point; efficiency islands:
//             points (Q, H) of equal isentropic efficiency η;
//             the surge and choke lines as points (Q, H) (default: the first and the last
//             point of every speed line)
//   fits      (least squares, models/common/polyfit.hpp)
//             head        H(Q, n) = Σ_{i,j≤2} a_ij·Q^i·n^j   over every speed-line point
//                         (GasLib's form of a turbo compressor's characteristic diagram)
//             efficiency  η(Q, n) = Σ b_ij·Q^i·n^j            over the island points (each
//                         point's speed from the head fit) and the speed lines' points with
//                         an efficiency (fewer terms when the points cannot determine nine)
//             surge line  Q_s(H) = c_0 + c_1·H + c_2·H²       (degree ≤ points − 1)
//             choke line  Q_c(H)                              likewise
//   checks    (each a fault the study reader reports at its key)
//             ≥ 3 speed lines of ≥ 3 points, speeds rising from line to line; along each
//             line the flow rises and the head falls (a speed line that is not monotone
//             has no unique operating point); the head fit within 2 % of the largest head
//             of every point; on the fitted surface, within the map, ∂H/∂Q < 0 and
//             ∂H/∂n > 0; the surge and choke lines each cross every speed line within that
//             line's data (a line outside the map is an error), surge left of choke; the
//             fitted efficiency within (0.2, 1] over the map
// Units: SI inside (m³/s, J/kg, rev/s); the study reader converts.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "models/common/polyfit.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::gas {

struct MapLine {
  double speed = 0.0;  // rev/s
  std::vector<double> flow, head;
  std::vector<double> efficiency;  // at each point, or empty
};

struct MapIsland {
  double efficiency = 0.0;
  std::vector<double> flow, head;
};

struct MapData {
  std::vector<MapLine> lines;
  std::vector<MapIsland> islands;  // empty: the constant `efficiency`
  double efficiency = 0.0;
  std::vector<double> surge_flow, surge_head;  // empty: the first points of the lines
  std::vector<double> choke_flow, choke_head;  // empty: the last points
};

// A problem with the data, where it lies: a speed line (index, point), the surge or choke
// line, an efficiency island (index), or the map as a whole.
struct MapFault {
  enum class Where { Line, Surge, Choke, Island, Map };
  Where where = Where::Map;
  int index = -1;
  std::string key;  // the key inside the item: "head", "flow", "speed", "efficiency", ""
  std::string message;
};

class CompressorMap {
 public:
  CompressorMap() = default;
  // Fits and checks; appends every fault found. The map is usable only if none was.
  static CompressorMap fit(const MapData& data, std::vector<MapFault>& faults);

  // H(Q, n) [J/kg] with ∂H/∂Q, ∂H/∂n.
  double head(double q, double n, double* dq = nullptr, double* dn = nullptr) const {
    return head_.value(q, n, dq, dn);
  }
  double efficiency(double q, double n, double* dq = nullptr, double* dn = nullptr) const {
    return eta_.value(q, n, dq, dn);
  }
  // Q_s(H), Q_c(H) [m³/s] with their slopes.
  double surge_flow(double h, double* dq_dh = nullptr) const { return surge_.value(h, dq_dh); }
  double choke_flow(double h, double* dq_dh = nullptr) const { return choke_.value(h, dq_dh); }
  double lowest_speed() const { return n_lo_; }
  double highest_speed() const { return n_hi_; }
  double highest_head() const { return h_hi_; }
  double largest_flow() const { return q_hi_; }
  // The flow on the falling branch of speed line n at head h (NaN if it does not reach h).
  double flow_at(double h, double n) const;
  // The speed whose line passes through (q, h) on the rising branch in n (NaN if none).
  double speed_at(double q, double h) const;
  // The fitted head surface (its coefficients in SI, for comparison with published ones).
  const Poly2& head_fit() const { return head_; }
  double worst_head_misfit() const { return misfit_; }  // J/kg

 private:
  Poly2 head_, eta_;
  Poly1 surge_, choke_;
  double n_lo_ = 0.0, n_hi_ = 0.0, h_hi_ = 0.0, q_hi_ = 0.0, misfit_ = 0.0;
};

// Reads a map (keys in inputs/README.md, gas-compressor-stations) and fits it; reports
// every fault at its key. nullopt after any error.
//   {units: {flow: m3/s, head: kJ/kg, speed: rpm},        units of bare numbers (SI default)
//    speed_lines: [{speed: 3419, flow: [...], head: [...]}, ...],
//    efficiency: 0.84 | efficiency_islands: [{value: 0.86, flow: [...], head: [...]}, ...],
//    surge_line: {flow: [...], head: [...]}, choke_line: {flow: [...], head: [...]}}
std::optional<CompressorMap> read_compressor_map(const Reader& map);

}  // namespace steppe::gas
