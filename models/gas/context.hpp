// What the readers of the `gas:` section's element kinds share while the section is read
// (models/gas/kinds.cpp lists the kinds; each kind's reader lives beside its model).
#pragma once

#include <utility>
#include <vector>

#include "models/common/element_table.hpp"
#include "models/common/friction.hpp"
#include "models/common/registry.hpp"
#include "models/gas/network.hpp"
#include "models/gas/node.hpp"
#include "solver/engine/system.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::gas {

// Section-wide settings of the energy equation (gas.energy), the pipes' defaults.
struct EnergyDefaults {
  bool on = false;
  double u = -1.0;                 // W/(m² K); < 0: from the soil
  double burial_depth = 1.5;       // m, pipe axis
  double soil_conductivity = 1.5;  // W/(m K)
  GroundTemperature ground;
};

struct Context {
  Context(System& s, const StudyOptions& o, GasNetwork& n)
      : system(s), options(o), network(n), gas(n.gas()), flow(n.flow()) {}

  System& system;
  const StudyOptions& options;
  GasNetwork& network;
  const GasProperties& gas;
  const FlowModel& flow;
  EnergyDefaults energy;
  // A supply's `composition` (tracking only): its index among flow.sources, added if new;
  // 0 (the fluid) after reporting a problem.
  int read_source(const Reader& item, const std::string& name);
  // Section-wide defaults for pipes.
  double default_segment_length = 5000.0;  // m
  Friction default_friction;               // relative_roughness holds the absolute one (m)

  ElementNames names;  // one name per element across the section's lists
  ElementTable<GasNode> nodes{"node"};
  Connectivity<GasNode> parts;  // connected parts; supplies mark their pressure reference
  // What each supply may give and each offtake takes at the start (the balance check).
  std::vector<std::pair<const GasNode*, double>> supply_limits, demands;
  std::vector<Reader> demand_items;

  // The two ends of a two-node element (from/to), or nulls after reporting (an unknown
  // node, or a loop on one node).
  std::pair<GasNode*, GasNode*> ends(const Reader& item) {
    GasNode* from = nodes.find(item, "from");
    GasNode* to = nodes.find(item, "to");
    if (from && from == to) {
      item.error_at_key("to", "from and to are the same node");
      return {nullptr, nullptr};
    }
    return {from, to};
  }
};

// The element kinds of the gas section, in reading order.
std::span<const ElementKind<Context>> kinds();

// Reads a `gas:` section with the given kinds (read_network passes kinds()).
void read_section(const Reader& section, System& system, const StudyOptions& options,
                  std::span<const ElementKind<Context>> kinds);

}  // namespace steppe::gas
