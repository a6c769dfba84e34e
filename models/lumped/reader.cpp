// Reads the `lumped:` section of a study into lumped network components.
//
//   lumped:
//     nodes:      [{name, capacitance (kg/Pa, 0 = junction), initial_pressure, max_pressure}]
//     links:      [{name, from, to, conductance (kg/s/Pa), opening (profile, 1), check_valve}]
//     sources:    [{name, node, mass_flow (profile)}]
//     boundaries: [{name, node, pressure (profile)}]
#include "models/lumped/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "models/common/element_table.hpp"
#include "models/lumped/network.hpp"

namespace steppe::lumped {

void read_network(const Reader& section, System& system, const StudyOptions& options) {
  ElementNames names;
  ElementTable<const Node> nodes("node");
  Connectivity<Node> parts;  // every connected part needs a pressure reference

  const std::size_t errors_before_nodes = section.context().diagnostics.size();
  for (const Reader& item : section.map_items("nodes", "name: Tank, capacitance: 2e-2 kg/Pa")) {
    std::string name = names.claim(item, "nodes");
    double c = item.quantity("capacitance", dim::flow_capacitance);
    double p0 = item.quantity("initial_pressure", dim::pressure, 1e5);
    double pmax =
        item.quantity("max_pressure", dim::pressure, std::numeric_limits<double>::infinity());
    item.check("capacitance", c >= 0, "must be ≥ 0 (0 makes the node a junction)");
    item.finish();
    if (!name.empty()) nodes.add(name, &system.emplace<Node>(name, c, p0, pmax), item);
  }
  nodes.set_complete(section.context().diagnostics.size() == errors_before_nodes);
  for (const Reader& item :
       section.map_items("links", "name: L1, from: A, to: B, conductance: 1e-5 kg/s/Pa")) {
    std::string name = names.claim(item, "links");
    const Node* from = nodes.find(item, "from");
    const Node* to = nodes.find(item, "to");
    double g = item.quantity("conductance", dim::flow_conductance);
    Profile opening = item.profile("opening", dim::none, 1.0);
    bool check = item.flag("check_valve", false);
    item.check("conductance", g > 0, "must be > 0");
    if (from && from == to) item.error_at_key("to", "a link must join two different nodes");
    item.check("opening",
               std::all_of(opening.values().begin(), opening.values().end(),
                           [](double v) { return v >= 0 && v <= 1; }),
               "opening must lie between 0 and 1");
    item.finish();
    if (name.empty() || !from || !to || from == to) continue;
    system.emplace<Link>(name, *from, *to, g, std::move(opening), check);
    parts.join(from, to);
  }
  for (const Reader& item : section.map_items("sources", "name: S1, node: A, mass_flow: 20 kg/s")) {
    std::string name = names.claim(item, "sources");
    const Node* node = nodes.find(item, "node");
    Profile flow = item.profile("mass_flow", dim::mass_flow);
    item.finish();
    if (!name.empty() && node) system.emplace<Source>(name, *node, std::move(flow));
  }
  for (const Reader& item :
       section.map_items("boundaries", "name: B1, node: A, pressure: 50 bar")) {
    std::string name = names.claim(item, "boundaries");
    const Node* node = nodes.find(item, "node");
    Profile p = item.profile("pressure", dim::pressure);
    item.finish();
    if (!name.empty() && node) {
      system.emplace<Boundary>(name, *node, std::move(p));
      parts.mark(node);
    }
  }
  section.finish();
  if (options.steady_start && section.context().diagnostics.empty()) {
    for (const auto& [name, node] : nodes.elements())
      if (!parts.referenced(node)) {
        nodes.item(name).error_at_key(
            "name", fmt::format("node '{}' is in a part of the network with no boundary "
                                "(pressure reference): the steady start has no unique "
                                "solution; add a boundary or set solver.initial: given",
                                name));
        break;
      }
  }
}

}  // namespace steppe::lumped
