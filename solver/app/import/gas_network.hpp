// A gas network as the importers read it (GasLib XML, GasModels' MATGAS), before it becomes a
// Steppe study: nodes with pressure bounds and nominated flows (one value per period of a
// schedule), connections (pipes, short pipes, valves, resistors, control valves, compressor
// stations with their units' maps), the gas. The front-ends fill it; choose_controls() picks
// the supply and the stations' and control valves' set points; emit_study() writes the YAML.
//
// Control choices (each repeated in the generated file's header and comments):
//   supply        the entry with the largest mean nominated flow holds its node at 3/4 of its
//                 pressure zone's common range; every other entry injects its nomination
//   zones         the parts joined by pipes, short pipes, valves and resistors; zones are
//                 linked by compressor stations and control valves, walked outwards from the
//                 supply's zone
//   stations      reached first through their suction side: discharge control at 95 % of the
//                 discharge zone's range (below pressureOutMax); from their discharge side:
//                 ratio control; both zones set elsewhere: the ratio of their levels; suction
//                 and discharge in one zone: idle with an open bypass (ratio 1 without maps)
//   control valves reached from their inlet: outlet 10 % below the inlet zone's level (inside
//                 the outlet bounds); reached from their outlet: two-way regulators regulate
//                 the other way, one-way ones are closed; a second regulator of a zone already
//                 held is closed
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace steppe::gas {

// Every problem found, each "file:line:column: error: message".
class ImportError : public std::runtime_error {
 public:
  explicit ImportError(std::vector<std::string> messages);
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

namespace imported {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Node {
  std::string id, type;  // "source" (entry), "sink" (exit), "innode"
  std::string where;     // "file:line:column" of its definition, for errors
  double height = 0.0, pmin = 0.0, pmax = kInf;
  double max_supply = kInf;  // kg/s: the most it may give if it becomes the supply
  std::vector<double> flow;  // kg/s per period (entries inject, exits withdraw); empty: none
  std::string flow_note;     // how the first period's flow was given ("360 × 1000 m³/h")
  int zone = -1;
  std::optional<double> initial;  // estimated steady pressure (estimate_pressures)
  bool nominated() const { return !flow.empty(); }
  double mean_flow() const;
};

// A compressor unit's map: speed lines with their points (efficiency per point optional),
// efficiency islands, speed limits; its driver.
struct UnitMap {
  struct Line {
    double speed = 0.0;                          // rpm
    std::vector<double> flow, head, efficiency;  // m³/s, kJ/kg, 1 (empty: none)
  };
  struct Island {
    double efficiency = 0.0;
    std::vector<double> flow, head;
  };
  std::string id;
  double speed_min = 0.0, speed_max = 0.0;  // rpm
  std::vector<Line> lines;
  std::vector<Island> islands;
  bool electric = false;
  std::optional<std::array<double, 3>> fuel_power;  // W, 1, 1/W
  // max_power points: speed (rpm), temperature (°C), power (W).
  std::vector<std::array<double, 3>> max_power;
};

struct Link {
  std::string id, type;  // pipe, shortPipe, valve, resistor, controlValve, compressorStation
  std::string where;
  int from = -1, to = -1;
  double length = 0.0, diameter = 0.0, roughness = 0.0, drag = 0.0;
  std::optional<double> lambda;            // pipes: a fixed Darcy friction factor
  double flow_min = 0.0, flow_max = kInf;  // kg/s
  double p_in_min = 0.0, p_out_max = kInf, p_out_min = 0.0;
  double ratio_max = kInf;     // compressors, as given
  bool open = true;            // valves
  bool bidirectional = false;  // regulators: may regulate in either direction
  // Compressor stations.
  std::string drive = "gas_turbine";
  int fuel_node = -1;   // -1: the suction node
  bool bypass = false;  // an internal bypass (flow either way while idle)
  std::vector<UnitMap> units;
  // Chosen by choose_controls().
  std::string control, comment;
  double set_point = 0.0;
  bool idle = false;  // a station whose suction and discharge lie in one zone
};

struct Zone {
  double lo = 0.0, hi = kInf;  // the pressure range common to its nodes
  std::optional<double> level;
};

struct Network {
  std::string name;                      // study.name
  std::vector<std::string> header;       // comment lines: source files, licence, citation
  std::vector<std::string> assumptions;  // bullets of the import's choices (front-end's)
  std::vector<Node> nodes;
  std::map<std::string, int> node_index;
  std::vector<Link> links;
  double period = 86400.0;    // s, length of one nomination
  int periods = 1;            // the flows' length
  std::string duration;       // study.duration ("1 d")
  double demand_swing = 0.0;  // exits swing daily by ± this fraction (one period only)
  // Gas.
  double molar_mass = 18.0;  // g/mol
  double temperature = 288.15;
  std::string law = "papay";
  std::optional<double> pseudo_critical_pressure, pseudo_critical_temperature;  // Pa, K
  std::optional<double> normal_density;                                         // kg/m³
  std::optional<double> fuel_lhv;                                               // J/kg
  std::optional<double> isentropic_exponent;
  std::string friction = "colebrook";
  // Chosen by choose_controls() ("walk") or solve_operating_point() ("flow").
  std::string controls = "walk";
  std::vector<Zone> zones;
  int supply = -1;
  double supply_pressure = 0.0;

  // Appends a node or link; reports a duplicate id through `error`.
  int add_node(Node n);
};

// The first part of choose_controls(): chooses the supply (false, with an error, if there is
// no entry), closes the link that closes each loop of lossless connections, leaves out
// (closes) stations and regulators between nodes so joined, and forms the pressure zones
// (net.zones, each node's zone) with their common ranges.
bool prepare_network(Network& net, std::vector<std::string>& errors);

// Chooses the supply, the pressure zones and every station's and control valve's set point
// by the zone walk (above); appends errors ("where: error: …") for nodes the supply cannot
// reach.
void choose_controls(Network& net, std::vector<std::string>& errors);

// First guesses of the steady node pressures for the steady start: the nominated flows carried
// along a spanning tree grown from the supply (leaves first), and the pressures down that
// tree from the supply's: pipes by the isothermal law p₂² = p₁² − λ·L·R_s·T·ṁ|ṁ|/(D·A²)
// (λ fixed or Swamee–Jain at the flow's Reynolds number), stations and regulators by their
// set points, the rest lossless. Called by choose_controls().
void estimate_pressures(Network& net);

// The study text.
std::string emit_study(const Network& net);

// "12.3 bar".
std::string bar(double pa);
std::string quote(const std::string& s);

}  // namespace imported
}  // namespace steppe::gas
