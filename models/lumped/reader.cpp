// Reads the `lumped:` section of a study into lumped network components.
//
//   lumped:
//     nodes:      [{name, capacitance (kg/Pa, 0 = junction), initial_pressure, max_pressure}]
//     links:      [{name, from, to, conductance (kg/s/Pa), opening (profile, 1), check_valve}]
//     sources:    [{name, node, mass_flow (profile)}]
//     boundaries: [{name, node, pressure (profile)}]
// (the element kinds, kinds.cpp), then checks that every connected part has a boundary.
#include "models/lumped/reader.hpp"

#include <fmt/format.h>

#include "models/lumped/context.hpp"

namespace steppe::lumped {

void read_network(const Reader& section, System& system, const StudyOptions& options) {
  Context c(system);
  read_kinds(section, c, kinds());
  section.finish();
  if (options.steady_start && section.context().diagnostics.empty()) {
    for (const auto& [name, node] : c.nodes.elements())
      if (!c.parts.referenced(node)) {
        c.nodes.item(name).error_at_key(
            "name", fmt::format("node '{}' is in a part of the network with no boundary "
                                "(pressure reference): the steady start has no unique "
                                "solution; add a boundary or set solver.initial: given",
                                name));
        break;
      }
  }
}

}  // namespace steppe::lumped
