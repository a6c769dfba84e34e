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
#include <functional>
#include <limits>
#include <map>
#include <numeric>

#include "models/lumped/network.hpp"

namespace steppe::lumped {

void read_network(const Reader& section, System& system, const StudyOptions& options) {
  std::map<std::string, const Node*> nodes;
  std::vector<std::string> node_names;
  std::map<std::string, std::string> names;  // every element name → its list, for duplicates

  auto claim_name = [&](const Reader& item, const std::string& list) -> std::string {
    std::string name = item.text("name");
    if (name.empty()) return {};
    auto [it, fresh] = names.emplace(name, list);
    if (!fresh) {
      item.error_at_key("name", fmt::format("duplicate element name '{}' (already used in {})",
                                            name, it->second));
      return {};
    }
    return name;
  };
  bool nodes_complete = true;
  auto node_ref = [&](const Reader& item, const std::string& key) -> const Node* {
    std::string ref = item.text(key);
    if (ref.empty()) return nullptr;
    auto it = nodes.find(ref);
    if (it != nodes.end()) return it->second;
    // A node list that failed to read would make every reference to it dangle.
    if (!nodes_complete) return nullptr;
    std::string hint = closest_match(ref, node_names);
    item.error_at_key(key, fmt::format("no node named '{}'{}", ref,
                                       hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    return nullptr;
  };

  const std::size_t errors_before_nodes = section.context().diagnostics.size();
  for (const Reader& item : section.map_items("nodes", "name: Tank, capacitance: 2e-2 kg/Pa")) {
    std::string name = claim_name(item, "nodes");
    double c = item.quantity("capacitance", dim::flow_capacitance);
    double p0 = item.quantity("initial_pressure", dim::pressure, 1e5);
    double pmax =
        item.quantity("max_pressure", dim::pressure, std::numeric_limits<double>::infinity());
    item.check("capacitance", c >= 0, "must be ≥ 0 (0 makes the node a junction)");
    item.finish();
    if (name.empty()) continue;
    nodes[name] = &system.emplace<Node>(name, c, p0, pmax);
    node_names.push_back(name);
  }
  nodes_complete = section.context().diagnostics.size() == errors_before_nodes;
  // Union–find over links, to check that every connected part has a pressure reference.
  std::map<const Node*, const Node*> parent;
  std::function<const Node*(const Node*)> root = [&](const Node* n) {
    auto it = parent.find(n);
    if (it == parent.end() || it->second == n) return n;
    return it->second = root(it->second);
  };
  for (const Reader& item :
       section.map_items("links", "name: L1, from: A, to: B, conductance: 1e-5 kg/s/Pa")) {
    std::string name = claim_name(item, "links");
    const Node* from = node_ref(item, "from");
    const Node* to = node_ref(item, "to");
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
    parent[root(from)] = root(to);
  }
  for (const Reader& item : section.map_items("sources", "name: S1, node: A, mass_flow: 20 kg/s")) {
    std::string name = claim_name(item, "sources");
    const Node* node = node_ref(item, "node");
    Profile flow = item.profile("mass_flow", dim::mass_flow);
    item.finish();
    if (!name.empty() && node) system.emplace<Source>(name, *node, std::move(flow));
  }
  std::map<const Node*, bool> referenced;
  for (const Reader& item :
       section.map_items("boundaries", "name: B1, node: A, pressure: 50 bar")) {
    std::string name = claim_name(item, "boundaries");
    const Node* node = node_ref(item, "node");
    Profile p = item.profile("pressure", dim::pressure);
    item.finish();
    if (!name.empty() && node) {
      system.emplace<Boundary>(name, *node, std::move(p));
      referenced[root(node)] = true;
    }
  }
  section.finish();
  if (options.steady_start && section.context().diagnostics.empty()) {
    for (const auto& [name, node] : nodes)
      if (!referenced.count(root(node))) {
        section.error_at_key(
            "boundaries",
            fmt::format("node '{}' is in a part of the network with no boundary (pressure "
                        "reference): the steady start has no unique solution; add a boundary "
                        "or set solver.initial: given",
                        name));
        break;
      }
  }
}

}  // namespace steppe::lumped
