// The element kinds of the `lumped:` section, in reading order (a kind may refer to those
// above it). One row per kind; the readers are in network.cpp beside the models.
#include "models/lumped/context.hpp"
#include "models/lumped/reader.hpp"

namespace steppe::lumped {

void read_node(const Reader&, Context&);  // network.cpp
void nodes_read(Context&, bool had_errors);
void read_link(const Reader&, Context&);
void read_source(const Reader&, Context&);
void read_boundary(const Reader&, Context&);

namespace {

const ElementKind<Context> kKinds[] = {
    {"nodes", "name: Tank, capacitance: 2e-2 kg/Pa", read_node, "lumped-nodes", {}, nodes_read},
    {"links", "name: L1, from: A, to: B, conductance: 1e-5 kg/s/Pa", read_link, "lumped-links"},
    {"sources", "name: S1, node: A, mass_flow: 20 kg/s", read_source, "lumped-sources"},
    {"boundaries", "name: B1, node: A, pressure: 50 bar", read_boundary, "lumped-boundaries"},
};

}  // namespace

std::span<const ElementKind<Context>> kinds() {
  return kKinds;
}

std::vector<KindInfo> kind_list() {
  return kind_infos(kinds());
}

}  // namespace steppe::lumped
