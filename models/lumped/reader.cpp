// Reads the `lumped:` section of a study into lumped network components.
//
//   lumped:
//     nodes:      [{name, capacitance (kg/Pa, 0 = junction), initial_pressure, max_pressure}]
//     links:      [{name, from, to, conductance (kg/s/Pa), opening (profile, 1), check_valve}]
//     sources:    [{name, node, mass_flow (profile)}]
//     boundaries: [{name, node, pressure (profile)}]
#include "models/lumped/reader.hpp"

#include <fmt/format.h>

#include <functional>
#include <limits>
#include <map>
#include <numeric>

#include "models/lumped/network.hpp"

namespace steppe::lumped {

namespace {

const Dimension kCapacitance = dim::mass / dim::pressure;       // kg/Pa
const Dimension kConductance = dim::mass_flow / dim::pressure;  // kg/(s·Pa)

}  // namespace

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
  auto node_ref = [&](const Reader& item, const std::string& key) -> const Node* {
    std::string ref = item.text(key);
    if (ref.empty()) return nullptr;
    auto it = nodes.find(ref);
    if (it != nodes.end()) return it->second;
    std::string hint = closest_match(ref, node_names);
    item.error_at_key(key, fmt::format("no node named '{}'{}", ref,
                                       hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    return nullptr;
  };

  for (const Reader& item : section.items("nodes")) {
    std::string name = claim_name(item, "nodes");
    double c = item.quantity("capacitance", kCapacitance);
    double p0 = item.quantity("initial_pressure", dim::pressure, 1e5);
    double pmax =
        item.quantity("max_pressure", dim::pressure, std::numeric_limits<double>::infinity());
    if (c < 0) item.error_at_key("capacitance", "must be ≥ 0 (0 makes the node a junction)");
    item.finish();
    if (name.empty()) continue;
    nodes[name] = &system.emplace<Node>(name, c, p0, pmax);
    node_names.push_back(name);
  }
  // Union–find over links, to check that every connected part has a pressure reference.
  std::map<const Node*, const Node*> parent;
  std::function<const Node*(const Node*)> root = [&](const Node* n) {
    auto it = parent.find(n);
    if (it == parent.end() || it->second == n) return n;
    return it->second = root(it->second);
  };
  for (const Reader& item : section.items("links")) {
    std::string name = claim_name(item, "links");
    const Node* from = node_ref(item, "from");
    const Node* to = node_ref(item, "to");
    double g = item.quantity("conductance", kConductance);
    Profile opening = item.profile("opening", dim::none, 1.0);
    bool check = item.flag("check_valve", false);
    if (g <= 0) item.error_at_key("conductance", "must be > 0");
    if (from && from == to) item.error_at_key("to", "a link must join two different nodes");
    for (double v : opening.values())
      if (v < 0 || v > 1) {
        item.error_at_key("opening", "opening must lie between 0 and 1");
        break;
      }
    item.finish();
    if (name.empty() || !from || !to || from == to) continue;
    system.emplace<Link>(name, *from, *to, g, std::move(opening), check);
    parent[root(from)] = root(to);
  }
  for (const Reader& item : section.items("sources")) {
    std::string name = claim_name(item, "sources");
    const Node* node = node_ref(item, "node");
    Profile flow = item.profile("mass_flow", dim::mass_flow);
    item.finish();
    if (!name.empty() && node) system.emplace<Source>(name, *node, std::move(flow));
  }
  std::map<const Node*, bool> referenced;
  for (const Reader& item : section.items("boundaries")) {
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
