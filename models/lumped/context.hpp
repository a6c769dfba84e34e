// What the readers of the `lumped:` section's element kinds share while the section is
// read (models/lumped/kinds.cpp lists the kinds; their readers are in network.cpp beside
// the models).
#pragma once

#include "models/common/element_table.hpp"
#include "models/common/registry.hpp"
#include "models/lumped/network.hpp"
#include "solver/engine/system.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::lumped {

struct Context {
  explicit Context(System& sys) : system(sys) {}
  System& system;
  ElementNames names;
  ElementTable<const Node> nodes{"node"};
  Connectivity<Node> parts;  // every connected part needs a pressure reference
};

// The element kinds of the lumped section, in reading order.
std::span<const ElementKind<Context>> kinds();

}  // namespace steppe::lumped
